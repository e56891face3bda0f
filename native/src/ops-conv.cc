// Conv-net kernels that libtorch 1.13 runs slowly on the CPU, fused here, and the switch back to
// libtorch's own paths (setFastConv(false); GENLAB_CPU_CONV=libtorch on the TypeScript side).
//
// Local response normalization: libtorch composes it from seven ops (square, pad, avg_pool3d, mul,
// add, pow, div) and autograd saves each intermediate, so both directions make many passes over the
// activation (docs/measurements.md). Here the forward is one pass building D = k + α/n·Σ x² over the
// channel window, then pow and a division, and the backward one pass with the closed-form gradient.
// The element loops below are meant to vectorize; -O2 (the addon's level) leaves them scalar.
#pragma GCC optimize("O3", "no-math-errno")
#include "common.h"
#include <ATen/Parallel.h>
#include <array>
#include <cmath>

namespace genlab {

bool fastConv = true;

namespace {

// A float32 CPU tensor that is contiguous as (N, C, H, W) or channels-last. Either way one example
// (NCHW) or one pixel (channels-last) is a contiguous block of C planes of `inner` floats, channel c
// starting at c·inner: NCHW is (outer N, C, inner H·W), channels-last (outer N·H·W, C, inner 1).
struct Blocks {
  int64_t outer, C, inner;
};

bool fusedLayout(const at::Tensor& x) {
  return x.dim() == 4 && x.device().is_cpu() && (x.scalar_type() == at::kFloat || x.scalar_type() == at::kBFloat16) &&
         x.numel() > 0 &&
         (x.is_contiguous() || x.is_contiguous(at::MemoryFormat::ChannelsLast));
}

Blocks blocks(const at::Tensor& x) {
  const int64_t N = x.size(0), C = x.size(1), HW = x.size(2) * x.size(3);
  return x.is_contiguous() ? Blocks{N, C, HW} : Blocks{N * HW, C, 1};
}

// out[c] += in[c + d] for every offset d in [from, to] that stays inside [0, C), over one block:
// channel c covers floats [c·inner, (c+1)·inner), so each offset is one contiguous, vectorizable loop.
void windowSum(const float* in, float* out, const Blocks& b, int64_t from, int64_t to) {
  std::fill(out, out + b.C * b.inner, 0.0f);
  for (int64_t d = from; d <= to; d++) {
    const int64_t c0 = std::max<int64_t>(0, -d), c1 = std::min(b.C, b.C - d);
    if (c1 <= c0) continue;
    const float* src = in + (c0 + d) * b.inner;
    float* dst = out + c0 * b.inner;
    const int64_t len = (c1 - c0) * b.inner;
    for (int64_t k = 0; k < len; k++) dst[k] += src[k];
  }
}

struct Lrn {
  int64_t size;
  double alpha, beta, k;
};

// One block of the forward (see lrnForwardBlocks); sq: scratch of C·inner floats. T: x's dtype, float or
// bfloat16; y, D and D^β are float32, and every sum and power is computed in float32.
template <typename T>
GENLAB_SIMD void lrnForwardBlock(const T* __restrict xo, float* __restrict out, float* __restrict po,
                                 float* __restrict yo, float* __restrict sq, const Blocks& b, const Lrn& p) {
  const float n = static_cast<float>(p.size), alpha = static_cast<float>(p.alpha), k = static_cast<float>(p.k);
  const int64_t block = b.C * b.inner;
  for (int64_t i = 0; i < block; i++) {
    const float v = loadF32(xo[i]);
    sq[i] = v * v;
  }
  // Channel c averages channels [c - size/2, c + (size-1)/2] (zero padded), as PyTorch pads.
  windowSum(sq, out, b, -(p.size / 2), (p.size - 1) / 2);
  for (int64_t i = 0; i < block; i++) out[i] = out[i] / n * alpha + k;
  if (!yo) return;
  for (int64_t i = 0; i < block; i++) {
    const float r = std::sqrt(out[i]);
    const float q = r * std::sqrt(r);
    po[i] = q;
    yo[i] = loadF32(xo[i]) / q;
  }
}

// D = k + α·(Σ_{window} x²)/n, in the order libtorch's avg_pool3d formula evaluates it; with `y`,
// also D^β and y = x / D^β where β = 3/4 (every LRN in the paper), as √D·√√D (within an ulp or two of pow).
template <typename T>
void lrnForwardBlocks(const at::Tensor& x, const Lrn& p, at::Tensor& d, at::Tensor* dPow, at::Tensor* y) {
  const Blocks b = blocks(x);
  const T* xp = x.data_ptr<T>();
  float* dp = d.data_ptr<float>();
  float* pp = dPow ? dPow->data_ptr<float>() : nullptr;
  float* yp = y ? y->data_ptr<float>() : nullptr;
  const int64_t block = b.C * b.inner;
  at::parallel_for(0, b.outer, std::max<int64_t>(1, 16384 / block), [&](int64_t o0, int64_t o1) {
    std::vector<float> sq(block);
    for (int64_t o = o0; o < o1; o++)
      lrnForwardBlock(xp + o * block, dp + o * block, pp ? pp + o * block : nullptr, yp ? yp + o * block : nullptr,
                      sq.data(), b, p);
  });
}

// (y, D, D^β) of x, all three float32 (x float32 or bfloat16)
std::array<at::Tensor, 3> lrnForward(const at::Tensor& x, const Lrn& p) {
  const bool bf16 = x.scalar_type() == at::kBFloat16;
  at::Tensor d = at::empty_like(x, x.options().dtype(at::kFloat));
  if (p.beta == 0.75) {
    at::Tensor dPow = at::empty_like(d), y = at::empty_like(d);
    if (bf16)
      lrnForwardBlocks<c10::BFloat16>(x, p, d, &dPow, &y);
    else
      lrnForwardBlocks<float>(x, p, d, &dPow, &y);
    return {y, d, dPow};
  }
  if (bf16)
    lrnForwardBlocks<c10::BFloat16>(x, p, d, nullptr, nullptr);
  else
    lrnForwardBlocks<float>(x, p, d, nullptr, nullptr);
  at::Tensor dPow = at::pow(d, p.beta);
  return {x.to(at::kFloat) / dPow, d, dPow};
}

// One block of the backward (see lrnBackward); t, s: scratch of C·inner floats each. T: x's and out's dtype
// (the gradient of y is float32, as y).
template <typename T>
GENLAB_SIMD void lrnBackwardBlock(const float* __restrict g, const T* __restrict x, const float* __restrict d,
                                  const float* __restrict dPow, T* __restrict out, float* __restrict t,
                                  float* __restrict s, const Blocks& b, int64_t size, float coef) {
  const int64_t block = b.C * b.inner;
  for (int64_t i = 0; i < block; i++) t[i] = loadF32(g[i]) * loadF32(x[i]) / (dPow[i] * d[i]);
  // The transpose of the forward window: channel c collects from [c - (size-1)/2, c + size/2].
  windowSum(t, s, b, -((size - 1) / 2), size / 2);
  for (int64_t i = 0; i < block; i++) out[i] = storeAs<T>(loadF32(g[i]) / dPow[i] - coef * loadF32(x[i]) * s[i]);
}

// ∂x = g / D^β − (2αβ/n) · x · Σ_{c: x's channel in c's window} g_c x_c / (D_c^β D_c)
template <typename T>
at::Tensor lrnBackward(const at::Tensor& g, const at::Tensor& x, const at::Tensor& d, const at::Tensor& dPow,
                       const Lrn& p) {
  const Blocks b = blocks(x);
  at::Tensor gx = at::empty_like(x);
  const T* xp = x.data_ptr<T>();
  const float *gp = g.data_ptr<float>(), *dp = d.data_ptr<float>(), *pp = dPow.data_ptr<float>();
  T* out = gx.data_ptr<T>();
  const float coef = static_cast<float>(2.0 * p.alpha * p.beta / static_cast<double>(p.size));
  const int64_t block = b.C * b.inner;
  at::parallel_for(0, b.outer, std::max<int64_t>(1, 16384 / block), [&](int64_t o0, int64_t o1) {
    std::vector<float> t(block), s(block);
    for (int64_t o = o0; o < o1; o++) {
      const int64_t at0 = o * block;
      lrnBackwardBlock(gp + at0, xp + at0, dp + at0, pp + at0, out + at0, t.data(), s.data(), b, p.size, coef);
    }
  });
  return gx;
}

at::Tensor lrnComposite(const at::Tensor& x, const Lrn& p) {
  namespace F = torch::nn::functional;
  return F::local_response_norm(x, F::LocalResponseNormFuncOptions(p.size).alpha(p.alpha).beta(p.beta).k(p.k));
}

struct FusedLrn : public torch::autograd::Function<FusedLrn> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, int64_t size, double alpha,
                            double beta, double k) {
    auto [y, d, dPow] = lrnForward(x, {size, alpha, beta, k});
    ctx->save_for_backward({x, d, dPow});
    ctx->saved_data["size"] = size;
    ctx->saved_data["alpha"] = alpha;
    ctx->saved_data["beta"] = beta;
    ctx->saved_data["k"] = k;
    return y;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const Lrn p{ctx->saved_data["size"].toInt(), ctx->saved_data["alpha"].toDouble(),
                ctx->saved_data["beta"].toDouble(), ctx->saved_data["k"].toDouble()};
    const at::Tensor& x = saved[0];
    at::Tensor gx;
    if (at::GradMode::is_enabled()) {
      // A recorded backward (create_graph) differentiates libtorch's composite form instead.
      gx = torch::autograd::grad({lrnComposite(x, p)}, {x}, {grads[0]}, true, true)[0];
    } else {
      const at::Tensor g = grads[0].to(at::kFloat).contiguous(x.suggest_memory_format());
      gx = x.scalar_type() == at::kBFloat16 ? lrnBackward<c10::BFloat16>(g, x, saved[1], saved[2], p)
                                            : lrnBackward<float>(g, x, saved[1], saved[2], p);
    }
    return {gx, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

// bfloat16 (CPU autocast): in float32 with a float32 result, as PyTorch's autocast runs LRN (avg_pool3d is on
// its float32 list), but reading x as it is, and writing x's gradient in bfloat16: no cast of x to float32
// on the way in, nor of its gradient back on the way out.
at::Tensor lrn(const at::Tensor& x, const Lrn& p) {
  if (!fastConv || !fusedLayout(x) || x.size(1) < 1) return lrnComposite(x, p);
  if (at::GradMode::is_enabled() && x.requires_grad()) return FusedLrn::apply(x, p.size, p.alpha, p.beta, p.k);
  return lrnForward(x, p)[0];
}

}  // namespace

// localResponseNorm(x, size, alpha, beta, k): PyTorch's form, alpha divided by size
GENLAB_OP(localResponseNorm) {
  const int64_t size = intArg(info, 1);
  if (size < 1) throw ArgError("size: expected a positive integer, got " + std::to_string(size));
  return wrap(info.Env(), lrn(tensorArg(info, 0), {size, numArg(info, 2), numArg(info, 3), numArg(info, 4)}));
}

// hasFastConv(): whether the fused conv-net kernels above are in use
GENLAB_OP(hasFastConv) { return Napi::Boolean::New(info.Env(), fastConv); }
// setFastConv(on): the fused kernels (true, the default) or libtorch's own composite ops (false)
GENLAB_OP(setFastConv) {
  fastConv = boolArg(info, 0);
  return info.Env().Undefined();
}

void registerConv(Napi::Env env, Exports exports) {
  GENLAB_EXPORT(localResponseNorm); GENLAB_EXPORT(hasFastConv); GENLAB_EXPORT(setFastConv);
}

}  // namespace genlab
