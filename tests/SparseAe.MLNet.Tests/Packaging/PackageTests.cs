using System.IO.Compression;
using System.Xml.Linq;
using SparseAe.Tests.Support;
using Xunit;

namespace SparseAe.MLNet.Tests.Packaging;

/// <summary>
/// Packs the three NuGet packages, checks what a user sees of them, and builds a consumer against them from a local folder source (no
/// project reference): proves that the publicized compile-time references leak nothing and that a
/// model saved by a package consumer loads, on the lowest ML.NET, Tokenizers, Tensors and Hashing the packages allow and
/// on the newest it allows that the feed serves (the package is built against the lowest, so this is the
/// binary compatibility a user who upgrades ML.NET relies on).
/// </summary>
public class PackageTests
{
    private static readonly TimeSpan Minutes5 = TimeSpan.FromMinutes(5);

    [Fact]
    public void Packed_packages_carry_docs_and_licence_and_a_consumer_trains_saves_and_loads_on_the_lowest_and_newest_ML_NET_allowed()
    {
        string root = Path.GetFullPath(TestData.Metadata("RepositoryRoot"));
        using var work = new TempFolder();
        string feed = Path.Combine(work, "feed");
        // A version of its own, so no earlier run's package in the global cache is reused.
        string version = $"0.1.0-test{DateTime.UtcNow:yyyyMMddHHmmss}{Environment.ProcessId}";
        try
        {
            foreach (var id in Packages)
            {
                string project = $"src/{id}/{id}.csproj";
                var (code, output) = ProcessRunner.Run("dotnet",
                    ["pack", Path.Combine(root, project), "-c", "Release", "-o", feed, $"-p:PackageVersion={version}", "-nologo"], root, Minutes5);
                Assert.True(code == 0, $"dotnet pack {project} failed:\n{output}");
                CheckMetadata(feed, id, version);
            }

            using (var package = ZipFile.OpenRead(Path.Combine(feed, $"SparseAe.MLNet.{version}.nupkg")))
            {
                var nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open());
                var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();
                Assert.Contains("Microsoft.ML", dependencies);
                // 5.x from 5.0.1 and 6.x, not 7: the component uses ML.NET internals a major version may change.
                var ml = nuspec.Descendants().Single(e => e.Name.LocalName == "dependency" && (string)e.Attribute("id")! == "Microsoft.ML");
                Assert.Equal("[5.0.1, 7.0.0)", (string)ml.Attribute("version")!);
                Assert.Contains("SparseAe.Core", dependencies);
                Assert.DoesNotContain("Mono.Cecil", dependencies);
            }

            // SparseAe.Mat: nothing but the BCL (architecture.md).
            using (var package = ZipFile.OpenRead(Path.Combine(feed, $"SparseAe.Mat.{version}.nupkg")))
                Assert.DoesNotContain(XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open()).Descendants(), e => e.Name.LocalName == "dependency");

