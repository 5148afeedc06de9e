using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using Microsoft.ML;

namespace SparseAe.Fuzz;

/// <summary>
/// The ML.NET targets: loading a whole model zip with <c>MLContext.Model.Load</c>.
/// </summary>
/// <remarks>
/// What counts as expected, and why:
/// <list type="number">
/// <item>If any exception in the chain (the exception and its inner exceptions) has a stack frame in
/// SparseAe.Core, SparseAe.Data or SparseAe.MLNet, our loader was running when it was thrown, whether our
/// code threw it or called into ML.NET or the BCL that did. Then the outermost such exception must be an
/// <see cref="InvalidDataException"/> (our loaders promise that); ML.NET may wrap it in exceptions of its
/// own, which is fine. Anything else, e.g. an EndOfStreamException from ctx.Reader inside our loader, is a
/// crash: the loader should have turned it into InvalidDataException.</item>
/// <item>If no exception in the chain has such a frame, ML.NET or System.IO.Compression rejected the zip
/// without our code on the stack: before our loader ran (bad zip, bad ML.NET header, unknown loader
/// signature), or in another entry after it returned. That is outside our control and expected when the
/// outermost type is one that ML.NET and the zip reader use for corrupt data: <see cref="InvalidDataException"/>
/// (zip structure, deflate, CRC), <see cref="FormatException"/> and <see cref="InvalidOperationException"/>
/// (ML.NET's Contracts.ExceptDecode / Check failures on its own headers), <see cref="EndOfStreamException"/>
/// and other <see cref="IOException"/>s (truncated entries). Every exception of the chain must be one of
/// these, or a TargetInvocationException or AggregateException wrapping them (ML.NET creates components
/// by reflection and wraps what they throw), or the ArgumentException of ML.NET's own check of the loader's
/// assembly name in its entry header (EnsureLoaderAssemblyIsRegistered). Any other type (NullReferenceException,
/// IndexOutOfRangeException, OutOfMemoryException, ArgumentException, ...) is a crash even there: it is
/// reported, with its stack, so that it can be judged (and, if it is ML.NET's, reported upstream).</item>
/// </list>
/// </remarks>
public static class MLNetTargets
{
    private static readonly MLContext Ml = new(seed: 0);

    private static readonly HashSet<string> OurAssemblies = ["SparseAe.Core", "SparseAe.Data", "SparseAe.MLNet"];

    /// <summary>
    /// The input is a whole model zip, loaded as the command line and LoadVerified load one: it is checked first
    /// (ZipEntryCheck.Problem: the first bytes, the list, each entry's size and CRC-32), since ML.NET's Model.Load never
    /// returned on a damaged Schema entry (findings/mlnet-zip/README.md). An input that .NET's zip reader cannot open at
    /// all still goes to ML.NET, whose refusal of it is fuzzed too; one it can open is not, whatever the check says of
    /// it: a zip whose first bytes were damaged ("not a zip archive") but whose list was whole took ML.NET to the
    /// damaged Schema entry, and the run stopped on a timeout (2026-12-07).
    /// </summary>
    public static string RunZip(byte[] input)
    {
        if (SparseAe.Persistence.ZipEntryCheck.Problem(new MemoryStream(input, writable: false)) is not { } problem) return Load(input);
        return OpensAsZip(input) ? $"rejected by the entries' check: {problem}" : Load(input);
    }

