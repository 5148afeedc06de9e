using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// Models saved by earlier builds (GoldenModels/&lt;commit&gt;/, saved by GoldenModels/Generate.cs compiled against
/// that commit) load with this build and compute what that build computed with them (its expected.tsv): a user's
/// saved model keeps working across upgrades. Every other save/load test saves and loads with the same build, so a
/// change to a saved format, a loader signature or a field rule that refuses or misreads what an earlier build
/// wrote would show only here.
/// </summary>
public class GoldenModelTests
{
    // Exact by design on one CPU and one build; across builds the kernels' summation order has changed (the earliest
    // models' codes differ in the last bit or two), and across vector widths it differs too, so: relative 1e-5.
    private const double Tolerance = 1e-5;

    public static TheoryData<string, string> Models()
    {
        var data = new TheoryData<string, string>();
        foreach (var commit in Directory.GetDirectories(Folder).Select(Path.GetFileName).Order())
            foreach (var zip in Directory.GetFiles(Path.Combine(Folder, commit!), "*.zip").Select(Path.GetFileNameWithoutExtension).Order())
                data.Add(commit!, zip!);
        return data;
    }

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "GoldenModels");

    [Fact]
    public void Every_earlier_build_and_kind_is_here()
    {
        // 57ea492 (2026-11-28): model format 1 and convolution format 1, before the linear decoder and the soft
        // threshold; b0c1392 (the same evening): model format 2 and convolution format 2, with pools of a given size;
        // 7775047 (the next commit): convolution format 3, the soft threshold; 177328e (2026-12-02): sparse codes and
        // token counts as first saved; 8800d9a (2026-12-05): the formats of the build before this test.
        var models = Models().Select(row => $"{row[0]}/{row[1]}").ToList();
        string[] first = ["ae-adam", "ae-sigmoid", "chain", "conv", "zca"];
        string[] conv2 = [.. first, "ae-linear", "conv-pool"];
        string[] classic = [.. first, "ae-linear", "conv-soft"];
        string[] later = [.. classic, "sc-jump", "sc-relu", "sc-topk", "tokens", "tokens-tfidf"];
        Assert.Equal(first.Select(m => $"57ea492/{m}").Concat(conv2.Select(m => $"b0c1392/{m}")).Concat(classic.Select(m => $"7775047/{m}"))
                .Concat(later.Select(m => $"177328e/{m}")).Concat(later.Select(m => $"8800d9a/{m}")).Order(StringComparer.Ordinal),
            models.Order(StringComparer.Ordinal));
    }

    // A saved entry names the assembly that loads it, version and all, and a fresh process resolves that name: a model
    // naming 'SparseAe.MLNet, Version=0.1.0.0' failed to load with FileNotFoundException under an assembly of 0.2.0.0.
    // Within this process the assembly is loaded already and the loads above pass whatever its version, so the pinned
    // AssemblyVersion (Directory.Build.props) is held here to what the saved models name.
    [Fact]
    public void The_saved_models_name_this_assembly_exactly()
    {
        string current = typeof(SparseAutoencoderTransformer).Assembly.FullName!;
        var named = new HashSet<string>();
        foreach (var zip in Directory.GetFiles(Folder, "*.zip", SearchOption.AllDirectories))
        {
            using var archive = System.IO.Compression.ZipFile.OpenRead(zip);
            foreach (var entry in archive.Entries)
            {
                using var stream = entry.Open();
                using var bytes = new MemoryStream();
                stream.CopyTo(bytes);
                var raw = bytes.ToArray();
                // ML.NET writes the name as UTF-16 at any byte offset: read both alignments.
                foreach (var text in new[] { System.Text.Encoding.Unicode.GetString(raw), System.Text.Encoding.Unicode.GetString(raw, 1, raw.Length - 1) })
                    foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, @"SparseAe\.MLNet, Version=[0-9.]+, Culture=[A-Za-z-]+, PublicKeyToken=[0-9a-z]+"))
                        named.Add(m.Value);
            }
        }
        Assert.True(named.SetEquals([current]), $"{current} against {string.Join(" | ", named)}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_model_saved_by_an_earlier_build_loads_and_computes_what_that_build_did(string commit, string model)
    {
        var ml = new MLContext(1);
        var (input, inputSchema) = model.StartsWith("tokens", StringComparison.Ordinal) ? Texts(ml) : Rows(ml);
        var loaded = ml.Model.Load(Path.Combine(Folder, commit, model + ".zip"), out var savedSchema);
        Assert.Equal(inputSchema.Select(c => (c.Name, c.Type)), savedSchema.Select(c => (c.Name, c.Type)));
        var output = loaded.Transform(input);

        var expected = File.ReadAllLines(Path.Combine(Folder, commit, "expected.tsv")).Select(line => line.Split('\t'))
            .Where(f => f[0] == model).ToList();
        Assert.NotEmpty(expected);
        foreach (var columnRows in expected.GroupBy(f => f[1]))
        {
            var column = output.Schema[columnRows.Key];
            var actual = Values(output, column);
            foreach (var f in columnRows)
            {
                int row = int.Parse(f[2], CultureInfo.InvariantCulture);
                var want = f[3].Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                Assert.True(want.Length == actual[row].Length, $"{commit}/{model} {column.Name} row {row}: {actual[row].Length} values, saved with {want.Length}");
                for (int i = 0; i < want.Length; i++)
                    Assert.True(Math.Abs(actual[row][i] - want[i]) <= Tolerance * Math.Max(1, Math.Abs(want[i])),
                        $"{commit}/{model} {column.Name} row {row} [{i}]: {actual[row][i]:R}, the saving build computed {want[i]:R}");
            }
        }
    }

    // The first 8 rows of a column of Single or of vectors of Single, dense.
    private static List<float[]> Values(IDataView output, DataViewSchema.Column column)
    {
        var rows = new List<float[]>();
        using var cursor = output.GetRowCursor([column]);
        while (rows.Count < 8 && cursor.MoveNext())
        {
            if (column.Type is VectorDataViewType)
            {
                var buffer = default(VBuffer<float>);
                cursor.GetGetter<VBuffer<float>>(column)(ref buffer);
                rows.Add(buffer.DenseValues().ToArray());
            }
            else
            {
                float value = 0;
                cursor.GetGetter<float>(column)(ref value);
                rows.Add([value]);
            }
        }
        return rows;
    }

    // The rows Generate.cs saved the models with: 120 rows of 64 uniform values from new Random(1).
    private static (IDataView, DataViewSchema) Rows(MLContext ml)
    {
        var rng = new Random(1);
        var view = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 120)
            .Select(_ => new Row { Features = Enumerable.Range(0, 64).Select(_ => (float)rng.NextDouble()).ToArray() }).ToList());
        return (view, view.Schema);
    }

    private static (IDataView, DataViewSchema) Texts(MLContext ml)
    {
        var view = ml.Data.LoadFromEnumerable(new[]
        {
            new TextRow { Text = "the cat sat on the mat" }, new TextRow { Text = "a dog and a cat" }, new TextRow { Text = "hello world 12345678901234" },
        });
        return (view, view.Schema);
    }

    private sealed class Row { [VectorType(64)] public float[] Features { get; set; } = []; }
    private sealed class TextRow { public string Text { get; set; } = ""; }
}
