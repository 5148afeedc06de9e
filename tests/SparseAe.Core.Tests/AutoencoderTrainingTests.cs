using SparseAe.Objective;
using SparseAe.Training;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>The one training entry point: optimizer choice, MaximumRows, messages and warnings.</summary>
public class AutoencoderTrainingTests
{
    // A negative row count is named with its own rule; it was "data must hold rows*V = -4 values, but holds 8" (Parameter 'data').
    [Fact]
    public void ArrayRowSource_refuses_a_negative_row_count_with_its_rule()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ArrayRowSource(new float[8], -1, 4));
        Assert.Equal("rows", e.ParamName);
        Assert.StartsWith("rows must be at least 0, but is -1.", e.Message);
    }

    private sealed class Described(IRowSource inner, string description) : IRowSource
    {
        public int VectorSize => inner.VectorSize;
        public IRowReader OpenPass(int pass) => inner.OpenPass(pass);
        public long? RowCount => inner.RowCount;
        public string? Description => description;
    }

    private static TrainerSettings Settings(List<string> info, List<string> warnings, OptimizerKind optimizer = OptimizerKind.Lbfgs, long? maximumRows = null) => new()
    {
        HiddenCount = 4, MaxIterations = 5, Epochs = 2, BatchSize = 16, Seed = 3, Threads = 1, Optimizer = optimizer, MaximumRows = maximumRows,
        Info = info.Add, Warning = warnings.Add,
    };

    [Fact]
    public void LBFGS_says_how_many_rows_it_trains_on_and_samples_MaximumRows_of_them()
    {
        var rows = new ArrayRowSource(TestData.RandomRows(200, 8, 1), 200, 8);
        List<string> info = [], warnings = [];
        Assert.Equal(200, AutoencoderTraining.Run(rows, Settings(info, warnings)).Summary.TrainingRows);
        Assert.Equal(["Training an 8-4-8 autoencoder with L-BFGS on 200 rows."], info);
        info.Clear();
        var sampled = AutoencoderTraining.Run(rows, Settings(info, warnings, maximumRows: 50));
        Assert.Equal(50, sampled.Summary.TrainingRows);
        Assert.Equal(["Training an 8-4-8 autoencoder with L-BFGS on a random sample of 50 of 200 rows (MaximumRows)."], info);
        Assert.Empty(warnings);
        Assert.Equal(sampled.Parameters.Theta, AutoencoderTraining.Run(rows, Settings([], [], maximumRows: 50)).Parameters.Theta);
    }

    [Fact]
    public void Adam_says_what_it_streams()
    {
        var rows = new Described(new ArrayRowSource(TestData.RandomRows(40, 8, 1), 40, 8), "column 'Pixels'");
        List<string> info = [], warnings = [];
        AutoencoderTraining.Run(rows, Settings(info, warnings, OptimizerKind.Adam));
        Assert.Equal(["Training an 8-4-8 autoencoder with Adam, streaming column 'Pixels'."], info);
    }

    // Adam said nothing: only L-BFGS, which holds its rows, looked at their range.
    [Theory]
    [InlineData(OptimizerKind.Lbfgs)]
    [InlineData(OptimizerKind.Adam)]
    public void Inputs_outside_0_1_with_a_sigmoid_decoder_are_warned_about_naming_the_source(OptimizerKind optimizer)
    {
        var x = TestData.RandomRows(30, 8, 2);
        x[5] = 3.5f;
        var rows = new Described(new ArrayRowSource(x, 30, 8), "column 'Raw'");
        List<string> info = [], warnings = [];
        AutoencoderTraining.Run(rows, Settings(info, warnings, optimizer));
        Assert.Single(warnings);
        Assert.StartsWith("Column 'Raw' holds values in [", warnings[0]);
        Assert.Contains("3.5]; the sigmoid decoder reconstructs only [0, 1]", warnings[0]);
    }

    [Theory]
    [InlineData(OptimizerKind.Lbfgs)]
    [InlineData(OptimizerKind.Adam)]
    public void A_source_without_rows_is_refused_by_name(OptimizerKind optimizer)
    {
        var e = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(new Described(new EmptyReaderSource(8), "column 'Features'"), Settings([], [], optimizer)));
        Assert.Equal("The training data have no rows; column 'Features' needs at least 1. (Parameter 'input')", e.Message);
    }

    // No RowCount, so L-BFGS reads before it knows there is nothing.
    private sealed class EmptyReaderSource(int v) : IRowSource
    {
        public int VectorSize => v;
        public IRowReader OpenPass(int pass) => new Empty();
        private sealed class Empty : IRowReader
        {
            public bool TryReadRow(Span<float> destination) => false;
            public void Dispose() { }
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Lbfgs)]
    [InlineData(OptimizerKind.Adam)]
    public void A_source_that_opens_no_reader_is_named(OptimizerKind optimizer)
    {
        var e = Assert.Throws<InvalidOperationException>(() => AutoencoderTraining.Run(new NullReaderSource(), Settings([], [], optimizer)));
        Assert.StartsWith("The row source NullReaderSource opened no reader for pass 0: its Open", e.Message);
    }

    [Theory]
    [InlineData(OptimizerKind.Lbfgs)]
    [InlineData(OptimizerKind.Adam)]
    public void A_sparse_reader_that_reports_more_nonzeros_than_V_is_named(OptimizerKind optimizer)
    {
        var e = Assert.Throws<InvalidOperationException>(() => AutoencoderTraining.Run(new OvercountingSource(), Settings([], [], optimizer)));
        Assert.Equal("The row reader Overcounting returned a sparse row of 9 nonzeros; a row of V = 8 values has 0..8.", e.Message);
    }

    // A source whose RowCount says fewer rows than its pass gives: L-BFGS checked the memory of the rows said and
    // read the rest into chunks without a check, so a source saying 10 rows and giving 3,000,000 of 64 values
    // under a 512 MB DOTNET_GCHeapHardLimit ended in an OutOfMemoryException in RowReading.ReadAll (ZCA's fit and
    // the featurizer read so too). The first row beyond the count said is refused, naming the source and the count.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_source_that_gives_more_rows_than_its_RowCount_says_is_refused_at_the_first_extra_row(bool sparse)
    {
        const int rows = 20_000, v = 8;
        var stream = new CountedStream(TestData.RandomRows(rows, v, 5), rows, v);
        IRowSource source = new Undercounted(sparse ? new SaidSparse(stream) : stream, 10);
        var e = Assert.Throws<InvalidOperationException>(() => AutoencoderTraining.Run(source, Settings([], [])));
        Assert.Equal(SaidFewerRows(10), e.Message);
        Assert.Equal(11, stream.Read);
    }

    // The refusal of a source whose pass gives more rows than its RowCount said (RowReading.MoreRowsThanSaid), by either optimizer.
    private static string SaidFewerRows(long said) => $"The row source Undercounted said it has {said} rows (its RowCount), but a pass gave more; " +
        "a source's RowCount must be the rows each pass gives, or null when it does not know them.";

    // A negative RowCount: Adam refused it at the first row, L-BFGS trained on every row without a word.
    [Theory]
    [InlineData(OptimizerKind.Lbfgs)]
    [InlineData(OptimizerKind.Adam)]
    public void A_source_whose_RowCount_is_negative_is_refused_by_both_optimizers(OptimizerKind optimizer)
    {
        const int rows = 50, v = 8;
        IRowSource source = new Undercounted(new CountedStream(TestData.RandomRows(rows, v, 5), rows, v), -5);
        var e = Assert.Throws<InvalidOperationException>(() => AutoencoderTraining.Run(source, Settings([], [], optimizer)));
        Assert.Equal(SaidFewerRows(-5), e.Message);
    }

    // Adam sizes its mini-batch and shuffle pool by the rows a source says (never more than it has): a source saying
    // 10 rows and giving 20,000 was trained in mini-batches of 10 with a pool of 10, silently, where L-BFGS refuses it.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Adam_refuses_a_source_that_gives_more_rows_than_its_RowCount_says(bool sparse)
    {
        const int rows = 20_000, v = 8;
        var stream = new CountedStream(TestData.RandomRows(rows, v, 5), rows, v);
        IRowSource source = new Undercounted(sparse ? new SaidSparse(stream) : stream, 10);
        var e = Assert.Throws<InvalidOperationException>(() => AutoencoderTraining.Run(source, Settings([], [], OptimizerKind.Adam)));
        Assert.Equal(SaidFewerRows(10), e.Message);
    }

    // A source that says its rows: more Adam steps than the step count holds are refused before any row is read,
    // not after hours of training ended in NaN weights (see OptimizerTests). Rows count up by BatchSize, rounded up.
    [Theory]
    [InlineData(1L << 31, 1, 1, "2147483648")]
    [InlineData(10_000_001L, 16, 3_436, "2147503436")]
    // Rows near long.MaxValue: rows + BatchSize - 1 wrapped negative in long, so the steps came out negative and passed.
    [InlineData(long.MaxValue, 256, 1, "36028797018963968")]
    public void Adam_steps_beyond_the_step_count_are_refused_before_training(long rows, int batchSize, int epochs, string steps)
    {
        var stream = new CountedStream(new float[8 * 4], 4, 8);
        var source = new Undercounted(stream, rows);
        var settings = new TrainerSettings { HiddenCount = 2, Epochs = epochs, BatchSize = batchSize, Seed = 3, Threads = 1, Optimizer = OptimizerKind.Adam, ShufflePoolRows = 16 };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => AutoencoderTraining.Run(source, settings));
        Assert.Equal("Epochs", e.ParamName);
        Assert.StartsWith($"Epochs is {epochs}, but {epochs} passes over the {rows} rows of the training data in mini-batches of {batchSize} " +
            $"are {steps} Adam steps, more than the 2147483647 a model counts (it saves its step count as an int32); raise BatchSize or lower Epochs.", e.Message);
        Assert.Equal(0, stream.Read);
    }

    // The boundary: exactly int.MaxValue steps are within the count. The source says int.MaxValue rows and gives 4,
    // so the run goes on past the check and trains on those (a source that gives fewer rows than it said is read as it is).
    [Fact]
    public void Adam_steps_up_to_the_step_count_pass_the_check()
    {
        var stream = new CountedStream(Enumerable.Range(0, 8 * 4).Select(i => (i % 7) / 7f).ToArray(), 4, 8);
        var settings = new TrainerSettings { HiddenCount = 2, Epochs = 1, BatchSize = 1, Seed = 3, Threads = 1, Optimizer = OptimizerKind.Adam, ShufflePoolRows = 16 };
        var result = AutoencoderTraining.Run(new Undercounted(stream, int.MaxValue), settings);
        Assert.Equal(4, result.Summary.Iterations);
    }

    private sealed class Undercounted(IRowSource inner, long said) : IRowSource
    {
        public int VectorSize => inner.VectorSize;
        public IRowReader OpenPass(int pass) => inner.OpenPass(pass);
        public long? RowCount => said;
    }

    private sealed class NullReaderSource : IRowSource
    {
        public int VectorSize => 8;
        public IRowReader OpenPass(int pass) => null!;
    }

    // Rows said sparse whose reader claims one nonzero more than a row holds.
    private sealed class OvercountingSource : IRowSource
    {
        public int VectorSize => 8;
        public IRowReader OpenPass(int pass) => new Overcounting();
        private sealed class Overcounting : IRowReader
        {
            private int _rows;
            public bool RowsAreSparse => true;
            public bool TryReadRow(Span<float> destination) => throw new InvalidOperationException("read dense");
            public bool TryReadSparseRow(Span<int> indices, Span<float> values, out int count)
            {
                count = 9;
                return _rows++ < 20;
            }
            public void Dispose() { }
        }
    }

    // Rows from a stream that does not say how many it has (as a text file), each counted as read;
    // passes after `passesWithRows` give none.
    private sealed class CountedStream(float[] data, int rows, int v, int passesWithRows = int.MaxValue) : IRowSource
    {
        public long Read;
        private readonly float[] _data = data;
        public float[] Data => _data;
        public int VectorSize => v;
        public IRowReader OpenPass(int pass) => new Reader(this, pass < passesWithRows ? rows : 0);
        private sealed class Reader(CountedStream s, int rows) : IRowReader
        {
            private int _next;
            public bool TryReadRow(Span<float> destination)
            {
                if (_next == rows) return false;
                s._data.AsSpan(_next++ * s.VectorSize, s.VectorSize).CopyTo(destination);
                s.Read++;
                return true;
            }
            public void Dispose() { }
        }
    }

    [Fact]
    public void A_NaN_in_a_MaximumRows_sample_of_a_stream_is_named_by_its_place_in_the_sample()
    {
        // A source of one's own is checked once its rows are held, and with MaximumRows they are a random sample
        // in the sample's order: "Training row 3 holds NaN" sent the user to the source's row 3, which was fine.
        const int rows = 40, v = 4;
        var data = TestData.RandomRows(rows, v, 5);
        for (int r = 20; r < rows; r++) data[r * v + 2] = float.NaN;
        var settings = new TrainerSettings { HiddenCount = 2, MaxIterations = 3, MaximumRows = 20 };
        var e = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(new CountedStream(data, rows, v), settings));
        Assert.Matches(@"^Row \d+ of the random sample of 20 of the 40 rows \(MaximumRows\) holds NaN at index 2; every value must be finite\.", e.Message);
        Assert.Equal("rows", e.ParamName);
    }

    // A size below 1 gave a number of rows (134,217,723 at V = 0, H = 5; 429,496,715 at V = 5, H = -1) for a network
    // that cannot exist; now it is refused by Run's own rule, naming the size.
    [Theory]
    [InlineData(0, 5, "visibleCount", "The visible size must be at least 1, but is 0.")]
    [InlineData(5, -1, "hiddenCount", "The hidden size must be at least 1, but is -1.")]
    public void MaxLbfgsRows_refuses_a_size_below_1(int v, int h, string param, string message)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => AutoencoderTraining.MaxLbfgsRows(v, h));
        Assert.Equal(param, e.ParamName);
        Assert.StartsWith(message, e.Message);
        Assert.True(AutoencoderTraining.MaxLbfgsRows(8, 3) > 1_000_000);
    }

    // An ArrayRowSource wraps the caller's array (no copy) and checked it when made; a NaN written into the array
    // afterwards (a buffer reused between runs) was trusted, and surfaced as "The cost or its gradient at the
    // starting point is not finite (cost NaN). To find why, check that the inputs lie in [0, 1]".
    [Theory]
    [InlineData(OptimizerKind.Lbfgs)]
    [InlineData(OptimizerKind.Adam)]
    public void A_NaN_written_into_an_ArrayRowSources_array_after_it_was_made_is_named(OptimizerKind optimizer)
    {
        const int rows = 40, v = 4;
        var data = TestData.RandomRows(rows, v, 5);
        var source = new ArrayRowSource(data, rows, v);
        data[7 * v + 2] = float.NaN;
        var settings = new TrainerSettings { HiddenCount = 2, MaxIterations = 3, Epochs = 1, BatchSize = 64, Optimizer = optimizer, Threads = 1 };
        var e = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(source, settings));
        Assert.Matches(optimizer == OptimizerKind.Lbfgs
            ? @"^Training row 7 holds NaN at index 2; every value must be finite\."
            : @"^Row \d+ of mini-batch 1 in epoch 1 \(rows in shuffled order\) holds NaN at index 2; every value must be finite\.", e.Message);
    }

    // The pool was allocated whole, 65,536 rows of V floats, whatever the source held: 543 MB for 20
    // rows of 2,048 values from a text file.
    [Fact]
    public void Adam_allocates_its_shuffle_pool_for_the_rows_a_stream_has()
    {
        const int rows = 20, v = 2048;
        var settings = new TrainerSettings { HiddenCount = 2, Epochs = 1, BatchSize = 16, Seed = 3, Threads = 1, Optimizer = OptimizerKind.Adam };
        var source = new CountedStream(TestData.RandomRows(rows, v, 5), rows, v);
        AutoencoderTraining.Run(source, settings);   // JIT and first-use allocations
        long before = GC.GetAllocatedBytesForCurrentThread();
        AutoencoderTraining.Run(source, settings);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 40_000_000, $"{allocated:N0} bytes allocated to train on {rows} rows of {v} values");
        var pool = new DenseRowPool(65_536, v);
        using (var reader = new ShufflingRowReader(source.OpenPass(0), pool, seed: 1))
            while (reader.TryReadRow(new float[v])) { }
        Assert.Equal(1024, pool.AllocatedRows);
    }

    // The pool was one array of P x V floats: 65,536 rows of 40,000 values (the default pool, 10.5 GB, which
    // the memory check let through here) failed in Array.Resize when the 32,769th row arrived, as P x V
    // passed int. It is held in chunks now; chunks of 64 floats (4 rows of 10: a power of two) show the same rows come out
    // in the same order as from one chunk.
    [Fact]
    public void A_shuffle_pool_is_held_in_chunks_and_draws_the_same_rows()
    {
        const int rows = 100, v = 10;
        var source = new CountedStream(TestData.RandomRows(rows, v, 7), rows, v);
        List<float[]> Drawn(DenseRowPool pool)
        {
            var drawn = new List<float[]>();
            using var reader = new ShufflingRowReader(source.OpenPass(0), pool, seed: 4);
            for (var row = new float[v]; reader.TryReadRow(row); row = new float[v]) drawn.Add(row);
            return drawn;
        }
        var chunked = new DenseRowPool(64, v, chunkFloats: 64);
        Assert.Equal(Drawn(new DenseRowPool(64, v)), Drawn(chunked));
        Assert.Equal(64, chunked.AllocatedRows);
        var uneven = new DenseRowPool(61, v, chunkFloats: 64);   // a last chunk of 1 row
        Assert.Equal(Drawn(new DenseRowPool(61, v)), Drawn(uneven));
        Assert.Equal(61, uneven.AllocatedRows);
        Assert.Equal(rows, Drawn(new DenseRowPool(64, v, chunkFloats: 64)).Select(r => string.Join(',', r)).Distinct().Count());
        var growing = new DenseRowPool(64, v, chunkFloats: 64);
        growing.Row(0)[0] = 1;
        Assert.Equal(4, growing.AllocatedRows);   // a chunk's rows, not the first 1,024
        growing.Row(13)[9] = 2;
        Assert.Equal(16, growing.AllocatedRows);   // three full chunks before it
        Assert.Equal((1f, 2f), (growing.Row(0)[0], growing.Row(13)[9]));
    }

    // BatchSize x H above one array passed to the memory check, which on this machine refused it for
    // memory (a 32 GB batch) and on a larger one would have let an allocation fail naming its 'length'.
    [Fact]
    public void A_mini_batch_too_large_for_one_array_is_refused_by_BatchSize()
    {
        const int rows = 4096, v = 2;
        var settings = new TrainerSettings { HiddenCount = 1_000_000, Epochs = 1, BatchSize = rows, Seed = 3, Threads = 1, Optimizer = OptimizerKind.Adam };
        var source = new CountedStream(TestData.RandomRows(rows, v, 5), rows, v);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => AutoencoderTraining.Run(source, settings));
        Assert.Equal("BatchSize", e.ParamName);
        Assert.Contains($"BatchSize is 4096, but a mini-batch of a 2-1000000-2 autoencoder holds at most {(Array.MaxLength - 16L) / SparseAe.Kernels.RowMatrixKernels.PaddedWidth(1_000_000)} rows", e.Message);
        Assert.Equal(0, source.Read);
    }

    // Rows of V nonzeros, made as they are read (the source holds none) and said to be sparse.
    private sealed class WideSparseStream(int rows, int v) : IRowSource
    {
        public long Read;
        public int VectorSize => v;
        public IRowReader OpenPass(int pass) => new Reader(this, rows);
        private sealed class Reader(WideSparseStream s, int rows) : IRowReader
        {
            public bool RowsAreSparse => true;
            public bool TryReadRow(Span<float> destination)
            {
                if (s.Read == rows) return false;
                for (int i = 0; i < destination.Length; i++) destination[i] = (s.Read + i) % 7 / 7f + 0.1f;
                s.Read++;
                return true;
            }
            public void Dispose() { }
        }
    }

    // The memory check leaves out the sparse pool, whose size follows the nonzeros, unknown before the rows are
    // read: 20,000 rows of 5,000 nonzeros in 10,000 under a 384 MB heap (DOTNET_GCHeapHardLimit) ended in an
    // OutOfMemoryException without a word in SparseRowPool.Store, where the same rows read dense are refused up front.
    // The pool is checked as it fills: here its 2^31 - 1 rows at 80 KB each, after about 16 MB of them.
    [Fact]
    public void A_sparse_shuffle_pool_that_cannot_fit_is_refused_as_it_fills_naming_ShufflePoolRows()
    {
        const int v = 10_000;
        var source = new WideSparseStream(1_000, v);
        var settings = new TrainerSettings
        {
            HiddenCount = 4, Epochs = 1, BatchSize = 32, Seed = 3, Threads = 1, ShufflePoolRows = int.MaxValue,
            Optimizer = OptimizerKind.Adam, Objective = new ObjectiveSettings(Activation: ActivationKind.TopK, K: 1, Decoder: DecoderKind.Linear),
        };
        var e = Assert.Throws<InsufficientMemoryException>(() => AutoencoderTraining.Run(source, settings));
        Assert.Matches(@"^The rest of Adam's shuffle pool \(\d+ more of its 2147483647 rows, at about 10000 nonzeros a row, as the \d+ sparse rows held so far\) needs about \d+\.\d GB of memory, but about \d+\.\d GB are available; lower ShufflePoolRows \(now 2147483647\)\.$", e.Message);
        Assert.InRange(source.Read, 200, 300);   // 16 MB of the 80 MB
    }

    // L-BFGS checked the memory of a source that does not say how many rows it has (ML.NET's LoadFromEnumerable)
    // only once every row was read and copied into one array: 100,000 rows of 784 values, made as they were read,
    // under a 512 MB DOTNET_GCHeapHardLimit ended in a bare OutOfMemoryException in RowReading.ReadAll (dense),
    // and 200,000 sparse rows of 392 nonzeros in ReadAllSparse. The rows are checked as they arrive, every 4,096:
    // here a pair store of 10 million copies of the parameters is refused after the first 4,096 of 20,000 rows.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LBFGS_checks_the_memory_of_a_source_of_unknown_length_as_its_rows_arrive(bool sparse)
    {
        const int rows = 20_000, v = 8;
        var stream = new CountedStream(TestData.RandomRows(rows, v, 5), rows, v);
        IRowSource source = sparse ? new SaidSparse(stream) : stream;
        var settings = new TrainerSettings { HiddenCount = 1000, LbfgsMemory = 10_000_000, MaxIterations = 10_000_000, Threads = 1 };
        var e = Assert.Throws<InsufficientMemoryException>(() => AutoencoderTraining.Run(source, settings));
        Assert.StartsWith("Training an 8-1000-8 autoencoder with L-BFGS on the 4096 rows read so far needs about ", e.Message);
        Assert.Contains("keep fewer correction pairs (LbfgsMemory, now 10000000)", e.Message);
        // It advised fewer rows, not the option that takes fewer: MaximumRows.
        Assert.Contains("; set MaximumRows to train on a random sample of the rows, use fewer hidden units,", e.Message);
        Assert.InRange(stream.Read, 4096, 4096 + 16);   // the first pass reads its first 16 rows ahead
        var sampled = Assert.Throws<InsufficientMemoryException>(() => AutoencoderTraining.Run(new CountedStream(TestData.RandomRows(rows, v, 5), rows, v),
            new TrainerSettings { HiddenCount = 1000, LbfgsMemory = 10_000_000, MaxIterations = 10_000_000, Threads = 1, MaximumRows = 10_000 }));
        Assert.Contains("; lower MaximumRows (now 10000), use fewer hidden units,", sampled.Message);
    }

    // A source whose count is known only once a pass has given its last row, as mlContext.Data.Cache of a view that does not
    // say its count: the count read after the pass decided whether the rows were checked, and L-BFGS started on 100 rows
    // of 8-1000-8 with 10 million correction pairs (1,360 GB) unchecked (Fit on a cache over a slow view trained; the same
    // view uncached was refused). The count is read once, when the pass opens.
    private sealed class CountKnownAfterAPass(CountedStream inner, int rows) : IRowSource
    {
        public int VectorSize => inner.VectorSize;
        public IRowReader OpenPass(int pass) => inner.OpenPass(pass);
        public long? RowCount => inner.Read >= rows ? rows : null;
    }

    [Fact]
    public void LBFGS_checks_the_memory_of_a_source_whose_count_is_known_only_after_the_pass()
    {
        const int rows = 100, v = 8;
        var source = new CountKnownAfterAPass(new CountedStream(TestData.RandomRows(rows, v, 5), rows, v), rows);
        var settings = new TrainerSettings
        {
            HiddenCount = 1000, LbfgsMemory = 10_000_000, MaxIterations = 10_000_000, Threads = 1,
            Progress = _ => throw new InvalidOperationException("L-BFGS started without a memory check"),
        };
        var e = Assert.Throws<InsufficientMemoryException>(() => AutoencoderTraining.Run(source, settings));
        Assert.StartsWith("Training an 8-1000-8 autoencoder with L-BFGS on 100 rows needs about ", e.Message);
    }

    // Both figures of a memory refusal with the decimals that tell them apart: 830 MB needed against 789 MB read
    // "needs about 0.8 GB of memory, but about 0.8 GB are available". They are told apart as written: compared by
    // Math.Round, which takes 0.35 (in binary a little below) to 0.4 where "F1" writes 0.3, 350 MB against 300 MB
    // read "0.3 GB of memory, but about 0.3 GB", and 1,150 MB against 1,100 MB "1.1 GB ..., but about 1.1 GB".
    [Theory]
    [InlineData(1_007_000_000L, 789_000_000L, "1.0 GB of memory, but about 0.8 GB")]
    [InlineData(830_000_000L, 789_000_000L, "0.83 GB of memory, but about 0.79 GB")]
    [InlineData(350_000_000L, 300_000_000L, "0.35 GB of memory, but about 0.30 GB")]
    [InlineData(1_150_000_000L, 1_100_000_000L, "1.15 GB of memory, but about 1.10 GB")]
    // Figures that differ only past a megabyte, as a refusal of rows read so far does: "0.800 GB ..., but about 0.800 GB".
    [InlineData(800_400_000L, 799_600_000L, "0.8004 GB of memory, but about 0.7996 GB")]
    [InlineData(134_217_728L, 134_102_000L, "0.1342 GB of memory, but about 0.1341 GB")]
    [InlineData(134_217_728L, 134_217_000L, "0.134218 GB of memory, but about 0.134217 GB")]
    [InlineData(134_217_728L, 134_217_700L, "0.134218 GB of memory, but about 0.134218 GB")]   // within a kilobyte: as near as it says
    [InlineData(28_800_000_000L, 20_000_000_000L, "28.8 GB of memory, but about 20.0 GB")]
    // Not "0.1 GB of memory, but about 0.0 GB" (an IDX pair's refusal under a 64 MB heap), nor "0.00" for 4 MB.
    [InlineData(106_000_000L, 6_000_000L, "0.11 GB of memory, but about 0.01 GB")]
    [InlineData(106_000_000L, 4_000_000L, "0.106 GB of memory, but about 0.004 GB")]
    public void A_memory_refusal_gives_both_amounts_with_the_decimals_that_tell_them_apart(long needed, long available, string expected)
        => Assert.Equal(expected, MemoryBudget.Amounts(needed, available));

    // L-BFGS read a source that says how many rows it has in chunks of 4,096 rows and copied them into one array:
    // twice the rows' memory while read, and the dead chunks were still held when the activations were allocated,
    // so 1,000,000 rows of 64 (an .idv file) under a 1 GB DOTNET_GCHeapHardLimit passed the memory check (0.8 GB)
    // and ended in an OutOfMemoryException in SparseAutoencoderObjective.EnsureBuffers. They are read into one array.
    [Fact]
    public void Rows_of_a_source_that_says_its_count_are_read_into_one_array_without_a_copy()
    {
        const int rows = 65_536, v = 64;
        var data = TestData.RandomRows(rows, v, 9);
        var source = new ArrayRowSource(data, rows, v);
        (float[] Data, int Rows, long Seen) result = default;
        long allocated = AllocationMeasurement.BytesAllocatedBy(() => result = RowReading.ReadAll(source, long.MaxValue, null, () => new InvalidOperationException(), null));
        var (read, count, seen) = result;
        Assert.Equal((rows, (long)rows), (count, seen));
        Assert.Equal(data, read);
        Assert.InRange(allocated, 4L * rows * v, 4L * rows * v + 64 * 1024);   // the rows once, not twice
    }

    // A source that does not say its count was read in chunks of 4,096 rows whatever their width, the first
    // allocated for its first row: 3 rows of 200,000 values took a 3.3 GB chunk (an OutOfMemoryException under a
    // 512 MB DOTNET_GCHeapHardLimit), and of 600,000 values 4,096 x V passed int (OverflowException: "Arithmetic
    // operation resulted in an overflow"). A chunk holds at most 16 MB of rows (4,096 rows up to V = 1,024).
    [Fact]
    public void Wide_rows_of_a_source_that_does_not_say_its_count_are_read_in_chunks_of_bounded_size()
    {
        const int rows = 3, v = 600_000;
        var source = new CountedStream(TestData.RandomRows(rows, v, 4), rows, v);
        (float[] Data, int Rows, long Seen) result = default;
        long allocated = AllocationMeasurement.BytesAllocatedBy(() => result = RowReading.ReadAll(source, long.MaxValue, null, () => new InvalidOperationException(), null));
        var (read, count, seen) = result;
        Assert.Equal((rows, (long)rows), (count, seen));
        Assert.Equal(source.Data, read);
        Assert.InRange(allocated, 4L * rows * v, 16L * 1024 * 1024 + 4L * rows * v + 4L * v + 64 * 1024);   // a chunk, the copy, the row read aside
    }

    private sealed class SaidSparse(IRowSource inner) : IRowSource
    {
        public int VectorSize => inner.VectorSize;
        public IRowReader OpenPass(int pass) => new Reader(inner.OpenPass(pass));
        private sealed class Reader(IRowReader inner) : IRowReader
        {
            public bool RowsAreSparse => true;
            public bool TryReadRow(Span<float> destination) => inner.TryReadRow(destination);
            public void Dispose() => inner.Dispose();
        }
    }

    // The first draw of every epoch fills the pool, and no cancellation was looked at until it was full.
    [Fact]
    public void Adam_stops_for_a_cancellation_while_it_fills_its_shuffle_pool()
    {
        const int v = 4;
        var source = new CountedStream(TestData.RandomRows(100_000, v, 6), 100_000, v);
        var settings = new TrainerSettings
        {
            HiddenCount = 2, Epochs = 1, BatchSize = 16, Seed = 3, Threads = 1, Optimizer = OptimizerKind.Adam, ShufflePoolRows = 65_536,
            CheckCancellation = () => { if (source.Read > 1000) throw new OperationCanceledException(); },
        };
        Assert.Throws<OperationCanceledException>(() => AutoencoderTraining.Run(source, settings));
        Assert.InRange(source.Read, 1001, 1000 + RowReading.RowsPerCheck + 16);   // the first pass reads its first 16 rows ahead
    }

    // ML.NET's maximumNumberOfRows reads every row when there are fewer; MaximumRows above the L-BFGS
    // limit was refused even for 300 rows.
    // Too many rows for L-BFGS: the count a source says, or, when it says none, that its read stopped past the limit. That row's
    // number was given as the count ("has 5368709 rows", of a view of ten million: reading stops at the first row past the limit).
    [Fact]
    public void Too_many_rows_for_LBFGS_are_counted_only_when_the_source_says_how_many()
    {
        var said = AutoencoderTraining.TooManyForLbfgs("the rows", 10_000_000, 5_368_708, "a 64-100-64 autoencoder");
        Assert.StartsWith("The rows has 10000000 rows, more than the 5368708 rows of a 64-100-64 autoencoder that L-BFGS can hold in memory; set MaximumRows", said.Message);
        var unsaid = AutoencoderTraining.TooManyForLbfgs("the rows", null, 5_368_708, "a 64-100-64 autoencoder");
        Assert.StartsWith("The rows has more than the 5368708 rows of a 64-100-64 autoencoder that L-BFGS can hold in memory (its read stopped at the first row " +
            "past them; it does not say how many it has); set MaximumRows", unsaid.Message);
        Assert.Equal("input", unsaid.ParamName);
    }

    [Fact]
    public void MaximumRows_above_the_rows_a_source_has_means_every_row()
    {
        var rows = new ArrayRowSource(TestData.RandomRows(300, 8, 1), 300, 8);
        List<string> info = [];
        var result = AutoencoderTraining.Run(rows, Settings(info, [], maximumRows: long.MaxValue));
        Assert.Equal(300, result.Summary.TrainingRows);
        Assert.Equal(["Training an 8-4-8 autoencoder with L-BFGS on 300 rows."], info);
    }

    // It named the sample's range as the column's: [-1, 0.8998] of a column that holds 5.
    [Fact]
    public void The_range_warning_of_a_sample_says_it_is_of_the_sample()
    {
        var x = TestData.RandomRows(300, 8, 2);
        x[7] = -1f;
        var rows = new Described(new ArrayRowSource(x, 300, 8), "column 'Raw'");
        List<string> warnings = [];
        AutoencoderTraining.Run(rows, Settings([], warnings, maximumRows: 299));
        Assert.Single(warnings);
        Assert.StartsWith("The random sample of 299 of the 300 rows of column 'Raw' holds values in [", warnings[0]);
    }

    [Fact]
    public void A_stream_that_gives_no_rows_in_a_later_epoch_is_said_so()
    {
        var source = new Described(new CountedStream(TestData.RandomRows(40, 8, 1), 40, 8, passesWithRows: 1), "column 'Features'");
        var e = Assert.Throws<ArgumentException>(() => AutoencoderTraining.Run(source, Settings([], [], OptimizerKind.Adam)));
        Assert.Equal("Column 'Features' gave no rows in epoch 2, after 40 in epoch 1; Adam reads every row in every epoch. (Parameter 'input')", e.Message);
    }
}
