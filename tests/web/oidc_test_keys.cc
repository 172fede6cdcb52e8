#include "tests/web/oidc_test_keys.h"

#include <cjose/jws.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <stdexcept>

#include "client-lib/web/json_doc.h"
#include "client-lib/web/oidc_flow.h"

namespace brevis::web::testing {
namespace {

std::vector<uint8_t> BigNum(EVP_PKEY* pkey, const char* name, int pad = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) {
    throw std::runtime_error(std::string("no key parameter ") + name);
  }
  std::vector<uint8_t> out(pad > 0 ? pad : BN_num_bytes(bn));
  if (pad > 0) {
    BN_bn2binpad(bn, out.data(), pad);
  } else {
    BN_bn2bin(bn, out.data());
  }
  BN_free(bn);
  return out;
}

std::shared_ptr<cjose_jwk_t> Own(cjose_jwk_t* jwk, const std::string& kid) {
  if (jwk == nullptr) throw std::runtime_error("cjose refused the key");
  cjose_err err;
  cjose_jwk_set_kid(jwk, kid.data(), kid.size(), &err);
  return std::shared_ptr<cjose_jwk_t>(
      jwk, [](cjose_jwk_t* k) { cjose_jwk_release(k); });
}

std::string Dump(const json_t* json) {
  char* text = json_dumps(json, JSON_COMPACT);
  std::string out(text);
  free(text);
  return out;
}

}  // namespace

std::string MergeJson(const std::string& base, const std::string& over) {
  JsonDoc out = ParseJsonObject(base);
  JsonDoc add = ParseJsonObject(over);
  if (out == nullptr || add == nullptr) throw std::runtime_error("bad JSON");
  const char* key;
  json_t* value;
  json_object_foreach(add.get(), key, value) {
    if (json_is_null(value)) {
      json_object_del(out.get(), key);
    } else {
      json_object_set(out.get(), key, value);
    }
  }
  return Dump(out.get());
}

TestKey TestKey::Rsa(const std::string& kid, int bits) {
  TestKey key;
  key.kid_ = kid;
  key.alg_ = "RS256";
  key.pkey_.reset(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)),
      EVP_PKEY_free);
  EVP_PKEY* p = key.pkey_.get();
  std::vector<uint8_t> n = BigNum(p, OSSL_PKEY_PARAM_RSA_N),
                       e = BigNum(p, OSSL_PKEY_PARAM_RSA_E),
                       d = BigNum(p, OSSL_PKEY_PARAM_RSA_D),
                       p1 = BigNum(p, OSSL_PKEY_PARAM_RSA_FACTOR1),
                       q1 = BigNum(p, OSSL_PKEY_PARAM_RSA_FACTOR2),
                       dp = BigNum(p, OSSL_PKEY_PARAM_RSA_EXPONENT1),
                       dq = BigNum(p, OSSL_PKEY_PARAM_RSA_EXPONENT2),
                       qi = BigNum(p, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
  cjose_jwk_rsa_keyspec spec{e.data(),  e.size(),  n.data(),  n.size(),
                             d.data(),  d.size(),  p1.data(), p1.size(),
                             q1.data(), q1.size(), dp.data(), dp.size(),
                             dq.data(), dq.size(), qi.data(), qi.size()};
  cjose_err err;
  key.jwk_ = Own(cjose_jwk_create_RSA_spec(&spec, &err), kid);
  return key;
}

TestKey TestKey::Ec(const std::string& kid) {
  TestKey key;
  key.kid_ = kid;
  key.alg_ = "ES256";
  key.pkey_.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"),
                  EVP_PKEY_free);
  EVP_PKEY* p = key.pkey_.get();
  std::vector<uint8_t> d = BigNum(p, OSSL_PKEY_PARAM_PRIV_KEY, 32),
                       x = BigNum(p, OSSL_PKEY_PARAM_EC_PUB_X, 32),
                       y = BigNum(p, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
  cjose_jwk_ec_keyspec spec{CJOSE_JWK_EC_P_256, d.data(), d.size(), x.data(),
                            x.size(),           y.data(), y.size()};
  cjose_err err;
  key.jwk_ = Own(cjose_jwk_create_EC_spec(&spec, &err), kid);
  return key;
}

std::string TestKey::PublicJwk(const std::string& extra) const {
  cjose_err err;
  char* json = cjose_jwk_to_json(jwk_.get(), false, &err);
  std::string out = MergeJson(json, extra);
  free(json);
  return out;
}

std::string TestKey::PublicPem() const {
  std::unique_ptr<BIO, void (*)(BIO*)> bio(BIO_new(BIO_s_mem()), BIO_free_all);
  PEM_write_bio_PUBKEY(bio.get(), pkey_.get());
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

std::string TestKey::Sign(const std::string& claims,
                          const std::string& header) const {
  std::string full =
      MergeJson(Dump(JsonDoc(json_pack("{s:s, s:s}", "alg", alg_.c_str(), "kid",
                                       kid_.c_str()))
                         .get()),
                header);
  JsonDoc hdr = ParseJsonObject(full);
  cjose_err err;
  std::unique_ptr<cjose_jws_t, void (*)(cjose_jws_t*)> jws(
      cjose_jws_sign(jwk_.get(), hdr.get(),
                     reinterpret_cast<const uint8_t*>(claims.data()),
                     claims.size(), &err),
      cjose_jws_release);
  if (jws == nullptr) throw std::runtime_error(err.message);
  const char* compact = nullptr;
  cjose_jws_export(jws.get(), &compact, &err);
  return compact;
}

std::string JwkSetJson(const std::vector<std::string>& jwks) {
  std::string out = "{\"keys\":[";
  for (size_t i = 0; i < jwks.size(); ++i) {
    out += (i == 0 ? "" : ",") + jwks[i];
  }
  return out + "]}";
}

std::string Compact(const std::string& header, const std::string& claims,
                    const std::string& signature) {
  return Base64Url(header) + "." + Base64Url(claims) + "." +
         Base64Url(signature);
}

std::string HmacToken(const std::string& header, const std::string& claims,
                      const std::string& secret) {
  std::string input = Base64Url(header) + "." + Base64Url(claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
       &length);
  return input + "." +
         Base64Url(std::string(reinterpret_cast<char*>(mac), length));
}

}  // namespace brevis::web::testing
