using SparseAe.Persistence;

namespace SparseAe.Cli.Infrastructure;

/// <summary>
/// A run's outputs, written all or nothing: each is staged in its temporary file (<see cref="AtomicFile.Stage"/>), and
/// only once every one is written are they renamed over their paths, in the order added. A write that fails (a full
/// disk) leaves every output as it was: train replaced its outputs one by one, so a full disk at --curve left the new
/// model beside the last run's pictures. A device or pipe among them is written after every file is staged and before any
/// is renamed. Only a rename can still fail part-way (the folder changed under the run), and that is said with the
/// outputs it had replaced. Every new file and every old one are on the disk together until the renames.
/// </summary>
internal sealed class OutputSet : IDisposable
{
    private readonly List<(string Flag, string Path, AtomicFile.Staged File)> _staged = [];

    /// <summary>Writes the output that <paramref name="flag"/> names at <paramref name="path"/> to its temporary file.</summary>
    public void Add(string flag, string path, Action<Stream> write)
    {
        AtomicFile.Staged? staged = null;
        CliFiles.Write(flag, path, () => staged = AtomicFile.Stage(path, write), _staged.Count > 0 ? "no output was replaced" : null);
        _staged.Add((flag, path, staged!));
    }

    /// <summary>
    /// Writes the outputs that are devices or pipes (/dev/stdout), which can still fail, then renames every file over
    /// its path.
    /// </summary>
    public void Commit()
    {
        var written = new List<string>();
        foreach (var (flag, path, file) in _staged.Where(o => o.File.IsDevice))
        {
            // A device written has its bytes: "no output was replaced" would be true of the files only.
            CliFiles.Write(flag, path, file.Commit, _staged.Count == 1 ? null
                : written.Count == 0 ? "no output was replaced"
                : $"no file was replaced, but {string.Join(", ", written)} {(written.Count == 1 ? "was" : "were")} written");
            written.Add($"{flag} '{path}'");
        }
        var renamed = new List<string>();
        foreach (var (flag, path, file) in _staged.Where(o => !o.File.IsDevice))
        {
            CliFiles.Write(flag, path, file.Commit, renamed.Count > 0 ? $"the outputs before it were replaced: {string.Join(", ", renamed)}" : null);
            renamed.Add($"{flag} '{path}'");
        }
    }

    /// <summary>Removes the temporary files of outputs not committed: their files keep their old content.</summary>
    public void Dispose()
    {
        foreach (var (_, _, file) in _staged) file.Dispose();
    }
}
