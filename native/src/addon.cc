// The addon's entry point: tensor handles, argument readers and process-wide settings.
#include "common.h"
#include <ATen/Parallel.h>
#include <torch/version.h>
#include <dlfcn.h>
#include <pthread.h>
#include <unistd.h>
#include <csignal>
#include <mutex>
#include <thread>

namespace genlab {

std::atomic<int64_t> liveTensors{0};

static int64_t storageBytes(const at::Tensor& t) {
  return t.defined() ? static_cast<int64_t>(t.numel() * t.element_size()) : 0;
}

void release(Napi::Env env, TensorBox* box) {
  if (!box->t.defined()) return;
  box->t.reset();
  liveTensors--;
  if (box->bytes > 0) Napi::MemoryManagement::AdjustExternalMemory(env, -box->bytes);
  box->bytes = 0;
}

static void finalizeBox(Napi::Env env, TensorBox* box) {
  try {
    release(env, box);
  } catch (...) {
    // A finalizer never throws.
  }
  delete box;
}

Napi::Value wrap(Napi::Env env, at::Tensor t) {
  if (!t.defined()) return env.Undefined();
  auto* box = new TensorBox{std::move(t), 0};
  box->bytes = box->t.device().is_cpu() ? storageBytes(box->t) : 0;
  liveTensors++;
  if (box->bytes > 0) Napi::MemoryManagement::AdjustExternalMemory(env, box->bytes);
  auto handle = Napi::External<TensorBox>::New(env, box, finalizeBox);
  tagHandle(handle.As<Napi::External<void>>(), HandleKind::Tensor);
  return handle;
}

Napi::Array wrapPair(Napi::Env env, at::Tensor a, at::Tensor b) {
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(uint32_t(0), wrap(env, std::move(a)));
  out.Set(uint32_t(1), wrap(env, std::move(b)));
  return out;
}

static std::string argName(size_t i) { return "argument " + std::to_string(i); }

// ---- handle kinds ----

// Random 128-bit tags: N-API compares them to tell this addon's handles apart (and from anyone else's).
static const struct {
  HandleKind kind;
  const char* name;
  napi_type_tag tag;
} kKinds[] = {
    {HandleKind::Tensor, "tensor", {0x6a1f3c9e52d84b07ULL, 0x9c2e7d41b8a35f16ULL}},
    {HandleKind::Generator, "generator", {0x3b8d5e2f19c64a70ULL, 0xe41a97c03d5b2f88ULL}},
};

static const napi_type_tag* tagOf(HandleKind kind) {
  for (auto& k : kKinds)
    if (k.kind == kind) return &k.tag;
  throw std::logic_error("handle kind without a tag");
}

const char* kindName(HandleKind kind) {
  for (auto& k : kKinds)
    if (k.kind == kind) return k.name;
  return "unknown";
}

void tagHandle(const Napi::External<void>& handle, HandleKind kind) { handle.TypeTag(tagOf(kind)); }

// What a value is, for an error message: "a generator handle", "a number", "undefined".
static std::string describe(Napi::Value v) {
  if (v.IsExternal()) {
    auto ext = v.As<Napi::External<void>>();
    for (auto& k : kKinds)
      if (ext.CheckTypeTag(&k.tag)) return std::string("a ") + k.name + " handle";
    return "an external of unknown kind";
  }
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsNumber()) return "a number";
  if (v.IsString()) return "a string";
  if (v.IsBoolean()) return "a boolean";
  if (v.IsBigInt()) return "a bigint";
  if (v.IsArray()) return "an array";
  if (v.IsFunction()) return "a function";
  return "an object";
}

void* handleValue(Napi::Value v, HandleKind kind, const std::string& where) {
  if (v.IsExternal()) {
    auto ext = v.As<Napi::External<void>>();
    if (ext.CheckTypeTag(tagOf(kind))) return ext.Data();
  }
  throw ArgError(where + ": expected a " + kindName(kind) + " handle, got " + describe(v));
}

