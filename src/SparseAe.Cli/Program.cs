using System.CommandLine;
using System.Globalization;
using SparseAe.Cli.Commands;
using SparseAe.Cli.Infrastructure;

// One culture for every number read or written (options, help defaults, CSV, messages): the invariant
// one, so that a run means and prints the same under any locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

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
NumberOptions.UseInvariantParsers(root);
var parsed = root.Parse(args);
// An option that needs a value and is given again, last and bare ("--iterations 2 --iterations"), parses
// without an error: the first value satisfies the parser. Said here, as a missing value is.
string? bare = parsed.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>()
    .FirstOrDefault(o => o.Option.Arity.MinimumNumberOfValues >= 1 && o.IdentifierTokenCount > o.Tokens.Count)?.Option.Name;
// An option left without its value takes the next option's name as the value ("--curve --filters" wrote the
// curve to a file named --filters): a value that is an option of the command is said as a missing value.
var optionNames = parsed.CommandResult.Command.Options.Concat(root.Options).SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet();
var swallowed = parsed.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>()
    .SelectMany(o => o.Tokens.Where(t => optionNames.Contains(t.Value)).Select(t => (Option: o.Option.Name, Value: t.Value)))
    .FirstOrDefault();
// A single-valued option given more than once was the parser's "expects a single argument but 2 were provided",
// which named neither value, and a flag given with a value and bare ("--quick=false --quick") took the value
// without a word. Refused naming the values; a flag given twice bare ("--quick --quick") means one thing and passes.
var repeated = parsed.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>()
    .FirstOrDefault(o => o.Option.Arity.MaximumNumberOfValues == 1 && o.IdentifierTokenCount > 1 && o.Tokens.Count > 0 && o.Option.Name != bare);
string[] repeatedValues = repeated is null ? [] : [.. repeated.Tokens.Select(t => $"'{t.Value}'"),
    .. Enumerable.Repeat("without a value", repeated.IdentifierTokenCount - repeated.Tokens.Count)];
if (parsed.Errors.Count > 0 || bare is not null || swallowed.Value is not null || repeated is not null)
{
    // Bad arguments: one line and exit code 2, before anything runs. A word the parser did not take
    // (an unknown command, say) is named first: the "command was not provided" that follows is its echo.
    var command = parsed.CommandResult.Command;
    string help = command == root ? "sparseae --help" : $"sparseae {command.Name} --help";
    string message = parsed.UnmatchedTokens.Count > 0 && command == root
        ? $"'{parsed.UnmatchedTokens[0]}' is not a command; the commands are {string.Join(", ", root.Subcommands.Select(c => c.Name))}."
        // A swallowed option name comes first: the parser's errors that follow (the option's own value left over,
        // a required option missing) are its echo.
        : swallowed.Value is not null ? $"Option '{swallowed.Option}' has no value: it is followed by the option '{swallowed.Value}'; give {swallowed.Option} its value."
        : repeated is not null ? $"Option '{repeated.Option.Name}' is given {repeatedValues.Length} times, as {string.Join(", ", repeatedValues[..^1])} and {repeatedValues[^1]}; give it once."
        : parsed.Errors.Count > 0 ? parsed.Errors[0].Message
        : $"Option '{bare}' is given again without a value; give it once, with its value.";
    Console.Error.WriteLine($"error: {message} (see '{help}')");
    return ExitCodes.BadInput;
}
return parsed.Invoke();
