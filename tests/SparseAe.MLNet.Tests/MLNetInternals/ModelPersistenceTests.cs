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
