// The operations the addon exports: threaded GEMM and the three NHWC convolution passes, on the chosen ISA.
#pragma once
#include "kernels.h"

namespace basin {

const IsaTable& active_isa();
bool select_isa(const char* name);  // false when the name is unknown or the CPU lacks it

template <typename T>
void gemm_parallel(bool ta, bool tb, long m, long n, long k, T alpha, const T* a, long lda, const T* b, long ldb,
                   T beta, T* c, long ldc, bool upper);

// Convolution geometry (NHWC input, [KH, KW, Cin, Cout] filter, NHWC output), dilation 1.
struct ConvGeom {
  long n, h, w, cin, kh, kw, cout, sh, sw, padTop, padLeft, oh, ow;
};

void conv2d_forward(const ConvGeom& g, const float* x, const float* f, float* y);
void conv2d_backprop_input(const ConvGeom& g, const float* dy, const float* f, float* dx);
void conv2d_backprop_filter(const ConvGeom& g, const float* x, const float* dy, float* df);

}  // namespace basin
