namespace SparseAe.Mat.Tests;

public class MatClassTests
{
    [Fact]
    public void Class_names_round_trip_and_others_are_user_classes()
    {
        foreach (var matClass in new[] { MatClass.Double, MatClass.Single, MatClass.Int8, MatClass.UInt64, MatClass.Logical, MatClass.Char, MatClass.Cell, MatClass.Struct })
            Assert.Equal(matClass, MatClassNames.FromMatlabName(matClass.ToMatlabName()));
        Assert.Equal(MatClass.Object, MatClassNames.FromMatlabName("containers.Map"));
    }

    [Fact]
    public void A_null_class_name_is_refused_not_taken_for_a_user_class()
    {
        // It was MatClass.Object, as if null were the name of a user-defined class.
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => MatClassNames.FromMatlabName(null!)).ParamName);
    }
}
