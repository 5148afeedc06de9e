using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// The ML.NET-side inputs the fuzzer (tools/SparseAe.Fuzz) failed on. A damaged transformer entry must
/// be refused with an InvalidDataException from our loader (ML.NET wraps it); a zip ML.NET itself cannot
/// open fails in ML.NET before our code runs. See tools/SparseAe.Fuzz/findings/mlnet-*/README.md.
/// </summary>
public class FuzzRegressionTests
{
    private static string Folder(string target) => Path.Combine(AppContext.BaseDirectory, "FuzzFindings", target);

    public static TheoryData<string> EntryFindings()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Folder("mlnet-entry"), "*.entry").OrderBy(f => f)) data.Add(Path.GetFileName(f));
        return data;
    }

    public static TheoryData<string> ZipFindings()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Folder("mlnet-zip"), "*.zip").OrderBy(f => f)) data.Add(Path.GetFileName(f));
        return data;
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException) yield return x;
    }

    [Theory]
    [MemberData(nameof(EntryFindings))]
    public void A_damaged_transformer_entry_fails_to_load_and_our_loader_throws_only_InvalidDataException(string name)
    {
        // A saved autoencoder whose transformer entry is replaced by the finding's bytes.
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(30, 4));
        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", HiddenCount = 3, MaxIterations = 5 }).Fit(data);
        using var temp = new TempFolder();
        var path = Path.Combine(temp, "model.zip");
        ml.Model.Save(model, data.Schema, path);
        var finding = File.ReadAllBytes(Path.Combine(Folder("mlnet-entry"), name));
        ModelZip.RewriteAutoencoderEntry(path, _ => finding);
        var e = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));
        AssertOursIsInvalidData(e);
        // The header damage our loader sees (the model signature) must be reported by our loader.
        if (name.Contains("model-signature"))
            Assert.Contains(Chain(e), x => x is InvalidDataException && x.Message.Contains("entry of the model is damaged"));
    }

    // A frame of the library (not of this test) marks an exception thrown by our loader; ML.NET's own
    // checks of its entry header (the loader's assembly name, say) may fail before our loader runs.
    private static void AssertOursIsInvalidData(Exception e)
    {
        var ours = Chain(e).FirstOrDefault(x => x.StackTrace is { } t && System.Text.RegularExpressions.Regex.IsMatch(t, @"at SparseAe\.(?![\w.]*Tests\.)"));
        Assert.True(ours is null or InvalidDataException, $"our loader threw {ours?.GetType().Name}: {ours?.Message}");
    }

    [Theory]
    [MemberData(nameof(ZipFindings))]
    public void A_damaged_zip_fails_to_load_and_anything_our_loader_throws_is_InvalidDataException(string name)
    {
        // A -hang- finding is one ML.NET's Model.Load never returns on: not handed to it, but shown to be refused first by
        // LoadVerified, whose check the command line makes too (a damaged entry's CRC-32).
        if (name.Contains("-hang-"))
        {
            string path = Path.Combine(Folder("mlnet-zip"), name);
            Assert.StartsWith($"Cannot load model '{path}': ", Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadVerified(path, out _)).Message);
            return;
        }
        using var stream = File.OpenRead(Path.Combine(Folder("mlnet-zip"), name));
        AssertOursIsInvalidData(Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(stream, out _)));
    }
}
