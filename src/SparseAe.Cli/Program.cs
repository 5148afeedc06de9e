using System.CommandLine;
using SparseAe.Cli.Commands;
using SparseAe.Cli.Infrastructure;

// sparseae: the seed experiment and the model's tools from the command line.
var root = new RootCommand("sparseae: train a sparse autoencoder on image patches and use it from ML.NET.")
{
    TrainCommand.Create(),
    InspectCommand.Create(),
    ShowCommand.Create(),
    FeaturizeCommand.Create(),
    ExportOnnxCommand.Create(),
    BenchCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // Bad arguments: one line and exit code 2, before anything runs.
    Console.Error.WriteLine($"error: {parsed.Errors[0].Message} (see 'sparseae {parsed.CommandResult.Command.Name} --help')");
    return ExitCodes.BadInput;
}
return parsed.Invoke();
