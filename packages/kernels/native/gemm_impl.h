// The blocked, packed GEMM (Goto/BLIS layout), written once with GCC/Clang vector extensions and compiled once per
// ISA: each including .cc file defines BASIN_NS (its namespace), BASIN_VBYTES (vector width in bytes) and the
// register blocking, and is built with that ISA's flags, so the same source becomes AVX-512, AVX2+FMA or
// SSE2/NEON code. Nothing here may run before the dispatcher has checked the CPU.
#pragma once
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "buffer.h"
#include "kernels.h"

namespace BASIN_NS {

typedef float vf __attribute__((vector_size(BASIN_VBYTES)));
typedef double vd __attribute__((vector_size(BASIN_VBYTES)));
typedef float vfu __attribute__((vector_size(BASIN_VBYTES), aligned(4)));
typedef double vdu __attribute__((vector_size(BASIN_VBYTES), aligned(8)));

template <typename T>
struct VT;
template <>
struct VT<float> {
  typedef vf v;
  typedef vfu u;
};
template <>
struct VT<double> {
  typedef vd v;
  typedef vdu u;
};

constexpr long NO_DIAG = LONG_MIN / 2;

// MR×(NV·L) register block: acc += Apanel(kc×MR)ᵀ·Bpanel(kc×NR); then C = alpha·acc + beta·C on the valid
// mr×nr corner (and, when diag != NO_DIAG, only where j + diag >= i).
// A is read in place: element (i, p) at a[p·csA + i] (ROWS = false: packed panels, csA = MR, or a transposed
// source) or at a[i·rsA + p] (ROWS = true: rows of a row-major source, no packing).
template <typename T, int MR, int NV, bool ROWS>
static inline void micro(long kc, const T* __restrict a, long sA, const T* __restrict b, T* __restrict c, long ldc,
                         int mr, int nr, T alpha, T beta, long diag) {
  typedef typename VT<T>::v V;
  typedef typename VT<T>::u U;
  constexpr int L = sizeof(V) / sizeof(T);
  constexpr int NR = NV * L;
  V acc[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = V{};
  for (long p = 0; p < kc; ++p) {
    V bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = *reinterpret_cast<const V*>(b + v * L);
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i) {
      const T ai = ROWS ? a[i * sA] : a[i];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] += ai * bv[v];
    }
    a += ROWS ? 1 : sA;
    b += NR;
  }
  if (mr == MR && nr == NR && diag == NO_DIAG) {
    if (beta == T(0)) {
#pragma GCC unroll 32
      for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) *reinterpret_cast<U*>(c + i * ldc + v * L) = alpha * acc[i][v];
    } else {
#pragma GCC unroll 32
      for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) {
          U* p = reinterpret_cast<U*>(c + i * ldc + v * L);
          *p = beta * *p + alpha * acc[i][v];
        }
    }
    return;
  }
  alignas(64) T t[MR][NR];
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < NV; ++v) *reinterpret_cast<V*>(&t[i][v * L]) = acc[i][v];
  for (int i = 0; i < mr; ++i) {
    int j0 = 0;
    if (diag != NO_DIAG) j0 = std::max<long>(0, i - diag);
    T* row = c + i * ldc;
    if (beta == T(0))
      for (int j = j0; j < nr; ++j) row[j] = alpha * t[i][j];
    else
      for (int j = j0; j < nr; ++j) row[j] = beta * row[j] + alpha * t[i][j];
  }
}

// Packs rows i0..i0+mc, depth p0..p0+kc of op(A) into MR-row panels, each kc×MR (zero-padded rows).
template <typename T, int MR>
static void pack_a(bool ta, const T* a, long lda, long i0, long mc, long p0, long kc, T* dst) {
  for (long r = 0; r < mc; r += MR) {
    const int rows = static_cast<int>(std::min<long>(MR, mc - r));
    T* d = dst + r * kc;
    if (ta) {
      for (long p = 0; p < kc; ++p) {
        const T* s = a + (p0 + p) * lda + i0 + r;
        for (int i = 0; i < rows; ++i) d[p * MR + i] = s[i];
        for (int i = rows; i < MR; ++i) d[p * MR + i] = T(0);
      }
    } else {
      for (int i = 0; i < rows; ++i) {
        const T* s = a + (i0 + r + i) * lda + p0;
        for (long p = 0; p < kc; ++p) d[p * MR + i] = s[p];
      }
      for (int i = rows; i < MR; ++i)
        for (long p = 0; p < kc; ++p) d[p * MR + i] = T(0);
    }
  }
}

