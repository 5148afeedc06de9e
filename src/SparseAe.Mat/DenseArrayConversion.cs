using System.Numerics;
using System.Runtime.InteropServices;

namespace SparseAe.Mat;

/// <summary>
/// Maps dense MATLAB classes to .NET element types and converts arrays between them.
/// </summary>
/// <remarks>
/// Files may store a class in a narrower type (MATLAB saves a double array of small integers as miUINT8, a
/// level-4 file stores every numeric matrix in one of six types), so the readers decode the stored type
/// first and convert to the class's type here. Conversions saturate rather than wrap, so an out-of-range
/// value becomes the nearest representable one instead of a different number.
/// </remarks>
internal static class DenseArrayConversion
{
    public static Type? ElementTypeOf(MatClass matClass) => matClass switch
    {
        MatClass.Double => typeof(double),
        MatClass.Single => typeof(float),
        MatClass.Int8 => typeof(sbyte),
        MatClass.UInt8 => typeof(byte),
        MatClass.Int16 => typeof(short),
        MatClass.UInt16 => typeof(ushort),
        MatClass.Int32 => typeof(int),
        MatClass.UInt32 => typeof(uint),
        MatClass.Int64 => typeof(long),
        MatClass.UInt64 => typeof(ulong),
        MatClass.Logical => typeof(bool),
        MatClass.Char => typeof(char),
        _ => null,
    };

    public static MatClass ClassOfElementType(Type elementType)
    {
        foreach (var candidate in DenseClasses)
            if (ElementTypeOf(candidate) == elementType) return candidate;
        return MatClass.Unknown;
    }

    public static readonly MatClass[] DenseClasses =
    [
        MatClass.Double, MatClass.Single, MatClass.Int8, MatClass.UInt8, MatClass.Int16, MatClass.UInt16,
        MatClass.Int32, MatClass.UInt32, MatClass.Int64, MatClass.UInt64, MatClass.Logical, MatClass.Char,
    ];

    /// <summary>Returns <paramref name="source"/> itself when it already has the class's element type.</summary>
    public static Array ConvertToClass(Array source, MatClass target)
    {
        if (source.GetType().GetElementType() == ElementTypeOf(target)) return source;
        return target switch
        {
            MatClass.Double => ConvertTo<double>(source),
            MatClass.Single => ConvertTo<float>(source),
            MatClass.Int8 => ConvertTo<sbyte>(source),
            MatClass.UInt8 => ConvertTo<byte>(source),
            MatClass.Int16 => ConvertTo<short>(source),
            MatClass.UInt16 => ConvertTo<ushort>(source),
            MatClass.Int32 => ConvertTo<int>(source),
            MatClass.UInt32 => ConvertTo<uint>(source),
            MatClass.Int64 => ConvertTo<long>(source),
            MatClass.UInt64 => ConvertTo<ulong>(source),
            MatClass.Char => ConvertTo<char>(source),
            // uint8 storage (levels 5 and 7.3) converts directly; anything else goes through double.
            MatClass.Logical when ClassOf(source) == MatClass.UInt8 => NonZero((byte[])source),
            MatClass.Logical => Array.ConvertAll(ConvertTo<double>(source), v => v != 0),
            _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Not a dense class."),
        };
    }

    /// <summary>
    /// The class of an array's elements, from its exact element type. Never switch on array patterns such
    /// as <c>sbyte[] a</c> instead: the runtime lets a byte[] pass as sbyte[] (and bool[] as byte[],
    /// ushort[] as short[], ...), so such a switch takes the first arm of the pair.
    /// </summary>
    public static MatClass ClassOf(Array array) => ClassOfElementType(array.GetType().GetElementType()!);

    /// <summary>A new array of <typeparamref name="T"/>, even when the source already is one.</summary>
    public static T[] ConvertTo<T>(Array source) where T : INumberBase<T> => ClassOf(source) switch
    {
        MatClass.Double => Convert<double, T>((double[])source),
        MatClass.Single => Convert<float, T>((float[])source),
        MatClass.Int8 => Convert<sbyte, T>((sbyte[])source),
        MatClass.UInt8 => Convert<byte, T>((byte[])source),
        MatClass.Int16 => Convert<short, T>((short[])source),
        MatClass.UInt16 => Convert<ushort, T>((ushort[])source),
        MatClass.Int32 => Convert<int, T>((int[])source),
        MatClass.UInt32 => Convert<uint, T>((uint[])source),
        MatClass.Int64 => Convert<long, T>((long[])source),
        MatClass.UInt64 => Convert<ulong, T>((ulong[])source),
        MatClass.Char => Convert<char, T>((char[])source),
        MatClass.Logical => Array.ConvertAll((bool[])source, v => v ? T.One : T.Zero),
        _ => throw new ArgumentException($"Cannot convert an array of {source.GetType().GetElementType()} to numbers.", nameof(source)),
    };

    /// <summary>One element as a double, without converting the whole array.</summary>
    public static double ElementAsDouble(Array source, long index) => ClassOf(source) switch
    {
        MatClass.Double => ((double[])source)[index],
        MatClass.Single => ((float[])source)[index],
        MatClass.Int8 => ((sbyte[])source)[index],
        MatClass.UInt8 => ((byte[])source)[index],
        MatClass.Int16 => ((short[])source)[index],
        MatClass.UInt16 => ((ushort[])source)[index],
        MatClass.Int32 => ((int[])source)[index],
        MatClass.UInt32 => ((uint[])source)[index],
        MatClass.Int64 => ((long[])source)[index],
        MatClass.UInt64 => ((ulong[])source)[index],
        MatClass.Char => ((char[])source)[index],
        MatClass.Logical => ((bool[])source)[index] ? 1.0 : 0.0,
        _ => throw new ArgumentException($"Cannot read an array of {source.GetType().GetElementType()} as numbers.", nameof(source)),
    };

    // A bool's byte is 0 or 1, so min(b, 1) is the logical value: one vectorised pass, no per-element branch.
    private static bool[] NonZero(byte[] source)
    {
        var result = new bool[source.Length];
        var bytes = MemoryMarshal.AsBytes(result.AsSpan());
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= source.Length - Vector<byte>.Count; i += Vector<byte>.Count)
                Vector.Min(new Vector<byte>(source, i), Vector<byte>.One).CopyTo(bytes[i..]);
        for (; i < source.Length; i++)
            bytes[i] = Math.Min(source[i], (byte)1);
        return result;
    }

    private static TTo[] Convert<TFrom, TTo>(TFrom[] source)
        where TFrom : INumberBase<TFrom>
        where TTo : INumberBase<TTo>
    {
        var result = new TTo[source.Length];
        for (int i = 0; i < source.Length; i++)
            result[i] = TTo.CreateSaturating(source[i]);
        return result;
    }
}
