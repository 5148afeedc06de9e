using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace SparseAe.Mat;

/// <summary>
/// The variables of a MATLAB MAT file: level 4, level 5 (plain or zlib-compressed, either byte order) or
/// 7.3 (HDF5). Numeric data is kept in MATLAB's column-major order; see <see cref="ColumnMajorLayout"/>.
/// </summary>
/// <example>
/// <code>
/// var mat = MatFile.Read("IMAGES.mat");
/// var images = mat["IMAGES"];                 // e.g. double [512, 512, 10]
/// double[] columnMajor = images.ToDoubleArray();
/// double pixel = images.GetValue(row, column, image);
/// </code>
/// </example>
public sealed class MatFile
{
    // origins: where each variable starts, e.g. "byte offset 128", for the refusal of a repeated name.
    internal MatFile(MatFileFormat format, bool isBigEndian, IReadOnlyList<MatVariable> variables, IReadOnlyList<string> origins)
    {
        RequireUniqueNames(variables, origins);
        Format = format;
        IsBigEndian = isBigEndian;
        // A copy, read-only: the readers' list, cast back from IReadOnlyList, let a caller add a second variable of a name.
        Variables = variables.ToArray().AsReadOnly();
    }

    /// <summary>Which kind of MAT file was read: level 4, level 5 or 7.3 (HDF5).</summary>
    public MatFileFormat Format { get; }

    /// <summary>True when the file's numbers are big-endian (level 4 and 5 only; 7.3 reports false).</summary>
    public bool IsBigEndian { get; }

    /// <summary>The variables in file order, including those whose contents are not decoded.</summary>
    public IReadOnlyList<MatVariable> Variables { get; }

    // Why two variables of one name are refused, said by every format's refusal (a 7.3 root group's in Hdf5MatReader).
    internal const string UniqueNamesRule = "names in a MAT file must be unique, so which of the two is meant cannot be told";

