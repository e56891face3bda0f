// Linear algebra: factorizations and solves, including an in-place Cholesky for n² matrices
// too large to copy (kernel interpolation at n = 60,000).
#include "common.h"
#include <dlfcn.h>

namespace genlab {

GENLAB_OP(cholesky) { return wrap(info.Env(), at::linalg_cholesky(tensorArg(info, 0), boolArg(info, 1))); }
GENLAB_OP(solve) { return wrap(info.Env(), at::linalg_solve(tensorArg(info, 0), tensorArg(info, 1))); }
// triangularSolve(A, B, upper, left, unitriangular)
GENLAB_OP(triangularSolve) {
  return wrap(info.Env(), at::linalg_solve_triangular(tensorArg(info, 0), tensorArg(info, 1), boolArg(info, 2), boolArg(info, 3),
                                                      boolArg(info, 4)));
}
GENLAB_OP(eigh) {
  auto r = at::linalg_eigh(tensorArg(info, 0), "L");
  return wrapPair(info.Env(), std::get<0>(r), std::get<1>(r));
}

// lstsq(A, B, rcond | undefined, driver) -> [solution, rank | null, singularValues | undefined]: torch.linalg.lstsq
// for A (m, n), B (m, k) or (m). rank is null where the driver does not compute it (gels); singular values
// come only from the SVD drivers (gelsd, gelss). rcond undefined: libtorch's default, ε·max(m, n).
GENLAB_OP(lstsq) {
  c10::optional<double> rcond;
  if (info.Length() > 2 && !info[2].IsUndefined()) rcond = numArg(info, 2);
  const std::string driver = strArg(info, 3);
  auto r = at::linalg_lstsq(tensorArg(info, 0), tensorArg(info, 1), rcond, c10::string_view(driver));
  const at::Tensor& rank = std::get<2>(r);
  const at::Tensor& sv = std::get<3>(r);
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, 3);
  out.Set(uint32_t(0), wrap(env, std::get<0>(r)));
  out.Set(uint32_t(1), rank.numel() == 1 ? Napi::Value(Napi::Number::New(env, double(rank.item<int64_t>()))) : env.Null());
  out.Set(uint32_t(2), sv.numel() > 0 ? wrap(env, sv) : env.Undefined());
  return out;
}

// LAPACK's potrf/potrs, looked up at run time so that a libtorch without exported LAPACK
// symbols still builds; then the in-place ops fall back to libtorch's (copying) kernels.
using PotrfS = void (*)(const char*, const int*, float*, const int*, int*);
using PotrfD = void (*)(const char*, const int*, double*, const int*, int*);
using PotrsS = void (*)(const char*, const int*, const int*, const float*, const int*, float*, const int*, int*);
using PotrsD = void (*)(const char*, const int*, const int*, const double*, const int*, double*, const int*, int*);

template <typename T>
static T lapack(const char* name) {
  return reinterpret_cast<T>(dlsym(RTLD_DEFAULT, name));
}

static void checkSquare(const at::Tensor& a) {
  if (a.dim() != 2 || a.size(0) != a.size(1)) throw ArgError("expected a square matrix, got shape " + c10::str(a.sizes()));
  if (!a.device().is_cpu() || !a.is_contiguous()) throw ArgError("expected a contiguous CPU matrix");
  if (a.size(0) > INT32_MAX) throw ArgError("matrix too large for LAPACK");
}

// choleskyInplace_(A) -> info. A is symmetric; on return its upper triangle (row-major) holds U
// with A = UᵀU (LAPACK's lower factor in column-major order); the other triangle is left as it was.
GENLAB_OP(choleskyInplace_) {
  at::Tensor& a = tensorArg(info, 0);
  checkSquare(a);
  int n = int(a.size(0)), status = 0;
  const char uplo = 'L';
  if (a.scalar_type() == at::kFloat && lapack<PotrfS>("spotrf_")) {
    lapack<PotrfS>("spotrf_")(&uplo, &n, a.data_ptr<float>(), &n, &status);
  } else if (a.scalar_type() == at::kDouble && lapack<PotrfD>("dpotrf_")) {
    lapack<PotrfD>("dpotrf_")(&uplo, &n, a.data_ptr<double>(), &n, &status);
  } else {
    auto r = at::linalg_cholesky_ex(a, true, false);
    status = int(std::get<1>(r).item<int64_t>());
    if (status == 0) a.triu_().copy_(std::get<0>(r).triu());
  }
  return Napi::Number::New(info.Env(), status);
}

// choleskySolveFactored(U, B) -> X with A X = B, U from choleskyInplace_; B (n, k)
GENLAB_OP(choleskySolveFactored) {
  at::Tensor& a = tensorArg(info, 0);
  at::Tensor& b = tensorArg(info, 1);
  checkSquare(a);
  if (b.dim() != 2 || b.size(0) != a.size(0)) throw ArgError("right-hand side must be (n, k) with n = " + std::to_string(a.size(0)));
  // Column-major (n, k) is row-major (k, n): transpose, solve, transpose back.
  at::Tensor x = b.to(a.scalar_type()).t().contiguous();
  int n = int(a.size(0)), k = int(b.size(1)), status = 0;
  const char uplo = 'L';
  if (a.scalar_type() == at::kFloat && lapack<PotrsS>("spotrs_")) {
    lapack<PotrsS>("spotrs_")(&uplo, &n, &k, a.data_ptr<float>(), &n, x.data_ptr<float>(), &n, &status);
  } else if (a.scalar_type() == at::kDouble && lapack<PotrsD>("dpotrs_")) {
    lapack<PotrsD>("dpotrs_")(&uplo, &n, &k, a.data_ptr<double>(), &n, x.data_ptr<double>(), &n, &status);
  } else {
    return wrap(info.Env(), at::cholesky_solve(b.to(a.scalar_type()), a.triu(), true));
  }
  if (status != 0) throw std::runtime_error("potrs failed with info " + std::to_string(status));
  return wrap(info.Env(), x.t().contiguous());
}

// addmm_(C, A, B, beta, alpha): C ← beta·C + alpha·A·B in place. C may be a strided view (a tile of a
// larger matrix, row stride > cols): BLAS writes it through its leading dimension, with no temporary —
// fresh allocations cost a page fault per 4 KiB here (glibc's posix_memalign does not reuse freed blocks).
GENLAB_OP(addmm_) {
  tensorArg(info, 0).addmm_(tensorArg(info, 1), tensorArg(info, 2), at::Scalar(numArg(info, 3)), at::Scalar(numArg(info, 4)));
  return info.Env().Undefined();
}
// exp_(A): A ← exp(A) in place (a kernel tile finished where it lies).
GENLAB_OP(exp_) {
  tensorArg(info, 0).exp_();
  return info.Env().Undefined();
}

void registerLinalg(Napi::Env env, Exports exports) {
  GENLAB_EXPORT(cholesky); GENLAB_EXPORT(solve); GENLAB_EXPORT(triangularSolve); GENLAB_EXPORT(eigh); GENLAB_EXPORT(lstsq);
  GENLAB_EXPORT(choleskyInplace_); GENLAB_EXPORT(choleskySolveFactored);
  GENLAB_EXPORT(addmm_); GENLAB_EXPORT(exp_);
}

}  // namespace genlab
