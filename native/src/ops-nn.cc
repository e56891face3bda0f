// Neural-network kernels: convolution, pooling, normalization, losses (linear and matmul: ops-gemm.cc).
// The pooling loops below are meant to vectorize; -O2 (the addon's level) leaves them scalar and branching.
#pragma GCC optimize("O3", "no-math-errno")
#include "common.h"
#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <cmath>
#include <limits>

namespace genlab {

// conv2d(x, weight, bias?, stride[2], padding[2], dilation[2], groups); x (N, C, H, W). Under CPU autocast
// (bfloat16) the input goes channels-last: oneDNN's bfloat16 convolutions on (N, C, H, W) reorder every
// call, and on 3 input channels run several times slower than channels-last; the output stays
// channels-last, and the layers after it (ReLU, pooling, LRN, batch norm) keep that layout.
GENLAB_OP(conv2d) {
  at::Tensor x = tensorArg(info, 0);
  if (at::autocast::is_cpu_enabled() && x.dim() == 4 && x.device().is_cpu())
    x = x.contiguous(at::MemoryFormat::ChannelsLast);
  return wrap(info.Env(), at::conv2d(x, tensorArg(info, 1), optTensorArg(info, 2), intsArg(info, 3), intsArg(info, 4),
                                     intsArg(info, 5), intArg(info, 6)));
}
// libtorch's CPU max pooling of an (N, C, H, W) tensor runs one plane at a time in scalar code whose
// compares branch, and random activations mispredict about every other one. Its backward, on
// (N, C, H, W), is cheap. So genlab pools float32 (N, C, H, W) tensors itself (planeMaxPool: the same
// windows, compares turned into selects; docs/measurements.md) and other floating tensors on a
// channels-last copy, where libtorch's kernel runs across channels in SIMD; the backward is PyTorch's own
// MaxPool2DWithIndices backward on the row-major input with the same indices. Every path takes the
// first maximum of a window in PyTorch's order and lets NaN win (the last NaN), so values, indices
// and gradients are those of at::max_pool2d. setFastConv(false) leaves float32 to the channels-last path.
namespace {

struct Window {
  int64_t kernel, stride, padding;
};
// PyTorch's pooling_output_shape at dilation 1.
int64_t pooledSize(int64_t in, const Window& w, bool ceilMode) {
  const int64_t span = in + 2 * w.padding - w.kernel + (ceilMode ? w.stride - 1 : 0);
  int64_t out = (span >= 0 ? span / w.stride : -((-span + w.stride - 1) / w.stride)) + 1;
  if (ceilMode && (out - 1) * w.stride >= in + w.padding) --out;
  return out;
}

// One input row h of a row of windows: for each output column ow in [ow0, ow1), whose window's
// columns ow·stride + off + kw (kw < kernel) all lie inside the row, the running maximum (best, at)
// against them in order. Compares are selects; a compile-time kernel and stride (the paper's 3×3
// and 2×2 pools at stride 2) let the compiler vectorize across ow. Indices are int32, as wide as
// the floats, for the selects. base: the row's index in the plane.
template <int64_t K, int64_t S, bool Indices>
void windowRow(const float* __restrict row, int32_t base, int64_t kernel, int64_t stride, int64_t off, int64_t ow0,
               int64_t ow1, float* __restrict best, int32_t* __restrict at) {
  const int64_t k = K > 0 ? K : kernel, s = S > 0 ? S : stride;
  for (int64_t ow = ow0; ow < ow1; ow++) {
    float b = best[ow];
    int32_t a = Indices ? at[ow] : 0;
    for (int64_t kw = 0; kw < k; kw++) {
      const int64_t w = ow * s + off + kw;
      const float v = row[w];
      const bool take = (v > b) | (v != v);
      b = take ? v : b;
      if (Indices) a = take ? base + static_cast<int32_t>(w) : a;
    }
    best[ow] = b;
    if (Indices) at[ow] = a;
  }
}

// The columns of a window at the edge of a row, where padding cuts it: one output column, bounds checked.
void edgeWindow(const float* row, int32_t base, int64_t W, int64_t kernel, int64_t start, float& best, int32_t& at) {
  for (int64_t w = std::max<int64_t>(start, 0); w < std::min(start + kernel, W); w++) {
    const float v = row[w];
    if ((v > best) | (v != v)) best = v, at = base + static_cast<int32_t>(w);
  }
}

// The windows of planes [p0, p1), with the row kernel K, S inlined (0: any kernel and stride); the
// maxima's indices too where Indices (what the backward needs: without gradients only the values).
template <int64_t K, int64_t S, bool Indices>
void poolPlanes(const float* xp, float* op, int64_t* ip, int64_t p0, int64_t p1, int64_t H, int64_t W,
                const Window& wh, const Window& ww, int64_t outH, int64_t outW, float* best, int32_t* at) {
  // Output columns whose windows lie inside the row: [inner0, inner1); the others meet padding.
  const int64_t off = -ww.padding;
  const int64_t inner0 = std::min(outW, (ww.padding + ww.stride - 1) / ww.stride);
  const int64_t inner1 = std::max(inner0, std::min(outW, W - ww.kernel - off < 0 ? 0 : (W - ww.kernel - off) / ww.stride + 1));
  for (int64_t p = p0; p < p1; p++) {
    const float* plane = xp + p * H * W;
    for (int64_t oh = 0; oh < outH; oh++) {
      const int64_t h0 = std::max<int64_t>(oh * wh.stride - wh.padding, 0);
      const int64_t h1 = std::min(oh * wh.stride - wh.padding + wh.kernel, H);
      for (int64_t ow = 0; ow < outW; ow++) {
        best[ow] = -std::numeric_limits<float>::infinity();
        at[ow] = static_cast<int32_t>(h0 * W + std::max<int64_t>(ow * ww.stride + off, 0));
      }
      // Row-major through each window, as PyTorch's kernel goes: ties keep the first maximum.
      for (int64_t h = h0; h < h1; h++) {
        const float* r = plane + h * W;
        const auto base = static_cast<int32_t>(h * W);
        for (int64_t ow = 0; ow < inner0; ow++) edgeWindow(r, base, W, ww.kernel, ow * ww.stride + off, best[ow], at[ow]);
        windowRow<K, S, Indices>(r, base, ww.kernel, ww.stride, off, inner0, inner1, best, at);
        for (int64_t ow = inner1; ow < outW; ow++) edgeWindow(r, base, W, ww.kernel, ow * ww.stride + off, best[ow], at[ow]);
      }
      float* o = op + (p * outH + oh) * outW;
      for (int64_t ow = 0; ow < outW; ow++) o[ow] = best[ow];
      if (!Indices) continue;
      int64_t* oi = ip + (p * outH + oh) * outW;
      for (int64_t ow = 0; ow < outW; ow++) oi[ow] = at[ow];
    }
  }
}

// The windows of every (N, C) plane; (values, int64 indices into the plane) like at::max_pool2d, or
// (values, undefined) without `withIndices`.
std::pair<at::Tensor, at::Tensor> planeMaxPool(const at::Tensor& x, const Window& wh, const Window& ww, int64_t outH,
                                               int64_t outW, bool withIndices) {
  const int64_t planes = x.size(0) * x.size(1), H = x.size(2), W = x.size(3);
  at::Tensor out = at::empty({x.size(0), x.size(1), outH, outW}, x.options());
  at::Tensor indices;
  if (withIndices) indices = at::empty({x.size(0), x.size(1), outH, outW}, x.options().dtype(at::kLong));
  const float* xp = x.data_ptr<float>();
  float* op = out.data_ptr<float>();
  int64_t* ip = withIndices ? indices.data_ptr<int64_t>() : nullptr;
  using Planes = void (*)(const float*, float*, int64_t*, int64_t, int64_t, int64_t, int64_t, const Window&,
                          const Window&, int64_t, int64_t, float*, int32_t*);
  const int k = ww.kernel == 3 && ww.stride == 2 ? 0 : ww.kernel == 2 && ww.stride == 2 ? 1 : 2;
  static const Planes byKernel[2][3] = {
      {poolPlanes<3, 2, false>, poolPlanes<2, 2, false>, poolPlanes<0, 0, false>},
      {poolPlanes<3, 2, true>, poolPlanes<2, 2, true>, poolPlanes<0, 0, true>}};
  const Planes planesOf = byKernel[withIndices][k];
  at::parallel_for(0, planes, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, H * W)), [&](int64_t p0, int64_t p1) {
    std::vector<float> best(outW);
    std::vector<int32_t> at(outW);
    planesOf(xp, op, ip, p0, p1, H, W, wh, ww, outH, outW, best.data(), at.data());
  });
  return {out, indices};
}