void* handleArg(const Napi::CallbackInfo& info, size_t i, HandleKind kind) {
  return handleValue(i < info.Length() ? info[i] : info.Env().Undefined(), kind, argName(i));
}

static at::Tensor& liveTensor(TensorBox* box, const std::string& where) {
  if (!box->t.defined()) throw ArgError(where + ": tensor was already disposed");
  return box->t;
}

at::Tensor& tensorArg(const Napi::CallbackInfo& info, size_t i) {
  return liveTensor(static_cast<TensorBox*>(handleArg(info, i, HandleKind::Tensor)), argName(i));
}

c10::optional<at::Tensor> optTensorArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || info[i].IsUndefined() || info[i].IsNull()) return c10::nullopt;
  return tensorArg(info, i);
}

std::vector<at::Tensor> tensorListArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsArray()) throw ArgError(argName(i) + ": expected an array of tensors");
  Napi::Array arr = info[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); k++) {
    std::string where = argName(i) + "[" + std::to_string(k) + "]";
    out.push_back(liveTensor(static_cast<TensorBox*>(handleValue(arr.Get(k), HandleKind::Tensor, where)), where));
  }
  return out;
}

std::vector<int64_t> intsArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsArray()) throw ArgError(argName(i) + ": expected an array of integers");
  Napi::Array arr = info[i].As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); k++) {
    Napi::Value v = arr.Get(k);
    if (!v.IsNumber()) throw ArgError(argName(i) + "[" + std::to_string(k) + "]: expected an integer");
    out[k] = v.As<Napi::Number>().Int64Value();
  }
  return out;
}

int64_t intArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsNumber()) throw ArgError(argName(i) + ": expected an integer");
  return info[i].As<Napi::Number>().Int64Value();
}

double numArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsNumber()) throw ArgError(argName(i) + ": expected a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

bool boolArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsBoolean()) throw ArgError(argName(i) + ": expected a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

std::string strArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsString()) throw ArgError(argName(i) + ": expected a string");
  return info[i].As<Napi::String>().Utf8Value();
}

static const std::pair<const char*, at::ScalarType> kDtypes[] = {
    {"float32", at::kFloat}, {"float64", at::kDouble}, {"int64", at::kLong},
    {"int32", at::kInt},     {"uint8", at::kByte},     {"bool", at::kBool},
    {"bfloat16", at::kBFloat16},
};

at::ScalarType dtypeArg(const Napi::CallbackInfo& info, size_t i) {
  std::string name = strArg(info, i);
  for (auto& d : kDtypes)
    if (name == d.first) return d.second;
  throw ArgError(argName(i) + ": unknown dtype \"" + name + "\"; expected float32, float64, int64, int32, uint8, bool or bfloat16");
}

const char* dtypeName(at::ScalarType t) {
  for (auto& d : kDtypes)
    if (t == d.second) return d.first;
  return "unsupported";
}

at::Device deviceArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || info[i].IsUndefined()) return at::Device(at::kCPU);
  return at::Device(strArg(info, i));
}

c10::optional<at::Generator> generatorArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || info[i].IsUndefined() || info[i].IsNull()) return c10::nullopt;
  return *static_cast<at::Generator*>(handleArg(info, i, HandleKind::Generator));
}

at::TensorOptions optionsArg(const Napi::CallbackInfo& info, size_t dtypeIndex, size_t deviceIndex) {
  return at::TensorOptions().dtype(dtypeArg(info, dtypeIndex)).device(deviceArg(info, deviceIndex));
}

// ---- handle queries and process settings ----

// dispose(t): frees the tensor now; a tensor already disposed is left as it is
GENLAB_OP(dispose) {
  release(info.Env(), static_cast<TensorBox*>(handleArg(info, 0, HandleKind::Tensor)));
  return info.Env().Undefined();
}

GENLAB_OP(liveCount) { return Napi::Number::New(info.Env(), double(liveTensors.load())); }

