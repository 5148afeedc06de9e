using System.Buffers.Binary;
using Xunit;
using static SparseAe.Cli.Tests.ModelCommandTests;

namespace SparseAe.Cli.Tests;

/// <summary>featurize and show given a model file that is damaged, cut, empty, or not a model.</summary>
public class DamagedModelTests
{
    [Fact]
    public void A_model_whose_autoencoder_block_fails_its_CRC_is_refused_with_the_loaders_message()
    {
        // ML.NET creates the transformer by reflection, so the loader's InvalidDataException arrives wrapped
        // in a TargetInvocationException; the command must still say what is wrong, in one line, exit code 2.
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        EditModelEntry(Path.Combine(dir, "model.zip"), bytes => { bytes[bytes.Length / 2] ^= 0x10; return bytes; });
        var (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "x.png");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith("error: Cannot load model 'model.zip': The SparseAe model is damaged: the CRC-32 at offset ", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.False(File.Exists(Path.Combine(dir, "x.png")));
    }

    // A NaN where a weight lies and the CRC-32 made right again, so only the value is wrong: the refusal gave
    // the byte offset alone; it names the weight as the format's layout does (W2 is (V,H): V = 16, H = 6 here).
    [Fact]
    public void A_model_with_a_NaN_weight_whose_CRC_checks_out_is_refused_naming_the_weight()
    {
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        EditModelEntry(Path.Combine(dir, "model.zip"), bytes =>
        {
            int block = bytes.AsSpan().IndexOf("SPAE"u8);
            int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(block + 12));
            var payload = bytes.AsSpan(block + 16, length);
            int history = BinaryPrimitives.ReadInt32LittleEndian(payload[100..]);
            int theta = 104 + 32 * history + 8 * 6;     // after the cost history and H mean activations
            BinaryPrimitives.WriteSingleLittleEndian(payload[(theta + 4 * (16 * 6 + 2 * 6 + 3))..], float.NaN);   // W2[2, 3]
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(block + 16 + length), System.IO.Hashing.Crc32.HashToUInt32(payload));
            return bytes;
        });
        var (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "x.png");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Matches($@"^error: Cannot load model 'model.zip': The parameter W2\[2, 3\] \(index 111 of theta\) at offset \d+ is {float.NaN}; it must be finite\.$", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "x.png")));
    }

    [Theory]
    [InlineData("cut", "One of the identified items was in an invalid format")]
    [InlineData("deleted", "Corrupt model file")]
    public void A_zip_whose_model_entry_is_cut_or_missing_is_called_damaged(string damage, string mlnetSays)
    {
        // ML.NET's own words alone did not say that the zip, or which part of it, was at fault.
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        EditModelEntry(Path.Combine(dir, "model.zip"), bytes => damage == "cut" ? bytes[..200] : null);
        var (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "x.png");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal($"error: Cannot load model 'model.zip': the zip does not hold a model ML.NET can decode: an entry is missing, cut short or damaged (ML.NET: {mlnetSays}).", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "x.png")));
    }

    // ML.NET's Model.Load makes a folder in TEMP (ml_dotnet_...) before it opens the zip, and leaves it when the
    // zip does not open: each refused file left one behind.
    [Theory]
    [InlineData("empty")]
    [InlineData("text")]
    [InlineData("cut zip")]
    public void A_file_that_is_not_a_whole_zip_is_refused_before_MLNET_makes_a_folder_in_TEMP(string kind)
    {
        using var dir = new TempFolder();
        byte[] bytes = kind switch { "empty" => [], "text" => "hello\n"u8.ToArray(), _ => [0x50, 0x4b, 3, 4, 1, 2, 3] };
        File.WriteAllBytes(Path.Combine(dir, "model.zip"), bytes);
        var temp = Directory.CreateDirectory(Path.Combine(dir, "temp")).FullName;
        var start = Cli.StartInfo(dir, "show", "--model", "model.zip", "--filters", "x.png");
        start.Environment["TMPDIR"] = temp;
        var (code, _, error) = Cli.Run(start);
        Assert.True(code == 2, $"exit {code}: {error}");
        Assert.StartsWith("error: Cannot load model 'model.zip': ", error);
        Assert.Empty(Directory.GetFileSystemEntries(temp).Select(Path.GetFileName));
    }

    // A zip entry whose data no longer has the CRC-32 the zip records: neither .NET nor ML.NET checks it, and ML.NET's
    // Model.Load never returned on this model (found by fuzzing: its Schema entry damaged, BinaryLoader reading on at the
    // end of the entry), so show, featurize and export-onnx waited forever on a damaged file.
    [Fact]
    public void A_zip_entry_whose_CRC_does_not_match_is_refused_naming_it_before_MLNET_reads_it()
    {
        using var dir = new TempFolder();
        File.Copy(Path.Combine(Cli.FuzzFindings("mlnet-zip"), "schema-crc-hang-mlnet.zip"), Path.Combine(dir, "model.zip"));
        var (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "x.png");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Cannot load model 'model.zip': its entry 'Schema' is damaged: its data's CRC-32 is 97736989, but the zip records 8ED3ED57; " +
            "a saved model is a whole zip: copy or save it again.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "x.png")));
    }

    // A zip whose central directory lists another number of entries than its end record says: .NET reads the list when
    // it is first asked for, in the entries' check, and the command line said .NET's words alone ("error: Number of
    // entries expected in End Of Central Directory does not correspond ..."), naming no file (found by fuzzing).
    [Fact]
    public void A_zip_whose_list_of_entries_disagrees_with_its_end_record_is_refused_naming_the_model()
    {
        using var dir = new TempFolder();
        File.Copy(Path.Combine(Cli.FuzzFindings("mlnet-zip"), "entry-count-mismatch-check-regression.zip"), Path.Combine(dir, "model.zip"));
        var (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "x.png");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith("error: Cannot load model 'model.zip': it is a zip archive cut short or damaged, so its list of entries cannot be read (.NET: Number of entries expected", error);
        Assert.EndsWith("; a saved model is a whole zip: copy or save it again.", error.TrimEnd());
    }

    [Fact]
    public void A_model_zip_cut_short_is_said_to_be_one()
    {
        // A zip whose end is missing (a copy or download cut short) passed the "PK" check and said .NET's words
        // alone: "Cannot load model 'cut.zip': End of Central Directory record could not be found."
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        var bytes = File.ReadAllBytes(Path.Combine(dir, "model.zip"));
        File.WriteAllBytes(Path.Combine(dir, "cut.zip"), bytes[..(bytes.Length / 2)]);
        var (code, output, error) = Cli.Run(dir, "show", "--model", "cut.zip", "--filters", "x.png");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Cannot load model 'cut.zip': it is a zip archive cut short or damaged, so its list of entries cannot be read " +
            "(.NET: End of Central Directory record could not be found); a saved model is a whole zip: copy or save it again.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "x.png")));
    }

    [Fact]
    public void A_zip_that_holds_no_model_is_said_to_hold_none()
    {
        // A zip of a text file said ML.NET's words alone: "Cannot load model 'notes.zip': Repository doesn't
        // contain entry DataLoaderModel/Model.key".
        using var dir = new TempFolder();
        using (var zip = System.IO.Compression.ZipFile.Open(Path.Combine(dir, "notes.zip"), System.IO.Compression.ZipArchiveMode.Create))
        using (var entry = new StreamWriter(zip.CreateEntry("notes.txt").Open()))
            entry.Write("not a model");
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "notes.zip", "--csv", "notes.zip", "--out", "f.csv");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Cannot load model 'notes.zip': the zip holds no saved ML.NET model: it lacks an entry every saved model has " +
            "(ML.NET: Repository doesn't contain entry DataLoaderModel/Model.key); give a zip saved by sparseae train or MLContext.Model.Save.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "f.csv")));
    }

    [Fact]
    public void A_model_that_names_an_assembly_that_does_not_exist_is_called_damaged()
    {
        // A damaged byte in the loader's assembly name: ML.NET's Assembly.Load throws FileNotFoundException,
        // whose words alone read like a broken install.
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        RenameInModelEntry(Path.Combine(dir, "model.zip"), "SparseAe.MLNet", "SparseAe.MLNft");
        var (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "x.png");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal("error: Cannot load model 'model.zip': it names a component in an assembly that cannot be loaded, so the zip is damaged or the model needs a package this program lacks " +
            "(Could not load file or assembly 'SparseAe.MLNft, Version=0.1.0.0, Culture=neutral, PublicKeyToken=null'. The system cannot find the file specified).", error.TrimEnd());
    }

    // A saved entry names the assembly that loads it, version and all; .NET binds that name to the same version or a
    // later one, never an earlier. A model saved by a later SparseAe.MLNet than this program's was called damaged, or
    // needing a package this program lacks ("Could not load file or assembly 'SparseAe.MLNet, Version=9.1.0.0, ...'").
    // Replaces the assembly name the model entry stores (UTF-16, as ML.NET writes its loader's assembly) with another of
    // the same length, so that the entry's layout stays whole.
    private static void RenameInModelEntry(string modelZip, string from, string to) => EditModelEntry(modelZip, bytes =>
    {
        byte[] old = System.Text.Encoding.Unicode.GetBytes(from), replacement = System.Text.Encoding.Unicode.GetBytes(to);
        int at = bytes.AsSpan().IndexOf(old);
        Assert.True(at >= 0 && old.Length == replacement.Length, $"the entry names '{from}', as long as '{to}'");
        replacement.CopyTo(bytes, at);
        return bytes;
    });

    [Fact]
    public void A_model_saved_by_a_later_SparseAe_MLNet_is_said_to_be_one_naming_both_versions()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var ours = typeof(SparseAe.MLNet.SparseAutoencoderTransformer).Assembly.GetName().Version!;
        var later = new Version(ours.Major + 9, ours.Minor, ours.Build, ours.Revision);
        RenameInModelEntry(Path.Combine(dir, "model.zip"), $"SparseAe.MLNet, Version={ours}", $"SparseAe.MLNet, Version={later}");
        string expected = $"error: Cannot load model 'model.zip': it was saved by SparseAe.MLNet {later}, a later version than this program's {ours}, " +
            $"and a model loads only with the version that saved it or a later one; use a SparseAe.MLNet of version {later} or later.";
        foreach (var args in new[] { new[] { "show", "--model", "model.zip", "--filters", "x.png" }, ["featurize", "--model", "model.zip", "--csv", csv, "--out", "f.csv"],
            ["export-onnx", "--model", "model.zip", "--out", "m.onnx"] })
        {
            var (code, output, error) = Cli.Run(dir, args);
            Assert.True(code == 2, $"exit {code}: {error}\n{output}");
            Assert.Equal(expected, error.TrimEnd());
        }
        Assert.All(new[] { "x.png", "f.csv", "m.onnx" }, written => Assert.False(File.Exists(Path.Combine(dir, written)), written));
    }

    // An assembly named at this program's own version that still does not load (here its culture damaged into another real
    // one) is no later build: it is said as a name that cannot be loaded. (Mutation audit: 'ours <= version' for 'ours <
    // version' passed every test, and said "saved by SparseAe.MLNet 0.1.0.0, a later version than this program's 0.1.0.0".)
    [Fact]
    public void A_model_naming_this_program_s_own_version_that_does_not_load_is_not_said_to_be_from_a_later_one()
    {
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        var ours = typeof(SparseAe.MLNet.SparseAutoencoderTransformer).Assembly.GetName().Version!;
        RenameInModelEntry(Path.Combine(dir, "model.zip"), $"SparseAe.MLNet, Version={ours}, Culture=neutral", $"SparseAe.MLNet, Version={ours}, Culture=zh-Hans");
        var (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "x.png");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith("error: Cannot load model 'model.zip': it names a component in an assembly that cannot be loaded, so the zip is damaged or the model needs a package this program lacks " +
            $"(Could not load file or assembly 'SparseAe.MLNet, Version={ours}, Culture=zh-Hans", error.TrimEnd());
        Assert.DoesNotContain("a later version", error);
    }

    // The assembly's version is pinned, so a model holding a kind of transformer a later build added (token counts came in
    // 177328e) names a loader signature this program's SparseAe.MLNet does not register. ML.NET says only "Couldn't load
    // model: 'TransformerChain'", which was called "an entry is missing, cut short or damaged".
    [Fact]
    public void A_model_naming_a_component_its_assembly_does_not_have_is_said_to_name_it()
    {
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        EditModelEntry(Path.Combine(dir, "model.zip"), bytes =>
        {
            var from = "SparseAutoencoderXf"u8.ToArray();
            int at = bytes.AsSpan().IndexOf(from);
            Assert.True(at >= 0, "the entry's header names its loader signature");
            "SparseAeFutureXf\0\0\0"u8.CopyTo(bytes.AsSpan(at));
            return bytes;
        });
        var assembly = typeof(SparseAe.MLNet.SparseAutoencoderTransformer).Assembly.GetName();
        var (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "x.png");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Equal($"error: Cannot load model 'model.zip': its part 'TransformerChain' names the component 'SparseAeFutureXf' of " +
            $"{assembly.Name} {assembly.Version}, which this program's {assembly.Name} {assembly.Version} does not have: the model was saved by " +
            "a later build that added that component, or the part is damaged.", error.TrimEnd());
        Assert.False(File.Exists(Path.Combine(dir, "x.png")));
        // Piped, the zip is read once into memory, and the component is read from there: the path opened again was a spent
        // pipe, and the refusal fell back to "an entry is missing, cut short or damaged".
        (code, output, error) = Cli.Run(Cli.StartInfo(dir, "show", "--model", "/dev/stdin", "--filters", "x.png"), File.ReadAllBytes(Path.Combine(dir, "model.zip")));
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith("error: Cannot load model '/dev/stdin': its part 'TransformerChain' names the component 'SparseAeFutureXf' of ", error);
    }

    /// <summary>Replaces the autoencoder's Model.key entry in a model zip (or the one holding <paramref name="holding"/>) by edit(its bytes); null deletes it.</summary>
    internal static void EditModelEntry(string zipPath, Func<byte[], byte[]?> edit, byte[]? holding = null)
    {
        using var zip = System.IO.Compression.ZipFile.Open(zipPath, System.IO.Compression.ZipArchiveMode.Update);
        static byte[] Read(System.IO.Compression.ZipArchiveEntry e) { using var s = e.Open(); using var m = new MemoryStream(); s.CopyTo(m); return m.ToArray(); }
        // The largest model entry (the autoencoder's, in a model of one), or the one that holds the given bytes.
        var entry = holding is null ? zip.Entries.Where(e => e.Name == "Model.key").MaxBy(e => e.Length)!
            : zip.Entries.First(e => e.Name == "Model.key" && Read(e).AsSpan().IndexOf(holding) >= 0);
        byte[] bytes = Read(entry);
        var name = entry.FullName;
        entry.Delete();
        if (edit(bytes) is not { } edited) return;
        using var w = zip.CreateEntry(name).Open();
        w.Write(edited);
    }

    [Fact]
    public void An_empty_file_a_zip_named_onnx_and_a_damaged_assembly_name_are_said_for_what_they_are()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        File.WriteAllBytes(Path.Combine(dir, "empty.zip"), []);
        var (code, _, error) = Cli.Run(dir, "show", "--model", "empty.zip");
        Assert.Equal(2, code);
        Assert.Equal("error: Cannot load model 'empty.zip': it is empty; a saved ML.NET model is a zip archive.", error.TrimEnd());

        File.Copy(Path.Combine(dir, "model.zip"), Path.Combine(dir, "fake.onnx"));
        (code, _, error) = Cli.Run(dir, "featurize", "--model", "fake.onnx", "--csv", csv, "--out", "f.csv");
        Assert.Equal(2, code);
        Assert.EndsWith("The file is a zip archive, as a saved ML.NET model is: give it a .zip name, or export it with sparseae export-onnx.", error.TrimEnd());

        // The culture in the key's assembly name damaged (the zip's own CRCs right): .NET's "Culture is not supported".
        var damaged = Path.Combine(dir, "culture.zip");
        using (var source = System.IO.Compression.ZipFile.OpenRead(Path.Combine(dir, "model.zip")))
        using (var target = System.IO.Compression.ZipFile.Open(damaged, System.IO.Compression.ZipArchiveMode.Create))
            foreach (var entry in source.Entries)
            {
                using var read = new MemoryStream();
                using (var s = entry.Open()) s.CopyTo(read);
                var bytes = read.ToArray();
                if (entry.FullName.EndsWith("Model.key", StringComparison.Ordinal))
                {
                    var text = System.Text.Encoding.Unicode;
                    var from = text.GetBytes("Culture=neutral");
                    int at = bytes.AsSpan().IndexOf(from);
                    Assert.True(at >= 0, "the key names a culture");
                    text.GetBytes("Culture=neut@@@").CopyTo(bytes, at);
                }
                using var write = target.CreateEntry(entry.FullName).Open();
                write.Write(bytes);
            }
        (code, _, error) = Cli.Run(dir, "show", "--model", "culture.zip");
        Assert.Equal(2, code);
        Assert.StartsWith("error: Cannot load model 'culture.zip': the zip does not hold a model ML.NET can decode: an entry is damaged (", error.TrimEnd());
    }
}
