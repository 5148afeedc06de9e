using System.Runtime.InteropServices;

namespace WordNetSupersensesSample;

/// <summary>
/// ML.NET's LDA is native code (LightLDA) that prints its progress with printf to the process's
/// standard output; the sample keeps standard output for results, so while LDA runs, file descriptor 1
/// points at standard error (Linux and macOS; elsewhere the action just runs).
/// </summary>
internal static partial class NativeOutput
{
    public static T ToStandardError<T>(Func<T> action)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())) return action();
        Console.Out.Flush();
        Fflush(IntPtr.Zero);
        int saved = Dup(1);
        if (saved < 0) return action();
        Dup2(2, 1);
        try
        {
            return action();
        }
        finally
        {
            Fflush(IntPtr.Zero);   // printf's buffer goes to standard error before the descriptor is restored
            Dup2(saved, 1);
            Close(saved);
        }
    }

    [LibraryImport("libc", EntryPoint = "dup")] private static partial int Dup(int fd);
    [LibraryImport("libc", EntryPoint = "dup2")] private static partial int Dup2(int from, int to);
    [LibraryImport("libc", EntryPoint = "close")] private static partial int Close(int fd);
    [LibraryImport("libc", EntryPoint = "fflush")] private static partial int Fflush(IntPtr stream);
}
