namespace SparseAe.Mat.Hdf5;

/// <summary>
/// The HDF5 part of a 7.3 file: reads blocks at HDF5 addresses, each checked against the file before a
/// buffer is sized by it, and keeps a budget so that no pattern of addresses can make the reader read (and
/// allocate) much more than the file holds.
/// </summary>
/// <remarks>
/// HDF5 addresses are relative to the superblock (the HDF5 library rebases them there when the superblock is
/// not at byte 0, as behind MATLAB's 512-byte user block), so byte offset = superblock offset + address.
/// Everything read (headers, B-tree nodes, heaps, link names, stored data) is charged to one budget of twice
/// the file length plus 1 MiB: a real file reads each structure once, while a damaged one that points many
/// links at one large structure would otherwise read it again for every link. What filters decode is charged
/// to a second budget, deflate's ratio times the file plus 1 MiB, and each stored chunk may be used once, so
/// chains of filters or datasets sharing chunks cannot multiply the work either.
/// </remarks>
internal sealed class Hdf5Source
{
    private const long BudgetSlack = 1 << 20;
    private readonly Stream _stream;
    private readonly long _budget;
    private long _left;
    private long _decodedLeft;
    private readonly HashSet<ulong> _chunks = [];

    public Hdf5Source(Stream stream, long superblockOffset)
    {
        _stream = stream;
        SuperblockOffset = superblockOffset;
        FileLength = stream.Length;
        _budget = _left = 2 * FileLength + BudgetSlack;
        _decodedLeft = DecodedBudget;
    }

    private long DecodedBudget => FileLength * ZlibInflater.MaxDeflateRatio + BudgetSlack;

    /// <summary>Byte offset of the superblock, to which every HDF5 address is relative.</summary>
    public long SuperblockOffset { get; }

    public long FileLength { get; }

    /// <summary>Size in bytes of an address ("size of offsets") and of a length; set from the superblock.</summary>
    public int OffsetSize { get; set; } = 8;
    public int LengthSize { get; set; } = 8;

    public bool IsUndefined(ulong address) => OffsetSize == 8 ? address == ulong.MaxValue : address == (1UL << (8 * OffsetSize)) - 1;

    /// <summary>The byte offset in the file of an HDF5 address (not checked against the file).</summary>
    public long ByteOffset(ulong address) => address > (ulong)(long.MaxValue - SuperblockOffset) ? long.MaxValue : SuperblockOffset + (long)address;

    /// <summary>Reads <paramref name="length"/> bytes of metadata at <paramref name="address"/>, named <paramref name="what"/>.</summary>
    public Hdf5Cursor ReadMetadata(ulong address, long length, string what) =>
        new(ReadData(address, length, what), ByteOffset(address), what, this);

    /// <summary>Reads at most <paramref name="length"/> bytes, fewer when the file ends first (for structures whose size is only known once read).</summary>
    public Hdf5Cursor ReadMetadataUpTo(ulong address, long length, string what)
    {
        long at = CheckAddress(address, what);
        return ReadMetadata(address, Math.Min(length, FileLength - at), what);
    }

    /// <summary>Reads <paramref name="length"/> bytes (one chunk of stored data, or a block of metadata) into a new array.</summary>
    public byte[] ReadData(ulong address, long length, string what)
    {
        long at = Check(address, length, what);
        var bytes = new byte[length];
        Fill(at, bytes, what);
        return bytes;
    }

    /// <summary>Reads stored data (a contiguous dataset) straight into <paramref name="target"/>.</summary>
    public void ReadData(ulong address, Span<byte> target, string what) => Fill(Check(address, target.Length, what), target, what);

    /// <summary>Charges bytes the reader makes from what it read (decoded link names) to the budget.</summary>
    public void Charge(long bytes, string what) => Spend(bytes, what, at: null);

    /// <summary>Charges the output of one filter stage (inflated or unshuffled bytes) to the decoding budget.</summary>
    public void ChargeDecoded(long bytes, Func<string> where)
    {
        if (bytes > _decodedLeft)
            throw new InvalidDataException(
                $"{where()} would take the data decoded from this {FileLength}-byte file past {DecodedBudget} bytes " +
                $"({ZlibInflater.MaxDeflateRatio} times the file, deflate's limit, and 1 MiB): its chunks are decoded again and again, which MATLAB never writes.");
        _decodedLeft -= bytes;
    }

    /// <summary>Records that a stored chunk is used; a second use (by another chunk or dataset) is refused.</summary>
    public void ClaimChunk(ulong address, Func<string> where)
    {
        if (!_chunks.Add(address))
            throw new InvalidDataException($"{where()} is stored at an address another chunk already uses; MATLAB never shares chunks.");
    }

    private long Check(ulong address, long length, string what)
    {
        long at = CheckAddress(address, what);
        if (length < 0 || length > FileLength - at)
            throw new InvalidDataException(
                $"HDF5 {what} (at byte offset {at}) claims {length} bytes, but only {FileLength - at} remain in the {FileLength}-byte file.");
        Spend(length, what, at);
        return at;
    }

    private void Spend(long bytes, string what, long? at)
    {
        if (bytes > _left)
            throw new InvalidDataException(
                $"HDF5 {what}{(at is null ? "" : $" (at byte offset {at})")} would take what the reader takes from this {FileLength}-byte file " +
                $"past {_budget} bytes (twice the file and 1 MiB, from the superblock at byte offset {SuperblockOffset}): " +
                "its structures point at the same bytes again and again, which MATLAB never writes.");
        _left -= bytes;
    }

    private void Fill(long at, Span<byte> target, string what)
    {
        try
        {
            _stream.Position = at;
            _stream.ReadExactly(target);
        }
        catch (IOException ex)
        {
            // EndOfStreamException included: a stream shorter than its Length (a file cut while it is read).
            throw new InvalidDataException($"HDF5 {what} (at byte offset {at}) could not be read: {ex.Message}", ex);
        }
    }

    private long CheckAddress(ulong address, string what)
    {
        if (IsUndefined(address))
            throw new InvalidDataException(
                $"HDF5 {what} has an undefined address (all bits set), so it was never written (addresses count from the superblock at byte offset {SuperblockOffset}).");
        long at = ByteOffset(address);
        if (at >= FileLength)
            throw new InvalidDataException(
                $"HDF5 {what} is at address {address}, past the end of the {FileLength}-byte file (addresses count from the superblock at byte offset {SuperblockOffset}).");
        return at;
    }
}
