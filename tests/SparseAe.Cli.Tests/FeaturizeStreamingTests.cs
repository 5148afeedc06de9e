using Xunit;
using static SparseAe.Cli.Tests.ModelCommandTests;

namespace SparseAe.Cli.Tests;

/// <summary>featurize over CSVs larger than memory, from standard input and to standard output, and show to standard output.</summary>
public class FeaturizeStreamingTests
{
    [Fact]
    public void Featurize_streams_rows_so_a_CSV_larger_than_memory_is_featurized_from_a_zip_and_from_a_graph()
    {
        // featurize held every value and every feature: a 48 MB CSV under a 64 MB heap was "error: CSV 'big.csv'
        // (48000000 bytes) does not fit in memory", and more features than one array holds were refused.
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "model.onnx").ExitCode);
        string row = string.Join(',', Enumerable.Range(0, 16).Select(i => $"0.{1 + i % 8}"));
        File.WriteAllText(Path.Combine(dir, "one.csv"), row + "\n");
        File.WriteAllText(Path.Combine(dir, "big.csv"), string.Concat(Enumerable.Repeat(row + "\n", 750_000)));   // 48 MB
        foreach (var model in new[] { "model.zip", "model.onnx" })
        {
            Assert.Equal(0, Cli.Run(dir, "featurize", "--model", model, "--csv", "one.csv", "--out", "one-features.csv").ExitCode);
            string expected = File.ReadLines(Path.Combine(dir, "one-features.csv")).Last();
            var start = Cli.StartInfo(dir, "featurize", "--model", model, "--csv", "big.csv", "--out", "f.csv");
            start.Environment["DOTNET_GCHeapHardLimit"] = "0x4000000";   // 64 MB
            var (code, output, error) = Cli.Run(start);
            Assert.True(code == 0, $"{model}: exit {code}: {error}\n{output}");
            Assert.Contains("wrote f.csv: 750000 rows of 6 features", output);
            int lines = 0;
            foreach (var line in File.ReadLines(Path.Combine(dir, "f.csv")))
            {
                if (lines++ == 0) Assert.Equal("h0,h1,h2,h3,h4,h5", line);
                else if (line != expected) Assert.Fail($"{model}: line {lines} is \"{line}\", not the first row's features \"{expected}\"");
            }
            Assert.Equal(750_001, lines);
        }
    }

    // Finite values far beyond the training rows' scale (3e38) overflow the encoder's float products: inf - inf gave NaN
    // features (a ReLU's, Infinity), which featurize wrote with exit 0, into a file that train --csv refuses to read.
    // (ONNX Runtime's products of this row happen to stay finite: its codes are 0 and 1; the check serves both paths.)
    [Fact]
    public void Features_that_are_not_finite_from_finite_values_are_refused_naming_the_row_and_the_old_output_kept()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        var lines = File.ReadLines(csv).Take(5).ToList();
        var fields = lines[3].Split(',');
        for (int i = 0; i < fields.Length; i++) fields[i] = i % 2 == 0 ? "3E+38" : "-3E+38";
        lines[3] = string.Join(',', fields);
        File.WriteAllLines(Path.Combine(dir, "huge.csv"), lines);
        File.WriteAllText(Path.Combine(dir, "f.csv"), "old");
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "huge.csv", "--out", "f.csv");
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.Matches(@"^error: row 4 of 'huge.csv' gives the feature h\d = (NaN|-?Infinity), though its values are finite: the model's float arithmetic " +
            @"overflowed on them, which values far beyond the scale of its training rows do; give rows prepared as those were " +
            @"\(sparseae train --save-rows writes them\)\. --out 'f.csv' is left as it was\.$", error.TrimEnd());
        Assert.Equal("old", File.ReadAllText(Path.Combine(dir, "f.csv")));
        Assert.Empty(Directory.GetFiles(dir, ".f.csv.*"));
    }

    // featurize streams: a bad value is found while the features before it are being written. Nothing of
    // them reaches --out, from a zip or from a graph, and no temporary file is left.
    [Fact]
    public void A_bad_value_late_in_the_CSV_stops_featurize_naming_its_line_and_keeps_the_old_output()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "model.onnx").ExitCode);
        var lines = Enumerable.Repeat(File.ReadLines(csv).First(), 9000).ToArray();
        var fields = lines[8000].Split(',');
        fields[3] = "abc";
        lines[8000] = string.Join(',', fields);
        File.WriteAllLines(Path.Combine(dir, "late.csv"), lines);
        foreach (var model in new[] { "model.zip", "model.onnx" })
        {
        File.WriteAllText(Path.Combine(dir, "f.csv"), "old");
            var (code, output, error) = Cli.Run(dir, "featurize", "--model", model, "--csv", "late.csv", "--out", "f.csv");
            Assert.True(code == 2, $"{model}: exit {code}: {error}\n{output}");
            Assert.Equal("error: CSV 'late.csv' line 8001, column 4: \"abc\" is not a number; every value must be a number in the invariant culture (e.g. 0.25 or 1.5E-3).", error.TrimEnd());
            Assert.Equal("old", File.ReadAllText(Path.Combine(dir, "f.csv")));
            Assert.Empty(Directory.GetFiles(dir, ".f.csv.*"));
        }
    }

    // --csv /dev/stdin: the check that the file is text read the pipe's first 4 KiB, and the CSV reader then
    // began in the middle of a line ("Input column 'Features' must be a vector of 16 Single values ... but has
    // 6"). The file is now opened once, its first bytes checked and then read again from memory.
    [Fact]
    public void A_CSV_piped_to_standard_input_is_featurized_as_the_file_is_and_trained_on()
    {
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "model.onnx").ExitCode);
        string text = File.ReadAllText(csv);
        Assert.True(text.Length > 3 * 4096, "the pipe holds more than the check's 4 KiB");
        foreach (var model in new[] { "model.zip", "model.onnx" })
        {
            Assert.Equal(0, Cli.Run(dir, "featurize", "--model", model, "--csv", "in.csv", "--out", "file.csv").ExitCode);
            var (code, output, error) = Cli.Run(Cli.StartInfo(dir, "featurize", "--model", model, "--csv", "/dev/stdin", "--out", "pipe.csv"), text);
            Assert.True(code == 0, $"{model}: exit {code}: {error}\n{output}");
            Assert.Contains("wrote pipe.csv: 50 rows of 6 features", output);
            Assert.Equal(File.ReadAllText(Path.Combine(dir, "file.csv")), File.ReadAllText(Path.Combine(dir, "pipe.csv")));
        }
        var (trained, said, why) = Cli.Run(Cli.StartInfo(dir, "train", "--csv", "/dev/stdin", "--hidden", "6", "--iterations", "2", "--model", "piped.zip"), text);
        Assert.True(trained == 0, $"train: exit {trained}: {why}\n{said}");
        Assert.Contains("training a 16-6-16 sparse autoencoder on 50 ", said);
    }

    // --model /dev/stdin (or <(unzip -p ...)): the zip check sought to the pipe's start, "internal error: NotSupportedException:
    // Stream does not support seeking.", exit 1, in show, featurize and export-onnx. A pipe is now read into memory first.
    [Fact]
    public void A_model_zip_piped_to_standard_input_is_used_as_the_file_is_and_a_bad_one_named()
    {
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        var zip = File.ReadAllBytes(Path.Combine(dir, "model.zip"));
        Assert.Equal(0, Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", "in.csv", "--out", "file.csv").ExitCode);
        Assert.Equal(0, Cli.Run(dir, "export-onnx", "--model", "model.zip", "--out", "file.onnx").ExitCode);
        var runs = new[]
        {
            (new[] { "featurize", "--model", "/dev/stdin", "--csv", "in.csv", "--out", "pipe.csv" }, "file.csv", "pipe.csv"),
            (["export-onnx", "--model", "/dev/stdin", "--out", "pipe.onnx"], "file.onnx", "pipe.onnx"),
            (["show", "--model", "/dev/stdin", "--filters", "pipe.png"], null, "pipe.png"),
        };
        foreach (var (args, file, pipe) in runs)
        {
            var (code, output, error) = Cli.Run(Cli.StartInfo(dir, args), zip);
            Assert.True(code == 0, $"{args[0]}: exit {code}: {error}\n{output}");
            if (file is not null) Assert.Equal(File.ReadAllBytes(Path.Combine(dir, file)), File.ReadAllBytes(Path.Combine(dir, pipe)));
            else Assert.True(new FileInfo(Path.Combine(dir, pipe)).Length > 0);
            var (bad, _, why) = Cli.Run(Cli.StartInfo(dir, args), "junk");
            Assert.Equal(2, bad);
            Assert.Equal("error: Cannot load model '/dev/stdin': it is not a zip archive, which a saved ML.NET model is (its first bytes are 6A756E6B; a zip's are 504B).", why.TrimEnd());
        }
    }

    [Fact]
    public void A_CSV_that_does_not_fit_in_memory_for_training_is_said_in_one_line_not_as_an_internal_error()
    {
        // train --csv holds every value: "internal error: OutOfMemoryException: Exception of type
        // 'System.OutOfMemoryException' was thrown." (exit 1).
        using var dir = new TempFolder();
        File.WriteAllText(Path.Combine(dir, "big.csv"), string.Concat(Enumerable.Repeat(string.Join(',', Enumerable.Repeat("0.5", 16)) + "\n", 750_000)));
        File.WriteAllText(Path.Combine(dir, "model.zip"), "old");
        var start = Cli.StartInfo(dir, "train", "--csv", "big.csv", "--hidden", "6", "--iterations", "2");
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x4000000";   // 64 MB
        var (code, output, error) = Cli.Run(start);
        Assert.True(code == 2, $"exit {code}: {error}\n{output}");
        Assert.StartsWith("error: CSV 'big.csv' (48000000 bytes) does not fit in memory: ", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Equal("old", File.ReadAllText(Path.Combine(dir, "model.zip")));
    }

    [Fact]
    public void Features_written_to_standard_output_are_data_and_the_note_goes_to_standard_error()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        // /dev/stdout was renamed over: "internal error: Could not find file '/proc/self/fd/.pipe...tmp'".
        var (code, output, error) = Cli.Run(dir, "featurize", "--model", "model.zip", "--csv", csv, "--out", "/dev/stdout");
        Assert.True(code == 0, $"exit {code}: {error}");
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal(51, lines.Length);
        Assert.Equal("h0,h1,h2,h3,h4,h5", lines[0]);
        Assert.Contains("wrote /dev/stdout: 50 rows of 6 features", error);
    }

    // Standard output over a file: sparseae opened /dev/stdout anew, which starts at the file's first byte, so `>> log.csv`
    // wrote the features over the log's first lines (its later lines left after them), and `{ echo "# run"; sparseae ...; }
    // > f` over the shell's line. They go where standard output stands now, and what the shell writes after them follows.
    [Fact]
    public void Features_to_standard_output_over_a_file_are_appended_where_it_stands_not_written_over_its_start()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var temp = new TempFolder();
        var (dir, csv) = TrainSmall(temp);
        File.WriteAllText(Path.Combine(dir, "log.csv"), string.Concat(Enumerable.Range(1, 200).Select(i => $"old line {i}\n")));
        var start = new System.Diagnostics.ProcessStartInfo("bash") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("dotnet \"$0\" featurize --model model.zip --csv \"$1\" --out /dev/stdout >> log.csv && "
            + "{ echo '# run'; dotnet \"$0\" featurize --model model.zip --csv \"$1\" --out /dev/stdout; echo '# end'; } > run.csv");
        start.ArgumentList.Add(Cli.Path);
        start.ArgumentList.Add(csv);
        var (code, _, error) = Cli.Run(start);
        Assert.True(code == 0, $"exit {code}: {error}");
        var log = File.ReadAllLines(Path.Combine(dir, "log.csv"));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => $"old line {i}"), log[..200]);
        Assert.Equal("h0,h1,h2,h3,h4,h5", log[200]);
        Assert.Equal(251, log.Length);
        var run = File.ReadAllLines(Path.Combine(dir, "run.csv"));
        Assert.Equal(["# run", "h0,h1,h2,h3,h4,h5"], run[..2]);
        Assert.Equal(log[200..], run[1..^1]);
        Assert.Equal("# end", run[^1]);
    }

    [Fact]
    public void Features_piped_to_a_reader_that_stops_early_end_quietly_as_a_tool_that_SIGPIPE_ends()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        // 200,000 rows, far more than a pipe holds, so that featurize writes on after head has gone.
        File.WriteAllLines(Path.Combine(dir, "big.csv"), Enumerable.Repeat(string.Join(',', Enumerable.Repeat("0.5", 16)), 200_000));
        var start = new System.Diagnostics.ProcessStartInfo("bash") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("dotnet \"$0\" featurize --model model.zip --csv big.csv --out /dev/stdout | head -n 2; echo \"exit ${PIPESTATUS[0]}\"");
        start.ArgumentList.Add(Cli.Path);
        var (_, output, error) = Cli.Run(start);
        // It said "error: Broken pipe : '/dev/stdout'" and exited 2, as for bad data.
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("h0,h1,h2,h3,h4,h5", lines[0]);
        Assert.Equal("exit 141", lines[2]);
        Assert.Equal("", error);
    }

    [Fact]
    public void A_filter_grid_written_to_standard_output_is_the_PNG_alone_and_the_note_goes_to_standard_error()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var temp = new TempFolder();
        var (dir, _) = TrainSmall(temp);
        // The note followed the PNG on standard output ("...IEND\xaeB`\x82wrote /dev/stdout: 6 filters of 4x4"),
        // and over a file redirection it overwrote the PNG's first bytes.
        var (code, output, error) = Cli.Run(dir, "show", "--model", "model.zip", "--filters", "/dev/stdout");
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.DoesNotContain("wrote", output);
        Assert.True(output.StartsWith("\uFFFDPNG", StringComparison.Ordinal), "standard output is not the PNG alone");
        Assert.Contains("wrote /dev/stdout: 6 filters of 4x4", error);
    }
}
