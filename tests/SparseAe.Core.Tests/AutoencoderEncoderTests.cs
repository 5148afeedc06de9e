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
        Assert.StartsWith($"The parameter at index 9 of theta is {value}; every parameter must be finite.", e.Message);
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
}
