namespace SparseAe.Visualization.Tests;

/// <summary>
/// FilterGridLayout's public constructor: it took any eight numbers, so Columns 0 made TileLeft and TileTop
/// throw DivideByZeroException, and negative or inconsistent sizes gave tiles outside the picture. It holds
/// them to the rules <see cref="FilterGridLayout.Create"/> lays out, naming the parameter, the rule and the value.
/// </summary>
public class FilterGridLayoutTests
{
    // Create(4, 2, 2, 1): 2 x 2 tiles of 2 x 2 pixels, scale 1, 7 x 7 pixels.
    private static readonly int[] Valid = [4, 2, 2, 2, 2, 1, 7, 7];
    private static readonly string[] Names = ["HiddenCount", "PatchHeight", "PatchWidth", "Columns", "Rows", "Scale", "Width", "Height"];

    private static FilterGridLayout Make(int[] a) => new(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);

    [Fact]
    public void The_constructor_takes_what_Create_makes()
        => Assert.Equal(FilterGridLayout.Create(4, 2, 2, 1), Make(Valid));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, -1)]
    [InlineData(2, 0)]
    [InlineData(3, 0)]
    [InlineData(3, -2)]
    [InlineData(4, 0)]
    [InlineData(5, 0)]
    [InlineData(6, -7)]
    [InlineData(7, 0)]
    public void A_size_below_1_is_refused_naming_it(int field, int value)
    {
        var a = (int[])Valid.Clone();
        a[field] = value;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Make(a));
        Assert.Equal(Names[field], e.ParamName);
        Assert.Equal(value, e.ActualValue);
        Assert.StartsWith($"{Names[field]} must be at least 1, but is {value}.", e.Message);
    }

    [Fact]
    public void Fewer_cells_than_hidden_units_are_refused()
    {
        // 2 x 1 cells for 4 units: units 2 and 3 had tiles below the picture.
        var e = Assert.Throws<ArgumentException>(() => new FilterGridLayout(4, 2, 2, 2, 1, 1, 7, 4));
        Assert.Equal("Rows", e.ParamName);
        Assert.StartsWith("Columns * Rows must be at least HiddenCount = 4, but is 2 * 1 = 2.", e.Message);
    }

    [Fact]
    public void A_width_or_height_that_is_not_the_layouts_is_refused()
    {
        var w = Assert.Throws<ArgumentException>(() => new FilterGridLayout(4, 2, 2, 2, 2, 1, 8, 7));
        Assert.Equal("Width", w.ParamName);
        Assert.StartsWith("Width must be Scale * (Columns * (PatchWidth + 1) + 1) = 1 * (2 * (2 + 1) + 1) = 7, but is 8.", w.Message);
        var h = Assert.Throws<ArgumentException>(() => new FilterGridLayout(4, 2, 2, 2, 2, 3, 21, 7));
        Assert.Equal("Height", h.ParamName);
        Assert.StartsWith("Height must be Scale * (Rows * (PatchHeight + 1) + 1) = 3 * (2 * (2 + 1) + 1) = 21, but is 7.", h.Message);
    }

    [Fact]
    public void Sizes_whose_product_overflows_int_are_refused_not_wrapped()
    {
        var e = Assert.Throws<ArgumentException>(() => new FilterGridLayout(1, 1, int.MaxValue, 1, 1, int.MaxValue, int.MaxValue, 3));
        Assert.Equal("Width", e.ParamName);
    }

    // A grid of 5 units has cells for 6 or more: a cell past the last unit is no unit, and its place is refused.
    [Fact]
    public void A_unit_past_the_last_has_no_tile()
    {
        var layout = FilterGridLayout.Create(5, 4, 4, 4);
        Assert.True(layout.Columns * layout.Rows > 5, $"{layout.Columns}x{layout.Rows}");
        Assert.StartsWith("hiddenUnit must lie in 0..4, but is 5.", Assert.Throws<ArgumentOutOfRangeException>(() => layout.TileLeft(5)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.TileTop(5));
        layout.TileLeft(4);
    }
}
