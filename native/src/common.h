// Shared pieces of the addon: the tensor handle, the error guard and argument readers.
#pragma once
#include <napi.h>
#include <torch/torch.h>
#include <atomic>
#include <cstring>
#include <string>
#include <vector>

namespace genlab {

// A kernel's element loops compiled for AVX-512, AVX2 and the baseline x86-64 (SSE2) the addon is
// built for, the loader picking the CPU's best (GCC's target_clones). Elementwise IEEE operations
// give the same bits at every width (binding.gyp's -ffp-contract=off keeps AVX-512's fused
// multiply-adds out); reductions whose order a vector width changes must not use it.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GENLAB_SIMD __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define GENLAB_SIMD
#endif

// bfloat16 loads and stores as bit operations the compiler vectorizes: a load is the upper half of a
// float32, a store rounds to nearest even, and a NaN stays a quiet NaN (rounding a NaN's payload could
// carry into the sign: 0x7FFFFFFF would become -0). float32 passes through.
inline float loadF32(float v) { return v; }
inline float loadF32(c10::BFloat16 v) {
  uint32_t bits = static_cast<uint32_t>(v.x) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}
template <typename T>
inline T storeAs(float f);
template <>
inline float storeAs<float>(float f) {
  return f;
}
template <>
inline c10::BFloat16 storeAs<c10::BFloat16>(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  c10::BFloat16 out;
  const uint16_t rounded = static_cast<uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
  const uint16_t nan = static_cast<uint16_t>((bits >> 16) | 0x0040u);
  out.x = (bits & 0x7FFFFFFFu) > 0x7F800000u ? nan : rounded;
  return out;
}

// A tensor handle is a JS External owning one TensorBox. free() releases the tensor at once;
// the finalizer is only a safety net for handles a caller forgot.
struct TensorBox {
  at::Tensor t;
  int64_t bytes = 0;
};

extern std::atomic<int64_t> liveTensors;

Napi::Value wrap(Napi::Env env, at::Tensor t);
void release(Napi::Env env, TensorBox* box);

// Every External the addon hands out carries an N-API type tag naming its kind, and every read
// checks it: a handle of the wrong kind is an ArgError naming both kinds, never one struct read as
// another. A new kind of handle adds itself here (and to kKinds in addon.cc).
enum class HandleKind { Tensor, Generator };
const char* kindName(HandleKind kind);
// Tags a new External with its kind (call once, right after creating it).
void tagHandle(const Napi::External<void>& handle, HandleKind kind);
// The data behind argument i when it is a handle of that kind; otherwise an ArgError that says
// what was found ("expected a tensor handle, got a generator handle").
void* handleArg(const Napi::CallbackInfo& info, size_t i, HandleKind kind);
void* handleValue(Napi::Value v, HandleKind kind, const std::string& where);

// allocator.cc: the CPU allocator for tensor storage (large blocks cached by size on free).
void installCpuAllocator();
size_t cachedCpuBytes();
void releaseCpuCache();
size_t cpuCacheLimit();
void setCpuCacheLimit(size_t bytes);

at::Tensor& tensorArg(const Napi::CallbackInfo& info, size_t i);
c10::optional<at::Tensor> optTensorArg(const Napi::CallbackInfo& info, size_t i);
std::vector<at::Tensor> tensorListArg(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> intsArg(const Napi::CallbackInfo& info, size_t i);
int64_t intArg(const Napi::CallbackInfo& info, size_t i);
double numArg(const Napi::CallbackInfo& info, size_t i);
bool boolArg(const Napi::CallbackInfo& info, size_t i);
std::string strArg(const Napi::CallbackInfo& info, size_t i);
at::ScalarType dtypeArg(const Napi::CallbackInfo& info, size_t i);
at::Device deviceArg(const Napi::CallbackInfo& info, size_t i);
c10::optional<at::Generator> generatorArg(const Napi::CallbackInfo& info, size_t i);
at::TensorOptions optionsArg(const Napi::CallbackInfo& info, size_t dtypeIndex, size_t deviceIndex);
const char* dtypeName(at::ScalarType t);
Napi::Array wrapPair(Napi::Env env, at::Tensor a, at::Tensor b);

// Thrown for bad arguments from JS; becomes a TypeError.
struct ArgError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Every export runs inside this guard: any C++ exception becomes a JS Error that names the op
// and carries libtorch's own message (without its C++ backtrace). The process never aborts.
template <typename F>
Napi::Value guard(const Napi::CallbackInfo& info, const char* op, F&& body) {
  Napi::Env env = info.Env();
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const ArgError& e) {
    throw Napi::TypeError::New(env, std::string(op) + ": " + e.what());
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, std::string(op) + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string(op) + ": " + e.what());
  } catch (...) {
    throw Napi::Error::New(env, std::string(op) + ": unknown C++ exception");
  }
}

using Exports = Napi::Object;
void registerCreate(Napi::Env env, Exports exports);
void registerMath(Napi::Env env, Exports exports);
void registerShape(Napi::Env env, Exports exports);
void registerNn(Napi::Env env, Exports exports);
void registerGemm(Napi::Env env, Exports exports);
void registerLinalg(Napi::Env env, Exports exports);
void registerAutograd(Napi::Env env, Exports exports);
void registerConv(Napi::Env env, Exports exports);
void registerBatchNorm(Napi::Env env, Exports exports);

// ops-conv.cc: whether conv nets' layers take genlab's fused kernels (true) or libtorch's own ops.
extern bool fastConv;

}  // namespace genlab

// Defines an export `name` whose body runs inside guard(); `info` is in scope.
#define GENLAB_OP(name) \
  static Napi::Value name##_body(const Napi::CallbackInfo& info); \
  static Napi::Value name(const Napi::CallbackInfo& info) { return genlab::guard(info, #name, [&] { return name##_body(info); }); } \
  static Napi::Value name##_body(const Napi::CallbackInfo& info)

#define GENLAB_EXPORT(name) exports.Set(#name, Napi::Function::New(env, name, #name))
