#!/usr/bin/env bash
# Builds the libtorch anchor and runs it once per vector path of this CPU: SparseAe's training step,
# libtorch's (TorchSharp-cpu 0.107.0, libtorch 2.10.0) and the scalar reference side by side.
# On Debian 12 (GCC 12's libstdc++), TorchSharp's native glue needs one GCC 13 function; the glue is
# patched to do without it (see ios-base-library-init.cpp and weak-version.py). Needs g++, patchelf
# (apt-get install patchelf) and python3.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
threads="${1:-$(nproc)}"
# Errors only: dotnet build prints them on standard output, which > /dev/null threw away with the rest.
dotnet build -c Release "$here" -v q -nologo -clp:ErrorsOnly
out="$here/bin/Release/net10.0/linux-x64"
# The compiler's own libstdc++: ldconfig is in /sbin, which a user's PATH on Debian leaves out.
libstdcxx="$(readlink -f "$(g++ -print-file-name=libstdc++.so.6)")"
# grep reads the file itself: after "strings | grep -q" found the version, strings died of SIGPIPE (141), which
# pipefail made the pipeline's status, so a libstdc++ that has it (GCC 13 and later) was taken for one that lacks it.
if ! grep -qa GLIBCXX_3.4.32 "$libstdcxx"; then
  g++ -shared -fPIC -O2 "$here/ios-base-library-init.cpp" -o "$out/libiosinit.so"
  for glue in "$out/libLibTorchSharp.so" "$out/cpu/libLibTorchSharp.so"; do
    [ -f "$glue" ] || continue
    patchelf --print-needed "$glue" | grep -q libiosinit.so && continue   # patched by an earlier run
    [ "$(dirname "$glue")" = "$out" ] || cp "$out/libiosinit.so" "$(dirname "$glue")/"
    patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$glue"
    patchelf --add-needed libiosinit.so --set-rpath '$ORIGIN' "$glue"
    python3 "$here/weak-version.py" "$glue" GLIBCXX_3.4.32
  done
fi
run() { echo "--- $* ---"; env "$@" dotnet "$out/SparseAe.TorchBench.dll" "$threads"; }
# An if, not "a && b && c || d": a failed 512-bit or 256-bit run there ran the 512-bit one again, under set -e.
if grep -q avx512f /proc/cpuinfo; then
  run DOTNET_EnableAVX512=1
  run DOTNET_EnableAVX512=0 ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2
else
  run DOTNET_EnableAVX512=1
fi
# 128-bit vectors (the width of ARM64's NEON): with FMA as on ARM64 (.NET's preferred width 128; libtorch
# has no such mode and runs on SSE), then .NET without AVX2/FMA; libtorch and MKL without AVX.
grep -q fma /proc/cpuinfo && run DOTNET_PreferredVectorBitWidth=128 ATEN_CPU_CAPABILITY=default MKL_ENABLE_INSTRUCTIONS=SSE4_2
run DOTNET_EnableAVX2=0 ATEN_CPU_CAPABILITY=default MKL_ENABLE_INSTRUCTIONS=SSE4_2
run DOTNET_EnableHWIntrinsic=0 ATEN_CPU_CAPABILITY=default MKL_ENABLE_INSTRUCTIONS=SSE4_2
