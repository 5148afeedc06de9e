using SparseAe.Data.Idx;
using SparseAe.Tests.Support;
using static SparseAe.Data.Tests.Idx.IdxFileTests;

namespace SparseAe.Data.Tests.Idx;

/// <summary>
/// What the XML docs (IntelliSense) of IdxFile, IdxImages and IdxLabelledImages say of each parameter, against what they refuse:
/// none of Read, Item or Image documented a parameter, so an index of Count or a null or empty path were met only as refusals.
/// </summary>
public class IdxDocsTests
{
    private const string Assembly = "SparseAe.Data";

    // Three 1x1 images and their three labels.
    private static readonly byte[] Images = Build(IdxDataType.UnsignedByte, [3, 1, 1], [0, 1, 2]);
    private static readonly byte[] Labels = Build(IdxDataType.UnsignedByte, [3], [7, 8, 9]);

    private static string Folder(string folder)
    {
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), Images);
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), Labels);
        return folder;
    }

    // Each index: the method, its owner of three items (made in the folder given), the call with index 3 (just outside) and 2 (the edge).
    public static TheoryData<string, Func<string, Action<int>>> Indices() => new()
    {
        { "M:SparseAe.Data.Idx.IdxFile.Item", _ => i => IdxFile.Read(new MemoryStream(Labels), "l").Item(i).ToArray() },
        { "M:SparseAe.Data.Idx.IdxImages.Image", t => { File.WriteAllBytes(Path.Combine(t, "i"), Images); var images = IdxImages.Read(Path.Combine(t, "i")); return i => images.Image(i); } },
        { "M:SparseAe.Data.Idx.IdxLabelledImages.Image", t => { var set = IdxLabelledImages.Read(Folder(t), "train"); return i => _ = set.Image(i).Length; } },
    };

    [Theory]
    [MemberData(nameof(Indices))]
    public void Each_index_documents_its_range(string method, Func<string, Action<int>> make)
    {
        const string rule = "index must be in [0, ";
        using var temp = new TempFolder();
        var at = make(temp.Path);
        Assert.Contains(rule, XmlDocs.Param(Assembly, method, "index"), StringComparison.Ordinal);
        foreach (int outside in new[] { 3, -1 })
        {
            var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => at(outside));
            Assert.Equal("index", refusal.ParamName);
            Assert.Contains(rule + "3), but is " + outside, refusal.Message, StringComparison.Ordinal);
        }
        at(2);
        at(0);
    }

    // The references Read takes: not null (and a path not empty), each refused by its name.
    public static TheoryData<string, string, Action> NotNull() => new()
    {
        { "M:SparseAe.Data.Idx.IdxFile.Read(System.String", "path", () => IdxFile.Read((string)null!) },
        { "M:SparseAe.Data.Idx.IdxFile.Read(System.String", "path", () => IdxFile.Read("") },
        { "M:SparseAe.Data.Idx.IdxFile.Read(System.IO.Stream", "stream", () => IdxFile.Read(null!, "n") },
        { "M:SparseAe.Data.Idx.IdxFile.Read(System.IO.Stream", "name", () => IdxFile.Read(new MemoryStream(Labels), null!) },
        { "M:SparseAe.Data.Idx.IdxImages.Read", "path", () => IdxImages.Read(null!) },
        { "M:SparseAe.Data.Idx.IdxImages.Read", "path", () => IdxImages.Read("") },
        { "M:SparseAe.Data.Idx.IdxLabelledImages.Read", "folder", () => IdxLabelledImages.Read(null!, "train") },
        { "M:SparseAe.Data.Idx.IdxLabelledImages.Read", "prefix", () => IdxLabelledImages.Read(".", null!) },
    };

    [Theory]
    [MemberData(nameof(NotNull))]
    public void Each_reference_documents_that_it_must_be_given(string method, string parameter, Action outside)
        => XmlDocs.AssertGiven(Assembly, method, parameter, outside);
}
