#include "client-lib/web/urlencoded.h"

#include <boost/url/parse.hpp>
#include <optional>

namespace brevis::web {

namespace urls = boost::urls;

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// What may stand unescaped in a query or form body (RFC 3986's query
// characters); a browser escapes everything else, so anything else is a
// malformed request.
bool AllowedRaw(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
      (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("-._~!$&'()*+,;=:@/?").find(c) !=
         std::string_view::npos;
}

// One name or value: '+' is a space, %XX a byte. nullopt when malformed.
std::optional<std::string> DecodeComponent(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (text.size() - i < 3) return std::nullopt;
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      decoded.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+') {
      decoded.push_back(' ');
    } else if (AllowedRaw(c)) {
      decoded.push_back(c);
    } else {
      return std::nullopt;
    }
  }
  return decoded;
}

}  // namespace

// Our own decoding, not Boost.URL's: Debian 12's Boost.URL 1.81
// (pct_string_view::decode with encoding_opts) returned values with stray
// bytes after them on this build ("brv_...vw" came back as "brv_...vw3c"),
// which broke sign-in links at random in the browser tests. Boost.URL
// still checks and splits the request target (DecodeTarget).
bool DecodeUrlencoded(std::string_view text, Params& out) {
  Params decoded;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view pair = text.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;  // "a=1&&b=2", or a trailing '&'
    size_t equals = pair.find('=');
    std::optional<std::string> name = DecodeComponent(pair.substr(0, equals));
    std::optional<std::string> value = DecodeComponent(
        equals == std::string_view::npos ? std::string_view()
                                         : pair.substr(equals + 1));
    if (!name || !value) return false;
    decoded.emplace_back(*std::move(name), *std::move(value));
  }
  out.insert(out.end(), std::make_move_iterator(decoded.begin()),
             std::make_move_iterator(decoded.end()));
  return true;
}

bool DecodeTarget(std::string_view target, std::string& path, Params& query) {
  auto url =
      urls::parse_origin_form(urls::string_view(target.data(), target.size()));
  if (!url) return false;
  // In a path '+' is a plus sign: decoded without space_as_plus.
  std::string decoded_path = url->path();
  Params decoded_query;
  if (url->has_query()) {
    urls::pct_string_view encoded = url->encoded_query();
    if (!DecodeUrlencoded(std::string_view(encoded.data(), encoded.size()),
                          decoded_query)) {
      return false;
    }
  }
  path = std::move(decoded_path);
  query.insert(query.end(), std::make_move_iterator(decoded_query.begin()),
               std::make_move_iterator(decoded_query.end()));
  return true;
}

}  // namespace brevis::web
