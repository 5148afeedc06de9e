using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.MLNet.Tests.Convolution;

public class ConvolutionalFeaturizerEstimatorTests
{
    public sealed class Image
    {
        [VectorType(784)]
        public float[] Pixels { get; set; } = new float[784];
    }

    // More images than one array holds (Array.MaxLength / 784 = 2,739,110 of 28x28) passed the memory check where the
    // machine had the 9.4 GB it counted: the read then took an 8.6 GB array for the first 2,739,110 images and refused
    // only after reading them all. A view that says its count is refused before any image is read, as ZCA and L-BFGS
    // refuse more rows than they hold before their memory check. (Images within one array and their patches take at
    // most 17 GB, so the memory check of a said count, which comes next, cannot be made to fail here: 2 billion images,
    // the test of it, now meet this limit first.)
    [Fact]
    public void Images_more_than_one_array_holds_are_refused_before_any_is_read()
    {
        var ml = new MLContext(seed: 1);
        var one = ml.Data.LoadFromEnumerable(new[] { new Image() });
        var estimator = ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            InputColumnName = "Pixels", OutputColumnName = "Features", ImageHeight = 28, ImageWidth = 28, PatchSize = 8, PatchCount = 1000,
        });
        var e = Assert.Throws<InvalidOperationException>(() => estimator.Fit(new HugeView(one, 3_000_000)));
        Assert.Equal($"Column 'Pixels' has 3000000 images of 784 pixels, more than the {Array.MaxLength / 784} one array holds; pass a sample of them.", e.Message);
    }
}
