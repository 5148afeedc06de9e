using System.Diagnostics;
using Microsoft.ML;
using SparseAe.Persistence;
using SparseAe.Visualization;
using WordNetSupersensesSample;

// WordNet 3.0's noun supersenses (the 26 lexicographer files noun.Tops .. noun.time) predicted from
// the gloss (table 1) and from the lemmas and the gloss (table 2), with the same linear classifier
// (SdcaMaximumEntropy) on six kinds of features: (a) token counts (cl100k_base tokens, log(1+tf) idf,
// L2), (b) ML.NET's FeaturizeText, (c) ML.NET's LDA topics, (d) our TopK sparse code of the token
// counts, (e) the code and the token counts side by side, (f) (e) with the code's block weighted by a
// weight chosen on held-out training rows, and (a') and (f'), (a) and (f) with the classifier's L2 weight
// chosen on the same held-out rows; table 3 trains the classifier on fewer
// labelled glosses, the code on all of them. Accuracy and macro-F1 (from the confusion
// matrix) go to standard output, which is the same on every run of the same mode
// (expected-output-quick.txt); timings go to standard error. The confusion picture of the best model
// and the latents' tokens go to --output-dir.
if (SparseAe.Samples.SampleCommandLine.AsksForHelp(args))
{
    Console.WriteLine(SampleArguments.Usage);
    return 0;
}
SampleArguments arguments;
try
{
    arguments = SampleArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"WordNetSupersenses: {e.Message}\n{SampleArguments.Usage}");
    return 2;
}
if (Directory.Exists(arguments.DataFile))
{
    Console.Error.WriteLine($"WordNetSupersenses: {arguments.DataFile} is a folder, not a file: --data needs WordNet 3.0's data.noun " +
                            $"(for example {Path.Combine(arguments.DataFile, "data.noun")})");
    return 1;
}
if (!File.Exists(arguments.DataFile))
{
    Console.Error.WriteLine($"WordNetSupersenses: {arguments.DataFile} not found: install Debian's wordnet-base (apt-get install -y wordnet-base) or pass --data FILE");
    return 1;
}

var clock = Stopwatch.StartNew();
void Time(string step) => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1} s] {step}");

const int splitSeed = 16;
const double testFraction = 0.2;
var sizes = RunSizes.For(arguments.Quick);
List<Synset> synsets, fullTrain, fullTest, train, test;
List<List<Synset>> labelledParts;
try
{
    synsets = WordNetData.Load(arguments.DataFile);
    (fullTrain, fullTest) = WordNetData.Split(synsets, testFraction, splitSeed);
    WordNetData.RequireScorableSplit(arguments.DataFile, synsets, fullTrain, fullTest, testFraction);
    train = sizes.TrainRows is int n ? WordNetData.Subset(fullTrain, n) : fullTrain;
    test = sizes.TestRows is int m ? WordNetData.Subset(fullTest, m) : fullTest;
    // Table 3's labelled rows: stratified parts of the training glosses, then all of them (tables 1 and 2's).
    labelledParts = sizes.Labelled.Where(n => n < train.Count).Select(n => WordNetData.Subset(train, n)).Append(train).ToList();
    foreach (var part in labelledParts)
        Experiment.RequireValidationSplit(arguments.DataFile, part.Select(s => WordNetData.Supersenses[s.Supersense]).ToList());
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"WordNetSupersenses: {e.Message}");
    return 1;
}

// The output folder is checked before the long run, and after the data: it must be creatable, take a new
// file, and not hold a folder under the name of an output file. It is made only when the results are written.
string[] outputFiles = ["confusion.png", "latents.txt"];
if (SparseAe.Samples.OutputFolder.Problem(arguments.OutputDirectory, outputFiles) is string problem)
{
    Console.Error.WriteLine($"WordNetSupersenses: --output-dir: {problem}");
    return 1;
}
var ml = new MLContext(seed: 1);
var experiment = new Experiment(ml, sizes, Console.Error);
var tables = new[]
{
    (Title: "table 1: supersense from the gloss", Short: "table 1", Text: (Func<Synset, string>)(s => s.Gloss)),
    (Title: "table 2: supersense from the lemmas and the gloss", Short: "table 2", Text: s => s.LemmasAndGloss),
};
// Each table's vocabulary is fitted first, so that the header gives the sizes actually used: a small
// data file can have fewer distinct tokens than the limit.
var fitted = tables.Select(t => experiment.FitTokenCounts(
    train.Select(s => (t.Text(s), WordNetData.Supersenses[s.Supersense])).ToList())).ToArray();
int supersensesPresent = synsets.Select(s => s.Supersense).Distinct().Count();
string vocabulary = fitted.All(f => f.Vocabulary == sizes.Vocabulary)
    ? $"a vocabulary of the {sizes.Vocabulary} most frequent tokens"
    : $"a vocabulary of the most frequent tokens, at most {sizes.Vocabulary} (the training texts have fewer: " +
      string.Join(", ", tables.Zip(fitted, (t, f) => $"{t.Short} uses {f.Vocabulary}")) + ")";
