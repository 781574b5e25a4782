// The operations the addon exports: threaded GEMM and the three NHWC convolution passes, on the chosen ISA.
#pragma once
#include "kernels.h"

namespace basin {

const IsaTable& active_isa();
bool select_isa(const char* name);  // false when the name is unknown or the CPU lacks it

template <typename T>
void gemm_parallel(bool ta, bool tb, long m, long n, long k, T alpha, const T* a, long lda, const T* b, long ldb,
                   T beta, T* c, long ldc, bool upper);

void conv2d_forward(const ConvGeom& g, const float* x, const float* f, float* y);
void conv2d_backprop_input(const ConvGeom& g, const float* dy, const float* f, float* dx);
void conv2d_backprop_filter(const ConvGeom& g, const float* x, const float* dy, float* df);

// Element-wise float32 kernels (eltwise.cc). A binary op's output is [outer, inner]; each operand is the full
// array, one value, a row of `inner` values repeated over `outer`, or a column of `outer` values repeated over
// `inner`.
enum class BinOp { Add = 0, Sub = 1, Mul = 2, Div = 3 };
enum class Bcast { Full = 0, Scalar = 1, Row = 2, Column = 3 };
enum class UnOp { Relu = 0, Step = 1 };
void binary_f32(BinOp op, const float* a, Bcast am, const float* b, Bcast bm, float* out, long outer, long inner);
void unary_f32(UnOp op, const float* x, float* out, long n, float alpha);
// The ReLU gradient in one pass: out = dy · step(x) (step: 1 where x > 0, 0 elsewhere, NaN kept).
void relu_grad_f32(const float* dy, const float* x, float* out, long n);
// out[a, c] = scale · Σ_b x[a, b, c], accumulated in float64.
void reduce_sum_f32(const float* x, float* out, long A, long B, long C, double scale);

// Centring (centre.cc): out[r·outStride + c] = src[r·srcStride + c] − mean[c] in float64; column sums in float64.
void centre_f32(const float* src, long srcStride, long rows, long cols, const double* mean, double* out,
                long outStride);
void centre_f64(const double* src, long srcStride, long rows, long cols, const double* mean, double* out,
                long outStride);
void column_sums_f32(const float* src, long rows, long cols, double* out);
void column_sums_f64(const double* src, long rows, long cols, double* out);

}  // namespace basin
