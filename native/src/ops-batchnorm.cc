// Batch norm, and the ReLU that follows it in every conv net here, fused for float32 (N, C, H, W) CPU
// tensors; every other case (and setFastConv(false)) takes libtorch's at::batch_norm and relu_.
//
// libtorch 1.13's CPU batch norm accumulates each channel's statistics in a scalar double loop and
// its backward walks (N, C, H·W) through a strided reduction: on 128×32×28×28 both take longer than
// the convolution beside it (docs/measurements.md). Here each channel is a few contiguous runs of H·W
// floats, reduced in 16 float lanes per chunk of at most 1,024 floats (vectorizable) and summed across
// chunks in double, and the backward recomputes the ReLU's mask from the saved input instead of
// reading a saved output.
// Statistics as PyTorch's: biased variance to normalize, unbiased for the running estimate,
// running = momentum·batch + (1 − momentum)·running.
#pragma GCC optimize("O3", "no-math-errno")
#include "common.h"
#include <ATen/Parallel.h>
#include <cmath>

namespace genlab {

namespace {

constexpr int64_t kLanes = 16;
constexpr int64_t kChunk = 1024;

// Σ f(i) for i < n: 16 float lanes per chunk of at most 1,024 (vectorizable), chunks summed in double.
// The lanes are the code's, not the vector unit's, so the sum has the same bits at every SIMD width.
template <typename F>
inline double reduceRun(int64_t n, F f) {
  double total = 0;
  for (int64_t start = 0; start < n; start += kChunk) {
    const int64_t end = std::min(n, start + kChunk);
    float acc[kLanes] = {};
    int64_t i = start;
    for (; i + kLanes <= end; i += kLanes)
      for (int64_t j = 0; j < kLanes; j++) acc[j] += f(i + j);
    float tail = 0;
    for (; i < end; i++) tail += f(i);
    double s = tail;
    for (int64_t j = 0; j < kLanes; j++) s += acc[j];
    total += s;
  }
  return total;
}
GENLAB_SIMD double sumRun(const float* __restrict x, int64_t n) {
  return reduceRun(n, [x](int64_t i) { return x[i]; });
}
GENLAB_SIMD double squaredDeviations(const float* __restrict x, float m, int64_t n) {
  return reduceRun(n, [x, m](int64_t i) { return (x[i] - m) * (x[i] - m); });
}
GENLAB_SIMD double dotDeviations(const float* __restrict g, const float* __restrict x, float m, int64_t n) {
  return reduceRun(n, [g, x, m](int64_t i) { return g[i] * (x[i] - m); });
}

// (N, C, HW): channel c of example n is the run at (n·C + c)·HW.
struct Shape {
  int64_t N, C, HW;
  int64_t count() const { return N * HW; }
};

Shape shapeOf(const at::Tensor& x) { return {x.size(0), x.size(1), x.size(2) * x.size(3)}; }

// y = x·a + b, and the ReLU's max(·, 0) (NaN kept, as relu keeps it), over one channel.
inline float affine(float x, float a, float b) { return x * a + b; }
inline float relu(float v) { return v < 0.0f ? 0.0f : v; }

GENLAB_SIMD void affineRun(const float* __restrict x, float* __restrict y, float a, float b, int64_t n, bool withRelu) {
  if (withRelu)
    for (int64_t i = 0; i < n; i++) y[i] = relu(affine(x[i], a, b));
  else
    for (int64_t i = 0; i < n; i++) y[i] = affine(x[i], a, b);
}

void normalize(const at::Tensor& x, at::Tensor& y, const float* alpha, const float* beta, bool withRelu) {
  const Shape s = shapeOf(x);
  const float* xp = x.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  at::parallel_for(0, s.N * s.C, std::max<int64_t>(1, 32768 / std::max<int64_t>(1, s.HW)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float a = alpha[r % s.C], b = beta[r % s.C];
      affineRun(xp + r * s.HW, yp + r * s.HW, a, b, s.HW, withRelu);
    }
  });
}

struct Params {
  at::Tensor weight, bias;  // (C), defined: ones and zeros stand in for a missing scale or shift
};

Params params(const at::Tensor& x, const c10::optional<at::Tensor>& w, const c10::optional<at::Tensor>& b) {
  const auto opts = x.options().requires_grad(false);
  return {w && w->defined() ? *w : at::ones({x.size(1)}, opts), b && b->defined() ? *b : at::zeros({x.size(1)}, opts)};
}

// Per channel: a = invstd·w and b = bias − mean·a, as PyTorch's transform computes them.
void coefficients(const at::Tensor& mean, const at::Tensor& invstd, const Params& p, at::Tensor& a, at::Tensor& b) {
  const float *m = mean.data_ptr<float>(), *is = invstd.data_ptr<float>(), *w = p.weight.data_ptr<float>(),
              *bb = p.bias.data_ptr<float>();
  float *ap = a.data_ptr<float>(), *bp = b.data_ptr<float>();
  for (int64_t c = 0; c < a.numel(); c++) {
    ap[c] = is[c] * w[c];
    bp[c] = bb[c] - m[c] * ap[c];
  }
}

// The batch's mean and 1/√(var + eps) per channel; updates the running statistics when given.
void batchStats(const at::Tensor& x, double eps, double momentum, at::Tensor& mean, at::Tensor& invstd,
                const c10::optional<at::Tensor>& runningMean, const c10::optional<at::Tensor>& runningVar) {
  const Shape s = shapeOf(x);
  const float* xp = x.data_ptr<float>();
  float *mp = mean.data_ptr<float>(), *ip = invstd.data_ptr<float>();
  float* rm = runningMean && runningMean->defined() ? runningMean->data_ptr<float>() : nullptr;
  float* rv = runningVar && runningVar->defined() ? runningVar->data_ptr<float>() : nullptr;
  const int64_t M = s.count();
  at::parallel_for(0, s.C, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; c++) {
      double sum = 0;
      for (int64_t n = 0; n < s.N; n++)
        sum += sumRun(xp + (n * s.C + c) * s.HW, s.HW);
      const float m = static_cast<float>(sum / M);
      double sq = 0;
      for (int64_t n = 0; n < s.N; n++)
        sq += squaredDeviations(xp + (n * s.C + c) * s.HW, m, s.HW);
      mp[c] = m;
      ip[c] = static_cast<float>(1.0 / std::sqrt(sq / M + eps));
      if (rm) rm[c] = static_cast<float>(momentum * m + (1 - momentum) * rm[c]);
      if (rv) rv[c] = static_cast<float>(momentum * (sq / (M - 1)) + (1 - momentum) * rv[c]);
    }
  });
}

