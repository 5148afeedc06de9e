using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using SparseAe;
using SparseAe.MLNet;

namespace WordNetSupersensesSample;

/// <summary>A synset's text and supersense; TokenCounts adds the token columns.</summary>
internal sealed class TextRow
{
    public string Text { get; set; } = "";
    public string Label { get; set; } = "";

    /// <summary>Names of the two token columns: raw counts (LDA's input), and log(1 + tf) * idf at unit L2 norm.</summary>
    public const string Counts = "Counts", Tokens = "Tokens";
}

/// <summary>One row of a table: the feature set, its size, its scores, and what it cost (seconds).</summary>
internal sealed record Result(string Name, int Dimensions, Scores Scores, double TrainSeconds, double FeaturizeSeconds);

/// <summary>
/// What a row fits before its classifier: the featurizer (null: the token columns as they are) and the
/// classifier's L2 weight (null: ML.NET's own choice).
/// </summary>
internal sealed record Fitted(ITransformer? Featurizer, float? L2 = null);

/// <summary>
/// One table: a featurization of the synsets' text, and every feature set compared on it with the same
/// classifier (ML.NET's SdcaMaximumEntropy, one thread so that runs repeat).
/// </summary>
internal sealed partial class Experiment(MLContext ml, RunSizes sizes, TextWriter log)
{
    private const string Label = nameof(TextRow.Label);

    /// <summary>The biggest code's autoencoder of the last table run, for the latents' report.</summary>
    public SparseAutoencoderTransformer? LargestCode { get; private set; }

    public IDataView? TrainView { get; private set; }

    // The last table's token columns and test rows, for table 3.
    private ITransformer? _tokenCounts;
    private IDataView? _testView;

    /// <summary>
    /// A table's token columns fitted on its training texts, and the size of their vocabulary (at most
    /// <see cref="RunSizes.Vocabulary"/>, fewer when the texts hold fewer distinct tokens).
    /// </summary>
    public (ITransformer TokenCounts, int Vocabulary, double Seconds) FitTokenCounts(IReadOnlyList<(string Text, string Label)> train)
    {
        var clock = Stopwatch.StartNew();
        // Two TokenCounts columns over the same vocabulary (the most frequent ids of the training texts):
        // raw counts for LDA, log(1 + tf) * idf at unit L2 norm for everything else.
        var rows = Rows(train);
        var tokenCounts = ml.Transforms.TokenCounts(new TokenCountsOptions
            {
                OutputColumnName = nameof(TextRow.Counts), InputColumnName = nameof(TextRow.Text), MaximumTokens = sizes.Vocabulary,
            })
            .Append(ml.Transforms.TokenCounts(new TokenCountsOptions
            {
                OutputColumnName = nameof(TextRow.Tokens), InputColumnName = nameof(TextRow.Text), MaximumTokens = sizes.Vocabulary,
                Weighting = TokenWeighting.LogTfIdf, Normalize = true,
            }))
            .Fit(rows);
        var column = tokenCounts.GetOutputSchema(rows.Schema)[nameof(TextRow.Tokens)];
        return (tokenCounts, column.Type is VectorDataViewType vector ? vector.Size : 1, clock.Elapsed.TotalSeconds);
    }

