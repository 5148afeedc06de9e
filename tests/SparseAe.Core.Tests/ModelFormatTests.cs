using System.Buffers.Binary;
using SparseAe.Model;
using SparseAe.Objective;
using SparseAe.Optimization;
using SparseAe.Persistence;
using SparseAe.Training;
using Xunit;

namespace SparseAe.Core.Tests;

public class ModelFormatTests
{
    private static SavedAutoencoder Sample(int v = 3, int h = 2)
    {
        var p = ParameterInitializer.Initialize(v, h, 4);
        p.B1[0] = 0.25f;
        var summary = new TrainingSummary(OptimizerKind.Lbfgs, 7, 0, OptimizerExitReason.GradientTolerance,
            new CostBreakdown(1.5, 1, 0.25, 0.25), Enumerable.Range(0, h).Select(j => 0.01 * (j + 1)).ToArray(),
            TimeSpan.FromSeconds(2.5), 123, [new CostBreakdown(3, 2, 0.5, 0.5), new CostBreakdown(1.5, 1, 0.25, 0.25)]);
        return new SavedAutoencoder(p, new ObjectiveSettings(0.05, 2, 1e-3, SparsityPenalty.L1), summary, ["Code", "Features", ""]);
    }

    private static byte[] Bytes(SavedAutoencoder model)
    {
        using var ms = new MemoryStream();
        ModelFormat.Write(ms, model);
        return ms.ToArray();
    }

    [Fact]
    public void Read_of_write_gives_back_every_field()
    {
        var model = Sample();
        var back = ModelFormat.Read(new MemoryStream(Bytes(model)));
        Assert.Equal(model.Parameters.Theta, back.Parameters.Theta);
        Assert.Equal(model.Objective, back.Objective);
        Assert.Equal(model.ColumnNames, back.ColumnNames);
        var (s, t) = (model.Summary, back.Summary);
        Assert.Equal(s.Optimizer, t.Optimizer);
        Assert.Equal(s.Iterations, t.Iterations);
        Assert.Equal(s.ExitReason, t.ExitReason);
        Assert.Equal(s.FinalCost, t.FinalCost);
        Assert.Equal(s.MeanActivation, t.MeanActivation);
        Assert.Equal(s.Elapsed, t.Elapsed);
        Assert.Equal(s.TrainingRows, t.TrainingRows);
        Assert.Equal(s.CostHistory, t.CostHistory);
    }

    [Fact]
    public void Every_truncation_is_an_InvalidDataException_naming_an_offset()
    {
        var bytes = Bytes(Sample());
        for (int length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<InvalidDataException>(() => ModelFormat.Read(new MemoryStream(bytes, 0, length)));
            Assert.Contains("offset", e.Message);
        }
    }

    [Fact]
    public void Every_flipped_payload_byte_is_caught()
    {
        var bytes = Bytes(Sample());
        for (int i = 16; i < bytes.Length; i++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[i] ^= 0x20;
            Assert.Contains("CRC-32", Assert.Throws<InvalidDataException>(() => ModelFormat.Read(new MemoryStream(damaged))).Message);
        }
    }

