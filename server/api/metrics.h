#ifndef BREVIS_SERVER_API_METRICS_H_
#define BREVIS_SERVER_API_METRICS_H_

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace brevis::api {

// brevisd's counters, histograms and gauges, rendered in the Prometheus text
// format (version 0.0.4). Thread-safe; recording is a short critical
// section per call.
class Metrics {
 public:
  // Upper bounds, in seconds, of the latency histogram's buckets.
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  // One finished RPC: counted by method and status code, timed by method.
  void RecordRpc(std::string_view method, std::string_view code,
                 absl::Duration latency) ABSL_LOCKS_EXCLUDED(mu_);
  void RecordAuthFailure() { auth_failures_.fetch_add(1); }

  // A gauge read at scrape time (database size, queue depth, ...).
  void AddGauge(std::string name, std::string help,
                std::function<double()> read) ABSL_LOCKS_EXCLUDED(mu_);
  // A counter kept elsewhere, read at scrape time.
  void AddCounter(std::string name, std::string help,
                  std::function<double()> read) ABSL_LOCKS_EXCLUDED(mu_);

  // Everything, in the Prometheus text exposition format.
  std::string Render() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Histogram {
    std::array<uint64_t, kLatencyBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
    const char* type;  // "gauge" or "counter"
  };

  mutable absl::Mutex mu_;
  std::map<std::pair<std::string, std::string>, uint64_t> requests_
      ABSL_GUARDED_BY(mu_);
  std::map<std::string, Histogram> latency_ ABSL_GUARDED_BY(mu_);
  std::vector<Gauge> gauges_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> auth_failures_{0};
};

}  // namespace brevis::api

#endif  // BREVIS_SERVER_API_METRICS_H_
