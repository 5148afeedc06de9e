using System.IO.Compression;
using SparseAe.Persistence;

namespace SparseAe.Tests.Support;

/// <summary>Edits a saved ML.NET model zip in place, for the damaged-model tests.</summary>
internal static class ModelZip
{
    /// <summary>The offset of the autoencoder block's magic in an entry's bytes, or -1.</summary>
    public static int IndexOfMagic(byte[] block) => block.AsSpan().IndexOf(BitConverter.GetBytes(ModelFormat.Magic));

    /// <summary>Finds the zip entry holding the autoencoder's block (by its magic) and replaces its bytes.</summary>
    public static void RewriteAutoencoderEntry(string path, Func<byte[], byte[]> change) => RewriteEntry(path, ModelFormat.Magic, change);

    /// <summary>The offset of a block's magic in an entry's bytes, or -1.</summary>
    public static int IndexOfMagic(byte[] block, uint magic) => block.AsSpan().IndexOf(BitConverter.GetBytes(magic));

    /// <summary>Finds the zip entry holding a block with the given magic and replaces its bytes.</summary>
    public static void RewriteEntry(string path, uint magic, Func<byte[], byte[]> change)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        foreach (var entry in zip.Entries.ToList())
        {
            byte[] bytes;
            using (var s = entry.Open()) { using var ms = new MemoryStream(); s.CopyTo(ms); bytes = ms.ToArray(); }
            if (IndexOfMagic(bytes, magic) < 0) continue;
            var name = entry.FullName;
            entry.Delete();
            using var w = zip.CreateEntry(name).Open();
            w.Write(change(bytes));
            return;
        }
        throw new InvalidOperationException($"No entry holds a block with magic 0x{magic:X8}.");
    }

    /// <summary>
    /// Edits the payload of the block with the given magic in an entry's bytes and writes a matching
    /// CRC-32, so that the edit reaches the field rules instead of stopping at the checksum.
    /// </summary>
    public static byte[] EditPayload(byte[] entry, uint magic, Action<Span<byte>> edit)
    {
        int at = IndexOfMagic(entry, magic);
        int length = BitConverter.ToInt32(entry, at + 12);
        var payload = entry.AsSpan(at + 16, length);
        edit(payload);
        BitConverter.TryWriteBytes(entry.AsSpan(at + 16 + length), System.IO.Hashing.Crc32.HashToUInt32(payload));
        return entry;
    }
}
