#!/usr/bin/env bash
# Builds .gpu/ (git-ignored): what scripts/device-cuda-check.sh needs on a GPU machine that has no node,
# no npm packages and no network, small enough to travel with the working tree (64 MiB in all):
#   .gpu/node.xz           this machine's node binary (glibc ≥ 2.28), xz'd
#   .gpu/runtime.tar.xz    dist/ (a fresh TypeScript build of this tree, tests left out), the npm packages
#                          `genlab` loads at run time (the dependency closure of package.json's dependencies,
#                          without build leftovers), TypeScript and @types (to recompile there when the tree
#                          changed after this bundle was made; GPU_BUNDLE_TSC=0 leaves them out, and then
#                          a tsc error here stops the bundle) and node-addon-api's and node's N-API
#                          headers (native/build/node-include)
#   .gpu/src-hash.txt      the hash of the sources dist/ was compiled from (scripts/device-setup.sh compares)
#   .gpu/src-files.txt     those sources, one sha256sum line each (to name the ones changed since)
#   .gpu/fashion-mnist/    the first GPU_BUNDLE_TRAIN (10,000) training and GPU_BUNDLE_TEST (5,000) test
#                          examples of Debian's Fashion-MNIST, as IDX .gz files (the whole set is 31 MB)
#   .gpu/fashion-mnist-full/  with GPU_BUNDLE_FULL_DATA=1, instead of the cut: the whole set, each IDX file
#                          raw and xz'd (26 MB; scripts/device-science.sh installs it where Debian's would be)
#   .gpu/MANIFEST.txt      what was bundled, from which commit
# GPU_BUNDLE_COMMIT=REV compiles dist/ from that commit's sources rather than the working tree's.
# Run it after `npm run setup` and right before the GPU run, then carry `.gpu` (the repo's own dist/ and
# node_modules/ are read, never changed).
set -euo pipefail
cd "$(dirname "$0")/.."
B=.gpu
TRAIN_N=${GPU_BUNDLE_TRAIN:-10000}
TEST_N=${GPU_BUNDLE_TEST:-5000}
FULL_DATA=${GPU_BUNDLE_FULL_DATA:-0}
WITH_TSC=${GPU_BUNDLE_TSC:-1}
DATA=${GPU_BUNDLE_DATA:-/usr/share/datasets/fashion-mnist}
NODE_BIN=${GPU_BUNDLE_NODE:-$(command -v node)}
NODE_INCLUDE=${GPU_BUNDLE_NODE_INCLUDE:-$(dirname "$(dirname "$NODE_BIN")")/include/node}
[ -f "$NODE_INCLUDE/node_api.h" ] || NODE_INCLUDE=/usr/include/node
say() { printf 'make-gpu-bundle: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ -f node_modules/.package-lock.json ] || die "node_modules missing: run npm run setup first"
[ -f "$NODE_INCLUDE/node_api.h" ] || die "no node_api.h under $NODE_INCLUDE (set GPU_BUNDLE_NODE_INCLUDE)"
mkdir -p "$B"
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >>.git/info/exclude

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# The sources dist/ is compiled from; scripts/device-setup.sh computes the same.
srcfiles() {
  { find src bench test -type f -name '*.ts' -print0 2>/dev/null | LC_ALL=C sort -z | xargs -0 sha256sum; sha256sum tsconfig.json; }
}

# 1. dist/, compiled afresh (no files left over from sources since moved or deleted): from this tree's
# sources, or with GPU_BUNDLE_COMMIT=REV from that commit's (while the tree holds others' unfinished work).
srcdir=.
if [ -n "${GPU_BUNDLE_COMMIT:-}" ]; then
  srcdir=$stage/tree
  mkdir -p "$srcdir"
  git archive "$GPU_BUNDLE_COMMIT" src bench test tsconfig.json package.json | tar -xf - -C "$srcdir"
  ln -s "$PWD/node_modules" "$srcdir/node_modules"
fi
(cd "$srcdir" && srcfiles) >"$stage/src-files.txt"
hash=$(sha256sum <"$stage/src-files.txt" | cut -c1-16)
say "compiling TypeScript (sources $hash${GPU_BUNDLE_COMMIT:+ of $GPU_BUNDLE_COMMIT})"
if ! (cd "$srcdir" && nice npx --no-install tsc -p tsconfig.json --outDir "$stage/dist"); then
  ((WITH_TSC)) || die "tsc reported errors (above); without TypeScript in the bundle they cannot be fixed there"
  say "WARNING: tsc reported errors (above); the bundle's dist/ is what it emitted anyway"
fi
[ -f "$stage/dist/src/cli/main.js" ] || die "tsc emitted no dist/src/cli/main.js"
touch "$stage/dist/.stamp"

# 2. node.
if [ ! -f "$B/node.xz" ] || [ "$NODE_BIN" -nt "$B/node.xz" ]; then
  say "compressing $NODE_BIN ($("$NODE_BIN" --version))"
  nice xz -T2 -9 -c "$NODE_BIN" >"$B/node.xz.tmp"
  mv "$B/node.xz.tmp" "$B/node.xz"
fi

# 3. The packages: package.json's dependencies and theirs, as npm installed them (nested copies included).
npm ls --omit=dev --all --parseable 2>/dev/null | sort -u | grep '/node_modules/' | sed "s|^$PWD/||" >"$stage/packages"
[ -s "$stage/packages" ] || die "npm ls found no runtime packages"
# Every package directory whole (nested node_modules are listed themselves), minus docs, type
# declarations, source maps and what only building better-sqlite3 needed (its SQLite sources and
# object files: 25 of its 27 MB; its build/Release/better_sqlite3.node stays).
mkdir -p "$stage/root/native/build/node-include"
while read -r p; do
  (cd "$p" && find . -path ./node_modules -prune -o \( -type f -o -type l \) -print) |
    { grep -Ev '\.(md|markdown|d\.ts|d\.mts|d\.cts|map)$' || true; } |
    { if [ "${p##*/}" = better-sqlite3 ]; then grep -Ev '^\./(deps|src|docs)/|^\./build/(deps|Release/(obj|obj\.target|\.deps|test_extension\.node))' || true; else cat; fi; } |
    sed "s|^\./|$p/|"
done <"$stage/packages" >"$stage/files"
# The compiler, whole, for a recompile there (scripts/device-setup.sh: tsc --noCheck).
if ((WITH_TSC)); then
  for p in node_modules/typescript node_modules/@types node_modules/undici-types; do
    [ -d "$p" ] && find "$p" \( -type f -o -type l \) >>"$stage/files"
  done
fi
tar -cf - -T "$stage/files" | tar -xf - -C "$stage/root"
echo "node_modules/.package-lock.json" | tar -cf - -T - | tar -xf - -C "$stage/root"
# node-addon-api's headers (where it says they are) and node's N-API headers (native/build/node-include).
napi=$(node -p "require('node-addon-api').include_dir")
mkdir -p "$stage/root/$napi"
cp node_modules/node-addon-api/*.h "$stage/root/$napi/"
cp "$NODE_INCLUDE"/{node_api.h,node_api_types.h,js_native_api.h,js_native_api_types.h} "$stage/root/native/build/node-include/"
# dist/ without the compiled tests, declarations and source maps.
tar -C "$stage" -cf - --exclude='*.test.js' --exclude='*.map' --exclude='*.d.ts' --exclude='dist/test' dist | tar -xf - -C "$stage/root"
echo "$hash" >"$B/src-hash.txt"
cp "$stage/src-files.txt" "$B/src-files.txt"
say "packing $(wc -l <"$stage/packages") packages, dist/ and headers: $(du -sh "$stage/root" | cut -f1) unpacked"
tar -C "$stage/root" -cf - . | nice xz -T2 -9 >"$B/runtime.tar.xz.tmp"
mv "$B/runtime.tar.xz.tmp" "$B/runtime.tar.xz"

# 4. Fashion-MNIST: the whole set, raw IDX xz'd (kept while newer than its source), or a cut of it.
if ((FULL_DATA)); then
  rm -rf "$B/fashion-mnist"
  mkdir -p "$B/fashion-mnist-full"
  for name in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    src=$DATA/$name.gz
    [ -f "$src" ] || src=$DATA/$name
    [ -f "$src" ] || die "$DATA: no $name or $name.gz"
    dst=$B/fashion-mnist-full/$name.xz
    [ -f "$dst" ] && [ "$dst" -nt "$src" ] && continue
    say "xz -9 of $src, raw"
    if [ "$src" != "${src%.gz}" ]; then gzip -dc "$src"; else cat "$src"; fi | nice xz -T2 -9 >"$dst.tmp"
    mv "$dst.tmp" "$dst"
  done
  xz -t "$B"/fashion-mnist-full/*.xz || die "$B/fashion-mnist-full: an .xz file fails xz -t"
else
  rm -rf "$B/fashion-mnist-full"
  # A cut to its first examples (the IDX header's count rewritten to match).
  mkdir -p "$B/fashion-mnist"
  node --input-type=module - "$DATA" "$B/fashion-mnist" "$TRAIN_N" "$TEST_N" <<'EOF'
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
const [dir, out, trainN, testN] = process.argv.slice(2);
const files = {
  'train-images-idx3-ubyte': [Number(trainN), 16, 784],
  'train-labels-idx1-ubyte': [Number(trainN), 8, 1],
  't10k-images-idx3-ubyte': [Number(testN), 16, 784],
  't10k-labels-idx1-ubyte': [Number(testN), 8, 1],
};
for (const [name, [n, header, per]] of Object.entries(files)) {
  const src = existsSync(`${dir}/${name}.gz`) ? `${dir}/${name}.gz` : `${dir}/${name}`;
  let bytes = readFileSync(src);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const have = bytes.readUInt32BE(4);
  const keep = Math.min(n, have);
  const cut = Buffer.from(bytes.subarray(0, header + keep * per));
  cut.writeUInt32BE(keep, 4);
  writeFileSync(`${out}/${name}.gz`, gzipSync(cut, { level: 9 }));
  console.error(`make-gpu-bundle: ${name}: ${keep} of ${have}`);
}
EOF
fi

# 5. The manifest.
{
  if [ -n "${GPU_BUNDLE_COMMIT:-}" ]; then
    echo "made $(date -u +%FT%TZ) on $(hostname) from commit $(git rev-parse "$GPU_BUNDLE_COMMIT") (dist/ from its sources alone); sources $hash"
  else
    echo "made $(date -u +%FT%TZ) on $(hostname) from commit $(git rev-parse HEAD)$(git diff --quiet HEAD -- src bench test || echo ' (with uncommitted changes under src/, bench/ or test/)'); sources $hash"
  fi
  echo "node $("$NODE_BIN" --version) from $NODE_BIN; $(wc -l <"$stage/packages") npm packages$( ((WITH_TSC)) || echo ', no TypeScript')"
  if ((FULL_DATA)); then
    echo "fashion-mnist: the whole of $DATA, raw IDX xz'd, in fashion-mnist-full/"
  else
    echo "fashion-mnist: first $TRAIN_N training and $TEST_N test examples of $DATA"
  fi
  (cd "$B" && find . -type f ! -name MANIFEST.txt -printf '%s\t%p\n' | sort -k2)
} >"$B/MANIFEST.txt"
bundle=$(du -sb "$B" | cut -f1)
tree=$(git ls-files -z --cached --others --exclude-standard | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
say "done: $((bundle / 1048576)) MiB in $B + $((tree / 1048576)) MiB of working tree = $(((bundle + tree) / 1048576)) MiB to carry"
((bundle + tree < 62 * 1048576)) || say "WARNING: over 62 MiB; the device machine takes 64 MiB in all"
