#!/bin/bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan + coverage on every
# library) in build-fuzz/ and runs each for a fixed budget. Exit status non-zero when a
# target crashes, leaks, hits UB, times out on one input, or does not build.
#
#   scripts/fuzz.sh                  # every target, FUZZ_SECONDS each (default 20)
#   FUZZ_SECONDS=600 scripts/fuzz.sh fuzz_http_request
#   FUZZ_JOBS=2 ...                  # parallel libFuzzer workers per target (default 1)
#   FUZZ_SEED=0 ...                  # random seed (default 1: CI explores the same sequence
#                                    # of mutations each run, so a red run is reproducible
#                                    # and not luck; long runs should use 0)
#
# The committed seeds (tests/fuzz/corpus/<target>/) are read-only: new inputs go to
# build-fuzz/corpus/<target>/; crash reproducers to build-fuzz/artifacts/<target>/.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${BUILD_FUZZ_DIR:-$ROOT/build-fuzz}"
# Seconds per target. Default 20 (CI mode).
SECONDS_PER_TARGET="${FUZZ_SECONDS:-20}"
# Longest time one input may take before libFuzzer reports a hang. Default 10 s.
INPUT_TIMEOUT="${FUZZ_INPUT_TIMEOUT:-10}"
# Largest generated input in bytes. Default 16384.
MAX_LEN="${FUZZ_MAX_LEN:-16384}"
JOBS="${FUZZ_JOBS:-1}"
# libFuzzer -seed; 0 = random. Default 1 (reproducible CI runs).
SEED="${FUZZ_SEED:-1}"
ALL_TARGETS=(fuzz_event_decode fuzz_snapshot_decode fuzz_watch_lines fuzz_kubeconfig fuzz_http_request)
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

for t in "${TARGETS[@]}"; do
  case " ${ALL_TARGETS[*]} " in *" $t "*) ;; *) echo "fuzz.sh: unknown target '$t' (known: ${ALL_TARGETS[*]})" >&2; exit 2 ;; esac
done

# -Wno-unknown-warning-option: cmake/BoilerhouseCompiler.cmake passes the GCC-only
# -Wshadow=local, which clang rejects under -Werror; -Wpedantic makes clang reject
# qCDebug(cat) << ... (-Wgnu-zero-variadic-macro-arguments) in server/http (reported to the lead).
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja \
  -DCMAKE_BUILD_TYPE=Debug -DBH_BUILD_FUZZERS=ON -DBH_BUILD_GUI=OFF -DBH_SANITIZE=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link -O1 -gline-tables-only -Wno-unknown-warning-option -Wno-error=gnu-zero-variadic-macro-arguments" \
  -DCMAKE_PROJECT_Boilerhouse_INCLUDE="$ROOT/tests/fuzz/standalone.cmake" >"$BUILD.configure.log" 2>&1 \
  || { cat "$BUILD.configure.log" >&2; exit 1; }
cmake --build "$BUILD" -j2 --target "${TARGETS[@]}"

# Qt keeps process-lifetime allocations (global statics) that LeakSanitizer reports at exit of
# a fuzzer that owns a QCoreApplication; leaks are still checked for the pure-codec targets.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export QT_QPA_PLATFORM=offscreen

status=0
printf '%-22s %8s %10s %8s %s\n' target seconds execs corpus result
for t in "${TARGETS[@]}"; do
  corpus="$BUILD/corpus/$t"; artifacts="$BUILD/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  leaks=1; [ "$t" = fuzz_http_request ] && leaks=0
  log="$BUILD/$t.log"
  parallel=(); [ "$JOBS" -gt 1 ] && parallel=(-jobs="$JOBS" -workers="$JOBS")
  if "$BUILD/fuzzers/$t" -max_total_time="$SECONDS_PER_TARGET" -timeout="$INPUT_TIMEOUT" \
       -max_len="$MAX_LEN" -detect_leaks=$leaks -seed="$SEED" "${parallel[@]}" \
       -artifact_prefix="$artifacts/" -print_final_stats=1 \
       "$corpus" "$ROOT/tests/fuzz/corpus/$t" >"$log" 2>&1; then
    result=ok
  else
    result="FAILED (see $log, reproducers in $artifacts)"; status=1
    tail -n 40 "$log" >&2
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s+=$2} END {print s+0}')
  printf '%-22s %8s %10s %8s %s\n' "$t" "$SECONDS_PER_TARGET" "$execs" "$(ls "$corpus" | wc -l)" "$result"
done
exit $status
