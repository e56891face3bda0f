#!/usr/bin/env bash
# genlab's fit presets at one scale, on a GPU machine, into one run store, by genlab's own `genlab run`
# commands (unmodified, each logged as run): fig1a, table1, fig1b, table-random-regularized, fig2b,
# double-descent-width, one after the other under a deadline (fig1c and early-stopping reuse fig1b's and
# table1's runs). Each preset gets what is left of the budget; at the deadline the sweep gets SIGINT (its
# workers stop after their epoch's checkpoint; the same command later resumes them) and SIGKILL 20 s on.
# A preset that fails with runs left is run once more (genlab skips complete runs, resumes partial ones);
# CUDA failing at the first preset sends it and the rest to the CPU.
# Then the store, without checkpoints, is packed for the trip back.
#
#   here:   GPU_BUNDLE_FULL_DATA=1 GPU_BUNDLE_TSC=0 bash scripts/make-gpu-bundle.sh   (right before the call)
#   there:  SCIENCE_BUDGET_S=520 bash scripts/device-science.sh                       (carry .gpu)
#   rehearsal here: SCIENCE_SCALE=smoke SCIENCE_DEVICE=cpu SCIENCE_JOBS=2 GENLAB_BUNDLE=0 OUT=/tmp/x \
#                   nice bash scripts/device-science.sh
#
# The runs pass no --data-dir: their configs say dataDir null (Debian's /usr/share/datasets/fashion-mnist),
# so their ids and seeded subsets are those of every machine with Debian's data set. Where that directory
# lacks the files, the bundle's whole set (.gpu/fashion-mnist-full, from GPU_BUNDLE_FULL_DATA=1) is unxz'd
# there (root on the GPU machine). The setup (bundle, addon, genlab info) is scripts/device-setup.sh's.
# Settings (environment):
#   OUT               what comes back (default out/science): store.tar.gz (the store, no checkpoints),
#                     summary.txt, science.log, logs.tar.gz (each preset's stdout JSON and stderr, the
#                     plans), env.txt, info.json, build.log
#   SCIENCE_BUDGET_S  seconds for everything, setup and packing included (default 520)
#   SCIENCE_SCALE     the presets' scale (default cpu); SCIENCE_PRESETS: the presets, in order
#   SCIENCE_DEVICE    cuda (default) or cpu (a rehearsal without a GPU); SCIENCE_JOBS: runs at a time (8)
#   SCIENCE_CPU_JOBS  runs at a time on the CPU where CUDA fails at the first preset (default: the CPUs)
#   SCIENCE_DATA      where the runs' Fashion-MNIST must be (default /usr/share/datasets/fashion-mnist)
#   SCIENCE_WORK      scratch (default /tmp/genlab-science); the store is $SCIENCE_WORK/store
#   and scripts/device-setup.sh's (GENLAB_BUNDLE, LIBTORCH, PYTHON, …)
set -uo pipefail # no -e: a failing step is logged, the rest still run
cd "$(dirname "$0")/.."
ROOT=$PWD
START=$(date +%s)
BUDGET=${SCIENCE_BUDGET_S:-520}
SCALE=${SCIENCE_SCALE:-cpu}
PRESETS=${SCIENCE_PRESETS:-fig1a table1 fig1b table-random-regularized fig2b double-descent-width}
DEV=${SCIENCE_DEVICE:-cuda}
JOBS_RUN=${SCIENCE_JOBS:-8}
DATA=${SCIENCE_DATA:-/usr/share/datasets/fashion-mnist}
GRACE=20     # seconds between SIGINT and SIGKILL
PACK_S=15    # seconds kept for packing at the end
MAX_TAR=16000000 # bytes: a file back from the device is at most 16 MiB
OUT=${OUT:-out/science}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=${SCIENCE_WORK:-/tmp/genlab-science}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
STORE=$WORK/store
LOGS=$WORK/logs
mkdir -p "$LOGS"
: >"$OUT/summary.txt"
# shellcheck source=scripts/device-setup.sh
. scripts/device-setup.sh
device_log science.log

# The bundle's commit (what its dist/ was compiled from) and git's HEAD here (a .git copied along to the GPU
# machine can be stale; without the bundle, git's is the one).
COMMIT="$(sed -n 's/.* from commit \([0-9a-f]*\).*/\1/p' .gpu/MANIFEST.txt 2>/dev/null | grep . || echo none) (the bundle's), $(git rev-parse HEAD 2>/dev/null || echo none) (git HEAD here)"
say "genlab science: presets [$PRESETS] at scale $SCALE on $DEV, store $STORE, logs in $OUT, budget ${BUDGET}s"
note "commit: $COMMIT"
[ -f .gpu/MANIFEST.txt ] && sed 's/^/bundle: /' .gpu/MANIFEST.txt | head -3

