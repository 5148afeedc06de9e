namespace SparseAe.Mat.Tests;

/// <summary>
/// The inflate helper both readers use (level 5's miCOMPRESSED, 7.3's deflate filter); the readers' own
/// limits are tested through whole files in DamagedFileTests, Hdf5ReaderTests and Hdf5AdversarialTests.
/// </summary>
public class ZlibInflaterTests
{
    private static byte[] Counting(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public void Growing_stops_at_the_limit_and_what_is_left_is_counted()
    {
        var data = Counting(10_000);
        using var zlib = new ZlibInflater(MatBytes.Deflated(data), () => "The test stream");
        var buffer = new byte[16];
        int filled = zlib.ReadGrowing(ref buffer, 0, 5_000);
        Assert.Equal(5_000, filled);
        Assert.Equal(5_000, buffer.Length);
        Assert.Equal(data[..5_000], buffer);
        Assert.True(zlib.Skip(7) > 7);
    }

    [Fact]
    public void The_buffer_grows_with_the_data_that_arrives_not_with_the_limit()
    {
        var data = Counting(100);
        using var zlib = new ZlibInflater(MatBytes.Deflated(data), () => "The test stream");
        var buffer = new byte[16];
        buffer[0] = 42;
        int filled = zlib.ReadGrowing(ref buffer, 1, 1 << 30);
        Assert.Equal(101, filled);
        Assert.Equal(128, buffer.Length);
        Assert.Equal(42, buffer[0]);
        Assert.Equal(data, buffer[1..101]);
        Assert.Equal(0, zlib.Skip(0));
    }

    [Fact]
    public void Damaged_data_is_an_InvalidDataException_that_says_what_was_inflated()
    {
        using var zlib = new ZlibInflater(new byte[] { 0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, () => "The test stream");
        var e = Assert.Throws<InvalidDataException>(() => zlib.Read(new byte[64]));
        Assert.StartsWith("The test stream is damaged: ", e.Message);
    }

    [Fact]
    public void A_damaged_checksum_is_an_InvalidDataException_by_the_end_of_the_stream()
    {
        var data = Counting(1_000);
        var deflated = MatBytes.Deflated(data);
        deflated[^1] ^= 0x01;   // the last byte of the Adler-32
        using var zlib = new ZlibInflater(deflated, () => "The test stream");
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            zlib.Read(new byte[data.Length]);
            zlib.Skip(0);
        });
        Assert.StartsWith("The test stream is damaged: ", e.Message);
    }

    [Fact]
    public void Growing_fills_the_last_byte_below_the_limit_when_the_buffer_is_one_short_of_it()
    {
        // A buffer of 4 doubles to 8, one short of the limit 9: the last byte must still be read.
        var data = Counting(20);
        using var zlib = new ZlibInflater(MatBytes.Deflated(data), () => "The test stream");
        var buffer = new byte[4];
        Assert.Equal(9, zlib.ReadGrowing(ref buffer, 0, 9));
        Assert.Equal(data[..9], buffer);
    }

    [Fact]
    public void Skip_counts_what_is_left_even_when_no_byte_is_allowed()
    {
        // Skip(0) is how a 7.3 chunk's deflated data is checked to end where the chunk does.
        var data = Counting(20);
        using var zlib = new ZlibInflater(MatBytes.Deflated(data), () => "The test stream");
        Assert.Equal(19, zlib.Read(new byte[19]));
        Assert.Equal(1, zlib.Skip(0));
    }
}
