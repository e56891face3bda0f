#!/usr/bin/env bash
# Memory errors in the native addon, found with AddressSanitizer and UBSan: builds the addon with
# GENLAB_SANITIZE=address into a folder of its own (the normal build is left as it is), then runs under it,
# with libasan preloaded into node:
#   1. the engine tests (test/engine, src/engine), and
#   2. an in-process sweep interrupted with SIGINT at random moments, N times (default 20), beside a busy
#      loop per core — the case where a heap corruption was seen (issue 27): every try must exit 130 with
#      no sanitizer report;
#   3. the same N interrupted sweeps with the normal build: every try must exit 130.
# The corruption was oneDNN's JIT sgemm pointing rsp into the heap while a signal arrived (oneDNN issue
# 4845); native/src/addon.cc keeps signals off the threads that run kernels.
# Usage: scripts/sanitize.sh [TRIES]     (GENLAB_SANITIZE_DIR: the build folder, default .tmp/sanitize)
# Exit 0 when no sanitizer report and every exit was 130; the first report is printed otherwise.
# GENLAB_SANITIZE_NORMAL_ONLY=1: part 3 alone (no sanitizer build, minutes instead of a quarter of an hour).
set -euo pipefail
cd "$(dirname "$0")/.."
tries=${1:-20}
dir=${GENLAB_SANITIZE_DIR:-.tmp/sanitize}
say() { printf 'sanitize: %s\n' "$*" >&2; }

bash scripts/setup.sh # the TypeScript build and the packages; the normal addon too
reports="$dir/reports"
rm -rf "$reports" && mkdir -p "$reports"

if [ -z "${GENLAB_SANITIZE_NORMAL_ONLY:-}" ]; then
  asan=$(gcc -print-file-name=libasan.so)
  ubsan=$(gcc -print-file-name=libubsan.so)
  [ -f "$asan" ] || { say "libasan.so not found by gcc ($asan); expected gcc's sanitizer runtime (Debian: libgcc-12-dev)"; exit 2; }

  # The build: native/ and torch-config.cjs copied beside a link to node_modules, built with the sanitizers.
  addon="$dir/native/build/Release/genlab_native.node"
  mkdir -p "$dir/native" "$dir/scripts"
  if [ ! -f "$addon" ] || [ -n "$(find native/src native/binding.gyp scripts/torch-config.cjs -newer "$addon" 2>/dev/null | head -1)" ]; then
    rm -rf "$dir/native/src"
    cp -r native/src native/binding.gyp "$dir/native/"
    cp scripts/torch-config.cjs "$dir/scripts/"
    ln -sfn "$PWD/node_modules" "$dir/node_modules"
    say "building the addon with AddressSanitizer and UBSan into $dir/native (a few minutes)"
    GENLAB_SANITIZE=address npx --no-install node-gyp rebuild --directory "$dir/native" -j "$(nproc)" >"$dir/build.log" 2>&1 ||
      { tail -20 "$dir/build.log" >&2; say "build failed: $dir/build.log"; exit 1; }
  fi

  export GENLAB_NATIVE_ADDON="$PWD/$addon"
  export LD_PRELOAD="$asan:$ubsan"
  # node itself is not instrumented: leaks are not checked (V8 keeps its heap to the end); any other report aborts.
  export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:allocator_may_return_null=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  say "1/3: engine tests under the sanitizers"
  if ! node scripts/run-tests.js engine >"$reports/engine-tests.log" 2>&1; then
    grep -m1 -A30 "ERROR: AddressSanitizer\|runtime error:" "$reports/engine-tests.log" >&2 || tail -30 "$reports/engine-tests.log" >&2
    say "engine tests failed under the sanitizers: $reports/engine-tests.log"
    exit 1
  fi
fi

# N interrupted sweeps (fig1a smoke made bigger, the issue's command); $1 names the build in messages.
interrupted_sweeps() {
  local build=$1 bad=0 i=0 late=0 store pid code
  # A sweep that ends before its signal (the normal build's lasts about 25 s under the busy loops) tested
  # nothing: it is drawn again, up to as many times as there are tries.
  while [ "$i" -lt "$tries" ]; do
    i=$((i + 1))
    store="$dir/store-$i"
    rm -rf "$store"
    node bin/genlab.js run fig1a --scale smoke --jobs 1 --out "$store" --set dataset.trainSize=2000 \
      --set train.epochs=40 --set model.name=mlp-1x512 --set train.stopAtTarget=false \
      >"$reports/$build-$i.log" 2>&1 &
    pid=$!
    # A signal before genlab installs its handlers (node and libtorch take seconds to load under ASan) would
    # only test node's default action: wait for the sweep's first run, then pick a moment in its first 30 s.
    for _ in $(seq 600); do
      grep -q "started" "$reports/$build-$i.log" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null && break
      sleep 0.1
    done
    sleep "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", 30 * rand() }')"
    if ! kill -INT "$pid" 2>/dev/null && [ "$late" -lt "$tries" ]; then
      wait "$pid" || true
      late=$((late + 1))
      say "$build try $i: the sweep ended before its signal; drawn again"
      i=$((i - 1))
      continue
    fi
    set +e
    wait "$pid"
    code=$?
    set -e
    # A signal in the last moments after the sweep's summary line (its work done and stored, genlab's handler
    # gone) ends node by the default action, exit 130 without genlab's line: nothing was interrupted.
    if [ "$code" -eq 130 ] && grep -q "^all [0-9]* runs complete" "$reports/$build-$i.log" &&
      ! grep -q "^interrupted: " "$reports/$build-$i.log" && [ "$late" -lt "$tries" ]; then
      late=$((late + 1))
      say "$build try $i: the signal came after the sweep's last line; drawn again"
      i=$((i - 1))
      continue
    fi
    # exit 130 through genlab's own handler: its "interrupted:" line, then no sanitizer report
    if grep -q "ERROR: AddressSanitizer\|runtime error:" "$reports/$build-$i.log" || [ "$code" -ne 130 ] ||
      ! grep -q "^interrupted: " "$reports/$build-$i.log"; then
      bad=$((bad + 1))
      say "$build try $i: exit $code (expected 130); $reports/$build-$i.log"
      grep -m1 -A30 "ERROR: AddressSanitizer\|runtime error:" "$reports/$build-$i.log" >&2 ||
        tail -5 "$reports/$build-$i.log" >&2
    fi
    rm -rf "$store"
  done
  if [ "$bad" -gt 0 ]; then
    say "$build build: $bad of $tries interrupted sweeps failed"
    return 1
  fi
  say "$build build: $tries interrupted sweeps, each exit 130 through genlab's handler"
}

busy=()
for _ in $(seq "$(nproc)"); do (while :; do :; done) & busy+=($!); done
trap 'kill "${busy[@]}" 2>/dev/null || true' EXIT
failed=0
if [ -z "${GENLAB_SANITIZE_NORMAL_ONLY:-}" ]; then
  say "2/3: $tries interrupted sweeps under the sanitizers, SIGINT at random moments, a busy loop per core"
  interrupted_sweeps sanitized || failed=1
fi
say "3/3: $tries interrupted sweeps with the normal build"
(
  unset GENLAB_NATIVE_ADDON LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS
  interrupted_sweeps normal
) || failed=1
[ "$failed" -eq 0 ] || exit 1
say "no sanitizer report and every interrupted sweep exited 130"
