using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using SparseAe.MLNet.DataViews;
using SparseAe.MLNet.MLNetInternals;
using SparseAe.MLNet.Text;

namespace SparseAe.MLNet;

/// <summary>
/// Tokenizes a text column with a Microsoft.ML.Tokenizers tiktoken encoding and chooses the vocabulary:
/// the <see cref="TokenCountsOptions.MaximumTokens"/> token ids that occur most often in the training
/// rows. The <see cref="TokenCountsTransformer"/> it returns turns each row into a sparse bag of tokens.
/// </summary>
public sealed class TokenCountsEstimator : IEstimator<TokenCountsTransformer>
{
    private readonly IHost _host;
    private readonly TokenCountsOptions _options;
    private readonly TokenEncoding _encoding;

    internal TokenCountsEstimator(IHostEnvironment env, TokenCountsOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();   // later changes to the caller's object do not reach this estimator
        _options.Validate();
        // Made now, so that an encoding whose data package is missing fails before any data are read.
        _encoding = TokenizerEncodings.Get(_options.Encoding);
        _host = env.Register(nameof(TokenCountsEstimator));
    }

    private string InputName => _options.InputColumnName ?? _options.OutputColumnName;

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return InputColumnRules.WithOutputsFromText(inputSchema, InputName, new OutputShape(_options.OutputColumnName, SchemaShape.Column.VectorKind.Vector, SlotNames: true));
    }

    /// <summary>Tokenizes every row of the input column and keeps the most frequent token ids.</summary>
    /// <exception cref="ArgumentException">The column is missing or not text, or no row holds a token.</exception>
    public TokenCountsTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = InputColumnRules.FindText(input.Schema, nameof(input), InputName);
        using var channel = _host.Start("Counting tokens");
        var frequencies = new TokenFrequencies();
        using (var cursor = input.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> text = default;
            while (cursor.MoveNext())
            {
                HostAccess.CheckAlive(_host);
                getter(ref text);
                frequencies.Add(_encoding.Encode(text.Span));
            }
        }
        var vocabulary = frequencies.Choose(_encoding, _options.MaximumTokens, _options.Weighting, _options.Normalize);
        if (vocabulary.Count == 0)
            throw new ArgumentException($"Input column '{column.Name}' holds no token in its {frequencies.Rows} rows, so there is no vocabulary to count over.", nameof(input));
        HostAccess.Info(channel, $"Token counts ({_encoding.Name}): kept {vocabulary.Count} token ids of those seen in {frequencies.Rows} rows.");
        return new TokenCountsTransformer(_options.OutputColumnName, InputName, vocabulary);
    }
}
