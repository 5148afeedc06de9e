using System.Diagnostics;

namespace SparseAe.Benchmarking;

/// <summary>
/// Runs the bench again for each vector path narrower than this process's widest, so that one machine
/// measures them all: .NET's DOTNET_Enable* switches turn off AVX-512 (the 256-bit path), AVX2 and FMA
/// (the 128-bit path without FMA) or every hardware intrinsic (the scalar path), and
/// DOTNET_PreferredVectorBitWidth=128 keeps FMA but takes 128-bit vectors: the shape of ARM64's NEON,
/// which fuses its multiply-adds.
/// A child whose first line does not name the width its switch should select fails the run: .NET 10
/// renamed AVX-512's switch (DOTNET_EnableAVX512F no longer has any effect), and a bench that silently
/// measured the 512-bit path under the 256-bit heading went unnoticed until it ran on an AVX-512 CPU.
/// </summary>
internal static class BenchWidths
{
    private static readonly (int Bits, string Variable, string Value)[] Switches =
    [
        (256, "DOTNET_EnableAVX512", "0"),
        (128, "DOTNET_PreferredVectorBitWidth", "128"),
        (128, "DOTNET_EnableAVX2", "0"),
        (32, "DOTNET_EnableHWIntrinsic", "0"),
    ];

    /// <param name="cancel">Cancelled by the Ctrl+C that the terminal sends to the children too: the run then ends with
    /// <see cref="OperationCanceledException"/> rather than as a child's failure.</param>
    public static void RunNarrower(IEnumerable<string> arguments, CancellationToken cancel = default)
    {
        int widest = Kernels.Simd.SimdWidths.WidestBits;
        string entry = Environment.GetCommandLineArgs()[0];
        foreach (var (bits, variable, value) in Switches)
        {
            if (bits >= widest) continue;
            cancel.ThrowIfCancellationRequested();
            var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = true };
            // Run as "dotnet sparseae.dll ..." or as the apphost "sparseae ...", whichever this process is.
            // The entry is the .dll in both (the apphost too reports its managed assembly), so only the
            // host is given it: `dotnet run` starts the apphost, which took "sparseae.dll" for a command.
            if (!IsApphost(Environment.ProcessPath!, entry)) start.ArgumentList.Add(entry);
            foreach (var a in arguments) start.ArgumentList.Add(a);
            start.Environment[variable] = value;
            Console.WriteLine($"--- {variable}={value} ---");
            RunChild(start, bits, variable, value, Console.Out, cancel);
        }
    }

    /// <summary>
    /// Runs one child (<paramref name="start"/>, its standard output redirected) and copies its lines to
    /// <paramref name="output"/> as they come; fails the run with a <see cref="BenchChildException"/> if its first line
    /// does not name the <paramref name="bits"/>-bit vector that <paramref name="variable"/>=<paramref name="value"/>
    /// should select, or if it exits with a code other than 0.
    /// </summary>
    internal static void RunChild(ProcessStartInfo start, int bits, string variable, string value, TextWriter output, CancellationToken cancel = default)
    {
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        string? first = child.StandardOutput.ReadLine();
        if (first is null)
        {
            child.WaitForExit();
            cancel.ThrowIfCancellationRequested();
            // A child that failed before its first line (its own error is on standard error, above) was reported as
            // "should select the 256-bit path, but the bench reported: nothing", which blamed the switch.
            if (child.ExitCode != 0) throw Exited(variable, value, child.ExitCode);
        }
        else output.WriteLine(first);
        if (first is null || !first.Contains($" vector={bits} ", StringComparison.Ordinal))
        {
            child.Kill();
            throw new BenchChildException($"{variable}={value} should select the {bits}-bit path, but the bench reported: {first ?? "nothing"}", 0);
        }
        for (string? line; (line = child.StandardOutput.ReadLine()) is not null;) output.WriteLine(line);
        child.WaitForExit();
        cancel.ThrowIfCancellationRequested();
        if (child.ExitCode != 0) throw Exited(variable, value, child.ExitCode);
    }

    // A child that exits 130 was stopped by a Ctrl+C (the terminal sends it to the children too) that reached it before
    // this process's own handler had run: the run is cancelled, not failed.
    private static Exception Exited(string variable, string value, int code) => code == 130
        ? new OperationCanceledException($"the bench with {variable}={value} was stopped by Ctrl+C")
        : new BenchChildException($"the bench with {variable}={value} exited with code {code} (its own message, if it gave one, is above); the figures before it are complete.", code);

    // The apphost is named after its assembly (sparseae and sparseae.dll; sparseae.exe on Windows); the
    // host that runs a .dll is dotnet.
    internal static bool IsApphost(string processPath, string entry)
        => string.Equals(Path.GetFileNameWithoutExtension(processPath), Path.GetFileNameWithoutExtension(entry), StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A child of <c>--each-width</c> that failed (<see cref="ExitCode"/> is its exit code) or measured another vector
/// width than its switch should select (<see cref="ExitCode"/> 0). It is neither bad input of this run nor a fault of
/// this process, so the CLI says it as an error of its own rather than as an internal error.
/// </summary>
internal sealed class BenchChildException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