    public List<Result> Run(string table, IReadOnlyList<(string Text, string Label)> train, IReadOnlyList<(string Text, string Label)> test,
        (ITransformer TokenCounts, int Vocabulary, double Seconds) fitted,
        out IReadOnlyList<string> tokenNames, out Dictionary<string, int[,]> confusions)
    {
        var clock = Stopwatch.StartNew();
        var tokenCounts = fitted.TokenCounts;
        double vocabularySeconds = fitted.Seconds;
        var trainView = ml.Data.Cache(tokenCounts.Transform(Rows(train)));
        Touch(trainView, nameof(TextRow.Tokens));
        double trainTokenSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var testView = ml.Data.Cache(tokenCounts.Transform(Rows(test)));
        Touch(testView, nameof(TextRow.Tokens));
        double testTokenSeconds = clock.Elapsed.TotalSeconds;
        VBuffer<ReadOnlyMemory<char>> names = default;
        trainView.Schema[nameof(TextRow.Tokens)].GetSlotNames(ref names);
        tokenNames = names.DenseValues().Select(n => n.ToString()).ToArray();
        log.WriteLine($"{table}: token counts (TokenCounts, cl100k_base, {tokenNames.Count} tokens): vocabulary {vocabularySeconds:F1} s, " +
                      $"training rows {trainTokenSeconds:F1} s, test rows {testTokenSeconds:F1} s (the rows below exclude this)");
        TrainView = trainView;
        _tokenCounts = tokenCounts;
        _testView = testView;

        var results = new List<Result>();
        var matrices = new Dictionary<string, int[,]>();
        confusions = matrices;
        void Add(string name, Result r, int[,] confusion)
        {
            results.Add(r);
            matrices[name] = confusion;
            log.WriteLine($"{table}: {name}: train {r.TrainSeconds:F1} s, featurize test {r.FeaturizeSeconds:F2} s, accuracy {r.Scores.Accuracy:F4}");
        }

        void Evaluate(string name, Func<IDataView, Fitted> fit, string features, double extraTrainSeconds = 0)
        {
            // LDA's native code prints to standard output: NativeOutput sends it to standard error.
            var (result, confusion) = NativeOutput.ToStandardError(() => Score(name, trainView, testView, fit, features, extraTrainSeconds));
            Add(name, result, confusion);
        }

        foreach (var (name, fit, features) in TokenRows(table)) Evaluate(name, fit, features);
        Evaluate("(b) FeaturizeText", v => new(ml.Transforms.Text.FeaturizeText("Text features", nameof(TextRow.Text)).Fit(v)), "Text features");
        foreach (int h in sizes.CodeSizes)
        {
            Evaluate($"(c) LDA, {h} topics", v => new(ml.Transforms.Text.LatentDirichletAllocation("Topics", nameof(TextRow.Counts), numberOfTopics: h,
                    maximumNumberOfIterations: sizes.LdaIterations, numberOfThreads: 1, resetRandomGenerator: true)
                .Append(ml.Transforms.NormalizeMinMax("Topics")).Fit(v)), "Topics");

            var clock2 = Stopwatch.StartNew();
            var autoencoder = Autoencoder(h).Fit(trainView);
            double autoencoderSeconds = clock2.Elapsed.TotalSeconds;
            log.WriteLine($"{table}: TopK code ({h}, K {RunSizes.K(h)}): trained in {autoencoderSeconds:F1} s");
            if (h == sizes.CodeSizes.Max()) LargestCode = autoencoder;
            foreach (var (name, fit, features) in CodeRows(autoencoder, h, $"{table}, code ({h})")) Evaluate(name, fit, features, autoencoderSeconds);
        }
        return results;
    }

    /// <summary>
    /// Table 3, on the featurization of the last <see cref="Run"/>: a TopK code of
    /// <see cref="RunSizes.FewerLabelsCode"/> latents trained on all of that run's training rows without
    /// their labels, and the classifier trained on only <paramref name="labelled"/> of them (a stratified
    /// part, each part in <see cref="RunSizes.Labelled"/> and then all), on (a), (a'), (d), (e), (f) and (f').
    /// </summary>
    public List<(int Labelled, Result Row)> RunFewerLabels(string table, IReadOnlyList<IReadOnlyList<(string Text, string Label)>> labelled)
    {
        var trainView = TrainView ?? throw new InvalidOperationException("Run comes first");
        int h = sizes.FewerLabelsCode;
        var clock = Stopwatch.StartNew();
        var autoencoder = Autoencoder(h).Fit(trainView);
        double autoencoderSeconds = clock.Elapsed.TotalSeconds;
        log.WriteLine($"{table}: TopK code ({h}, K {RunSizes.K(h)}): trained in {autoencoderSeconds:F1} s");
        var rows = new List<(int, Result)>();
        foreach (var part in labelled)
        {
            var partView = ml.Data.Cache(_tokenCounts!.Transform(Rows(part)));
            void Evaluate(string name, Func<IDataView, Fitted> fit, string features)
            {
                var (result, _) = Score(name, partView, _testView!, fit, features, 0);
                rows.Add((part.Count, result));
                log.WriteLine($"{table}: {part.Count} labelled, {name}: train {result.TrainSeconds:F1} s, accuracy {result.Scores.Accuracy:F4}");
            }
            string what = $"{table}, {part.Count} labelled";
            foreach (var (name, fit, features) in TokenRows(what).Concat(CodeRows(autoencoder, h, what))) Evaluate(name, fit, features);
        }
        return rows;
    }

