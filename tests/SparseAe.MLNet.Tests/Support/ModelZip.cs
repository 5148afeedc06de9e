using System.IO.Compression;
using SparseAe.Persistence;

namespace SparseAe.Tests.Support;

/// <summary>Edits a saved ML.NET model zip in place, for the damaged-model tests.</summary>
internal static class ModelZip
{
    /// <summary>The offset of the autoencoder block's magic in an entry's bytes, or -1.</summary>
    public static int IndexOfMagic(byte[] block) => block.AsSpan().IndexOf(BitConverter.GetBytes(ModelFormat.Magic));

    /// <summary>Finds the zip entry holding the autoencoder's block (by its magic) and replaces its bytes.</summary>
    public static void RewriteAutoencoderEntry(string path, Func<byte[], byte[]> change)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        foreach (var entry in zip.Entries.ToList())
        {
            byte[] bytes;
            using (var s = entry.Open()) { using var ms = new MemoryStream(); s.CopyTo(ms); bytes = ms.ToArray(); }
            if (IndexOfMagic(bytes) < 0) continue;
            var name = entry.FullName;
            entry.Delete();
            using var w = zip.CreateEntry(name).Open();
            w.Write(change(bytes));
            return;
        }
        throw new InvalidOperationException("No entry holds the autoencoder's block.");
    }
}
