namespace SparseAe.Convolution;

/// <summary>
/// An image that <see cref="PatchSampling"/> cuts patches from: <see cref="Height"/> x <see cref="Width"/>
/// floats, row-major (pixel in row y, column x at <c>y * Width + x</c>), and a name for error messages.
/// <c>SparseAe.Data.Images.GreyImage</c> is one; the rows of one array of equally sized images are
/// others (<see cref="PatchSampling.Sample(ReadOnlyMemory{float}, int, int, int, int, int, int)"/>).
/// </summary>
internal interface IPatchImage
{
    /// <summary>Columns.</summary>
    int Width { get; }

    /// <summary>Rows.</summary>
    int Height { get; }

    /// <summary>Width*Height values, row-major.</summary>
    ReadOnlySpan<float> Pixels { get; }

    /// <summary>Where the image came from (a file name, a row number), used in error messages.</summary>
    string Name { get; }
}
