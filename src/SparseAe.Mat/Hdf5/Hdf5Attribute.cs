using System.Text;

namespace SparseAe.Mat.Hdf5;

/// <summary>An attribute message: a name, a datatype, a dataspace and the value's raw bytes.</summary>
/// <remarks>
/// <code>
/// version 1: version u8 = 1, reserved u8, name size u16, datatype size u16, dataspace size u16,
///            name (null-terminated, padded to a multiple of 8), datatype (padded), dataspace (padded), data
/// version 2: as version 1 with flags u8 in place of the reserved byte (bits 0-1: shared datatype or
///            dataspace) and no padding
/// version 3: as version 2 with a name encoding u8 (0 ASCII, 1 UTF-8) after the dataspace size
/// </code>
/// The data is element count x datatype size bytes and must fit in the message.
/// </remarks>
internal sealed record Hdf5Attribute(string Name, Hdf5Datatype Type, Hdf5Dataspace Space, Hdf5Cursor Data)
{
    public static Hdf5Attribute Read(Hdf5Cursor c)
    {
        int version = c.U8("version");
        if (version is not (1 or 2 or 3)) throw c.Error($"the attribute message version is {version}; versions 1 to 3 exist");
        int flags = c.U8("flags");
        int nameSize = c.U16("name size"), typeSize = c.U16("datatype size"), spaceSize = c.U16("dataspace size");
        if (version == 3) c.U8("name encoding");
        if (version >= 2 && (flags & 0x03) != 0)
            throw c.Error("the attribute's datatype or dataspace is shared (stored elsewhere), which MATLAB does not write");
        int Padded(int n) => version == 1 ? (n + 7) / 8 * 8 : n;

        var nameBytes = c.Bytes(Padded(nameSize), "name")[..nameSize];
        int end = nameBytes.IndexOf((byte)0);
        string name = Encoding.UTF8.GetString(end >= 0 ? nameBytes[..end] : nameBytes);
        var type = Hdf5Datatype.Read(c.Slice(Padded(typeSize), "datatype").Slice(typeSize, "datatype"));
        var space = Hdf5Dataspace.Read(c.Slice(Padded(spaceSize), "dataspace").Slice(spaceSize, "dataspace"));
        ulong count = space.ElementCount;
        if (count > (ulong)c.Remaining || count * (ulong)type.Size > (ulong)c.Remaining)
            throw c.Error($"attribute '{name}' claims {count} elements of {type.Size} bytes but only {c.Remaining} bytes remain in the message");
        return new Hdf5Attribute(name, type, space, c.Slice((long)(count * (ulong)type.Size), "attribute data"));
    }

    /// <summary>The value of a fixed-length string attribute (MATLAB_class), without its padding.</summary>
    public string ReadString(string owner)
    {
        if (Type.Class != Hdf5TypeClass.String || Space.ElementCount != 1)
            throw new InvalidDataException(
                $"HDF5 attribute '{Name}' of {owner} is {English.Article(Type.Size)} {Type} with {Space.ElementCount} elements; MATLAB writes it as one fixed-length string.");
        var bytes = Data.Fork().Rest;
        int end = bytes.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end >= 0 ? bytes[..end] : bytes).TrimEnd(' ');
    }

    /// <summary>The value of a scalar integer attribute (MATLAB_empty, MATLAB_sparse).</summary>
    public ulong ReadUnsigned(string owner)
    {
        if (Type.Class != Hdf5TypeClass.FixedPoint || !Type.IsFullWidthNumber || Space.ElementCount != 1)
            throw new InvalidDataException(
                $"HDF5 attribute '{Name}' of {owner} is {English.Article(Type.Size)} {Type} with {Space.ElementCount} elements; MATLAB writes it as one integer.");
        var bytes = Data.Fork().Rest.ToArray();
        if (Type.IsBigEndian) Array.Reverse(bytes);
        ulong value = 0;
        for (int i = bytes.Length - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        if (Type.IsSigned && (bytes[^1] & 0x80) != 0)
            throw new InvalidDataException($"HDF5 attribute '{Name}' of {owner} is negative; MATLAB writes a count there.");
        return value;
    }
}
