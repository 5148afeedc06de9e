using Microsoft.ML;
using Microsoft.ML.Data;

namespace SparseAe.MLNet.Mapping;

/// <summary>A sparse code as an ML.NET vector column: only the nonzero latents are stored, the slots are named.</summary>
internal static class SparseCodeColumn
{
    /// <summary>SlotNames latent_0 .. latent_{H-1}.</summary>
    public static DataViewSchema.Annotations SlotNames(int hiddenCount)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        // "SlotNames" is ML.NET's annotation kind for slot names (AddSlotNames, which writes it, is internal).
        builder.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, hiddenCount), (ref VBuffer<ReadOnlyMemory<char>> dst) =>
        {
            var editor = VBufferEditor.Create(ref dst, hiddenCount);
            for (int j = 0; j < hiddenCount; j++) editor.Values[j] = $"latent_{j}".AsMemory();
            dst = editor.Commit();
        });
        return builder.ToAnnotations();
    }

    /// <summary>
    /// Writes the nonzero entries of a dense code into <paramref name="destination"/> as a sparse
    /// vector of code.Length slots, reusing its storage (indices ascending, as ML.NET requires).
    /// </summary>
    public static void Write(ReadOnlySpan<float> code, ref VBuffer<float> destination)
    {
        int count = 0;
        foreach (float value in code) if (value != 0) count++;
        var editor = VBufferEditor.Create(ref destination, code.Length, count, keepOldOnResize: false, requireIndicesOnDense: false);
        if (count == code.Length) code.CopyTo(editor.Values);   // every latent active: dense
        else SparseAe.Training.SparseRows.Compress(code, editor.Indices, editor.Values);
        destination = editor.Commit();
    }
}
