#!/usr/bin/env bash
# genlab on a CUDA GPU, end to end, in one command: builds the addon against a CUDA libtorch, checks
# `genlab info`, fits small models on the GPU (and the same on the CPU for comparison), and times
# training steps against PyTorch on the same GPU (src/bench/cuda.ts). Every step's output is logged as it
# runs; a step that fails is logged and the next one runs; a summary comes last.
#
#   bash scripts/device-cuda-check.sh
#
# Works on a machine with node, npm packages and dist/ (after `npm run setup`) and on one without node
# or network, from the bundle scripts/make-gpu-bundle.sh makes in .gpu/ (node, dist/, the runtime npm
# packages, N-API headers, a cut of Fashion-MNIST). Settings (environment):
#   OUT          where logs go (default out/cuda-check): check.log (everything), summary.txt, env.txt,
#                build.log, info.json, fits.jsonl, bench-cuda.json, runs.tar.gz
#   LIBTORCH     the libtorch to build against (default: the one inside $PYTHON's torch; set it empty
#                for Debian's libtorch-dev)
#   PYTHON       a python with torch (default /opt/torch/.venv/bin/python3 where it exists, else python3)
#   CHECK_BUDGET_S  seconds the whole check may take (default 360); steps past it are skipped
#   GENLAB_BUNDLE   1: use .gpu/ even where node_modules/ exists (it and dist/ are replaced); 0: never
#                (default: where node_modules/ is missing)
#   JOBS         parallel compiles (default: the CPUs); BUILD_CAP_S: seconds the build may take (300)
#   CXX, CXXSTD  the compiler (default g++, else c++) and -std (default c++17, c++20 where libtorch's
#                headers require it)
#   BENCH_ROWS, BENCH_STEPS   rows (model@batch,…) and steps per repetition of the GPU benchmark
#   CHECK_DEVICE  the device of the GPU steps (default cuda; cpu rehearses them on a machine without one)
#   CHECK_DATA    bundle: fit on .gpu/fashion-mnist even where Debian's Fashion-MNIST is installed
set -uo pipefail # no -e: a failing step is reported, the rest still run
cd "$(dirname "$0")/.."
ROOT=$PWD
START=$(date +%s)
BUDGET=${CHECK_BUDGET_S:-360}
OUT=${OUT:-out/cuda-check}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=${CHECK_WORK:-/tmp/genlab-cuda-check}
mkdir -p "$WORK"
: >"$OUT/summary.txt"
# shellcheck source=scripts/device-setup.sh
. scripts/device-setup.sh
device_log check.log

say "genlab CUDA check in $ROOT ($(git rev-parse --short HEAD 2>/dev/null || echo 'no git')), logs in $OUT, budget ${BUDGET}s"
[ -f .gpu/MANIFEST.txt ] && sed 's/^/bundle: /' .gpu/MANIFEST.txt | head -4

# ---- 0.–3. the machine, node and dist/, the addon, genlab info (scripts/device-setup.sh) ------------
device_machine
device_runtime
device_addon
DEV=${CHECK_DEVICE:-cuda}
device_info "$DEV"

# ---- 4. fits on the GPU (and the same on the CPU) -----------------------------------------------
DATA_FLAGS=()
if [ "${CHECK_DATA:-}" != bundle ] && { [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte ]; }; then
  say "data: Debian's Fashion-MNIST (/usr/share/datasets/fashion-mnist)"
elif [ -d .gpu/fashion-mnist ]; then
  DATA_FLAGS=(--data-dir "$ROOT/.gpu/fashion-mnist")
  say "data: the bundle's cut of Fashion-MNIST ($(head -3 .gpu/MANIFEST.txt | grep fashion || echo .gpu/fashion-mnist))"
else
  say "data: no Fashion-MNIST found (neither /usr/share/datasets/fashion-mnist nor .gpu/fashion-mnist); fits will fail"
