namespace SparseAe.Mat.Tests;

/// <summary>Structs, cells and sparse matrices are listed, and asking them for numbers is a clear error.</summary>
public class NonNumericVariableTests
{
    private static readonly MatFile Mixed = MatFile.Read(MatFixtures.PathOf("v5_mixed_struct_cell.mat"));

    [Theory]
    [InlineData("meta", MatClass.Struct, "struct")]
    [InlineData("c", MatClass.Cell, "cell")]
    [InlineData("sp", MatClass.Sparse, "sparse")]
    public void A_non_numeric_variable_is_listed_but_refuses_numeric_access(string name, MatClass matClass, string className)
    {
        var variable = Mixed[name];
        Assert.Equal(matClass, variable.Class);
        Assert.False(variable.IsNumeric);

        foreach (Action ask in new Action[]
                 {
                     () => variable.ToDoubleArray(),
                     () => variable.ToSingleArray(),
                     () => variable.ToRowMajorDoubleArray(),
                     () => variable.GetStatistics(),
                     () => variable.GetColumnMajorData(),
                     () => variable.GetValue(0, 0),
                 })
        {
            var error = Assert.Throws<InvalidOperationException>(ask);
            Assert.Contains($"'{name}'", error.Message);
            Assert.Contains(className, error.Message);
        }
    }

    [Fact]
    public void Non_numeric_variables_keep_their_dimensions()
    {
        Assert.Equal(2, Mixed["sp"].Dimensions.Count);
        Assert.All(Mixed.Variables, v => Assert.NotEmpty(v.Dimensions));
    }

    [Fact]
    public void A_numeric_variable_next_to_them_still_reads()
    {
        Assert.True(Mixed["X"].IsNumeric);
        Assert.Equal(96, Mixed["X"].ToDoubleArray().Length);
    }

    [Fact]
    public void The_writer_refuses_non_numeric_variables()
    {
        var error = Assert.Throws<ArgumentException>(() => MatWriter.Write(new MemoryStream(), [Mixed["meta"]]));
        Assert.Contains("'meta'", error.Message);
        Assert.Contains("struct", error.Message);
    }
}
