using SparseAe.Convolution;

namespace SparseAe;

/// <summary>
/// The one place where default settings live. The core's settings, the ML.NET options and catalog
/// methods, and the command line's help all read these values.
/// </summary>
/// <remarks>
/// The sparsity and decay defaults are UFLDL's (rho 0.01, beta 3, lambda 1e-4). Measured with an
/// independent float64 implementation (100 hidden units, 400 L-BFGS iterations), they give Gabor-like
/// edge filters on whitened natural-image patches (median Gabor-fit R^2 0.97) and 98.3% on the 8x8
/// digits followed by logistic regression. The seed TensorFlow code's rho 0.1, lambda 1e-5 give
/// noise-like filters on the same patches (R^2 0.41) and 97.8% on the digits; see README.md.
/// </remarks>
public static class Defaults
{
    /// <summary>Hidden units H: the design's 100-dimensional code.</summary>
    public const int HiddenCount = 100;

    /// <summary>Target mean activation rho of each hidden unit (UFLDL: 0.01).</summary>
    public const double SparsityTarget = 0.01;

    /// <summary>Weight beta of the sparsity penalty (UFLDL: 3).</summary>
    public const double SparsityWeight = 3.0;

    /// <summary>Weight decay lambda on W1 and W2, not on biases (UFLDL: 1e-4); on W1 alone for the sparse codes.</summary>
    public const double WeightDecay = 1e-4;

    /// <summary>The sparsity penalty: KL divergence toward rho, as in UFLDL.</summary>
    public const SparsityPenalty Penalty = SparsityPenalty.KLDivergence;

    /// <summary>The decoder: a sigmoid, as in UFLDL's sparse autoencoder exercise.</summary>
    public const DecoderKind Decoder = DecoderKind.Sigmoid;

    /// <summary>Optimizer: full-batch L-BFGS, the UFLDL way.</summary>
    public const OptimizerKind Optimizer = OptimizerKind.Lbfgs;

    /// <summary>The hidden units' activation: UFLDL's sigmoid.</summary>
    public const ActivationKind Activation = ActivationKind.Sigmoid;

    /// <summary>TopK: latents kept per row (the sparse-codes experiment's k on 64-float patches).</summary>
    public const int K = 8;

    /// <summary>
    /// ReLU: weight of the L1 penalty on the activations (times the decoder columns' norms, which the
    /// training keeps at 1). Chosen for inputs of about unit variance per value, such as whitened patches.
    /// </summary>
    public const double L1Weight = 0.1;

    /// <summary>
    /// Sparse codes: a latent that has not fired on any of the last this many training rows is dead
    /// (and TopK's AuxK term gives it a gradient), counted in whole mini-batches: one that fires on any
    /// row of a mini-batch counts as firing on its last row.
    /// </summary>
    public const int DeadLatentWindow = 10_000;

    /// <summary>
    /// JumpReLU: weight of the L0 penalty (the mean count of active latents per row). Measured on the
    /// embedded whitened patches (<c>--normalize standard</c>, 256 latents, 30 epochs of 1,024): 0.03 gives
    /// L0 37, 0.3 gives L0 11 (FVU 0.09).
    /// </summary>
    public const double L0Weight = 0.3;

    /// <summary>
    /// JumpReLU: the straight-through estimator's bandwidth epsilon and the thresholds' start, for inputs
    /// of unit variance per value. Rajamanoharan et al. 2024 use 0.001 for both, with billions of
    /// training tokens; at a few hundred Adam steps the log-thresholds cannot climb that far (Adam moves
    /// each by about the learning rate a step, and log(0.001) is 6 below the pre-activations' scale) and a
    /// window of 0.001 holds few pre-activations: measured on the embedded patches, L0 stayed at 97 of
    /// 256 whatever the L0 weight. With 0.05 and 0.1 the thresholds train (L0 37 to 11 as above).
    /// </summary>
    public const double JumpBandwidth = 0.05, JumpInitialThreshold = 0.1;

    /// <summary>TopK: weight of the AuxK term (Gao et al. 2024, section 2.4 and appendix A.2: 1/32).</summary>
    public const double AuxKWeight = 1.0 / 32;

    /// <summary>
    /// TopK's AuxK where none is given: the power of two nearest V/2 (Gao et al. 2024, appendix A.2:
    /// "k_aux as a power of two close to d_model/2"; the smaller of two equally near: 256 for V = 768),
    /// at least 1 and at most H.
    /// </summary>
    public static int AuxKFor(int visibleCount, int hiddenCount)
    {
        int p = 1;
        while (p * 2 <= Math.Max(1, visibleCount / 2)) p *= 2;
        if (p * 2 - visibleCount / 2.0 < visibleCount / 2.0 - p) p *= 2;
        return Math.Clamp(p, 1, hiddenCount);
    }