    private SparseAutoencoderEstimator Autoencoder(int h) => ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
    {
        OutputColumnName = "Code",
        InputColumnName = nameof(TextRow.Tokens),
        HiddenCount = h,
        Activation = ActivationKind.TopK,
        K = RunSizes.K(h),
        Epochs = sizes.Epochs,
        BatchSize = RunSizes.BatchSize,
        LearningRate = sizes.LearningRate,
        Seed = 1,
        Threads = RunSizes.Threads,
    });

    // (d): the code, each latent scaled by its largest value in the classifier's training rows.
    private ITransformer ScaledCode(SparseAutoencoderTransformer autoencoder, IDataView v)
        => autoencoder.Append(ml.Transforms.NormalizeMinMax("Code").Fit(autoencoder.Transform(v)));

    // (e): the code scaled as in (d) beside the token counts; weighted by `weight` for (f). Each row's code
    // at unit L2 norm instead, as the token columns are, did no better in quick mode (0.598 and 0.612
    // against 0.629 and 0.617 on the glosses).
    private ITransformer CodeAndTokens(SparseAutoencoderTransformer autoencoder, IDataView v, float weight = 1)
    {
        ITransformer code = ScaledCode(autoencoder, v);
        string column = "Code";
        if (weight != 1)
        {
            column = "Weighted code";
            code = code.Append(ml.Transforms.Expression(column, string.Create(CultureInfo.InvariantCulture, $"x : x * {weight}"), "Code").Fit(code.Transform(v)));
        }
        return code.Append(ml.Transforms.Concatenate("Both", nameof(TextRow.Tokens), column).Fit(code.Transform(v)));
    }

    /// <summary>The weights of the code's block that (f) tries first, (e)'s first.</summary>
    private static readonly float[] CodeWeights = [1f, 0.5f, 0.25f, 0.125f, 0.0625f];

    /// <summary>
    /// The weights (f) tries next, one at a time while the smallest tried validates best (alone or tied), so
    /// that the choice is not where <see cref="CodeWeights"/> happened to stop: halvings down to 1/256, then
    /// 0, the token counts alone (the code's columns all zero, which a linear classifier ignores).
    /// </summary>
    private static readonly float[] LowerCodeWeights = [1f / 32, 1f / 64, 1f / 128, 1f / 256, 0f];

    /// <summary>The rows on the token counts alone: (a) with ML.NET's L2, (a') with the L2 validated.</summary>
    private IEnumerable<(string Name, Func<IDataView, Fitted> Fit, string Features)> TokenRows(string what)
    {
        yield return ("(a) token counts", _ => new(null), nameof(TextRow.Tokens));
        yield return ("(a') token counts, L2 validated", v => ValidatedL2(v, (l2, _) => new(null, l2), nameof(TextRow.Tokens), $"{what}, tokens: (a')"),
            nameof(TextRow.Tokens));
    }

    /// <summary>
    /// The rows on a code: (d) the code; (e) the code beside the token counts; (f) (e) with the code's
    /// block weighted by the one of <see cref="CodeWeights"/> and <see cref="LowerCodeWeights"/> that
    /// validates best, the classifier's L2 left to ML.NET; (f') (f)'s weight with the classifier's L2 then
    /// validated as (a') validates it, so
    /// that (f') against (a') compares the two feature sets each with its classifier's L2 tuned alike.
    /// (f') takes the weight (f) chose on the same rows, so the rows are evaluated in this order.
    /// </summary>
    private IEnumerable<(string Name, Func<IDataView, Fitted> Fit, string Features)> CodeRows(SparseAutoencoderTransformer autoencoder, int h, string what)
    {
        float? weight = null;
        yield return ($"(d) sparse code ({h})", v => new(ScaledCode(autoencoder, v)), "Code");
        yield return ($"(e) code ({h}) + token counts", v => new(CodeAndTokens(autoencoder, v)), "Both");
        yield return ($"(f) code ({h}) + tokens, validated", v =>
        {
            weight = Validated(v, CodeWeights, LowerCodeWeights, (w, rows) => new(CodeAndTokens(autoencoder, rows, w)), "Both",
                w => w.ToString(CultureInfo.InvariantCulture), $"{what}: (f) validation accuracy by code weight");
            return new(CodeAndTokens(autoencoder, v, weight.Value));
        }, "Both");
        yield return ($"(f') code ({h}) + tokens, weight and L2 validated", v =>
        {
            float chosen = weight ?? throw new InvalidOperationException("(f') takes the code weight (f) chose: (f) comes first");
            return ValidatedL2(v, (l2, rows) => new(CodeAndTokens(autoencoder, rows, chosen), l2),
                "Both", string.Create(CultureInfo.InvariantCulture, $"{what}: (f'), code weight {chosen} as (f) chose,"));
        }, "Both");
    }

    /// <summary>
    /// Fits the featurizer and the classifier (with the L2 weight <paramref name="fit"/> gives) on the training
    /// rows, featurizes the test rows (timed on their own), and counts the test predictions.
    /// </summary>
    private (Result, int[,]) Score(string name, IDataView train, IDataView test, Func<IDataView, Fitted> fit, string features, double extraTrainSeconds)
    {
        var clock = Stopwatch.StartNew();
        var (featurizer, l2) = fit(train);
        var trainFeatures = ml.Data.Cache(featurizer?.Transform(train) ?? train, features, Label);
        var classifier = Classifier(features, l2).Fit(trainFeatures);
        double trainSeconds = clock.Elapsed.TotalSeconds + extraTrainSeconds;
        clock.Restart();
        var testFeatures = ml.Data.Cache(featurizer?.Transform(test) ?? test, features, Label);
        Touch(testFeatures, features);
        double featurizeSeconds = clock.Elapsed.TotalSeconds;
        var predictions = ml.Data.CreateEnumerable<Prediction>(classifier.Transform(testFeatures), reuseRowObject: false)
            .Select(p => (p.Label, p.PredictedLabel));
        var scores = Scores.From(predictions, WordNetData.Supersenses);
        int dimensions = ((VectorDataViewType)trainFeatures.Schema[features].Type).Size;
        return (new Result(name, dimensions, scores, trainSeconds, featurizeSeconds), scores.Confusion);
    }

    // Each classifier has an MLContext of its own: SDCA shuffles its rows with its context's random
    // numbers, and with one shared context a row's figure depended on how many fits ran before it (the
    // same token-count classifier scored 0.7673 and 0.7609 in two runs that fitted other things first).
    private static IEstimator<ITransformer> Classifier(string features, float? l2)
    {
        var own = new MLContext(seed: 1);
        return own.Transforms.Conversion.MapValueToKey("Label key", Label)
            .Append(own.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "Label key",
                FeatureColumnName = features,
                NumberOfThreads = 1,
                L2Regularization = l2,
            }))
            .Append(own.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    }

    private IDataView Rows(IEnumerable<(string Text, string Label)> rows)
        => ml.Data.LoadFromEnumerable(rows.Select(r => new TextRow { Text = r.Text, Label = r.Label }));

    /// <summary>Reads every row's <paramref name="column"/>, so that a cache fills (and its cost lands where it is timed).</summary>
    public static void Touch(IDataView view, string column)
    {
        var c = view.Schema[column];
        using var cursor = view.GetRowCursor([c]);
        var getter = cursor.GetGetter<VBuffer<float>>(c);
        VBuffer<float> value = default;
        while (cursor.MoveNext()) getter(ref value);
    }

    private sealed class Prediction
    {
        public string Label { get; set; } = "";
        public string PredictedLabel { get; set; } = "";
    }
}
