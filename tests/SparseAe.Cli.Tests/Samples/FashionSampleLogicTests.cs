using FashionMnistSample;
using Microsoft.ML;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Cli.Tests.Samples;

/// <summary>
/// The Fashion-MNIST sample's logic that decides what it prints, tested in this process: its data checks (FashionData.cs),
/// its sizes (RunSizes.cs), its command line (SampleArguments.cs), its classifier's figures (LinearClassifier.cs) and the
/// ONNX label agreement's edges (LabelAgreement.cs).
/// </summary>
public class FashionSampleLogicTests
{
    private static FashionImage Image(int label, float pixel = 0)
    {
        var pixels = new float[FashionImage.Side * FashionImage.Side];
        pixels[0] = pixel;
        return new FashionImage { Pixels = pixels, Label = label };
    }

    [Fact]
    public void The_absent_class_is_the_first_class_with_no_image_or_minus_1()
    {
        Assert.Equal(-1, FashionData.AbsentClass(Enumerable.Range(0, 10).Reverse().Select(c => Image(c))));
        Assert.Equal(3, FashionData.AbsentClass(new[] { 0, 1, 2, 4, 5, 6, 8, 9 }.Select(c => Image(c))));
        Assert.Equal(0, FashionData.AbsentClass([]));
    }

    [Fact]
    public void A_label_beyond_9_and_an_image_not_28_by_28_are_refused_by_name()
    {
        using var dir = new TempFolder();
        string data = dir.NewFolder();
        FashionMnistSampleTests.WriteSet(data, "train", 20, lastLabel: 10);
        FashionMnistSampleTests.WriteSet(data, "t10k", 10);
        Assert.Equal($"The train set in '{data}': label 19 is 10; Fashion-MNIST labels are 0..9.",
                     Assert.Throws<InvalidDataException>(() => FashionData.Load(data)).Message);
        FashionMnistSampleTests.WriteSet(data, "train", 20);
        FashionMnistSampleTests.WriteSet(data, "t10k", 10, width: 27);
        Assert.Equal($"The t10k set in '{data}' holds 28x27 images; Fashion-MNIST's are 28x28.",
                     Assert.Throws<InvalidDataException>(() => FashionData.Load(data)).Message);
        FashionMnistSampleTests.WriteSet(data, "t10k", 10, height: 27);
        Assert.Equal($"The t10k set in '{data}' holds 27x28 images; Fashion-MNIST's are 28x28.",
                     Assert.Throws<InvalidDataException>(() => FashionData.Load(data)).Message);
        FashionMnistSampleTests.WriteSet(data, "t10k", 10);
        var loaded = FashionData.Load(data);
        Assert.Equal((20, 10), (loaded.Train.Count, loaded.Test.Count));
        Assert.Equal(9, loaded.Train[19].Label);
    }

    [Fact]
    public void The_run_needs_the_final_training_images_or_the_selection_and_validation_images_apart_whichever_is_more()
    {
        static FashionData Data(int train) => new(Enumerable.Range(0, train).Select(i => Image(i % 10)).ToList(), [Image(0)]);
        Assert.Equal(4_000, RunSizes.For(true, Data(60_000)).MinimumTrainImages);          // 4,000 final against 2,000 + 1,000
        Assert.Equal(60_000, RunSizes.For(false, Data(60_000)).MinimumTrainImages);        // all 60,000 against 20,000 + 10,000
        Assert.Equal(30_000, RunSizes.For(false, Data(25_000)).MinimumTrainImages);        // 25,000 against 30,000
    }

    [Fact]
    public void The_arguments_default_to_debians_folder_and_the_output_folder_and_quick_is_off()
    {
        Assert.Equal(new SampleArguments("/usr/share/datasets/fashion-mnist", "fashion-mnist-output", false), SampleArguments.Parse([]));
        Assert.Equal(new SampleArguments("d", "o", true), SampleArguments.Parse(["--quick", "--output-dir", "o", "--data-dir", "d"]));
    }

