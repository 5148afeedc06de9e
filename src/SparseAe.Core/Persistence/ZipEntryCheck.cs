using System.IO.Compression;
using System.IO.Hashing;

namespace SparseAe.Persistence;

/// <summary>
/// The CRC-32 of every entry of a zip archive against the one its headers record. .NET's zip reader does not check it,
/// and neither does ML.NET: given a saved model whose Schema entry was damaged (a zip of 1,009 bytes, found by fuzzing),
/// MLContext.Model.Load (ML.NET 5.0.1 and 6.0.0) never returned, its BinaryLoader reading an array whose length the damage
/// had set past the entry's end (Utils.ReadIntArray, which reads again at the end of its stream). The command line checks
/// a model's entries before it hands the zip to ML.NET, and the fuzzer's zip target does the same.
/// </summary>
internal static class ZipEntryCheck
{
    /// <summary>
    /// Why the first damaged entry of <paramref name="zip"/> is damaged (its data cannot be read, or has another CRC-32
    /// than its headers record), or null when none is.
    /// </summary>
    public static string? FirstDamaged(ZipArchive zip)
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
        foreach (var entry in entries)
        {
            var crc = new Crc32();
            try
            {
                using var data = entry.Open();
                crc.Append(data);
            }
            // A local header cut short, compressed data that does not inflate: ML.NET, which reads on past such an entry,
            // then hung on a damaged Schema entry after it (found by fuzzing).
            catch (InvalidDataException e)
            {
                return $"its entry '{entry.FullName}' cannot be read (.NET: {e.Message.TrimEnd('.')})";
            }
            uint actual = crc.GetCurrentHashAsUInt32();
            if (actual != entry.Crc32)
                return $"its entry '{entry.FullName}' is damaged: its data's CRC-32 is {actual:X8}, but the zip records {entry.Crc32:X8}";
        }
        return null;
    }

    /// <summary>Why a zip whose list of entries .NET cannot read is refused (<paramref name="e"/>, .NET's refusal of it).</summary>
    public static string ListUnreadable(InvalidDataException e)
        => $"it is a zip archive cut short or damaged, so its list of entries cannot be read (.NET: {e.Message.TrimEnd('.')})";
}
