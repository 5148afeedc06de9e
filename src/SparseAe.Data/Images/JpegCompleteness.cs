namespace SparseAe.Data.Images;

/// <summary>
/// Whether a baseline JPEG holds the compressed data of every block its frame declares. libjpeg, which decodes
/// for Skia, fills the blocks of a scan whose data end early (at a marker) with zeros and only warns
/// ("Corrupt JPEG data: premature end of data segment"), and Skia does not pass the warning on: a file cut short
/// and closed with an end-of-image marker (FF D9), as some recovery tools close cut files, decodes without an
/// error, its lost part flat. This walks the Huffman-coded data as a decoder does, without the inverse DCT,
/// and counts the blocks (ITU-T T.81, Annex B for the markers, F.2.2 for the decoding of the coefficients).
/// </summary>
/// <remarks>
/// Only sequential Huffman frames (SOF0, SOF1) are walked; for any other (progressive, lossless, arithmetic
/// coding), a height given by a DNL marker, or anything this walk does not understand (a missing table, a code
/// no table holds), it says nothing (null), and the decoder's verdict stands. It reads only the file's bytes.
/// </remarks>
internal static class JpegCompleteness
{
    /// <summary>What the walk found: <see cref="Complete"/> is null when it cannot tell.</summary>
    internal readonly record struct Verdict(bool? Complete, long BlocksFound, long BlocksDeclared)
    {
        public static Verdict Unknown => new(null, 0, 0);
    }

    private sealed class Component
    {
        public int Id, H, V, DcTable, AcTable;
        public bool Scanned;
    }

    /// <summary>A Huffman table as T.81's decoder keeps it (F.2.2.3): per code length, the largest code and where its values start.</summary>
    private sealed class Table
    {
        public readonly int[] MaxCode = new int[18];   // -1 where no code has that length; [17] a sentinel
        public readonly int[] ValOffset = new int[17];
        public byte[] Values = [];
    }