// Packs depth p0..p0+kc, columns j0..j0+nc of op(B) into NR-column panels, each kc×NR (zero-padded columns).
template <typename T, int NR>
static void pack_b(bool tb, const T* b, long ldb, long p0, long kc, long j0, long nc, T* dst) {
  for (long c = 0; c < nc; c += NR) {
    const int cols = static_cast<int>(std::min<long>(NR, nc - c));
    T* d = dst + c * kc;
    if (!tb) {
      for (long p = 0; p < kc; ++p) {
        const T* s = b + (p0 + p) * ldb + j0 + c;
        if (cols == NR) {
          std::memcpy(d + p * NR, s, sizeof(T) * NR);
        } else {
          for (int j = 0; j < cols; ++j) d[p * NR + j] = s[j];
          for (int j = cols; j < NR; ++j) d[p * NR + j] = T(0);
        }
      }
    } else {
      for (int j = 0; j < cols; ++j) {
        const T* s = b + (j0 + c + j) * ldb + p0;
        for (long p = 0; p < kc; ++p) d[p * NR + j] = s[p];
      }
      for (int j = cols; j < NR; ++j)
        for (long p = 0; p < kc; ++p) d[p * NR + j] = T(0);
    }
  }
}

template <typename T, int MR, int NV>
static void gemm_blocked(bool ta, bool tb, long m, long n, long k, T alpha, const T* a, long lda, const T* b,
                         long ldb, T beta, T* c, long ldc, bool upper, long diag, long KC, long MC, long NC) {
  typedef typename VT<T>::v V;
  constexpr int L = sizeof(V) / sizeof(T);
  constexpr int NR = NV * L;
  static thread_local basin::AlignedBuf bufA, bufB, bufTail;
  // op(A) is used in place when each of its blocks would be reused by at most two column panels: packing would cost
  // as much as the multiply-adds it feeds (skinny products, e.g. convolutions with 16 output channels).
  const bool direct = (n + NR - 1) / NR <= 2;
  T* tail = static_cast<T*>(bufTail.get(sizeof(T) * KC * MR));
  const long ncMax = std::min(NC, (n + NR - 1) / NR * NR);
  const long mcMax = std::min(MC, (m + MR - 1) / MR * MR);
  T* pa = static_cast<T*>(bufA.get(sizeof(T) * (KC * (mcMax + MR))));
  T* pb = static_cast<T*>(bufB.get(sizeof(T) * (KC * (ncMax + NR))));
  for (long jc = 0; jc < n; jc += NC) {
    const long nc = std::min(NC, n - jc);
    for (long pc = 0; pc < k; pc += KC) {
      const long kc = std::min(KC, k - pc);
      const T betaEff = pc == 0 ? beta : T(1);
      pack_b<T, NR>(tb, b, ldb, pc, kc, jc, nc, pb);
      for (long ic = 0; ic < m; ic += MC) {
        const long mc = std::min(MC, m - ic);
        if (upper && ic > jc + nc - 1 + diag) break;
        if (!direct) pack_a<T, MR>(ta, a, lda, ic, mc, pc, kc, pa);
        for (long jr = 0; jr < nc; jr += NR) {
          const int nr = static_cast<int>(std::min<long>(NR, nc - jr));
          for (long ir = 0; ir < mc; ir += MR) {
            const int mr = static_cast<int>(std::min<long>(MR, mc - ir));
            long td = NO_DIAG;
            if (upper) {
              const long i = ic + ir, j = jc + jr;
              if (i > j + nr - 1 + diag) break;  // this tile and those below it lie under the diagonal
              if (i + mr - 1 > j + diag) td = j + diag - i;
            }
            T* cp = c + (ic + ir) * ldc + jc + jr;
            if (!direct) {
              micro<T, MR, NV, false>(kc, pa + ir * kc, MR, pb + jr * kc, cp, ldc, mr, nr, alpha, betaEff, td);
            } else if (mr < MR) {
              pack_a<T, MR>(ta, a, lda, ic + ir, mr, pc, kc, tail);
              micro<T, MR, NV, false>(kc, tail, MR, pb + jr * kc, cp, ldc, mr, nr, alpha, betaEff, td);
            } else if (ta) {
              micro<T, MR, NV, false>(kc, a + pc * lda + ic + ir, lda, pb + jr * kc, cp, ldc, mr, nr, alpha, betaEff,
                                      td);
            } else {
              micro<T, MR, NV, true>(kc, a + (ic + ir) * lda + pc, lda, pb + jr * kc, cp, ldc, mr, nr, alpha,
                                     betaEff, td);
            }
          }
        }
      }
    }
  }
}

