#include "ops.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "buffer.h"
#include "pool.h"

namespace basin {

static const IsaTable* best_isa() {
#ifdef BASIN_HAVE_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma")) return &isa_avx512();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return &isa_avx2();
#endif
  return &isa_generic();
}

static const IsaTable* g_isa = nullptr;

const IsaTable& active_isa() {
  if (!g_isa) g_isa = best_isa();
  return *g_isa;
}

bool select_isa(const char* name) {
  const std::string s(name);
  const IsaTable* best = best_isa();
  const int rank = std::string(best->name) == "avx512" ? 2 : std::string(best->name) == "avx2" ? 1 : 0;
  if (s == "best") {
    g_isa = best;
    return true;
  }
  if (s == "generic") {
    g_isa = &isa_generic();
    return true;
  }
#ifdef BASIN_HAVE_X86
  if (s == "avx2" && rank >= 1) {
    g_isa = &isa_avx2();
    return true;
  }
  if (s == "avx512" && rank >= 2) {
    g_isa = &isa_avx512();
    return true;
  }
#endif
  (void)rank;
  return false;
}

template <typename T>
static GemmFn<T> serial_fn();
template <>
GemmFn<float> serial_fn<float>() {
  return active_isa().sgemm;
}
template <>
GemmFn<double> serial_fn<double>() {
  return active_isa().dgemm;
}

template <typename T>
void gemm_parallel(bool ta, bool tb, long m, long n, long k, T alpha, const T* a, long lda, const T* b, long ldb,
                   T beta, T* c, long ldc, bool upper) {
  const GemmFn<T> fn = serial_fn<T>();
  Pool& p = pool();
  const double flops = 2.0 * m * n * static_cast<double>(k);
  if (p.size() == 1 || flops < 4e6 || (m < 32 && n < 32)) {
    fn(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, upper, 0);
    return;
  }
  const bool byCols = n >= m;
  const long len = byCols ? n : m;
  const long align = 32;
  // Parts handed out dynamically: 2 per thread (at least 256 columns or rows each, when there are that many); for
  // the upper triangle of a square product, parts of equal triangle area (columns ∝ √t). Every part packs its own
  // copy of the other operand: 2 per thread measured 5–9 % faster than 4 on CKA's products (k = 256 per call) and
  // up to 10 % on square 2048 GEMMs, still enough parts to even out a descheduled thread.
  const long parts = std::max<long>(1, std::min<long>(2L * p.size(), len / 256));
  std::vector<long> cut(parts + 1, 0);
  for (long t = 1; t < parts; ++t) {
    double frac = static_cast<double>(t) / parts;
    if (upper) frac = byCols ? std::sqrt(frac) : 1.0 - std::sqrt(1.0 - frac);
    long v = static_cast<long>(frac * len + 0.5) / align * align;
    cut[t] = std::min(len, std::max(cut[t - 1], v));
  }
  cut[parts] = len;
  std::atomic<long> next{0};
  p.run([&](int, int) {
    for (long s; (s = next.fetch_add(1, std::memory_order_relaxed)) < parts;) {
      const long lo = cut[s], hi = cut[s + 1];
      if (hi <= lo) continue;
      if (byCols)
        fn(ta, tb, m, hi - lo, k, alpha, a, lda, tb ? b + lo * ldb : b + lo, ldb, beta, c + lo, ldc, upper, lo);
      else
        fn(ta, tb, hi - lo, n, k, alpha, ta ? a + lo : a + lo * lda, lda, b, ldb, beta, c + lo * ldc, ldc, upper,
           -lo);
    }
  });
}

template void gemm_parallel<float>(bool, bool, long, long, long, float, const float*, long, const float*, long,
                                   float, float*, long, bool);
template void gemm_parallel<double>(bool, bool, long, long, long, double, const double*, long, const double*, long,
                                    double, double*, long, bool);

// ---- convolution ---------------------------------------------------------------------------------------------

static bool is_pointwise(const ConvGeom& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.padTop == 0 && g.padLeft == 0 && g.oh == g.h &&
         g.ow == g.w;
}

// Copies a run of `n` floats; inlined (runs are short: one pixel's channels), 16 at a time where possible.
static inline void copy_run(float* __restrict d, const float* __restrict s, long n) {
  long i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; ++j) d[i + j] = s[i + j];
  for (; i < n; ++i) d[i] = s[i];
}

