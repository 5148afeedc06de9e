using BenchmarkDotNet.Running;

// dotnet run -c Release --project tools/SparseAe.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(SparseAe.Benchmarks.KernelBenchmarks).Assembly).Run(args);
