// Tensor creation: from and to JS typed arrays, constants, ranges and seeded random draws.
#include "common.h"

namespace genlab {


// fromBuffer(typedArray, shape, dtype, device?): copies the array's bytes into a new tensor.
GENLAB_OP(fromBuffer) {
  if (info.Length() < 1 || !info[0].IsTypedArray()) throw ArgError("argument 0: expected a typed array");
  Napi::TypedArray arr = info[0].As<Napi::TypedArray>();
  auto shape = intsArg(info, 1);
  auto dtype = dtypeArg(info, 2);
  int64_t numel = 1;
  for (auto s : shape) {
    if (s < 0) throw ArgError("shape has a negative size");
    numel *= s;
  }
  size_t want = size_t(numel) * c10::elementSize(dtype);
  if (arr.ByteLength() != want) {
    throw ArgError("buffer holds " + std::to_string(arr.ByteLength()) + " bytes; shape and dtype need " + std::to_string(want));
  }
  auto* data = static_cast<uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype));
  if (want > 0) std::memcpy(t.data_ptr(), data, want);
  at::Device dev = deviceArg(info, 3);
  return wrap(info.Env(), dev.is_cpu() ? t : t.to(dev));
}

// toBuffer(t): a new ArrayBuffer holding the tensor's values, contiguous, on the CPU.
GENLAB_OP(toBuffer) {
  at::Tensor t = tensorArg(info, 0).detach().to(at::kCPU).contiguous();
  size_t n = size_t(t.numel()) * t.element_size();
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(info.Env(), n);
  if (n > 0) std::memcpy(buf.Data(), t.data_ptr(), n);
  return buf;
}

GENLAB_OP(item) {
  at::Tensor& t = tensorArg(info, 0);
  if (t.numel() != 1) throw ArgError("expected a tensor with one element, got " + std::to_string(t.numel()));
  if (t.scalar_type() == at::kBool) return Napi::Boolean::New(info.Env(), t.item<bool>());
  return Napi::Number::New(info.Env(), t.item<double>());
}

GENLAB_OP(zeros) { return wrap(info.Env(), at::zeros(intsArg(info, 0), optionsArg(info, 1, 2))); }
GENLAB_OP(ones) { return wrap(info.Env(), at::ones(intsArg(info, 0), optionsArg(info, 1, 2))); }
GENLAB_OP(empty) { return wrap(info.Env(), at::empty(intsArg(info, 0), optionsArg(info, 1, 2))); }
GENLAB_OP(full) { return wrap(info.Env(), at::full(intsArg(info, 0), numArg(info, 1), optionsArg(info, 2, 3))); }
GENLAB_OP(arange) {
  return wrap(info.Env(), at::arange(numArg(info, 0), numArg(info, 1), numArg(info, 2), optionsArg(info, 3, 4)));
}
GENLAB_OP(eye) { return wrap(info.Env(), at::eye(intArg(info, 0), intArg(info, 1), optionsArg(info, 2, 3))); }
GENLAB_OP(zerosLike) { return wrap(info.Env(), at::zeros_like(tensorArg(info, 0))); }
GENLAB_OP(onesLike) { return wrap(info.Env(), at::ones_like(tensorArg(info, 0))); }

// Random draws take an optional generator (CPU); on another device the draw is made on the
// CPU and moved, so a seed gives the same numbers on every device.
static at::Tensor onDevice(at::Tensor t, const Napi::CallbackInfo& info, size_t i) {
  at::Device dev = deviceArg(info, i);
  return dev.is_cpu() ? t : t.to(dev);
}

// rand(shape, generator?, dtype, device?)
GENLAB_OP(rand) {
  auto opts = at::TensorOptions().dtype(dtypeArg(info, 2));
  return wrap(info.Env(), onDevice(at::rand(intsArg(info, 0), generatorArg(info, 1), opts), info, 3));
}
GENLAB_OP(randn) {
  auto opts = at::TensorOptions().dtype(dtypeArg(info, 2));
  return wrap(info.Env(), onDevice(at::randn(intsArg(info, 0), generatorArg(info, 1), opts), info, 3));
}
// randint(low, high, shape, generator?, device?) -> int64
GENLAB_OP(randint) {
  auto opts = at::TensorOptions().dtype(at::kLong);
  at::Tensor t = at::randint(intArg(info, 0), intArg(info, 1), intsArg(info, 2), generatorArg(info, 3), opts);
  return wrap(info.Env(), onDevice(t, info, 4));
}
// randperm(n, generator?, device?) -> int64
GENLAB_OP(randperm) {
  at::Tensor t = at::randperm(intArg(info, 0), generatorArg(info, 1), at::TensorOptions().dtype(at::kLong));
  return wrap(info.Env(), onDevice(t, info, 2));
}

// In place: uniform_(t, low, high, generator?), normal_(t, mean, std, generator?).
static at::Tensor& drawInPlace(at::Tensor& t, const std::function<void(at::Tensor&)>& draw) {
  if (t.device().is_cpu()) {
    draw(t);
  } else {
    at::Tensor tmp = at::empty(t.sizes(), t.options().device(at::kCPU));
    draw(tmp);
    t.copy_(tmp);
  }
  return t;
}

GENLAB_OP(uniform_) {
  double lo = numArg(info, 1), hi = numArg(info, 2);
  auto g = generatorArg(info, 3);
  at::NoGradGuard noGrad;
  drawInPlace(tensorArg(info, 0), [&](at::Tensor& x) { x.uniform_(lo, hi, g); });
  return info.Env().Undefined();
}

GENLAB_OP(normal_) {
  double mean = numArg(info, 1), std = numArg(info, 2);
  auto g = generatorArg(info, 3);
  at::NoGradGuard noGrad;
  drawInPlace(tensorArg(info, 0), [&](at::Tensor& x) { x.normal_(mean, std, g); });
  return info.Env().Undefined();
}

void registerCreate(Napi::Env env, Exports exports) {
  GENLAB_EXPORT(fromBuffer);
  GENLAB_EXPORT(toBuffer);
  GENLAB_EXPORT(item);
  GENLAB_EXPORT(zeros);
  GENLAB_EXPORT(ones);
  GENLAB_EXPORT(empty);
  GENLAB_EXPORT(full);
  GENLAB_EXPORT(arange);
  GENLAB_EXPORT(eye);
  GENLAB_EXPORT(zerosLike);
  GENLAB_EXPORT(onesLike);
  GENLAB_EXPORT(rand);
  GENLAB_EXPORT(randn);
  GENLAB_EXPORT(randint);
  GENLAB_EXPORT(randperm);
  GENLAB_EXPORT(uniform_);
  GENLAB_EXPORT(normal_);
}

}  // namespace genlab