template <typename T>
static void scale_c(long m, long n, T beta, T* c, long ldc, bool upper, long diag) {
  for (long i = 0; i < m; ++i) {
    const long j0 = upper ? std::max<long>(0, i - diag) : 0;
    for (long j = j0; j < n; ++j) c[i * ldc + j] = beta == T(0) ? T(0) : beta * c[i * ldc + j];
  }
}

template <typename T>
static void gemm(bool ta, bool tb, long m, long n, long k, T alpha, const T* a, long lda, const T* b, long ldb,
                 T beta, T* c, long ldc, bool upper, long diag) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == T(0)) {
    scale_c(m, n, beta, c, ldc, upper, diag);
    return;
  }
  constexpr long L = BASIN_VBYTES / sizeof(T);
  // Blocking tuned on the development machine; BASIN_KERNELS_BLOCKING="kc,mc,nc" overrides it (for tuning only).
  static const long* tuned = [] {
    static long v[3] = {0, 0, 0};
    if (const char* s = std::getenv("BASIN_KERNELS_BLOCKING")) {
      char* end = nullptr;
      for (int i = 0; i < 3 && *s; ++i, s = end + (*end == ',')) {
        v[i] = std::strtol(s, &end, 10);
        if (end == s) break;
      }
    }
    return v;
  }();
  const long kc = tuned[0] > 0 ? tuned[0] : sizeof(T) == 4 ? BASIN_KC_F32 : BASIN_KC_F64;
  const long mcw = tuned[1] > 0 ? tuned[1] : sizeof(T) == 4 ? BASIN_MC_F32 : BASIN_MC_F64;
  const long nc = tuned[2] > 0 ? tuned[2] : sizeof(T) == 4 ? BASIN_NC_F32 : BASIN_NC_F64;
  if (n <= L)
    gemm_blocked<T, BASIN_MR_NARROW, 1>(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, upper, diag, kc,
                                        mcw / BASIN_MR_NARROW * BASIN_MR_NARROW, nc);
  else
    gemm_blocked<T, BASIN_MR, 2>(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, upper, diag, kc,
                                 mcw / BASIN_MR * BASIN_MR, nc);
}

// ---- direct convolution ---------------------------------------------------------------------------------------
// For narrow layers (few output channels) im2col costs more than the multiply-adds it feeds: every input value is
// copied kh·kw times to be used in 2·cout flops each. This reads a zero-padded copy of the image in place instead:
// a register tile of MR output pixels of one row × NR output channels accumulates over every tap and input channel,
// the A operand being the padded image at the tap's offset with a pixel stride of sw·cin.
static long conv_nr(long cout) {
  constexpr long L = BASIN_VBYTES / sizeof(float);
  return cout <= L ? L : 2 * L;
}

template <int MR, int NV>
static inline void conv_tile(const float* __restrict x, long sx, const long* __restrict off, int taps, long cin,
                             const float* __restrict f, float* __restrict y, long ldy, int mr, int nr) {
  typedef vf V;
  typedef vfu U;
  constexpr int L = sizeof(V) / sizeof(float);
  constexpr int NR = NV * L;
  V acc[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = V{};
  for (int t = 0; t < taps; ++t) {
    const float* a = x + off[t];
    for (long ci = 0; ci < cin; ++ci, f += NR) {
      V bv[NV];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) bv[v] = *reinterpret_cast<const V*>(f + v * L);
#pragma GCC unroll 32
      for (int i = 0; i < MR; ++i) {
        const float ai = a[i * sx + ci];
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[i][v] += ai * bv[v];
      }
    }
  }
  if (mr == MR && nr == NR) {
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) *reinterpret_cast<U*>(y + i * ldy + v * L) = acc[i][v];
    return;
  }
  alignas(64) float t[MR][NR];
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < NV; ++v) *reinterpret_cast<V*>(&t[i][v * L]) = acc[i][v];
  for (int i = 0; i < mr; ++i)
    for (int j = 0; j < nr; ++j) y[i * ldy + j] = t[i][j];
}

