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

    // The featurizer holds every image it fits on and read them without a memory check: 300,000 images of 28x28 under a
    // 512 MB heap limit ended in a bare OutOfMemoryException in the read. A view that says how many images it has is
    // now refused before any is read, with the sizes and what to lower (here 2 billion images, 6.3 TB).
    [Fact]
    public void Images_too_many_to_hold_in_memory_are_refused_before_any_is_read()
    {
        var ml = new MLContext(seed: 1);
        var one = ml.Data.LoadFromEnumerable(new[] { new Image() });
        var estimator = ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            InputColumnName = "Pixels", OutputColumnName = "Features", ImageHeight = 28, ImageWidth = 28, PatchSize = 8, PatchCount = 1000,
        });
        var e = Assert.Throws<InsufficientMemoryException>(() => estimator.Fit(new HugeView(one, 2_000_000_000)));
        Assert.StartsWith("The convolutional featurizer's fit on 2000000000 images of 28x28 (the images in one array, beside 1000 patches of 64 values) needs about 6272.", e.Message);
        Assert.EndsWith("; fit on fewer images (a sample: mlContext.Data.TakeRows or ShuffleRows then TakeRows) or lower PatchCount (now 1000).", e.Message);
    }
}