    /// <summary>
    /// The decoder an activation trains with where none is chosen: UFLDL's sigmoid for the sigmoid, a
    /// linear decoder for the sparse codes (their latents add up, as in Gao et al. and Bricken et al.).
    /// </summary>
    public static DecoderKind DecoderFor(ActivationKind activation) => activation == ActivationKind.Sigmoid ? Decoder : DecoderKind.Linear;

    /// <summary>
    /// The optimizer an activation trains with where none is chosen: L-BFGS for the smooth sigmoid
    /// model, Adam for the sparse codes (whose costs are not smooth and whose dead-latent count is
    /// kept across mini-batches).
    /// </summary>
    public static OptimizerKind OptimizerFor(ActivationKind activation) => activation == ActivationKind.Sigmoid ? Optimizer : OptimizerKind.Adam;

    /// <summary>L-BFGS iterations (UFLDL's exercise: 400).</summary>
    public const int MaxIterations = 400;

    /// <summary>L-BFGS correction pairs kept (minFunc's default, which UFLDL used: 100).</summary>
    public const int LbfgsMemory = 100;

    /// <summary>L-BFGS stops when the largest gradient component is at most this (exit GradientTolerance; minFunc's optTol).</summary>
    public const double GradientTolerance = 1e-5;

    /// <summary>
    /// L-BFGS stops when the cost changes by less than this in one iteration (exit FunctionTolerance), or when
    /// no parameter moved by more than this in one (exit StepTolerance): both are minFunc's progTol.
    /// </summary>
    public const double FunctionTolerance = 1e-9;

    /// <summary>Adam: passes over the data.</summary>
    public const int Epochs = 20;

    /// <summary>Adam: rows per mini-batch.</summary>
    public const int BatchSize = 256;

    /// <summary>Adam: step size.</summary>
    public const double LearningRate = 0.01;

    /// <summary>Adam: rows held in the streaming shuffle pool (64-float rows: 16 MB).</summary>
    public const int ShufflePoolRows = 65_536;

    /// <summary>
    /// Seed of the weight initialisation, patch sampling and the Adam shuffle where no MLContext gives
    /// one (the command line, the core's trainers). The ML.NET options default to null: the seed then
    /// comes from the MLContext, as ML.NET's own trainers do.
    /// </summary>
    public const int Seed = 1;

    /// <summary>ZCA whitening: the regulariser added to each covariance eigenvalue (UFLDL's exercises: 0.1).</summary>
    public const double ZcaEpsilon = 0.1;

    /// <summary>The command line's training patches: side in pixels (UFLDL's sparse autoencoder exercise: 8 x 8).</summary>
    public const int PatchSize = 8;

    /// <summary>The command line's training patches: how many are sampled (UFLDL's exercise: 10,000).</summary>
    public const int Patches = 10_000;

    /// <summary>The command line's photographs (embedded, --images): reduced by this factor (a 2 x 2 box average) before
    /// whitening, which would otherwise amplify their pixel noise and JPEG block artifacts into noise-like filters.</summary>
    public const int PhotographDownsample = 2;

    /// <summary>Convolutional featurizer: patches sampled from the training images to fit ZCA and the autoencoder.</summary>
    public const int ConvolutionPatches = 50_000;

    /// <summary>Convolutional featurizer: patch side in pixels.</summary>
    public const int ConvolutionPatchSize = 8;

    /// <summary>Convolutional featurizer: pixels between neighbouring positions.</summary>
    public const int ConvolutionStride = 1;

    /// <summary>Convolutional featurizer: pooling regions per side (2 x 2 quadrants, as Coates et al.).</summary>
    public const int ConvolutionPoolGrid = 2;

    /// <summary>Convolutional featurizer: codes summed over each pooling region (Coates, Lee and Ng 2011).</summary>
    public const PoolingKind ConvolutionPooling = PoolingKind.Sum;

    /// <summary>
    /// Convolutional featurizer: UFLDL's patch normalisation (mean removed, clipped, rescaled to [0.1, 0.9]),
    /// the range the sigmoid decoder reconstructs.
    /// </summary>
    public const PatchNormalizationKind ConvolutionNormalization = PatchNormalizationKind.Ufldl;

    /// <summary>
    /// Convolutional featurizer: contrast normalisation's epsilon, added to each patch's variance so that a
    /// nearly flat patch is not divided by almost zero (for pixels in [0, 1]).
    /// </summary>
    public const double ConvolutionContrastEpsilon = 0.01;

