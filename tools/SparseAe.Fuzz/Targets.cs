using SparseAe.Mat;
using SparseAe.Persistence;

namespace SparseAe.Fuzz;

/// <summary>One thing to fuzz.</summary>
/// <param name="Name">The name on the command line.</param>
/// <param name="Description">One line for `list`.</param>
/// <param name="Run">Runs the reader on the input; returns a short description of what happened when the
/// reader accepted or rejected it as documented, and lets every other exception through.</param>
/// <param name="WarmUpInputs">Inputs run (and their outcome ignored) before fuzzing starts.</param>
public sealed record FuzzTarget(string Name, string Description, Func<byte[], string> Run, Func<IEnumerable<byte[]>> WarmUpInputs)
{
    /// <summary>Runs the warm-up inputs, their truncations and a byte flip of each, ignoring every outcome.</summary>
    public void WarmUp()
    {
        foreach (var input in WarmUpInputs())
        {
            foreach (var variant in new[] { input, input[..(input.Length / 2)], Flipped(input) })
            {
                try { Run(variant); }
                catch (Exception) { /* only the JIT and the static caches matter here */ }
            }
        }
    }

    private static byte[] Flipped(byte[] input)
    {
        var copy = (byte[])input.Clone();
        if (copy.Length > 0) copy[copy.Length / 3] ^= 0x55;
        return copy;
    }
}

public sealed class UnknownTargetException(string name)
    : Exception($"Unknown target '{name}'; the targets are {string.Join(", ", Targets.All.Select(t => t.Name))}.");

