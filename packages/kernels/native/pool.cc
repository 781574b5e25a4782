#include "pool.h"

#include <cstdlib>
#include <memory>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BASIN_PAUSE() _mm_pause()
#else
#define BASIN_PAUSE() std::this_thread::yield()
#endif

namespace basin {

namespace {
// state_: job generation in the high 32 bits, bit 31 "closed", workers inside the job in the low 31 bits.
constexpr uint64_t kClosed = 1ULL << 31;
constexpr uint64_t kCount = kClosed - 1;
inline uint32_t gen_of(uint64_t s) { return static_cast<uint32_t>(s >> 32); }
}  // namespace

Pool::Pool(int n) : n_(n < 1 ? 1 : n) {
  for (int i = 1; i < n_; ++i) {
    threads_.emplace_back([this, i] { worker(i); });
    threads_.back().detach();  // never joined: the pool lives as long as the process
  }
}

void Pool::worker(int id) {
  unsigned seen = 0;
  for (;;) {
    unsigned g = gen_.load(std::memory_order_acquire);
    for (int spin = 0; g == seen && spin < 1000; ++spin) {
      BASIN_PAUSE();
      g = gen_.load(std::memory_order_acquire);
    }
    if (g == seen) {
      std::unique_lock<std::mutex> lk(m_);
      cv_.wait(lk, [&] { return gen_.load(std::memory_order_acquire) != seen; });
      g = gen_.load(std::memory_order_acquire);
    }
    seen = g;
    // Join job g unless the caller already closed it (it finished every part while this thread was asleep or
    // descheduled): a late worker skips the job instead of making the caller wait for it.
    uint64_t s = state_.load(std::memory_order_acquire);
    bool joined = false;
    while (gen_of(s) == g && !(s & kClosed))
      if (state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel)) {
        joined = true;
        break;
      }
    if (!joined) continue;
    (*job_)(id, n_);
    s = state_.fetch_sub(1, std::memory_order_acq_rel) - 1;
    if ((s & kClosed) && (s & kCount) == 0) {
      std::lock_guard<std::mutex> lk(done_m_);
      done_cv_.notify_one();
    }
  }
}

void Pool::run(const std::function<void(int, int)>& f) {
  std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
  if (n_ == 1 || !busy.owns_lock()) {
    f(0, 1);
    return;
  }
  job_ = &f;
  const unsigned g = gen_.load(std::memory_order_relaxed) + 1;
  state_.store(static_cast<uint64_t>(g) << 32, std::memory_order_release);
  {
    std::lock_guard<std::mutex> lk(m_);
    gen_.store(g, std::memory_order_release);
  }
  cv_.notify_all();
  f(0, n_);
  // Close the job; then wait only for the workers inside it (they are running parts, so this is short).
  const uint64_t s = state_.fetch_or(kClosed, std::memory_order_acq_rel) | kClosed;
  if ((s & kCount) == 0) return;
  for (int spin = 0; spin < 1000 && (state_.load(std::memory_order_acquire) & kCount) != 0; ++spin) BASIN_PAUSE();
  if ((state_.load(std::memory_order_acquire) & kCount) != 0) {
    std::unique_lock<std::mutex> lk(done_m_);
    done_cv_.wait(lk, [&] { return (state_.load(std::memory_order_acquire) & kCount) == 0; });
  }
}

static int default_threads() {
  if (const char* s = std::getenv("BASIN_KERNELS_THREADS")) {
    const int v = std::atoi(s);
    if (v > 0) return v > 64 ? 64 : v;
  }
  const unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc > 16 ? 16 : hc);
}

static Pool* g_pool = nullptr;
static std::mutex g_pool_m;

Pool& pool() {
  std::lock_guard<std::mutex> lk(g_pool_m);
  if (!g_pool) g_pool = new Pool(default_threads());
  return *g_pool;
}

int set_pool_threads(int n) {
  std::lock_guard<std::mutex> lk(g_pool_m);
  // The old pool's workers stay asleep forever (detached); replacing it is for tests and benchmarks only.
  g_pool = new Pool(n < 1 ? 1 : (n > 64 ? 64 : n));
  return g_pool->size();
}

}  // namespace basin
