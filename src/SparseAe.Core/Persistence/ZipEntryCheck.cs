using System.IO.Compression;
using System.IO.Hashing;

namespace SparseAe.Persistence;

/// <summary>
/// The CRC-32 of every entry of a zip archive against the one its headers record. .NET's zip reader does not check it,
/// and neither does ML.NET: given a saved model whose Schema entry was damaged (a zip of 1,009 bytes, found by fuzzing),
/// MLContext.Model.Load (ML.NET 5.0.1 and 6.0.0) never returned, its BinaryLoader reading an array whose length the damage
/// had set past the entry's end (Utils.ReadIntArray, which reads again at the end of its stream). ModelCatalog.LoadVerified
/// (a library user's load) and the command line check a model this way before they hand the zip to ML.NET, and the
/// fuzzer's zip target does the same.
/// </summary>
internal static class ZipEntryCheck
{
    /// <summary>
    /// Why the first damaged entry of <paramref name="zip"/> is damaged (its data cannot be read, holds more bytes than
    /// its headers record, or has another CRC-32), or why the entries cannot all be genuine (their compressed data add up
    /// to more than the archive's <paramref name="archiveBytes"/>), or null when none is.
    /// </summary>
    public static string? FirstDamaged(ZipArchive zip, long archiveBytes)
    {
        IReadOnlyCollection<ZipArchiveEntry> entries;
        // .NET reads the list when it is first asked for: one whose count disagrees with the archive's end record threw
        // here (found by fuzzing), and the command line said .NET's words alone, naming no file.
        try
        {
            entries = zip.Entries;
        }
        catch (InvalidDataException e)
        {
            return ListUnreadable(e);
        }
        // Entries whose data overlap (a zip bomb's many records of one deflated block) would each be inflated here, where
        // ML.NET reads only the entries it needs: the check's time is bounded by the file's size, not by the records' count.
        // In Int128: two ZIP64 sizes near 2^62 overflowed a long's checked Sum (OverflowException).
        Int128 claimed = 0;
        foreach (var entry in entries) claimed += entry.CompressedLength;
        if (claimed > archiveBytes)
            return $"its {entries.Count} entries claim {claimed} bytes of compressed data, more than the archive's {archiveBytes} bytes: they overlap, as a zip bomb's do, or the list is damaged";
        var buffer = new byte[81920];
        foreach (var entry in entries)
        {
            var crc = new Crc32();
            long read = 0;
            try
            {
                using var data = entry.Open();
                // No more than the headers' size and one byte is inflated: data that run on are damaged, however long.
                for (int n; read <= entry.Length && (n = data.Read(buffer, 0, (int)Math.Min(buffer.Length, entry.Length + 1 - read))) > 0; read += n)
                    crc.Append(buffer.AsSpan(0, n));
            }
            // A local header cut short, compressed data that does not inflate: ML.NET, which reads on past such an entry,
            // then hung on a damaged Schema entry after it (found by fuzzing).
            catch (InvalidDataException e)
            {
                return $"its entry '{entry.FullName}' cannot be read (.NET: {e.Message.TrimEnd('.')})";
            }
            if (read > entry.Length)
                return $"its entry '{entry.FullName}' is damaged: its data run past the {entry.Length} bytes the zip records";
            uint actual = crc.GetCurrentHashAsUInt32();
            if (actual != entry.Crc32)
                return $"its entry '{entry.FullName}' is damaged: its data's CRC-32 is {actual:X8}, but the zip records {entry.Crc32:X8}";
        }
        return null;
    }

    /// <summary>
    /// Why <paramref name="model"/> is no whole saved ML.NET model zip (it is empty, not a zip archive, a zip whose list of
    /// entries cannot be read, or one with a damaged entry), or null when it is one. The stream must be seekable, and it is
    /// read whole from its start whatever its position, as .NET's zip reader (ML.NET's too) reads it: the end record from
    /// the stream's end, the entries at offsets from its byte 0. It is left open, at its position.
    /// </summary>
    public static string? Problem(Stream model)
    {
        long position = model.Position;
        try
        {
            // From byte 0: a model saved into a MemoryStream is left at its end, where the first bytes read as none.
            model.Position = 0;
            var head = new byte[4];
            int read = model.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            model.Position = 0;
            if (read == 0) return "it is empty; a saved ML.NET model is a zip archive.";
            if (!StartsAsZip(head.AsSpan(0, read)))
                return $"it is not a zip archive, which a saved ML.NET model is (its first bytes are {Convert.ToHexString(head, 0, read)}; a zip's are 504B).";
            string? damaged;
            try
            {
                using var zip = new ZipArchive(model, ZipArchiveMode.Read, leaveOpen: true);
                damaged = FirstDamaged(zip, model.Length);
            }
            catch (InvalidDataException e)
            {
                damaged = ListUnreadable(e);
            }
            return damaged is null ? null : $"{damaged}; a saved model is a whole zip: copy or save it again.";
        }
        finally
        {
            model.Position = position;
        }
    }

    /// <summary>Whether <paramref name="head"/>, a file's first bytes, start as a zip's do: "PK" (a file header, or an empty archive's end record).</summary>
    public static bool StartsAsZip(ReadOnlySpan<byte> head) => head is [(byte)'P', (byte)'K', ..];

    /// <summary>Why a zip whose list of entries .NET cannot read is refused (<paramref name="e"/>, .NET's refusal of it).</summary>
    public static string ListUnreadable(InvalidDataException e)
        => $"it is a zip archive cut short or damaged, so its list of entries cannot be read (.NET: {e.Message.TrimEnd('.')})";
}
