// Prints the compiler and linker flags that build the addon against libtorch:
// Debian's libtorch-dev by default, or the libtorch under $LIBTORCH (a CUDA build too).
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

function fail(msg) {
  process.stderr.write(`torch-config: ${msg}\n`);
  process.exit(1);
}

function layout() {
  const root = process.env.LIBTORCH;
  if (!root) {
    const lib = '/usr/lib/x86_64-linux-gnu';
    if (!fs.existsSync('/usr/include/torch/csrc/api/include/torch/torch.h')) {
      fail(
        "libtorch headers not found in /usr/include; expected Debian's libtorch-dev (apt-get install libtorch-dev) or LIBTORCH=/path/to/libtorch",
      );
    }
    return { include: ['/usr/include/torch/csrc/api/include'], lib };
  }
  const include = [path.join(root, 'include'), path.join(root, 'include/torch/csrc/api/include')];
  if (!fs.existsSync(path.join(include[1], 'torch/torch.h'))) {
    fail(
      `LIBTORCH=${root}: no include/torch/csrc/api/include/torch/torch.h there; expected the root of a libtorch (the folder holding include/ and lib/)`,
    );
  }
  return { include, lib: path.join(root, 'lib') };
}

function has(lib, name) {
  return fs.existsSync(path.join(lib, `lib${name}.so`));
}

// A libtorch built with the old C++ ABI (pip wheels before 2.7) names std::string without __cxx11.
function cxx11Abi(lib) {
  try {
    const syms = execFileSync('nm', ['-D', '--defined-only', path.join(lib, 'libc10.so')], {
      maxBuffer: 1 << 28,
    }).toString();
    return /__cxx11/.test(syms) ? 1 : 0;
  } catch {
    return 1;
  }
}

// The OpenMP runtime libtorch_cpu links (libgomp.so.1 on Debian, a renamed libgomp-….so.1 in pip's
// builds, libiomp5.so in Intel's): genlab's kernels call at::parallel_for, whose OpenMP form lives in
// ATen's headers and runs in parallel only when compiled with -fopenmp; they must then share libtorch's
// runtime (one thread pool, and the thread count at::set_num_threads sets). null: libtorch has none
// (its own thread pool), and the kernels stay serial rather than start a second pool.
function openmpRuntime(lib) {
  try {
    const dyn = execFileSync('readelf', ['-d', path.join(lib, 'libtorch_cpu.so')]).toString();
    return /\(NEEDED\)\s+Shared library: \[(lib(?:g|i)omp[^\]]*)\]/.exec(dyn)?.[1] ?? null;
  } catch {
    return null;
  }
}

// GENLAB_SANITIZE=address builds the addon with AddressSanitizer and UBSan (scripts/sanitize.sh does, into a
// folder of its own): node then runs it with libasan preloaded.
function sanitize() {
  const s = process.env.GENLAB_SANITIZE;
  if (!s) return { cflags: [], ldflags: [] };
  if (s !== 'address')
    fail(`GENLAB_SANITIZE=${s}: expected address (AddressSanitizer with UBSan) or nothing`);
  const flags = ['-fsanitize=address,undefined', '-fno-omit-frame-pointer', '-g'];
  return { cflags: flags, ldflags: flags };
}

const { include, lib } = layout();
const what = process.argv[2];
const cuda = has(lib, 'torch_cuda');
if (what === 'include') {
  console.log(include.join(' '));
} else if (what === 'libs') {
  const libs = ['-L' + lib, '-ltorch', '-ltorch_cpu', '-lc10'];
  if (cuda) libs.push('-ltorch_cuda', '-lc10_cuda');
  const omp = openmpRuntime(lib);
  if (omp) libs.push(`-l:${omp}`);
  console.log(libs.join(' '));
} else if (what === 'cflags') {
  const omp = openmpRuntime(lib) ? '-fopenmp' : '-Wno-unknown-pragmas'; // no runtime: the pragmas stay off
  console.log([omp, ...sanitize().cflags].join(' '));
} else if (what === 'ldflags') {
  // --no-as-needed keeps libtorch_cuda linked although no symbol of it is named: it registers the CUDA kernels.
  console.log(['-Wl,--no-as-needed', '-Wl,-rpath,' + lib, ...sanitize().ldflags].join(' '));
} else if (what === 'defines') {
  const defs = [`_GLIBCXX_USE_CXX11_ABI=${cxx11Abi(lib)}`];
  if (cuda) defs.push('GENLAB_CUDA=1');
  console.log(defs.join(' '));
} else {
  fail(`unknown query "${what}"; expected include, libs, cflags, ldflags or defines`);
}
