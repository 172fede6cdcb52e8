#ifndef BREVIS_CLIENT_PAGED_H_
#define BREVIS_CLIENT_PAGED_H_

// Paged<Item>: walks every page of a List call lazily, one page request at a
// time, as the caller asks for items. Not thread-safe: use one Paged from
// one thread at a time. It keeps the client's channel alive on its own.

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace brevis::client {

template <typename Item>
class Paged {
 public:
  struct Page {
    std::vector<Item> items;
    // Empty on the last page.
    std::string next_page_token;
  };
  // Fetches the page that `page_token` names ("" for the first).
  using FetchPage =
      std::function<absl::StatusOr<Page>(const std::string& page_token)>;

  explicit Paged(FetchPage fetch) : fetch_(std::move(fetch)) {}

  Paged(Paged&&) = default;
  Paged& operator=(Paged&&) = default;
  Paged(const Paged&) = delete;
  Paged& operator=(const Paged&) = delete;

  // Moves the next item into *item and returns true; fetches the next page
  // first when the current one is used up. Returns false at the end and on
  // an error; status() tells which. The failed call itself was retried as
  // the client's RetryOptions say; after an error the walk stays stopped.
  bool Next(Item* item) {
    while (position_ == page_.size()) {
      if (done_ || !status_.ok()) return false;
      if (!FetchNext()) return false;
    }
    *item = std::move(page_[position_++]);
    return true;
  }

  // OK unless a page request failed, or the server sent a page token it had
  // sent before (which would make the walk endless).
  const absl::Status& status() const { return status_; }

  // Page requests made so far.
  int pages_fetched() const { return pages_fetched_; }

 private:
  bool FetchNext() {
    absl::StatusOr<Page> page = fetch_(token_);
    ++pages_fetched_;
    if (!page.ok()) {
      status_ = page.status();
      return false;
    }
    page_ = std::move(page->items);
    position_ = 0;
    if (page->next_page_token.empty()) {
      done_ = true;
    } else if (page->next_page_token == token_) {
      status_ = absl::InternalError(
          "the server returned the page token it was given; stopped to "
          "avoid an endless walk");
      page_.clear();
      return false;
    }
    token_ = std::move(page->next_page_token);
    return true;
  }

  FetchPage fetch_;
  std::vector<Item> page_;
  size_t position_ = 0;
  std::string token_;
  bool done_ = false;
  int pages_fetched_ = 0;
  absl::Status status_;
};

}  // namespace brevis::client

#endif  // BREVIS_CLIENT_PAGED_H_
