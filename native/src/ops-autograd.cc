// Autograd: flags, backward, gradients and the global grad mode.
#include "common.h"

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

void registerAutograd(Napi::Env env, Exports exports) {
  GENLAB_EXPORT(setRequiresGrad); GENLAB_EXPORT(requiresGrad); GENLAB_EXPORT(backward); GENLAB_EXPORT(grad);
  GENLAB_EXPORT(clearGrad); GENLAB_EXPORT(detach); GENLAB_EXPORT(setGradEnabled); GENLAB_EXPORT(isGradEnabled);
}

}  // namespace genlab
