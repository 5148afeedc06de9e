namespace SparseAe.Mat.Tests;

public class ColumnMajorLayoutTests
{
    [Fact]
    public void A_matrix_converts_to_row_major()
    {
        // MATLAB [1 3 5; 2 4 6] is stored down the columns as 1..6.
        double[] columnMajor = [1, 2, 3, 4, 5, 6];
        Assert.Equal([1.0, 3, 5, 2, 4, 6], ColumnMajorLayout.ToRowMajor(columnMajor, [2, 3]));
        Assert.Equal(columnMajor, ColumnMajorLayout.ToColumnMajor([1.0, 3, 5, 2, 4, 6], [2, 3]));
    }

    [Fact]
    public void The_linear_index_puts_the_first_subscript_fastest()
    {
        int[] dims = [4, 3, 2];
        Assert.Equal(0, ColumnMajorLayout.LinearIndex(dims, [0, 0, 0]));
        Assert.Equal(1, ColumnMajorLayout.LinearIndex(dims, [1, 0, 0]));
        Assert.Equal(4, ColumnMajorLayout.LinearIndex(dims, [0, 1, 0]));
        Assert.Equal(12, ColumnMajorLayout.LinearIndex(dims, [0, 0, 1]));
        Assert.Equal(23, ColumnMajorLayout.LinearIndex(dims, [3, 2, 1]));
    }

    [Fact]
    public void Four_dimensional_reordering_matches_the_index_formulas()
    {
        int[] dims = [2, 3, 4, 5];
        var columnMajor = Enumerable.Range(0, 120).Select(i => (double)i).ToArray();
        var rowMajor = ColumnMajorLayout.ToRowMajor(columnMajor, dims);
        for (int a = 0; a < 2; a++)
        for (int b = 0; b < 3; b++)
        for (int c = 0; c < 4; c++)
        for (int d = 0; d < 5; d++)
        {
            long rowMajorIndex = ((a * 3 + b) * 4 + c) * 5 + d;
            Assert.Equal(columnMajor[ColumnMajorLayout.LinearIndex(dims, [a, b, c, d])], rowMajor[rowMajorIndex]);
        }
        Assert.Equal(columnMajor, ColumnMajorLayout.ToColumnMajor(rowMajor, dims));
    }

    [Fact]
    public void GetValue_uses_MATLAB_subscript_order()
    {
        var variable = MatVariable.FromDoubles("v", [2, 3, 2], Enumerable.Range(0, 12).Select(i => (double)i).ToArray());
        Assert.Equal(1 + 2 * 2 + 1 * 6, variable.GetValue(1, 2, 1));
        Assert.Equal(ColumnMajorLayout.ToRowMajor(variable.ToDoubleArray(), variable.Dimensions), variable.ToRowMajorDoubleArray());
    }

    [Fact]
    public void Bad_subscripts_are_explained()
    {
        int[] dims = [2, 3];
        var outOfRange = Assert.Throws<ArgumentOutOfRangeException>(() => ColumnMajorLayout.LinearIndex(dims, [0, 3]));
        Assert.Contains("Subscript 1 is 3", outOfRange.Message);
        var wrongCount = Assert.Throws<ArgumentException>(() => ColumnMajorLayout.LinearIndex(dims, [0]));
        Assert.Contains("1 subscripts", wrongCount.Message);
    }

    [Fact]
    public void Dimensions_that_describe_no_array_are_refused_as_ElementCount_refuses_them()
    {
        // A negative dimension let any subscript through ((uint)-1 is above all): [-1] with subscript 5 gave index 5.
        var negative = Assert.Throws<ArgumentException>(() => ColumnMajorLayout.LinearIndex([-1], [5]));
        Assert.Equal("dimensions", negative.ParamName);
        Assert.Contains("Dimension 0 is -1", negative.Message);
        // More than long.MaxValue elements: the index wrapped around, 12884901886 for the last page's element.
        int max = int.MaxValue;
        var overflowing = Assert.Throws<ArgumentException>(() => ColumnMajorLayout.LinearIndex([max, max, max], [1, 1, max - 1]));
        Assert.Equal("dimensions", overflowing.ParamName);
    }

    [Fact]
    public void Data_longer_than_its_dimensions_is_refused_not_cut()
    {
        var error = Assert.Throws<ArgumentException>(() => ColumnMajorLayout.ToRowMajor(new double[7], [2, 3]));
        Assert.Equal("source", error.ParamName);
        Assert.StartsWith("The data has 7 elements but the dimensions [2, 3] describe 6.", error.Message);
        Assert.Throws<ArgumentException>(() => ColumnMajorLayout.ToColumnMajor(new double[7], [2, 3]));
    }

    [Fact]
    public void A_linear_index_beyond_int_range_is_exact()
    {
        // The stride of the third dimension is 2^32: an index computed in 32 bits would be 0.
        Assert.Equal(1L << 32, ColumnMajorLayout.LinearIndex([65536, 65536, 2], [0, 0, 1]));
        Assert.Equal((1L << 33) - 1, ColumnMajorLayout.LinearIndex([65536, 65536, 2], [65535, 65535, 1]));
    }
}
