#!/usr/bin/env bash
# Fuzzes one target of tools/SparseAe.Fuzz with libFuzzer for a given time (issue 6).
#
#   bash tools/SparseAe.Fuzz/run-fuzz.sh TARGET SECONDS [JOBS]
#
# TARGET: mat | model | convolution | zca | mlnet-zip | mlnet-entry | tokens | idx | image | csv (see README.md)
# JOBS:   parallel libFuzzer jobs, each with its own dotnet process (default 1)
#
# Exit status: 0 when libFuzzer ran to its time and found nothing new; 1 on a new finding or a libFuzzer failure.
#
# Environment:
#   MAX_LEN=N          largest input libFuzzer makes (default 65536; the driver passes at most 1048576)
#   INSTRUMENT_EXTRA="A.dll B.dll"  more assemblies of the output to instrument
#   HEAP_LIMIT=0x...   DOTNET_GCHeapHardLimit of the .NET target (default 0x80000000, 2 GiB): a larger
#                      managed allocation becomes an OutOfMemoryException, i.e. a crash
#
# Layout (relative to tools/SparseAe.Fuzz):
#   corpus/TARGET/     checked-in seeds (created here when missing); read, never written by libFuzzer
#   findings/TARGET/   libFuzzer's artifact_prefix: crash-*, timeout-*, oom-*, slow-unit-* land here
#   .work/             not checked in: driver binary, instrumented copy of the build output, the growing
#                      corpus (.work/corpus/TARGET) and the logs (.work/logs)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
targets="mat model convolution zca mlnet-zip mlnet-entry tokens idx image csv selftest"

usage() { echo "usage: $0 TARGET SECONDS [JOBS]   (TARGET: ${targets// / | })" >&2; exit 2; }
[[ $# -ge 2 && $# -le 3 ]] || usage
target="$1"; seconds="$2"; jobs="${3:-1}"
[[ " $targets " == *" $target "* ]] || usage
[[ "$seconds" =~ ^[0-9]+$ && "$jobs" =~ ^[0-9]+$ && "$jobs" -ge 1 ]] || usage

max_len="${MAX_LEN:-65536}"
heap_limit="${HEAP_LIMIT:-0x80000000}"
work="$here/.work"
bin="$work/bin"
logs="$work/logs"
seeds="$here/corpus/$target"
findings="$here/findings/$target"
if [[ "$target" == selftest ]]; then seeds="$work/seeds/selftest"; findings="$work/findings/selftest"; fi
mkdir -p "$work" "$logs" "$work/corpus/$target" "$seeds" "$findings"

say() { echo "== $*" >&2; }

# --- 1. clang and libFuzzer ----------------------------------------------------------------------
fuzzer_lib="$(ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null | head -n 1 || true)"
if ! command -v clang++-14 >/dev/null || [[ -z "$fuzzer_lib" ]]; then
    say "installing clang-14 and libclang-rt-14-dev"
    if [[ $(id -u) -eq 0 ]]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang-14 libclang-rt-14-dev >/dev/null
fi

# --- 2. the native driver ------------------------------------------------------------------------
driver="$work/libfuzzer-dotnet"
if [[ ! -x "$driver" || "$here/driver/libfuzzer-dotnet-driver.cc" -nt "$driver" ]]; then
    say "building the libFuzzer driver"
    clang++-14 -O1 -g -Wall -Wextra -fsanitize=fuzzer "$here/driver/libfuzzer-dotnet-driver.cc" -o "$driver"
fi

# --- 3. the harness (Release) and the sharpfuzz tool ---------------------------------------------
say "building the harness"
dotnet build "$here/SparseAe.Fuzz.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly
(cd "$here" && dotnet tool restore >/dev/null)

# --- 4. instrument a fresh copy of the output (the build output itself stays clean, so incremental
#        builds never leave an instrumented assembly behind or instrument one twice) --------------
say "instrumenting"
rm -rf "$bin"
cp -a "$here/bin/Release/net10.0" "$bin"
instrument="SparseAe.Mat.dll SparseAe.Core.dll"
case "$target" in
    mlnet-*) instrument="$instrument SparseAe.MLNet.dll" ;;
    idx|image|csv) instrument="$instrument SparseAe.Data.dll" ;;
esac
instrument="$instrument ${INSTRUMENT_EXTRA:-}"
for dll in $instrument; do
    (cd "$here" && dotnet sharpfuzz "$bin/$dll" >/dev/null) || { echo "sharpfuzz failed on $dll" >&2; exit 1; }
    echo "   instrumented $dll" >&2
done