bool planeMaxPoolApplies(const at::Tensor& x, const std::vector<int64_t>& kernel, const std::vector<int64_t>& stride,
                         const std::vector<int64_t>& padding) {
  if (!fastConv || x.dim() != 4 || !x.device().is_cpu() || x.scalar_type() != at::kFloat || !x.is_contiguous() ||
      x.numel() == 0 || kernel.size() != 2 || stride.size() != 2 || padding.size() != 2)
    return false;
  // Shapes libtorch would refuse stay on its path, which says why; planes past int32 indices too.
  if (x.size(2) * x.size(3) >= (int64_t{1} << 31)) return false;
  for (int i = 0; i < 2; i++)
    if (kernel[i] < 1 || stride[i] < 1 || padding[i] < 0 || 2 * padding[i] > kernel[i]) return false;
  return true;
}

// Where genlab's plane kernel takes x: its row and column windows and output size (false: libtorch's path).
bool planeWindows(const at::Tensor& x, const std::vector<int64_t>& kernel, const std::vector<int64_t>& stride,
                  const std::vector<int64_t>& padding, bool ceilMode, Window& wh, Window& ww, int64_t& outH,
                  int64_t& outW) {
  if (!planeMaxPoolApplies(x, kernel, stride, padding)) return false;  // two-element kernel, stride and padding
  wh = {kernel[0], stride[0], padding[0]};
  ww = {kernel[1], stride[1], padding[1]};
  outH = pooledSize(x.size(2), wh, ceilMode);
  outW = pooledSize(x.size(3), ww, ceilMode);
  return outH > 0 && outW > 0;
}

}  // namespace