    [Fact]
    public void A_model_from_a_newer_format_says_so()
    {
        var bytes = Bytes(Sample());
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 7);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 5);   // needs a reader of version 5
        var e = Assert.Throws<InvalidDataException>(() => ModelFormat.Read(new MemoryStream(bytes)));
        Assert.Contains("newer", e.Message);
        Assert.Contains("format version 7", e.Message);
    }

    [Fact]
    public void A_newer_format_that_this_reader_may_read_is_read()
    {
        var sample = SparseAe.Tests.Support.FormatSamples.SparseCode();
        var bytes = Bytes(sample);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), ModelFormat.CurrentVersion + 1);   // written by a later version, readable from ours
        Assert.Equal(sample.Parameters.Theta, ModelFormat.Read(new MemoryStream(bytes)).Parameters.Theta);
    }

    [Fact]
    public void A_sigmoid_model_is_written_as_version_2_which_a_version_2_reader_loads()
    {
        // Version 3 added only the sparse codes' fields, so a sigmoid model stays readable by older SparseAe.
        var bytes = Bytes(Sample());
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        var read = ModelFormat.Read(new MemoryStream(bytes), readerVersion: 2);
        Assert.Equal(Sample().Parameters.Theta, read.Parameters.Theta);
        Assert.Equal(ActivationKind.Sigmoid, ModelFormat.Read(new MemoryStream(bytes)).Objective.Activation);
    }

    [Fact]
    public void A_JumpReLU_model_round_trips_with_its_thresholds_and_its_L0_weight()
    {
        var sample = SparseAe.Tests.Support.FormatSamples.SparseCode(v: 4, h: 3);
        var p = new AutoencoderParameters(4, 3, hasThresholds: true);
        sample.Parameters.Theta.CopyTo(p.Theta, 0);
        p.LogThresholds[0] = -2.5f; p.LogThresholds[1] = 0.25f; p.LogThresholds[2] = -7f;
        var jump = sample with { Parameters = p, Objective = sample.Objective with { Activation = ActivationKind.JumpReLU, L0Weight = 0.7 } };
        var read = ModelFormat.Read(new MemoryStream(Bytes(jump)));
        Assert.True(read.Parameters.HasThresholds);
        Assert.Equal(p.Theta, read.Parameters.Theta);
        Assert.Equal(jump.Objective, read.Objective);
        var missing = Assert.Throws<ArgumentException>(() => Bytes(jump with { Parameters = sample.Parameters }));
        Assert.StartsWith("The log-thresholds are absent; a JumpReLU model must have one per hidden unit.", missing.Message);
        var extra = Assert.Throws<ArgumentException>(() => Bytes(sample with { Parameters = p }));
        Assert.StartsWith("The log-thresholds are present; a TopK model must have none.", extra.Message);
    }

    [Fact]
    public void A_sparse_code_model_round_trips_with_its_settings_and_metrics()
    {
        var sample = SparseAe.Tests.Support.FormatSamples.SparseCode(v: 4, h: 3);
        var read = ModelFormat.Read(new MemoryStream(Bytes(sample)));
        Assert.Equal(sample.Objective, read.Objective);
        Assert.Equal(sample.Parameters.Theta, read.Parameters.Theta);
        Assert.Equal(sample.Summary.MeanActivation, read.Summary.MeanActivation);
        var m = Assert.IsType<SparseCodeMetrics>(read.Summary.CodeMetrics);
        Assert.Equal(sample.Summary.CodeMetrics!.Fvu, m.Fvu);
        Assert.Equal(sample.Summary.CodeMetrics.DeadFraction, m.DeadFraction);
        Assert.Equal(sample.Summary.CodeMetrics.FiringRate, m.FiringRate);
        Assert.Null(ModelFormat.Read(new MemoryStream(Bytes(sample with { Objective = sample.Objective with { AuxK = null } }))).Objective.AuxK);
    }

    [Fact]
    public void An_AuxK_over_H_of_a_code_that_ignores_it_is_saved_as_training_accepted_it()
    {
        // Only TopK uses AuxK, so training took 1,000 with ReLU over 3 latents; saving the model refused it.
        var sample = SparseAe.Tests.Support.FormatSamples.SparseCode(v: 4, h: 3);
        var relu = sample with { Objective = sample.Objective with { Activation = ActivationKind.ReLU, AuxK = 1000 } };
        relu.Objective.Validate(3);
        Assert.Equal(1000, ModelFormat.Read(new MemoryStream(Bytes(relu))).Objective.AuxK);
    }

    [Fact]
    public void A_version_1_model_without_a_decoder_field_reads_as_sigmoid()
    {
        // Version 1 wrote everything up to the column names: drop the trailing decoder field, mark the
        // block as version 1 and fix the length and CRC, as a version-1 writer would have made it.
        var bytes = Bytes(Sample() with { Objective = new ObjectiveSettings(0.05, 2, 1e-3, SparsityPenalty.L1, DecoderKind.Linear) });
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)) - 4;
        var v1 = new byte[16 + length + 4];
        bytes.AsSpan(0, 16 + length).CopyTo(v1);
        BinaryPrimitives.WriteUInt32LittleEndian(v1.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(v1.AsSpan(8), 1);
        BinaryPrimitives.WriteInt32LittleEndian(v1.AsSpan(12), length);
        BinaryPrimitives.WriteUInt32LittleEndian(v1.AsSpan(16 + length), System.IO.Hashing.Crc32.HashToUInt32(v1.AsSpan(16, length)));
        var read = ModelFormat.Read(new MemoryStream(v1));
        Assert.Equal(DecoderKind.Sigmoid, read.Objective.Decoder);
        Assert.Equal(Sample().Parameters.Theta, read.Parameters.Theta);
    }

    [Fact]
    public void The_decoder_round_trips()
    {
        var linear = Sample() with { Objective = new ObjectiveSettings(0.05, 2, 1e-3, SparsityPenalty.KLDivergence, DecoderKind.Linear) };
        Assert.Equal(DecoderKind.Linear, ModelFormat.Read(new MemoryStream(Bytes(linear))).Objective.Decoder);
    }

    [Fact]
    public void Wrong_magic_is_not_a_model()
    {
        var e = Assert.Throws<InvalidDataException>(() => ModelFormat.Read(new MemoryStream(new byte[40])));
        Assert.StartsWith("Not a SparseAe model: the magic at offset 0 is 0x00000000", e.Message);
    }

    [Fact]
    public void A_huge_size_claim_fails_before_allocating()
    {
        var bytes = Bytes(Sample());
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), int.MaxValue - 100);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ModelFormat.Read(new MemoryStream(bytes)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("truncated", e.Message);
        Assert.True(allocated < 1_000_000, $"Allocated {allocated} bytes for a claim of {int.MaxValue - 100}.");
    }

    [Fact]
    public void A_huge_size_claim_on_a_stream_that_cannot_seek_fails_without_allocating_for_it()
    {
        // A stream of unknown length (gzip, a socket): the payload used to be allocated whole (2 GB) first.
        var bytes = Bytes(Sample());
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), int.MaxValue - 100);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ModelFormat.Read(new ForwardOnlyStream(bytes)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "more than 1 MB allocated to refuse a block of a few hundred bytes");
        Assert.Equal($"The SparseAe model is truncated: the payload at offset 16 needs {int.MaxValue - 100} bytes but only {bytes.Length - 16} remain.", e.Message);

        // The same stream with an honest header still reads.
        Assert.Equal(Sample().Parameters.W1.ToArray(), ModelFormat.Read(new ForwardOnlyStream(Bytes(Sample()))).Parameters.W1.ToArray());
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    }

    [Fact]
    public void Sizes_that_disagree_with_the_stored_weights_are_refused()
    {
        // A well-formed block (valid CRC) whose V claims more weights than the payload holds.
        var bytes = Bytes(Sample());
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 1000);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16 + length), System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(16, length)));
        var e = Assert.Throws<InvalidDataException>(() => ModelFormat.Read(new MemoryStream(bytes)));
        Assert.Contains("V=1000", e.Message);
        Assert.Contains($"but the payload has {length}", e.Message);   // both: the sizes and what is stored
        // Sizes whose weights' bytes pass a long: the wrapped count passed, and the block was blamed on its version field.
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), int.MaxValue);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), int.MaxValue);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16 + length), System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(16, length)));
        e = Assert.Throws<InvalidDataException>(() => ModelFormat.Read(new MemoryStream(bytes)));
        Assert.StartsWith($"The sizes V=2147483647, H=2147483647 at offset 16 need 36893488130239234048 bytes of weights but the payload has {length}.", e.Message);
    }

    [Fact]
    public void NaN_weights_are_never_written()
    {
        var model = Sample();
        model.Parameters.W2[1] = float.NaN;
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Bytes(model)).Message);
    }

    // A NaN or infinity put where a weight lies, the CRC-32 made to match (so only the value is wrong): the
    // refusal gave its byte offset alone, which says nothing to whoever trained the model; it names the
    // weight as the format's layout does (W1 (H,V), W2 (V,H), b1 (H), b2 (V); here V = 3, H = 2), and the offset.
    [Theory]
    [InlineData(4, float.NaN, "W1[1, 1]")]
    [InlineData(7, float.NaN, "W2[0, 1]")]
    [InlineData(11, float.PositiveInfinity, "W2[2, 1]")]
    [InlineData(13, float.NegativeInfinity, "b1[1]")]
    [InlineData(14, float.NaN, "b2[0]")]
    public void A_non_finite_weight_in_a_block_whose_CRC_checks_out_is_refused_on_read_by_name(int index, float value, string name)
    {
        var model = Sample();
        const float marker = 42.4242f;
        model.Parameters.Theta[index] = marker;
        var bytes = Bytes(model);
        var markerBytes = BitConverter.GetBytes(marker);
        int at = bytes.AsSpan().IndexOf(markerBytes);
        Assert.True(at > 16);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at), value);
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16 + length), System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(16, length)));
        var e = Assert.Throws<InvalidDataException>(() => ModelFormat.Read(new MemoryStream(bytes)));
        Assert.Equal($"The parameter {name} (index {index} of theta) at offset {at} is {value}; it must be finite.", e.Message);
    }

    // V = 4, H = 3: theta's 31 weights, then a log-threshold per latent (JumpReLU).
    private static (SavedAutoencoder Model, AutoencoderParameters Parameters) JumpReLUSample()
    {
        var sample = SparseAe.Tests.Support.FormatSamples.SparseCode(v: 4, h: 3);
        var p = new AutoencoderParameters(4, 3, hasThresholds: true);
        sample.Parameters.Theta.CopyTo(p.Theta, 0);
        return (sample with { Parameters = p, Objective = sample.Objective with { Activation = ActivationKind.JumpReLU } }, p);
    }

    // A log-threshold that is not finite, or finite above ln(float.MaxValue) (about 88.72), an infinite threshold, in a
    // block whose CRC-32 checks out. The second was read, and the model then failed in the encoder with an
    // ArgumentException, not the reader's InvalidDataException naming the offset.
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(89f)]
    public void A_log_threshold_not_finite_or_beyond_floats_threshold_in_a_block_whose_CRC_checks_out_is_refused_on_read_by_latent(float value)
    {
        var (model, p) = JumpReLUSample();
        const float marker = 42.4242f;
        p.LogThresholds[1] = marker;
        var bytes = Bytes(model);
        int at = bytes.AsSpan().IndexOf(BitConverter.GetBytes(marker));
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at), value);
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16 + length), System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(16, length)));
        var e = Assert.Throws<InvalidDataException>(() => ModelFormat.Read(new MemoryStream(bytes)));
        string problem = float.IsNaN(value) ? $"is {value}; it must be finite" : $"is {value}, so its threshold exp({value}) is beyond float; every threshold must be finite";
        Assert.Equal($"The parameter log-threshold[1] (index 32 of theta) at offset {at} {problem}.", e.Message);
    }

    // Nor is such a threshold written; one just inside float's range is, and reads back.
    [Fact]
    public void A_log_threshold_whose_threshold_is_beyond_float_is_not_written()
    {
        var (model, p) = JumpReLUSample();
        p.LogThresholds[1] = 89f;
        var refused = Assert.Throws<ArgumentException>(() => Bytes(model));
        Assert.StartsWith("The parameter log-threshold[1] (index 32 of theta) is 89, so its threshold exp(89) is beyond float; every threshold must be finite. The SparseAe model is not saved", refused.Message);
        p.LogThresholds[1] = 88.7f;   // exp(88.7) = 3.3e38, a float
        Assert.Equal(88.7f, ModelFormat.Read(new MemoryStream(Bytes(model))).Parameters.LogThresholds[1]);
    }
}