    // Two variables of one name: the lookup returned the first without a word, though which of them the name
    // means cannot be told. Refused as a malformed file, as MatWriter refuses to write one (MATLAB writes none).
    private static void RequireUniqueNames(IReadOnlyList<MatVariable> variables, IReadOnlyList<string> origins)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < variables.Count; i++)
        {
            string name = variables[i].Name;
            if (!first.TryAdd(name, i))
                throw new InvalidDataException(
                    $"Variable '{name}' at {origins[i]} has the same name as the variable at {origins[first[name]]}; {UniqueNamesRule}.");
        }
    }

    /// <summary>The variable called <paramref name="name"/> (case-sensitive, as in MATLAB).</summary>
    /// <exception cref="KeyNotFoundException">No variable has that name; the message lists those that exist.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public MatVariable this[string name] => TryGetVariable(name, out var variable)
        ? variable
        : throw new KeyNotFoundException(
            $"The MAT file has no variable '{name}'; it has {(Variables.Count == 0 ? "none" : string.Join(", ", Variables.Select(v => $"'{v.Name}'")))}.");

    /// <summary>Finds the variable called <paramref name="name"/> (case-sensitive, as in MATLAB).</summary>
    /// <returns>True and the variable, or false and null when the file has no variable of that name.</returns>
    public bool TryGetVariable(string name, [MaybeNullWhen(false)] out MatVariable variable)
    {
        ArgumentNullException.ThrowIfNull(name);   // as a dictionary's key; the indexer said "no variable ''"
        variable = Variables.FirstOrDefault(v => v.Name == name);
        return variable is not null;
    }

    /// <summary>Reads a MAT file from disk.</summary>
    /// <exception cref="InvalidDataException">The file is damaged, not a MAT file or holds two variables of one name; the message names the byte offset.</exception>
    /// <exception cref="NotSupportedException">A level-4 or level-5 file, or a 7.3 variable, is larger than one array holds (about 2 GB).</exception>
    public static MatFile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Read(stream);
    }

    /// <summary>
    /// Reads a MAT file from the current position of <paramref name="stream"/> to its end. Level-4 and
    /// level-5 files are read into memory whole; 7.3 files are read through the (seekable) stream.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is damaged, not a MAT file or holds two variables of one name; the message names the byte offset.</exception>
    /// <exception cref="NotSupportedException">A level-4 or level-5 file, or a 7.3 variable, is larger than one array holds (about 2 GB).</exception>
    public static MatFile Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw new ArgumentException("The stream must be readable.", nameof(stream));

        // The 7.3 reader addresses the stream from its start, so anything else is first copied to memory.
        if (!stream.CanSeek || stream.Position != 0)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            return Read(copy);
        }

        var header = new byte[Level5Reader.HeaderLength];
        int headerLength = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (headerLength == header.Length && Level5Reader.HasHeader(header) && Level5Reader.Version(header) == 0x0200)
            return Hdf5MatReader.Read(stream);

        // An HDF5 file without MATLAB's header (h5py's own, or a user block left as zeros) said as such, not read whole first.
        if (!Level5Reader.HasHeader(header) && Hdf5SignatureOffset(stream, header, headerLength) is { } at)
            throw new InvalidDataException(
                $"Not a MAT file: it is an HDF5 file (signature at byte offset {at}), but a 7.3 MAT file is one behind MATLAB's " +
                $"{Hdf5MatReader.UserBlockLength}-byte header (its text \"MATLAB 7.3 MAT-file\", version 0x0200 at byte offset 124 and 'IM' at 126): " +
                "save it with MATLAB's save -v7.3, or write that header in a 512-byte user block.");

        byte[] file = ReadAll(stream, header, headerLength);
        if (Level5Reader.HasHeader(file)) return Level5Reader.Read(file);
        if (Level4Reader.LooksLikeLevel4(file)) return Level4Reader.Read(file);
        throw NotAMatFile(file);
    }

    // Where the HDF5 signature is, at byte offset 0 or after a 512-byte user block; null if at neither. Leaves the stream where it was.
    private static long? Hdf5SignatureOffset(Stream stream, byte[] header, int headerLength)
    {
        if (header.AsSpan(0, headerLength).StartsWith(Hdf5.Hdf5Superblock.Signature)) return 0;
        var at = new byte[Hdf5.Hdf5Superblock.Signature.Length];
        stream.Position = Hdf5MatReader.UserBlockLength;
        int read = stream.ReadAtLeast(at, at.Length, throwOnEndOfStream: false);
        stream.Position = headerLength;
        return read == at.Length && at.AsSpan().SequenceEqual(Hdf5.Hdf5Superblock.Signature) ? Hdf5MatReader.UserBlockLength : null;
    }

    private static byte[] ReadAll(Stream stream, byte[] header, int headerLength)
    {
        long length = stream.Length;
        if (length > Array.MaxLength)
            throw new NotSupportedException(
                $"The MAT file is {length} bytes; level-4 and level-5 files are read into memory and may be at most {Array.MaxLength} bytes.");
        // /dev/zero or a /proc file: seekable, with a length of 0, yet it reads on (a pipe is not seekable, so copied whole above).
        if (length < headerLength)
            throw new InvalidDataException(
                $"The file says it is {length} bytes long, but {headerLength} bytes were read from it: it is not a regular file (a device or a /proc file?); " +
                "a MAT file is read from a regular file or a pipe.");
        var file = new byte[length];
        header.AsSpan(0, headerLength).CopyTo(file);
        int read = headerLength + stream.ReadAtLeast(file.AsSpan(headerLength), file.Length - headerLength, throwOnEndOfStream: false);
        return read == file.Length ? file : file[..read];
    }

    private static InvalidDataException NotAMatFile(byte[] file)
    {
        if (file.Length == 0)
            return new InvalidDataException(
                "Not a MAT file: it is empty (it ends at byte offset 0), but a MAT file starts with a 128-byte level-5 header or a 20-byte level-4 matrix header.");
        var level5Prefix = "MATLAB"u8;
        if (file.Length < Level5Reader.HeaderLength && file.AsSpan().StartsWith(level5Prefix[..Math.Min(file.Length, level5Prefix.Length)]))
            return new InvalidDataException(
                $"The file starts like a level-5 MAT header but ends at byte offset {file.Length}, before the {Level5Reader.HeaderLength}-byte header is complete.");
        string start = Printable(file.AsSpan(0, Math.Min(file.Length, 16)));
        string indicator = file.Length >= Level5Reader.HeaderLength ? $"'{Printable(file.AsSpan(126, 2))}'" : "missing (the file is shorter)";
        string level5 = indicator is "'IM'" or "'MI'"
            ? $"the level-5 endian indicator at byte offset 126 is {indicator}, but a level-5 header's first 4 bytes hold no zero and these are {Convert.ToHexString(file, 0, 4)}"
            : $"the level-5 endian indicator at byte offset 126 should be 'IM' or 'MI' but is {indicator}";
        return new InvalidDataException(
            $"Not a MAT file: {level5}, " +
            $"and the bytes at byte offset 0 (\"{start}\") are not a level-4 matrix header either; the file is {file.Length} bytes.");
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (byte b in bytes) text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        return text.ToString();
    }
}
