using SparseAe.Model;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>AutoencoderEncoder's defaults: those of the training (<see cref="Defaults"/>).</summary>
public class AutoencoderEncoderTests
{
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