/// <summary>The targets of issue 6 and what each treats as an expected rejection.</summary>
/// <remarks>
/// Expected, per the readers' documentation:
/// <list type="bullet">
/// <item>mat: <see cref="MatFile.Read(Stream)"/> documents only <see cref="InvalidDataException"/> for damaged
/// data (its ArgumentException and NotSupportedException cases, an unreadable stream, a file over
/// Array.MaxLength bytes and a 7.3 variable larger than one array, which needs a file over 2 MB, cannot happen here).</item>
/// <item>model, zca, convolution: <see cref="ModelFormat.Read"/>, <see cref="ZcaFormat.Read"/> and
/// <see cref="ConvolutionFormat.Read"/> promise <see cref="InvalidDataException"/> on anything wrong.</item>
/// <item>mlnet-zip, mlnet-entry: see <see cref="MLNetTargets"/>.</item>
/// <item>tokens, idx, image, csv: see <see cref="DataTargets"/>.</item>
/// </list>
/// Everything else escapes and is a crash.
/// </remarks>
public static class Targets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("mat", "MatFile.Read(Stream): level 4, level 5 plain and zlib-compressed, 7.3 (HDF5)",
            RunMat, () => Seeds.WarmUpInputs("mat")),
        new("model", "ModelFormat.Read: a ChecksummedBlock 'SPAE' (also run with its CRC-32 repaired)",
            input => RunBlock(input, s => ModelFormat.Read(s), ChecksumRepair.RepairSimple), () => Seeds.WarmUpInputs("model")),
        new("convolution", "ConvolutionFormat.Read: a 'SCNV' block with nested 'SZCA' and 'SPAE' blocks (also run with CRCs repaired)",
            input => RunBlock(input, s => ConvolutionFormat.Read(s), ChecksumRepair.RepairConvolution), () => Seeds.WarmUpInputs("convolution")),
        new("zca", "ZcaFormat.Read: a 'SZCA' block (also run with its CRC-32 repaired)",
            input => RunBlock(input, s => ZcaFormat.Read(s), ChecksumRepair.RepairSimple), () => Seeds.WarmUpInputs("zca")),
        new("mlnet-zip", "new MLContext().Model.Load(stream, out _) on a whole ML.NET model zip",
            MLNetTargets.RunZip, () => Seeds.WarmUpInputs("mlnet-zip")),
        new("mlnet-entry", "Model.Load on a valid zip whose transformer entry (ML.NET header + our block) is the input, CRCs repaired",
            MLNetTargets.RunEntry, () => Seeds.WarmUpInputs("mlnet-entry")),
        new("tokens", "TokenVocabularyFormat.Read: a 'STOK' block (also run with its CRC-32 repaired)",
            DataTargets.RunTokens, () => Seeds.WarmUpInputs("tokens")),
        new("idx", "IdxFile.Read(Stream, name): an IDX file, plain or gzip-compressed",
            DataTargets.RunIdx, () => Seeds.WarmUpInputs("idx")),
        new("image", "ImageDecoder.LoadGrey(Stream, name): PNG, JPEG, GIF, BMP or WebP through Skia (headers over 4 Mi pixels skipped)",
            DataTargets.RunImage, () => Seeds.WarmUpInputs("image")),
        new("csv", "VectorCsv.Read(TextReader, ...): a vector CSV, UTF-8 or UTF-16 by its mark, with and without requireFinite",
            DataTargets.RunCsv, () => Seeds.WarmUpInputs("csv")),
        new("selftest", "checks the harness and driver: an input starting with '!' throws, '~' sleeps 1.2 s, '@' allocates 100 MB",
            SelfTest, () => [[0]]),
    ];

    public static FuzzTarget Get(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new UnknownTargetException(name);

    private static string SelfTest(byte[] input)
    {
        switch (input.Length > 0 ? input[0] : 0)
        {
            case (byte)'!': throw new NotSupportedException("selftest: an unexpected exception");
            case (byte)'~': Thread.Sleep(1200); return "slept";
            case (byte)'@': GC.KeepAlive(new byte[100 << 20]); return "allocated";
            default: return "nothing";
        }
    }

    private static string RunMat(byte[] input)
    {
        MatFile mat;
        try
        {
            mat = MatFile.Read(new MemoryStream(input, writable: false));
        }
        catch (InvalidDataException e)
        {
            return Rejected(e);
        }
        CheckMat(mat);
        return $"read: {mat.Format}, {mat.Variables.Count} variable(s)";
    }

    /// <summary>Uses what the reader returned the way a caller would; a reader that returns must return something usable.</summary>
    private static void CheckMat(MatFile mat)
    {
        foreach (var v in mat.Variables)
        {
            _ = v.ToString();
            long count = v.ElementCount;
            if (!v.IsNumeric) continue;
            // MatVariable's constructor already requires the data to match the dimensions; the first and last
            // elements check it from the outside. The harness does not copy the data (GetColumnMajorData) or
            // visit every element (GetStatistics): on a legitimately deflated file of millions of elements its own
            // work, in instrumented code, broke the allocation and time limits that are there for the reader.
            if (count == 0) continue;
            _ = v.GetValue(v.Dimensions.Select(d => d - 1).ToArray());
            if (v.Dimensions.Count > 0) _ = v.GetValue(new int[v.Dimensions.Count]);
        }
    }

    /// <summary>
    /// Reads the block as given and, when the CRC-32s can be repaired, once more with them repaired, so that
    /// mutations reach the payload parsers instead of stopping at the checksum almost every time.
    /// </summary>
    private static string RunBlock(byte[] input, Func<Stream, object> read, Func<byte[], byte[]?> repair)
    {
        string asGiven = ReadBlock(input, read);
        var repaired = repair(input);
        return repaired is null ? asGiven : $"{asGiven}; CRC repaired: {ReadBlock(repaired, read)}";
    }

    private static string ReadBlock(byte[] input, Func<Stream, object> read)
    {
        try
        {
            var result = read(new MemoryStream(input, writable: false));
            return $"read: {result.GetType().Name}";
        }
        catch (InvalidDataException e)
        {
            return Rejected(e);
        }
    }

    internal static string Rejected(Exception e)
    {
        var message = e.Message.ReplaceLineEndings(" ");
        return $"rejected: {e.GetType().Name}: {(message.Length > 160 ? message[..160] + "..." : message)}";
    }
}
