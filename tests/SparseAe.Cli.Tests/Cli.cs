using System.Diagnostics;
using System.Reflection;

namespace SparseAe.Cli.Tests;

/// <summary>Runs the real sparseae program in its own process.</summary>
internal static class Cli
{
    public static string Path => typeof(Cli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CliPath").Value!;

    /// <summary>`dotnet sparseae.dll args...` in <paramref name="workingDirectory"/>, both outputs redirected.</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    public static (int ExitCode, string Out, string Err) Run(string workingDirectory, params string[] args)
        => Run(StartInfo(workingDirectory, args));

    /// <summary>
    /// `dotnet program.dll args...` for a sample or tool this test project builds (not references), whose path the
    /// project file gives as the assembly metadata <paramref name="pathKey"/> ("DigitsSamplePath"), both outputs redirected.
    /// </summary>
    public static ProcessStartInfo ProgramStartInfo(string pathKey, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(typeof(Cli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == pathKey).Value!);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Runs <see cref="ProgramStartInfo"/>'s program to its end, as <see cref="Run(ProcessStartInfo, string?)"/>.</summary>
    public static (int ExitCode, string Out, string Err) RunProgram(string pathKey, params string[] args) => Run(ProgramStartInfo(pathKey, args));

    /// <summary>
    /// Runs <paramref name="start"/> (both outputs redirected) to its end, at most 5 minutes; with
    /// <paramref name="input"/>, its standard input is a pipe that gives that text and then ends.
    /// </summary>
    public static (int ExitCode, string Out, string Err) Run(ProcessStartInfo start, string? input = null)
        => Run(start, input is null ? null : pipe => pipe.Write(input));

    /// <summary>As <see cref="Run(ProcessStartInfo, string?)"/>, with standard input a pipe that gives <paramref name="input"/>'s bytes (a model zip, a MAT file).</summary>
    public static (int ExitCode, string Out, string Err) Run(ProcessStartInfo start, byte[] input)
        => Run(start, pipe => { pipe.Flush(); pipe.BaseStream.Write(input); });

    private static (int ExitCode, string Out, string Err) Run(ProcessStartInfo start, Action<StreamWriter>? write)
    {
        start.RedirectStandardInput = write is not null;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (write is not null)
        {
            try
            {
                write(process.StandardInput);
                process.StandardInput.Close();
            }
            catch (IOException) { }   // the program ended without reading it all: its exit says why
        }
        if (!process.WaitForExit(300_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish in 5 minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Fixture(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "mat", name);

    /// <summary>tools/SparseAe.Fuzz/findings/TARGET, beside the fuzz harness the tests run (FuzzHarnessPath: tools/SparseAe.Fuzz/bin/CONFIG/net10.0).</summary>
    public static string FuzzFindings(string target)
    {
        string harness = typeof(Cli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FuzzHarnessPath").Value!;
        return System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(harness)!, "..", "..", "..", "findings", target));
    }
}
