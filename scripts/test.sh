#!/usr/bin/env bash
# The README's test command: installs, builds and runs the whole suite with ctest.
#   1. scripts/setup.sh                 (Debian packages + conformance clients)
#   2. Release-ish build with warnings as errors, every test (ctest)
#   3. libFuzzer targets built with clang, each run for a short fixed budget (scripts/fuzz.sh)
#   4. AddressSanitizer + UndefinedBehaviorSanitizer build, every test except conformance
#      (real third-party clients do not exercise our code differently under ASan)
# Set BH_SKIP_SANITIZE=1 to run only steps 1-2 (local iteration; CI never sets it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh

export QT_QPA_PLATFORM=offscreen QT_NO_GLIB=1
jobs="$(nproc)"

echo "== build (RelWithDebInfo, -Werror)"
BUILD_DIR="$root/build" bash scripts/build.sh -DBH_WERROR=ON
echo "== test"
ctest --test-dir "$root/build" --output-on-failure -j"$jobs"

if [[ "${BH_SKIP_SANITIZE:-0}" != 1 ]]; then
    echo "== fuzz (clang, libFuzzer + ASan/UBSan, ${FUZZ_SECONDS:-20} s per target)"
    bash scripts/fuzz.sh

    echo "== build (ASan + UBSan)"
    BUILD_DIR="$root/build-asan" bash scripts/build.sh -DBH_WERROR=ON -DBH_SANITIZE=ON \
        -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-g -O1"
    echo "== test (ASan + UBSan)"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir "$root/build-asan" --output-on-failure -j"$jobs" -LE conformance
fi
