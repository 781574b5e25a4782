// A persistent pool of worker threads: run(f) calls f(thread index, thread count) on the caller (thread 0) and on
// the workers that join before the caller is done with f, and returns when those are done too. f must hand out its
// work dynamically (an atomic counter), so that any subset of threads finishes it: a worker that wakes late — the
// machine is oversubscribed, the wasm backend's own worker spins on the other core — finds the job closed and skips
// it, instead of the caller waiting a scheduler tick for it. Workers and the caller spin only briefly (~20 µs)
// before sleeping on a condition variable. Calls from a second JS thread while a job runs (worker_threads) execute
// serially on their own thread rather than wait.
#pragma once
#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace basin {

class Pool {
 public:
  explicit Pool(int n);
  int size() const { return n_; }
  void run(const std::function<void(int, int)>& f);  // f(thread index, thread count)

 private:
  void worker(int id);
  int n_;
  std::vector<std::thread> threads_;
  const std::function<void(int, int)>* job_ = nullptr;
  std::atomic<unsigned> gen_{0};
  std::atomic<uint64_t> state_{0};  // generation, closed flag and joined-worker count of the current job
  std::mutex m_;
  std::condition_variable cv_;
  std::mutex done_m_;
  std::condition_variable done_cv_;
  std::mutex busy_;
};

Pool& pool();
int set_pool_threads(int n);  // replaces the pool (idle only); returns the thread count

// Calls f(begin, end) over [0, n) in chunks of `grain`, on the pool's threads when n ≥ serialBelow (below it,
// waking a worker costs more than it saves).
template <typename F>
void parallel_chunks(long n, long grain, long serialBelow, F&& f) {
  if (n <= 0) return;
  if (n < serialBelow || pool().size() == 1) {
    f(0L, n);
    return;
  }
  std::atomic<long> next{0};
  pool().run([&](int, int) {
    for (long s = next.fetch_add(grain); s < n; s = next.fetch_add(grain)) f(s, s + grain < n ? s + grain : n);
  });
}

}  // namespace basin
