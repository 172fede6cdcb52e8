// Page-token decoding. The input is a scope and a token, split at the
// first NUL. Properties: decoding never crashes, a token round-trips on its
// own list, and no token of one list is accepted on another.

#include <string>

#include "server/auth/page_token.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace brevis;  // NOLINT: a harness, not library code
  static const auth::PageTokenCodec codec(std::string(32, 'k'));
  auto [scope, token] = fuzz::SplitAtNul(fuzz::AsText(data, size));

  absl::StatusOr<int64_t> position = codec.Decode(scope, token);
  if (token.empty()) BREVIS_FUZZ_CHECK(position.ok() && *position == 0);
  if (!position.ok()) {
    BREVIS_FUZZ_CHECK(position.status().code() ==
                      absl::StatusCode::kInvalidArgument);
  }

  // A position made of the token's first bytes, signed for this scope.
  int64_t after = 0;
  for (size_t i = 0; i < token.size() && i < 8; ++i) {
    after = (after << 8) | static_cast<unsigned char>(token[i]);
  }
  std::string issued = codec.Encode(scope, after);
  absl::StatusOr<int64_t> back = codec.Decode(scope, issued);
  BREVIS_FUZZ_CHECK(back.ok() && *back == after);
  std::string other_scope = std::string(scope) + "/other";
  BREVIS_FUZZ_CHECK(!codec.Decode(other_scope, issued).ok());
  // Every altered token is refused: one flipped bit anywhere.
  if (!issued.empty()) {
    std::string altered = issued;
    size_t at = size % altered.size();
    altered[at] = altered[at] == 'A' ? 'B' : 'A';
    absl::StatusOr<int64_t> forged = codec.Decode(scope, altered);
    BREVIS_FUZZ_CHECK(!forged.ok() || *forged == after);
  }
  return 0;
}
