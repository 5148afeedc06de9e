#!/usr/bin/env bash
# Line and branch coverage of the MAT reader (src/SparseAe.Mat) by a fuzzing corpus (issue 6's report).
#
#   bash tools/SparseAe.Fuzz/corpus-coverage.sh [CORPUS_DIR ...]
#
# Default corpus: corpus/mat and .work/corpus/mat (what run-fuzz.sh grew). The script writes a small xunit
# project under .work/coverage that reads every input with MatFile.Read (as the fuzz target does), runs it
# with coverlet's collector, and prints the coverage of each file of the reader (MatWriter.cs left out),
# worst first.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dirs=("$@")
[[ ${#dirs[@]} -gt 0 ]] || dirs=("$here/corpus/mat" "$here/.work/corpus/mat")
# A folder that does not exist (.work/corpus/mat before run-fuzz.sh has grown it) is said and left out: readlink -f
# failed on it, ending the script with exit 1 and no word.
found=()
for d in "${dirs[@]}"; do
  if [[ -d $d ]]; then found+=("$(readlink -f "$d")"); else echo "corpus-coverage: no folder $d; left out" >&2; fi
done
[[ ${#found[@]} -gt 0 ]] || { echo "corpus-coverage: none of the corpus folders exists" >&2; exit 2; }
dirs=("${found[@]}")
project="$here/.work/coverage"
rm -rf "$project/TestResults"
mkdir -p "$project"

cat >"$project/CorpusCoverage.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <IsPackable>false</IsPackable>
    <IsTestProject>true</IsTestProject>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.NET.Test.Sdk" />
    <PackageReference Include="xunit" />
    <PackageReference Include="xunit.runner.visualstudio" />
    <PackageReference Include="coverlet.collector" />
  </ItemGroup>
  <ItemGroup>
    <ProjectReference Include="$repo/src/SparseAe.Mat/SparseAe.Mat.csproj" />
  </ItemGroup>
</Project>
XML

cat >"$project/ReplayCorpus.cs" <<'CS'
using SparseAe.Mat;
using Xunit;

public class ReplayCorpus
{
    [Fact]
    public void Every_input_is_read_or_refused()
    {
        int read = 0, refused = 0;
        foreach (var dir in Environment.GetEnvironmentVariable("CORPUS_DIRS")!.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            foreach (var file in Directory.EnumerateFiles(dir))
            {
                try
                {
                    foreach (var v in MatFile.Read(new MemoryStream(File.ReadAllBytes(file))).Variables.Where(v => v.IsNumeric))
                        _ = v.GetStatistics();
                    read++;
                }
                catch (InvalidDataException) { refused++; }
            }
        Console.WriteLine($"corpus: {read} inputs read, {refused} refused");
    }
}
CS

export CORPUS_DIRS="$(printf '%s\n' "${dirs[@]}")"
echo "== replaying: ${dirs[*]}" >&2
dotnet test "$project/CorpusCoverage.csproj" -c Release --nologo -v quiet --logger "console;verbosity=normal" \
    --collect "XPlat Code Coverage" --results-directory "$project/TestResults" >"$project/test.log" 2>&1 \
    || { grep -E -A8 "Error Message|error" "$project/test.log" >&2; exit 1; }
grep -E "corpus:" "$project/test.log" || true
report="$(find "$project/TestResults" -name coverage.cobertura.xml | head -n 1)"
[[ -n "$report" ]] || { echo "no coverage report" >&2; exit 1; }

python3 - "$report" <<'PY'
import os, sys, xml.etree.ElementTree as ET
from collections import defaultdict
lines = defaultdict(dict)   # file -> line -> hits
branches = defaultdict(lambda: [0, 0])
root = ET.parse(sys.argv[1]).getroot()
sources = [s.text for s in root.iter("source") if s.text]
def full_path(name):   # coverlet names files relative to a <source> (one assembly: its project folder)
    for source in sources:
        if os.path.isfile(os.path.join(source, name)):
            return os.path.join(source, name).replace("\\", "/")
    return name.replace("\\", "/")
for cls in root.iter("class"):
    name = full_path(cls.get("filename"))
    if "/SparseAe.Mat/" not in name or name.endswith("/MatWriter.cs"): continue   # the writer is not part of reading
    for line in cls.iter("line"):
        n = int(line.get("number"))
        lines[name][n] = max(lines[name].get(n, 0), int(line.get("hits")))
        cond = line.get("condition-coverage")
        if cond:
            covered, total = cond.split("(")[1].rstrip(")").split("/")
            branches[name][0] += int(covered); branches[name][1] += int(total)
rows, all_l, all_c, all_b, all_bt = [], 0, 0, 0, 0
for name, ls in lines.items():
    c = sum(1 for h in ls.values() if h > 0)
    b, bt = branches[name]
    rows.append((c / len(ls), name.split("/SparseAe.Mat/")[1], c, len(ls), b, bt))
    all_l += len(ls); all_c += c; all_b += b; all_bt += bt
print(f"{'file':34} {'lines':>13} {'branches':>13}")
for frac, name, c, n, b, bt in sorted(rows):
    print(f"{name:34} {c:5}/{n:<5} {100*frac:3.0f}% {b:5}/{bt:<5} {100*b/max(bt,1):3.0f}%")
print(f"{'the reader (without MatWriter)':34} {all_c:5}/{all_l:<5} {100*all_c/all_l:3.0f}% {all_b:5}/{all_bt:<5} {100*all_b/max(all_bt,1):3.0f}%")
PY