            // The lowest: what the package's dependencies resolve to. The newest: what a user who upgrades gets.
            RunConsumer(Path.Combine(work, "lowest"), feed, version, "", ("Microsoft.ML", "5.0.1"), ("Microsoft.ML.Tokenizers", "2.0.1"),
                ("System.Numerics.Tensors", "10.0.0"), ("System.IO.Hashing", "10.0.0"));
            // The newest also loads the model the lowest saved and must compute what the lowest did with it.
            RunConsumer(Path.Combine(work, "newest"), feed, version, """
                    <PackageReference Include="Microsoft.ML" Version="6.*" />
                    <PackageReference Include="Microsoft.ML.Tokenizers" Version="3.*" />
                    <PackageReference Include="Microsoft.ML.Tokenizers.Data.Cl100kBase" Version="3.*" />
                    <PackageReference Include="System.Numerics.Tensors" Version="11.*" />
                    <PackageReference Include="System.IO.Hashing" Version="11.*" />
                """, ("Microsoft.ML", "6."), ("Microsoft.ML.Tokenizers", "3."), ("System.Numerics.Tensors", "11."), ("System.IO.Hashing", "11."),
                earlier: Path.Combine(work, "lowest"));
        }
        finally
        {
            // Keep the global package cache free of this run's one-off versions.
            string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (var id in Packages.Select(p => p.ToLowerInvariant()))
            {
                var dir = Path.Combine(cache, id, version);
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
        }
    }

    // What `dotnet pack -c Release` makes (README, "Use it").
    private static readonly string[] Packages = ["SparseAe.Core", "SparseAe.MLNet", "SparseAe.Mat"];

    // What a user sees of each package before referencing it (nuget.org, an IDE's package manager, a licence scanner):
    // the licence as an SPDX expression, not a file a scanner cannot name; tags to be found by; the README, licence text,
    // XML docs (IntelliSense) and symbols.
    private static void CheckMetadata(string feed, string id, string version)
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.nupkg"));
        var names = package.Entries.Select(e => e.FullName).ToList();
        foreach (var name in new[] { "README.md", "LICENSE", $"lib/net10.0/{id}.dll", $"lib/net10.0/{id}.xml" })
            Assert.True(names.Contains(name), $"{id}'s package lacks {name}; it holds {string.Join(", ", names)}");
        var metadata = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open()).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Field(string name) => (string?)metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name);
        var license = metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "license");
        Assert.True(license is not null && (string?)license.Attribute("type") == "expression" && license.Value == "MIT",
            $"{id}'s licence must be the SPDX expression MIT, but is {license?.ToString() ?? "missing"}");
        Assert.True(!string.IsNullOrWhiteSpace(Field("tags")), $"{id}'s package has no tags");
        Assert.Equal("README.md", Field("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Field("description")), $"{id}'s package has no description");
        Assert.True(File.Exists(Path.Combine(feed, $"{id}.{version}.snupkg")), $"{id}'s symbols package missing");
    }

    // Builds and runs a consumer of the packed SparseAe.MLNet (plus extraReferences) that fits token counts and a
    // sparse autoencoder, saves, loads and predicts, and checks that the ML.NET, Tokenizers, Tensors and Hashing it ran
    // on begin with the versions given; given an earlier consumer's folder, it also loads that one's model and must
    // compute what that one did.
    private static void RunConsumer(string consumer, string feed, string version, string extraReferences, (string Package, string Version) ml,
        (string Package, string Version) tokenizers, (string Package, string Version) tensors, (string Package, string Version) hashing, string? earlier = null)
    {
        Directory.CreateDirectory(consumer);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SparseAe.MLNet" Version="{version}" />
            {extraReferences}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
            using System.Reflection;
            using Microsoft.ML;
            using Microsoft.ML.Data;
            using SparseAe.MLNet;

            var ml = new MLContext(seed: 1);
            var rng = new Random(3);
            string[] words = ["edge", "filter", "sparse", "code", "image", "patch", "token", "model"];
            var rows = Enumerable.Range(0, 200).Select(i => new Row
            {
                Text = string.Join(' ', Enumerable.Range(0, 5).Select(_ => words[rng.Next(words.Length)])),
                Features = Enumerable.Range(0, 16).Select(_ => (float)rng.NextDouble()).ToArray(),
            }).ToList();
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = ml.Transforms.TokenCounts("Counts", "Text", maximumTokens: 32)
                .Append(ml.Transforms.SparseAutoencoder("Code", "Features", hiddenCount: 8, maxIterations: 30)).Fit(data);
            SparseAe.Persistence.AtomicFile.Write("model.zip", s => ml.Model.Save(model, data.Schema, s));   // as README's "Use it" saves
            var loaded = ml.Model.Load("model.zip", out _);
            float[] Column(ITransformer m, string name) => m.Transform(data).GetColumn<float[]>(name).SelectMany(v => v).ToArray();
            var a = Column(model, "Code");
            var engine = ml.Model.CreatePredictionEngine<Row, Output>(loaded);
            var first = engine.Predict(rows[0]);
            bool same = a.SequenceEqual(Column(loaded, "Code")) && Column(model, "Counts").SequenceEqual(Column(loaded, "Counts"))
                && first.Code.SequenceEqual(a.Take(8)) && first.Counts.Sum() > 0;
            string Version(Type t) => t.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
            Console.WriteLine($"{(same ? "CONSUMER OK" : "CONSUMER MISMATCH")} {a.Length} Microsoft.ML {Version(typeof(MLContext))} Microsoft.ML.Tokenizers {Version(typeof(Microsoft.ML.Tokenizers.Tokenizer))}" +
                $" System.Numerics.Tensors {Version(typeof(System.Numerics.Tensors.TensorPrimitives))} System.IO.Hashing {Version(typeof(System.IO.Hashing.Crc32))}");
            // What this consumer computed, for a consumer on other versions to load its model and compare (an upgrade of
            // ML.NET must not change what a saved model computes); and that comparison, when an earlier consumer left one.
            string Lines(float[] values) => string.Join('\n', values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
            File.WriteAllText("codes.txt", Lines(a) + "\n--\n" + Lines(Column(model, "Counts")));
            if (args.Length == 1)
            {
                var earlier = ml.Model.Load(Path.Combine(args[0], "model.zip"), out _);
                bool agrees = File.ReadAllText(Path.Combine(args[0], "codes.txt")) == Lines(Column(earlier, "Code")) + "\n--\n" + Lines(Column(earlier, "Counts"));
                Console.WriteLine(agrees ? "EARLIER MODEL OK" : "EARLIER MODEL MISMATCH");
                same &= agrees;
            }
            return same ? 0 : 1;

            public sealed class Row { public string Text { get; set; } = ""; [VectorType(16)] public float[] Features { get; set; } = []; }
            public sealed class Output { public float[] Code { get; set; } = []; public float[] Counts { get; set; } = []; }
            """);
        var (runCode, runOutput) = ProcessRunner.Run("dotnet", ["run", .. (earlier is null ? Array.Empty<string>() : ["--", earlier])], consumer, Minutes5);
        Assert.True(runCode == 0, $"the consumer failed:\n{runOutput}");
        Assert.Contains("CONSUMER OK 1600 ", runOutput);
        foreach (var (package, prefix) in new[] { ml, tokenizers, tensors, hashing })
            Assert.Contains($" {package} {prefix}", runOutput);
        Assert.DoesNotContain("NU1608", runOutput);   // "outside of dependency constraint": the range must allow the newest
        if (earlier is not null) Assert.Contains("EARLIER MODEL OK", runOutput);
    }
}
