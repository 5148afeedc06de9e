using System.Buffers.Binary;
using System.IO.Hashing;

namespace SparseAe.Fuzz;

/// <summary>
/// Rewrites the CRC-32 of ChecksummedBlock framing (magic, versions, i32 payload length L at offset 12,
/// payload from 16, CRC-32 of the payload at 16 + L) so that a mutated payload passes the checksum and is
/// parsed. Returns null when nothing can be repaired (too short, length out of range) or nothing changed.
/// </summary>
public static class ChecksumRepair
{
    private const int Header = 16;

    public static byte[]? RepairSimple(byte[] input)
    {
        var copy = (byte[])input.Clone();
        return RepairInPlace(copy) && !copy.AsSpan().SequenceEqual(input) ? copy : null;
    }

    /// <summary>
    /// A ConvolutionFormat block: the nested ZCA block (i32 length at payload offset 44, then the block)
    /// and autoencoder block (i32 length, then the block) first, then the outer block.
    /// </summary>
    public static byte[]? RepairConvolution(byte[] input)
    {
        var copy = (byte[])input.Clone();
        var span = copy.AsSpan();
        if (PayloadLength(span) is int length)
        {
            var payload = span.Slice(Header, length);
            int at = 44;
            for (int nested = 0; nested < 2 && at + 4 <= payload.Length; nested++)
            {
                int n = BinaryPrimitives.ReadInt32LittleEndian(payload[at..]);
                at += 4;
                if (n < 0 || n > payload.Length - at) break;
                RepairInPlace(payload.Slice(at, n));
                at += n;
            }
        }
        return RepairInPlace(span) && !copy.AsSpan().SequenceEqual(input) ? copy : null;
    }

    /// <summary>Repairs the block at the start of <paramref name="block"/>; false when it is not one.</summary>
    public static bool RepairInPlace(Span<byte> block)
    {
        if (PayloadLength(block) is not int length) return false;
        uint crc = Crc32.HashToUInt32(block.Slice(Header, length));
        BinaryPrimitives.WriteUInt32LittleEndian(block[(Header + length)..], crc);
        return true;
    }

    private static int? PayloadLength(ReadOnlySpan<byte> block)
    {
        if (block.Length < Header + 4) return null;
        int length = BinaryPrimitives.ReadInt32LittleEndian(block[12..]);
        return length >= 1 && length <= block.Length - Header - 4 ? length : null;
    }
}
