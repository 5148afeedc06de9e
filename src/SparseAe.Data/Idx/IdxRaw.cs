namespace SparseAe.Data.Idx;

/// <summary>
/// An IDX file as stored: its type, dimensions, and values as big-endian bytes, which begin at byte
/// <paramref name="DataStart"/> (of the file, or of the decompressed data as <paramref name="Where"/> says).
/// </summary>
internal sealed record IdxRaw(IdxDataType Type, int[] Dimensions, byte[] Values, long DataStart, string Where);
