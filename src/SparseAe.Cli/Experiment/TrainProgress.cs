using System.Globalization;
using SparseAe.Training;
using Spectre.Console;

namespace SparseAe.Cli.Experiment;

/// <summary>
/// Shows training progress: a live Spectre.Console bar with the cost on a terminal, or a plain line
/// every few iterations when the output is redirected (CI logs, pipes) or the run's lines go elsewhere (to standard
/// error when an output is standard output).
/// </summary>
internal static class TrainProgress
{
    public static T Run<T>(int total, string unit, TextWriter log, Func<Action<TrainingProgress>, T> train)
    {
        if (log != Console.Out || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            int every = Math.Max(1, total / 10);
            return train(p =>
            {
                int done = unit == "epochs" ? p.Epoch : p.Iteration;
                if (done % every == 0 || done == total)
                    log.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0} {1}/{2}: J {3:G6}  ({4:F1} s)", unit, done, total, p.Cost.Total, p.Elapsed.TotalSeconds));
            });
        }
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"training ({unit})", maxValue: total);
                result = train(p =>
                {
                    task.Value = unit == "epochs" ? p.Epoch : p.Iteration;
                    task.Description = string.Format(CultureInfo.InvariantCulture, "J {0:G6}", p.Cost.Total);
                });
                task.Value = total;
            });
        return result;
    }
}