// col[(img·OH + oh)·OW + ow][(kh·KW + kw)·Cin + ci] for images n0..n0+cnt.
static void im2col(const ConvGeom& g, const float* x, long n0, long cnt, float* col) {
  const long K = g.kh * g.kw * g.cin;
  for (long img = 0; img < cnt; ++img) {
    const float* xi = x + (n0 + img) * g.h * g.w * g.cin;
    for (long oh = 0; oh < g.oh; ++oh)
      for (long ow = 0; ow < g.ow; ++ow) {
        float* dst = col + ((img * g.oh + oh) * g.ow + ow) * K;
        for (long kh = 0; kh < g.kh; ++kh) {
          const long ih = oh * g.sh - g.padTop + kh;
          for (long kw = 0; kw < g.kw; ++kw) {
            const long iw = ow * g.sw - g.padLeft + kw;
            float* d = dst + (kh * g.kw + kw) * g.cin;
            if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w)
              for (long ci = 0; ci < g.cin; ++ci) d[ci] = 0.f;
            else
              copy_run(d, xi + (ih * g.w + iw) * g.cin, g.cin);
          }
        }
      }
  }
}

// dx[img][ih][iw][ci] += col[...] (the adjoint of im2col), images n0..n0+cnt.
static void col2im(const ConvGeom& g, const float* col, long n0, long cnt, float* dx) {
  const long K = g.kh * g.kw * g.cin;
  for (long img = 0; img < cnt; ++img) {
    float* xi = dx + (n0 + img) * g.h * g.w * g.cin;
    for (long oh = 0; oh < g.oh; ++oh)
      for (long ow = 0; ow < g.ow; ++ow) {
        const float* src = col + ((img * g.oh + oh) * g.ow + ow) * K;
        for (long kh = 0; kh < g.kh; ++kh) {
          const long ih = oh * g.sh - g.padTop + kh;
          if (ih < 0 || ih >= g.h) continue;
          for (long kw = 0; kw < g.kw; ++kw) {
            const long iw = ow * g.sw - g.padLeft + kw;
            if (iw < 0 || iw >= g.w) continue;
            const float* s = src + (kh * g.kw + kw) * g.cin;
            float* d = xi + (ih * g.w + iw) * g.cin;
            for (long ci = 0; ci < g.cin; ++ci) d[ci] += s[ci];
          }
        }
      }
  }
}

// Images per chunk: enough output rows (≈ 1024) for an efficient GEMM, small enough that the im2col buffer stays
// in L2 for the next pass.
static long chunk_images(const ConvGeom& g) {
  const long rows = std::max<long>(1, g.oh * g.ow);
  return std::max<long>(1, std::min<long>(g.n, 1024 / rows));
}

struct ColBuf {
  std::vector<float> v;
  float* get(size_t n) {
    if (v.size() < n) v.resize(n);
    return v.data();
  }
};
static thread_local ColBuf t_col;

