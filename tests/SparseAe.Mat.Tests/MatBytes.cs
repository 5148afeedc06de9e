using System.IO.Compression;

namespace SparseAe.Mat.Tests;

/// <summary>Bytes the tests build files from: a zlib stream, and what <see cref="MatWriter"/> writes.</summary>
internal static class MatBytes
{
    /// <summary>The zlib stream (RFC 1950) of <paramref name="data"/>, as a miCOMPRESSED element and HDF5's deflate filter hold it.</summary>
    public static byte[] Deflated(ReadOnlySpan<byte> data)
    {
        var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(data);
        return output.ToArray();
    }

    /// <summary>The level-5 file <see cref="MatWriter"/> writes of <paramref name="variables"/>.</summary>
    public static byte[] Written(IEnumerable<MatVariable> variables, bool compress = false)
    {
        var buffer = new MemoryStream();
        MatWriter.Write(buffer, variables, compress);
        return buffer.ToArray();
    }
}