    /// <summary>The verdict on <paramref name="file"/>, a whole JPEG file (it starts with FF D8).</summary>
    /// <remarks>Never throws: every read is bounds-checked, and what the walk does not follow gives <see cref="Verdict.Unknown"/>.</remarks>
    public static Verdict Check(ReadOnlySpan<byte> file)
    {
        if (file.Length < 4 || file[0] != 0xFF || file[1] != 0xD8) return Verdict.Unknown;
        var dc = new Table?[4];
        var ac = new Table?[4];
        Component[]? components = null;
        int width = 0, height = 0, hMax = 1, vMax = 1, restartInterval = 0;
        long found = 0, declared = 0;
        int at = 2;
        // The end of the file, its end-of-image marker, or a segment cut by either: complete when every component was
        // in a scan and every scan had all its blocks.
        Verdict End()
        {
            if (components is null) return Verdict.Unknown;
            foreach (var c in components)
                if (!c.Scanned) declared += BlocksOf(c, width, height, hMax, vMax);
            return new Verdict(found == declared, found, declared);
        }
        while (true)
        {
            int marker = NextMarker(file, ref at);
            if (marker < 0 || marker == 0xD9) return End();
            if (marker is >= 0xD0 and <= 0xD7 or 0x01) continue;   // RSTn between scans, TEM: no length
            if (at + 2 > file.Length) return End();
            int length = file[at] << 8 | file[at + 1];
            if (length < 2) return Verdict.Unknown;
            // A segment longer than what is left: the file was cut inside it (libjpeg: "Premature end of JPEG file").
            // Cut and closed with FF D9, the closing bytes lie inside the segment, so its end is found as a marker's.
            int closing = file[..Math.Min(file.Length, at + length)][at..].IndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]);
            if (at + length > file.Length || (closing >= 0 && at + closing + 2 == file.Length)) return End();
            var segment = file.Slice(at + 2, length - 2);
            at += length;
            switch (marker)
            {
                case 0xC0 or 0xC1:
                    if (components is not null || segment.Length < 6) return Verdict.Unknown;
                    height = segment[1] << 8 | segment[2];
                    width = segment[3] << 8 | segment[4];
                    int count = segment[5];
                    if (height == 0 || width == 0 || count == 0 || segment.Length < 6 + 3 * count) return Verdict.Unknown;   // a DNL height
                    components = new Component[count];
                    for (int i = 0; i < count; i++)
                    {
                        int h = segment[7 + 3 * i] >> 4, v = segment[7 + 3 * i] & 15;
                        if (h is < 1 or > 4 || v is < 1 or > 4) return Verdict.Unknown;
                        components[i] = new Component { Id = segment[6 + 3 * i], H = h, V = v };
                        hMax = Math.Max(hMax, h);
                        vMax = Math.Max(vMax, v);
                    }
                    break;
                case 0xC2 or 0xC3 or (>= 0xC5 and <= 0xC7) or (>= 0xC9 and <= 0xCB) or (>= 0xCD and <= 0xCF):
                    return Verdict.Unknown;   // progressive, lossless, hierarchical or arithmetic-coded
                case 0xC4:
                    if (!ReadTables(segment, dc, ac)) return Verdict.Unknown;
                    break;
                case 0xDD:
                    if (segment.Length < 2) return Verdict.Unknown;
                    restartInterval = segment[0] << 8 | segment[1];
                    break;
                case 0xDA:
                    if (components is null) return Verdict.Unknown;
                    var scan = ReadScan(segment, components, dc, ac);
                    if (scan is null) return Verdict.Unknown;
                    long scanDeclared = McusOf(scan, width, height, hMax, vMax) * (scan.Length == 1 ? 1 : scan.Sum(c => c.H * c.V));
                    var reader = new BitReader(file, at);
                    long decoded = DecodeScan(ref reader, scan, dc, ac, width, height, hMax, vMax, restartInterval);
                    if (decoded < 0) return Verdict.Unknown;
                    found += decoded;
                    declared += scanDeclared;
                    foreach (var c in scan) c.Scanned = true;
                    at = reader.Position;
                    break;
            }
        }
    }

    // The blocks of one component in a scan of its own: its samples' width and height (T.81 A.1.1) in whole blocks.
    private static long BlocksOf(Component c, int width, int height, int hMax, int vMax)
        => (long)Ceiling(Ceiling(width * c.H, hMax), 8) * Ceiling(Ceiling(height * c.V, vMax), 8);

    // The MCUs of a scan (T.81 A.2): a component's own blocks when it is alone in the scan, else the image in whole MCUs.
    private static long McusOf(Component[] scan, int width, int height, int hMax, int vMax) => scan.Length == 1
        ? BlocksOf(scan[0], width, height, hMax, vMax)
        : (long)Ceiling(width, 8 * hMax) * Ceiling(height, 8 * vMax);

    private static int Ceiling(int a, int b) => (a + b - 1) / b;

    // The marker at or after `at` (fill bytes FF skipped), `at` moved past it; -1 at the end of the file. Bytes that
    // are not a marker (padding after a scan's data) are skipped.
    private static int NextMarker(ReadOnlySpan<byte> file, ref int at)
    {
        while (at + 1 < file.Length)
        {
            if (file[at] != 0xFF) { at++; continue; }
            int next = file[at + 1];
            if (next == 0xFF) { at++; continue; }
            at += 2;
            if (next == 0x00) continue;   // a stuffed FF inside entropy-coded data
            return next;
        }
        at = file.Length;
        return -1;
    }

    private static bool ReadTables(ReadOnlySpan<byte> segment, Table?[] dc, Table?[] ac)
    {
        int at = 0;
        while (at < segment.Length)
        {
            if (at + 17 > segment.Length) return false;
            int kind = segment[at] >> 4, slot = segment[at] & 15;
            if (kind > 1 || slot > 3) return false;
            var table = new Table();
            int total = 0, code = 0;
            for (int length = 1; length <= 16; length++)
            {
                int n = segment[at + length];
                table.ValOffset[length] = total - code;
                total += n;
                code += n;
                table.MaxCode[length] = n == 0 ? -1 : code - 1;
                code <<= 1;
            }
            table.MaxCode[17] = int.MaxValue;
            if (at + 17 + total > segment.Length) return false;
            table.Values = segment.Slice(at + 17, total).ToArray();
            (kind == 0 ? dc : ac)[slot] = table;
            at += 17 + total;
        }
        return true;
    }

    private static Component[]? ReadScan(ReadOnlySpan<byte> segment, Component[] components, Table?[] dc, Table?[] ac)
    {
        if (segment.Length < 1) return null;
        int count = segment[0];
        if (count is < 1 or > 4 || segment.Length < 1 + 2 * count + 3) return null;
        var scan = new Component[count];
        for (int i = 0; i < count; i++)
        {
            int id = segment[1 + 2 * i];
            var c = Array.Find(components, x => x.Id == id);
            if (c is null) return null;
            c.DcTable = segment[2 + 2 * i] >> 4;
            c.AcTable = segment[2 + 2 * i] & 15;
            if (c.DcTable > 3 || c.AcTable > 3 || dc[c.DcTable] is null || ac[c.AcTable] is null) return null;
            scan[i] = c;
        }
        return scan;
    }

    // The blocks decoded before the scan's data end (a marker other than RSTn, or the end of the file), at most the
    // scan's own; -1 for what this walk does not follow (a code no table holds, a run past the block's 64
    // coefficients, a restart marker out of place).
    private static long DecodeScan(ref BitReader reader, Component[] scan, Table?[] dc, Table?[] ac,
        int width, int height, int hMax, int vMax, int restartInterval)
    {
        bool single = scan.Length == 1;
        long mcus = McusOf(scan, width, height, hMax, vMax);
        long blocks = 0;
        for (long m = 0; m < mcus; m++)
        {
            if (restartInterval > 0 && m > 0 && m % restartInterval == 0)
            {
                int restart = reader.Restart();
                if (restart == BitReader.Ended) return blocks;
                if (restart != 0xD0 + (int)((m / restartInterval - 1) % 8)) return -1;
            }
            foreach (var c in scan)
            {
                int units = single ? 1 : c.H * c.V;
                for (int u = 0; u < units; u++)
                {
                    int result = DecodeBlock(ref reader, dc[c.DcTable]!, ac[c.AcTable]!);
                    if (result == BitReader.Ended) return blocks;
                    if (result < 0) return -1;
                    blocks++;
                }
            }
        }
        return blocks;
    }

    // One block's DC difference and AC coefficients (T.81 F.2.2.1, F.2.2.2): 0, or BitReader.Ended, or -1 (not followed).
    private static int DecodeBlock(ref BitReader reader, Table dc, Table ac)
    {
        int s = Decode(ref reader, dc);
        if (s < 0) return s;
        if (s > 16 || !reader.Skip(s)) return s > 16 ? -1 : BitReader.Ended;
        for (int k = 1; k < 64;)
        {
            int rs = Decode(ref reader, ac);
            if (rs < 0) return rs;
            int run = rs >> 4, size = rs & 15;
            if (size == 0)
            {
                if (run != 15) break;   // end of block
                k += 16;
                continue;
            }
            k += run;
            if (k > 63) return -1;
            if (!reader.Skip(size)) return BitReader.Ended;
            k++;
        }
        return 0;
    }

    // A value of the table (T.81 F.2.2.3, DECODE): BitReader.Ended when the data end first, -1 for a code it does not hold.
    private static int Decode(ref BitReader reader, Table table)
    {
        int code = 0;
        for (int length = 1; length <= 16; length++)
        {
            int bit = reader.Bit();
            if (bit < 0) return BitReader.Ended;
            code = code << 1 | bit;
            if (code <= table.MaxCode[length])
            {
                int index = table.ValOffset[length] + code;
                return index >= 0 && index < table.Values.Length ? table.Values[index] : -1;
            }
        }
        return -1;
    }

    /// <summary>The bits of entropy-coded data, most significant first, with stuffed bytes (FF 00) undone; it stops at a marker.</summary>
    private ref struct BitReader(ReadOnlySpan<byte> file, int start)
    {
        /// <summary>The data of the scan ended (a marker, or the end of the file) before a bit that was asked for.</summary>
        public const int Ended = -2;

        private readonly ReadOnlySpan<byte> _file = file;
        private int _at = start;
        private int _byte, _bitsLeft;

        /// <summary>Where parsing goes on after the scan: at its marker (not past it), or where the data stopped.</summary>
        public readonly int Position => _at;

        public int Bit()
        {
            if (_bitsLeft == 0)
            {
                if (_at >= _file.Length) return -1;
                int b = _file[_at];
                if (b == 0xFF)
                {
                    // libjpeg reads FF .. FF 00 as one FF data byte (fill bytes before the stuffed 00), without a warning.
                    int next = _at + 1;
                    while (next < _file.Length && _file[next] == 0xFF) next++;
                    if (next >= _file.Length || _file[next] != 0x00) return -1;   // a marker: the data end here
                    _at = next + 1;
                }
                else _at++;
                _byte = b;
                _bitsLeft = 8;
            }
            _bitsLeft--;
            return _byte >> _bitsLeft & 1;
        }

        public bool Skip(int bits)
        {
            for (int i = 0; i < bits; i++)
                if (Bit() < 0) return false;
            return true;
        }

        /// <summary>At a restart interval's end: the bits left in the byte are padding; returns the marker that follows, or <see cref="Ended"/>.</summary>
        public int Restart()
        {
            _bitsLeft = 0;
            // Stray bytes before the marker, stuffed FF 00 pairs among them: libjpeg skips them too (next_marker), with a
            // warning, and decodes every block; FF 00 was taken for the end of the data.
            while (true)
            {
                while (_at < _file.Length && _file[_at] != 0xFF) _at++;
                while (_at + 1 < _file.Length && _file[_at + 1] == 0xFF) _at++;
                if (_at + 1 >= _file.Length || _file[_at + 1] != 0x00) break;
                _at += 2;
            }
            if (_at + 1 >= _file.Length) return Ended;
            int marker = _file[_at + 1];
            if (marker is < 0xD0 or > 0xD7) return Ended;   // another marker where a restart was due: the data ended
            _at += 2;
            return marker;
        }
    }
}
