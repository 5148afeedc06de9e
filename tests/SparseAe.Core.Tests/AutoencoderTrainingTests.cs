using SparseAe.Training;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.Core.Tests;

/// <summary>The one training entry point: optimizer choice, MaximumRows, messages and warnings.</summary>
public class AutoencoderTrainingTests
{
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
        Assert.Equal(["Training a 8-4-8 autoencoder with L-BFGS on 200 rows."], info);
        info.Clear();
        var sampled = AutoencoderTraining.Run(rows, Settings(info, warnings, maximumRows: 50));
        Assert.Equal(50, sampled.Summary.TrainingRows);
        Assert.Equal(["Training a 8-4-8 autoencoder with L-BFGS on a random sample of 50 of 200 rows (MaximumRows)."], info);
        Assert.Empty(warnings);
        Assert.Equal(sampled.Parameters.Theta, AutoencoderTraining.Run(rows, Settings([], [], maximumRows: 50)).Parameters.Theta);
    }

    [Fact]
    public void Adam_says_what_it_streams()
    {
        var rows = new Described(new ArrayRowSource(TestData.RandomRows(40, 8, 1), 40, 8), "column 'Pixels'");
        List<string> info = [], warnings = [];
        AutoencoderTraining.Run(rows, Settings(info, warnings, OptimizerKind.Adam));
        Assert.Equal(["Training a 8-4-8 autoencoder with Adam, streaming column 'Pixels'."], info);
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
}
