// Shared declarations: the per-ISA serial GEMMs and the dispatch table the addon picks from at run time.
#pragma once
#include <cstdint>

namespace basin {

// C (m×n) = alpha·op(A)·op(B) + beta·C, row-major, on the calling thread.
// op(A) is m×k: A stored m×k (ta = false) or k×m (ta = true); op(B) is k×n: B stored k×n or n×k.
// When `upper` is set only entries with j + diag >= i are written (the rest is left untouched): `diag` is the
// column offset minus the row offset of this block within the full matrix whose upper triangle is wanted.
template <typename T>
using GemmFn = void (*)(bool ta, bool tb, long m, long n, long k, T alpha, const T* a, long lda, const T* b,
                        long ldb, T beta, T* c, long ldc, bool upper, long diag);

// Convolution geometry (NHWC input, [KH, KW, Cin, Cout] filter, NHWC output), dilation 1.
struct ConvGeom {
  long n, h, w, cin, kh, kw, cout, sh, sw, padTop, padLeft, oh, ow;
};

// One image of a direct convolution (no im2col): y (oh × ow × cout) from xp, the image zero-padded to
// (oh − 1)·sh + kh rows of wp pixels (≥ (ow − 1)·sw + kw), followed by slack of at least one register tile; fp is
// the filter packed by conv_pack into panels of conv_nr(cout) output channels.
using ConvImageFn = void (*)(const ConvGeom& g, const float* xp, long wp, const float* fp, float* y);

struct IsaTable {
  const char* name;  // "avx512", "avx2", "generic"
  int vectorBits;    // width of the vectors the micro-kernels use
  GemmFn<float> sgemm;
  GemmFn<double> dgemm;
  ConvImageFn convImage;
  long (*convNr)(long cout);  // output channels per filter panel of convImage
  // One image's filter gradient, direct: c[kh][co][kw·cin + ci] (row length convDwLd(g)) += Σ_pixels dy · x, from
  // the image padded as for convImage; c is accumulated, not overwritten.
  void (*convDwImage)(const ConvGeom& g, const float* xp, long wp, const float* dy, float* c);
  long (*convDwLd)(const ConvGeom& g);
};

const IsaTable& isa_generic();
#ifdef BASIN_HAVE_X86
const IsaTable& isa_avx2();
const IsaTable& isa_avx512();
#endif

}  // namespace basin
