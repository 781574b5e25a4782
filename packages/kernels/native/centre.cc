// Centring for CKA: rows of float32/float64 features widened to float64 minus the column means, and float64
// column sums. Memory-bound loops the compiler vectorises, split between the pool's threads by rows.
#include <algorithm>
#include <vector>

#include "ops.h"
#include "pool.h"

namespace basin {

namespace {

template <typename S>
void centre_rows(const S* src, long srcStride, long rows, long cols, const double* mean, double* out, long outStride) {
  const long grain = std::max<long>(1, 16384 / std::max<long>(1, cols));
  parallel_chunks(rows, grain, std::max<long>(1, 65536 / std::max<long>(1, cols)), [&](long r0, long r1) {
    for (long r = r0; r < r1; ++r) {
      const S* __restrict s = src + r * srcStride;
      double* __restrict o = out + r * outStride;
      const double* __restrict m = mean;
      for (long c = 0; c < cols; ++c) o[c] = static_cast<double>(s[c]) - m[c];
    }
  });
}

// Partial sums per block of rows (at most 64 blocks; the block size depends on `rows` only), added in block
// order: the result is the same whatever the thread count.
template <typename S>
void column_sums(const S* src, long rows, long cols, double* out) {
  const long block = std::max<long>(128, (rows + 63) / 64);
  const long blocks = (rows + block - 1) / block;
  std::vector<double> part(static_cast<size_t>(blocks * cols), 0.0);
  parallel_chunks(blocks, 1, 2, [&](long b0, long b1) {
    for (long b = b0; b < b1; ++b) {
      double* __restrict acc = part.data() + b * cols;
      for (long r = b * block; r < std::min(rows, (b + 1) * block); ++r) {
        const S* __restrict s = src + r * cols;
        for (long c = 0; c < cols; ++c) acc[c] += static_cast<double>(s[c]);
      }
    }
  });
  std::fill(out, out + cols, 0.0);
  for (long b = 0; b < blocks; ++b)
    for (long c = 0; c < cols; ++c) out[c] += part[b * cols + c];
}

}  // namespace

void centre_f32(const float* src, long srcStride, long rows, long cols, const double* mean, double* out,
                long outStride) {
  centre_rows(src, srcStride, rows, cols, mean, out, outStride);
}
void centre_f64(const double* src, long srcStride, long rows, long cols, const double* mean, double* out,
                long outStride) {
  centre_rows(src, srcStride, rows, cols, mean, out, outStride);
}
void column_sums_f32(const float* src, long rows, long cols, double* out) { column_sums(src, rows, cols, out); }
void column_sums_f64(const double* src, long rows, long cols, double* out) { column_sums(src, rows, cols, out); }

}  // namespace basin