template <int MR, int NV>
static void conv_image_tiles(const basin::ConvGeom& g, const float* xp, long wp, const float* fp, float* y) {
  constexpr long NR = NV * (BASIN_VBYTES / sizeof(float));
  const int taps = static_cast<int>(g.kh * g.kw);
  long offs[64];
  long* off = taps <= 64 ? offs : static_cast<long*>(std::malloc(sizeof(long) * taps));
  for (long kh = 0; kh < g.kh; ++kh)
    for (long kw = 0; kw < g.kw; ++kw) off[kh * g.kw + kw] = (kh * wp + kw) * g.cin;
  const long panel = taps * g.cin * NR;
  for (long oh = 0; oh < g.oh; ++oh) {
    const float* row = xp + oh * g.sh * wp * g.cin;
    float* yr = y + oh * g.ow * g.cout;
    for (long ow0 = 0; ow0 < g.ow; ow0 += MR) {
      const int mr = static_cast<int>(std::min<long>(MR, g.ow - ow0));
      for (long j0 = 0; j0 < g.cout; j0 += NR)
        conv_tile<MR, NV>(row + ow0 * g.sw * g.cin, g.sw * g.cin, off, taps, g.cin, fp + (j0 / NR) * panel,
                          yr + ow0 * g.cout + j0, g.cout, mr, static_cast<int>(std::min<long>(NR, g.cout - j0)));
    }
  }
  if (off != offs) std::free(off);
}

static void conv_image(const basin::ConvGeom& g, const float* xp, long wp, const float* fp, float* y) {
  if (conv_nr(g.cout) == BASIN_VBYTES / static_cast<long>(sizeof(float)))
    conv_image_tiles<BASIN_MR_NARROW, 1>(g, xp, wp, fp, y);
  else
    conv_image_tiles<BASIN_MR, 2>(g, xp, wp, fp, y);
}

// The filter gradient of one image, directly: for each kernel row kh, the kw·cin values an output pixel reads from
// that row of the padded image are contiguous, so C[kh] (cout × kw·cin) += dyᵀ · X_kh, with a register tile of MR
// output channels (broadcast from dy) × NV vectors of that run. c must hold kh × cout × conv_dw_ld(g) floats.
static long conv_dw_ld(const basin::ConvGeom& g) {
  constexpr long L = BASIN_VBYTES / sizeof(float);
  return (g.kw * g.cin + L - 1) / L * L;
}

template <int MR, int NV>
static void dw_tiles(const basin::ConvGeom& g, const float* xp, long wp, const float* dy, float* c) {
  typedef vf V;
  typedef vfu U;
  constexpr int L = sizeof(V) / sizeof(float);
  const long run = g.kw * g.cin, ld = conv_dw_ld(g);
  const long rowJump = (g.sh * wp - g.ow * g.sw) * g.cin;  // from one output row's last pixel to the next's first
  for (long kh = 0; kh < g.kh; ++kh)
    for (long co0 = 0; co0 < g.cout; co0 += MR) {
      const int mr = static_cast<int>(std::min<long>(MR, g.cout - co0));
      for (long r0 = 0; r0 < run; r0 += NV * L) {
        V acc[MR][NV];
#pragma GCC unroll 16
        for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
          for (int v = 0; v < NV; ++v) acc[i][v] = V{};
        const float* x = xp + kh * wp * g.cin + r0;
        const float* d = dy + co0;
        for (long oh = 0; oh < g.oh; ++oh, x += rowJump)
          for (long ow = 0; ow < g.ow; ++ow, x += g.sw * g.cin, d += g.cout) {
            V xv[NV];
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) xv[v] = *reinterpret_cast<const U*>(x + v * L);
            if (mr == MR) {
#pragma GCC unroll 16
              for (int i = 0; i < MR; ++i) {
                const float di = d[i];
#pragma GCC unroll 4
                for (int v = 0; v < NV; ++v) acc[i][v] += di * xv[v];
              }
            } else {
              for (int i = 0; i < mr; ++i) {
                const float di = d[i];
#pragma GCC unroll 4
                for (int v = 0; v < NV; ++v) acc[i][v] += di * xv[v];
              }
            }
          }
        float* cp = c + (kh * g.cout + co0) * ld + r0;
        const int nv = static_cast<int>(std::min<long>(NV, (ld - r0) / L));
        for (int i = 0; i < mr; ++i)
          for (int v = 0; v < nv; ++v) *reinterpret_cast<U*>(cp + i * ld + v * L) += acc[i][v];
      }
    }
}

static void conv_dw_image(const basin::ConvGeom& g, const float* xp, long wp, const float* dy, float* c) {
  constexpr long L = BASIN_VBYTES / sizeof(float);
  const long vecs = conv_dw_ld(g) / L;
  if (vecs == 1)
    dw_tiles<BASIN_DW_MR1, 1>(g, xp, wp, dy, c);
  else if (vecs == 2)
    dw_tiles<BASIN_DW_MR, 2>(g, xp, wp, dy, c);
  else
    dw_tiles<BASIN_DW_MR, 3>(g, xp, wp, dy, c);
}

}  // namespace BASIN_NS