GENLAB_OP(shape) {
  auto& t = tensorArg(info, 0);
  Napi::Array out = Napi::Array::New(info.Env(), t.dim());
  for (int64_t d = 0; d < t.dim(); d++) out.Set(uint32_t(d), Napi::Number::New(info.Env(), double(t.size(d))));
  return out;
}

GENLAB_OP(dtype) { return Napi::String::New(info.Env(), dtypeName(tensorArg(info, 0).scalar_type())); }
GENLAB_OP(device) { return Napi::String::New(info.Env(), tensorArg(info, 0).device().str()); }

GENLAB_OP(setNumThreads) {
  at::set_num_threads(static_cast<int>(intArg(info, 0)));
  return info.Env().Undefined();
}
GENLAB_OP(getNumThreads) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

// OpenBLAS (Debian's libtorch does its matrix products there) keeps its own thread pool, sized to all
// CPUs unless OPENBLAS_NUM_THREADS says otherwise, whatever at::set_num_threads was told. These reach it
// by name, so a libtorch on MKL or another BLAS simply reports -1 and ignores the setting.
using BlasSetThreads = void (*)(int);
using BlasGetThreads = int (*)();
GENLAB_OP(setBlasThreads) {
  auto set = reinterpret_cast<BlasSetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (set) set(static_cast<int>(intArg(info, 0)));
  return Napi::Boolean::New(info.Env(), set != nullptr);
}
GENLAB_OP(getBlasThreads) {
  auto get = reinterpret_cast<BlasGetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return Napi::Number::New(info.Env(), get ? get() : -1);
}
GENLAB_OP(hardwareConcurrency) { return Napi::Number::New(info.Env(), std::thread::hardware_concurrency()); }

GENLAB_OP(cudaIsAvailable) { return Napi::Boolean::New(info.Env(), torch::cuda::is_available()); }
GENLAB_OP(cudaDeviceCount) { return Napi::Number::New(info.Env(), double(torch::cuda::device_count())); }
GENLAB_OP(cudaSynchronize) {
#ifdef GENLAB_CUDA
  if (torch::cuda::is_available()) torch::cuda::synchronize();
#endif
  return info.Env().Undefined();
}

// The widest of GENLAB_SIMD's copies (common.h) that this CPU runs: the one their resolver picks.
const char* simdLevel() {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "AVX-512";
  if (__builtin_cpu_supports("avx2")) return "AVX2";
  return "SSE2";
#else
  return "the compiler's default";
#endif
}

GENLAB_OP(version) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("torch", TORCH_VERSION);
#ifdef GENLAB_CUDA
  o.Set("cudaBuild", true);
#else
  o.Set("cudaBuild", false);
#endif
  o.Set("parallel", at::get_parallel_info());
#ifdef _OPENMP
  o.Set("openmp", true);  // genlab's own kernels split their work on libtorch's OpenMP threads
#else
  o.Set("openmp", false);  // built without -fopenmp (a libtorch with no OpenMP runtime): they run serially
#endif
  o.Set("simd", simdLevel());
  return o;
}

// ---- generators: one per run, seeded, with state that can be saved and restored ----

static void finalizeGenerator(Napi::Env, at::Generator* g) { delete g; }

GENLAB_OP(newGenerator) {
  auto* g = new at::Generator(at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(intArg(info, 0))));
  auto handle = Napi::External<at::Generator>::New(info.Env(), g, finalizeGenerator);
  tagHandle(handle.As<Napi::External<void>>(), HandleKind::Generator);
  return handle;
}

GENLAB_OP(generatorGetState) {
  auto g = *static_cast<at::Generator*>(handleArg(info, 0, HandleKind::Generator));
  std::lock_guard<std::mutex> lock(g.mutex());
  return wrap(info.Env(), g.get_state());
}

GENLAB_OP(generatorSetState) {
  auto g = *static_cast<at::Generator*>(handleArg(info, 0, HandleKind::Generator));
  std::lock_guard<std::mutex> lock(g.mutex());
  g.set_state(tensorArg(info, 1));
  return info.Env().Undefined();
}

