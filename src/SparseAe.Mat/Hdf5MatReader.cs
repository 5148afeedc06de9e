using SparseAe.Mat.Hdf5;

namespace SparseAe.Mat;

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
//   struct                  a group (MATLAB_class "struct") with one member per field; a struct array's members
//                           are datasets of references (no MATLAB_class) with the struct's dimensions
//   sparse                  a group with attribute MATLAB_sparse (= rows) and datasets ir, jc, data
//   cell                    a dataset of object references into the "#refs#" group
//   objects                 MATLAB_class is the class name; a classdef object (string, datetime, table, ...) is a
//                           uint32 dataset of references into "#subsystem#" with MATLAB_object_decode = 3: read
//                           as opaque without dimensions, as level 5 stores it
// Root members whose names start with '#' ("#refs#", "#subsystem#") hold referenced data, not variables.
//
// The HDF5 structures are read by our own code (Mat/Hdf5), limited to what MATLAB writes: superblocks 0-3,
// object headers 1 and 2, old-style and compact new-style groups, contiguous, compact and B-tree-chunked data
// with deflate, shuffle and fletcher32. It checks every size against the file before it sizes a buffer, so
// a damaged 7.3 file, like a damaged level-5 file, costs at most a few times its own size to refuse. (PureHDF,
// used before, sized buffers from header fields first: one changed byte made it allocate 805 MB.)

/// <summary>Reads a MATLAB 7.3 (HDF5) MAT file. Only <see cref="MatFile"/> calls it.</summary>
internal static class Hdf5MatReader
{
    public const int UserBlockLength = 512;

    /// <summary>Reads the file whose first byte is at the start of <paramref name="stream"/> (seekable).</summary>
    public static MatFile Read(Stream stream)
    {
        var source = new Hdf5Source(stream, UserBlockLength);
        var superblock = Hdf5Superblock.Read(source);
        var root = Hdf5ObjectHeader.Read(source, superblock.RootObjectHeader, "root group object header");
        string rootName = $"the root group (object header at byte offset {source.ByteOffset(superblock.RootObjectHeader)})";
        if (!Hdf5Group.IsGroup(root))
            throw new InvalidDataException($"HDF5 {rootName} is not a group (it has no symbol table or link messages), so it holds no MATLAB variables.");
        var variables = new List<MatVariable>();
        var origins = new List<string>();
        // The root group's links are the variables: two of one name are refused with the rule every format's refusal says.
        foreach (var (name, address) in Hdf5Group.Links(source, root, rootName, MatFile.UniqueNamesRule))
        {
            if (name.StartsWith('#')) continue;
            var header = Hdf5ObjectHeader.Read(source, address, $"object header of '{name}'");
            string at = $"'{name}' (object header at byte offset {source.ByteOffset(address)})";
            variables.Add(header.Find(Hdf5Message.Layout) is not null ? ReadDataset(source, header, name, $"dataset {at}")
                : Hdf5Group.IsGroup(header) ? ReadGroup(source, header, name, $"group {at}")
                : new MatVariable(name, MatClass.Unknown, [], null));
            origins.Add($"the object header at byte offset {source.ByteOffset(address)}");
        }
        stream.Position = 0;
        return new MatFile(MatFileFormat.Hdf5, isBigEndian: false, variables, origins);
    }

    private static MatVariable ReadGroup(Hdf5Source source, Hdf5ObjectHeader group, string name, string what)
    {
        var attributes = Attributes(group, what);
        string? className = attributes.TryGetValue("MATLAB_class", out var c) ? c.ReadString(what) : null;
        if (attributes.TryGetValue("MATLAB_sparse", out var sparse))
            return new MatVariable(name, MatClass.Sparse, SparseDimensions(source, group, name, what, sparse.ReadUnsigned(what)), null);
        return new MatVariable(name, className is null ? MatClass.Struct : MatClassNames.FromMatlabName(className), StructDimensions(source, group, name, what), null);
    }

    // A struct array keeps each field as a dataset of object references with the struct's dimensions and no
    // MATLAB_class; a 1x1 struct keeps its fields' values themselves (a cell field is a reference dataset, but
    // with MATLAB_class "cell"), so it is [1, 1], as level 5 says. The first field tells which (matio reads it so).
    private static int[] StructDimensions(Hdf5Source source, Hdf5ObjectHeader group, string name, string what)
    {
        var first = Hdf5Group.Links(source, group, what).FirstOrDefault();
        if (first.Name is null) return [1, 1];
        var field = Hdf5ObjectHeader.Read(source, first.Address, $"object header of '{name}/{first.Name}'");
        string at = $"dataset '{name}/{first.Name}' (object header at byte offset {source.ByteOffset(first.Address)})";
        bool isArrayField = field.Find(Hdf5Message.Layout) is not null && Type(field, at).Class == Hdf5TypeClass.Reference
            && !Attributes(field, at).ContainsKey("MATLAB_class");
        return isArrayField ? MatlabDimensions(Space(field, at), at) : [1, 1];
    }

