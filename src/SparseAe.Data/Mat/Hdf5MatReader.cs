using PureHDF;

namespace SparseAe.Data.Mat;

// MATLAB 7.3 MAT file layout (MathWorks documents it only as "HDF5-based"; this is what MATLAB writes):
//
//   offset size  MATLAB user block (512 bytes, which HDF5 skips)
//        0  116  descriptive text, "MATLAB 7.3 MAT-file, Platform: ..., HDF5 schema 1.00 ."
//      116    8  subsystem data offset (unused here)
//      124    2  version 0x0200
//      126    2  endian indicator "IM" (as in level 5)
//      128  384  zero padding
//      512  ...  an HDF5 file: superblock signature 89 48 44 46 0D 0A 1A 0A ("\x89HDF\r\n\x1a\n"), ...
//
// Each variable is an object in the HDF5 root group named after it, with a string attribute MATLAB_class:
//   numeric, logical, char  a dataset; logical is stored as uint8 and char as uint16 code units.
//                           HDF5 is row-major and MATLAB column-major, so MATLAB writes the dimensions
//                           reversed: a MATLAB 16x24x2 array is an HDF5 2x24x16 dataset whose bytes are
//                           already in MATLAB's column-major order. We reverse the dimensions back and keep
//                           the bytes as they are.
//   empty arrays            MATLAB_empty = 1; the dataset holds the MATLAB dimensions instead of data
//   complex                 a compound type {real, imag}
//   struct                  a group (MATLAB_class "struct") with one member per field
//   sparse                  a group with attribute MATLAB_sparse (= rows) and datasets ir, jc, data
//   cell                    a dataset of object references into the "#refs#" group
//   objects                 MATLAB_class is the class name; MATLAB_object_decode is set
// Root members whose names start with '#' ("#refs#", "#subsystem#") hold referenced data, not variables.
//
// Damaged files: every PureHDF failure becomes an InvalidDataException naming offset 512, and dataset sizes
// are checked against the file before PureHDF reads (and allocates for) the data. PureHDF's own parsing of
// HDF5 metadata is beyond reach, though: it sizes some buffers from object-header fields before reading
// them, so a corrupted header can make it allocate up to 2 GB before it fails (seen: ~1 GB from one bad
// byte). The no-allocation-beyond-the-file guarantee of the level-4 and level-5 readers does not extend to
// that part of a 7.3 file.

/// <summary>Reads a MATLAB 7.3 (HDF5) MAT file through PureHDF. Only <see cref="MatFile"/> calls it.</summary>
internal static class Hdf5MatReader
{
    public const int UserBlockLength = 512;
    private static readonly byte[] Hdf5Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Reads the file whose first byte is at the start of <paramref name="stream"/> (seekable).</summary>
    public static MatFile Read(Stream stream)
    {
        CheckSignature(stream);
        Hdf5SoftLinkScan.Refuse(stream, UserBlockLength);
        long fileLength = stream.Length;
        var variables = new List<MatVariable>();
        using var file = Hdf5("open the HDF5 file", () => H5File.Open(stream, leaveOpen: true));
        foreach (var child in Hdf5("list the root group", () => file.Children().ToList()))
        {
            if (child.Name.StartsWith('#')) continue;
            variables.Add(child switch
            {
                IH5Dataset dataset => ReadDataset(dataset, fileLength),
                IH5Group group => ReadGroup(group),
                _ => new MatVariable(child.Name, MatClass.Unknown, [], null),
            });
        }
        return new MatFile(MatFileFormat.Hdf5, isBigEndian: false, variables);
    }

    private static void CheckSignature(Stream stream)
    {
        var signature = new byte[Hdf5Signature.Length];
        stream.Position = UserBlockLength;
        int read = stream.ReadAtLeast(signature, signature.Length, throwOnEndOfStream: false);
        if (read < signature.Length || !signature.AsSpan().SequenceEqual(Hdf5Signature))
            throw new InvalidDataException(
                $"The MAT header says version 7.3 (HDF5), so the HDF5 signature must follow at byte offset {UserBlockLength}, " +
                $"but the {read} bytes there are [{Convert.ToHexString(signature, 0, read)}] rather than [{Convert.ToHexString(Hdf5Signature)}].");
        stream.Position = 0;
    }

