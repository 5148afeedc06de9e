using System.IO.Compression;
using System.Runtime.InteropServices;

namespace SparseAe.Mat;

/// <summary>
/// Inflates one zlib stream for the readers: level 5's miCOMPRESSED elements (<see cref="Level5Inflater"/>)
/// and the deflate filter of 7.3 (HDF5) chunks (<see cref="Hdf5.Hdf5ChunkFilters"/>).
/// </summary>
/// <remarks>
/// Nothing here is sized by what the data claims: <see cref="Read"/> fills a buffer the caller sized,
/// <see cref="ReadGrowing"/> doubles its buffer only as inflated bytes actually arrive and never past the
/// caller's limit, and <see cref="Skip"/> reads what is left through a small buffer, counting it. Every
/// kind of damage becomes an <see cref="InvalidDataException"/> that says what was being inflated.
/// </remarks>
internal sealed class ZlibInflater : IDisposable
{
    /// <summary>Deflate's best case: a 258-byte match costs at least 2 bits, i.e. 1032 bytes out per byte in.</summary>
    public const long MaxDeflateRatio = 1032;

    private readonly ZLibStream _zlib;
    private readonly Func<string> _what;

    /// <param name="compressed">The zlib stream (header, deflate data, Adler-32); not copied when array-backed.</param>
    /// <param name="what">The start of an error message, e.g. "The zlib data of the miCOMPRESSED element at byte offset 128".</param>
    public ZlibInflater(ReadOnlyMemory<byte> compressed, Func<string> what)
    {
        var input = MemoryMarshal.TryGetArray(compressed, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(compressed.ToArray(), writable: false);
        _zlib = new ZLibStream(input, CompressionMode.Decompress);
        _what = what;
    }

    /// <summary>Inflates into <paramref name="output"/> until it is full or the stream ends; returns the bytes written.</summary>
    public int Read(Span<byte> output)
    {
        try
        {
            return _zlib.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            // zlib reports most damage as InvalidDataException, but some (an "unexpected error code" from
            // inflate) as ZLibException, an IOException; found by fuzzing.
            throw new InvalidDataException($"{_what()} is damaged: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Inflates into <paramref name="buffer"/> (not empty; its first <paramref name="filled"/> bytes are
    /// kept) from <paramref name="filled"/> on until it holds <paramref name="limit"/> bytes or the stream
    /// ends, doubling the buffer (never past <paramref name="limit"/>) whenever it is full and more is
    /// wanted. Returns the bytes it now holds.
    /// </summary>
    public int ReadGrowing(ref byte[] buffer, int filled, int limit)
    {
        while (true)
        {
            int room = Math.Min(buffer.Length, limit) - filled;
            int read = Read(buffer.AsSpan(filled, room));
            filled += read;
            if (read < room || filled >= limit) return filled;
            Array.Resize(ref buffer, (int)Math.Min(limit, 2L * buffer.Length));
        }
    }

    /// <summary>
    /// Reads on to the end of the stream, where zlib checks its Adler-32 checksum (stopping early would let
    /// damaged data through), and returns how many inflated bytes were left. It stops reading once that is
    /// more than <paramref name="most"/>, and the result is then only known to be more than it.
    /// </summary>
    public int Skip(int most)
    {
        Span<byte> scratch = stackalloc byte[16];
        int left = 0;
        for (int read; left <= most && (read = Read(scratch)) > 0;)
            left += read;
        return left;
    }

    public void Dispose() => _zlib.Dispose();
}
