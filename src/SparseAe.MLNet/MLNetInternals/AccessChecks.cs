// ML.NET internals: this folder is the only place that uses them (see README.md beside this file).
//
// The project compiles against publicized copies of Microsoft.ML.Core and Microsoft.ML.Data
// (build/Publicize.targets). At run time the real assemblies enforce member access, and the runtime
// honours IgnoresAccessChecksToAttribute declared by the calling assembly: without these two lines a
// saved model fails with MethodAccessException and loading drops the LoadableClass registration
// ("Couldn't load model").
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]

namespace System.Runtime.CompilerServices
{
    /// <summary>Recognised by the CoreCLR type loader by name; not shipped in the BCL, so declared here.</summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
    {
        public string AssemblyName { get; } = assemblyName;
    }
}