    private static MatVariable ReadGroup(IH5Group group)
    {
        string? className = ClassAttribute(group);
        if (Hdf5($"check variable '{group.Name}' for MATLAB_sparse", () => group.AttributeExists("MATLAB_sparse")))
            return new MatVariable(group.Name, MatClass.Sparse, SparseDimensions(group), null);
        return new MatVariable(group.Name, className is null ? MatClass.Struct : MatClassNames.FromMatlabName(className), [], null);
    }

    private static int[] SparseDimensions(IH5Group group)
    {
        ulong rows = Hdf5($"read MATLAB_sparse of '{group.Name}'", () => group.Attribute("MATLAB_sparse").Read<ulong>());
        if (!Hdf5($"look for jc in '{group.Name}'", () => group.LinkExists("jc"))) return [];
        var jc = Hdf5($"inspect jc of '{group.Name}'", () => group.Dataset("jc").Space.Dimensions);
        ulong columns = jc.Length == 0 || jc[0] == 0 ? 0 : jc[0] - 1;
        return rows > int.MaxValue || columns > int.MaxValue ? [] : [(int)rows, (int)columns];
    }

    private static MatVariable ReadDataset(IH5Dataset dataset, long fileLength)
    {
        string name = dataset.Name;
        var type = Hdf5($"read the type of '{name}'", () => dataset.Type);
        string? className = ClassAttribute(dataset);
        var matClass = className is null ? InferClass(type) : MatClassNames.FromMatlabName(className);
        int[] dimensions = MatlabDimensions(dataset, name);

        if (IsMarkedEmpty(dataset))
        {
            var stated = ReadStored(dataset, type, name, elementLimit: 64);
            dimensions = Array.ConvertAll(DenseArrayConversion.ConvertTo<long>(stated), d => (int)Math.Clamp(d, 0, int.MaxValue));
            if (ColumnMajorLayout.ElementCountSaturating(dimensions) != 0) dimensions = [0, 0];
            var emptyType = DenseArrayConversion.ElementTypeOf(matClass);
            return new MatVariable(name, matClass, dimensions, emptyType is null ? null : Array.CreateInstance(emptyType, 0));
        }

        if (type.Class == H5DataTypeClass.Compound)
            return new MatVariable(name, matClass, dimensions, null, isComplex: true);
        if (DenseArrayConversion.ElementTypeOf(matClass) is null)
            return new MatVariable(name, matClass, dimensions, null);

        long count = ColumnMajorLayout.ElementCountSaturating(dimensions);
        long elementSize = Math.Max(1L, (long)type.Size);
        long byteCount = count > long.MaxValue / elementSize ? long.MaxValue : count * elementSize;
        // Chunked datasets may be deflated, so their data may exceed the file by deflate's ratio; anything
        // beyond that is a lie in the metadata, caught here before PureHDF allocates for it.
        long limit = Hdf5($"read the layout of '{name}'", () => dataset.Layout.Class) == H5DataLayoutClass.Chunked
            ? fileLength * Level5Inflater.MaxDeflateRatio
            : fileLength;
        if (byteCount > limit || count > Array.MaxLength)
            throw new InvalidDataException(
                $"HDF5 dataset '{name}' (in the HDF5 data from byte offset {UserBlockLength}) claims {count} elements of {type.Size} bytes ({byteCount} bytes), " +
                $"but a {fileLength}-byte file can hold at most {limit} bytes of it.");

        var stored = ReadStored(dataset, type, name, count);
        if (stored.Length != count)
            throw new InvalidDataException(
                $"HDF5 dataset '{name}' (in the HDF5 data from byte offset {UserBlockLength}) has dimensions [{string.Join(", ", dimensions)}] but yielded {stored.Length} elements.");
        return new MatVariable(name, matClass, dimensions, DenseArrayConversion.ConvertToClass(stored, matClass));
    }

    private static int[] MatlabDimensions(IH5Dataset dataset, string name)
    {
        var space = Hdf5($"read the dataspace of '{name}'", () => dataset.Space);
        if (space.Type == H5DataspaceType.Scalar) return [1, 1];
        if (space.Type == H5DataspaceType.Null) return [0, 0];
        var hdf5Dimensions = space.Dimensions;
        var dimensions = new int[hdf5Dimensions.Length];
        for (int k = 0; k < dimensions.Length; k++)
        {
            ulong d = hdf5Dimensions[hdf5Dimensions.Length - 1 - k];
            if (d > int.MaxValue)
                throw new InvalidDataException(
                    $"HDF5 dataset '{name}' (in the HDF5 data from byte offset {UserBlockLength}) has dimension {d}, more than the {int.MaxValue} a MATLAB dimension can be.");
            dimensions[k] = (int)d;
        }
        return dimensions;
    }

