using SparseAe.Data.Images;
using SparseAe.Data.Patches;
using SparseAe.Tests.Support;

namespace SparseAe.Data.Tests.Patches;

/// <summary>
/// What the XML docs (IntelliSense) of PatchNormalization, PatchSampler.Sample and PatchRowSource's constructor say of each
/// parameter, against what they refuse: none documented a parameter, so a count or dimension of 0, a span of the wrong length,
/// a NaN, a negative pstd, no images, an image smaller than the patch or a negative seed were met only as refusals. And
/// PatchRowSource refused a NaN pixel naming a parameter it does not have ("patches").
/// </summary>
public class PatchesDocsTests
{
    private const string Assembly = "SparseAe.Data";
    private const string Ufldl = "M:SparseAe.Data.Patches.PatchNormalization.Ufldl";
    private const string Apply = "M:SparseAe.Data.Patches.PatchNormalization.ApplyUfldl";
    private const string Standardize = "M:SparseAe.Data.Patches.PatchNormalization.Standardize";
    private const string Sample = "M:SparseAe.Data.Patches.PatchSampler.Sample";
    private const string Source = "M:SparseAe.Data.Patches.PatchRowSource.#ctor";

    private static GreyImage Image(int side, float value = 0.5f) => new(side, side, Enumerable.Repeat(value, side * side).ToArray(), "i");

    // Each rule: the method, the parameter, the words its <param> and the refusal share, the call just outside and at the edge.
    public static TheoryData<string, string, string, Action, Action> Rules()
    {
        var rules = new TheoryData<string, string, string, Action, Action>();
        // The three normalisations share one shape check and one finiteness check.
        foreach (var (method, run) in new (string, Action<float[], int, int>)[]
        {
            (Ufldl, (p, c, d) => PatchNormalization.Ufldl(p, c, d)),
            (Apply, (p, c, d) => PatchNormalization.ApplyUfldl(p, c, d, 1)),
            (Standardize, (p, c, d) => PatchNormalization.Standardize(p, c, d)),
        })
        {
            rules.Add(method, "count", "at least 1", () => run([], 0, 1), () => run([1], 1, 1));
            rules.Add(method, "dimension", "at least 1", () => run([], 1, 0), () => run([1], 1, 1));
            rules.Add(method, "patches", "must hold count*dimension", () => run([1, 2, 3], 2, 2), () => run([1, 2, 3, 4], 2, 2));
            rules.Add(method, "patches", "every value must be finite", () => run([1, float.PositiveInfinity], 1, 2), () => run([1, float.MaxValue], 1, 2));
        }
        rules.Add(Apply, "pstd", "finite and at least 0", () => PatchNormalization.ApplyUfldl(new float[1], 1, 1, -double.Epsilon),
            () => PatchNormalization.ApplyUfldl(new float[1], 1, 1, 0));
        rules.Add(Apply, "pstd", "finite and at least 0", () => PatchNormalization.ApplyUfldl(new float[1], 1, 1, double.PositiveInfinity),
            () => PatchNormalization.ApplyUfldl(new float[1], 1, 1, double.MaxValue));

        // PatchSampler.Sample and PatchRowSource share the images' and the patch's rules (PatchSampling.Validate) and the seed's.
        foreach (var (method, run) in new (string, Action<GreyImage[], int, int, int>)[]
        {
            (Sample, (i, p, c, s) => PatchSampler.Sample(i, p, c, s)),
            (Source, (i, p, c, s) => _ = new PatchRowSource(i, p, c, s)),
        })
        {
            rules.Add(method, "patchSize", "at least 1", () => run([Image(2)], 0, 1, 0), () => run([Image(2)], 1, 1, 0));
            rules.Add(method, "count", "at least 1", () => run([Image(2)], 1, 0, 0), () => run([Image(2)], 1, 1, 0));
            rules.Add(method, "seed", "at least 0", () => run([Image(2)], 1, 1, -1), () => run([Image(2)], 1, 1, 0));
            rules.Add(method, "images", "at least one image", () => run([], 1, 1, 0), () => run([Image(2)], 1, 1, 0));
            rules.Add(method, "images", "every image must be present", () => run([Image(2), null!], 1, 1, 0), () => run([Image(2), Image(2)], 1, 1, 0));
            rules.Add(method, "images", "every image must be at least patchSize on both sides", () => run([Image(2)], 3, 1, 0), () => run([Image(2)], 2, 1, 0));
        }
        rules.Add(Sample, "count", "exceed one array", () => PatchSampler.Sample([Image(2)], 2, Array.MaxLength / 4 + 1, 0),
            () => PatchSampler.Sample([Image(2)], 2, 1, 0));
        rules.Add(Source, "normalizationSampleSize", "at least 1", () => _ = new PatchRowSource([Image(2)], 1, 1, 0, 0), () => _ = new PatchRowSource([Image(2)], 1, 1, 0, 1));
        rules.Add(Source, "images", "every value must be finite", () => _ = new PatchRowSource([Image(2, float.NaN)], 1, 1, 0),
            () => _ = new PatchRowSource([Image(2, float.MaxValue)], 1, 1, 0));
        return rules;
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_parameter_documents_the_rule_enforced(string method, string parameter, string rule, Action outside, Action edge)
        => XmlDocs.AssertRule(Assembly, method, parameter, rule, outside, edge);
}
