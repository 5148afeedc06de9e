namespace SparseAe.Mat.Hdf5;

/// <summary>One header message: its type, flags and where its data lies in the header chunk that holds it.</summary>
internal readonly record struct Hdf5Message(int Type, int Flags, Hdf5Cursor Chunk, int Start, int Length)
{
    public const int Dataspace = 0x01, LinkInfo = 0x02, Datatype = 0x03, Link = 0x06, Layout = 0x08,
        FilterPipeline = 0x0B, Attribute = 0x0C, Continuation = 0x10, SymbolTable = 0x11, AttributeInfo = 0x15;

    /// <summary>The message types this reader uses; others (fill value, modification time, ...) are skipped.</summary>
    public static bool IsRead(int type) => type is Dataspace or LinkInfo or Datatype or Link or Layout
        or FilterPipeline or Attribute or SymbolTable or AttributeInfo;

    /// <summary>Bit 1: the message is shared (kept in another object header or a shared message table).</summary>
    public bool IsShared => (Flags & 0x02) != 0;

    /// <summary>A fresh cursor over the message's data.</summary>
    public Hdf5Cursor Open() => Chunk.Window(Start, Length);
}

/// <summary>The messages of an object header, gathered from its first chunk and every continuation chunk.</summary>
/// <remarks>
/// HDF5 File Format Specification 3.0, section IV.A:
/// <code>
/// version 1: version u8 = 1, reserved u8, message count u16, reference count u32, header size u32,
///            4 bytes of padding, then messages: type u16, size u16, flags u8, reserved 3 bytes, data
/// version 2: "OHDR", version u8 = 2, flags u8, [4 times u32 if flags bit 5], [2 u16 attribute limits if
///            flags bit 4], chunk #0 size (1, 2, 4 or 8 bytes: flags bits 0-1), then messages: type u8,
///            size u16, flags u8, [creation order u16 if flags bit 2], data; a u32 checksum ends each chunk
/// continuation message (type 0x10): address O, length L of a further chunk ("OCHK" ... checksum in version 2)
/// </code>
/// A chunk is read once (a continuation cycle ends there), all chunks together may not exceed the file, and
/// a header keeps at most <see cref="MaxMessages"/> messages (version 1 counts them in a u16; MATLAB writes
/// a few dozen at most).
/// </remarks>
internal sealed class Hdf5ObjectHeader
{
    public const int MaxMessages = 65_535;

    private Hdf5ObjectHeader(List<Hdf5Message> messages) => Messages = messages;

    public IReadOnlyList<Hdf5Message> Messages { get; }

    public Hdf5Message? Find(int type)
    {
        foreach (var m in Messages)
            if (m.Type == type) return m;
        return null;
    }

    public IEnumerable<Hdf5Message> All(int type) => Messages.Where(m => m.Type == type);

    public static Hdf5ObjectHeader Read(Hdf5Source source, ulong address, string what)
    {
        var prefix = source.ReadMetadataUpTo(address, 16, what);
        bool version2 = prefix.Remaining >= 4 && prefix.Rest[..4].SequenceEqual("OHDR"u8);
        var messages = new List<Hdf5Message>();
        var pending = new Queue<(ulong Address, ulong Length)>();
        var seen = new HashSet<ulong>();
        long total = 0;
        int headerFlags = 0;

        Hdf5Cursor first;
        if (version2)
        {
            var c = source.ReadMetadataUpTo(address, 4 + 2 + 16 + 4 + 8, what);
            c.Signature("OHDR");
            int version = c.U8("version");
            if (version != 2) throw c.Error($"an \"OHDR\" object header must be version 2, not {version}");
            headerFlags = c.U8("flags");
            if ((headerFlags & 0x20) != 0) c.Skip(16, "access, modification, change and birth times");
            if ((headerFlags & 0x10) != 0) c.Skip(4, "attribute storage limits");
            ulong size = c.Unsigned(1 << (headerFlags & 3), "size of chunk #0");
            seen.Add(address + (ulong)c.Consumed);
            first = Chunk(source, address, c.Consumed, size, checksummed: true, what, ref total);
        }
        else
        {
            int version = prefix.U8("version");
            if (version != 1)
                throw prefix.Error($"the object header version is {version}; version 1 (or \"OHDR\" for version 2) is expected");
            prefix.Skip(1 + 2 + 4, "reserved byte, message count and reference count");
            ulong size = prefix.U32("header size");
            seen.Add(address + 16);
            first = Chunk(source, address + 16, 0, size, checksummed: false, what, ref total);
        }

        Parse(first, version2, headerFlags, messages, pending);
        while (pending.Count > 0)
        {
            var (at, length) = pending.Dequeue();
            if (!seen.Add(at)) throw first.Error($"a continuation message points at byte offset {source.ByteOffset(at)} again (a cycle)");
            // A version-2 continuation chunk is "OCHK", messages, and a checksum of both.
            var chunk = Chunk(source, at, 0, version2 ? length - Math.Min(length, 4) : length, checksummed: version2, what, ref total);
            if (version2) chunk.Signature("OCHK");
            Parse(chunk, version2, headerFlags, messages, pending);
        }
        return new Hdf5ObjectHeader(messages);
    }

    // The messages of a chunk: length bytes after prefix bytes (a version-2 header's fields, read again so that
    // its checksum, which covers them too, can be checked), then, when checksummed, the chunk's checksum.
    private static Hdf5Cursor Chunk(Hdf5Source source, ulong address, int prefix, ulong length, bool checksummed, string what, ref long total)
    {
        int checksumBytes = checksummed ? 4 : 0;
        if (length > (ulong)source.FileLength || (total += (long)length + checksumBytes) > source.FileLength)
            throw new InvalidDataException(
                $"HDF5 {what} (at byte offset {source.ByteOffset(address + (ulong)prefix)}) claims {length} bytes of messages, more than its {source.FileLength}-byte file can hold.");
        var block = source.ReadMetadata(address, prefix + (long)length + checksumBytes, what);
        block.Skip(prefix, "object header prefix");
        var messages = block.Slice((long)length, "messages");
        if (checksummed) block.Checksum(0, "object header chunk");
        return messages;
    }

    private static void Parse(Hdf5Cursor c, bool version2, int headerFlags, List<Hdf5Message> messages, Queue<(ulong, ulong)> pending)
    {
        int headerBytes = version2 ? 4 + ((headerFlags & 0x04) != 0 ? 2 : 0) : 8;
        // Fewer bytes than a message header at the end of a chunk are a gap (version 2) or padding.
        while (c.Remaining >= headerBytes)
        {
            int type = version2 ? c.U8("message type") : c.U16("message type");
            int size = c.U16("message size");
            int flags = c.U8("message flags");
            c.Skip(version2 ? headerBytes - 4 : 3, version2 ? "creation order" : "reserved bytes");
            if (size > c.Remaining)
                throw c.Error($"a message of type 0x{type:X4} claims {size} bytes but only {c.Remaining} remain in the header");
            int start = c.Position;
            if (type == Hdf5Message.Continuation)
            {
                var data = c.Slice(size, "message data");
                pending.Enqueue((data.Address("continuation address"), data.Length("continuation length")));
                continue;
            }
            c.Skip(size, "message data");
            if (!Hdf5Message.IsRead(type)) continue;
            if (messages.Count == MaxMessages)
                throw c.Error($"the header holds more than {MaxMessages} messages that this reader uses; MATLAB writes a few dozen");
            messages.Add(new Hdf5Message(type, flags, c, start, size));
        }
    }
}
