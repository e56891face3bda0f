# The setup genlab's device scripts share on a GPU machine (sourced, not run: scripts/device-cuda-check.sh,
# scripts/device-science.sh): a log, the machine's description, node + npm packages + dist/ (from the .gpu/
# bundle scripts/make-gpu-bundle.sh makes, on a machine without node), the addon built against the
# machine's CUDA libtorch, and `genlab info`.
#
# The caller is in the repo root with ROOT=$PWD, START (epoch seconds), BUDGET (seconds), OUT and WORK
# (existing absolute directories) set, and $OUT/summary.txt started; then, in this order:
#   device_log FILE     from here on stdout and stderr also go to $OUT/FILE; fd 3 is that log (for `say`)
#   device_machine      $OUT/env.txt: OS, CPUs, compilers, nvidia-smi, the python's torch (sets PYTHON)
#   device_runtime      node, node_modules/, dist/ (sets NODE, NODE_INCLUDE, USE_BUNDLE; returns 1 where
#                       dist/ is not compiled from these sources and could not be recompiled)
#   device_addon        the addon against LIBTORCH, unless already built for it (sets BUILD_OK)
#   device_info DEVICE  `genlab info` into $OUT/info.json (sets CUDA_OK: CUDA available, or DEVICE is cpu)
#   device_log_end      stdout and stderr back, the log flushed
# Helpers: elapsed, say, note (a line of $OUT/summary.txt), run_step, unxz_to_stdout, srchash.
# Settings (environment): PYTHON, LIBTORCH, GENLAB_BUNDLE, JOBS, BUILD_CAP_S, CXX, CXXSTD, CHECK_NO_XZ
# (see scripts/device-cuda-check.sh's header).
# shellcheck shell=bash

device_log() {
  exec 4>&1 5>&2
  exec > >(tee "$OUT/$1") 2>&1
  DEVICE_TEE_PID=$!
  exec 3>&1 # the log, for messages while a step's stdout goes to a file
}
device_log_end() {
  exec 1>&4 2>&5 3>&-
  wait "$DEVICE_TEE_PID" 2>/dev/null || true
}

elapsed() { echo $(($(date +%s) - START)); }
say() { printf '[%4ss] %s\n' "$(elapsed)" "$*" >&3; }
note() { # a line of the summary, printed as it is written
  printf '%s\n' "$*" >>"$OUT/summary.txt"
  say "SUMMARY: $*"
}
# run_step NAME CAP_S CMD...: runs CMD under a timeout of CAP_S or what is left of the budget; returns its code.
run_step() {
  local name=$1 cap=$2 left rc t0 t1
  shift 2
  left=$((BUDGET - $(elapsed)))
  if ((left < 15)); then
    note "$name: SKIPPED (the ${BUDGET}s budget is spent)"
    return 98
  fi
  ((cap > left)) && cap=$left
  say "=== $name (at most ${cap}s): $*"
  t0=$(date +%s.%N)
  timeout -k 10 "$cap" "$@"
  rc=$?
  t1=$(date +%s.%N)
  STEP_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  if ((rc == 124 || rc == 137)); then
    note "$name: TIMED OUT after ${cap}s"
  elif ((rc != 0)); then
    note "$name: FAILED (exit $rc) after ${STEP_S}s"
  else
    say "=== $name: ok in ${STEP_S}s"
  fi
  return $rc
}
# xz -dc FILE, or Python's lzma where xz-utils is not installed.
unxz_to_stdout() {
  if command -v xz >/dev/null && [ -z "${CHECK_NO_XZ:-}" ]; then
    xz -dc "$1"
  else
    "$PYTHON" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer, 1 << 20)' "$1"
  fi
}
# The sources dist/ is compiled from, one sha256sum line each (scripts/make-gpu-bundle.sh writes the
# bundle's to .gpu/src-files.txt), and their hash (.gpu/src-hash.txt).
srcfiles() {
  { find src bench test -type f -name '*.ts' -print0 2>/dev/null | LC_ALL=C sort -z | xargs -0 sha256sum; sha256sum tsconfig.json; }
}
srchash() { srcfiles | sha256sum | cut -c1-16; }

