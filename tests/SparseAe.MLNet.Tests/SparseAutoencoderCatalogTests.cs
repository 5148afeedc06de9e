using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// What the catalog methods' parameter docs (IntelliSense's &lt;param&gt;) say each parameter may be, against what the
/// estimator refuses: SparseAutoencoder's hiddenCount, sparsityWeight, weightDecay and maxIterations and ZcaWhitening's
/// epsilon and maximumRows said nothing of their ranges, which a user met only as a refusal.
/// </summary>
public class SparseAutoencoderCatalogTests
{
    // Each rule: the catalog method, its parameter, the rule in the parameter's doc, the rule in the refusal (the same words
    // where the rule names no other value), a value just outside it, the value at its edge (accepted), and whether the rule
    // is enforced by Fit (on 20 rows of 8 values, their count unknown before they are read) rather than when the estimator is made.
    public static TheoryData<string, string, string, string, object, object, bool> Rules() => new()
    {
        { "SparseAutoencoder", "hiddenCount", "at least 1", "at least 1", 0, 1, false },
        { "SparseAutoencoder", "sparsityTarget", "in (0, 1)", "strictly between 0 and 1", 0.0, 1e-300, false },
        { "SparseAutoencoder", "sparsityWeight", "finite and at least 0", "finite and at least 0", -1e-300, 0.0, false },
        { "SparseAutoencoder", "sparsityWeight", "finite and at least 0", "finite and at least 0", double.PositiveInfinity, double.MaxValue, false },
        { "SparseAutoencoder", "weightDecay", "finite and at least 0", "finite and at least 0", double.NaN, 0.0, false },
        { "SparseAutoencoder", "maxIterations", "at least 1", "at least 1", 0, 1, false },
        { "SparseAutoencoder", "seed", "at least 0", "at least 0", -1, 0, false },
        { "ZcaWhitening", "epsilon", "finite and at least 0", "finite and at least 0", -1e-300, 0.1, false },
        { "ZcaWhitening", "epsilon", "finite and at least 0", "finite and at least 0", double.PositiveInfinity, 0.1, false },
        { "ZcaWhitening", "maximumRows", "null (every row) or at least 1", "null (every row) or at least 1", 0L, 1L, false },
        // 8 values a row: one array holds 2147483591 / 8 = 268435448 rows.
        { "ZcaWhitening", "maximumRows", "at most 2147483591 / V rows of V values", "ZCA can hold at most 268435448 rows of 8 values", 268435449L, 268435448L, true },
        { "ZcaWhitening", "seed", "at least 0", "at least 0", -1, 0, false },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_parameter_documents_the_range_the_estimator_enforces(string method, string parameter, string documented, string refused, object outside, object edge, bool atFit)
    {
        Assert.Contains(documented, XmlDocs.Param("SparseAe.MLNet", $"M:SparseAe.MLNet.SparseAutoencoderCatalog.{method}", parameter), StringComparison.OrdinalIgnoreCase);
        var refusal = Assert.Throws<ArgumentOutOfRangeException>(() => Use(method, parameter, outside, atFit));
        Assert.Equal(parameter, refusal.ParamName, ignoreCase: true);   // the options' names: "HiddenCount" for hiddenCount
        Assert.Contains(refused, refusal.Message, StringComparison.OrdinalIgnoreCase);
        Use(method, parameter, edge, atFit);
    }

    // A catalog parameter's default is the option's: ml.Transforms.SparseAutoencoder("Code", "Features") and the same
    // call with an options object left at its defaults must train the same model. A default typed as a literal that
    // differed from Defaults (sparsityWeight = 2 where the options say 3) changed the model without a word.
    [Fact]
    public void Each_catalog_default_is_the_options_default()
    {
        var options = new Dictionary<string, object>
        {
            ["SparseAutoencoder"] = new SparseAutoencoderOptions(),
            ["ZcaWhitening"] = new ZcaDefaults(),
        };
        int compared = 0;
        foreach (var method in typeof(SparseAutoencoderCatalog).GetMethods().Where(m => options.ContainsKey(m.Name)))
            foreach (var p in method.GetParameters().Where(p => p.HasDefaultValue && p.Name is not ("outputColumnName" or "inputColumnName")))
            {
                var property = options[method.Name].GetType().GetProperty(p.Name!, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase);
                Assert.True(property is not null, $"{method.Name}({p.Name}) has no option of its name");
                Assert.True(Equals(property!.GetValue(options[method.Name]), p.DefaultValue), $"{method.Name}({p.Name}) defaults to {p.DefaultValue}, but the option to {property.GetValue(options[method.Name])}.");
                compared++;
            }
        Assert.True(compared >= 9, $"compared {compared} defaults");
    }

    // ZcaWhitening has no options class: its defaults as Defaults states them.
    private sealed class ZcaDefaults
    {
        public double Epsilon { get; } = Defaults.ZcaEpsilon;
        public long? MaximumRows { get; }
        public int? Seed { get; }
    }

    // Calls the catalog method with every other parameter at its default, and fits the estimator when the rule is Fit's.
    private static void Use(string method, string parameter, object value, bool fit)
    {
        var ml = new MLContext(seed: 1);
        var info = typeof(SparseAutoencoderCatalog).GetMethods().Single(m => m.Name == method && m.GetParameters().Any(p => p.Name == parameter));
        var arguments = info.GetParameters().Select(p => p.Name switch
        {
            "catalog" => ml.Transforms,
            "outputColumnName" => "Out",
            "inputColumnName" => "Features",
            _ when p.Name == parameter => value,
            _ => p.DefaultValue,
        }).ToArray();
        object estimator;
        try
        {
            estimator = info.Invoke(null, arguments)!;
        }
        catch (System.Reflection.TargetInvocationException e)
        {
            throw e.InnerException!;
        }
        // A view that does not say how many rows it has (a filter's): a cap at or above the rows a view says it has means every row.
        if (fit) ((IEstimator<ITransformer>)estimator).Fit(ml.Data.FilterRowsByMissingValues(ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(20, 1)), "Features"));
    }
}
