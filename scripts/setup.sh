#!/usr/bin/env bash
# Idempotent set-up: installs only what is missing (Debian packages, npm packages, the native
# addon, the TypeScript build), so `npm test` and `npm run demo` work on a fresh Debian machine
# and cost a few seconds when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

# Debian packages: the build toolchain, libtorch, the embedded data set, fonts for figures,
# PyTorch + NumPy/SciPy as the reference that tests and benchmarks compare against, redis-server for
# the sweep queue (its tests start their own instances; openssl makes the TLS test's certificate) and chromium for the
# dashboard's browser tests. OpenBLAS is named
# because libtorch's BLAS dependency is otherwise met by the (much slower) reference libblas3.
PKGS=(g++ make python3 libtorch-dev libopenblas0-pthread dataset-fashion-mnist fonts-dejavu-core python3-torch python3-numpy python3-scipy redis-server openssl chromium)
# With LIBTORCH set, the addon builds against that libtorch instead of Debian's.
[ -n "${LIBTORCH:-}" ] && PKGS=("${PKGS[@]/libtorch-dev}")
missing=()
for p in "${PKGS[@]}"; do
  [ -n "$p" ] || continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages, when package-lock.json is newer than the installed tree.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund >&2
fi

# The native addon, when a source, the gyp file or the libtorch it builds against changed.
addon=native/build/Release/genlab_native.node
stamp=native/build/.libtorch
want="${LIBTORCH:-debian}"
if [ ! -f "$addon" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || [ -n "$(find native/src native/binding.gyp scripts/torch-config.cjs -newer "$addon" 2>/dev/null | head -1)" ]; then
  say "building the native addon against libtorch ($want)"
  npx --no-install node-gyp rebuild --directory native -j "$(nproc)" >&2
  echo "$want" > "$stamp"
fi

# The TypeScript build, when any source is newer than the last build.
if [ ! -f dist/.stamp ] || [ -n "$(find src test bench tsconfig.json -newer dist/.stamp -name '*.ts' -o -newer dist/.stamp -name '*.json' 2>/dev/null | head -1)" ]; then
  say "compiling TypeScript"
  npx --no-install tsc -p tsconfig.json
  touch dist/.stamp
fi
