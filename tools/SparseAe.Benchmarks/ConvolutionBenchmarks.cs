using BenchmarkDotNet.Attributes;
using SparseAe.Benchmarking;
using SparseAe.Convolution;
using SparseAe.Model;
using SparseAe.Whitening;

namespace SparseAe.Benchmarks;

/// <summary>
/// Convolutional featurisation of one 28x28 image with the Fashion-MNIST sample's chosen featurizer:
/// 8x8 patches at stride 1 (21 x 21 = 441 positions), contrast normalisation, ZCA, 400 hidden units,
/// 3x3 sum pooling. Per image: ZCA 441 x 64 x 64 x 2 = 3.6 MFLOP, encoder 441 x 64 x 400 x 2 = 22.6 MFLOP.
/// </summary>
[MemoryDiagnoser]
public class ConvolutionBenchmarks
{
    private ConvolutionalFeaturizer _sigmoid = null!, _soft = null!;
    private ConvolutionalFeaturizer.Workspace _sigmoidWorkspace = null!, _softWorkspace = null!;
    private float[] _image = [], _features = [];

    [GlobalSetup]
    public void Setup()
    {
        _image = BenchData.Rows(1, 28 * 28, 1);
        var patches = BenchData.Rows(2000, 64, 2);
        var zca = ZcaWhitening.Fit(patches, 2000, 64, 0.1);
        var p = ParameterInitializer.Initialize(64, 400, 1);
        var geometry = new ConvolutionGeometry(28, 28, 8, 1, 3);
        var preprocessor = new PatchPreprocessor(PatchNormalizationKind.Contrast, 0.01, zca);
        _sigmoid = new ConvolutionalFeaturizer(geometry, preprocessor, p, PoolingKind.Sum);
        _soft = new ConvolutionalFeaturizer(geometry, preprocessor, p, PoolingKind.Sum, new FeatureEncoding(FeatureEncodingKind.SoftThreshold, 0.25));
        _sigmoidWorkspace = _sigmoid.CreateWorkspace();
        _softWorkspace = _soft.CreateWorkspace();
        _features = new float[_soft.FeatureCount];
    }

    [Benchmark]
    public void SigmoidCode() => _sigmoid.Featurize(_image, _features.AsSpan(0, _sigmoid.FeatureCount), _sigmoidWorkspace);

    [Benchmark]
    public void SoftThreshold() => _soft.Featurize(_image, _features, _softWorkspace);
}
