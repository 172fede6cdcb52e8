#include "client-lib/web/urlencoded.h"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>

namespace brevis::web {

namespace urls = boost::urls;

bool DecodeUrlencoded(std::string_view text, Params& out) {
  // params_encoded_view and its pct_string_views point into `text`; each
  // key and value is decoded into a std::string of its own here, before
  // anything else happens, so no view outlives the buffer it reads.
  auto params = urls::parse_query(urls::string_view(text.data(), text.size()));
  if (!params) return false;
  urls::encoding_opts form;
  form.space_as_plus = true;  // application/x-www-form-urlencoded
  Params decoded;
  for (const urls::param_pct_view& param : *params) {
    if (param.key.empty() && !param.has_value) continue;  // "&&"
    decoded.emplace_back(param.key.decode(form), param.value.decode(form));
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