# ---- the machine -------------------------------------------------------------------------------
device_machine() {
  if [ -z "${PYTHON:-}" ]; then
    if [ -x /opt/torch/.venv/bin/python3 ]; then PYTHON=/opt/torch/.venv/bin/python3; else PYTHON=$(command -v python3 || echo python3); fi
  fi
  {
    echo "# date: $(date -u +%FT%TZ)  host: $(hostname 2>/dev/null || cat /etc/hostname)  kernel: $(uname -r)"
    grep -E '^(PRETTY_NAME)=' /etc/os-release 2>/dev/null
    echo "# glibc: $(ldd --version 2>/dev/null | head -1)"
    echo "# CPUs: $(nproc)  memory: $(awk '/MemTotal/ {print int($2/1048576) " GiB"}' /proc/meminfo)"
    echo "# compilers: g++=$(command -v g++ || echo none) c++=$(command -v c++ || echo none) nvcc=$(command -v nvcc || echo none)"
    (g++ --version 2>/dev/null || c++ --version 2>/dev/null) | head -1
    echo "# nvidia-smi"
    timeout 20 nvidia-smi 2>&1 | head -30
    echo "# $PYTHON"
    timeout 60 "$PYTHON" -c 'import torch, os
print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())
print("available", torch.cuda.is_available(), "devices", torch.cuda.device_count())
print("device", torch.cuda.get_device_name(0) if torch.cuda.is_available() else None)
print("dir", os.path.dirname(torch.__file__))
print("cxx11abi", torch._C._GLIBCXX_USE_CXX11_ABI)' 2>&1
  } >"$OUT/env.txt" 2>&1
  cat "$OUT/env.txt"
}

# ---- node, npm packages, dist/ ------------------------------------------------------------------
device_runtime() {
  # The bundle where there are no npm packages here (a bare copy of the tree), or on request.
  USE_BUNDLE=0
  if [ -f .gpu/runtime.tar.xz ] && [ "${GENLAB_BUNDLE:-}" != 0 ]; then
    if [ "${GENLAB_BUNDLE:-}" = 1 ] || [ ! -f node_modules/.package-lock.json ]; then USE_BUNDLE=1; fi
  fi
  if ((USE_BUNDLE)); then
    # The bundle's packages were installed by its node (better-sqlite3's addon is for that node's ABI).
    say "unpacking the bundle: node, dist/, node_modules/ ($(command -v xz >/dev/null && [ -z "${CHECK_NO_XZ:-}" ] && echo xz || echo "no xz: $PYTHON's lzma"))"
    mkdir -p "$WORK/node/bin"
    unxz_to_stdout .gpu/node.xz >"$WORK/node/bin/node.tmp" && chmod +x "$WORK/node/bin/node.tmp" && mv "$WORK/node/bin/node.tmp" "$WORK/node/bin/node"
    rm -rf dist node_modules # replaced by the bundle's (GENLAB_BUNDLE=1 says so where they existed)
    unxz_to_stdout .gpu/runtime.tar.xz | tar -xf - -C "$ROOT" || note "unpacking .gpu/runtime.tar.xz: FAILED"
    export PATH="$WORK/node/bin:$PATH"
    NODE_INCLUDE=$ROOT/native/build/node-include
  else
    say "using this machine's node, node_modules/ and dist/ (no bundle, or GENLAB_BUNDLE=0)"
    NODE_INCLUDE=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node
    [ -f "$NODE_INCLUDE/node_api.h" ] || NODE_INCLUDE=/usr/include/node
    [ -f "$NODE_INCLUDE/node_api.h" ] || NODE_INCLUDE=$ROOT/native/build/node-include
  fi
  NODE=$(command -v node) || {
    note "node: NOT FOUND (no bundle in .gpu/ and none on PATH); nothing else can run"
    exit 1
  }
  say "node $("$NODE" --version) at $NODE; N-API headers in $NODE_INCLUDE"
  if ((USE_BUNDLE)); then
    # The bundle's dist/ was compiled from the sources whose hash it holds; recompile where the tree differs.
    local want have
    want=$(cat .gpu/src-hash.txt 2>/dev/null)
    have=$(srchash)
    if [ "$want" = "$have" ]; then
      say "the bundle's dist/ was compiled from these sources ($have)"
    elif [ ! -f node_modules/typescript/bin/tsc ]; then
      note "sources changed since the bundle was made (bundle $want, tree $have) and the bundle holds no TypeScript: dist/ is the bundle's"
      [ -f .gpu/src-files.txt ] && diff <(srcfiles) .gpu/src-files.txt | grep '^[<>]' | sed 's/^/  /' >&3
      return 1
    else
      note "sources changed since the bundle was made (bundle $want, tree $have): recompiling dist/ with tsc --noCheck"
      run_step "tsc" 120 "$NODE" node_modules/typescript/bin/tsc -p tsconfig.json --noCheck ||
        note "tsc: exit code $? (it emits what it can; dist/ may be partly stale)"
      touch dist/.stamp
    fi
  elif [ ! -f dist/.stamp ] && [ -f node_modules/typescript/bin/tsc ]; then
    run_step "tsc (no dist/ yet)" 120 "$NODE" node_modules/typescript/bin/tsc -p tsconfig.json && touch dist/.stamp
  fi
  return 0
}

