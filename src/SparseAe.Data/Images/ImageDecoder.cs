using System.Runtime.InteropServices;
using SkiaSharp;
using SparseAe.Training;

namespace SparseAe.Data.Images;

/// <summary>
/// Decodes PNG, JPEG, GIF, BMP and WebP files (anything Skia's <see cref="SKCodec"/> reads but WBMP, which has no
/// signature) to a <see cref="GreyImage"/> with values in [0, 1].
/// </summary>
/// <remarks>
/// <para>Grey is luma with the ITU-R BT.601 weights, Y = 0.299 R + 0.587 G + 0.114 B, on the stored
/// (gamma-encoded) 8-bit values, divided by 255: the conversion MATLAB's <c>rgb2gray</c> and
/// scikit-image's old <c>rgb2grey</c> made, with which the classic natural-image experiments were run.
/// A pixel with R = G = B (every pixel of a grey image) gives exactly that value / 255.</para>
/// <para>Alpha is ignored: colours are decoded unpremultiplied and not composited on any background, except
/// a GIF's transparent colour index, to which Skia gives no colour: those pixels are 0 (black), as is the part of a
/// GIF's canvas its first frame does not cover (not the background colour the file names).
/// No colour-space conversion is done (the stored values are used as they are), the EXIF orientation
/// of a JPEG is not applied (a phone's portrait photograph stays as stored, on its side), 16-bit PNG samples
/// are reduced to 8 bits by the decoder, and of an animated GIF, WebP or PNG only the first frame is read.</para>
/// <para>The file's bytes are read into memory (a file larger than the memory left, counted twice for Skia's
/// native copy of it, is refused with its size, <see cref="InsufficientMemoryException"/>), then the header is parsed
/// (<see cref="SKCodec.Create(SKStream, out SKCodecResult)"/> reads only the header); a zero-sized image or
/// one with more than <see cref="MaxPixels"/> pixels is refused before any pixel memory is allocated.
/// Decoding then needs 4 bytes (RGBA) plus 4 bytes (the float result) per pixel, at most 800 MB at the
/// limit, beside the native copy of the file Skia reads; an image whose 8 bytes a pixel and file copy the process cannot get is refused with its size
/// (<see cref="InsufficientMemoryException"/>) before they are allocated. A file is truncated when Skia reports incomplete input or, for PNG, when the IEND chunk is
/// missing (libpng stops reading once it has every row), or, for a sequential (baseline) JPEG, when its compressed
/// data end before every block its frame declares (<see cref="JpegCompleteness"/>: libjpeg fills the rest and only warns,
/// so a file cut short and closed with an end-of-image marker decoded); a progressive or arithmetic-coded JPEG cut so is
/// not caught.</para>
/// </remarks>
public static class ImageDecoder
{
    /// <summary>
    /// The largest image accepted, in pixels (width*height): 100 million, e.g. 10,000 x 10,000. A header
    /// claiming more is taken as damaged or hostile and refused before decoding.
    /// </summary>
    public const long MaxPixels = 100_000_000;

    /// <summary>Decodes the image file (PNG, JPEG, GIF, BMP or WebP) at <paramref name="path"/>; the image is named by the file name.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable image, is truncated, is zero-sized or exceeds <see cref="MaxPixels"/>.</exception>
    /// <exception cref="InsufficientMemoryException">The file's bytes or the decoded pixels need more memory than this process can get.</exception>
    /// <param name="path">The image file: not null or empty.</param>
    public static GreyImage LoadGrey(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        return LoadGrey(stream, path);
    }

    /// <summary>
    /// Decodes an image (PNG, JPEG, GIF, BMP or WebP) from <paramref name="stream"/> (read from its current position; not closed).
    /// <paramref name="name"/> names the image in errors and becomes <see cref="GreyImage.Name"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The data are not a decodable image, are truncated, are zero-sized, exceed <see cref="MaxPixels"/>, or are longer than one array.</exception>
    /// <exception cref="InsufficientMemoryException">The file's bytes or the decoded pixels need more memory than this process can get.</exception>
    /// <param name="stream">The image's bytes, from the current position to the end: not null.</param>
    /// <param name="name">The image's name in errors and its <see cref="GreyImage.Name"/>: not null.</param>
    public static GreyImage LoadGrey(Stream stream, string name) => LoadGrey(stream, name, Array.MaxLength);

    // maxBytes: the most a file may hold, one array's; smaller only in the tests, which cannot pipe 2 GB.
    internal static GreyImage LoadGrey(Stream stream, string name, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);

