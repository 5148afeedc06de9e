using Microsoft.ML;
using Microsoft.ML.Data;
using SparseAe.MLNet;
using SparseAe.Tests.Support;
using SparseAe.Training;
using Xunit;

namespace SparseAe.MLNet.Tests;

public class RowSourceDataViewTests
{
    // A source that makes rows on demand and counts how many passes were opened.
    private sealed class GeneratedRows(int rows, int size) : IRowSource
    {
        public int Passes;
        public int VectorSize => size;

        public IRowReader OpenPass(int pass)
        {
            Passes++;
            return new Reader(rows, size);
        }

        private sealed class Reader(int rows, int size) : IRowReader
        {
            private int _next;

            public bool TryReadRow(Span<float> destination)
            {
                if (_next >= rows) return false;
                for (int i = 0; i < size; i++) destination[i] = 0.1f + 0.8f * ((_next * 7 + i * 3) % 11) / 10f;
                _next++;
                return true;
            }

            public void Dispose() { }
        }
    }

    [Fact]
    public void Rows_stream_into_ML_NET_and_train_the_autoencoder()
    {
        var ml = new MLContext(seed: 1);
        var source = new GeneratedRows(2000, 16);
        var data = ml.Data.LoadFromRowSource(source, "Patch", rowCount: 2000);
        Assert.Equal(2000, data.GetRowCount());
        Assert.Equal(16, ((VectorDataViewType)data.Schema["Patch"].Type).Size);
        var first = data.GetColumn<float[]>("Patch").First();
        Assert.Equal(0.1f, first[0], 1e-6f);

        var model = ml.Transforms.SparseAutoencoder(new SparseAutoencoderOptions
        {
            InputColumnName = "Patch", HiddenCount = 5, Optimizer = OptimizerKind.Adam, Epochs = 3, BatchSize = 100,
        }).Fit(data);
        Assert.Equal(2000, model.Summary.TrainingRows);
        Assert.True(source.Passes >= 4, $"expected one pass per epoch plus the read above, saw {source.Passes}");
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var ml = new MLContext();
        Assert.Contains("columnName", Assert.Throws<ArgumentException>(() => ml.Data.LoadFromRowSource(new GeneratedRows(1, 2), " ")).Message);
        Assert.Contains("rowCount must be null or at least 0, but is -1",
            Assert.Throws<ArgumentOutOfRangeException>(() => ml.Data.LoadFromRowSource(new GeneratedRows(1, 2), rowCount: -1)).Message);
    }
}
