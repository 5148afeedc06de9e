using Mono.Cecil;
using Mono.Cecil.Cil;
using SparseAe.MLNet;
using Xunit;

namespace SparseAe.MLNet.Tests;

/// <summary>
/// Every use of an ML.NET member that is not public must sit in the MLNetInternals folder
/// (namespace SparseAe.MLNet.MLNetInternals), except the loader hooks ML.NET requires on the
/// transformer types themselves. Checked on the compiled IL against the real ML.NET assemblies.
/// </summary>
public class InternalsUsageTests
{
    private const string InternalsNamespace = "SparseAe.MLNet.MLNetInternals";

    [Fact]
    public void Non_public_MLNET_members_are_used_only_in_MLNetInternals()
    {
        var path = typeof(SparseAutoencoderTransformer).Assembly.Location;
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(path)!);
        using var module = ModuleDefinition.ReadModule(path, new ReaderParameters { AssemblyResolver = resolver });

        var offenders = new List<string>();
        var internalUses = 0;
        foreach (var type in module.GetTypes())
        {
            // A type that implements a non-public ML.NET interface or derives from a non-public class
            // (the ONNX export's ITransformCanSaveOnnx) uses internals as much as a call does.
            var supertypes = type.Interfaces.Select(i => i.InterfaceType).Append(type.BaseType).OfType<TypeReference>();
            foreach (var supertype in supertypes.Where(IsNonPublicMLNet))
            {
                internalUses++;
                if (!InInternalsFolder(type)) offenders.Add($"{type.FullName} implements or derives from {supertype.FullName}");
            }
            foreach (var method in type.Methods.Where(m => m.HasBody))
                foreach (var instruction in method.Body.Instructions)
                {
                    if (!IsNonPublicMLNet(instruction.Operand)) continue;
                    internalUses++;
                    if (!Allowed(type, method))
                        offenders.Add($"{type.FullName}.{method.Name} uses {instruction.Operand}");
                }
        }
        Assert.True(offenders.Count == 0, "ML.NET internals used outside MLNetInternals:\n" + string.Join("\n", offenders));
        Assert.True(internalUses > 0, "expected the MLNetInternals folder to use ML.NET internals (the check itself is broken otherwise)");

        foreach (var attribute in module.Assembly.CustomAttributes.Where(a => IsMLNet(a.AttributeType)))
            Assert.Equal("LoadableClassAttribute", attribute.AttributeType.Name);
    }

    private static bool Allowed(TypeDefinition type, MethodDefinition method)
    {
        // ML.NET's loader looks for a static Create(IHostEnvironment, ModelLoadContext) on the type itself.
        bool loaderHook = method.IsStatic && method.Name == "Create" && method.Parameters.Count == 2
            && method.Parameters[1].ParameterType.Name == "ModelLoadContext";
        return InInternalsFolder(type) || loaderHook;
    }

    private static bool InInternalsFolder(TypeDefinition type)
    {
        var outer = type;
        while (outer.DeclaringType is not null) outer = outer.DeclaringType;
        return outer.Namespace == InternalsNamespace;
    }

    private static bool IsMLNet(TypeReference type)
        => type.Scope.Name.StartsWith("Microsoft.ML", StringComparison.Ordinal);

    private static bool IsNonPublicMLNet(object? operand)
    {
        switch (operand)
        {
            case MethodReference m when IsMLNet(m.DeclaringType):
                var md = m.Resolve();
                return md is null || !Visible(md.DeclaringType) || !(md.IsPublic || md.IsFamily || md.IsFamilyOrAssembly);
            case FieldReference f when IsMLNet(f.DeclaringType):
                var fd = f.Resolve();
                return fd is null || !Visible(fd.DeclaringType) || !(fd.IsPublic || fd.IsFamily || fd.IsFamilyOrAssembly);
            case TypeReference t when IsMLNet(t):
                var td = t.Resolve();
                return td is null || !Visible(td);
            default:
                return false;
        }
    }

    private static bool Visible(TypeDefinition type)
        => type.IsPublic || (type.IsNestedPublic && Visible(type.DeclaringType));
}