    [Fact]
    public void The_classifiers_accuracy_is_the_share_of_images_right_and_its_counts_are_by_class_value()
    {
        // Trained on class 1 (pixel 0 at 1) listed before class 0 (pixel 0 at 0); tested on three class-0 images and a class-1
        // image that looks like class 0. By hand: 3 of 4 right, accuracy 0.75 (the mean of the classes' recalls would be 0.5),
        // counts, rows true class 0 then 1: [3, 0], [1, 0].
        var ml = new MLContext(seed: 1);
        var classifier = new LinearClassifier(ml, 1);
        var train = Enumerable.Range(0, 40).Select(i => i < 20 ? Image(1, 1 + i % 3 * 0.01f) : Image(0, i % 3 * 0.01f)).ToList();
        var model = classifier.Pipeline("Pixels", 1e-3, train.Count).Fit(ml.Data.LoadFromEnumerable(train));
        var test = ml.Data.LoadFromEnumerable(new[] { Image(0), Image(0, 0.01f), Image(0, 0.02f), Image(1, 0.01f) });
        var (accuracy, counts) = classifier.Evaluate(model, test);
        Assert.Equal(0.75, accuracy, 12);
        Assert.Equal(new double[][] { [3, 0], [1, 0] }, counts.Select(r => r.ToArray()).ToArray());
        Assert.Equal(0.75, classifier.Accuracy(model, test), 12);
    }

    [Fact]
    public void The_classifiers_l2_is_per_row_so_the_same_images_twice_give_the_same_model()
    {
        // ML.NET sums the loss over the rows and adds L2 / 2 * ||w||^2: with L2 = L2PerRow * rows, every image given twice
        // doubles both terms and leaves the minimum where it was (the probabilities agreed to the last bit here). A strong
        // L2PerRow (0.5) keeps them well inside (0, 1) (0.73 for the first); an L2 of 0.5 not scaled by the rows took it to
        // 0.979 on the 40 images and 0.989 on the 80.
        var ml = new MLContext(seed: 1);
        var classifier = new LinearClassifier(ml, 1);
        var once = Enumerable.Range(0, 40).Select(i => Image(i % 2, i % 2 + i % 5 * 0.1f)).ToList();
        var twice = once.Concat(once).ToList();
        var test = ml.Data.LoadFromEnumerable(new[] { Image(0, 0.2f), Image(1, 0.9f), Image(0, 0.7f) });
        float[] Probabilities(List<FashionImage> train) =>
            ml.Data.CreateEnumerable<Scored>(classifier.Pipeline("Pixels", 0.5, train.Count).Fit(ml.Data.LoadFromEnumerable(train)).Transform(test),
                reuseRowObject: false).SelectMany(r => r.Score).ToArray();
        var a = Probabilities(once);
        var b = Probabilities(twice);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) < 1e-4, $"probability {i}: {a[i]} once, {b[i]} twice");
        Assert.InRange(a.Min(), 0.05f, 0.95f);
    }

    private sealed class Scored
    {
        public float[] Score { get; set; } = [];
    }

    [Fact]
    public void The_confusion_matrix_gives_each_rows_recall_and_0_for_a_class_with_no_image()
    {
        // By hand: class 0, 3 of 4 right: 0.7500; class 1, 2 of 2: 1.0000; class 2, no image: 0.0000.
        var w = new StringWriter();
        Report.ConfusionMatrix(w, [[3, 1, 0], [0, 2, 0], [0, 0, 0]], ["a", "b", "c"]);
        var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(["0.7500", "1.0000", "0.0000"], lines[2..].Select(l => l[^6..]));
        Assert.Equal("0 a              3     1     0  0.7500", lines[2]);
    }

    private static readonly float[] Labels = [0, 1, 2, 3];

    [Fact]
    public void A_near_tie_is_within_1e_4_inclusive_for_any_slot_and_not_beyond()
    {
        // Slot 0's label excused like any other (Array.IndexOf's 0 is a slot, -1 is none).
        Assert.True(LabelAgreement.Agrees(2, 0, [0.45f, 0.1f, 0.45005f, 0], Labels));
        // 5e-4 apart: not a near tie.
        Assert.False(LabelAgreement.Agrees(2, 1, [0.0f, 0.4995f, 0.5f, 0.0005f], Labels));
        // Exactly the best minus NearTie (in float): within.
        float best = 0.5f, edge = best - LabelAgreement.NearTie;
        Assert.True(LabelAgreement.Agrees(2, 1, [0, edge, best, 0], Labels));
        Assert.False(LabelAgreement.Agrees(2, 1, [0, MathF.BitDecrement(edge), best, 0], Labels));
    }
}