GENLAB_OP(allocatorCachedBytes) { return Napi::Number::New(info.Env(), static_cast<double>(cachedCpuBytes())); }
GENLAB_OP(allocatorRelease) {
  releaseCpuCache();
  return info.Env().Undefined();
}
GENLAB_OP(allocatorCacheLimit) { return Napi::Number::New(info.Env(), static_cast<double>(cpuCacheLimit())); }
// allocatorSetCacheLimit(bytes): evicts the least recently freed blocks down to it
GENLAB_OP(allocatorSetCacheLimit) {
  setCpuCacheLimit(static_cast<size_t>(intArg(info, 0)));
  return info.Env().Undefined();
}

// oneDNN's JIT sgemm kernels in libtorch (genlab::sgemm calls them) point rsp into a heap buffer while they run
// (oneDNN issue 4845, fixed in oneDNN 3.11; libtorch 1.13 ships 2.x): a signal handled on a thread inside one pushes
// its frame into that buffer's neighbours on the heap (Ctrl-C while training: "corrupted size vs. prev_size" in a later
// free; AddressSanitizer sees libuv's handler writing into a heap redzone). So the asynchronous signals are blocked in
// the thread that loads the addon (node's main thread) and so in every thread started after it (OpenMP's workers), and
// a thread of the addon's own waits with them unblocked: the kernel delivers the process's signals there, where libuv's
// handlers run and wake the event loop through its pipe as before. Faults stay unblocked (they are synchronous), and
// SIGPROF too, since a profiler samples the thread it signals.
static sigset_t asyncSignals() {
  sigset_t set;
  sigfillset(&set);
  for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT, SIGPROF, SIGKILL, SIGSTOP}) sigdelset(&set, s);
  return set;
}

static void routeSignals() {
  static std::once_flag once;
  const sigset_t set = asyncSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // this thread, and the threads it starts from now on
  std::call_once(once, [] {
    std::thread([] {
      pthread_setname_np(pthread_self(), "genlab-signals");
      const sigset_t mine = asyncSignals();
      pthread_sigmask(SIG_UNBLOCK, &mine, nullptr);
      for (;;) pause();
    }).detach();
  });
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  routeSignals();
  installCpuAllocator();
  GENLAB_EXPORT(dispose);
  GENLAB_EXPORT(liveCount);
  GENLAB_EXPORT(shape);
  GENLAB_EXPORT(dtype);
  GENLAB_EXPORT(device);
  GENLAB_EXPORT(setNumThreads);
  GENLAB_EXPORT(getNumThreads);
  GENLAB_EXPORT(allocatorCachedBytes);
  GENLAB_EXPORT(allocatorRelease);
  GENLAB_EXPORT(allocatorCacheLimit);
  GENLAB_EXPORT(allocatorSetCacheLimit);
  GENLAB_EXPORT(setBlasThreads);
  GENLAB_EXPORT(getBlasThreads);
  GENLAB_EXPORT(hardwareConcurrency);
  GENLAB_EXPORT(cudaIsAvailable);
  GENLAB_EXPORT(cudaDeviceCount);
  GENLAB_EXPORT(cudaSynchronize);
  GENLAB_EXPORT(version);
  GENLAB_EXPORT(newGenerator);
  GENLAB_EXPORT(generatorGetState);
  GENLAB_EXPORT(generatorSetState);
  registerCreate(env, exports);
  registerMath(env, exports);
  registerShape(env, exports);
  registerNn(env, exports);
  registerGemm(env, exports);
  registerLinalg(env, exports);
  registerAutograd(env, exports);
  registerConv(env, exports);
  registerBatchNorm(env, exports);
  return exports;
}

}  // namespace genlab

static Napi::Object initAddon(Napi::Env env, Napi::Object exports) { return genlab::init(env, exports); }

NODE_API_MODULE(genlab_native, initAddon)
