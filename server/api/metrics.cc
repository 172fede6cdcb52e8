#include "server/api/metrics.h"

#include <cstdio>

namespace brevis::api {
namespace {

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

// Label values are method names and codes, but escape anyway.
std::string Label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

void Metrics::RecordRpc(std::string_view method, std::string_view code,
                        absl::Duration latency) {
  double seconds = absl::ToDoubleSeconds(latency);
  absl::MutexLock lock(&mu_);
  ++requests_[{std::string(method), std::string(code)}];
  Histogram& histogram = latency_[std::string(method)];
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) ++histogram.buckets[i];
  }
  ++histogram.count;
  histogram.sum += seconds;
}

void Metrics::AddGauge(std::string name, std::string help,
                       std::function<double()> read) {
  absl::MutexLock lock(&mu_);
  gauges_.push_back(
      {std::move(name), std::move(help), std::move(read), "gauge"});
}

void Metrics::AddCounter(std::string name, std::string help,
                         std::function<double()> read) {
  absl::MutexLock lock(&mu_);
  gauges_.push_back(
      {std::move(name), std::move(help), std::move(read), "counter"});
}

std::string Metrics::Render() const {
  std::string out;
  absl::MutexLock lock(&mu_);
  out +=
      "# HELP brevis_rpc_requests_total RPCs finished, by method and status "
      "code.\n# TYPE brevis_rpc_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out += "brevis_rpc_requests_total{method=\"" + Label(key.first) +
           "\",code=\"" + Label(key.second) + "\"} " + std::to_string(count) +
           "\n";
  }
  out +=
      "# HELP brevis_rpc_duration_seconds Time from a call's arrival in its "
      "handler to its answer.\n# TYPE brevis_rpc_duration_seconds "
      "histogram\n";
  for (const auto& [method, histogram] : latency_) {
    std::string labels = "method=\"" + Label(method) + "\"";
    for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      out += "brevis_rpc_duration_seconds_bucket{" + labels + ",le=\"" +
             Number(kLatencyBuckets[i]) + "\"} " +
             std::to_string(histogram.buckets[i]) + "\n";
    }
    out += "brevis_rpc_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(histogram.count) + "\n";
    out += "brevis_rpc_duration_seconds_sum{" + labels + "} " +
           Number(histogram.sum) + "\n";
    out += "brevis_rpc_duration_seconds_count{" + labels + "} " +
           std::to_string(histogram.count) + "\n";
  }
  out +=
      "# HELP brevis_auth_failures_total Calls refused for missing or invalid "
      "credentials.\n# TYPE brevis_auth_failures_total counter\n"
      "brevis_auth_failures_total " +
      std::to_string(auth_failures_.load()) + "\n";
  for (const Gauge& gauge : gauges_) {
    out += "# HELP " + gauge.name + " " + gauge.help + "\n# TYPE " +
           gauge.name + " " + gauge.type + "\n" + gauge.name + " " +
           Number(gauge.read()) + "\n";
  }
  return out;
}

}  // namespace brevis::api
