// float32 matrix products on the CPU through oneDNN's sgemm, where the libtorch build links it.
//
// Debian's libtorch runs at::mm on OpenBLAS, whose 0.3.21 does not know AMD Zen 4 and falls back to
// its AVX2 (Haswell) kernels, where oneDNN's sgemm (already loaded, libtorch's convolutions use it)
// runs AVX-512 (rates in docs/measurements.md). Builds that do not export dnnl_sgemm
// (pip wheels link oneDNN statically and hide it; CUDA tensors; other dtypes) keep libtorch's own path.
#include <dlfcn.h>
#include "common.h"
#include <ATen/autocast_mode.h>

namespace genlab {

namespace {

// dnnl_status_t dnnl_sgemm(char transa, char transb, dnnl_dim_t M, N, K, float alpha, const float* A,
//                          dnnl_dim_t lda, const float* B, dnnl_dim_t ldb, float beta, float* C, dnnl_dim_t ldc)
// Row-major: C (M×N) = alpha·op(A)·op(B) + beta·C. Status 0 is success.
using DnnlSgemm = int (*)(char, char, int64_t, int64_t, int64_t, float, const float*, int64_t, const float*, int64_t,
                          float, float*, int64_t);

const DnnlSgemm linkedSgemm = reinterpret_cast<DnnlSgemm>(dlsym(RTLD_DEFAULT, "dnnl_sgemm"));
bool sgemmEnabled = true;  // setCpuSgemm(false): libtorch's own path even where oneDNN's is linked

DnnlSgemm dnnlSgemm() { return sgemmEnabled ? linkedSgemm : nullptr; }

// Under CPU autocast (bfloat16 training) products go through libtorch's ops, which autocast casts.
bool fastEligible(const at::Tensor& a, const at::Tensor& b) {
  return dnnlSgemm() != nullptr && !at::autocast::is_cpu_enabled() && a.dim() == 2 && b.dim() == 2 && a.scalar_type() == at::kFloat &&
         b.scalar_type() == at::kFloat && a.device().is_cpu() && b.device().is_cpu() && a.size(1) == b.size(0) &&
         a.numel() > 0 && b.numel() > 0;
}

// A 2-D operand as sgemm sees it: its data, whether it is stored transposed, and its leading dimension.
struct Operand {
  at::Tensor t;  // keeps a copy alive when one was needed
  char trans;
  int64_t ld;
};

Operand operand(const at::Tensor& m) {
  if (m.stride(1) == 1 && m.stride(0) >= std::max<int64_t>(1, m.size(1))) return {m, 'N', m.stride(0)};
  if (m.stride(0) == 1 && m.stride(1) >= std::max<int64_t>(1, m.size(0))) return {m, 'T', m.stride(1)};
  at::Tensor c = m.contiguous();
  return {c, 'N', std::max<int64_t>(1, c.size(1))};
}

// a (M×K) · b (K×N) into a new row-major (M×N) tensor, without autograd.
at::Tensor sgemm(const at::Tensor& a, const at::Tensor& b) {
  Operand A = operand(a), B = operand(b);
  const int64_t M = a.size(0), K = a.size(1), N = b.size(1);
  at::Tensor c = at::empty({M, N}, a.options().requires_grad(false));
  int status = dnnlSgemm()(A.trans, B.trans, M, N, K, 1.0f, A.t.data_ptr<float>(), A.ld, B.t.data_ptr<float>(), B.ld,
                           0.0f, c.data_ptr<float>(), std::max<int64_t>(1, N));
  if (status != 0) throw std::runtime_error("oneDNN sgemm failed with status " + std::to_string(status));
  return c;
}

// a·b with autograd: ∂a = g·bᵀ, ∂b = aᵀ·g, each by sgemm on transposed views (no copies). When the
// backward itself is recorded (create_graph), it uses at::mm so that it can be differentiated again.
struct OneDnnMatmul : public torch::autograd::Function<OneDnnMatmul> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& a, const at::Tensor& b) {
    ctx->save_for_backward({a, b});
    return sgemm(a, b);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor &a = saved[0], &b = saved[1], &g = grads[0];
    const bool recorded = at::GradMode::is_enabled();
    auto product = [&](const at::Tensor& x, const at::Tensor& y) { return recorded ? at::mm(x, y) : sgemm(x, y); };
    at::Tensor ga = ctx->needs_input_grad(0) ? product(g, b.t()) : at::Tensor();
    at::Tensor gb = ctx->needs_input_grad(1) ? product(a.t(), g) : at::Tensor();
    return {ga, gb};
  }
};

at::Tensor matmul2d(const at::Tensor& a, const at::Tensor& b) {
  if (!fastEligible(a, b)) return at::matmul(a, b);
  if (at::GradMode::is_enabled() && (a.requires_grad() || b.requires_grad())) return OneDnnMatmul::apply(a, b);
  return sgemm(a, b);
}

}  // namespace

GENLAB_OP(matmul) { return wrap(info.Env(), matmul2d(tensorArg(info, 0), tensorArg(info, 1))); }

// linear(x, weight, bias?): x·weightᵀ + bias, weight (out, in)
GENLAB_OP(linear) {
  const at::Tensor& x = tensorArg(info, 0);
  const at::Tensor& w = tensorArg(info, 1);
  c10::optional<at::Tensor> bias = optTensorArg(info, 2);
  if (w.dim() != 2 || !fastEligible(x, w.t()) || (bias && (bias->dim() != 1 || bias->size(0) != w.size(0)))) {
    return wrap(info.Env(), at::linear(x, w, bias));
  }
  at::Tensor y = matmul2d(x, w.t());
  if (bias) y.add_(*bias);  // autograd: the bias gradient is the column sum of ∂y, as for addmm
  return wrap(info.Env(), y);
}

// hasFastSgemm(): whether float32 CPU products go through oneDNN's sgemm
GENLAB_OP(hasFastSgemm) { return Napi::Boolean::New(info.Env(), dnnlSgemm() != nullptr); }
// setFastSgemm(on) -> whether oneDNN's sgemm is linked (on has no effect where it is not)
GENLAB_OP(setFastSgemm) {
  sgemmEnabled = boolArg(info, 0);
  return Napi::Boolean::New(info.Env(), linkedSgemm != nullptr);
}

void registerGemm(Napi::Env env, Exports exports) {
  GENLAB_EXPORT(matmul); GENLAB_EXPORT(linear); GENLAB_EXPORT(hasFastSgemm); GENLAB_EXPORT(setFastSgemm);
}

}  // namespace genlab
