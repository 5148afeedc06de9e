namespace WordNetSupersensesSample;

/// <summary>How big each step is: the full run, or the quick check CI runs.</summary>
internal sealed record RunSizes(int? TrainRows, int? TestRows, int Vocabulary, int[] CodeSizes, int Epochs, double LearningRate, int LdaIterations,
    int FewerLabelsCode, int[] Labelled)
{
    public const int BatchSize = 256;
    public const int Threads = 2;

    /// <summary>TopK's K for a code of <paramref name="hidden"/> latents: one latent in 16, at least 8.</summary>
    public static int K(int hidden) => Math.Max(8, hidden / 16);

    // Quick mode's smallest labelled part is 1,000 rows: at 250 the held-out fifth that (f) and (f') choose
    // on is 50 rows, and their choices followed the code's last bits: on one Zen 4 (2026-12-06) the AVX2 and
    // 128-bit paths (DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0) made (f) choose another weight and (f')
    // another L2 than AVX-512, moving (f')'s macro-F1 by 0.06-0.08, beyond CI's tolerance of 0.05.
    public static RunSizes For(bool quick) => quick
        ? new(4_000, 1_000, 2_048, [64, 256], 30, 0.002, 100, 256, [1_000])
        : new(null, null, 8_192, [64, 256], 6, 0.002, 100, 1_024, [1_000, 4_000]);
}
