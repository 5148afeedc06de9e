using BenchmarkDotNet.Attributes;
using SparseAe.Benchmarking;
using SparseAe.Kernels;

namespace SparseAe.Benchmarks;

/// <summary>The two matrix products and the sigmoid at the objective's 128-row block shapes (V = 64, H = 100).</summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private const int M = 128, V = 64, H = 100;
    private float[] _x = [], _w = [], _z = [], _gw = [], _z1 = [], _a = [];

    [GlobalSetup]
    public void Setup()
    {
        _x = BenchData.Rows(M, V, 1);
        _w = BenchData.Rows(H, V, 2);
        _z = new float[M * H];
        _gw = new float[V * H];
        _z1 = BenchData.Rows(M, 104, 3);
        _a = new float[M * 104];
    }

    /// <summary>Z = X W1^T: (128,64) by (64,100), 1.64 MFLOP.</summary>
    [Benchmark]
    public void MultiplyAB() => MatrixKernels.MultiplyAB(_x, _w, _z, M, V, H);

    /// <summary>dW1^T-shaped A^T B: (64,128) by (128,100), 1.64 MFLOP.</summary>
    [Benchmark]
    public void MultiplyAtB() => MatrixKernels.MultiplyAtB(_x, _z, _gw, M, V, H);

    /// <summary>The hidden layer's sigmoid over a block: 128 rows of 104 (H padded to whole AVX2 vectors).</summary>
    [Benchmark]
    public void Sigmoid() => VectorKernels.Sigmoid(_z1, _a);
}