// g where relu(x·a + b) passed x·a + b, else 0.
GENLAB_SIMD void reluPassed(const float* __restrict g, const float* __restrict x, float a, float b, float* __restrict out,
                int64_t n) {
  // g[i] read on both sides of the select, so the compiler may if-convert it (SSE compare and mask).
  for (int64_t i = 0; i < n; i++) {
    const float gi = g[i];
    out[i] = affine(x[i], a, b) > 0.0f ? gi : 0.0f;
  }
}
GENLAB_SIMD void inputGradient(const float* __restrict g, const float* __restrict x, float m, float gm, float k, float scale,
                   float* __restrict out, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = (g[i] - gm - (x[i] - m) * k) * scale;
}

// Gradients of y = relu?(x̂·w + b), x̂ = (x − mean)·invstd, with batch statistics: per channel
// Σg' and Σg'·(x − mean) (g' = g where the ReLU passed, else 0), then
// ∂x = (g' − Σg'/M − (x − mean)·Σg'(x − mean)·invstd²/M)·invstd·w, ∂w = Σg'·x̂, ∂b = Σg'.
void backwardKernel(const at::Tensor& g, const at::Tensor& x, const at::Tensor& mean, const at::Tensor& invstd,
                    const Params& p, bool withRelu, at::Tensor* gx, at::Tensor& gw, at::Tensor& gb) {
  const Shape s = shapeOf(x);
  const int64_t M = s.count();
  at::Tensor a = at::empty({s.C}, x.options()), b = at::empty({s.C}, x.options());
  coefficients(mean, invstd, p, a, b);
  const float *gp = g.data_ptr<float>(), *xp = x.data_ptr<float>(), *mp = mean.data_ptr<float>(),
              *ip = invstd.data_ptr<float>(), *wp = p.weight.data_ptr<float>(), *ap = a.data_ptr<float>(),
              *bp = b.data_ptr<float>();
  float *gwp = gw.data_ptr<float>(), *gbp = gb.data_ptr<float>();
  float* gxp = gx ? gx->data_ptr<float>() : nullptr;
  at::parallel_for(0, s.C, 1, [&](int64_t c0, int64_t c1) {
    std::vector<float> passed(withRelu ? s.HW : 0);
    // g where the ReLU passed, else 0, into `passed` (a select the compiler vectorizes: a branch per
    // element would mispredict on every other one); without ReLU, g itself.
    auto gradient = [&](const float* gr, const float* xr, float ac, float bc) -> const float* {
      if (!withRelu) return gr;
      reluPassed(gr, xr, ac, bc, passed.data(), s.HW);
      return passed.data();
    };
    for (int64_t c = c0; c < c1; c++) {
      const float m = mp[c], is = ip[c], ac = ap[c], bc = bp[c];
      double sg = 0, sgx = 0;
      for (int64_t n = 0; n < s.N; n++) {
        const int64_t at0 = (n * s.C + c) * s.HW;
        const float *gr = gradient(gp + at0, xp + at0, ac, bc), *xr = xp + at0;
        sg += sumRun(gr, s.HW);
        sgx += dotDeviations(gr, xr, m, s.HW);
      }
      gwp[c] = static_cast<float>(sgx * is);
      gbp[c] = static_cast<float>(sg);
      if (!gxp) continue;
      const float gm = static_cast<float>(sg / M), k = static_cast<float>(sgx * is * is / M), scale = is * wp[c];
      for (int64_t n = 0; n < s.N; n++) {
        const int64_t at0 = (n * s.C + c) * s.HW;
        const float *gr = gradient(gp + at0, xp + at0, ac, bc), *xr = xp + at0;
        inputGradient(gr, xr, m, gm, k, scale, gxp + at0, s.HW);
      }
    }
  });
}