struct PooledMaxPool : public torch::autograd::Function<PooledMaxPool> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, std::vector<int64_t> kernel,
                            std::vector<int64_t> stride, std::vector<int64_t> padding, bool ceilMode) {
    at::Tensor out, indices;
    int64_t outH = 0, outW = 0;
    Window wh{}, ww{};
    if (planeWindows(x, kernel, stride, padding, ceilMode, wh, ww, outH, outW)) {
      std::tie(out, indices) = planeMaxPool(x, wh, ww, outH, outW, true);
    } else {
      // A channels-last input (a bfloat16 conv net's) stays channels-last; (N, C, H, W) goes there and back.
      const bool keep = x.is_contiguous(at::MemoryFormat::ChannelsLast) && !x.is_contiguous();
      std::tie(out, indices) = at::max_pool2d_with_indices(x.contiguous(at::MemoryFormat::ChannelsLast), kernel, stride,
                                                           padding, {1, 1}, ceilMode);
      if (!keep) {
        out = out.contiguous();
        indices = indices.contiguous();
      }
    }
    ctx->save_for_backward({x, indices});
    ctx->saved_data["kernel"] = kernel;
    ctx->saved_data["stride"] = stride;
    ctx->saved_data["padding"] = padding;
    ctx->saved_data["ceilMode"] = ceilMode;
    return out;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::MemoryFormat layout = saved[1].suggest_memory_format();  // the indices' layout: the pooling's
    at::Tensor gradInput = at::max_pool2d_with_indices_backward(
        grads[0].contiguous(layout), saved[0], ctx->saved_data["kernel"].toIntVector(),
        ctx->saved_data["stride"].toIntVector(), ctx->saved_data["padding"].toIntVector(), {1, 1},
        ctx->saved_data["ceilMode"].toBool(), saved[1]);
    return {gradInput, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

// maxPool2d(x, kernel[2], stride[2], padding[2], ceilMode)
GENLAB_OP(maxPool2d) {
  const at::Tensor& x = tensorArg(info, 0);
  std::vector<int64_t> kernel = intsArg(info, 1), stride = intsArg(info, 2), padding = intsArg(info, 3);
  bool ceilMode = boolArg(info, 4);
  Window wh{}, ww{};
  int64_t outH = 0, outW = 0;
  // Without gradients (evaluation) nothing reads the indices: the values alone, the same bits.
  if (!(at::GradMode::is_enabled() && x.requires_grad()) &&
      planeWindows(x, kernel, stride, padding, ceilMode, wh, ww, outH, outW))
    return wrap(info.Env(), planeMaxPool(x, wh, ww, outH, outW, false).first);
  if (planeMaxPoolApplies(x, kernel, stride, padding) ||
      (x.dim() == 4 && x.device().is_cpu() && at::isFloatingType(x.scalar_type()) && x.size(1) > 1)) {
    return wrap(info.Env(), PooledMaxPool::apply(x, kernel, stride, padding, ceilMode));
  }
  return wrap(info.Env(), at::max_pool2d(x, kernel, stride, padding, {1, 1}, ceilMode));
}
// avgPool2d(x, kernel[2], stride[2], padding[2], ceilMode, countIncludePad)
GENLAB_OP(avgPool2d) {
  return wrap(info.Env(), at::avg_pool2d(tensorArg(info, 0), intsArg(info, 1), intsArg(info, 2), intsArg(info, 3),
                                         boolArg(info, 4), boolArg(info, 5)));
}
GENLAB_OP(logSoftmax) { return wrap(info.Env(), at::log_softmax(tensorArg(info, 0), intArg(info, 1))); }
GENLAB_OP(softmax) { return wrap(info.Env(), at::softmax(tensorArg(info, 0), intArg(info, 1))); }

static int64_t reductionArg(const Napi::CallbackInfo& info, size_t i) {
  std::string r = i < info.Length() && info[i].IsString() ? strArg(info, i) : "mean";
  if (r == "mean") return at::Reduction::Mean;
  if (r == "sum") return at::Reduction::Sum;
  if (r == "none") return at::Reduction::None;
  throw ArgError("unknown reduction \"" + r + "\"; expected mean, sum or none");
}

// crossEntropy(logits (N, C), target (N) int64, reduction)
GENLAB_OP(crossEntropy) {
  return wrap(info.Env(), at::cross_entropy_loss(tensorArg(info, 0), tensorArg(info, 1), {}, reductionArg(info, 2)));
}
GENLAB_OP(nllLoss) { return wrap(info.Env(), at::nll_loss(tensorArg(info, 0), tensorArg(info, 1), {}, reductionArg(info, 2))); }
GENLAB_OP(mseLoss) { return wrap(info.Env(), at::mse_loss(tensorArg(info, 0), tensorArg(info, 1), reductionArg(info, 2))); }
// cdist(a (n, d), b (m, d), p) -> (n, m) p-norm distances ‖aᵢ − bⱼ‖ₚ (not squared); libtorch picks
// its own algorithm (for p = 2 and large inputs, by matrix products)
GENLAB_OP(cdist) { return wrap(info.Env(), at::cdist(tensorArg(info, 0), tensorArg(info, 1), numArg(info, 2))); }

void registerNn(Napi::Env env, Exports exports) {
  GENLAB_EXPORT(conv2d);
  GENLAB_EXPORT(maxPool2d); GENLAB_EXPORT(avgPool2d);
  GENLAB_EXPORT(logSoftmax); GENLAB_EXPORT(softmax); GENLAB_EXPORT(crossEntropy); GENLAB_EXPORT(nllLoss);
  GENLAB_EXPORT(mseLoss); GENLAB_EXPORT(cdist);
}

}  // namespace genlab