# ---- 1. the machine, node and dist/, the addon, genlab info (scripts/device-setup.sh) ---------------
device_machine
device_runtime || note "WARNING: the runs are computed by the bundle's dist/, compiled from sources other than this tree's (above)"
device_addon
((BUILD_OK)) || note "build addon: FAILED; genlab cannot run (see above)"
device_info "$DEV"
JOBS_CPU=${SCIENCE_CPU_JOBS:-$(nproc)}
if [ "$DEV" != cpu ] && ((!CUDA_OK)); then
  note "CUDA is not available to genlab: every preset runs on the CPU, --jobs $JOBS_CPU"
  DEV=cpu JOBS_RUN=$JOBS_CPU
fi
note "device: $(timeout 10 nvidia-smi -L 2>/dev/null | head -1 || true); $(grep -o '"torch":"[^"]*"' "$OUT/info.json" 2>/dev/null); $(grep '^torch' "$OUT/env.txt" 2>/dev/null); $(nproc) CPUs"

# ---- 2. the data set where genlab looks by default -------------------------------------------------
FM_FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
have_data() {
  local f
  for f in "${FM_FILES[@]}"; do [ -f "$DATA/$f" ] || [ -f "$DATA/$f.gz" ] || return 1; done
}
if have_data; then
  say "data: $DATA holds Fashion-MNIST"
elif [ -d .gpu/fashion-mnist-full ]; then
  mkdir -p "$DATA"
  for f in "${FM_FILES[@]}"; do
    unxz_to_stdout ".gpu/fashion-mnist-full/$f.xz" >"$DATA/$f.tmp" && mv "$DATA/$f.tmp" "$DATA/$f" ||
      note "data: unpacking .gpu/fashion-mnist-full/$f.xz into $DATA FAILED"
  done
  note "data: the bundle's whole Fashion-MNIST unpacked into $DATA: $(cd "$DATA" && sha256sum "${FM_FILES[@]}" 2>&1 | cut -c1-16 | tr '\n' ' ')"
else
  note "data: $DATA lacks Fashion-MNIST and the bundle holds none (.gpu/fashion-mnist-full); the runs will fail"
fi

# ---- 3. the plans (each preset's run ids, for the count at the end) ---------------------------------
plan_ids() { # plan_ids PRESET: "id seed" lines of the plan `genlab run PRESET --scale SCALE` makes
  DIST="$ROOT/dist" "$NODE" --input-type=module -e '
    const { loadPreset, planPreset } = await import(process.env.DIST + "/src/presets/preset.js");
    for (const r of planPreset(loadPreset(process.argv[1]), process.argv[2], {}, undefined))
      console.log(r.id, r.config.train.seed);
  ' "$1" "$SCALE"
}
for p in $PRESETS; do plan_ids "$p" >"$LOGS/$p.plan" 2>>"$LOGS/plans.err" || note "plan $p: FAILED ($(tail -1 "$LOGS/plans.err"))"; done

# ---- 4. the presets, under the deadline ---------------------------------------------------------------
DEADLINE=$((START + BUDGET - GRACE - PACK_S))
# sweep PRESET: one `genlab run`, stopped at the deadline; sets RC, WALL and STOPPED.
sweep() {
  local p=$1 pid t0 signalled=0
  local log=$LOGS/$p-$DEV
  local -a cmd=("$NODE" bin/genlab.js run "$p" --scale "$SCALE" --device "$DEV" --jobs "$JOBS_RUN" --out "$STORE" --json)
  echo "${cmd[*]}" >>"$WORK/commands.txt"
  say "=== $p (until the deadline, $((DEADLINE - $(date +%s)))s): ${cmd[*]} >$(basename "$log").json 2>$(basename "$log").err"
  t0=$(date +%s.%N)
  set -m # its own process group: SIGINT to the sweep alone, SIGKILL to it and its workers
  "${cmd[@]}" >"$log.json" 2>"$log.err" &
  pid=$!
  set +m
  while kill -0 "$pid" 2>/dev/null; do
    if ((!signalled && $(date +%s) >= DEADLINE)); then
      say "deadline: SIGINT to the $p sweep ($pid)"
      kill -INT "$pid" 2>/dev/null
      signalled=$(date +%s)
    elif ((signalled && $(date +%s) >= signalled + GRACE)); then
      say "$p: still running ${GRACE}s after SIGINT: SIGKILL to its process group"
      kill -KILL -- "-$pid" 2>/dev/null
    fi
    sleep 1
  done
  wait "$pid"
  RC=$?
  kill -KILL -- "-$pid" 2>/dev/null # workers left behind by a killed sweep
  WALL=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
  STOPPED=$((signalled > 0))
}
# complete PRESET: "C/N" runs of its plan whose summary says complete (and the seeds of those).
complete() {
  local n=0 c=0 id seed seeds=""
  while read -r id seed; do
    n=$((n + 1))
    if grep -Eqs '"status": *"complete"' "$STORE/$id/summary.json"; then
      c=$((c + 1))
      case " $seeds " in *" $seed "*) ;; *) seeds="$seeds $seed" ;; esac
    fi
  done <"$LOGS/$1.plan"
  echo "$c/$n complete (seeds:${seeds:- none})"
}
# sweep_noted PRESET: sweep, then its line in the summary (and the end of its stderr where it failed).
sweep_noted() {
  sweep "$1"
  note "$1: exit $RC in ${WALL}s$( ((STOPPED)) && echo ', stopped at the deadline'); $(complete "$1"); $(tail -1 "$WORK/commands.txt")"
  ((RC == 0 || STOPPED)) || tail -5 "$LOGS/$1-$DEV.err" | sed 's/^/  /'
}
FIRST=1
for p in $PRESETS; do
  if (($(date +%s) >= DEADLINE - 10)); then
    note "$p: SKIPPED (the ${BUDGET}s budget is spent); $(complete "$p")"
    continue
  fi
  sweep_noted "$p"
  if ((RC != 0 && !STOPPED)); then
    done_=$(complete "$p") # "C/N complete (seeds: …)"
    planned=${done_#*/}
    planned=${planned%% *}
    if ((FIRST)) && [ "$DEV" != cpu ] && [[ $done_ == 0/* ]]; then
      # CUDA failing at the first preset (no run complete): it and the rest on the CPU.
      DEV=cpu JOBS_RUN=$JOBS_CPU
      note "FALLBACK: $p failed on cuda with no run complete; it and the rest run on the CPU, --jobs $JOBS_RUN"
      sweep_noted "$p"
    elif [ "${done_%%/*}" != "$planned" ] && (($(date +%s) < DEADLINE - 10)); then
      # Runs left after a failure (a run's error, or the sweep's own): once more, as genlab advises.
      note "RETRY: $p failed with $done_; the same command once more (complete runs are skipped, partial ones resume)"
      sweep_noted "$p"
    fi
  fi
  FIRST=0
done

# ---- 5. what comes back ---------------------------------------------------------------------------
# The store without checkpoints (and without its index: genlab rebuilds it from the run directories); where
# that is still too big, more is left out, in this order, and said.
EXCLUDE=(--exclude='*.safetensors' --exclude='index.db*' --exclude='run.lock')
for more in '' 'epochs' 'steps.f32' 'randomization.bin'; do
  [ -n "$more" ] && EXCLUDE+=("--exclude=$more") && note "store.tar.gz: over $MAX_TAR bytes; now without $more"
  tar -C "$STORE" -czf "$OUT/store.tar.gz" "${EXCLUDE[@]}" . 2>>"$LOGS/tar.err"
  (($(stat -c %s "$OUT/store.tar.gz") < MAX_TAR)) && break
done
note "store.tar.gz: $(stat -c %s "$OUT/store.tar.gz") bytes, $(tar -tzf "$OUT/store.tar.gz" | grep -c '/summary.json$') runs, ${EXCLUDE[*]}"
{
  echo "== commands (run in $ROOT, in this order)"
  cat "$WORK/commands.txt" 2>/dev/null
  echo "== runs complete in the store: $(grep -Els '"status": *"complete"' "$STORE"/*/summary.json 2>/dev/null | wc -l) of $(find "$STORE" -mindepth 2 -maxdepth 2 -name summary.json 2>/dev/null | wc -l)"
  for p in $PRESETS; do echo "$p: $(complete "$p")"; done
} >>"$OUT/summary.txt"
cp "$WORK/commands.txt" "$LOGS/" 2>/dev/null
tar -C "$WORK" -czf "$OUT/logs.tar.gz" logs
say "=== summary (${BUDGET}s budget, $(elapsed)s used)"
cat "$OUT/summary.txt"
ls -la "$OUT"
device_log_end
