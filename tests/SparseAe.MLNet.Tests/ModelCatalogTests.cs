using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// mlContext.Model.LoadVerified: a whole model zip loads as Model.Load loads it; anything else is refused naming the file
/// and what is wrong, before ML.NET is given it (ML.NET's Load never returned on a damaged Schema entry).
/// </summary>
public class ModelCatalogTests
{
    private static (MLContext Ml, IDataView Data, string Path) SavedModel(TempFolder temp)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(40, seed: 3));
        var model = ml.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 5, maxIterations: 20).Fit(data);
        string path = Path.Combine(temp, "model.zip");
        ml.Model.Save(model, data.Schema, path);
        return (ml, data, path);
    }

    private static float[][] Codes(ITransformer model, IDataView data) => model.Transform(data).GetColumn<float[]>("Code").ToArray();

    // A stream that cannot seek, as a network response is.
    private sealed class Forward(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }

    [Fact]
    public void A_whole_model_loads_as_Load_loads_it_from_a_file_a_stream_or_one_that_cannot_seek()
    {
        using var temp = new TempFolder();
        var (ml, data, path) = SavedModel(temp);
        var expected = Codes(ml.Model.Load(path, out var expectedSchema), data);

        var fromFile = ml.Model.LoadVerified(path, out var schema);
        Assert.Equal(expected, Codes(fromFile, data));
        Assert.Equal(expectedSchema.Select(c => (c.Name, c.Type)), schema.Select(c => (c.Name, c.Type)));

        using (var stream = File.OpenRead(path))
            Assert.Equal(expected, Codes(ml.Model.LoadVerified(stream, out _), data));
        using (var forward = new Forward(File.ReadAllBytes(path)))
            Assert.Equal(expected, Codes(ml.Model.LoadVerified(forward, out _), data));
    }

    // The fuzzer's finding, on which ML.NET's Model.Load never returned: refused. Run with a time limit, so that a check
    // that let it through fails here rather than hanging the test run (ML.NET's thread then spins on in the background).
    [Fact]
    public async Task A_damaged_Schema_entry_is_refused_by_name_where_Load_never_returned()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "FuzzFindings", "mlnet-zip", "schema-crc-hang-mlnet.zip");
        var load = Task.Run(() => new MLContext().Model.LoadVerified(path, out _));
        Assert.Same(load, await Task.WhenAny(load, Task.Delay(TimeSpan.FromMinutes(2))));
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => load);
        Assert.Equal($"Cannot load model '{path}': its entry 'Schema' is damaged: its data's CRC-32 is 97736989, but the zip records 8ED3ED57; " +
            "a saved model is a whole zip: copy or save it again.", e.Message);
        using var stream = File.OpenRead(path);
        Assert.StartsWith("Cannot load the model in the stream: its entry 'Schema' is damaged: ",
            Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadVerified(stream, out _)).Message);
    }

    // .NET's zip reader reads a seekable stream whole whatever its position, and so does the check: a model saved into a
    // MemoryStream and not rewound loads (the check read its first bytes where the stream stood, found none and said "it
    // is empty").
    [Fact]
    public void A_model_saved_into_a_stream_loads_without_rewinding_it()
    {
        using var temp = new TempFolder();
        var (ml, data, path) = SavedModel(temp);
        var model = ml.Model.Load(path, out _);
        using var memory = new MemoryStream();
        ml.Model.Save(model, data.Schema, memory);
        Assert.Equal(memory.Length, memory.Position);
        Assert.Equal(Codes(model, data), Codes(ml.Model.LoadVerified(memory, out _), data));
    }

    [Fact]
    public void An_entry_whose_data_does_not_inflate_is_refused_by_name()
    {
        using var temp = new TempFolder();
        var (ml, _, path) = SavedModel(temp);
        // The first entry's compressed data, overwritten with bytes deflate cannot decode (a block type of 3).
        var bytes = File.ReadAllBytes(path);
        string first;
        long dataStart;
        using (var zip = new ZipArchive(new MemoryStream(bytes)))
            first = zip.Entries[0].FullName;
        dataStart = 30 + BitConverter.ToUInt16(bytes, 26) + BitConverter.ToUInt16(bytes, 28);   // the local header's fixed 30 bytes, name, extra
        Array.Fill(bytes, (byte)0xFF, (int)dataStart, 8);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => ml.Model.LoadVerified(path, out _));
        Assert.Matches($@"^Cannot load model '{System.Text.RegularExpressions.Regex.Escape(path)}': its entry '{System.Text.RegularExpressions.Regex.Escape(first)}' " +
            @"(cannot be read \(\.NET: .+\)|is damaged: its data's CRC-32 is [0-9A-F]{8}, but the zip records [0-9A-F]{8}); a saved model is a whole zip: copy or save it again\.$", e.Message);
    }

    [Fact]
    public void A_zip_cut_short_is_refused_as_such()
    {
        using var temp = new TempFolder();
        var (ml, _, path) = SavedModel(temp);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Equal($"Cannot load model '{path}': it is a zip archive cut short or damaged, so its list of entries cannot be read " +
            "(.NET: End of Central Directory record could not be found); a saved model is a whole zip: copy or save it again.",
            Assert.Throws<InvalidDataException>(() => ml.Model.LoadVerified(path, out _)).Message);
    }

    [Theory]
    [InlineData(new byte[0], "it is empty; a saved ML.NET model is a zip archive.")]
    [InlineData(new byte[] { 0x68, 0x65, 0x6C, 0x6C, 0x6F }, "it is not a zip archive, which a saved ML.NET model is (its first bytes are 68656C6C; a zip's are 504B).")]
    [InlineData(new byte[] { 0x50 }, "it is not a zip archive, which a saved ML.NET model is (its first bytes are 50; a zip's are 504B).")]
    public void A_file_that_is_no_zip_is_refused_saying_what_it_is(byte[] bytes, string problem)
    {
        using var temp = new TempFolder();
        string path = Path.Combine(temp, "m.zip");
        File.WriteAllBytes(path, bytes);
        Assert.Equal($"Cannot load model '{path}': {problem}", Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadVerified(path, out _)).Message);
        using var forward = new Forward(bytes);
        Assert.Equal($"Cannot load the model in the stream: {problem}", Assert.Throws<InvalidDataException>(() => new MLContext().Model.LoadVerified(forward, out _)).Message);
    }

    [Fact]
    public void Null_or_empty_arguments_are_refused_by_name()
    {
        var ml = new MLContext();
        Assert.Equal("catalog", Assert.Throws<ArgumentNullException>(() => ModelCatalog.LoadVerified(null!, "m.zip", out _)).ParamName);
        Assert.Equal("filePath", Assert.Throws<ArgumentNullException>(() => ml.Model.LoadVerified((string)null!, out _)).ParamName);
        Assert.Equal("filePath", Assert.Throws<ArgumentException>(() => ml.Model.LoadVerified("", out _)).ParamName);
        Assert.Equal("stream", Assert.Throws<ArgumentNullException>(() => ml.Model.LoadVerified((Stream)null!, out _)).ParamName);
        Assert.Throws<FileNotFoundException>(() => ml.Model.LoadVerified(Path.Combine(Path.GetTempPath(), $"none-{Guid.NewGuid():N}.zip"), out _));
    }
}
