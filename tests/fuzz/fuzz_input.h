#ifndef BREVIS_TESTS_FUZZ_FUZZ_INPUT_H_
#define BREVIS_TESTS_FUZZ_FUZZ_INPUT_H_

// What the harnesses share: the libFuzzer entry point and a check that,
// unlike assert, stays on in release builds.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace brevis::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Splits the input at the first NUL: two strings from one input.
inline std::pair<std::string_view, std::string_view> SplitAtNul(
    std::string_view input) {
  size_t nul = input.find('\0');
  if (nul == std::string_view::npos) return {input, {}};
  return {input.substr(0, nul), input.substr(nul + 1)};
}

// A property every input must keep; a broken one aborts, which the fuzzer
// and the corpus replay both report as a failure.
#define BREVIS_FUZZ_CHECK(condition)                                        \
  do {                                                                      \
    if (!(condition)) {                                                     \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                   #condition);                                             \
      std::abort();                                                         \
    }                                                                       \
  } while (false)

}  // namespace brevis::fuzz

#endif  // BREVIS_TESTS_FUZZ_FUZZ_INPUT_H_
