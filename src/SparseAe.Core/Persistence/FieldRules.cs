namespace SparseAe.Persistence;

// The rule of each saved field is stated once, as one of these, and used by both sides:
// PayloadReader refuses a value that breaks it with an InvalidDataException ("The {what} at offset
// {o} {problem}."), and PayloadWriter refuses to save it with an ArgumentException worded the same
// ("The {what} {problem}. The ... is not saved: ..."), so whatever Save writes, Load reads back.

/// <summary>An i32 field: <c>Min..Max</c>.</summary>
internal readonly record struct IntField(string What, int Min, int Max)
{
    /// <summary>Null when the value keeps the rule, else what is wrong: "is 65; it must lie in 0..64".</summary>
    public string? Problem(long value) => value < Min || value > Max ? $"is {value}; it must lie in {Min}..{Max}" : null;
}

/// <summary>An i64 field: at least <c>Min</c>.</summary>
internal readonly record struct LongField(string What, long Min)
{
    public string? Problem(long value) => value < Min ? $"is {value}; it must be at least {Min}" : null;
}

/// <summary>An f64 field: in [Min, Max], or (Min, Max) when exclusive; NaN never keeps the rule.</summary>
internal readonly record struct DoubleField(string What, double Min, double Max, bool Exclusive = false)
{
    public string? Problem(double value)
    {
        bool ok = Exclusive ? value > Min && value < Max : value >= Min && value <= Max;
        return ok ? null : $"is {value}; it must lie in {(Exclusive ? "(" : "[")}{Min}, {Max}{(Exclusive ? ")" : "]")}";
    }
}

/// <summary>Rules shared by several fields and formats.</summary>
internal static class FieldRules
{
    /// <summary>Null for a finite value, else "is NaN; it must be finite".</summary>
    public static string? Finite(double value) => double.IsFinite(value) ? null : $"is {value}; it must be finite";
}
