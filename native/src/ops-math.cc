// Elementwise arithmetic (with broadcasting), comparisons, reductions, sorting.
#include "common.h"

namespace genlab {

static bool isScalar(const Napi::CallbackInfo& info, size_t i) { return i < info.Length() && info[i].IsNumber(); }

// A JS number as a Scalar: integral values as int64, so int64 tensors keep their dtype.
static at::Scalar numberScalar(const Napi::CallbackInfo& info, size_t i) {
  double v = numArg(info, i);
  if (std::floor(v) == v && std::abs(v) < 9e15) return at::Scalar(int64_t(v));
  return at::Scalar(v);
}

// Binary ops take a tensor or a number as their second argument.
#define BINARY(name, fn)                                                                  \
  GENLAB_OP(name) {                                                                       \
    at::Tensor& a = tensorArg(info, 0);                                                   \
    if (isScalar(info, 1)) return wrap(info.Env(), at::fn(a, numberScalar(info, 1)));       \
    return wrap(info.Env(), at::fn(a, tensorArg(info, 1)));                               \
  }

BINARY(mul, mul)
BINARY(div, div)
BINARY(pow, pow)
BINARY(eq, eq)
BINARY(ne, ne)
BINARY(lt, lt)
BINARY(le, le)
BINARY(gt, gt)
BINARY(ge, ge)
BINARY(remainder, remainder)

// alpha as libtorch wants it: an integer Scalar when integral (int64 tensors refuse a double alpha).
static at::Scalar alphaArg(const Napi::CallbackInfo& info, size_t i) {
  if (!isScalar(info, i)) return at::Scalar(int64_t(1));
  double a = numArg(info, i);
  if (std::floor(a) == a && std::abs(a) < 9e15) return at::Scalar(int64_t(a));
  return at::Scalar(a);
}

// add(a, b, alpha = 1) and sub(a, b, alpha = 1): a ± alpha·b.
GENLAB_OP(add) {
  at::Tensor& a = tensorArg(info, 0);
  at::Scalar alpha = alphaArg(info, 2);
  if (isScalar(info, 1)) return wrap(info.Env(), at::add(a, numberScalar(info, 1), alpha));
  return wrap(info.Env(), at::add(a, tensorArg(info, 1), alpha));
}
GENLAB_OP(sub) {
  at::Tensor& a = tensorArg(info, 0);
  at::Scalar alpha = alphaArg(info, 2);
  if (isScalar(info, 1)) return wrap(info.Env(), at::sub(a, numberScalar(info, 1), alpha));
  return wrap(info.Env(), at::sub(a, tensorArg(info, 1), alpha));
}
GENLAB_OP(maximum) { return wrap(info.Env(), at::maximum(tensorArg(info, 0), tensorArg(info, 1))); }
GENLAB_OP(minimum) { return wrap(info.Env(), at::minimum(tensorArg(info, 0), tensorArg(info, 1))); }
GENLAB_OP(logicalAnd) { return wrap(info.Env(), at::logical_and(tensorArg(info, 0), tensorArg(info, 1))); }
GENLAB_OP(logicalOr) { return wrap(info.Env(), at::logical_or(tensorArg(info, 0), tensorArg(info, 1))); }
GENLAB_OP(logicalNot) { return wrap(info.Env(), at::logical_not(tensorArg(info, 0))); }

// In place. add_(a, b, alpha = 1): a += alpha·b, the SGD update's core.
GENLAB_OP(add_) {
  at::Tensor& a = tensorArg(info, 0);
  at::Scalar alpha = alphaArg(info, 2);
  if (isScalar(info, 1)) a.add_(numberScalar(info, 1), alpha);
  else a.add_(tensorArg(info, 1), alpha);
  return info.Env().Undefined();
}
GENLAB_OP(mul_) {
  at::Tensor& a = tensorArg(info, 0);
  if (isScalar(info, 1)) a.mul_(at::Scalar(numArg(info, 1)));
  else a.mul_(tensorArg(info, 1));
  return info.Env().Undefined();
}
GENLAB_OP(div_) {
  at::Tensor& a = tensorArg(info, 0);
  if (isScalar(info, 1)) a.div_(at::Scalar(numArg(info, 1)));
  else a.div_(tensorArg(info, 1));
  return info.Env().Undefined();
}
GENLAB_OP(copy_) {
  tensorArg(info, 0).copy_(tensorArg(info, 1));
  return info.Env().Undefined();
}
GENLAB_OP(zero_) {
  tensorArg(info, 0).zero_();
  return info.Env().Undefined();
}
GENLAB_OP(fill_) {
  tensorArg(info, 0).fill_(numArg(info, 1));
  return info.Env().Undefined();
}
GENLAB_OP(clamp_) {
  c10::optional<at::Scalar> lo, hi;
  if (isScalar(info, 1)) lo = numArg(info, 1);
  if (isScalar(info, 2)) hi = numArg(info, 2);
  tensorArg(info, 0).clamp_(lo, hi);
  return info.Env().Undefined();
}
// addcmul_(a, b, c, value): a += value·b·c
GENLAB_OP(addcmul_) {
  tensorArg(info, 0).addcmul_(tensorArg(info, 1), tensorArg(info, 2), numArg(info, 3));
  return info.Env().Undefined();
}

// relu_(x): x ← max(x, 0) in place (autograd records it; backward uses the result).
GENLAB_OP(relu_) {
  tensorArg(info, 0).relu_();
  return info.Env().Undefined();
}

#define UNARY(name, fn) \
  GENLAB_OP(name) { return wrap(info.Env(), at::fn(tensorArg(info, 0))); }

UNARY(neg, neg)
UNARY(exp, exp)
UNARY(log, log)
UNARY(sqrt, sqrt)
UNARY(rsqrt, rsqrt)
UNARY(abs, abs)
UNARY(relu, relu)
UNARY(sigmoid, sigmoid)
UNARY(tanh, tanh)
UNARY(sign, sign)
UNARY(floor, floor)
UNARY(round, round)
UNARY(square, square)
UNARY(reciprocal, reciprocal)
UNARY(sin, sin)
UNARY(cos, cos)
UNARY(isfinite, isfinite)
UNARY(isnan, isnan)

GENLAB_OP(clamp) {
  c10::optional<at::Scalar> lo, hi;
  if (isScalar(info, 1)) lo = numArg(info, 1);
  if (isScalar(info, 2)) hi = numArg(info, 2);
  return wrap(info.Env(), at::clamp(tensorArg(info, 0), lo, hi));
}

GENLAB_OP(where) { return wrap(info.Env(), at::where(tensorArg(info, 0), tensorArg(info, 1), tensorArg(info, 2))); }

// Reductions: op(t) over all elements, or op(t, dims, keepdim).
#define REDUCE(name, fn)                                                               \
  GENLAB_OP(name) {                                                                    \
    at::Tensor& t = tensorArg(info, 0);                                                \
    if (info.Length() < 2 || info[1].IsUndefined()) return wrap(info.Env(), at::fn(t)); \
    bool keep = info.Length() > 2 && info[2].IsBoolean() && boolArg(info, 2);          \
    return wrap(info.Env(), at::fn(t, intsArg(info, 1), keep));                        \
  }

REDUCE(sum, sum)
REDUCE(mean, mean)
// Written out rather than GENLAB_OP(logsumexp) so that the C++ name stays clear of at::logsumexp; the
// guard still names the export.
static Napi::Value logsumexp_(const Napi::CallbackInfo& info) {
  return guard(info, "logsumexp", [&] { return wrap(info.Env(), at::logsumexp(tensorArg(info, 0), intsArg(info, 1), boolArg(info, 2))); });
}

// var(t, dims?, unbiased, keepdim) and std
GENLAB_OP(var) {
  at::Tensor& t = tensorArg(info, 0);
  bool unbiased = boolArg(info, 2), keep = boolArg(info, 3);
  if (info[1].IsUndefined()) return wrap(info.Env(), at::var(t, unbiased));
  return wrap(info.Env(), at::var(t, at::OptionalIntArrayRef(intsArg(info, 1)), unbiased, keep));
}
GENLAB_OP(std) {
  at::Tensor& t = tensorArg(info, 0);
  bool unbiased = boolArg(info, 2), keep = boolArg(info, 3);
  if (info[1].IsUndefined()) return wrap(info.Env(), at::std(t, unbiased));
  return wrap(info.Env(), at::std(t, at::OptionalIntArrayRef(intsArg(info, 1)), unbiased, keep));
}

// max(t) / min(t) over all; maxDim(t, dim, keepdim) -> [values, indices]
GENLAB_OP(max) { return wrap(info.Env(), at::max(tensorArg(info, 0))); }
GENLAB_OP(min) { return wrap(info.Env(), at::min(tensorArg(info, 0))); }
GENLAB_OP(maxDim) {
  auto r = at::max(tensorArg(info, 0), intArg(info, 1), boolArg(info, 2));
  return wrapPair(info.Env(), std::get<0>(r), std::get<1>(r));
}
GENLAB_OP(minDim) {
  auto r = at::min(tensorArg(info, 0), intArg(info, 1), boolArg(info, 2));
  return wrapPair(info.Env(), std::get<0>(r), std::get<1>(r));
}
// argmax(t, dim?, keepdim)
GENLAB_OP(argmax) {
  at::Tensor& t = tensorArg(info, 0);
  if (info.Length() < 2 || info[1].IsUndefined()) return wrap(info.Env(), at::argmax(t));
  return wrap(info.Env(), at::argmax(t, intArg(info, 1), boolArg(info, 2)));
}
GENLAB_OP(argmin) {
  at::Tensor& t = tensorArg(info, 0);
  if (info.Length() < 2 || info[1].IsUndefined()) return wrap(info.Env(), at::argmin(t));
  return wrap(info.Env(), at::argmin(t, intArg(info, 1), boolArg(info, 2)));
}
// topk(t, k, dim, largest, sorted) -> [values, indices]
GENLAB_OP(topk) {
  auto r = at::topk(tensorArg(info, 0), intArg(info, 1), intArg(info, 2), boolArg(info, 3), boolArg(info, 4));
  return wrapPair(info.Env(), std::get<0>(r), std::get<1>(r));
}
// sort(t, dim, descending) -> [values, indices]
GENLAB_OP(sort) {
  auto r = at::sort(tensorArg(info, 0), intArg(info, 1), boolArg(info, 2));
  return wrapPair(info.Env(), std::get<0>(r), std::get<1>(r));
}
GENLAB_OP(argsort) { return wrap(info.Env(), at::argsort(tensorArg(info, 0), intArg(info, 1), boolArg(info, 2))); }
GENLAB_OP(cumsum) { return wrap(info.Env(), at::cumsum(tensorArg(info, 0), intArg(info, 1))); }
// norm(t, p) over all elements
GENLAB_OP(norm) { return wrap(info.Env(), at::norm(tensorArg(info, 0), at::Scalar(numArg(info, 1)))); }
GENLAB_OP(countNonzero) { return wrap(info.Env(), at::count_nonzero(tensorArg(info, 0))); }
GENLAB_OP(bincount) { return wrap(info.Env(), at::bincount(tensorArg(info, 0), c10::nullopt, intArg(info, 1))); }
GENLAB_OP(allclose) {
  return Napi::Boolean::New(info.Env(), at::allclose(tensorArg(info, 0), tensorArg(info, 1), numArg(info, 2), numArg(info, 3)));
}

void registerMath(Napi::Env env, Exports exports) {
  GENLAB_EXPORT(add); GENLAB_EXPORT(sub); GENLAB_EXPORT(mul); GENLAB_EXPORT(div); GENLAB_EXPORT(pow);
  GENLAB_EXPORT(remainder); GENLAB_EXPORT(maximum); GENLAB_EXPORT(minimum);
  GENLAB_EXPORT(eq); GENLAB_EXPORT(ne); GENLAB_EXPORT(lt); GENLAB_EXPORT(le); GENLAB_EXPORT(gt); GENLAB_EXPORT(ge);
  GENLAB_EXPORT(logicalAnd); GENLAB_EXPORT(logicalOr); GENLAB_EXPORT(logicalNot);
  GENLAB_EXPORT(add_); GENLAB_EXPORT(mul_); GENLAB_EXPORT(div_); GENLAB_EXPORT(copy_); GENLAB_EXPORT(zero_);
  GENLAB_EXPORT(fill_); GENLAB_EXPORT(clamp_); GENLAB_EXPORT(addcmul_);
  GENLAB_EXPORT(neg); GENLAB_EXPORT(exp); GENLAB_EXPORT(log); GENLAB_EXPORT(sqrt); GENLAB_EXPORT(rsqrt);
  GENLAB_EXPORT(abs); GENLAB_EXPORT(relu); GENLAB_EXPORT(relu_); GENLAB_EXPORT(sigmoid); GENLAB_EXPORT(tanh); GENLAB_EXPORT(sign);
  GENLAB_EXPORT(floor); GENLAB_EXPORT(round); GENLAB_EXPORT(square); GENLAB_EXPORT(reciprocal);
  GENLAB_EXPORT(sin); GENLAB_EXPORT(cos); GENLAB_EXPORT(isfinite); GENLAB_EXPORT(isnan);
  GENLAB_EXPORT(clamp); GENLAB_EXPORT(where);
  GENLAB_EXPORT(sum); GENLAB_EXPORT(mean); GENLAB_EXPORT(var); GENLAB_EXPORT(std);
  exports.Set("logsumexp", Napi::Function::New(env, logsumexp_, "logsumexp"));
  GENLAB_EXPORT(max); GENLAB_EXPORT(min); GENLAB_EXPORT(maxDim); GENLAB_EXPORT(minDim);
  GENLAB_EXPORT(argmax); GENLAB_EXPORT(argmin); GENLAB_EXPORT(topk); GENLAB_EXPORT(sort); GENLAB_EXPORT(argsort);
  GENLAB_EXPORT(cumsum); GENLAB_EXPORT(norm); GENLAB_EXPORT(countNonzero); GENLAB_EXPORT(bincount);
  GENLAB_EXPORT(allclose);
}

}  // namespace genlab