# ---- the addon against a CUDA libtorch ----------------------------------------------------------
build_addon() {
  local cxx inc libs cflags ldflags defs napi obj src njobs pids=() fail=0 f stamp
  cxx=${CXX:-$(command -v g++ || command -v c++)} || {
    echo "no C++ compiler: neither g++ nor c++ is on PATH (apt-get install g++)"
    return 1
  }
  inc=$("$NODE" scripts/torch-config.cjs include) || return 1
  libs=$("$NODE" scripts/torch-config.cjs libs) || return 1
  cflags=$("$NODE" scripts/torch-config.cjs cflags) || return 1
  ldflags=$("$NODE" scripts/torch-config.cjs ldflags) || return 1
  defs=$("$NODE" scripts/torch-config.cjs defines) || return 1
  napi=$(cd native && "$NODE" -p "require('node-addon-api').include_dir") || return 1
  # C++17 as native/binding.gyp says, unless this PyTorch builds its own extensions as C++20 (its
  # cpp_extension.py says -std=c++20 from 2.11 or so) or its headers #error below C++20 (later ones).
  local std=${CXXSTD:-} d
  if [ -z "$std" ]; then
    std=c++17
    grep -qs -- '-std=c++20' "${LIBTORCH:-/nonexistent}/utils/cpp_extension.py" && std=c++20
    for d in $inc; do
      grep -Eqs '__cplusplus < 202002L|C\+\+20 or later' "$d/torch/all.h" "$d/ATen/ATen.h" && std=c++20
    done
  fi
  echo "compiler: $cxx ($("$cxx" -dumpfullversion 2>/dev/null)), -std=$std"
  printf 'torch-config: include=%s\n  libs=%s\n  cflags=%s ldflags=%s defines=%s\n' "$inc" "$libs" "$cflags" "$ldflags" "$defs"
  # As node-gyp compiles native/binding.gyp (native/build/genlab_native.target.mk, Release).
  local -a flags=(
    -DNODE_GYP_MODULE_NAME=genlab_native -DUSING_UV_SHARED=1 -DUSING_V8_SHARED=1 -DV8_DEPRECATION_WARNINGS=1
    -D_FILE_OFFSET_BITS=64 -D_LARGEFILE_SOURCE -D__STDC_FORMAT_MACROS -DNAPI_CPP_EXCEPTIONS -DNAPI_VERSION=8
    -DBUILDING_NODE_EXTENSION
  )
  for d in $defs; do flags+=("-D$d"); done
  flags+=("-I$NODE_INCLUDE" "-I$ROOT/native/$napi")
  for d in $inc; do flags+=("-I$d"); done
  # shellcheck disable=SC2206 # torch-config's flags are words
  flags+=(-fPIC -pthread -Wall -Wextra -Wno-unused-parameter -m64 -O3 -fno-omit-frame-pointer
    "-std=$std" -O2 -fno-math-errno -ffp-contract=off -fexceptions -frtti -Wno-unused-parameter
    -Wno-deprecated-declarations $cflags)
  # Objects are kept for a rerun with the same flags and compiler (one that timed out resumes).
  obj=native/build/cuda-check-obj
  stamp="$cxx ${flags[*]}"
  [ "$(cat "$obj/flags.txt" 2>/dev/null)" = "$stamp" ] || rm -rf "$obj"
  mkdir -p "$obj" native/build/Release
  printf '%s' "$stamp" >"$obj/flags.txt"
  njobs=${JOBS:-$(nproc)}
  echo "compiling native/src/*.cc, $njobs at a time"
  for src in native/src/*.cc; do
    f=$(basename "$src" .cc)
    if [ "$obj/$f.o" -nt "$src" ] && [ "$obj/$f.o" -nt native/src/common.h ]; then
      echo "  $f: up to date"
      continue
    fi
    ("$cxx" "${flags[@]}" -c "$src" -o "$obj/$f.o.tmp" >"$obj/$f.log" 2>&1 && mv "$obj/$f.o.tmp" "$obj/$f.o" && echo "  compiled $f" || {
      echo "  FAILED $f:"
      grep -m 30 -E 'error|Error' "$obj/$f.log"
      exit 1
    }) &
    pids+=($!)
    while (($(jobs -rp | wc -l) >= njobs)); do wait -n; done
  done
  for p in "${pids[@]}"; do wait "$p" || fail=1; done
  cat "$obj"/*.log 2>/dev/null | head -c 8000000 >"$OUT/build.log" # (warnings; at most 8 MB come back)
  ((fail)) && return 1
  # shellcheck disable=SC2086
  "$cxx" -shared -pthread -rdynamic $ldflags -m64 -o native/build/Release/genlab_native.node \
    -Wl,--start-group "$obj"/*.o -Wl,--end-group $libs >>"$OUT/build.log" 2>&1 || {
    echo "link FAILED:"
    tail -30 "$OUT/build.log"
    return 1
  }
  echo "${LIBTORCH:-debian}" >native/build/.libtorch # scripts/setup.sh's stamp: it keeps this build
  echo "linked native/build/Release/genlab_native.node ($(du -h native/build/Release/genlab_native.node | cut -f1)); libraries it needs:"
  readelf -d native/build/Release/genlab_native.node | grep -E 'NEEDED|RUNPATH|RPATH' | sed 's/^ */  /'
  echo "unresolved by the loader (ldd):"
  ldd native/build/Release/genlab_native.node | grep 'not found' || echo "  none"
}

