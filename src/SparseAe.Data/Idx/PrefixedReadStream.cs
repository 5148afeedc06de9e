namespace SparseAe.Data.Idx;

/// <summary>
/// A read-only, forward-only stream that first replays bytes already read from <c>inner</c> (the
/// two bytes peeked to tell gzip from plain IDX, so non-seekable streams work too) and remembers the
/// last 8 bytes that went through it: a gzip file's trailer (CRC-32 and ISIZE, RFC 1952 section 2.3),
/// which .NET's <see cref="System.IO.Compression.GZipStream"/> does not report missing.
/// </summary>
internal sealed class PrefixedReadStream(byte[] prefix, Stream inner) : Stream
{
    private const int TailLength = 8;
    private readonly byte[] _tail = new byte[TailLength];
    private int _prefixPosition;

    /// <summary>Bytes read through this stream so far, prefix included.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The last min(8, BytesRead) bytes read, oldest first.</summary>
    public ReadOnlySpan<byte> Tail => _tail.AsSpan(TailLength - (int)Math.Min(TailLength, BytesRead));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        if (_prefixPosition < prefix.Length)
        {
            n = Math.Min(buffer.Length, prefix.Length - _prefixPosition);
            prefix.AsSpan(_prefixPosition, n).CopyTo(buffer);
            _prefixPosition += n;
        }
        else
        {
            n = inner.Read(buffer);
        }
        Remember(buffer[..n]);
        return n;
    }

    private void Remember(ReadOnlySpan<byte> read)
    {
        BytesRead += read.Length;
        if (read.Length >= TailLength)
        {
            read[^TailLength..].CopyTo(_tail);
            return;
        }
        // Shift left and append: the tail stays the newest 8 bytes.
        _tail.AsSpan(read.Length).CopyTo(_tail);
        read.CopyTo(_tail.AsSpan(TailLength - read.Length));
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
