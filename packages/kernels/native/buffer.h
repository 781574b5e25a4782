// A growable, 64-byte-aligned scratch buffer (it never shrinks; freed with its owner). Shared by the GEMM's
// packing buffers and the convolutions' padded images and partial sums.
#pragma once
#include <cstddef>
#include <cstdlib>

namespace basin {

struct AlignedBuf {
  void* p = nullptr;
  size_t bytes = 0;
  AlignedBuf() = default;
  AlignedBuf(const AlignedBuf&) = delete;
  AlignedBuf& operator=(const AlignedBuf&) = delete;
  ~AlignedBuf() { std::free(p); }
  // At least `need` bytes; the old contents are not kept when it grows.
  void* get(size_t need) {
    if (need > bytes) {
      std::free(p);
      bytes = (need + 4095) & ~size_t(4095);
      p = std::aligned_alloc(64, bytes);
    }
    return p;
  }
  template <typename T>
  T* of(size_t count) {
    return static_cast<T*>(get(count * sizeof(T)));
  }
};

}  // namespace basin
