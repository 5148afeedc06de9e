namespace SparseAe.Persistence;

/// <summary>
/// Reads a length that a file's header claims. Unless the stream's own length vouches for the bytes,
/// the buffer starts small and doubles only as bytes arrive, so a damaged or hostile header that claims
/// 2 GB costs the memory of the bytes really there, not an allocation of 2 GB before the read fails
/// (a compressed or network stream cannot seek, so its length is unknown).
/// </summary>
internal static class GrowingRead
{
    private const int InitialChunk = 1 << 16;

    /// <summary>
    /// Up to <paramref name="count"/> (at most Array.MaxLength) bytes from <paramref name="input"/>, and
    /// how many there were: fewer than <paramref name="count"/> only when the stream ended first.
    /// <paramref name="lengthKnown"/>: the caller has checked that the stream holds them.
    /// </summary>
    public static (byte[] Buffer, long Read) Bytes(Stream input, long count, bool lengthKnown)
    {
        byte[] buffer = new byte[lengthKnown ? count : Math.Min(count, InitialChunk)];
        long filled = 0;
        while (filled < count)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(count, Math.Min((long)buffer.Length * 2, Array.MaxLength)));
            int n = input.Read(buffer, (int)filled, buffer.Length - (int)filled);
            if (n == 0) break;
            filled += n;
        }
        return (buffer, filled);
    }

    /// <summary>
    /// The most bytes <see cref="Bytes"/> holds at once to read <paramref name="count"/>: that many when the length is
    /// known, else the last doubling's old buffer and the new one, up to 2 <paramref name="count"/> (for an IDX file of
    /// doubles, 16 bytes a value where the 8 stored and 4 as floats are 12).
    /// </summary>
    public static long PeakBytes(long count, bool lengthKnown)
    {
        // Bytes' own steps: each resize holds the old buffer and the new one, the last the most. Bounded by
        // Array.MaxLength as Bytes is, so a count past it cannot loop.
        long buffer = lengthKnown ? count : Math.Min(count, InitialChunk), peak = buffer;
        while (buffer < count && buffer < Array.MaxLength)
        {
            long grown = Math.Min(count, Math.Min(buffer * 2, Array.MaxLength));
            peak = Math.Max(peak, buffer + grown);
            buffer = grown;
        }
        return peak;
    }
}