    private static int[] SparseDimensions(Hdf5Source source, Hdf5ObjectHeader group, string name, string what, ulong rows)
    {
        var jcLink = Hdf5Group.Links(source, group, what).FirstOrDefault(l => l.Name == "jc");
        if (jcLink.Name is null) return [];
        var jc = Hdf5ObjectHeader.Read(source, jcLink.Address, $"object header of '{name}/jc'");
        var dimensions = Space(jc, $"dataset '{name}/jc' (object header at byte offset {source.ByteOffset(jcLink.Address)})").Dimensions;
        ulong columns = dimensions.Length == 0 || dimensions[0] == 0 ? 0 : dimensions[0] - 1;
        return rows > int.MaxValue || columns > int.MaxValue ? [] : [(int)rows, (int)columns];
    }

    private static MatVariable ReadDataset(Hdf5Source source, Hdf5ObjectHeader dataset, string name, string what)
    {
        var type = Type(dataset, what);
        var space = Space(dataset, what);
        var attributes = Attributes(dataset, what);
        // A string, datetime, table or other classdef object: uint32 values that point into '#subsystem#', whose
        // dimensions are not the object's. Opaque without dimensions, as level 5 stores such an object.
        if (attributes.ContainsKey("MATLAB_object_decode"))
            return new MatVariable(name, MatClass.Opaque, [], null);
        string? className = attributes.TryGetValue("MATLAB_class", out var c) ? c.ReadString(what) : null;
        var matClass = className is null ? InferClass(type) : MatClassNames.FromMatlabName(className);
        int[] dimensions = MatlabDimensions(space, what);

        if (attributes.TryGetValue("MATLAB_empty", out var empty) && empty.ReadUnsigned(what) != 0)
        {
            dimensions = StatedDimensions(ReadNumbers(source, dataset, type, space, what, elementLimit: 64), what);
            if (dimensions.Length < 2) dimensions = [.. dimensions, .. Enumerable.Repeat(1, 2 - dimensions.Length)];   // MATLAB arrays have at least 2 dimensions
            if (ColumnMajorLayout.ElementCountSaturating(dimensions) != 0) dimensions = [0, 0];
            var emptyType = DenseArrayConversion.ElementTypeOf(matClass);
            return new MatVariable(name, matClass, dimensions, emptyType is null ? null : Array.CreateInstance(emptyType, 0));
        }
        if (type.Class == Hdf5TypeClass.Compound)
            return new MatVariable(name, matClass, dimensions, null, isComplex: true);
        if (DenseArrayConversion.ElementTypeOf(matClass) is null)
            return new MatVariable(name, matClass, dimensions, null);

        RequireStoredAsClass(type, matClass, what);
        var stored = ReadNumbers(source, dataset, type, space, what, long.MaxValue);   // Hdf5DatasetData checks the size against the file and one array
        return new MatVariable(name, matClass, dimensions, DenseArrayConversion.ConvertToClass(stored, matClass));
    }

    private static Array ReadNumbers(Hdf5Source source, Hdf5ObjectHeader dataset, Hdf5Datatype type, Hdf5Dataspace space, string what, long elementLimit)
    {
        type.RequireNumeric(what);
        if (space.ElementCount > (ulong)elementLimit)
            throw new InvalidDataException($"HDF5 {what} holds {space.ElementCount} elements where at most {elementLimit} are expected.");
        // RequireNumeric passed, so the stored type maps to one .NET element type.
        var elementType = StoredElementType(type)!;
        return Hdf5DatasetData.Read(source, dataset, type, space, elementType, what);
    }

    // MATLAB stores every numeric class as itself, logical as uint8 and char as uint16. A file that says
    // otherwise is not a MAT file, and converting (uint8 data to double, say) would multiply the memory.
    private static void RequireStoredAsClass(Hdf5Datatype type, MatClass matClass, string what)
    {
        var stored = InferClass(type);
        bool matches = stored == matClass || (matClass, stored) is (MatClass.Logical, MatClass.UInt8) or (MatClass.Char, MatClass.UInt16);
        if (!matches)
            throw new InvalidDataException(
                $"HDF5 {what} says MATLAB_class {matClass.ToMatlabName()} but is stored as {type}; MATLAB stores {matClass.ToMatlabName()} as " +
                $"{(matClass switch { MatClass.Logical => "uint8", MatClass.Char => "uint16", _ => matClass.ToMatlabName() })}.");
    }

