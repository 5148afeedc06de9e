namespace SparseAe.Training;

/// <summary>The seed of one pass (epoch) of a training, from the training's seed.</summary>
/// <remarks>
/// Not <c>HashCode.Combine</c>: .NET randomises it per process, so two processes with the same seed
/// shuffled differently and trained different models. This is SplitMix64's finaliser (Steele, Lea and
/// Flood 2014, "Fast splittable pseudorandom number generators") over the seed and the pass: the same
/// in every process, every runtime version and on every CPU, and neighbouring passes get unrelated seeds.
/// </remarks>
internal static class PassSeeds
{
    public static int For(int seed, int pass)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32 | (uint)pass) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }
}