    private static Array ReadStored(IH5Dataset dataset, IH5DataType type, string name, long elementLimit)
    {
        Func<Array>? read = (type.Class, type.Size) switch
        {
            (H5DataTypeClass.FloatingPoint, 8) => () => dataset.Read<double[]>(),
            (H5DataTypeClass.FloatingPoint, 4) => () => dataset.Read<float[]>(),
            (H5DataTypeClass.FixedPoint, 1) => type.FixedPoint.IsSigned ? () => dataset.Read<sbyte[]>() : () => dataset.Read<byte[]>(),
            (H5DataTypeClass.FixedPoint, 2) => type.FixedPoint.IsSigned ? () => dataset.Read<short[]>() : () => dataset.Read<ushort[]>(),
            (H5DataTypeClass.FixedPoint, 4) => type.FixedPoint.IsSigned ? () => dataset.Read<int[]>() : () => dataset.Read<uint[]>(),
            (H5DataTypeClass.FixedPoint, 8) => type.FixedPoint.IsSigned ? () => dataset.Read<long[]>() : () => dataset.Read<ulong[]>(),
            _ => null,
        };
        if (read is null)
            throw new InvalidDataException(
                $"HDF5 dataset '{name}' (in the HDF5 data from byte offset {UserBlockLength}) has a {type.Size}-byte {type.Class} type, " +
                "but MATLAB numeric data is 1-, 2-, 4- or 8-byte integers or 4- or 8-byte floats.");
        var space = Hdf5($"read the dataspace of '{name}'", () => dataset.Space);
        ulong count = space.Dimensions.Aggregate(1UL, (product, d) => d == 0 || product <= ulong.MaxValue / d ? product * d : ulong.MaxValue);
        if (count > (ulong)elementLimit)
            throw new InvalidDataException(
                $"HDF5 dataset '{name}' (in the HDF5 data from byte offset {UserBlockLength}) holds {count} elements where at most {elementLimit} are expected.");
        return Hdf5($"read the data of '{name}'", read);
    }

    private static MatClass InferClass(IH5DataType type) => (type.Class, type.Size) switch
    {
        (H5DataTypeClass.FloatingPoint, 8) => MatClass.Double,
        (H5DataTypeClass.FloatingPoint, 4) => MatClass.Single,
        (H5DataTypeClass.FixedPoint, 1) => type.FixedPoint.IsSigned ? MatClass.Int8 : MatClass.UInt8,
        (H5DataTypeClass.FixedPoint, 2) => type.FixedPoint.IsSigned ? MatClass.Int16 : MatClass.UInt16,
        (H5DataTypeClass.FixedPoint, 4) => type.FixedPoint.IsSigned ? MatClass.Int32 : MatClass.UInt32,
        (H5DataTypeClass.FixedPoint, 8) => type.FixedPoint.IsSigned ? MatClass.Int64 : MatClass.UInt64,
        _ => MatClass.Unknown,
    };

    private static string? ClassAttribute(IH5Object item) => Hdf5($"read MATLAB_class of '{item.Name}'", () =>
        item.AttributeExists("MATLAB_class") ? item.Attribute("MATLAB_class").Read<string>() : null);

    private static bool IsMarkedEmpty(IH5Object item) => Hdf5($"read MATLAB_empty of '{item.Name}'", () =>
        item.AttributeExists("MATLAB_empty") && item.Attribute("MATLAB_empty").Read<ulong>() != 0);

    /// <summary>
    /// Runs a PureHDF call and turns whatever it throws on damaged input into the
    /// <see cref="InvalidDataException"/> that callers of <see cref="MatFile"/> are promised.
    /// </summary>
    private static T Hdf5<T>(string action, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidDataException(
                $"Could not {action}: the HDF5 data from byte offset {UserBlockLength} is damaged or not as MATLAB writes it ({ex.GetType().Name}: {ex.Message}).", ex);
        }
    }
}
