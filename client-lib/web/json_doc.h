#ifndef BREVIS_CLIENT_LIB_WEB_JSON_DOC_H_
#define BREVIS_CLIENT_LIB_WEB_JSON_DOC_H_

// A parsed JSON document (jansson) that frees itself, and the one way the
// OpenID Connect code reads JSON from the network: a whole object, at most
// as large as the HTTPS client reads, or nothing. Stateless; thread-safe.

#include <jansson.h>

#include <memory>
#include <string>
#include <string_view>

namespace brevis::web {

struct JsonDecref {
  void operator()(json_t* json) const { json_decref(json); }
};
using JsonDoc = std::unique_ptr<json_t, JsonDecref>;

// The JSON object `text` spells, or null when it is not JSON or not an
// object (then `why`, if given, says what jansson found).
inline JsonDoc ParseJsonObject(std::string_view text,
                               std::string* why = nullptr) {
  json_error_t error;
  JsonDoc doc(
      json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES, &error));
  if (doc != nullptr && !json_is_object(doc.get())) doc.reset();
  if (doc == nullptr && why != nullptr) {
    *why = error.text[0] != '\0' ? error.text : "not a JSON object";
  }
  return doc;
}

// The string member `key` of `object`, or "" when absent or not a string.
inline std::string JsonString(const json_t* object, const char* key) {
  const char* value = json_string_value(json_object_get(object, key));
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace brevis::web

#endif  // BREVIS_CLIENT_LIB_WEB_JSON_DOC_H_