        // The whole file is read first (its real bytes, not a size it claims) so that completeness can be
        // checked below; Skia then reads a native copy of it, not a managed stream: a damaged field (a BMP's
        // pixel offset of 0xFF000000) makes Skia skip gigabytes, which a managed stream's callback answers with
        // an exception or OutOfMemory that cannot unwind through native code and ends the process.
        string TooLong(string size) => $"Image '{name}' is {size} bytes; image files are read into memory whole and may be at most {maxBytes} bytes.";
        if (stream.CanSeek && stream.Length - stream.Position > maxBytes)
            throw new InvalidDataException(TooLong($"{stream.Length - stream.Position}"));
        // Said with the file and its size, not as a bare OutOfMemoryException: the file is held whole, and Skia's
        // native copy of it (which the GC's figures do not count) beside it. A seekable stream's buffer is sized once.
        long size = stream.CanSeek ? stream.Length - stream.Position : 0;
        string reading = $"Reading image '{name}' ({size} bytes, read whole, beside a native copy for the decoder)";
        MemoryBudget.Ensure(2 * size, reading, "use a smaller image file");
        MemoryStream? file = null;
        try
        {
            file = new MemoryStream((int)size);
            // To the stream's end, which a device's or a pipe's length does not tell; a pipe of more than one array's bytes
            // is refused by that rule (CopyTo filled the MemoryStream to 2 GB and failed with IOException "Stream was too long").
            var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);   // as CopyTo's own buffer: no 80 KB of garbage an image
            try
            {
                for (int read; (read = stream.Read(chunk)) > 0;)
                {
                    if (file.Length + read > maxBytes) throw new InvalidDataException(TooLong($"more than {maxBytes}"));
                    file.Write(chunk, 0, read);
                }
            }
            finally { System.Buffers.ArrayPool<byte>.Shared.Return(chunk); }
        }
        catch (OutOfMemoryException e) when (e is not InsufficientMemoryException)
        {
            throw new InsufficientMemoryException($"Reading image '{name}' whole ran out of memory after {file?.Length ?? 0} bytes; use a smaller image file.", e);
        }
        byte[] bytes = file.GetBuffer();
        int length = (int)file.Length;
        // Skia would call an empty file "Unimplemented", which says nothing of what is wrong with it.
        if (length == 0)
            throw new InvalidDataException($"Image '{name}' is empty (0 bytes); an image file (PNG, JPEG, GIF, BMP or WebP) starts with its format's header.");
        using var data = SKData.CreateCopy(bytes.AsSpan(0, length));
        using var codec = SKCodec.Create(new SKMemoryStream(data), out SKCodecResult headerResult);
        if (codec is null)
            throw new InvalidDataException(
                $"Image '{name}' could not be read as an image (PNG, JPEG, GIF, BMP or WebP): "
                + (UnreadFormat(bytes.AsSpan(0, length)) is { } found
                    ? $"it is {found}, a format this program does not read; convert it to PNG first."
                    : $"Skia's codec could not parse its header (result {headerResult}); the file is not an image of a supported format, or is damaged or truncated."));

        int width = codec.Info.Width, height = codec.Info.Height;
        // WBMP has no signature, so Skia recognises one in any file that starts with two zero bytes and two
        // small numbers (an IDX file: 00 00 08 03 is an 8x3 WBMP); no real input is one.
        if (codec.EncodedFormat == SKEncodedImageFormat.Wbmp)
            throw new InvalidDataException(
                $"Image '{name}' could not be read as an image (PNG, JPEG, GIF, BMP or WebP): it is taken for a WBMP ({width}x{height}), a format without a signature that any file starting with two zero bytes resembles; WBMP is not read.");
        long pixels = (long)width * height;
        if (width <= 0 || height <= 0)
            throw new InvalidDataException($"Image '{name}' ({codec.EncodedFormat}) claims a size of {width}x{height}; width and height must both be at least 1.");
        if (pixels > MaxPixels)
            throw new InvalidDataException(
                $"Image '{name}' ({codec.EncodedFormat}) claims {width}x{height} = {pixels} pixels; at most {MaxPixels} (ImageDecoder.MaxPixels) are accepted, so it is refused before decoding.");

        // libpng returns every row once the deflate data are complete and never looks for IEND, so a PNG
        // cut in its last ~20 bytes would decode "successfully"; every complete PNG ends with IEND.
        if (codec.EncodedFormat == SKEncodedImageFormat.Png && !EndsWithIend(bytes.AsSpan(0, length)))
            throw new InvalidDataException(
                $"Image '{name}' (Png, {width}x{height}) is truncated: it has no IEND chunk (49 45 4E 44 AE 42 60 82), which ends every complete PNG file.");

        // libjpeg fills the blocks of a scan whose data end early with zeros and only warns, which Skia does not pass on:
        // a JPEG cut short and closed with FF D9 decoded "successfully", its lost part flat.
        if (codec.EncodedFormat == SKEncodedImageFormat.Jpeg && JpegCompleteness.Check(bytes.AsSpan(0, length)) is { Complete: false } jpeg)
            throw new InvalidDataException(
                $"Image '{name}' (Jpeg, {width}x{height}) is incomplete: its compressed data end after {jpeg.BlocksFound} of the {jpeg.BlocksDeclared} blocks of 8x8 samples its frame declares (a file cut short and closed with an end-of-image marker, or damaged compressed data).");

        // A small file can claim an image the process cannot hold (6000x6000 zeros are a 36 KB PNG): said with
        // the file and its size, before any pixel memory is allocated, not as a bare OutOfMemoryException. Skia's
        // native copy of the file is counted too: the GC, whose figures MemoryBudget reads, does not see it, and
        // it is as large as the pixels' share of an uncompressed BMP (3 or 4 bytes a pixel).
        string decoding = $"Decoding image '{name}' ({codec.EncodedFormat}, {width}x{height}, as RGBA bytes and grey floats: 8 bytes a pixel, beside a native copy of the file)";
        MemoryBudget.Ensure(8 * pixels + length, decoding, "use a smaller image");

        // Unpremultiplied RGBA, no colour space: the stored samples, untouched, in a known byte order.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        // The check is an estimate: near the limit the runtime's own use can still make an allocation fail.
        T Allocating<T>(Func<T> allocate)
        {
            try
            {
                return allocate();
            }
            catch (OutOfMemoryException e) when (e is not InsufficientMemoryException)
            {
                throw new InsufficientMemoryException($"{decoding} ran out of memory; use a smaller image.", e);
            }
        }
        byte[] rgba = Allocating(() => new byte[pixels * 4]);
        SKCodecResult result;
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }
        // IncompleteInput: Skia fills the missing rows and reports success-with-a-warning; for training
        // data a silently half-grey image is worse than an error.
        if (result != SKCodecResult.Success)
            throw new InvalidDataException(
                $"Image '{name}' ({codec.EncodedFormat}, {width}x{height}) could not be decoded: Skia's codec returned {result}"
                + (result == SKCodecResult.IncompleteInput ? " (the file is truncated)." : "; the file is damaged."));

        return new GreyImage(width, height, Allocating(() => ToGrey(rgba, (int)pixels)), name);
    }

    /// <summary>
    /// The image format Skia does not read that <paramref name="file"/> starts as (its signature), said with its
    /// article, or null: a TIFF or a phone's HEIC photograph is then not called damaged.
    /// </summary>
    internal static string? UnreadFormat(ReadOnlySpan<byte> file)
    {
        if (file.StartsWith("II*\0"u8) || file.StartsWith("MM\0*"u8)) return "a TIFF file";
        if (file.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A])
            || file.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x4F, 0xFF, 0x51]))
            return "a JPEG 2000 file";
        if (file.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x0A])
            || file.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, 0x4A, 0x58, 0x4C, 0x20, 0x0D, 0x0A, 0x87, 0x0A]))
            return "a JPEG XL file";
        if (file.StartsWith("%PDF-"u8)) return "a PDF file";
        if (file.StartsWith("8BPS"u8)) return "a Photoshop (PSD) file";
        // ISO base media file: a box size, "ftyp", the major brand, a minor version, then compatible brands.
        if (file.Length >= 16 && file[4..8].SequenceEqual("ftyp"u8))
        {
            int size = (int)Math.Min(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(file), (uint)file.Length);
            var brands = new List<string>();
            for (int at = 8; at + 4 <= size; at += at == 8 ? 8 : 4)
                brands.Add(System.Text.Encoding.ASCII.GetString(file.Slice(at, 4)));
            if (brands.Any(b => b is "avif" or "avis")) return "an AVIF file";
            if (brands.Any(b => b is "heic" or "heix" or "heim" or "heis" or "hevc" or "hevx" or "mif1" or "msf1")) return "a HEIF (HEIC) file";
            return null;
        }
        // SVG: XML text (after a byte order mark and white space) with an <svg element near its start.
        var text = file.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? file[3..] : file;
        int first = 0;
        while (first < text.Length && text[first] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') first++;
        if (first < text.Length && text[first] == '<'
            && text[..Math.Min(text.Length, 4096)].IndexOf("<svg"u8) >= 0)
            return "an SVG file (a vector drawing)";
        return null;
    }

    /// <summary>The IEND chunk: zero length, type "IEND", its fixed CRC (PNG specification, 2nd edition, 11.2.5).</summary>
    private static ReadOnlySpan<byte> IendChunk => [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82];

    /// <summary>True when an IEND chunk is present; bytes after it are tolerated, as decoders ignore them.</summary>
    private static bool EndsWithIend(ReadOnlySpan<byte> file) => file.LastIndexOf(IendChunk) >= 8;

    /// <summary>BT.601 luma of RGBA bytes, scaled to [0, 1]; see the class remarks.</summary>
    internal static float[] ToGrey(ReadOnlySpan<byte> rgba, int pixelCount)
    {
        const float wr = 0.299f, wg = 0.587f, wb = 0.114f;
        var grey = new float[pixelCount];
        for (int i = 0; i < grey.Length; i++)
        {
            byte r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2];
            // Exact for grey pixels; float rounding of the weights could otherwise give 1.0000001 for white.
            grey[i] = r == g && g == b
                ? r / 255f
                : Math.Clamp((wr * r + wg * g + wb * b) / 255f, 0f, 1f);
        }
        return grey;
    }
}