fi
: >"$OUT/fits.jsonl"
# fit LABEL DEVICE CAP_S FLAGS...: one `genlab fit --json`, its summary appended to fits.jsonl.
fit() {
  local label=$1 device=$2 cap=$3 line
  shift 3
  run_step "fit $label" "$cap" "$NODE" bin/genlab.js fit --device "$device" "${DATA_FLAGS[@]}" \
    --out "$WORK/runs-$device" --restart --json --verbose "$@" >"$WORK/fit.json" 2>"$WORK/fit.err"
  local rc=$?
  cat "$WORK/fit.err" >&2
  if ((rc == 0)); then
    line=$(tail -1 "$WORK/fit.json")
    printf '{"label":"%s","device":"%s","stepSeconds":%s,"summary":%s}\n' "$label" "$device" "$STEP_S" "$line" >>"$OUT/fits.jsonl"
    note "fit $label: ok in ${STEP_S}s: $("$NODE" -e '
      const s = JSON.parse(process.argv[1]);
      const p = (x) => (x * 100).toFixed(1) + "%";
      console.log(`${s.status}, ${s.epochs} epochs, ${s.steps} steps, train ${p(s.trainAcc)} test ${p(s.testAcc)}, fit ${s.wallSeconds.toFixed(1)} s, ${Math.round(s.examplesPerSecond)} examples/s`);
    ' "$line" 2>&1)"
  else
    tail -c 3000 "$WORK/fit.json" 2>/dev/null
    # The error itself (not the stack, not the progress lines); a timeout was reported already.
    ((rc == 98 || rc == 124 || rc == 137)) ||
      note "  $(grep -v -e '^ *at ' -e '^fit \[' "$WORK/fit.err" | tail -3 | tr '\n' ' ' | cut -c1-600)"
  fi
}
COMMON=(--train-size 2000 --test-size 1000 --no-stop-at-fit)
MLP=(--model mlp-1x512 --labels random --epochs 10 "${COMMON[@]}")
ALEX=(--model alexnet-small --epochs 3 "${COMMON[@]}")
INCEPTION=(--model inception-small --epochs 2 "${COMMON[@]}")
if ((CUDA_OK)); then
  fit "mlp-1x512 random labels, 10 epochs, $DEV" "$DEV" 90 "${MLP[@]}"
  fit "alexnet-small, 3 epochs, $DEV" "$DEV" 90 "${ALEX[@]}"
  fit "inception-small, 2 epochs, $DEV" "$DEV" 90 "${INCEPTION[@]}"
else
  note "fits on cuda: SKIPPED (CUDA not available to genlab)"
fi

# ---- 5. training steps against PyTorch on the GPU -----------------------------------------------
if ((CUDA_OK)); then
  BENCH=(--device "$DEV" --python "$PYTHON" --json)
  [ -n "${BENCH_ROWS:-}" ] && BENCH+=(--rows "$BENCH_ROWS")
  [ -n "${BENCH_STEPS:-}" ] && BENCH+=(--steps "$BENCH_STEPS")
  run_step "bench cuda (genlab vs PyTorch)" 150 "$NODE" dist/src/bench/cuda.js "${BENCH[@]}" >"$OUT/bench-cuda.json"
  if [ -s "$OUT/bench-cuda.json" ]; then
    # (paths in the environment: an argument would be process.argv[1], which cuda.js takes for its own run)
    BENCH_JS="$ROOT/dist/src/bench/cuda.js" BENCH_JSON="$OUT/bench-cuda.json" "$NODE" --input-type=module -e '
      import { readFileSync } from "node:fs";
      const { formatCudaBench } = await import(process.env.BENCH_JS);
      process.stdout.write(formatCudaBench(JSON.parse(readFileSync(process.env.BENCH_JSON, "utf8"))));
    ' | tee "$WORK/bench-cuda.txt"
    grep -E '^(model|ratio|first training)|@|relative difference|FAILED' "$WORK/bench-cuda.txt" | sed 's/^/bench: /' >>"$OUT/summary.txt"
  fi
else
  note "bench cuda: SKIPPED (CUDA not available to genlab)"
fi

# ---- 6. the CPU side of the fits ----------------------------------------------------------------
fit "mlp-1x512 random labels, 10 epochs, cpu" cpu 90 "${MLP[@]}"
fit "alexnet-small, 3 epochs, cpu" cpu 120 "${ALEX[@]}"

# ---- 7. what comes back -------------------------------------------------------------------------
# Each model fitted on both devices: the GPU's examples/s over the CPU's.
"$NODE" -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  for (const g of rows.filter((r) => r.device !== "cpu")) {
    const c = rows.find((r) => r.device === "cpu" && r.summary.model === g.summary.model && r.summary.epochs === g.summary.epochs);
    if (c) console.log(`speed-up ${g.summary.model}: ${g.device} ${Math.round(g.summary.examplesPerSecond)} examples/s, cpu (${c.summary.threads} threads) ${Math.round(c.summary.examplesPerSecond)}: ${(g.summary.examplesPerSecond / c.summary.examplesPerSecond).toFixed(2)}x`);
  }
' "$OUT/fits.jsonl" >>"$OUT/summary.txt" 2>&1

(cd "$WORK" && tar -czf "$OUT/runs.tar.gz" --exclude='*.safetensors' --exclude='*.ckpt*' runs-* 2>/dev/null) || true
say "=== summary (${BUDGET}s budget, $(elapsed)s used)"
cat "$OUT/summary.txt"
ls -la "$OUT"
device_log_end
