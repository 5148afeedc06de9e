using System.Diagnostics;

namespace SparseAe.Fuzz;

/// <summary>
/// Runs saved inputs without libFuzzer: each file's outcome (accepted, rejected as documented, or FAIL with
/// the exception), time and allocation. Exit code 1 when any file fails: that makes the findings and the
/// corpus regression tests.
/// </summary>
public static class Repro
{
    /// <param name="isolate">Run each file in a child process, so that a stack overflow or a FailFast (which
    /// end the process) is reported as that file's failure and the other files still run.</param>
    public static int Run(FuzzTarget target, string[] paths, bool isolate = false)
    {
        var files = paths.SelectMany(p => Directory.Exists(p)
                ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.') && Path.GetExtension(f) != ".md").Order()
                : (IEnumerable<string>)[p]).ToList();
        if (!isolate) target.WarmUp();
        int failures = 0;
        foreach (var file in files)
        {
            if (isolate)
            {
                if (!RunIsolated(target, file)) failures++;
                continue;
            }
            var input = File.ReadAllBytes(file);
            long start = Stopwatch.GetTimestamp();
            try
            {
                var o = Guard.Execute(target, input);
                Console.WriteLine($"ok    {file}  {input.Length} B  {o.Elapsed.TotalMilliseconds:0.0} ms  {o.AllocatedBytes} B allocated (limit {o.AllocationLimit})  {o.Result}");
            }
            catch (Exception e)
            {
                failures++;
                var elapsed = Stopwatch.GetElapsedTime(start);
                var root = e;
                var types = new List<string> { e.GetType().Name };
                while (root.InnerException is not null) { root = root.InnerException; types.Add(root.GetType().Name); }
                var top = new StackTrace(root).GetFrames().Select(f => f.GetMethod()).FirstOrDefault(m => m is not null);
                Console.WriteLine($"FAIL  {file}  {input.Length} B  {elapsed.TotalMilliseconds:0.0} ms  {e.GetType().FullName}: {e.Message.ReplaceLineEndings(" ")}");
                Console.WriteLine($"      chain {string.Join(" -> ", types)}: {root.Message.ReplaceLineEndings(" ")}; thrown at {top?.DeclaringType?.FullName}.{top?.Name}");
                if (Environment.GetEnvironmentVariable("SPARSEAE_FUZZ_VERBOSE") is "1") Console.WriteLine(e);
            }
        }
        Console.WriteLine($"{files.Count - failures} passed, {failures} failed");
        return failures == 0 ? 0 : 1;
    }

    private static bool RunIsolated(FuzzTarget target, string file)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            start.ArgumentList.Add(typeof(Repro).Assembly.Location);
        foreach (var a in new[] { "repro", target.Name, file }) start.ArgumentList.Add(a);
        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync();
        var lines = child.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        child.WaitForExit();
        var results = lines.Where(l => !l.EndsWith(" failed")).ToList();
        if (results.Count > 0)
        {
            foreach (var line in results) Console.WriteLine(line);
            return child.ExitCode == 0;
        }
        var why = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        Console.WriteLine($"FAIL  {file}  the process died (exit code {child.ExitCode}): {why}");
        return false;
    }
}