at::Tensor composite(const at::Tensor& x, const c10::optional<at::Tensor>& w, const c10::optional<at::Tensor>& b,
                     const c10::optional<at::Tensor>& rm, const c10::optional<at::Tensor>& rv, bool training,
                     double momentum, double eps, bool withRelu) {
  // A shift without a scale (TensorFlow's default, small Inception's): libtorch's CUDA backward needs the
  // scale's tensor, so the scale is a constant 1 there (the same values; no gradient asked of it).
  c10::optional<at::Tensor> scale = w;
  if ((!w || !w->defined()) && b && b->defined()) scale = at::ones_like(*b).requires_grad_(false);
  at::Tensor y = at::batch_norm(x, scale, b, rm, rv, training, momentum, eps, false);
  return withRelu ? y.relu_() : y;
}

// y = relu?(x̂·w + b) for the batch statistics (mean, invstd) computed before it.
at::Tensor transform(const at::Tensor& x, const at::Tensor& mean, const at::Tensor& invstd, const Params& p,
                     bool withRelu) {
  at::Tensor a = at::empty_like(mean), b = at::empty_like(mean), y = at::empty_like(x);
  coefficients(mean, invstd, p, a, b);
  normalize(x, y, a.data_ptr<float>(), b.data_ptr<float>(), withRelu);
  return y;
}