# --- 5. seeds ------------------------------------------------------------------------------------
if [[ -z "$(ls -A "$seeds")" ]]; then
    say "seeding ${seeds#$repo/}"
    if [[ "$target" == selftest ]]; then
        printf 'seed' >"$seeds/seed"
    else
        if [[ "$target" == mat ]]; then
            # ../shared beside the clone, where it is (the project's data folder), and the test fixtures' copies.
            for dir in "$repo/../shared/data/mat" "$repo/tests/SparseAe.Mat.Tests/Fixtures/mat"; do
                [[ -d "$dir" ]] || continue
                find "$dir" -maxdepth 1 -name '*.mat' -size -64k -exec cp -n {} "$seeds/" \;
            done
            if compgen -G "$seeds/*.mat" > /dev/null; then chmod u+w "$seeds"/*.mat; fi
        fi
        # from the clean build: the instrumented copy runs only under the driver
        tmp="$(mktemp -d)"
        dotnet "$here/bin/Release/net10.0/SparseAe.Fuzz.dll" seed "$target" "$tmp" >/dev/null
        cp -n "$tmp/$target"/* "$seeds/"
        rm -rf "$tmp"
    fi
fi
echo "   $(ls "$seeds" | wc -l) seeds in corpus/$target, $(ls "$work/corpus/$target" | wc -l) inputs in .work/corpus/$target" >&2

# --- 6. fuzz -------------------------------------------------------------------------------------
stamp="$(date +%Y%m%d-%H%M%S)"
log="$logs/$target-$stamp.log"
before="$(ls "$findings" | sort)"
flags=(
    "--target_path=$(readlink -f "$(command -v dotnet)")"
    # Relative to the log folder the driver runs in: it splits --target_arg at spaces, so a clone whose path has one
    # ("/home/u/my work/...") handed dotnet "/home/u/my" and every run failed at once.
    "--target_arg=../bin/SparseAe.Fuzz.dll $target"
    -max_total_time="$seconds" -timeout=2 -rss_limit_mb=2048 -max_len="$max_len"
    -artifact_prefix="$findings/" -print_final_stats=1 -print_pcs=0
)
# (libFuzzer's -fork mode does not work with this driver: every fork job fails at once.)
if [[ "$jobs" -gt 1 ]]; then
    flags+=(-jobs="$jobs" -workers="$jobs")
fi

say "fuzzing '$target' for $seconds s ($jobs job(s)); log: ${log#$repo/}"
export SPARSEAE_FUZZ_WARMUP_DIR="$seeds"
export DOTNET_GCHeapHardLimit="$heap_limit"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
status=0
# -jobs writes one fuzz-N.log per job into the current folder: run from the log folder.
# mat also starts from the hand-made hostile 7.3 files of the data tests (read-only, like the seeds).
extra=()
[[ "$target" == mat ]] && extra=("$repo/tests/SparseAe.Mat.Tests/Fixtures/hdf5-adversarial")
(cd "$logs" && "$driver" "${flags[@]}" "$work/corpus/$target" "$seeds" "${extra[@]}") >"$log" 2>&1 || status=$?
if [[ "$jobs" -gt 1 ]]; then
    for f in "$logs"/fuzz-*.log; do [[ -e "$f" ]] && { cat "$f" >>"$log"; rm -f "$f"; }; done
fi

# --- 7. summary ----------------------------------------------------------------------------------
echo
echo "target:      $target  ($seconds s, $jobs job(s), libFuzzer exit status $status)"
grep -E '^Done [0-9]+ runs' "$log" | tail -n 3 || true
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" || true
echo "last status line (cov counts the driver's own edges; ft includes the .NET edges):"
grep -E '^#[0-9]+' "$log" | tail -n 1 || true
echo "corpus:      $(ls "$work/corpus/$target" | wc -l) inputs in .work/corpus/$target (+ $(ls "$seeds" | wc -l) seeds)"
after="$(ls "$findings" | sort)"
new="$(comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d' || true)"
if [[ -n "$new" ]]; then
    echo "new findings in ${findings#$repo/}/:"
    echo "$new" | sed 's/^/  /'
    echo "the .NET exception(s), from the log:"
    grep -E -A3 '^(Unhandled exception|System\.|SparseAe\.Fuzz\.)[A-Za-z.]*(Exception|Error)' "$log" | head -n 40 || true
    echo "replay: dotnet tools/SparseAe.Fuzz/bin/Release/net10.0/SparseAe.Fuzz.dll repro $target ${findings#$repo/}"
else
    echo "no new findings"
fi
echo "log: ${log#$repo/}"
# A new finding, or libFuzzer's failure (a crash on a known input, or a driver that did not start), is a failed run.
[[ -z "$new" && "$status" -eq 0 ]] || exit 1
