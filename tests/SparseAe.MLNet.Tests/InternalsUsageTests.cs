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
            void Check(string where, IEnumerable<TypeReference?> types, bool allowed)
            {
                foreach (var used in types.OfType<TypeReference>().Where(MentionsNonPublicMLNet))
                {
                    internalUses++;
                    if (!allowed) offenders.Add($"{where} uses {used.FullName}");
                }
            }
            bool inFolder = InInternalsFolder(type);
            // A type that implements a non-public ML.NET interface or derives from a non-public class
            // (the ONNX export's ITransformCanSaveOnnx) uses internals as much as a call does.
            Check($"{type.FullName} (its base or interfaces)", type.Interfaces.Select(i => i.InterfaceType).Append(type.BaseType), inFolder);
            // Signatures and attributes too: a field, property, parameter, return or local of an internal type (or of
            // List<internal type>) calls nothing, yet ties the code to ML.NET's internals just the same.
            // Generic constraints (where T : OnnxContext) and typeof arguments of attributes ([TypeConverter(typeof(OnnxContext))])
            // as well: they name the type in metadata with no signature, local or instruction to see it by.
            Check($"{type.FullName} (its attributes and constraints)", Attributes(type.CustomAttributes).Concat(Constraints(type)), inFolder);
            foreach (var field in type.Fields)
                Check($"{type.FullName}.{field.Name}", Attributes(field.CustomAttributes).Append(field.FieldType), inFolder);
            foreach (var property in type.Properties)
                Check($"{type.FullName}.{property.Name}", Attributes(property.CustomAttributes).Append(property.PropertyType), inFolder);
            foreach (var method in type.Methods)
            {
                string where = $"{type.FullName}.{method.Name}";
                bool allowed = Allowed(type, method);
                Check(where, method.Parameters.Select(p => p.ParameterType).Append(method.ReturnType)
                    .Concat(Attributes(method.CustomAttributes)).Concat(method.Parameters.SelectMany(p => Attributes(p.CustomAttributes)))
                    .Concat(Attributes(method.MethodReturnType.CustomAttributes)).Concat(Constraints(method)), allowed);
                if (!method.HasBody) continue;
                Check(where, method.Body.Variables.Select(v => v.VariableType), allowed);
                foreach (var instruction in method.Body.Instructions)
                {
                    if (!IsNonPublicMLNet(instruction.Operand)) continue;
                    internalUses++;
                    if (!allowed)
                        offenders.Add($"{where} uses {instruction.Operand}");
                }
            }
        }
        Assert.True(offenders.Count == 0, "ML.NET internals used outside MLNetInternals:\n" + string.Join("\n", offenders));
        Assert.True(internalUses > 0, "expected the MLNetInternals folder to use ML.NET internals (the check itself is broken otherwise)");

        foreach (var attribute in module.Assembly.CustomAttributes.Where(a => IsMLNet(a.AttributeType)))
            Assert.Equal("LoadableClassAttribute", attribute.AttributeType.Name);
    }

    // The types of generic parameters' constraints.
    private static IEnumerable<TypeReference> Constraints(IGenericParameterProvider owner)
        => owner.GenericParameters.SelectMany(g => g.Constraints.Select(c => c.ConstraintType));

    // Each attribute's type and every type its arguments give by typeof (one, or an array of them).
    private static IEnumerable<TypeReference> Attributes(IEnumerable<CustomAttribute> attributes)
        => attributes.SelectMany(a => a.ConstructorArguments.Concat(a.Fields.Concat(a.Properties).Select(n => n.Argument))
            .SelectMany(TypesIn).Prepend(a.AttributeType));

    private static IEnumerable<TypeReference> TypesIn(CustomAttributeArgument argument) => argument.Value switch
    {
        TypeReference t => [t],
        CustomAttributeArgument inner => TypesIn(inner),
        CustomAttributeArgument[] items => items.SelectMany(TypesIn),
        _ => [],
    };

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
            case MethodReference m:
                if (MentionsNonPublicMLNet(m.DeclaringType) || m is GenericInstanceMethod g && g.GenericArguments.Any(MentionsNonPublicMLNet)) return true;
                if (!IsMLNet(m.DeclaringType)) return false;
                var md = m.Resolve();
                return md is null || !Visible(md.DeclaringType) || !(md.IsPublic || md.IsFamily || md.IsFamilyOrAssembly);
            case FieldReference f:
                if (MentionsNonPublicMLNet(f.DeclaringType)) return true;
                if (!IsMLNet(f.DeclaringType)) return false;
                var fd = f.Resolve();
                return fd is null || !Visible(fd.DeclaringType) || !(fd.IsPublic || fd.IsFamily || fd.IsFamilyOrAssembly);
            case TypeReference t:
                return MentionsNonPublicMLNet(t);
            default:
                return false;
        }
    }

    // A non-public ML.NET type, or one built of it: List<T>, T[], ref T, a nested type's generic arguments.
    private static bool MentionsNonPublicMLNet(TypeReference type) => type switch
    {
        GenericInstanceType g => MentionsNonPublicMLNet(g.ElementType) || g.GenericArguments.Any(MentionsNonPublicMLNet),
        TypeSpecification spec => MentionsNonPublicMLNet(spec.ElementType),
        GenericParameter => false,
        _ => IsMLNet(type) && (type.Resolve() is not { } td || !Visible(td)),
    };

    private static bool Visible(TypeDefinition type)
        => type.IsPublic || (type.IsNestedPublic && Visible(type.DeclaringType));
}
