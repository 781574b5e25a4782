// Element-wise kernels for the training step around the convolutions: binary arithmetic with the broadcasts the
// models use, ReLU / step, and sums over one axis of a [A, B, C] view with float64 accumulation. They are
// memory-bound, so they are written as plain loops the compiler vectorises (one build for every ISA) and split
// between the pool's threads in chunks that fit in L2.
#include <algorithm>
#include <atomic>
#include <vector>

#include "ops.h"
#include "pool.h"

namespace basin {

namespace {

constexpr long kGrain = 1L << 14;     // elements per work item (64 KiB of float32 in, 64 KiB out)
constexpr long kSerialBelow = 1L << 15;  // smaller tensors run on the calling thread: waking a worker costs more

// Element-wise ops hand out kGrain-element chunks, on the pool above kSerialBelow elements.
template <typename F>
void parallel_chunks(long n, long grain, F&& f) {
  basin::parallel_chunks(n, grain, kSerialBelow, static_cast<F&&>(f));
}

// One segment of a binary op: each operand is a vector (stride 1) or one value repeated.
template <typename Op>
void segment(Op op, const float* a, bool av, const float* b, bool bv, float* out, long len) {
  if (av && bv)
    for (long i = 0; i < len; ++i) out[i] = op(a[i], b[i]);
  else if (av) {
    const float y = *b;
    for (long i = 0; i < len; ++i) out[i] = op(a[i], y);
  } else if (bv) {
    const float x = *a;
    for (long i = 0; i < len; ++i) out[i] = op(x, b[i]);
  } else {
    const float v = op(*a, *b);
    for (long i = 0; i < len; ++i) out[i] = v;
  }
}

template <typename Op>
void binary(Op op, const float* a, Bcast am, const float* b, Bcast bm, float* out, long outer, long inner) {
  // Operand pointer and "is a vector" for row r, columns from c.
  auto at = [&](const float* p, Bcast m, long r, long c, bool& vec) -> const float* {
    switch (m) {
      case Bcast::Full:
        vec = true;
        return p + r * inner + c;
      case Bcast::Row:
        vec = true;
        return p + c;
      case Bcast::Column:
        vec = false;
        return p + r;
      default:
        vec = false;
        return p;
    }
  };
  parallel_chunks(outer * inner, kGrain, [&](long s, long e) {
    while (s < e) {
      const long r = s / inner, c = s % inner, len = std::min(e - s, inner - c);
      bool av, bv;
      const float* pa = at(a, am, r, c, av);
      const float* pb = at(b, bm, r, c, bv);
      segment(op, pa, av, pb, bv, out + s, len);
      s += len;
    }
  });
}

}  // namespace

void binary_f32(BinOp op, const float* a, Bcast am, const float* b, Bcast bm, float* out, long outer, long inner) {
  switch (op) {
    case BinOp::Add:
      return binary([](float x, float y) { return x + y; }, a, am, b, bm, out, outer, inner);
    case BinOp::Sub:
      return binary([](float x, float y) { return x - y; }, a, am, b, bm, out, outer, inner);
    case BinOp::Mul:
      return binary([](float x, float y) { return x * y; }, a, am, b, bm, out, outer, inner);
    case BinOp::Div:
      return binary([](float x, float y) { return x / y; }, a, am, b, bm, out, outer, inner);
  }
}

namespace {

// Plain loops over restrict pointers (TF.js never writes a kernel's output over its input): the compiler
// vectorises both without a runtime alias check. With a branchy NaN test the step loop was 30x slower.
void relu_span(const float* __restrict x, float* __restrict out, long n) {
  for (long i = 0; i < n; ++i) {  // as TF.js' cpu backend: NaN stays NaN, -0 becomes 0
    const float v = x[i];
    const float r = v > 0.0f ? v : 0.0f;
    out[i] = v == v ? r : v;
  }
}

// step: 1 where x > 0, alpha elsewhere, NaN stays NaN. Written as selects on the comparison masks.
void step_span(const float* __restrict x, float* __restrict out, long n, float alpha) {
  for (long i = 0; i < n; ++i) {
    const float v = x[i];
    const float r = v > 0.0f ? 1.0f : alpha;
    out[i] = v == v ? r : v;
  }
}

}  // namespace

void unary_f32(UnOp op, const float* x, float* out, long n, float alpha) {
  parallel_chunks(n, kGrain, [=](long s, long e) {
    if (op == UnOp::Relu)
      relu_span(x + s, out + s, e - s);
    else
      step_span(x + s, out + s, e - s, alpha);
  });
}

void relu_grad_f32(const float* dy, const float* x, float* out, long n) {
  parallel_chunks(n, kGrain, [=](long s, long e) {
    const float* __restrict d = dy + s;
    const float* __restrict v = x + s;
    float* __restrict o = out + s;
    for (long i = 0; i < e - s; ++i) {  // dy · step(x), as TF.js' Relu gradient computes it (NaN and -0 included)
      const float st = v[i] > 0.0f ? 1.0f : 0.0f;
      o[i] = d[i] * (v[i] == v[i] ? st : v[i]);
    }
  });
}

void reduce_sum_f32(const float* x, float* out, long A, long B, long C, double scale) {
  const int nt = pool().size();
  const long total = A * B * C;
  if (A * C == 0) return;
  if (B == 0) {
    std::fill(out, out + A * C, 0.0f);
    return;
  }
  if (C == 1) {
    // Contiguous runs of B: several independent float64 accumulators per run.
    auto run = [&](const float* p, long len) {
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      long i = 0;
      for (; i + 8 <= len; i += 8) {
        s0 += p[i], s1 += p[i + 1], s2 += p[i + 2], s3 += p[i + 3];
        s4 += p[i + 4], s5 += p[i + 5], s6 += p[i + 6], s7 += p[i + 7];
      }
      for (; i < len; ++i) s0 += p[i];
      return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    };
    if (A >= 2L * nt || total < kSerialBelow) {
      parallel_chunks(A, std::max(1L, kGrain / std::max(1L, B)), [&](long s, long e) {
        for (long a = s; a < e; ++a) out[a] = static_cast<float>(run(x + a * B, B) * scale);
      });
      return;
    }
    // Few long runs: split each run between the threads, then add the partial sums in a fixed order.
    const long chunks = (B + kGrain - 1) / kGrain;
    std::vector<double> part(static_cast<size_t>(A * chunks));
    parallel_chunks(A * chunks, 1, [&](long s, long e) {
      for (long j = s; j < e; ++j) {
        const long a = j / chunks, c = j % chunks, b0 = c * kGrain;
        part[j] = run(x + a * B + b0, std::min(B, b0 + kGrain) - b0);
      }
    });
    for (long a = 0; a < A; ++a) {
      double s = 0;
      for (long c = 0; c < chunks; ++c) s += part[a * chunks + c];
      out[a] = static_cast<float>(s * scale);
    }
    return;
  }
  // C > 1: add rows of C values. Each work item is a block of B rows for one a, with its own float64 partials.
  const long rowsPer = std::max(1L, kGrain / C);
  const long blocks = (B + rowsPer - 1) / rowsPer;
  std::vector<double> part(static_cast<size_t>(A * blocks * C));
  parallel_chunks(A * blocks, 1, [&](long s, long e) {
    for (long j = s; j < e; ++j) {
      const long a = j / blocks, b0 = (j % blocks) * rowsPer, b1 = std::min(B, b0 + rowsPer);
      double* acc = part.data() + j * C;
      std::fill(acc, acc + C, 0.0);
      for (long b = b0; b < b1; ++b) {
        const float* row = x + (a * B + b) * C;
        for (long c = 0; c < C; ++c) acc[c] += row[c];
      }
    }
  });
  for (long a = 0; a < A; ++a)
    for (long c = 0; c < C; ++c) {
      double s = 0;
      for (long k = 0; k < blocks; ++k) s += part[(a * blocks + k) * C + c];
      out[a * C + c] = static_cast<float>(s * scale);
    }
}

}  // namespace basin
