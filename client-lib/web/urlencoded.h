#ifndef BREVIS_CLIENT_LIB_WEB_URLENCODED_H_
#define BREVIS_CLIENT_LIB_WEB_URLENCODED_H_

// Decoding of application/x-www-form-urlencoded text (form bodies and
// query strings), and of a request target with Boost.URL. Stateless; the
// results own their bytes (nothing returned points into the input).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace brevis::web {

using Params = std::vector<std::pair<std::string, std::string>>;

// Appends the name=value pairs of `text` (joined by '&') to `out`, in
// order, decoded: '+' is a space, %XX a byte (so %2B is '+'; UTF-8 comes
// as its bytes' escapes). A name may repeat (checkbox groups); a pair
// without '=' has an empty value; empty pairs ("a=1&&b=2") are skipped.
// False, with `out` unchanged, when `text` is not valid urlencoding (a '%'
// without two hex digits, a raw space or other character a browser always
// escapes): the caller answers 400.
bool DecodeUrlencoded(std::string_view text, Params& out);

// Splits an origin-form request target ("/audits/a1?x=y", RFC 9112 3.2.1)
// into its percent-decoded path and its decoded query. False when the
// target is not origin-form or its query is not valid urlencoding.
bool DecodeTarget(std::string_view target, std::string& path, Params& query);

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_URLENCODED_H_
