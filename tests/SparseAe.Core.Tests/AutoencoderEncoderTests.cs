using SparseAe.Model;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>AutoencoderEncoder's defaults: those of the training (<see cref="Defaults"/>).</summary>
public class AutoencoderEncoderTests
{
    // A NaN or infinite weight made every code NaN (or the whole code 0.5 but one unit) without a word; the
    // writers and ZcaWhitening.FromParts refuse such values, and so does the encoder now, naming the index.
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void An_encoder_refuses_a_non_finite_parameter(float value)
    {
        var p = new AutoencoderParameters(4, 2);
        p.Theta[9] = value;
        var e = Assert.Throws<ArgumentException>(() => new AutoencoderEncoder(p));
        Assert.Equal("parameters", e.ParamName);
        Assert.StartsWith($"The parameter W2[0, 1] (index 9 of theta) is {value}; every parameter must be finite.", e.Message);
    }

    // A JumpReLU log-threshold above ln(float.MaxValue), about 88.72, is finite but its threshold exp(t) is +Infinity:
    // the latent's code was 0 on every row without a word (training stops on such a threshold, CheckLastUpdate).
    [Fact]
    public void An_encoder_refuses_a_JumpReLU_threshold_beyond_float()
    {
        var p = new AutoencoderParameters(4, 2, hasThresholds: true);
        p.LogThresholds[1] = 89f;
        var e = Assert.Throws<ArgumentException>(() => new AutoencoderEncoder(p, activation: ActivationKind.JumpReLU));
        Assert.Equal("parameters", e.ParamName);
        Assert.StartsWith("The log-threshold of latent 1 is 89, so its threshold exp(89) is beyond float; every threshold must be finite.", e.Message);
        p.LogThresholds[1] = 88.7f;   // exp(88.7) = 3.3e38, a float: accepted
        Assert.Equal(2, new AutoencoderEncoder(p, activation: ActivationKind.JumpReLU).Thresholds.Length);
    }

