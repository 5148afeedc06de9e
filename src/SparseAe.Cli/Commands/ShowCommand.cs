using System.CommandLine;
using Microsoft.ML;
using SparseAe.Cli.Experiment;
using SparseAe.Cli.Infrastructure;
using SparseAe.Visualization;

namespace SparseAe.Cli.Commands;

/// <summary>
/// <c>sparseae show --model model.zip --filters filters.png</c>: the filter grid of a saved model: its sparse
/// autoencoder's, or a convolutional featurizer's patch autoencoder's (of several, the one --output-column names).
/// </summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model zip saved by sparseae train or MLContext.Model.Save.", Required = true };
        var filters = new Option<string>("--filters") { Description = "Where to write the filter grid PNG.", DefaultValueFactory = _ => "filters.png" };
        var patchHeight = new Option<int?>("--patch-height") { Description = "Tile height, a divisor of V (default: the divisor closest to sqrt(V) from below: 8 for 64, 25 for 1,000)." };
        var column = new Option<string?>("--output-column") { Description = "The code column of the autoencoder or convolutional featurizer to draw, when the model has several (e.g. Code)." };
        var command = new Command("show", "Draw the hidden units' filters of a saved model.") { model, filters, patchHeight, column };
        command.SetAction(r => CommandRunner.Run(() => Run(r.GetValue(model)!, r.GetValue(filters)!, r.GetValue(patchHeight), Console.Out, r.GetValue(column))));
        return command;
    }

    internal static void Run(string modelPath, string filtersPath, int? patchHeight, TextWriter output, string? column = null)
    {
        CliFiles.CheckOutputs([("--model", modelPath)], ("--filters", filtersPath));
        var weights = ModelFiles.Weights(ModelFiles.Load(new MLContext(), modelPath), modelPath, column);
        int v = weights.VisibleCount;
        if (patchHeight < 1) throw new UsageException($"--patch-height must be at least 1, but is {patchHeight}.");
        int height = patchHeight ?? FilterGridLayout.TileShape(v).Height;
        if (v % height != 0)
            throw new UsageException($"--patch-height must divide the filter length {v}, but is {height}.");
        // Said in show's words: the library's names its arguments (patchHeight, minTileWidth). A height the user did not
        // give is said to be the default, as train says its defaults: "--patch-height 37:" read as if it had been typed.
        string heightSaid = patchHeight is null ? $"--patch-height {height} (by default)" : $"--patch-height {height}";
        if (ModelOutputs.GridTooLarge(weights.HiddenCount, height, v / height) is { } tooLarge)
            throw new UsageException(tooLarge.OtherHeight is int other
                ? $"{heightSaid}: {tooLarge.Problem}; --patch-height {other} fits."
                : $"{heightSaid}: {tooLarge.Problem}, in tiles of any shape ({(tooLarge.MostHidden > 0 ? $"a model of {tooLarge.MostHidden} hidden units or fewer would fit" : "not even one filter fits")}).");
        CliFiles.Write("--filters", filtersPath, () => SparseAe.Persistence.AtomicFile.Write(filtersPath, ModelOutputs.Filters(weights, height, v / height)));
        CliFiles.NoteFor(filtersPath, output).WriteLine($"wrote {filtersPath}: {weights.HiddenCount} filters of {height}x{v / height}");
    }
}
