// Shapes, views, copies between dtypes and devices, joining and indexing.
#include "common.h"

namespace genlab {

GENLAB_OP(reshape) { return wrap(info.Env(), tensorArg(info, 0).reshape(intsArg(info, 1))); }
GENLAB_OP(permute) { return wrap(info.Env(), tensorArg(info, 0).permute(intsArg(info, 1))); }
GENLAB_OP(transpose) { return wrap(info.Env(), tensorArg(info, 0).transpose(intArg(info, 1), intArg(info, 2))); }
GENLAB_OP(contiguous) { return wrap(info.Env(), tensorArg(info, 0).contiguous()); }
GENLAB_OP(squeeze) { return wrap(info.Env(), tensorArg(info, 0).squeeze(intArg(info, 1))); }
GENLAB_OP(unsqueeze) { return wrap(info.Env(), tensorArg(info, 0).unsqueeze(intArg(info, 1))); }
GENLAB_OP(expand) { return wrap(info.Env(), tensorArg(info, 0).expand(intsArg(info, 1))); }
GENLAB_OP(flatten) { return wrap(info.Env(), tensorArg(info, 0).flatten(intArg(info, 1), intArg(info, 2))); }
GENLAB_OP(flip) { return wrap(info.Env(), tensorArg(info, 0).flip(intsArg(info, 1))); }
GENLAB_OP(repeat) { return wrap(info.Env(), tensorArg(info, 0).repeat(intsArg(info, 1))); }
GENLAB_OP(clone) { return wrap(info.Env(), tensorArg(info, 0).clone()); }
GENLAB_OP(cat) { return wrap(info.Env(), at::cat(tensorListArg(info, 0), intArg(info, 1))); }
GENLAB_OP(stack) { return wrap(info.Env(), at::stack(tensorListArg(info, 0), intArg(info, 1))); }
// pad(t, [left, right, top, bottom, ...], value): constant padding of the last dimensions
GENLAB_OP(pad) { return wrap(info.Env(), at::constant_pad_nd(tensorArg(info, 0), intsArg(info, 1), numArg(info, 2))); }

// toDtype(t, dtype) and toDevice(t, device) return the same tensor when nothing changes.
GENLAB_OP(toDtype) { return wrap(info.Env(), tensorArg(info, 0).to(dtypeArg(info, 1))); }
GENLAB_OP(toDevice) { return wrap(info.Env(), tensorArg(info, 0).to(deviceArg(info, 1))); }

// narrow(t, dim, start, length) is a view; slice(t, dim, start, end, step) too; select drops dim.
GENLAB_OP(narrow) { return wrap(info.Env(), tensorArg(info, 0).narrow(intArg(info, 1), intArg(info, 2), intArg(info, 3))); }
GENLAB_OP(slice) {
  return wrap(info.Env(), tensorArg(info, 0).slice(intArg(info, 1), intArg(info, 2), intArg(info, 3), intArg(info, 4)));
}
GENLAB_OP(select) { return wrap(info.Env(), tensorArg(info, 0).select(intArg(info, 1), intArg(info, 2))); }

GENLAB_OP(indexSelect) { return wrap(info.Env(), at::index_select(tensorArg(info, 0), intArg(info, 1), tensorArg(info, 2))); }
GENLAB_OP(gather) { return wrap(info.Env(), at::gather(tensorArg(info, 0), intArg(info, 1), tensorArg(info, 2))); }
// scatter(t, dim, index, src | value): a copy of t with values written at index along dim
GENLAB_OP(scatter) {
  at::Tensor& t = tensorArg(info, 0);
  if (info.Length() > 3 && info[3].IsNumber()) {
    return wrap(info.Env(), at::scatter(t, intArg(info, 1), tensorArg(info, 2), at::Scalar(numArg(info, 3))));
  }
  return wrap(info.Env(), at::scatter(t, intArg(info, 1), tensorArg(info, 2), tensorArg(info, 3)));
}
GENLAB_OP(maskedFill) {
  return wrap(info.Env(), at::masked_fill(tensorArg(info, 0), tensorArg(info, 1), at::Scalar(numArg(info, 2))));
}
GENLAB_OP(maskedSelect) { return wrap(info.Env(), at::masked_select(tensorArg(info, 0), tensorArg(info, 1))); }
GENLAB_OP(nonzero) { return wrap(info.Env(), at::nonzero(tensorArg(info, 0))); }
// indexCopy_(t, dim, index, src): t[index] = src along dim, in place
GENLAB_OP(indexCopy_) {
  tensorArg(info, 0).index_copy_(intArg(info, 1), tensorArg(info, 2), tensorArg(info, 3));
  return info.Env().Undefined();
}

void registerShape(Napi::Env env, Exports exports) {
  GENLAB_EXPORT(reshape); GENLAB_EXPORT(permute); GENLAB_EXPORT(transpose); GENLAB_EXPORT(contiguous);
  GENLAB_EXPORT(squeeze); GENLAB_EXPORT(unsqueeze); GENLAB_EXPORT(expand); GENLAB_EXPORT(flatten);
  GENLAB_EXPORT(flip); GENLAB_EXPORT(repeat); GENLAB_EXPORT(clone); GENLAB_EXPORT(cat); GENLAB_EXPORT(stack);
  GENLAB_EXPORT(pad); GENLAB_EXPORT(toDtype); GENLAB_EXPORT(toDevice);
  GENLAB_EXPORT(narrow); GENLAB_EXPORT(slice); GENLAB_EXPORT(select);
  GENLAB_EXPORT(indexSelect); GENLAB_EXPORT(gather); GENLAB_EXPORT(scatter); GENLAB_EXPORT(maskedFill);
  GENLAB_EXPORT(maskedSelect); GENLAB_EXPORT(nonzero); GENLAB_EXPORT(indexCopy_);
}

}  // namespace genlab
