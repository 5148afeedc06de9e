using Microsoft.ML;
using Microsoft.ML.Data;

namespace SparseAe.SparseCodeStudy;

/// <summary>A row of a study view: the vector and its label (0 for unlabelled data).</summary>
internal sealed class StudyRow
{
    public float[] Features { get; set; } = [];
    public float Label { get; set; }
}

internal static class StudyViews
{
    /// <summary>The rows as an ML.NET view with a known-size "Features" vector column and a "Label" column.</summary>
    public static IDataView Of(MLContext ml, RowSet set)
    {
        var schema = SchemaDefinition.Create(typeof(StudyRow));
        // The row class cannot state the size (it differs by data set); the autoencoder needs a known-size vector.
        schema[nameof(StudyRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, set.Dimension);
        var rows = new List<StudyRow>(set.Count);
        for (int i = 0; i < set.Count; i++)
            rows.Add(new StudyRow { Features = set.Row(i).ToArray(), Label = set.Labels?[i] ?? 0 });
        return ml.Data.LoadFromEnumerable(rows, schema);
    }
}