    private static bool OpensAsZip(byte[] input)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(input, writable: false), ZipArchiveMode.Read);
            _ = zip.Entries;
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// The input is the content of the transformer entry (ML.NET's model header, an i32 byte count, our
    /// block); it replaces that entry in a valid zip, and the CRC-32s of our block (and its nested blocks)
    /// are repaired, so that mutations reach ML.NET's header checks and our loader rather than the zip reader.
    /// </summary>
    public static string RunEntry(byte[] input)
    {
        var entry = (byte[])input.Clone();
        EntryRepair.RepairBlocks(entry);
        return Load(EntryTemplate.Value.With(entry));
    }

    private static string Load(byte[] zip)
    {
        try
        {
            var model = Ml.Model.Load(new MemoryStream(zip, writable: false), out _);
            (model as IDisposable)?.Dispose();
            return $"loaded: {model.GetType().Name}";
        }
        catch (Exception e) when (Expected(e) is string reason)
        {
            return reason;
        }
    }

    /// <summary>The reason an exception is expected, or null for a crash.</summary>
    public static string? Expected(Exception e)
    {
        var chain = Chain(e).ToList();
        var ours = chain.FirstOrDefault(HasOurFrame);
        if (ours is not null)
            return ours is InvalidDataException ? $"rejected by our loader: {Targets.Rejected(ours)}" : null;

        // ML.NET creates every component by reflection, so its own errors arrive wrapped in
        // TargetInvocationException and often in its InvalidOperationException("Error during class
        // instantiation"); its zip errors are FormatException("Failed to open a zip archive") around the
        // zip reader's InvalidDataException around an IOException. Accept the chain when every exception
        // in it is one of those kinds.
        bool corruptData = chain.All(x => x is TargetInvocationException or AggregateException or InvalidOperationException
            or InvalidDataException or FormatException or IOException || IsLoaderAssemblyCheck(x));
        return corruptData ? $"rejected by ML.NET or the zip reader: {Targets.Rejected(chain[^1])}" : null;
    }

    // ML.NET reads the loader's assembly name from its entry header and loads it (Assembly.Load) before our
    // loader is called: a damaged name throws the ArgumentException of AssemblyName's parser ("String cannot have
    // zero length", CultureNotFoundException), which ML.NET lets out. That is known and not ours to fix
    // (findings/mlnet-entry/README.md); reported as a crash, it stopped every mlnet-entry run in its first minute.
    // Accepted only there: an ArgumentException thrown anywhere else is still a crash.
    private static bool IsLoaderAssemblyCheck(Exception e)
        => e is ArgumentException && new StackTrace(e, fNeedFileInfo: false).GetFrames().Any(frame =>
            frame.GetMethod() is { Name: "EnsureLoaderAssemblyIsRegistered", DeclaringType.FullName: "Microsoft.ML.ModelLoadContext" });

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
            if (x is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions.Skip(1).SelectMany(Chain))
                    yield return inner;
        }
    }

    private static bool HasOurFrame(Exception e) =>
        new StackTrace(e, fNeedFileInfo: false).GetFrames().Any(frame =>
            frame.GetMethod()?.DeclaringType?.Assembly.GetName().Name is string name && OurAssemblies.Contains(name));

    private static readonly Lazy<ZipTemplate> EntryTemplate = new(() => ZipTemplate.Of(Seeds.AutoencoderZip()));

    /// <summary>A valid model zip with the one entry that holds a transformer ("Model/Model.key" or similar) replaceable.</summary>
    private sealed class ZipTemplate
    {
        private readonly List<(string Name, byte[] Content)> _entries;
        private readonly string _transformerEntry;

        private ZipTemplate(List<(string, byte[])> entries, string transformerEntry)
        {
            _entries = entries;
            _transformerEntry = transformerEntry;
        }

        public static ZipTemplate Of(byte[] zip)
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            var entries = archive.Entries.Select(e =>
            {
                using var s = e.Open();
                var ms = new MemoryStream();
                s.CopyTo(ms);
                return (e.FullName, ms.ToArray());
            }).ToList();
            var transformer = entries.First(e => EntryRepair.FindBlock(e.Item2) >= 0).FullName;
            return new ZipTemplate(entries, transformer);
        }

        public static string TransformerEntryName(byte[] zip) => Of(zip)._transformerEntry;

        public static byte[] TransformerEntry(byte[] zip)
        {
            var t = Of(zip);
            return t._entries.First(e => e.Name == t._transformerEntry).Content;
        }

        public byte[] With(byte[] transformerEntry)
        {
            var output = new MemoryStream();
            using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var (name, content) in _entries)
                {
                    var entry = archive.CreateEntry(name, CompressionLevel.NoCompression);
                    using var s = entry.Open();
                    s.Write(name == _transformerEntry ? transformerEntry : content);
                }
            }
            return output.ToArray();
        }
    }

    /// <summary>The transformer entry of a model zip, for seeding mlnet-entry.</summary>
    public static byte[] TransformerEntry(byte[] zip) => ZipTemplate.TransformerEntry(zip);

    public static string TransformerEntryName(byte[] zip) => ZipTemplate.TransformerEntryName(zip);
}

/// <summary>Finds our ChecksummedBlock inside a transformer entry and repairs its CRC-32s.</summary>
public static class EntryRepair
{
    private static readonly uint[] Magics = [Persistence.ModelFormat.Magic, Persistence.ZcaFormat.Magic, Persistence.ConvolutionFormat.Magic];

    /// <summary>The offset of the first block magic that follows at least 4 bytes (the i32 byte count), or -1.</summary>
    public static int FindBlock(ReadOnlySpan<byte> entry)
    {
        for (int i = 4; i + 4 <= entry.Length; i++)
        {
            uint word = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(entry[i..]);
            if (Array.IndexOf(Magics, word) >= 0) return i;
        }
        return -1;
    }

    public static void RepairBlocks(byte[] entry)
    {
        int at = FindBlock(entry);
        if (at < 0) return;
        var block = entry.AsSpan(at);
        if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(block) == Persistence.ConvolutionFormat.Magic)
        {
            var repaired = ChecksumRepair.RepairConvolution(block.ToArray());
            repaired?.CopyTo(block);
        }
        else
        {
            ChecksumRepair.RepairInPlace(block);
        }
    }
}
