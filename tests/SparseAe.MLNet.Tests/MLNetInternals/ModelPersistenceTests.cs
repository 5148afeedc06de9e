using Microsoft.ML;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests.MLNetInternals;

/// <summary>The framing of our entries in an ML.NET model zip: ML.NET's header, the i32 byte count, the checksummed block.</summary>
public sealed class ModelPersistenceTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void A_byte_count_a_little_above_its_block_is_refused_as_damaged_naming_both_lengths()
    {
        // The count still lies within the entry (ML.NET's string table and assembly name follow the block), so the block
        // read whole and ML.NET's own end-of-model check failed with .NET's bare "One of the identified items was in an invalid format."
        using var temp = new TempFolder();
        var path = SaveSmallModel(temp);
        int declared = 0;
        ModelZip.RewriteAutoencoderEntry(path, entry =>
        {
            int at = ModelZip.IndexOfMagic(entry) - 4;
            declared = BitConverter.ToInt32(entry, at) + 1;
            BitConverter.TryWriteBytes(entry.AsSpan(at), declared);
            return entry;
        });
        var e = Assert.Throws<InvalidDataException>(() => Unwrapped(() => new MLContext().Model.Load(path, out _)));
        Assert.Equal($"The sparse autoencoder entry of the model is damaged: it declares a {declared}-byte block, but its block ends after {declared - 1} bytes.", e.Message);
    }

    [Fact]
    public void An_entry_version_newer_than_this_build_reads_says_a_newer_SparseAe_wrote_it()
    {
        // ML.NET's header versions of our entries (0x00010001 today) are ours to raise. A model from a build that raised them
        // was refused as "damaged", quoting ML.NET's "ML.NET 1.0.0.0 cannont read component ... the model is too new".
        using var temp = new TempFolder();
        var path = SaveSmallModel(temp);
        ModelZip.RewriteAutoencoderEntry(path, entry =>
        {
            // ModelHeader: ModelVerWritten at 0x48, ModelVerReadable at 0x4C.
            BitConverter.TryWriteBytes(entry.AsSpan(0x48), 0x00010003u);
            BitConverter.TryWriteBytes(entry.AsSpan(0x4C), 0x00010002u);
            return entry;
        });
        var e = Assert.Throws<InvalidDataException>(() => Unwrapped(() => new MLContext().Model.Load(path, out _)));
        Assert.Equal("The sparse autoencoder entry of the model was written by a newer SparseAe (entry version 0x00010003, readable from 0x00010002); " +
            "this library reads entry versions up to 0x00010001. Upgrade SparseAe to load it.", e.Message);
    }

    // What a fitted transformer reports of its fit travels in the model: ZCA's TrainingRows (the rows, or the sample of them,
    // it was fitted on) and the featurizer's TrainingPatches (the patches its autoencoder was trained on). Save wrote, and Load
    // read, each transformer's weights and columns, which every round trip compared, but no test read these back: a Save that
    // wrote another count (or a Load that dropped it) reported a fit the model never had.
    [Fact]
    public void A_loaded_ZCA_and_featurizer_report_the_rows_and_patches_they_were_fitted_on()
    {
        using var temp = new TempFolder();
        var rows = _ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(40, 2));
        var zca = _ml.Transforms.ZcaWhitening("White", "Features", epsilon: 0.1, maximumRows: 30, seed: 4).Fit(rows);
        Assert.Equal(30, zca.TrainingRows);
        var loadedZca = Assert.IsType<ZcaWhiteningTransformer>(SavedAndLoaded(zca, rows, Path.Combine(temp, "zca.zip")));
        Assert.Equal(zca.TrainingRows, loadedZca.TrainingRows);

        var images = _ml.Data.LoadFromEnumerable(ConvolutionComponentTests.Bars(30, 2));
        var options = ConvolutionComponentTests.Options();
        options.PatchCount = 321;
        var featurizer = _ml.Transforms.ConvolutionalSparseFeatures(options).Fit(images);
        Assert.Equal(321, featurizer.TrainingPatches);
        var loadedFeaturizer = Assert.IsType<ConvolutionalFeaturizerTransformer>(SavedAndLoaded(featurizer, images, Path.Combine(temp, "conv.zip")));
        Assert.Equal(featurizer.TrainingPatches, loadedFeaturizer.TrainingPatches);
    }

    private ITransformer SavedAndLoaded(ITransformer model, IDataView data, string path)
    {
        _ml.Model.Save(model, data.Schema, path);
        return new MLContext().Model.Load(path, out _);
    }

    private string SaveSmallModel(TempFolder temp)
    {
        var data = _ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(30, 4));
        var model = _ml.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 3, maxIterations: 5).Fit(data);
        var path = Path.Combine(temp, "model.zip");
        _ml.Model.Save(model, data.Schema, path);
        return path;
    }

    // ML.NET calls the loader by reflection: its exception arrives inside a TargetInvocationException.
    private static void Unwrapped(Action load)
    {
        try { load(); }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null) { throw e.InnerException; }
    }
}