    /// <summary>Convolutional featurizer: the features are the autoencoder's own sigmoid code, H per region.</summary>
    public const FeatureEncodingKind ConvolutionEncoding = FeatureEncodingKind.Sigmoid;

    /// <summary>Convolutional featurizer: the soft-threshold encoding's alpha (Coates and Ng 2011 use 0.25 on whitened patches).</summary>
    public const double ConvolutionSoftThreshold = 0.25;

    /// <summary>Token counts: the tokenizer's encoding, by name (tiktoken's GPT-4 encoding, whose data the component ships with).</summary>
    public const string TokenEncoding = "cl100k_base";

    /// <summary>
    /// Token counts: the vocabulary's size limit, the most frequent token ids seen at Fit (scikit-learn's
    /// <c>max_features</c> plays the same part; 8,192 slots keep a sparse row cheap to train on).
    /// </summary>
    public const int MaximumTokens = 8_192;

    /// <summary>Token counts: raw counts, the bag of words as it is.</summary>
    public const TokenWeighting TokenCountsWeighting = TokenWeighting.Counts;

    /// <summary>Token counts: rows are not scaled to unit length unless asked.</summary>
    public const bool NormalizeTokenCounts = false;

    /// <summary>Worker threads; 0 means one per logical processor this process may use.</summary>
    public const int Threads = 0;

    /// <summary>The most worker threads a setting may ask for (the thread pool publishes a call's count in 16 bits).</summary>
    public const int MaxThreads = 65_535;

    /// <summary>Resolves <see cref="Threads"/>-style settings (0 = Environment.ProcessorCount, the logical processors this process may use) to a thread count.</summary>
    internal static int ResolveThreads(int threads) => threads <= 0 ? Environment.ProcessorCount : threads;
}

/// <summary>Which penalty pushes the hidden activations toward sparsity.</summary>
public enum SparsityPenalty
{
    /// <summary>beta * sum_j KL(rho || rhoHat_j), the UFLDL penalty.</summary>
    KLDivergence = 0,

    /// <summary>beta * (1/m) * sum_ij |h_ij|, an L1 penalty on the activations.</summary>
    L1 = 1,
}

/// <summary>The decoder's output: y = sigmoid(W2 h + b2), or y = W2 h + b2.</summary>
public enum DecoderKind
{
    /// <summary>y = sigmoid(W2 h + b2): reconstructs values in [0, 1] (UFLDL's sparse autoencoder).</summary>
    Sigmoid = 0,

    /// <summary>y = W2 h + b2: reconstructs any real values (UFLDL's linear decoder).</summary>
    Linear = 1,
}

/// <summary>
/// The hidden units' activation. The sigmoid is UFLDL's model; the others are today's sparse codes
/// (linear decoder with unit-norm columns, the decoder bias subtracted from the input before encoding,
/// exact zeros in the code).
/// </summary>
public enum ActivationKind
{
    /// <summary>h = sigmoid(W1 x + b1), UFLDL's sparse autoencoder (KL or L1 penalty toward rho).</summary>
    Sigmoid = 0,

    /// <summary>h = max(0, W1 (x - b2) + b1), with an L1 penalty on h (Bricken et al. 2023).</summary>
    ReLU = 1,

    /// <summary>h = ReLU of the K largest pre-activations, zero elsewhere (Gao et al. 2024), with the AuxK term.</summary>
    TopK = 2,

    /// <summary>
    /// h_j = z_j where z_j &gt; theta_j, else 0, with a learned threshold theta_j per latent and an L0
    /// penalty trained through a straight-through estimator (Rajamanoharan et al. 2024).
    /// </summary>
    JumpReLU = 3,
}

/// <summary>How the parameters are optimised.</summary>
public enum OptimizerKind
{
    /// <summary>L-BFGS over the whole training set held in memory.</summary>
    Lbfgs = 0,

    /// <summary>Mini-batch Adam streaming shuffled epochs; the data need not fit in memory.</summary>
    Adam = 1,
}

/// <summary>What a token-count slot holds for a row.</summary>
public enum TokenWeighting
{
    /// <summary>tf, the times the token occurs in the row.</summary>
    Counts = 0,

    /// <summary>
    /// log(1 + tf) * idf, with idf = ln((1 + N) / (1 + df)) + 1 over the N rows seen at Fit, df of them
    /// holding the token (scikit-learn's smooth idf).
    /// </summary>
    LogTfIdf = 1,
}
