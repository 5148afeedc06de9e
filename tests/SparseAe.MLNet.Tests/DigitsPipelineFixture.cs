using Microsoft.ML;
using SparseAe.LoadCheck;
using SparseAe.MLNet;
using SparseAe.Tests.Support;

namespace SparseAe.MLNet.Tests;

/// <summary>Trains the README's pipeline on the 8x8 digits once for the tests that need it.</summary>
public sealed class DigitsPipelineFixture() : DigitsPipeline(new SparseAutoencoderOptions { OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 100 });

/// <summary>
/// The digits' fixed split, an autoencoder of the given options ("Code" from "Features") and ML.NET's
/// SdcaMaximumEntropy on the code, fitted once (MLContext seed 1).
/// </summary>
public abstract class DigitsPipeline
{
    protected DigitsPipeline(SparseAutoencoderOptions options)
    {
        (Train, Test) = FreshProcess.DigitRows();
        Context = new MLContext(seed: 1);
        TrainView = Context.Data.LoadFromEnumerable(Train);
        var pipeline = Context.Transforms.SparseAutoencoder(options)
            .Append(Context.Transforms.Conversion.MapValueToKey("Label"))
            .Append(Context.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Code"));
        var chain = pipeline.Fit(TrainView);
        Model = chain;
        Autoencoder = (SparseAutoencoderTransformer)chain.First();
    }

    public MLContext Context { get; }
    public List<DigitRow> Train { get; }
    public List<DigitRow> Test { get; }
    public IDataView TrainView { get; }
    public ITransformer Model { get; }
    public SparseAutoencoderTransformer Autoencoder { get; }
}
