using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace SparseAe.MLNet.MLNetInternals;

/// <summary>The internal ML.NET members the component needs outside persistence.</summary>
internal static class HostAccess
{
    /// <summary>The MLContext behind a catalog (internal: CatalogUtils.GetEnvironment).</summary>
    public static IHostEnvironment GetEnvironment(TransformsCatalog catalog) => catalog.GetEnvironment();

    /// <summary>A SchemaShape column (its constructor is internal).</summary>
    public static SchemaShape.Column ShapeColumn(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType)
        => new(name, kind, itemType, isKey: false);

    /// <summary>Writes to mlContext.Log at Info level.</summary>
    public static void Info(IChannel channel, string message) => channel.Info(message);

    /// <summary>Writes to mlContext.Log at Warning level.</summary>
    public static void Warning(IChannel channel, string message) => channel.Warning(message);

    /// <summary>Throws OperationCanceledException after MLContext.CancelExecution().</summary>
    public static void CheckAlive(IHost host) => host.CheckAlive();
}
