#ifndef BREVIS_TESTS_WEB_OIDC_FAKE_HTTPS_H_
#define BREVIS_TESTS_WEB_OIDC_FAKE_HTTPS_H_

// An OidcHttps that answers from a table instead of the network, and
// counts the requests per URL: for the provider's and the flow's unit
// tests. The end-to-end flows over real HTTPS are tests/oidc's. Thread-safe.

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "client-lib/web/oidc_https.h"

namespace brevis::web::testing {

class FakeHttps : public OidcHttps {
 public:
  struct Post {
    std::string form, user, password;
  };
  using Answer = std::function<absl::StatusOr<HttpsReply>(const Post&)>;

  // What a GET or POST of `url` answers from now on.
  void Serve(const std::string& url, long status, const std::string& body) {
    Answer answer = [status, body](const Post&) -> absl::StatusOr<HttpsReply> {
      return HttpsReply{status, body};
    };
    std::lock_guard<std::mutex> lock(mu_);
    answers_[url] = answer;
  }
  void Serve(const std::string& url, Answer answer) {
    std::lock_guard<std::mutex> lock(mu_);
    answers_[url] = std::move(answer);
  }
  // Every request to `url` fails as an unreachable host's does.
  void Down(const std::string& url) {
    Serve(url, [](const Post&) -> absl::StatusOr<HttpsReply> {
      return absl::UnavailableError("Connection refused");
    });
  }
  int count(const std::string& url) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = counts_.find(url);
    return it == counts_.end() ? 0 : it->second;
  }
  int total() const {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (const auto& [url, c] : counts_) n += c;
    return n;
  }

  absl::StatusOr<HttpsReply> Get(const std::string& url) override {
    return Call(url, Post{});
  }
  absl::StatusOr<HttpsReply> PostForm(const std::string& url,
                                      const std::string& form,
                                      const std::string& user,
                                      const std::string& password) override {
    return Call(url, Post{form, user, password});
  }

 private:
  absl::StatusOr<HttpsReply> Call(const std::string& url, const Post& post) {
    Answer answer;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++counts_[url];
      auto it = answers_.find(url);
      if (it == answers_.end()) return HttpsReply{404, "not found"};
      answer = it->second;
    }
    return answer(post);
  }

  mutable std::mutex mu_;
  std::map<std::string, Answer> answers_;
  std::map<std::string, int> counts_;
};

}  // namespace brevis::web::testing

#endif  // BREVIS_TESTS_WEB_OIDC_FAKE_HTTPS_H_
