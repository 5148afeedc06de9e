using System.Runtime.InteropServices;

namespace SparseAe.Mat.Tests;

public class DenseArrayConversionTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(300)]   // whole vectors and a tail on every vector width
    public void Uint8_storage_of_a_logical_becomes_true_wherever_a_byte_is_not_zero(int length)
    {
        var stored = Enumerable.Range(0, length).Select(i => (byte)(i * 37 % 256)).ToArray();
        var logical = (bool[])DenseArrayConversion.ConvertToClass(stored, MatClass.Logical);
        Assert.Equal(stored.Select(b => b != 0), logical);
        // Each bool is a proper 0 or 1 byte, whatever the stored value was (a bool of 2 would compare badly).
        Assert.All(MemoryMarshal.AsBytes(logical.AsSpan()).ToArray(), b => Assert.True(b <= 1));
    }
}