Console.WriteLine($"WordNet 3.0 nouns: {synsets.Count} synsets in {supersensesPresent} supersenses" +
                  (supersensesPresent == WordNetData.Supersenses.Count ? "" : $" (of WordNet's {WordNetData.Supersenses.Count})") + "; " +
                  $"fixed stratified split 80/20 (seed {splitSeed}): {fullTrain.Count} training and {fullTest.Count} test synsets");
Console.WriteLine(arguments.Quick
    ? $"this run uses {train.Count} and {test.Count} of them (quick mode, stratified) and {vocabulary} " +
      "(the full run: 8192)"
    : $"this run uses all of them and {vocabulary}");
Console.WriteLine($"classifier: SdcaMaximumEntropy on each feature set; codes: TopK (K {string.Join(", ", sizes.CodeSizes.Select(RunSizes.K))}), " +
                  $"Adam, {sizes.Epochs} epochs of {RunSizes.BatchSize} rows, learning rate {sizes.LearningRate}; LDA: {sizes.LdaIterations} iterations");
Time("data loaded");

(string Table, Result Row, int[,] Confusion)? best = null;
List<string> latents = [];
List<(int Labelled, Result Row)> fewerLabels = [];
foreach (var (table, tableTokens) in tables.Zip(fitted))
{
    var results = experiment.Run(table.Short,
        train.Select(s => (table.Text(s), WordNetData.Supersenses[s.Supersense])).ToList(),
        test.Select(s => (table.Text(s), WordNetData.Supersenses[s.Supersense])).ToList(),
        tableTokens, out var tokens, out var confusions);
    Console.WriteLine(table.Title);
    Report.Table(Console.Out, results, sizes.CodeSizes);
    foreach (var r in results)
        if (best is null || r.Scores.Accuracy > best.Value.Row.Scores.Accuracy) best = (table.Short, r, confusions[r.Name]);
    if (table.Short == "table 1" && experiment.LargestCode is { } code && experiment.TrainView is { } view)
    {
        latents = Latents.Describe(view, code, tokens);
        // Table 3 on table 1's token columns: stratified parts of the training glosses labelled, then all.
        var parts = labelledParts.Select(p => (IReadOnlyList<(string, string)>)p.Select(s => (table.Text(s), WordNetData.Supersenses[s.Supersense])).ToList()).ToList();
        fewerLabels = experiment.RunFewerLabels("table 3", parts);
    }
    Time($"{table.Short} done");
}
Console.WriteLine($"table 3: supersense from the gloss with fewer labels: the classifier on a stratified part of the {train.Count} training " +
                  $"glosses, the code ({sizes.FewerLabelsCode}, K {RunSizes.K(sizes.FewerLabelsCode)}) trained on all of them without their labels");
Report.FewerLabels(Console.Out, fewerLabels);
Time("table 3 done");

var (bestTable, bestRow, bestConfusion) = best!.Value;
int largest = sizes.CodeSizes.Max();
var latentText = $"The TopK code ({largest}) of table 1 (glosses): for each supersense, the latent most particular to it " +
                 $"(largest mean activation in the class minus overall) and the {10} tokens with the largest decoder weights\n" +
                 string.Join("\n", latents) + "\n";
try
{
    // Checked again: the folder may have changed during the run.
    if (SparseAe.Samples.OutputFolder.Problem(arguments.OutputDirectory, outputFiles) is string late)
        throw new IOException($"--output-dir: {late}");
    Directory.CreateDirectory(arguments.OutputDirectory);   // the check leaves no folder it made
    AtomicFile.Write(Path.Combine(arguments.OutputDirectory, "confusion.png"), s => s.Write(ConfusionMatrixChart.RenderPng(bestConfusion,
        WordNetData.Supersenses, $"{bestTable}, {bestRow.Name}: accuracy {bestRow.Scores.Accuracy:F4}, macro-F1 {bestRow.Scores.MacroF1:F4}")));
    AtomicFile.Write(Path.Combine(arguments.OutputDirectory, "latents.txt"), s => s.Write(System.Text.Encoding.UTF8.GetBytes(latentText)));
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"WordNetSupersenses: the results could not be written: {e.Message}");
    return 1;
}
Console.Error.Write(latentText);
// Which model is best can change between near-equal rows on another CPU, so standard output does not
// name it (the picture's title and standard error do).
Console.Error.WriteLine($"best model by accuracy: {bestTable}, {bestRow.Name}");
Console.WriteLine($"wrote confusion.png (the best model by accuracy) and latents.txt ({latents.Count} latents of the code ({largest}) of table 1)");
Time($"pictures written to {Path.GetFullPath(arguments.OutputDirectory)}");
return 0;