struct FusedBatchNorm : public torch::autograd::Function<FusedBatchNorm> {
  // x, weight and bias are the differentiable inputs; mean and invstd the batch's, computed before.
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                            const at::Tensor& bias, const at::Tensor& mean, const at::Tensor& invstd, double eps,
                            bool withRelu) {
    ctx->save_for_backward({x, weight, bias, mean, invstd});
    ctx->saved_data["eps"] = eps;
    ctx->saved_data["relu"] = withRelu;
    return transform(x, mean, invstd, {weight, bias}, withRelu);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &weight = saved[1], &bias = saved[2];
    const bool withRelu = ctx->saved_data["relu"].toBool();
    std::vector<at::Tensor> outs(7);
    if (at::GradMode::is_enabled()) {
      // A recorded backward (create_graph) differentiates libtorch's composite form instead.
      std::vector<at::Tensor> inputs;
      std::vector<int> which;
      for (int i = 0; i < 3; i++)
        if (ctx->needs_input_grad(i)) inputs.push_back(saved[i]), which.push_back(i);
      at::Tensor y = composite(x, weight, bias, {}, {}, true, 0.0, ctx->saved_data["eps"].toDouble(), withRelu);
      auto got = torch::autograd::grad({y}, inputs, {grads[0]}, true, true, true);
      for (size_t j = 0; j < which.size(); j++) outs[which[j]] = got[j];
      return outs;
    }
    at::Tensor gx, gw = at::empty_like(saved[3]), gb = at::empty_like(saved[3]);
    if (ctx->needs_input_grad(0)) gx = at::empty_like(x);
    backwardKernel(grads[0].contiguous(), x, saved[3], saved[4], {weight, bias}, withRelu, gx.defined() ? &gx : nullptr,
                   gw, gb);
    outs[0] = gx;
    if (ctx->needs_input_grad(1)) outs[1] = gw;
    if (ctx->needs_input_grad(2)) outs[2] = gb;
    return outs;
  }
};

bool fusable(const at::Tensor& t, int64_t C) {
  return t.device().is_cpu() && t.scalar_type() == at::kFloat && t.dim() == 1 && t.size(0) == C && t.is_contiguous();
}

at::Tensor fusedOrLibtorch(const at::Tensor& x, const c10::optional<at::Tensor>& w, const c10::optional<at::Tensor>& b,
                     const c10::optional<at::Tensor>& rm, const c10::optional<at::Tensor>& rv, bool training,
                     double momentum, double eps, bool withRelu) {
  bool ok = fastConv && x.dim() == 4 && x.device().is_cpu() && x.scalar_type() == at::kFloat && x.is_contiguous() &&
            x.numel() > 0;
  const int64_t C = ok ? x.size(1) : 0;
  for (const auto* t : {&w, &b, &rm, &rv})
    if (ok && *t && (*t)->defined()) ok = fusable(**t, C);
  if (ok && training) ok = x.size(0) * x.size(2) * x.size(3) > 1;  // libtorch's path says why not
  if (ok && !training) ok = rm && rm->defined() && rv && rv->defined();
  if (!ok) return composite(x, w, b, rm, rv, training, momentum, eps, withRelu);
  const bool recording = at::GradMode::is_enabled() && (x.requires_grad() || (w && w->defined() && w->requires_grad()) ||
                                                        (b && b->defined() && b->requires_grad()));
  // Eval mode with gradients (rare: no trainer does it) stays on libtorch's path.
  if (!training && recording) return composite(x, w, b, rm, rv, training, momentum, eps, withRelu);
  const Params p = params(x, w, b);
  at::Tensor mean = at::empty({C}, x.options().requires_grad(false)), invstd = at::empty_like(mean);
  {
    const at::NoGradGuard noGrad;
    if (training) {
      batchStats(x, eps, momentum, mean, invstd, rm, rv);
    } else {
      mean.copy_(*rm);
      invstd.copy_((*rv + eps).rsqrt());
    }
  }
  if (recording) return FusedBatchNorm::apply(x, p.weight, p.bias, mean, invstd, eps, withRelu);
  return transform(x, mean, invstd, p, withRelu);
}

}  // namespace

// batchNorm(x, weight?, bias?, runningMean?, runningVar?, training, momentum, eps, relu?): running
// statistics updated in place; with relu, max(·, 0) of the result (what a following ReLU gives)
GENLAB_OP(batchNorm) {
  const bool withRelu = info.Length() > 8 && !info[8].IsUndefined() && boolArg(info, 8);
  return wrap(info.Env(), fusedOrLibtorch(tensorArg(info, 0), optTensorArg(info, 1), optTensorArg(info, 2), optTensorArg(info, 3),
                                    optTensorArg(info, 4), boolArg(info, 5), numArg(info, 6), numArg(info, 7), withRelu));
}

void registerBatchNorm(Napi::Env env, Exports exports) { GENLAB_EXPORT(batchNorm); }

}  // namespace genlab
