using SparseAe.Data.Images;

namespace SparseAe.Data.Tests.Images;

/// <summary>
/// The walk of a JPEG's compressed data against files libjpeg-turbo's cjpeg wrote (Images/Jpeg, README there), and
/// the decoder's refusal of a file cut short and closed with an end-of-image marker.
/// </summary>
public class JpegCompletenessTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Images", "Jpeg", name));

    private static GreyImage Decode(byte[] file, string name) => ImageDecoder.LoadGrey(new MemoryStream(file), name);

    // The blocks each frame declares, by T.81 A.1.1 and A.2, for 37 x 29 samples: interleaved scans count whole MCUs
    // (4:2:0: 3 x 2 MCUs of 16 x 16, each 4 + 1 + 1 blocks), a scan of one component its own blocks (Y 5 x 4, Cb and
    // Cr of 19 x 15 samples 3 x 2 each).
    public static TheoryData<string, long> Sequential() => new()
    {
        { "baseline-420.jpg", 3 * 2 * 6 },
        { "baseline-444.jpg", 5 * 4 * 3 },
        { "baseline-422.jpg", 3 * 4 * 4 },    // 16 x 8 MCUs, 2 + 1 + 1 blocks
        { "grey.jpg", 5 * 4 },
        { "grey-pgm.jpg", 5 * 4 },
        { "restart-row.jpg", 3 * 2 * 6 },
        { "restart-3blocks.jpg", 3 * 2 * 6 },
        { "restart-2blocks-420.jpg", 3 * 2 * 6 },
        { "optimized.jpg", 3 * 2 * 6 },
        { "sequential-scans.jpg", 5 * 4 + 3 * 2 + 3 * 2 },
        { "one-pixel.jpg", 1 * 6 },
    };

    [Theory]
    [MemberData(nameof(Sequential))]
    public void A_complete_sequential_JPEG_has_every_block_its_frame_declares_and_decodes(string name, long blocks)
    {
        var file = Fixture(name);
        Assert.Equal(new JpegCompleteness.Verdict(true, blocks, blocks), JpegCompleteness.Check(file));
        var image = Decode(file, name);
        Assert.Equal(name == "one-pixel.jpg" ? (1, 1) : (37, 29), (image.Width, image.Height));
    }

    // An FF data byte written FF FF 00, fill bytes before its stuffed 00 (T.81 B.1.1.5 allows them only before a
    // marker): libjpeg reads FF .. FF 00 as one FF, without a warning, so the file decodes whole; the walk took the
    // second FF for a marker, found 8 of the 36 blocks and refused it as cut short.
    [Fact]
    public void Fill_bytes_before_a_stuffed_zero_are_read_as_libjpeg_reads_them()
    {
        var file = Fixture("fill-before-stuffed.jpg");
        Assert.Equal(new JpegCompleteness.Verdict(true, 36, 36), JpegCompleteness.Check(file));
        Assert.Equal(Decode(Fixture("baseline-420.jpg"), "baseline-420.jpg").Pixels, Decode(file, "fill-before-stuffed.jpg").Pixels);
    }

    // Progressive and arithmetic-coded files are not walked: the decoder's verdict stands.
    [Theory]
    [InlineData("progressive.jpg")]
    [InlineData("arithmetic.jpg")]
    public void Other_codings_are_left_to_the_decoder(string name)
    {
        var file = Fixture(name);
        Assert.Null(JpegCompleteness.Check(file).Complete);
        Assert.Null(JpegCompleteness.Check([.. file.AsSpan(0, file.Length / 2), 0xFF, 0xD9]).Complete);
    }

    // libjpeg fills the blocks of data cut short and only warns, which Skia does not pass on: every one of these files
    // cut inside its data and closed with FF D9 decoded "successfully", its lost part flat. Each cut is now refused,
    // or, where only the padding of the last byte was cut, decodes to the very pixels of the whole file.
    [Theory]
    [MemberData(nameof(Sequential))]
    public void A_sequential_JPEG_cut_short_and_closed_with_an_end_of_image_marker_is_refused(string name, long blocks)
    {
        var file = Fixture(name);
        var whole = Decode(file, name).Pixels;
        int refused = 0, same = 0;
        for (int cut = 2; cut < file.Length - 2; cut++)
        {
            byte[] closed = [.. file.AsSpan(0, cut), 0xFF, 0xD9];
            try
            {
                var pixels = Decode(closed, "cut.jpg").Pixels;
                Assert.True(pixels.SequenceEqual(whole), $"{name} cut at {cut} of {file.Length} bytes decoded to other pixels without an error");
                same++;
            }
            catch (InvalidDataException e)
            {
                Assert.Contains("cut.jpg", e.Message);
                refused++;
            }
        }
        Assert.True(same <= 2, $"{name}: {same} cuts decoded as the whole file (only the last data byte's padding may go)");
        int scan = file.AsSpan().LastIndexOf((ReadOnlySpan<byte>)[0xFF, 0xDA]);   // the last scan's header
        int data = scan + 2 + (file[scan + 2] << 8 | file[scan + 3]);            // its data, up to the final FF D9
        var verdict = JpegCompleteness.Check([.. file.AsSpan(0, data + (file.Length - 2 - data) / 2), 0xFF, 0xD9]);
        Assert.Equal(false, verdict.Complete);
        Assert.Equal(blocks, verdict.BlocksDeclared);
        Assert.InRange(verdict.BlocksFound, 0, blocks - 1);
    }

    // Bytes between a restart interval's data and its marker, a stuffed FF 00 among them, are skipped by libjpeg (with
    // a warning, "extraneous bytes before marker 0xd0") and every block decodes; the walk took FF 00 there for the end
    // of the data and refused the file, "after 9 of the 36 blocks".
    [Fact]
    public void Stray_bytes_before_a_restart_marker_are_skipped_as_libjpeg_skips_them()
    {
        var file = Fixture("restart-3blocks.jpg");
        int data = file.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xDA]);
        int restart = data + file.AsSpan(data).IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD0]);
        byte[] stray = [.. file.AsSpan(0, restart), 0xFF, 0x00, 0x12, .. file.AsSpan(restart)];
        Assert.Equal(new JpegCompleteness.Verdict(true, 36, 36), JpegCompleteness.Check(stray));
        Assert.Equal(Decode(file, "whole.jpg").Pixels, Decode(stray, "stray.jpg").Pixels);
    }

    [Fact]
    public void The_refusal_says_how_many_blocks_the_data_hold()
    {
        var file = Fixture("baseline-444.jpg");
        byte[] closed = [.. file.AsSpan(0, file.Length - 200), 0xFF, 0xD9];
        var e = Assert.Throws<InvalidDataException>(() => Decode(closed, "cut.jpg"));
        Assert.Equal("Image 'cut.jpg' (Jpeg, 37x29) is incomplete: its compressed data end after 45 of the 60 blocks of 8x8 samples its frame declares " +
            "(a file cut short and closed with an end-of-image marker, or damaged compressed data).", e.Message);
    }
}
