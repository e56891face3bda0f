// Autograd: flags, backward, gradients and the global grad mode.
#include "common.h"
#include <ATen/autocast_mode.h>

namespace genlab {

GENLAB_OP(setRequiresGrad) {
  tensorArg(info, 0).set_requires_grad(boolArg(info, 1));
  return info.Env().Undefined();
}
GENLAB_OP(requiresGrad) { return Napi::Boolean::New(info.Env(), tensorArg(info, 0).requires_grad()); }
// backward(t, grad?): accumulates into the leaves' .grad
GENLAB_OP(backward) {
  at::Tensor& t = tensorArg(info, 0);
  auto g = optTensorArg(info, 1);
  t.backward(g ? *g : at::Tensor());
  return info.Env().Undefined();
}
// grad(t): a new handle on t's gradient, or undefined when there is none
GENLAB_OP(grad) { return wrap(info.Env(), tensorArg(info, 0).grad()); }
GENLAB_OP(clearGrad) {
  tensorArg(info, 0).mutable_grad().reset();
  return info.Env().Undefined();
}
GENLAB_OP(detach) { return wrap(info.Env(), tensorArg(info, 0).detach()); }
GENLAB_OP(setGradEnabled) {
  c10::GradMode::set_enabled(boolArg(info, 0));
  return info.Env().Undefined();
}
GENLAB_OP(isGradEnabled) { return Napi::Boolean::New(info.Env(), c10::GradMode::is_enabled()); }

// setAutocastCpu(on) -> whether it was on: libtorch's CPU autocast in bfloat16, as PyTorch's
// torch.cpu.amp.autocast(dtype=torch.bfloat16): convolutions and matrix products cast their float32
// operands to bfloat16, losses and the ops PyTorch lists as float32 run in float32. Its cache of cast
// weights stays off: weights change in place at every optimizer step, and a cached cast would outlive it.
GENLAB_OP(setAutocastCpu) {
  const bool was = at::autocast::is_cpu_enabled();
  const bool on = boolArg(info, 0);
  if (on) {
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_autocast_cache_enabled(false);
  }
  at::autocast::set_cpu_enabled(on);
  return Napi::Boolean::New(info.Env(), was);
}

void registerAutograd(Napi::Env env, Exports exports) {
  GENLAB_EXPORT(setRequiresGrad); GENLAB_EXPORT(requiresGrad); GENLAB_EXPORT(backward); GENLAB_EXPORT(grad);
  GENLAB_EXPORT(clearGrad); GENLAB_EXPORT(detach); GENLAB_EXPORT(setGradEnabled); GENLAB_EXPORT(isGradEnabled);
  GENLAB_EXPORT(setAutocastCpu);
}

}  // namespace genlab
