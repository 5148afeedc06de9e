using Microsoft.ML.Data;
using Microsoft.ML;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>One test per bad input: each is a clear exception naming the column or option, the rule and the value.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly MLContext _ml = new(seed: 1);
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private SparseAutoencoderEstimator Small(string input = "Features", int iterations = 5)
        => _ml.Transforms.SparseAutoencoder("Code", input, hiddenCount: 3, maxIterations: iterations);

    [Fact]
    public void Missing_column_at_Fit()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Small("Pixels").Fit(_ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(10, 1))));
        Assert.Contains("'Pixels' was not found", e.Message);
        Assert.Contains("'Features'", e.Message);
    }

    [Fact]
    public void Missing_column_at_GetOutputSchema()
    {
        var shape = SchemaShapeOf(_ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(2, 1)));
        Assert.Contains("'Pixels' was not found", Assert.ThrowsAny<ArgumentException>(() => Small("Pixels").GetOutputSchema(shape)).Message);
    }

    [Fact]
    public void A_missing_column_in_data_without_columns_says_there_are_none()
    {
        // The list of the columns there are was empty: "the data have columns: ."
        var none = new DataViewSchema.Builder().ToSchema();
        var e = Assert.ThrowsAny<ArgumentException>(() => Small().Fit(new EmptyDataView(none)));
        Assert.StartsWith("Input column 'Features' was not found; the data have no columns.", e.Message);
        var shape = Mapping.MappedViewContractTests.SchemaShapeOf(none);
        Assert.StartsWith("Input column 'Features' was not found; the data have no columns.",
            Assert.ThrowsAny<ArgumentException>(() => Small().GetOutputSchema(shape)).Message);
    }

    private sealed class EmptyDataView(DataViewSchema schema) : IDataView
    {
        public DataViewSchema Schema => schema;
        public bool CanShuffle => false;
        public long? GetRowCount() => 0;
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => throw new NotSupportedException();
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => throw new NotSupportedException();
    }

    [Fact]
    public void Variable_size_vector_at_Fit_and_at_GetOutputSchema()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new VariableVec { Features = [0.1f, 0.2f] } });
        var e = Assert.ThrowsAny<ArgumentException>(() => Small().Fit(data));
        Assert.Contains("known-size vector of Single", e.Message);
        Assert.Contains("variable", e.Message);
        Assert.Contains("variable", Assert.ThrowsAny<ArgumentException>(() => Small().GetOutputSchema(SchemaShapeOf(data))).Message);
    }

    [Fact]
    public void Non_Single_vector_and_scalar_columns()
    {
        var doubles = _ml.Data.LoadFromEnumerable(new[] { new DoubleVec { Features = new double[8] } });
        var e = Assert.ThrowsAny<ArgumentException>(() => Small().Fit(doubles));
        Assert.Contains("'Features' must be a known-size vector of Single", e.Message);
        Assert.Contains("Double", e.Message);
        Assert.Contains("Double", Assert.ThrowsAny<ArgumentException>(() => Small().GetOutputSchema(SchemaShapeOf(doubles))).Message);
        var scalar = _ml.Data.LoadFromEnumerable(new[] { new ScalarRow { Features = 1 } });
        Assert.Contains("but is Single", Assert.ThrowsAny<ArgumentException>(() => Small().Fit(scalar)).Message);
        Assert.Contains("a scalar", Assert.ThrowsAny<ArgumentException>(() => Small().GetOutputSchema(SchemaShapeOf(scalar))).Message);
    }

    [Fact]
    public void A_key_or_a_variable_vector_of_another_type_is_named_so_at_GetOutputSchema()
    {
        // The shape's message said "a scalar of UInt32" for a key, and left out a variable vector's item type.
        foreach (var (type, said) in new (DataViewType, string)[]
        {
            (new KeyDataViewType(typeof(uint), 10), "a scalar key of UInt32"),
            (new VectorDataViewType(new KeyDataViewType(typeof(uint), 10), 8), "a vector key of UInt32"),
            (new VectorDataViewType(NumberDataViewType.Double), "a variable-size vector of Double"),
            (new VectorDataViewType(NumberDataViewType.Single), "a variable-size vector of Single"),
        })
        {
            var schema = new DataViewSchema.Builder();
            schema.AddColumn("Features", type);
            var shape = Mapping.MappedViewContractTests.SchemaShapeOf(schema.ToSchema());
            Assert.StartsWith($"Input column 'Features' must be a known-size vector of Single, but is {said}.",
                Assert.ThrowsAny<ArgumentException>(() => Small().GetOutputSchema(shape)).Message);
        }
    }

    [Fact]
    public void Wrong_vector_size_at_Transform_and_at_GetOutputSchema_of_the_transformer()
    {
        var model = Small().Fit(_ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(20, 1)));
        var five = _ml.Data.LoadFromEnumerable(new[] { new Vec5 { Features = new float[5] } });
        var e = Assert.ThrowsAny<ArgumentException>(() => model.Transform(five));
        Assert.Contains("'Features' must be a vector of 8 Single values, the size the autoencoder was trained on, but has 5", e.Message);
        Assert.Contains("but has 5", e.Message);
        Assert.Contains("but has 5", Assert.ThrowsAny<ArgumentException>(() => model.GetOutputSchema(five.Schema)).Message);
        Assert.Contains("but has 5", Assert.ThrowsAny<ArgumentException>(() => model.GetRowToRowMapper(five.Schema)).Message);
    }

    [Fact]
    public void Empty_data_view()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Small().Fit(_ml.Data.LoadFromEnumerable(new List<Vec8>())));
        Assert.Contains("no rows", e.Message);
        Assert.Contains("'Features'", e.Message);
        var adam = _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", Optimizer = OptimizerKind.Adam, HiddenCount = 2 });
        Assert.Contains("no rows", Assert.ThrowsAny<ArgumentException>(() => adam.Fit(_ml.Data.LoadFromEnumerable(new List<Vec8>()))).Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void NaN_or_infinity_in_a_training_row_names_the_row(float bad)
    {
        var rows = RowFactory.Vec8Rows(10, 2);
        rows[6].Features[2] = bad;
        var e = Assert.ThrowsAny<ArgumentException>(() => Small().Fit(_ml.Data.LoadFromEnumerable(rows)));
        Assert.Matches(@"\bRow 6\b", e.Message);
        Assert.Contains("'Features'", e.Message);
        Assert.Matches(@"\bindex 2\b", e.Message);
        var adam = _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", Optimizer = OptimizerKind.Adam, HiddenCount = 2 });
        Assert.Matches(@"\bRow 6\b", Assert.ThrowsAny<ArgumentException>(() => adam.Fit(_ml.Data.LoadFromEnumerable(rows))).Message);
    }

    // Adam reads a view that shuffles itself (a binary file, a cache) in that view's random order, which
    // does not say where each row lies: the count named row 249 of a file whose NaN was in row 150.
    [Fact]
    public void NaN_in_a_view_that_shuffles_itself_is_named_in_the_order_it_was_read()
    {
        var rows = RowFactory.Vec8Rows(300, 2);
        rows[150].Features[1] = float.NaN;
        using var temp = new TempFolder();
        var path = temp.File("rows.idv");
        try
        {
            using (var file = File.Create(path)) _ml.Data.SaveAsBinary(_ml.Data.LoadFromEnumerable(rows), file);
            var adam = _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
            {
                InputColumnName = "Features", Optimizer = OptimizerKind.Adam, HiddenCount = 2, Epochs = 1, BatchSize = 16, Seed = 3, Threads = 1,
            });
            foreach (var view in new[] { _ml.Data.LoadFromBinary(path), _ml.Data.Cache(_ml.Data.LoadFromEnumerable(rows)) })
            {
                Assert.True(view.CanShuffle);
                var e = Assert.ThrowsAny<ArgumentException>(() => adam.Fit(view));
                Assert.Matches(@"^Row \d+ of this pass's random order of column 'Features' holds NaN at index 1; ", e.Message);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.ReLU)]
    [InlineData(ActivationKind.TopK)]
    [InlineData(ActivationKind.JumpReLU)]
    public void A_NaN_at_Transform_is_a_row_of_NaN_codes_for_every_activation(ActivationKind activation)
    {
        // Transform does not refuse rows (ML.NET carries NaN through as missing), so a missing input gives a
        // missing code; JumpReLU gave zeros and TopK a few NaN among zeros before.
        var rows = RowFactory.Vec8Rows(40, 3);
        var model = _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", HiddenCount = 6, Activation = activation, K = 2, Epochs = 2, MaxIterations = 5,
            ReconstructionErrorColumnName = "Error",
        }).Fit(_ml.Data.LoadFromEnumerable(rows));
        var bad = new Vec8 { Features = (float[])rows[0].Features.Clone() };
        bad.Features[5] = float.NaN;
        var output = model.Transform(_ml.Data.LoadFromEnumerable(new[] { bad, rows[1] }));
        var codes = output.GetColumn<float[]>("Code").ToArray();
        var errors = output.GetColumn<float>("Error").ToArray();
        Assert.All(codes[0], c => Assert.True(float.IsNaN(c), $"{activation}: [{string.Join(", ", codes[0])}]"));
        Assert.True(float.IsNaN(errors[0]));
        Assert.All(codes[1], c => Assert.True(float.IsFinite(c)));
        Assert.True(float.IsFinite(errors[1]));
    }

    public static TheoryData<string, SparseAutoencoderOptions> BadOptions => new()
    {
        { "HiddenCount must be at least 1, but is 0", new() { HiddenCount = 0 } },
        { "SparsityTarget (rho) must lie strictly between 0 and 1, but is 1", new() { SparsityTarget = 1 } },
        { "SparsityTarget (rho) must lie strictly between 0 and 1, but is -0.1", new() { SparsityTarget = -0.1 } },
        { "SparsityWeight (beta) must be finite and at least 0, but is -3", new() { SparsityWeight = -3 } },
        { "WeightDecay (lambda) must be finite and at least 0, but is -0.0001", new() { WeightDecay = -1e-4 } },
        { "MaxIterations must be at least 1, but is 0", new() { MaxIterations = 0 } },
        { "BatchSize must be at least 1, but is 0", new() { BatchSize = 0 } },
        { "Epochs must be at least 1, but is 0", new() { Epochs = 0 } },
        { $"LearningRate must be at least {1.1754943508222875E-38:R} and at most {float.MaxValue} (the steps are floats), but is 0", new() { LearningRate = 0 } },
        { $"LearningRate must be at least {1.1754943508222875E-38:R} and at most {float.MaxValue} (the steps are floats), but is 1E+39", new() { LearningRate = 1e39 } },   // finite as a double, infinite steps
        { $"LearningRate must be at least {1.1754943508222875E-38:R} and at most {float.MaxValue} (the steps are floats), but is 1E-300", new() { LearningRate = 1e-300 } },   // above 0 as a double, steps of 0
        { "Threads must be in 0..65535 (0 means one per logical processor this process may use), but is -1", new() { Threads = -1 } },
        { "Threads must be in 0..65535 (0 means one per logical processor this process may use), but is 65536", new() { Threads = 65_536 } },   // the pool's limit, named at once
        // System.Random draws the same numbers for -s as for s: Seed -7 trained Seed 7's model without a word.
        { "Seed must be at least 0 (System.Random draws the same numbers for -s as for s), but is -7", new() { Seed = -7 } },
        { "OutputColumnName must be a non-blank column name", new() { OutputColumnName = "" } },
        { "ReconstructionErrorColumnName must be null or a non-blank name different from OutputColumnName", new() { ReconstructionErrorColumnName = "Code" } },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Options_out_of_range_are_refused_when_the_estimator_is_made(string message, SparseAutoencoderOptions options)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => _ml.Transforms.SparseAutoencoder(options));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_cost_that_becomes_non_finite_stops_training_without_a_model()
    {
        var adam = _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Features", Optimizer = OptimizerKind.Adam, HiddenCount = 4, LearningRate = 1e6, Epochs = 50, BatchSize = 16,
        });
        var e = Assert.Throws<SparseAe.Optimization.NonFiniteCostException>(() => adam.Fit(_ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(200, 3))));
        Assert.Contains("no model is returned", e.Message);
    }

    [Fact]
    public void A_truncated_model_zip_fails_to_load_with_an_exception()
    {
        var path = SaveSmallModel(out var schema);
        var bytes = File.ReadAllBytes(path);
        foreach (int keep in new[] { 0, 10, bytes.Length / 2, bytes.Length - 30 })
        {
            var cut = Path.Combine(Path.GetDirectoryName(path)!, $"cut{keep}.bin");
            File.WriteAllBytes(cut, bytes[..keep]);
            // ML.NET's own words (a .bin name, so that no message passes by naming the file): "Failed to open a zip archive",
            // over .NET's InvalidDataException ("Central Directory corrupt." / "End of Central Directory record could not be found.").
            var e = Assert.Throws<FormatException>(() => new MLContext().Model.Load(cut, out _));
            Assert.Equal("Failed to open a zip archive", e.Message);
            Assert.Contains("Central Directory", Assert.IsType<InvalidDataException>(e.InnerException).Message);
        }
    }

    [Fact]
    public void A_model_whose_autoencoder_block_claims_more_bytes_than_it_holds_says_so()
    {
        var path = SaveSmallModel(out _);
        ModelZip.RewriteAutoencoderEntry(path, block =>
        {
            // The i32 byte count just before the block.
            int at = ModelZip.IndexOfMagic(block) - 4;
            BitConverter.TryWriteBytes(block.AsSpan(at), BitConverter.ToInt32(block, at) + 1000);
            return block;
        });
        var e = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));
        Assert.Contains("damaged or truncated", FullMessage(e));
    }

    [Fact]
    public void A_model_whose_autoencoder_entry_is_cut_short_fails_to_load()
    {
        var path = SaveSmallModel(out _);
        ModelZip.RewriteAutoencoderEntry(path, block => block[..(block.Length - 40)]);
        // ML.NET's own framing refuses it, with the FormatException the CLI names as a damaged entry
        // (ModelFiles.Reason): any other exception (one of our reader's, reading past the cut) is a different failure.
        var e = Assert.Throws<FormatException>(() => new MLContext().Model.Load(path, out _));
        // Thrown by ML.NET's own code (its ModelHeader check; the message is .NET's default), not by ours.
        Assert.StartsWith("Microsoft.ML.", e.TargetSite!.DeclaringType!.FullName);
    }

    [Fact]
    public void A_model_written_by_a_newer_version_says_so()
    {
        var path = SaveSmallModel(out _);
        ModelZip.RewriteAutoencoderEntry(path, block =>
        {
            int at = ModelZip.IndexOfMagic(block);
            BitConverter.TryWriteBytes(block.AsSpan(at + 4), 9u);
            BitConverter.TryWriteBytes(block.AsSpan(at + 8), 9u);
            return block;
        });
        var e = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));
        Assert.Contains("newer SparseAe", FullMessage(e));
    }

    [Fact]
    public void A_model_whose_column_name_its_loader_would_refuse_is_not_saved()
    {
        // ML.NET takes any column name; the saved block holds at most 4,096 UTF-8 bytes of one. The
        // estimators refuse such a name when they are made (below); a transformer made otherwise is
        // refused at Save, before any byte of its entry.
        var longName = new string('c', 5000);
        var p = SparseAe.Model.ParameterInitializer.Initialize(8, 3, 1);
        var model = new SparseAutoencoderTransformer(longName, "Features", null, p, new SparseAe.Objective.ObjectiveSettings(), FormatSamples.Summary(3));
        using var stream = new MemoryStream();
        var e = Assert.ThrowsAny<Exception>(() => _ml.Model.Save(model, null, stream));
        Assert.Contains("The UTF-8 length of column name 0 is 5000; it must lie in 0..4096. The SparseAe model is not saved: its reader would refuse it.",
            FullMessage(e));
    }

    [Fact]
    public void Estimators_refuse_a_column_name_a_saved_model_could_not_hold_when_they_are_made()
    {
        var longName = new string('c', 5000);
        const string rule = "has a UTF-8 length that is 5000; it must lie in 0..4096, so a model with it could not be saved.";
        var e = Assert.Throws<ArgumentException>(() => _ml.Transforms.SparseAutoencoder(longName, "Features"));
        Assert.Equal("OutputColumnName", e.ParamName);
        Assert.Contains("OutputColumnName " + rule, e.Message);
        e = Assert.Throws<ArgumentException>(() => _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions { InputColumnName = "Features", ReconstructionErrorColumnName = "\ud800x" }));
        Assert.Contains("ReconstructionErrorColumnName holds a lone surrogate (U+D800 at index 0)", e.Message);
        e = Assert.Throws<ArgumentException>(() => _ml.Transforms.ZcaWhitening("White", longName));
        Assert.Contains("inputColumnName " + rule, e.Message);
        e = Assert.Throws<ArgumentException>(() => _ml.Transforms.ConvolutionalSparseFeatures(new ConvolutionalFeaturizerOptions
        {
            OutputColumnName = longName, InputColumnName = "Pixels", ImageHeight = 10, ImageWidth = 10,
        }));
        Assert.Contains("OutputColumnName " + rule, e.Message);
    }

    [Fact]
    public void A_model_whose_column_names_its_loader_would_refuse_is_not_saved()
    {
        // The loader wants non-empty output and input names; the estimators ensure them, and Save holds to them too.
        var p = SparseAe.Model.ParameterInitializer.Initialize(3, 2, 1);
        var t = new SparseAutoencoderTransformer("", "Features", null, p, new SparseAe.Objective.ObjectiveSettings(), FormatSamples.Summary(2));
        var e = Assert.ThrowsAny<Exception>(() => _ml.Model.Save(t, null, new MemoryStream()));
        Assert.Contains("The sparse autoencoder entry must name [output, input, error] columns, with non-empty output and input, but holds ['', 'Features', '']. " +
            "The sparse autoencoder is not saved: its loader would refuse it.", FullMessage(e));
    }

    [Fact]
    public void A_model_whose_error_column_has_the_code_columns_name_is_refused_at_save_and_at_load()
    {
        // The estimator refuses ReconstructionErrorColumnName == OutputColumnName; such a model was saved and
        // loaded, and its scalar error column hid the code column of the same name.
        var p = SparseAe.Model.ParameterInitializer.Initialize(8, 3, 1);
        var t = new SparseAutoencoderTransformer("Code", "Features", "Code", p, new SparseAe.Objective.ObjectiveSettings(), FormatSamples.Summary(3));
        var e = Assert.ThrowsAny<Exception>(() => _ml.Model.Save(t, null, new MemoryStream()));
        Assert.Contains("The sparse autoencoder entry names the error column 'Code', the name of its output column; each column it adds must have a name of its own. " +
            "The sparse autoencoder is not saved: its loader would refuse it.", FullMessage(e));

        var data = _ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(30, 4));
        var model = _ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            OutputColumnName = "Code", InputColumnName = "Features", ReconstructionErrorColumnName = "Errs", HiddenCount = 3, MaxIterations = 5,
        }).Fit(data);
        using var temp = new TempFolder();
        var path = Path.Combine(temp, "model.zip");
        _ml.Model.Save(model, data.Schema, path);
        ModelZip.RewriteAutoencoderEntry(path, entry => ModelZip.EditPayload(entry, SparseAe.Persistence.ModelFormat.Magic, payload =>
        {
            int at = payload.IndexOf("Errs"u8);
            "Code"u8.CopyTo(payload[at..]);
        }));
        e = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));
        Assert.Contains("The sparse autoencoder entry names the error column 'Code', the name of its output column; each column it adds must have a name of its own.",
            FullMessage(e));
    }

    [Fact]
    public void A_model_with_a_flipped_weight_byte_is_refused()
    {
        var path = SaveSmallModel(out _);
        ModelZip.RewriteAutoencoderEntry(path, block => { block[ModelZip.IndexOfMagic(block) + 200] ^= 1; return block; });
        Assert.Contains("CRC-32", FullMessage(Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _))));
    }

    private string SaveSmallModel(out Microsoft.ML.DataViewSchema schema)
    {
        var data = _ml.Data.LoadFromEnumerable(RowFactory.Vec8Rows(30, 4));
        var model = Small().Fit(data);
        var path = Path.Combine(_temp.NewFolder(), "model.zip");
        _ml.Model.Save(model, data.Schema, path);
        schema = data.Schema;
        return path;
    }

    private static string FullMessage(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + FullMessage(e.InnerException);

    // SchemaShape.Create is internal in ML.NET 5; pipelines reach it through estimator chains.
    private static SchemaShape SchemaShapeOf(IDataView data)
        => (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)!
            .Invoke(null, [data.Schema])!;

    // ---- The sparse codes' options: refused when the estimator is made, naming the option, the rule and the value ----

    private ArgumentOutOfRangeException SparseCodeRefusal(Action<SparseAutoencoderOptions> change)
    {
        var options = new SparseAutoencoderOptions { OutputColumnName = "Code", InputColumnName = "Features", HiddenCount = 6, Activation = ActivationKind.TopK, K = 4 };
        change(options);
        return Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.SparseAutoencoder(options));
    }

    [Fact]
    public void TopK_with_K_below_1()
        => Assert.StartsWith("K (latents kept per row) must be at least 1, but is 0.", SparseCodeRefusal(o => o.K = 0).Message);

    [Fact]
    public void TopK_with_K_above_H()
        => Assert.StartsWith("K (latents kept per row) must lie in 1..H = 1..6, but is 7.", SparseCodeRefusal(o => o.K = 7).Message);

    [Fact]
    public void TopK_with_AuxK_out_of_range()
    {
        Assert.StartsWith("AuxK must lie in 0..H = 0..6 (0 turns the AuxK term off), but is 9.", SparseCodeRefusal(o => o.AuxK = 9).Message);
        Assert.StartsWith("AuxK must be at least 0 (0 turns the AuxK term off), but is -2; leave it unset for the default, the power of two nearest V/2, at most H.", SparseCodeRefusal(o => o.AuxK = -2).Message);
    }

    // The option's documentation and the refusal gave the default AuxK as "the power of two nearest V/2", but
    // Defaults.AuxKFor clamps it to H: 16-float rows and 2 latents train with AuxK 2, not 8, which AuxK = 8 is refused as.
    [Fact]
    public void The_AuxK_option_documents_the_default_the_training_uses()
    {
        Assert.Equal(2, Defaults.AuxKFor(16, 2));
        Assert.Contains("Null, the default, takes the power of two nearest V/2, at most H.", XmlDocs.Summary("SparseAe.MLNet", "P:SparseAe.MLNet.AutoencoderTrainingOptions.AuxK"));
    }

    [Fact]
    public void A_sparse_code_with_a_sigmoid_decoder()
        => Assert.StartsWith("Decoder must be Linear with Activation ReLU (a sparse code's latents add up linearly), but is Sigmoid.",
            SparseCodeRefusal(o => { o.Activation = ActivationKind.ReLU; o.Decoder = DecoderKind.Sigmoid; }).Message);

    [Fact]
    public void A_sparse_code_with_L_BFGS()
        => Assert.StartsWith("Optimizer must be Adam with Activation TopK (its cost is not smooth, and its dead latents are counted across mini-batches), but is Lbfgs.",
            SparseCodeRefusal(o => o.Optimizer = OptimizerKind.Lbfgs).Message);

    [Fact]
    public void ReLU_with_a_negative_L1_weight()
        => Assert.StartsWith("L1Weight must be finite and at least 0, but is -0.5.", SparseCodeRefusal(o => { o.Activation = ActivationKind.ReLU; o.L1Weight = -0.5; }).Message);

    [Fact]
    public void A_dead_latent_window_below_1()
        => Assert.StartsWith("DeadLatentWindow (rows) must be at least 1, but is 0.", SparseCodeRefusal(o => o.DeadLatentWindow = 0).Message);

    [Fact]
    public void An_activation_that_does_not_exist()
        => Assert.StartsWith("Activation must be Sigmoid, ReLU, TopK or JumpReLU, but is 7.", SparseCodeRefusal(o => o.Activation = (ActivationKind)7).Message);

    [Fact]
    public void A_sparse_code_in_the_convolutional_featurizer()
    {
        var options = new ConvolutionalFeaturizerOptions { ImageHeight = 8, ImageWidth = 8, PatchSize = 4 };
        options.Autoencoder.Activation = ActivationKind.TopK;
        options.Autoencoder.K = 4;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.ConvolutionalSparseFeatures(options));
        Assert.StartsWith("Autoencoder.Activation must be Sigmoid in the convolutional featurizer", e.Message);
    }
}