device_addon() {
  if [ -z "${LIBTORCH+set}" ]; then
    LIBTORCH=$(timeout 60 "$PYTHON" -c 'import torch, os; print(os.path.dirname(torch.__file__))' 2>/dev/null) || LIBTORCH=
    [ -f "$LIBTORCH/include/torch/csrc/api/include/torch/torch.h" ] || {
      say "no libtorch headers in $PYTHON's torch (${LIBTORCH:-none}); building against Debian's libtorch-dev"
      LIBTORCH=
    }
  fi
  export LIBTORCH
  say "LIBTORCH=${LIBTORCH:-(empty: the Debian libtorch-dev)}"
  addon=native/build/Release/genlab_native.node
  if [ -f "$addon" ] && [ "$(cat native/build/.libtorch 2>/dev/null)" = "${LIBTORCH:-debian}" ] &&
    [ -z "$(find native/src native/binding.gyp scripts/torch-config.cjs -type f -newer "$addon" 2>/dev/null | head -1)" ]; then
    say "the addon is up to date for this libtorch; not rebuilt"
    BUILD_OK=1
  else
    export -f build_addon
    export NODE NODE_INCLUDE OUT ROOT
    if run_step "build addon" "${BUILD_CAP_S:-300}" bash -c build_addon; then
      BUILD_OK=1
      note "build addon: ok in ${STEP_S}s"
    elif [ -z "${CXXSTD:-}" ] && grep -q -- '-std=c++17' native/build/cuda-check-obj/flags.txt 2>/dev/null &&
      ! grep -q 'TIMED OUT' <(tail -1 "$OUT/summary.txt"); then
      # A compile error under C++17 may be headers written for C++20: once more as C++20.
      if CXXSTD=c++20 run_step "build addon (-std=c++20)" "${BUILD_CAP_S:-300}" bash -c build_addon; then
        BUILD_OK=1
        note "build addon: ok as C++20 in ${STEP_S}s (failed as C++17: see the log above)"
      else BUILD_OK=0; fi
    else BUILD_OK=0; fi
  fi

  # Libraries the loader cannot find from the addon (libtorch_cuda's own RUNPATH normally finds pip's CUDA
  # libraries in site-packages/nvidia): add every site-packages/nvidia/*/lib to LD_LIBRARY_PATH, and say so.
  if [ -f "$addon" ] && ldd "$addon" 2>/dev/null | grep -q 'not found'; then
    ldd "$addon" | grep 'not found' | sed 's/^/  /'
    if [ -n "$LIBTORCH" ] && [ -d "$LIBTORCH/../nvidia" ]; then
      extra=$(find "$LIBTORCH/../nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | tr '\n' ':')
      export LD_LIBRARY_PATH="$extra${LD_LIBRARY_PATH:-}"
      note "ldd: the addon needs libraries the loader cannot find (above); LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
    else
      note "ldd: the addon needs libraries the loader cannot find (above)"
    fi
  fi
}

# ---- genlab info --------------------------------------------------------------------------------
device_info() {
  local dev=$1
  CUDA_OK=0
  if run_step "genlab info" 60 "$NODE" bin/genlab.js info --json --verbose >"$OUT/info.json"; then
    cat "$OUT/info.json"
    "$NODE" bin/genlab.js info 2>&1 | sed 's/^/  /'
    if grep -q '"cudaAvailable":true' "$OUT/info.json"; then
      CUDA_OK=1
      note "genlab info: CUDA available ($(grep -o '"torch":"[^"]*"' "$OUT/info.json"), $(grep -o '"cudaBuild":[a-z]*' "$OUT/info.json"))"
    elif [ "$dev" = cpu ]; then
      CUDA_OK=1
      note "genlab info: CUDA NOT available; device cpu: the GPU steps rehearse on the CPU"
    else
      note "genlab info: CUDA NOT available ($(grep -o '"cudaBuild":[a-z]*' "$OUT/info.json")); the GPU steps are skipped"
    fi
  else
    cat "$OUT/info.json" 2>/dev/null
  fi
}
