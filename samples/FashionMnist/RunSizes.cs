namespace FashionMnistSample;

/// <summary>How many images and iterations each step uses: the full run, or the quick check CI runs.</summary>
internal sealed record RunSizes(
    int SelectionTrainImages, int ValidationImages, int FinalTrainImages, int TestImages,
    int Patches, int AutoencoderIterations,
    int SelfTaughtUnlabeled, int SelfTaughtLabeled, int SelfTaughtTest, int SelfTaughtIterations)
{
    public static RunSizes For(bool quick, FashionData data) => quick
        ? new(2_000, 1_000, 4_000, Math.Min(2_000, data.Test.Count), 10_000, 100, 2_000, 2_000, 1_000, 100)
        : new(20_000, 10_000, data.Train.Count, data.Test.Count, 50_000, 400, 15_000, data.Train.Count, data.Test.Count, 300);

    /// <summary>The training images the run needs: the final training count, and selection and validation images apart.</summary>
    public int MinimumTrainImages => Math.Max(FinalTrainImages, SelectionTrainImages + ValidationImages);
}