// Runs body(chunk index, n0, cnt) over chunks of `chunk` images, handed out to the pool's threads dynamically (on
// the calling thread alone for small convolutions).
template <typename F>
static void over_chunks(const ConvGeom& g, long chunk, F body) {
  const long chunks = (g.n + chunk - 1) / chunk;
  const double flops = 2.0 * g.n * g.oh * g.ow * g.kh * g.kw * g.cin * g.cout;
  std::atomic<long> next{0};
  auto work = [&](int, int) {
    for (long c; (c = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
      const long n0 = c * chunk;
      body(c, n0, std::min(chunk, g.n - n0));
    }
  };
  if (flops < 2e6 || chunks < 2)
    work(0, 1);
  else
    pool().run(work);
}

// over_chunks in chunks of chunk_images(g).
template <typename F>
static void over_images(const ConvGeom& g, F body) {
  over_chunks(g, chunk_images(g), body);
}

// ---- direct convolution (no im2col), for narrow layers -----------------------------------------------------------

// Whether the direct convolution is used for a pass (`filter`: the filter gradient, else the forward pass, which
// stride-1 input gradients also run). Direct wins where im2col's copies cost more than the multiply-adds they feed:
// measured on the default ResNets (AVX-512, bench/kernels.bench.ts), 1.6–4.9× for layers of one vector of output
// channels, 0.9× in the forward pass beyond that; 1.1–1.6× for the filter gradient up to four vectors.
// BASIN_KERNELS_CONV=gemm or =direct forces a path (benchmarks, tests; read on every call).
static bool use_direct(const ConvGeom& g, bool filter) {
  if (is_pointwise(g) || g.kh * g.kw > 64) return false;
  if (const char* s = std::getenv("BASIN_KERNELS_CONV")) {
    if (std::strcmp(s, "gemm") == 0) return false;
    if (std::strcmp(s, "direct") == 0) return true;
  }
  const long lanes = active_isa().vectorBits / 32;
  return g.cout <= (filter ? 4 : 1) * lanes;
}

// Rows and pixels of the zero-padded image the direct convolution reads: every tap of every output pixel.
static long padded_rows(const ConvGeom& g) { return (g.oh - 1) * g.sh + g.kh; }
static long padded_cols(const ConvGeom& g) { return (g.ow - 1) * g.sw + g.kw; }
// Floats past the padded image that a register tile may read (rows of a partial tile beyond the image's end).
static long pad_slack(const ConvGeom& g) { return (32 * g.sw + g.kw + 1) * g.cin + 64; }
// Floats of one padded image with its slack.
static size_t padded_floats(const ConvGeom& g) {
  return static_cast<size_t>(padded_rows(g) * padded_cols(g) * g.cin + pad_slack(g));
}

// xp = image `img` of x, zero-padded to padded_rows × wp pixels (cropped where the output never reads), + slack.
static void pad_image(const ConvGeom& g, const float* x, long wp, float* xp) {
  const long c = g.cin, hp = padded_rows(g);
  const long lo = std::min(wp, g.padLeft), hi = std::min(wp, g.padLeft + g.w);
  for (long ih = 0; ih < hp; ++ih) {
    float* d = xp + ih * wp * c;
    const long src = ih - g.padTop;
    if (src < 0 || src >= g.h || hi <= lo) {
      std::memset(d, 0, sizeof(float) * wp * c);
      continue;
    }
    std::memset(d, 0, sizeof(float) * lo * c);
    std::memcpy(d + lo * c, x + (src * g.w + (lo - g.padLeft)) * c, sizeof(float) * (hi - lo) * c);
    std::memset(d + hi * c, 0, sizeof(float) * (wp - hi) * c);
  }
  std::memset(xp + hp * wp * c, 0, sizeof(float) * pad_slack(g));
}

static thread_local AlignedBuf t_padded;

static void conv2d_direct(const ConvGeom& g, const float* x, const float* f, float* y) {
  const IsaTable& isa = active_isa();
  const long nr = isa.convNr(g.cout), taps = g.kh * g.kw;
  const long panels = (g.cout + nr - 1) / nr;
  // The filter in panels of nr output channels: fp[panel][tap][ci][nr], zero-padded past cout.
  AlignedBuf packed;
  float* fp = packed.of<float>(static_cast<size_t>(panels * taps * g.cin * nr));
  for (long p = 0; p < panels; ++p)
    for (long t = 0; t < taps; ++t)
      for (long ci = 0; ci < g.cin; ++ci) {
        float* d = fp + ((p * taps + t) * g.cin + ci) * nr;
        for (long j = 0; j < nr; ++j) {
          const long co = p * nr + j;
          d[j] = co < g.cout ? f[(t * g.cin + ci) * g.cout + co] : 0.f;
        }
      }
  const long wp = padded_cols(g);
  over_chunks(g, 1, [&](long, long img, long) {
    float* xp = t_padded.of<float>(padded_floats(g));
    pad_image(g, x + img * g.h * g.w * g.cin, wp, xp);
    isa.convImage(g, xp, wp, fp, y + img * g.oh * g.ow * g.cout);
  });
}

void conv2d_forward(const ConvGeom& g, const float* x, const float* f, float* y) {
  if (use_direct(g, false)) return conv2d_direct(g, x, f, y);
  const long K = g.kh * g.kw * g.cin;
  const bool pw = is_pointwise(g);
  const GemmFn<float> fn = active_isa().sgemm;
  const long chunk = chunk_images(g);
  over_images(g, [&](long, long n0, long cnt) {
    const long rows = cnt * g.oh * g.ow;
    const float* a;
    if (pw) {
      a = x + n0 * g.h * g.w * g.cin;
    } else {
      float* col = t_col.get(static_cast<size_t>(chunk * g.oh * g.ow * K));
      im2col(g, x, n0, cnt, col);
      a = col;
    }
    fn(false, false, rows, g.cout, K, 1.f, a, K, f, g.cout, 0.f, y + n0 * g.oh * g.ow * g.cout, g.cout, false, 0);
  });
}

void conv2d_backprop_input(const ConvGeom& g, const float* dy, const float* f, float* dx) {
  const long K = g.kh * g.kw * g.cin;
  if (g.sh == 1 && g.sw == 1 && g.padTop <= g.kh - 1 && g.padLeft <= g.kw - 1 && !is_pointwise(g)) {
    // Stride 1: dx is the forward convolution of dy with the filter rotated 180° and its channels swapped, padded
    // by k − 1 − pad (the fast forward path, and no scatter-add).
    std::vector<float> rot(static_cast<size_t>(K * g.cout));
    for (long kh = 0; kh < g.kh; ++kh)
      for (long kw = 0; kw < g.kw; ++kw)
        for (long ci = 0; ci < g.cin; ++ci)
          for (long co = 0; co < g.cout; ++co)
            rot[((((g.kh - 1 - kh) * g.kw + (g.kw - 1 - kw)) * g.cout + co) * g.cin) + ci] =
                f[((kh * g.kw + kw) * g.cin + ci) * g.cout + co];
    const ConvGeom t{g.n, g.oh, g.ow, g.cout, g.kh, g.kw, g.cin, 1, 1, g.kh - 1 - g.padTop, g.kw - 1 - g.padLeft,
                     g.h, g.w};
    conv2d_forward(t, dy, rot.data(), dx);
    return;
  }
  const bool pw = is_pointwise(g);
  const GemmFn<float> fn = active_isa().sgemm;
  const long chunk = chunk_images(g);
  over_images(g, [&](long, long n0, long cnt) {
    const long rows = cnt * g.oh * g.ow;
    const float* dyc = dy + n0 * g.oh * g.ow * g.cout;
    if (pw) {
      fn(false, true, rows, K, g.cout, 1.f, dyc, g.cout, f, g.cout, 0.f, dx + n0 * g.h * g.w * g.cin, K, false, 0);
      return;
    }
    float* col = t_col.get(static_cast<size_t>(chunk * g.oh * g.ow * K));
    fn(false, true, rows, K, g.cout, 1.f, dyc, g.cout, f, g.cout, 0.f, col, K, false, 0);
    std::memset(dx + n0 * g.h * g.w * g.cin, 0, sizeof(float) * cnt * g.h * g.w * g.cin);
    col2im(g, col, n0, cnt, dx);
  });
}

// Filter gradient without im2col (see convDwImage): partial sums per chunk of images, added in chunk order, so the
// result does not depend on which thread ran which chunk.
static void conv2d_dw_direct(const ConvGeom& g, const float* x, const float* dy, float* df) {
  const IsaTable& isa = active_isa();
  const long ld = isa.convDwLd(g), wp = padded_cols(g), run = g.kw * g.cin;
  const long chunk = std::max<long>(1, std::min<long>(8, 2048 / std::max<long>(1, g.oh * g.ow)));
  const long chunks = (g.n + chunk - 1) / chunk;
  const size_t cn = static_cast<size_t>(g.kh * g.cout * ld);
  AlignedBuf parts;
  float* part = parts.of<float>(cn * static_cast<size_t>(chunks));
  std::memset(part, 0, sizeof(float) * cn * static_cast<size_t>(chunks));
  over_chunks(g, chunk, [&](long c, long n0, long cnt) {
    float* xp = t_padded.of<float>(padded_floats(g));
    for (long img = n0; img < n0 + cnt; ++img) {
      pad_image(g, x + img * g.h * g.w * g.cin, wp, xp);
      isa.convDwImage(g, xp, wp, dy + img * g.oh * g.ow * g.cout, part + c * cn);
    }
  });
  for (long c = 1; c < chunks; ++c)
    for (size_t i = 0; i < cn; ++i) part[i] += part[c * cn + i];
  for (long kh = 0; kh < g.kh; ++kh)
    for (long co = 0; co < g.cout; ++co) {
      const float* src = part + (kh * g.cout + co) * ld;
      for (long r = 0; r < run; ++r) df[(kh * run + r) * g.cout + co] = src[r];
    }
}

void conv2d_backprop_filter(const ConvGeom& g, const float* x, const float* dy, float* df) {
  if (use_direct(g, true)) return conv2d_dw_direct(g, x, dy, df);
  const long K = g.kh * g.kw * g.cin;
  const bool pw = is_pointwise(g);
  const GemmFn<float> fn = active_isa().sgemm;
  const long chunk = chunk_images(g);
  // One partial sum per chunk (chunk 0 writes df), added in chunk order: the result does not depend on which
  // thread ran which chunk.
  const long chunks = (g.n + chunk - 1) / chunk;
  const size_t kn = static_cast<size_t>(K * g.cout);
  std::vector<float> partial(kn * static_cast<size_t>(chunks > 1 ? chunks - 1 : 0));
  over_images(g, [&](long t, long n0, long cnt) {
    const long rows = cnt * g.oh * g.ow;
    const float* a;
    if (pw) {
      a = x + n0 * g.h * g.w * g.cin;
    } else {
      float* col = t_col.get(static_cast<size_t>(chunk * g.oh * g.ow * K));
      im2col(g, x, n0, cnt, col);
      a = col;
    }
    float* out = t == 0 ? df : partial.data() + (t - 1) * kn;
    fn(true, false, K, g.cout, rows, 1.f, a, K, dy + n0 * g.oh * g.ow * g.cout, g.cout, 0.f, out, g.cout, false, 0);
  });
  for (long t = 1; t < chunks; ++t) {
    const float* p = partial.data() + (t - 1) * kn;
    for (size_t i = 0; i < kn; ++i) df[i] += p[i];
  }
}

}  // namespace basin
