using Microsoft.ML;
using SparseAe.LoadCheck;
using SparseAe.MLNet;
using SparseAe.Tests.Support;

namespace SparseAe.MLNet.Tests;

/// <summary>Trains the README's pipeline on the 8x8 digits once for the tests that need it.</summary>
public sealed class DigitsPipelineFixture
{
    public DigitsPipelineFixture()
    {
        (Train, Test) = FreshProcess.DigitRows();
        Context = new MLContext(seed: 1);
        TrainView = Context.Data.LoadFromEnumerable(Train);
        var pipeline = Context.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 100)
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
