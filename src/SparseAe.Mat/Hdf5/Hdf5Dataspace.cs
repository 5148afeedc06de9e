namespace SparseAe.Mat.Hdf5;

/// <summary>A dataspace message: scalar, null (no elements) or a simple array with HDF5 (row-major) dimensions.</summary>
/// <remarks>
/// <code>
/// version 1: version u8 = 1, rank u8, flags u8, reserved u8, reserved u32, dimensions rank x L,
///            [maximum dimensions rank x L if flags bit 0], [permutation indices if flags bit 1]
/// version 2: version u8 = 2, rank u8, flags u8, type u8 (0 scalar, 1 simple, 2 null), dimensions rank x L, ...
/// </code>
/// In version 1 a rank of 0 means a scalar. HDF5 allows at most 32 dimensions.
/// </remarks>
internal sealed record Hdf5Dataspace(bool IsScalar, bool IsNull, ulong[] Dimensions)
{
    public const int MaxRank = 32;

    public static Hdf5Dataspace Read(Hdf5Cursor c)
    {
        int version = c.U8("version");
        if (version is not (1 or 2)) throw c.Error($"the dataspace version is {version}; versions 1 and 2 exist");
        int rank = c.U8("rank");
        c.U8("flags");
        int type = 1;
        if (version == 1) c.Skip(5, "reserved bytes");
        else type = c.U8("dataspace type");
        if (rank > MaxRank) throw c.Error($"the dataspace has rank {rank}; HDF5 allows at most {MaxRank}");
        if (type > 2) throw c.Error($"the dataspace type is {type}; 0 (scalar), 1 (simple) and 2 (null) exist");
        var dimensions = new ulong[rank];
        for (int k = 0; k < rank; k++) dimensions[k] = c.Length("dimension");
        bool isNull = type == 2;
        bool isScalar = type == 0 || (version == 1 && rank == 0);
        return new Hdf5Dataspace(isScalar, isNull, isNull || isScalar ? [] : dimensions);
    }

    /// <summary>Number of elements, saturating at <see cref="ulong.MaxValue"/>.</summary>
    public ulong ElementCount => IsNull ? 0 : Dimensions.Aggregate(1UL, (n, d) => d == 0 || n == 0 ? 0 : n <= ulong.MaxValue / d ? n * d : ulong.MaxValue);
}