    // An empty array's dimensions as its dataset states them, each held to MATLAB's rule as a non-empty array's are
    // (MatlabDimensions): they were clamped to 0..int.MaxValue, so -1 read as 0 and 3e9 as 2147483647 without a word.
    private static int[] StatedDimensions(Array stated, string what)
    {
        var values = DenseArrayConversion.ConvertTo<double>(stated);
        var dimensions = new int[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            double d = values[k];
            if (!(d >= 0 && d <= int.MaxValue && d == Math.Floor(d)))
                throw new InvalidDataException(
                    $"HDF5 {what} is empty (MATLAB_empty) and states its dimension {k + 1} as {System.Convert.ToString(stated.GetValue(k), System.Globalization.CultureInfo.InvariantCulture)}, " +
                    $"but a MATLAB dimension is a whole number in 0..{int.MaxValue}.");
            dimensions[k] = (int)d;
        }
        return dimensions;
    }

    private static int[] MatlabDimensions(Hdf5Dataspace space, string what)
    {
        if (space.IsScalar) return [1, 1];
        if (space.IsNull) return [0, 0];
        var hdf5Dimensions = space.Dimensions;
        if (hdf5Dimensions.Length == 1) hdf5Dimensions = [1, hdf5Dimensions[0]];   // MATLAB has no 1-D arrays: n becomes n x 1
        var dimensions = new int[hdf5Dimensions.Length];
        for (int k = 0; k < dimensions.Length; k++)
        {
            ulong d = hdf5Dimensions[hdf5Dimensions.Length - 1 - k];
            if (d > int.MaxValue)
                throw new InvalidDataException($"HDF5 {what} has dimension {d}, more than the {int.MaxValue} a MATLAB dimension can be.");
            dimensions[k] = (int)d;
        }
        return dimensions;
    }

    private static Hdf5Datatype Type(Hdf5ObjectHeader header, string what) =>
        Hdf5Datatype.Read(Required(header, Hdf5Message.Datatype, "datatype", what));

    private static Hdf5Dataspace Space(Hdf5ObjectHeader header, string what) =>
        Hdf5Dataspace.Read(Required(header, Hdf5Message.Dataspace, "dataspace", what));

    private static Hdf5Cursor Required(Hdf5ObjectHeader header, int type, string message, string what)
    {
        var found = header.Find(type) ?? throw new InvalidDataException($"HDF5 {what} has no {message} message.");
        if (found.IsShared)
            throw new InvalidDataException($"HDF5 {what} has a shared (committed) {message}, which MATLAB does not write and this reader does not read.");
        return found.Open();
    }

    private static Dictionary<string, Hdf5Attribute> Attributes(Hdf5ObjectHeader header, string owner)
    {
        if (header.Find(Hdf5Message.AttributeInfo) is { } info)
        {
            // Attribute info: version u8, flags u8, [maximum creation index u16 if flags bit 0], fractal heap address O, ...
            var c = info.Open();
            c.U8("version");
            if ((c.U8("flags") & 1) != 0) c.U16("maximum creation index");
            if (!c.Source.IsUndefined(c.Address("fractal heap address")))
                throw c.Error($"{owner} keeps its attributes in a fractal heap (dense storage), which MATLAB does not write and this reader does not read; " +
                    "its MATLAB_class would be lost");
        }
        var attributes = new Dictionary<string, Hdf5Attribute>(StringComparer.Ordinal);
        foreach (var message in header.All(Hdf5Message.Attribute))
        {
            if (message.IsShared)
                throw new InvalidDataException($"HDF5 {owner} has a shared attribute, which MATLAB does not write and this reader does not read.");
            var attribute = Hdf5Attribute.Read(message.Open());
            attributes.TryAdd(attribute.Name, attribute);
        }
        return attributes;
    }

    // The .NET element type of 1/2/4/8-byte integers and 4/8-byte floats (by size; the bit layout is checked
    // by RequireNumeric before data is read), or null for any other type.
    private static Type? StoredElementType(Hdf5Datatype type) => (type.Class, type.Size, type.IsSigned) switch
    {
        (Hdf5TypeClass.FloatingPoint, 8, _) => typeof(double),
        (Hdf5TypeClass.FloatingPoint, 4, _) => typeof(float),
        (Hdf5TypeClass.FixedPoint, 1, true) => typeof(sbyte),
        (Hdf5TypeClass.FixedPoint, 1, false) => typeof(byte),
        (Hdf5TypeClass.FixedPoint, 2, true) => typeof(short),
        (Hdf5TypeClass.FixedPoint, 2, false) => typeof(ushort),
        (Hdf5TypeClass.FixedPoint, 4, true) => typeof(int),
        (Hdf5TypeClass.FixedPoint, 4, false) => typeof(uint),
        (Hdf5TypeClass.FixedPoint, 8, true) => typeof(long),
        (Hdf5TypeClass.FixedPoint, 8, false) => typeof(ulong),
        _ => null,
    };

    // The class a dataset without MATLAB_class has: that of its stored element type (byte -> uint8, ...).
    private static MatClass InferClass(Hdf5Datatype type) =>
        StoredElementType(type) is { } elementType ? DenseArrayConversion.ClassOfElementType(elementType) : MatClass.Unknown;
}
