// Neural-network kernels: convolution, pooling, normalization, losses (linear and matmul: ops-gemm.cc).
#include "common.h"

namespace genlab {

// conv2d(x, weight, bias?, stride[2], padding[2], dilation[2], groups); x (N, C, H, W)
GENLAB_OP(conv2d) {
  return wrap(info.Env(), at::conv2d(tensorArg(info, 0), tensorArg(info, 1), optTensorArg(info, 2), intsArg(info, 3),
                                     intsArg(info, 4), intsArg(info, 5), intArg(info, 6)));
}
// libtorch's CPU max pooling of an (N, C, H, W) tensor runs one plane at a time in scalar code; on a
// channels-last copy it runs across channels in SIMD, 4-5× faster for the paper's conv nets even with
// the copies (128×32×28×28, 2×2: 14 ms → 3.4 ms). Its backward is the other way round: cheap on (N, C, H, W),
// slow channels-last. So the forward pools channels-last and the backward is PyTorch's own
// MaxPool2DWithIndices backward on the row-major input with the same indices. Both kernels take the
// first maximum of a window in the same order and let NaN win, so values, indices and gradients are
// those of at::max_pool2d.
struct ChannelsLastMaxPool : public torch::autograd::Function<ChannelsLastMaxPool> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, std::vector<int64_t> kernel,
                            std::vector<int64_t> stride, std::vector<int64_t> padding, bool ceilMode) {
    auto [out, indices] = at::max_pool2d_with_indices(x.contiguous(at::MemoryFormat::ChannelsLast), kernel, stride,
                                                      padding, {1, 1}, ceilMode);
    indices = indices.contiguous();
    ctx->save_for_backward({x, indices});
    ctx->saved_data["kernel"] = kernel;
    ctx->saved_data["stride"] = stride;
    ctx->saved_data["padding"] = padding;
    ctx->saved_data["ceilMode"] = ceilMode;
    return out.contiguous();
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    at::Tensor gradInput = at::max_pool2d_with_indices_backward(
        grads[0].contiguous(), saved[0], ctx->saved_data["kernel"].toIntVector(),
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
  if (x.dim() == 4 && x.device().is_cpu() && at::isFloatingType(x.scalar_type()) && x.size(1) > 1) {
    return wrap(info.Env(), ChannelsLastMaxPool::apply(x, kernel, stride, padding, ceilMode));
  }
  return wrap(info.Env(), at::max_pool2d(x, kernel, stride, padding, {1, 1}, ceilMode));
}
// avgPool2d(x, kernel[2], stride[2], padding[2], ceilMode, countIncludePad)
GENLAB_OP(avgPool2d) {
  return wrap(info.Env(), at::avg_pool2d(tensorArg(info, 0), intsArg(info, 1), intsArg(info, 2), intsArg(info, 3),
                                         boolArg(info, 4), boolArg(info, 5)));
}
// batchNorm(x, weight?, bias?, runningMean?, runningVar?, training, momentum, eps): running stats updated in place
GENLAB_OP(batchNorm) {
  return wrap(info.Env(), at::batch_norm(tensorArg(info, 0), optTensorArg(info, 1), optTensorArg(info, 2), optTensorArg(info, 3),
                                         optTensorArg(info, 4), boolArg(info, 5), numArg(info, 6), numArg(info, 7), false));
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
  GENLAB_EXPORT(maxPool2d); GENLAB_EXPORT(avgPool2d); GENLAB_EXPORT(batchNorm);
  GENLAB_EXPORT(logSoftmax); GENLAB_EXPORT(softmax); GENLAB_EXPORT(crossEntropy); GENLAB_EXPORT(nllLoss);
  GENLAB_EXPORT(mseLoss); GENLAB_EXPORT(cdist);
}

}  // namespace genlab