    // Thresholds with another activation were ignored: the sigmoid (the default) returned sigmoid(W1 x + b1), a dense
    // code without the pre-encoder bias, for a JumpReLU model's parameters, without a word.
    [Theory]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.TopK)]
    public void An_encoder_refuses_JumpReLU_thresholds_with_another_activation(ActivationKind activation)
    {
        var p = new AutoencoderParameters(4, 2, hasThresholds: true);
        var e = Assert.Throws<ArgumentException>(() => new AutoencoderEncoder(p, activation: activation, k: 1));
        Assert.Equal("parameters", e.ParamName);
        Assert.StartsWith($"These parameters hold JumpReLU log-thresholds (AutoencoderParameters.HasThresholds), but the activation is {activation}; give ActivationKind.JumpReLU, the activation they were trained with.", e.Message);
    }

    // A negative row count is named with its own rule; it was "A batch of -1 rows needs x of -8 and codes of -4 values".
    [Fact]
    public void EncodeBatch_refuses_a_negative_row_count_with_its_rule()
    {
        var encoder = new AutoencoderEncoder(new AutoencoderParameters(4, 2));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => encoder.EncodeBatch(new float[4], -1, new float[2]));
        Assert.Equal("rows", e.ParamName);
        Assert.StartsWith("rows must be at least 0, but is -1.", e.Message);
    }

    // A NaN input is a missing code for every activation: TopK's selection alone gave K NaN among zeros, JumpReLU's
    // comparisons zeros (MLNet's BadInputTests check it through Transform; this is the encoder's own rule).
    [Theory]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.TopK)]
    [InlineData(ActivationKind.JumpReLU)]
    public void A_NaN_input_gives_a_row_of_NaN_codes_in_Encode_and_EncodeBatch(ActivationKind activation)
    {
        var p = activation == ActivationKind.JumpReLU
            ? ParameterInitializer.InitializeSparseCode(4, 8, 3, [0.5f, 0.1f, 0.9f, 0.3f], thresholds: true)
            : ParameterInitializer.Initialize(4, 8, 3);
        var encoder = new AutoencoderEncoder(p, activation: activation, k: 2);
        float[] x = [float.NaN, 0, 0, 0];
        var code = new float[8];
        encoder.Encode(x, code);
        Assert.All(code, c => Assert.True(float.IsNaN(c)));
        var codes = new float[8];
        encoder.EncodeBatch(x, 1, codes);
        Assert.All(codes, c => Assert.True(float.IsNaN(c)));
    }

    // EncodeBatch keeps its block of pre-activations per thread, from encoder to encoder: a narrower encoder's block must
    // grow for a wider one's (a check of the block's rows alone, not rows x width, let the wider one run past it). On a
    // thread of its own, so no earlier test has grown the block already.
    [Fact]
    public void EncodeBatch_of_a_wide_encoder_after_a_narrow_one_on_one_thread_gives_the_codes_Encode_gives()
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var narrow = new AutoencoderEncoder(ParameterInitializer.Initialize(16, 4, 1));
                var wide = new AutoencoderEncoder(ParameterInitializer.Initialize(16, 200, 2));
                var random = new Random(5);
                var x = new float[128 * 16];
                for (int i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
                narrow.EncodeBatch(x, 128, new float[128 * 4]);
                var codes = new float[128 * 200];
                wide.EncodeBatch(x, 128, codes);
                var code = new float[200];
                for (int r = 0; r < 128; r++)
                {
                    wide.Encode(x.AsSpan(r * 16, 16), code);
                    for (int j = 0; j < 200; j++) Assert.Equal(code[j], codes[r * 200 + j], 1e-6f);
                }
            }
            catch (Exception e) { failure = e; }
        });
        thread.Start();
        thread.Join();
        Assert.Null(failure);
    }

    // k is TopK's alone, as documented: a sigmoid, ReLU or JumpReLU encoder given k 0 was refused "K must be at least 1".
    // TopK keeps its rule.
    [Fact]
    public void K_is_ignored_by_the_activations_that_do_not_keep_the_top_k()
    {
        var p = ParameterInitializer.Initialize(4, 3, 1);
        Assert.Equal(ActivationKind.Sigmoid, new AutoencoderEncoder(p, activation: ActivationKind.Sigmoid, k: 0).Activation);
        Assert.Equal(ActivationKind.ReLU, new AutoencoderEncoder(p, activation: ActivationKind.ReLU, k: -5).Activation);
        Assert.Equal("K", Assert.Throws<ArgumentOutOfRangeException>(() => new AutoencoderEncoder(p, activation: ActivationKind.TopK, k: 0)).ParamName);
        Assert.Equal("K", Assert.Throws<ArgumentOutOfRangeException>(() => new AutoencoderEncoder(p, activation: ActivationKind.TopK, k: 4)).ParamName);
    }

    // EncodeBatch's block of rows: 128 rows of a code wider than 16,777,215 units passed one array (refused as "length",
    // naming no code). The block holds at most 2^24 floats and at least one row, so each row's offset fits an int.
    [Theory]
    [InlineData(16, 128)]
    [InlineData(131_072, 128)]
    [InlineData(131_088, 127)]
    [InlineData(16_777_216, 1)]
    [InlineData(20_000_000, 1)]
    [InlineData(int.MaxValue, 1)]
    public void A_batchs_block_of_rows_stays_within_one_array_for_any_code_width(int paddedHidden, int rows)
    {
        Assert.Equal(rows, AutoencoderEncoder.BlockRows(paddedHidden));
        Assert.True((long)rows * paddedHidden <= Math.Max(1 << 24, paddedHidden));
    }

    [Fact]
    public void Without_a_decoder_it_takes_the_activations_as_training_does()
    {
        Assert.Equal(Defaults.Decoder, new AutoencoderEncoder(ParameterInitializer.Initialize(6, 4, 1)).Decoder);
        Assert.Equal(Defaults.Activation, new AutoencoderEncoder(ParameterInitializer.Initialize(6, 4, 1)).Activation);
        var first = Enumerable.Range(0, 8 * 6).Select(i => (float)(i % 3)).ToArray();
        foreach (var activation in new[] { ActivationKind.ReLU, ActivationKind.TopK })
        {
            // A sparse code's decoder is linear (Defaults.DecoderFor): the sigmoid written here was refused.
            var encoder = new AutoencoderEncoder(ParameterInitializer.InitializeSparseCode(6, 4, 1, first), activation: activation, k: 2);
            Assert.Equal(Defaults.DecoderFor(activation), encoder.Decoder);
        }
    }

    // ReconstructionError's decoder runs through the encoder's row product over W2^T padded to whole vectors (it was V dot
    // products of H values): against its naive float64 twin, (1/V) sum_i (f(sum_j W2[i, j] code_j + b2_i) - x_i)^2, at
    // sizes that fill no whole vector (V 3, 17; H 1, 33), fill them (64, 100 as the seed experiment), and both decoders.
    [Theory]
    [InlineData(3, 1, DecoderKind.Sigmoid)]
    [InlineData(17, 33, DecoderKind.Sigmoid)]
    [InlineData(64, 100, DecoderKind.Sigmoid)]
    [InlineData(17, 33, DecoderKind.Linear)]
    [InlineData(64, 100, DecoderKind.Linear)]
    [InlineData(130, 7, DecoderKind.Linear)]
    // A sparse code decodes from its nonzero latents alone: TopK's K of H, ReLU's and JumpReLU's positive ones.
    [InlineData(64, 100, DecoderKind.Linear, ActivationKind.TopK)]
    [InlineData(17, 33, DecoderKind.Linear, ActivationKind.ReLU)]
    [InlineData(17, 33, DecoderKind.Linear, ActivationKind.JumpReLU)]
    public void The_reconstruction_error_is_its_naive_twin_s(int v, int h, DecoderKind decoder, ActivationKind activation = ActivationKind.Sigmoid)
    {
        var rng = new Random(7);
        var first = Enumerable.Range(0, 4 * v).Select(_ => (float)rng.NextDouble()).ToArray();
        var p = activation == ActivationKind.Sigmoid ? ParameterInitializer.Initialize(v, h, 3)
            : ParameterInitializer.InitializeSparseCode(v, h, 3, first, thresholds: activation == ActivationKind.JumpReLU);
        for (int i = 0; i < p.B2.Length; i++) p.B2[i] = (float)(rng.NextDouble() - 0.5);   // a bias the product must add
        var encoder = new AutoencoderEncoder(p, decoder, activation, k: 5);
        var x = Enumerable.Range(0, v).Select(_ => (float)rng.NextDouble()).ToArray();
        var code = new float[h];
        encoder.Encode(x, code);
        if (activation != ActivationKind.Sigmoid) Assert.InRange(code.Count(c => c != 0), 1, h - 1);   // a code with zeros, and not all zero
        double expected = 0;
        for (int i = 0; i < v; i++)
        {
            double z = p.B2[i];
            for (int j = 0; j < h; j++) z += (double)p.W2[i * h + j] * code[j];
            double y = decoder == DecoderKind.Sigmoid ? 1 / (1 + Math.Exp(-z)) : z;
            expected += (y - x[i]) * (y - x[i]);
        }
        expected /= v;
        var scratch = new float[v];
        float error = encoder.ReconstructionError(x, code, scratch);
        Assert.True(Math.Abs(error - expected) <= 1e-5 * expected + 1e-7, $"error {error}, its float64 twin {expected}");
    }
}
