using System.Diagnostics;
using SkiaSharp;
using SparseAe.Data.Images;

namespace SparseAe.Data.Tests.Images;

public class ImageDecoderTests
{
    /// <summary>Encodes a W x H RGBA bitmap whose pixel (x, y) is colour(x, y).</summary>
    private static byte[] Encode(int width, int height, Func<int, int, SKColor> colour, SKEncodedImageFormat format, int quality = 100)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, colour(x, y));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    private static GreyImage Decode(byte[] file, string name = "test.png") => ImageDecoder.LoadGrey(new MemoryStream(file), name);

    [Fact]
    public void Grey_PNG_decodes_exactly_row_major()
    {
        // A ramp distinct in x and y catches transposition: value(x, y) = 10 y + x.
        byte[] png = Encode(7, 5, (x, y) => new SKColor((byte)(10 * y + x), (byte)(10 * y + x), (byte)(10 * y + x)), SKEncodedImageFormat.Png);
        var image = Decode(png);
        Assert.Equal(7, image.Width);
        Assert.Equal(5, image.Height);
        Assert.Equal("test.png", image.Name);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 7; x++)
            {
                Assert.Equal((10 * y + x) / 255f, image.Pixels[y * 7 + x]);
                Assert.Equal(image.Pixels[y * 7 + x], image[x, y]);
            }
    }

    [Fact]
    public void Colour_PNG_uses_bt601_weights()
    {
        SKColor[] colours = [new(255, 0, 0), new(0, 255, 0), new(0, 0, 255), new(255, 255, 255), new(0, 0, 0), new(100, 150, 200)];
        byte[] png = Encode(colours.Length, 1, (x, _) => colours[x], SKEncodedImageFormat.Png);
        var image = Decode(png);
        float[] expected = [0.299f, 0.587f, 0.114f, 1f, 0f, (0.299f * 100 + 0.587f * 150 + 0.114f * 200) / 255f];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], image.Pixels[i], 1e-6f);
    }

    [Fact]
    public void WebP_BMP_and_GIF_decode_as_the_documentation_says()
    {
        // The decoder, --images and the README said "PNG or JPEG"; Skia reads these three too.
        byte[] webp = Encode(3, 2, (x, y) => new SKColor((byte)(40 * (3 * y + x)), (byte)(40 * (3 * y + x)), (byte)(40 * (3 * y + x))), SKEncodedImageFormat.Webp, quality: 100);
        var ramp = Decode(webp, "ramp.webp");
        Assert.Equal((3, 2), (ramp.Width, ramp.Height));
        for (int i = 0; i < 6; i++) Assert.Equal(40 * i / 255f, ramp.Pixels[i], 2 / 255f);   // WebP may be lossy, and libwebp's paths differ by CPU

        // A 2x1 24-bit BMP: BITMAPFILEHEADER, BITMAPINFOHEADER, one bottom-up row of BGR pixels padded to 4 bytes.
        byte[] bmp =
        [
            (byte)'B', (byte)'M', 62, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0,
            40, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0x13, 0x0B, 0, 0, 0x13, 0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            50, 50, 50, 200, 200, 200, 0, 0,
        ];
        Assert.Equal([50 / 255f, 200 / 255f], Decode(bmp, "two.bmp").Pixels);

        // A 1x1 GIF87a whose global palette's first colour (90, 90, 90) is the pixel.
        byte[] gif =
        [
            (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7', (byte)'a', 1, 0, 1, 0, 0x80, 0, 0,
            90, 90, 90, 255, 255, 255,
            0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0,
            2, 2, 0x44, 0x01, 0,
            0x3B,
        ];
        Assert.Equal([90 / 255f], Decode(gif, "one.gif").Pixels);
    }

    [Fact]
    public void Alpha_is_ignored()
    {
        byte[] png = Encode(2, 1, (x, _) => new SKColor(200, 200, 200, (byte)(x == 0 ? 255 : 10)), SKEncodedImageFormat.Png);
        var image = Decode(png);
        Assert.Equal(200 / 255f, image.Pixels[0]);
        Assert.Equal(200 / 255f, image.Pixels[1]);
    }

    [Fact]
    public void JPEG_decodes_to_approximately_the_encoded_grey()
    {
        // Left half dark grey, right half green: flat 8x8 blocks keep JPEG's error small.
        byte[] jpeg = Encode(32, 16, (x, _) => x < 16 ? new SKColor(64, 64, 64) : new SKColor(0, 200, 0), SKEncodedImageFormat.Jpeg, 95);
        Assert.Equal(0xFF, jpeg[0]);
        Assert.Equal(0xD8, jpeg[1]);
        var image = Decode(jpeg, "test.jpg");
        Assert.Equal(32, image.Width);
        Assert.Equal(16, image.Height);
        Assert.Equal(64 / 255f, image[3, 5], 0.02f);
        Assert.Equal(0.587f * 200 / 255f, image[28, 10], 0.03f);
    }

    [Fact]
    public void Loads_from_a_file_named_by_its_path()
    {
        using var temp = new TempFolder();
        var path = temp.File("white.png");
        try
        {
            File.WriteAllBytes(path, Encode(3, 2, (_, _) => SKColors.White, SKEncodedImageFormat.Png));
            var image = ImageDecoder.LoadGrey(path);
            Assert.Equal(path, image.Name);
            Assert.All(image.Pixels, v => Assert.Equal(1f, v));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_file_is_file_not_found()
    {
        using var temp = new TempFolder();
        var path = temp.File("missing.png");
        var error = Assert.Throws<FileNotFoundException>(() => ImageDecoder.LoadGrey(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Hand_crafted_PNG_decodes()
    {
        // Checks PngBytes itself: 3x2 grey, filter byte 0 before each row.
        byte[] png = PngBytes.Grey(3, 2, [0, 0, 128, 255, 0, 10, 20, 30]);
        var image = Decode(png);
        Assert.Equal([0f, 128 / 255f, 1f, 10 / 255f, 20 / 255f, 30 / 255f], image.Pixels);
    }

    [Fact]
    public void Truncated_PNG_is_invalid_data_naming_the_file()
    {
        byte[] png = Encode(64, 64, (x, y) => new SKColor((byte)(x * y), (byte)(x + y), (byte)(x ^ y)), SKEncodedImageFormat.Png);
        for (int length = 0; length < png.Length; length++)
        {
            var error = Assert.Throws<InvalidDataException>(() => Decode(png[..length], "cut.png"));
            Assert.Contains("cut.png", error.Message);
        }
    }

    [Fact]
    public void Truncated_JPEG_is_invalid_data_naming_the_file()
    {
        byte[] jpeg = Encode(64, 64, (x, y) => new SKColor((byte)(x * y), (byte)(x + y), (byte)(x ^ y)), SKEncodedImageFormat.Jpeg, 90);
        var accepted = new List<int>();
        for (int length = 0; length < jpeg.Length; length++)
        {
            try
            {
                Decode(jpeg[..length], "cut.jpg");
                accepted.Add(length);
            }
            catch (InvalidDataException error)
            {
                Assert.Contains("cut.jpg", error.Message);
            }
        }
        Assert.True(accepted.Count == 0, $"{jpeg.Length}-byte JPEG: prefixes of {string.Join(", ", accepted)} bytes decoded");
    }

    [Fact]
    public void Zero_sized_PNG_is_refused()
    {
        foreach (var (w, h) in new[] { (0u, 4u), (4u, 0u), (0u, 0u) })
        {
            var error = Assert.Throws<InvalidDataException>(() => Decode(PngBytes.Grey(w, h, [0]), "empty.png"));
            Assert.Contains("empty.png", error.Message);
        }
    }

    [Fact]
    public void Huge_header_is_refused_fast_without_allocating()
    {
        // 100,000 x 100,000 = 10^10 pixels (40 GB as RGBA) claimed by a 70-byte file with a valid CRC.
        byte[] png = PngBytes.Grey(100_000, 100_000, new byte[100_001]);
        Assert.True(png.Length < 1000);
        Decode(PngBytes.Grey(2, 2, [0, 1, 2, 0, 3, 4]));   // warm up Skia and the JIT

        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<InvalidDataException>(() => Decode(png, "huge.png"));
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("huge.png", error.Message);
        Assert.Contains("100000x100000", error.Message);
        Assert.Contains(ImageDecoder.MaxPixels.ToString(), error.Message);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
        // Decoding 10^10 pixels takes minutes; the refusal, microseconds. 10 s, not 2: a test thread preempted on a loaded
        // 2-core runner must not fail a correct refusal (the allocation bound above already shows no image was made).
        Assert.True(clock.ElapsedMilliseconds < 10_000, $"took {clock.ElapsedMilliseconds} ms");
    }

    // A stream is read from its position, and its size counted from there against the limit: 100 bytes before the image
    // (an archive's header, say) are not the image's.
    [Fact]
    public void A_stream_is_read_and_sized_from_its_position()
    {
        byte[] png = PngBytes.Grey(2, 2, [0, 1, 2, 0, 3, 4]);
        var stream = new MemoryStream([.. new byte[100], .. png]) { Position = 100 };
        var image = ImageDecoder.LoadGrey(stream, "at100.png", maxBytes: png.Length);
        Assert.Equal((2, 2), (image.Width, image.Height));
    }

    [Fact]
    public void Just_over_the_limit_is_refused_and_the_limit_is_documented()
    {
        Assert.Equal(100_000_000, ImageDecoder.MaxPixels);
        var error = Assert.Throws<InvalidDataException>(() => Decode(PngBytes.Grey(10_001, 10_000, [0]), "big.png"));
        Assert.Contains("100010000", error.Message);
    }

    [Fact]
    public void Non_image_is_invalid_data_naming_the_file()
    {
        byte[] text = "label,p00\n1,2\n"u8.ToArray();
        var error = Assert.Throws<InvalidDataException>(() => Decode(text, "digits.csv"));
        Assert.Contains("digits.csv", error.Message);
        Assert.Throws<InvalidDataException>(() => Decode([], "nothing.png"));
    }

    [Fact]
    public void An_empty_file_is_said_to_be_empty()
    {
        // A 0-byte file (a download that failed, a placeholder) was "Skia's codec could not parse its header
        // (result Unimplemented)", which tells nothing of what is wrong with it.
        var error = Assert.Throws<InvalidDataException>(() => Decode([], "nothing.png"));
        Assert.Equal("Image 'nothing.png' is empty (0 bytes); an image file (PNG, JPEG, GIF, BMP or WebP) starts with its format's header.", error.Message);
    }

    /// <summary>The first bytes of files of formats Skia does not read, as their writers start them.</summary>
    public static TheoryData<string, byte[], string> UnreadFormats => new()
    {
        { "scan.tif", [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, .. new byte[64]], "a TIFF file" },
        { "scan.tiff", [0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, .. new byte[64]], "a TIFF file" },
        { "IMG_0001.HEIC", [0, 0, 0, 0x18, .. "ftypheic\0\0\0\0mif1heic"u8, .. new byte[64]], "a HEIF (HEIC) file" },
        { "photo.heif", [0, 0, 0, 0x18, .. "ftypmif1\0\0\0\0mif1miaf"u8, .. new byte[64]], "a HEIF (HEIC) file" },
        { "photo.avif", [0, 0, 0, 0x1C, .. "ftypavif\0\0\0\0avifmif1miaf"u8, .. new byte[64]], "an AVIF file" },
        { "logo.svg", [.. "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"6\" height=\"6\"/>"u8], "an SVG file (a vector drawing)" },
        { "logo2.svg", [0xEF, 0xBB, 0xBF, .. "  <svg width=\"6\" height=\"6\"></svg>"u8], "an SVG file (a vector drawing)" },
        { "scan.jp2", [0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A, .. new byte[64]], "a JPEG 2000 file" },
        { "scan.j2k", [0xFF, 0x4F, 0xFF, 0x51, .. new byte[64]], "a JPEG 2000 file" },
        { "photo.jxl", [0xFF, 0x0A, .. new byte[64]], "a JPEG XL file" },
        { "photo2.jxl", [0, 0, 0, 0x0C, 0x4A, 0x58, 0x4C, 0x20, 0x0D, 0x0A, 0x87, 0x0A, .. new byte[64]], "a JPEG XL file" },
        { "figure.pdf", [.. "%PDF-1.7\n"u8, .. new byte[64]], "a PDF file" },
        { "layers.psd", [.. "8BPS"u8, 0, 1, .. new byte[64]], "a Photoshop (PSD) file" },
    };

    [Theory]
    [MemberData(nameof(UnreadFormats))]
    public void A_file_of_a_format_that_is_not_read_is_said_to_be_one(string name, byte[] file, string found)
    {
        // A TIFF from a microscope or a phone's HEIC photograph was "Skia's codec could not parse its header (result
        // InvalidInput / Unimplemented); the file is not an image of a supported format, or is damaged or truncated":
        // the user could not tell a good file of another format from a damaged one.
        var error = Assert.Throws<InvalidDataException>(() => Decode(file, name));
        Assert.Equal(
            $"Image '{name}' could not be read as an image (PNG, JPEG, GIF, BMP or WebP): it is {found}, a format this program does not read; convert it to PNG first.",
            error.Message);
    }

    [Fact]
    public void A_file_of_no_known_format_is_still_said_to_be_unreadable_or_damaged()
    {
        var error = Assert.Throws<InvalidDataException>(() => Decode("label,p00\n1,2\n"u8.ToArray(), "digits.csv"));
        Assert.Contains("is not an image of a supported format, or is damaged or truncated", error.Message);
        // An XML file that is not a drawing, and a box file of another brand (an MP4 video), are not called SVG or HEIF.
        Assert.DoesNotContain("SVG", Assert.Throws<InvalidDataException>(() => Decode("<?xml version=\"1.0\"?><html/>"u8.ToArray(), "page.xml")).Message);
        byte[] mp4 = [0, 0, 0, 0x18, .. "ftypisom\0\0\0\0isommp41"u8, .. new byte[64]];
        Assert.Contains("is not an image of a supported format", Assert.Throws<InvalidDataException>(() => Decode(mp4, "clip.mp4")).Message);
    }

    [Fact]
    public void A_file_that_only_looks_like_a_headerless_WBMP_is_refused()
    {
        // WBMP has no signature: Skia takes any file starting 00 00 then two small numbers for one, so an
        // MNIST images file (00 00 08 03 ...) decoded "successfully" as an 8x3 picture of nothing.
        byte[] idx = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, .. new byte[2 * 28 * 28]];
        var error = Assert.Throws<InvalidDataException>(() => Decode(idx, "train-images-idx3-ubyte"));
        Assert.Equal(
            "Image 'train-images-idx3-ubyte' could not be read as an image (PNG, JPEG, GIF, BMP or WebP): it is taken for a WBMP (8x3), a format without a signature that any file starting with two zero bytes resembles; WBMP is not read.",
            error.Message);
    }

    /// <summary>A seekable stream that claims <paramref name="length"/> bytes and holds none.</summary>
    private sealed class Claims(long length) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get; set; }
        public override int Read(byte[] buffer, int offset, int count) => 0;
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void A_file_too_large_to_hold_in_memory_is_refused_before_reading()
    {
        // The file is read whole before its header is parsed: a 3 GB file (a video given by mistake) filled a
        // MemoryStream to 2 GB and then failed with IOException "Stream was too long", naming nothing.
        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.LoadGrey(new Claims(3_000_000_000), "movie.mp4"));
        Assert.Equal(
            $"Image 'movie.mp4' is 3000000000 bytes; image files are read into memory whole and may be at most {Array.MaxLength} bytes.",
            error.Message);
    }

    // A pipe tells no length: more than one array's bytes (an endless device, a video piped by mistake) filled the
    // MemoryStream to 2 GB and failed with IOException "Stream was too long", naming nothing. The same rule refuses it,
    // here at a limit of 1 MB (the public method's is Array.MaxLength).
    [Fact]
    public void A_pipe_longer_than_an_image_file_may_be_is_refused_by_the_same_rule()
    {
        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.LoadGrey(new Endless(), "pipe.png", 1 << 20));
        Assert.Equal("Image 'pipe.png' is more than 1048576 bytes; image files are read into memory whole and may be at most 1048576 bytes.", error.Message);
        // A pipe of exactly the limit is read (and then refused by the decoder as no image).
        var within = Assert.Throws<InvalidDataException>(() => ImageDecoder.LoadGrey(new Endless(1 << 20), "pipe.png", 1 << 20));
        Assert.StartsWith("Image 'pipe.png' could not be read as an image", within.Message);
    }

    // An unseekable stream of `length` bytes of 0x89, or without end.
    private sealed class Endless(long length = long.MaxValue) : Stream
    {
        private long _given;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, length - _given);
            buffer.AsSpan(offset, n).Fill(0x89);
            _given += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void Damaged_pixel_data_is_invalid_data()
    {
        // A valid header followed by an IDAT that is not zlib data.
        var output = new MemoryStream();
        output.Write(PngBytes.Signature);
        byte[] ihdr = [0, 0, 0, 16, 0, 0, 0, 16, 8, 0, 0, 0, 0];
        PngBytes.WriteChunk(output, "IHDR", ihdr);
        PngBytes.WriteChunk(output, "IDAT", Enumerable.Repeat((byte)0xAB, 40).ToArray());
        PngBytes.WriteChunk(output, "IEND", []);
        var error = Assert.Throws<InvalidDataException>(() => Decode(output.ToArray(), "garbled.png"));
        Assert.Contains("garbled.png", error.Message);
    }

    [Theory]
    [InlineData(0x80000000u)]
    [InlineData(0xFF000000u)]
    public void A_BMP_whose_pixel_offset_lies_gigabytes_past_its_end_is_invalid_data_not_a_crash(uint offset)
    {
        // A 1x1 24-bit BMP (BITMAPFILEHEADER, BITMAPINFOHEADER, one padded row) with a damaged pixel-data offset.
        // Skia skips to the offset; when it read through a managed stream, the skip of 2 GB or more threw
        // ArgumentOutOfRangeException (0xFF000000) or ran out of memory (0x80000000) inside Skia's native
        // callback, which .NET cannot unwind: the whole process died, the test host with it.
        byte[] bmp = new byte[54 + 4];
        "BM"u8.CopyTo(bmp);
        BitConverter.TryWriteBytes(bmp.AsSpan(10), offset);
        byte[] info = [40, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0];
        info.CopyTo(bmp, 14);
        var error = Assert.Throws<InvalidDataException>(() => Decode(bmp, "offset.bmp"));
        Assert.Equal("Image 'offset.bmp' (Bmp, 1x1) could not be decoded: Skia's codec returned InvalidInput; the file is damaged.", error.Message);
    }
}
