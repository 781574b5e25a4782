// A persistent pool of worker threads: run(f) calls f(0..n-1) with the caller as thread 0 and returns when all
// are done. Workers and the caller spin only briefly (~20 µs) before sleeping on a condition variable, so an
// oversubscribed machine (other processes, wasm worker threads) is not made worse by busy-waiting; callers hand out
// work dynamically (an atomic counter), so a thread that is descheduled delays nobody. Calls from a second JS thread while a job runs
// (worker_threads) execute serially on their own thread rather than wait.
#pragma once
#include <atomic>
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
  std::atomic<int> pending_{0};
  std::mutex m_;
  std::condition_variable cv_;
  std::mutex done_m_;
  std::condition_variable done_cv_;
  std::mutex busy_;
};

Pool& pool();
int set_pool_threads(int n);  // replaces the pool (idle only); returns the thread count

}  // namespace basin
