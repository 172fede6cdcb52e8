#include "client-lib/web/jwk_set.h"

#include <cjose/jwk.h>

#include "client-lib/web/cat.h"
#include "client-lib/web/json_doc.h"

namespace brevis::web {

absl::StatusOr<JwkSet> JwkSet::Parse(std::string_view json) {
  std::string why;
  JsonDoc root = ParseJsonObject(json, &why);
  if (root == nullptr) {
    return absl::InvalidArgumentError(Cat("JWK set: ", why));
  }
  json_t* keys = json_object_get(root.get(), "keys");
  if (!json_is_array(keys)) {
    return absl::InvalidArgumentError("JWK set: no \"keys\" array");
  }
  JwkSet set;
  size_t index;
  json_t* entry;
  json_array_foreach(keys, index, entry) {
    if (!json_is_object(entry)) continue;
    const char* use = json_string_value(json_object_get(entry, "use"));
    const char* kid = json_string_value(json_object_get(entry, "kid"));
    const char* kty = json_string_value(json_object_get(entry, "kty"));
    if ((use != nullptr && std::string_view(use) != "sig") || kid == nullptr ||
        kty == nullptr ||
        (std::string_view(kty) != "RSA" && std::string_view(kty) != "EC")) {
      continue;
    }
    cjose_err err;
    // cjose's header type is jansson's json_t; import takes no reference.
    cjose_jwk_t* jwk = cjose_jwk_import_json(entry, &err);
    if (jwk == nullptr) continue;  // a key cjose cannot read signs nothing
    Key key{std::shared_ptr<cjose_jwk_t>(
                jwk, [](cjose_jwk_t* k) { cjose_jwk_release(k); }),
            ""};
    if (const char* alg = json_string_value(json_object_get(entry, "alg"))) {
      key.alg = alg;
    }
    if (!set.keys_.emplace(kid, std::move(key)).second) {
      return absl::InvalidArgumentError(
          Cat("JWK set: kid '", kid, "' names two keys"));
    }
  }
  return set;
}

const JwkSet::Key* JwkSet::Find(std::string_view kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : &it->second;
}

}  // namespace brevis::web
