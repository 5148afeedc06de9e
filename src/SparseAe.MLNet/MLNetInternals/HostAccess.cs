using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace SparseAe.MLNet.MLNetInternals;

/// <summary>The internal ML.NET members the component needs outside persistence.</summary>
internal static class HostAccess
{
    /// <summary>The MLContext behind a catalog (internal: CatalogUtils.GetEnvironment).</summary>
    public static IHostEnvironment GetEnvironment(TransformsCatalog catalog) => catalog.GetEnvironment();

    /// <summary>A SchemaShape column (its constructor is internal), with ML.NET's SlotNames annotation (a vector of text) when asked.</summary>
    public static SchemaShape.Column ShapeColumn(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool slotNames = false)
        => new(name, kind, itemType, isKey: false, slotNames
            ? new SchemaShape([new SchemaShape.Column(AnnotationUtils.Kinds.SlotNames, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, isKey: false)])
            : null);

    /// <summary>Writes to mlContext.Log at Trace level (per-iteration detail, as ML.NET's trainers log it).</summary>
    public static void Trace(IChannel channel, string message) => channel.Trace(message);

    /// <summary>Writes to mlContext.Log at Info level.</summary>
    public static void Info(IChannel channel, string message) => channel.Info(message);

    /// <summary>Writes to mlContext.Log at Warning level.</summary>
    public static void Warning(IChannel channel, string message) => channel.Warning(message);

    /// <summary>
    /// A seed from the MLContext: the next value of the host's random source, which ML.NET derives from
    /// the context's seed and the order in which components were made (as its PCA and K-Means do).
    /// </summary>
    public static int NextSeed(IHost host) => host.Rand.Next();

    /// <summary>
    /// A view of no rows with the given schema (internal: EmptyDataView), for ConvertToOnnx of a saved
    /// model, which needs the input schema the zip records and no data.
    /// </summary>
    public static IDataView EmptyView(MLContext ml, DataViewSchema schema) => new EmptyDataView(ml.Transforms.GetEnvironment(), schema);

    /// <summary>
    /// MLContext.CancelExecution (internal in Microsoft.ML 5.0.1; Microsoft.ML.Experimental makes it public): every
    /// component fitting in <paramref name="ml"/>, ours and ML.NET's, stops at its next check. The CLI's Ctrl+C
    /// calls it, so ZCA's fit, which takes no token, stops too.
    /// </summary>
    public static void CancelExecution(MLContext ml) => ml.CancelExecution();

    /// <summary>Throws OperationCanceledException after MLContext.CancelExecution().</summary>
    public static void CheckAlive(IHost host) => host.CheckAlive();
}
