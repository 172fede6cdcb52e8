#!/usr/bin/python3
"""The test OpenID provider (test_idp.py) on its own, against the specs the
relying-party tests take it for: Discovery 1.0 (the document), Core 1.0
(the code flow, ID token claims, the authorization request's errors), RFC
6749 (client authentication, token errors, single-use codes), RFC 7636
(PKCE S256), RP-Initiated Logout 1.0; and that each fault /control sets
does what the flow tests rely on, once. ID tokens are checked with
jwcrypto against the provider's published JWKS.

Run: test_idp_test.py (no arguments; the provider is started here).
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import shutil
import ssl
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "browser"))

import oidc_harness  # noqa: E402 pylint: disable=wrong-import-position
from jwcrypto import jwk, jws  # noqa: E402 pylint: disable=wrong-import-position

CLIENT = oidc_harness.CLIENT_ID
REDIRECT = "http://127.0.0.1:9/oidc/callback"
SIGNED_OUT = "http://127.0.0.1:9/signed-out"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parts(token):
    head, body, signature = token.split(".")
    return json.loads(unb64(head)), json.loads(unb64(body)), signature


def query(url):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


class TestIdP(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="test-idp-")
        cls.secret = secrets.token_hex(16)
        secret_file = os.path.join(cls.work, "secret")
        with open(secret_file, "w", encoding="utf-8") as out:
            out.write(cls.secret + "\n")
        cls.idp = oidc_harness.IdP(cls.work, secret_file, hang_seconds=20)
        cls.idp.register("http://127.0.0.1:9")

    @classmethod
    def tearDownClass(cls):
        code = cls.idp.stop()
        if code != 0:
            print(cls.idp.ending(), file=sys.stderr)
        cls.idp.log.close()
        shutil.rmtree(cls.work, ignore_errors=True)
        assert code == 0, f"test-idp exited {code} on SIGTERM"

    def setUp(self):
        self.idp.control(reset=True)
        self.agent = oidc_harness.Agent(self.idp.ca)

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result else 0
        result = super().run(result)
        if result and len(result.failures) + len(result.errors) > before:
            print("\n" + self.idp.ending(), file=sys.stderr)
        return result

    # ----- Helpers.

    def url(self, path, **params):
        return (self.idp.issuer + path +
                ("?" + urllib.parse.urlencode(params) if params else ""))

    def authorize_params(self, **overrides):
        self.verifier = secrets.token_urlsafe(48)
        params = {
            "response_type": "code", "client_id": CLIENT,
            "redirect_uri": REDIRECT, "scope": "openid", "state": "st-1",
            "nonce": "no-1", "code_challenge": b64url(hashlib.sha256(
                self.verifier.encode()).digest()),
            "code_challenge_method": "S256"}
        params.update(overrides)
        return {k: v for k, v in params.items() if v is not None}

    def code(self, subject="alice", **overrides):
        self.idp.control(subject=subject)
        response = self.agent.request(self.url(
            "/authorize", **self.authorize_params(**overrides)))
        self.assertEqual(response.status, 302, response)
        self.assertTrue(response.location().startswith(REDIRECT + "?"))
        values = query(response.location())
        self.assertEqual(values["state"], "st-1")
        return values["code"]

    def token_request(self, form, secret=None, client=CLIENT):
        credentials = base64.b64encode(
            f"{client}:{secret or self.secret}".encode()).decode()
        request = urllib.request.Request(
            self.url("/token"), data=urllib.parse.urlencode(form).encode(),
            headers={"Authorization": f"Basic {credentials}"})
        try:
            with self.agent.opener.open(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read()), answer.headers
        except urllib.error.HTTPError as answer:
            with answer:
                return answer.code, json.loads(answer.read()), answer.headers

    def redeem(self, code, **overrides):
        form = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": REDIRECT, "code_verifier": self.verifier}
        form.update(overrides)
        return self.token_request({k: v for k, v in form.items()
                                   if v is not None})

    def id_token(self, **fault):
        code = self.code()
        if fault:
            self.idp.control(**fault)
        status, body, _ = self.redeem(code)
        self.assertEqual(status, 200, body)
        return body

    def jwks(self):
        response = self.agent.request(self.url("/jwks"))
        self.assertEqual(response.status, 200)
        return jwk.JWKSet.from_json(response.body)

    def verify(self, token):
        """The claims, when the signature verifies with the published key
        its kid names under that key's alg; else raises."""
        header = parts(token)[0]
        key = self.jwks().get_key(header["kid"])
        self.assertIsNotNone(key, header)
        verifier = jws.JWS()
        verifier.deserialize(token)
        verifier.verify(key, alg=key["alg"])
        return json.loads(verifier.payload)

    # ----- Discovery and keys.

    def test_discovery_document(self):
        doc = json.loads(self.agent.request(
            self.url("/.well-known/openid-configuration")).body)
        self.assertEqual(doc["issuer"], self.idp.issuer)
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri",
                     "end_session_endpoint"):
            self.assertTrue(doc[name].startswith(self.idp.issuer + "/"), name)
        self.assertEqual(doc["response_types_supported"], ["code"])
        self.assertEqual(doc["code_challenge_methods_supported"], ["S256"])
        self.assertEqual(set(doc["id_token_signing_alg_values_supported"]),
                         {"RS256", "ES256"})
        self.assertEqual(doc["token_endpoint_auth_methods_supported"],
                         ["client_secret_basic"])
        self.assertIn("public", doc["subject_types_supported"])

    def test_jwks_has_public_keys_only(self):
        keys = json.loads(self.agent.request(self.url("/jwks")).body)["keys"]
        self.assertEqual({(k["kty"], k["alg"]) for k in keys},
                         {("RSA", "RS256"), ("EC", "ES256")})
        for key in keys:
            self.assertFalse({"d", "p", "q", "dp", "dq", "qi"} & set(key), key)
            self.assertEqual(key["use"], "sig")
        self.assertEqual(len({k["kid"] for k in keys}), 2)

    def test_tls_only_with_its_own_ca(self):
        with self.assertRaises(urllib.error.URLError) as raised:
            urllib.request.urlopen(self.url("/jwks"), timeout=10,
                                   context=ssl.create_default_context())
        self.assertIsInstance(raised.exception.reason, ssl.SSLError)

    # ----- The code flow.

    def test_code_flow_gives_a_verifiable_id_token(self):
        for alg in ("RS256", "ES256"):
            with self.subTest(alg=alg):
                before = time.time()
                body = self.id_token(alg=alg)
                self.assertEqual(body["token_type"], "Bearer")
                self.assertTrue(body["access_token"])
                header = parts(body["id_token"])[0]
                self.assertEqual(header["alg"], alg)
                claims = self.verify(body["id_token"])
                self.assertEqual(claims["iss"], self.idp.issuer)
                self.assertEqual(claims["sub"], "alice")
                self.assertEqual(claims["aud"], CLIENT)
                self.assertEqual(claims["nonce"], "no-1")
                self.assertGreaterEqual(claims["iat"], int(before) - 1)
                self.assertGreater(claims["exp"], time.time())
                digest = hashlib.sha256(body["access_token"].encode()).digest()
                self.assertEqual(claims["at_hash"], b64url(digest[:16]))
                self.assertNotIn("acr", claims)

    def test_token_response_is_not_cached(self):
        code = self.code()
        _, _, headers = self.redeem(code)
        self.assertEqual(headers["Cache-Control"], "no-store")
        self.assertEqual(headers["Content-Type"], "application/json")

    def test_acr_values_are_granted_and_the_fault_overrides_them(self):
        self.idp.control(subject="alice")
        code = self.code(acr_values="loa3 loa2")
        claims = self.verify(self.redeem(code)[1]["id_token"])
        self.assertEqual(claims["acr"], "loa3")
        code = self.code(acr_values="loa3")
        self.idp.control(acr="loa2")
        claims = self.verify(self.redeem(code)[1]["id_token"])
        self.assertEqual(claims["acr"], "loa2")

    def test_a_code_is_used_once(self):
        code = self.code()
        self.assertEqual(self.redeem(code)[0], 200)
        status, body, _ = self.redeem(code)
        self.assertEqual((status, body["error"]), (400, "invalid_grant"))
        self.assertIn("already used", body["error_description"])

    def test_pkce_verifier_must_match(self):
        code = self.code()
        status, body, _ = self.redeem(code,
                                      code_verifier=secrets.token_urlsafe(48))
        self.assertEqual((status, body["error"]), (400, "invalid_grant"))
        self.assertIn("code_verifier", body["error_description"])
        code = self.code()
        status, body, _ = self.redeem(code, code_verifier=None)
        self.assertEqual((status, body["error"]), (400, "invalid_request"))

    def test_redirect_uri_must_be_the_authorization_requests(self):
        code = self.code()
        status, body, _ = self.redeem(code, redirect_uri=SIGNED_OUT)
        self.assertEqual((status, body["error"]), (400, "invalid_grant"))

    def test_client_must_authenticate(self):
        code = self.code()
        status, body, headers = self.redeem_with_secret(code, "wrong")
        self.assertEqual((status, body["error"]), (401, "invalid_client"))
        self.assertTrue(headers["WWW-Authenticate"].startswith("Basic"))
        # The code is still good for the client that owns it.
        self.assertEqual(self.redeem(code)[0], 200)

    def redeem_with_secret(self, code, secret):
        return self.token_request(
            {"grant_type": "authorization_code", "code": code,
             "redirect_uri": REDIRECT, "code_verifier": self.verifier}, secret)

    def test_other_grant_types_are_refused(self):
        status, body, _ = self.token_request({"grant_type": "password"})
        self.assertEqual((status, body["error"]),
                         (400, "unsupported_grant_type"))

    def test_unregistered_redirect_uri_is_shown_not_followed(self):
        response = self.agent.request(self.url("/authorize", **(
            self.authorize_params(redirect_uri="https://evil.invalid/cb"))))
        self.assertEqual(response.status, 400, response)
        self.assertEqual(response.location(), "")

    def test_request_errors_go_back_with_the_state(self):
        cases = [({"code_challenge": None}, "invalid_request"),
                 ({"code_challenge_method": "plain"}, "invalid_request"),
                 ({"scope": "profile"}, "invalid_scope"),
                 ({"response_type": "token"}, "unsupported_response_type")]
        self.idp.control(subject="alice")
        for change, error in cases:
            with self.subTest(change=change):
                response = self.agent.request(self.url(
                    "/authorize", **self.authorize_params(**change)))
                self.assertEqual(response.status, 302, response)
                values = query(response.location())
                self.assertEqual((values["error"], values["state"]),
                                 (error, "st-1"))
                self.assertNotIn("code", values)

    def test_prompt_none_without_a_subject(self):
        response = self.agent.request(self.url(
            "/authorize", **self.authorize_params(prompt="none")))
        self.assertEqual(query(response.location())["error"], "login_required")

    def test_the_form_signs_in_whoever_is_typed(self):
        params = self.authorize_params()
        form = self.agent.request(self.url("/authorize", **params))
        self.assertEqual(form.status, 200)
        self.assertIn('<label for="subject">', form.body)
        response = self.agent.request(self.url("/authorize"), dict(
            params, subject="bob", action="approve"))
        self.assertEqual(response.status, 303, response)
        code = query(response.location())["code"]
        claims = self.verify(self.redeem(code)[1]["id_token"])
        self.assertEqual(claims["sub"], "bob")
        cancelled = self.agent.request(self.url("/authorize"), dict(
            params, action="cancel"))
        self.assertEqual(query(cancelled.location())["error"], "access_denied")

    # ----- Faults: each in the next token only.

    def test_faults_apply_to_the_next_token_only(self):
        body = self.id_token(bad_signature=True)
        with self.assertRaises(jws.InvalidJWSSignature):
            self.verify(body["id_token"])
        self.verify(self.id_token()["id_token"])

    def test_alg_none_and_hs256_with_the_public_key(self):
        header, _, signature = parts(self.id_token(alg_none=True)["id_token"])
        self.assertEqual((header["alg"], signature), ("none", ""))
        token = self.id_token(hs256_with_public_key=True)["id_token"]
        header = parts(token)[0]
        self.assertEqual(header["alg"], "HS256")
        rsa = self.jwks().get_key(header["kid"])
        self.assertEqual(rsa["kty"], "RSA")
        signing_input, _, signature = token.rpartition(".")
        mac = hmac.new(rsa.export_to_pem(), signing_input.encode(),
                       hashlib.sha256).digest()
        self.assertEqual(signature, b64url(mac))

    def test_claim_faults(self):
        now = time.time()
        cases = [({"wrong_iss": True}, "iss", lambda v: v != self.idp.issuer),
                 ({"wrong_aud": "x"}, "aud", lambda v: v == "x"),
                 ({"expired": True}, "exp", lambda v: v < now - 60),
                 ({"iat_future": True}, "iat", lambda v: v > now + 60),
                 ({"wrong_nonce": True}, "nonce", lambda v: v != "no-1"),
                 ({"claims": {"azp": "y", "hsa_id": "SE1"}}, "hsa_id",
                  lambda v: v == "SE1")]
        for fault, claim, good in cases:
            with self.subTest(fault=fault):
                claims = self.verify(self.id_token(**fault)["id_token"])
                self.assertTrue(good(claims[claim]), claims)

    def test_rotate_keys_retires_the_old_kids(self):
        old = self.id_token()["id_token"]
        before = self.idp.state()["kids"]
        after = self.idp.control(rotate_keys=True)["kids"]
        self.assertFalse(set(before) & set(after))
        self.assertIsNone(self.jwks().get_key(parts(old)[0]["kid"]))
        self.verify(self.id_token()["id_token"])

    def test_unknown_control_keys_are_refused(self):
        with self.assertRaises(RuntimeError):
            self.idp.control(bad_signatur=True)

    # ----- Down.

    def test_down_closes_connections_but_control_answers(self):
        self.idp.control(down=True)
        with self.assertRaises((ConnectionError, urllib.error.URLError,
                                OSError)):
            self.agent.request(self.url("/jwks"))
        self.assertEqual(self.idp.state()["down"], "close")
        self.idp.control(down="503")
        self.assertEqual(self.agent.request(self.url("/jwks")).status, 503)
        self.idp.control(down=False)
        self.assertEqual(self.agent.request(self.url("/jwks")).status, 200)

    def test_hang_is_released_by_reset(self):
        self.idp.control(down="hang")
        outcome = []

        def ask():
            try:
                outcome.append(self.agent.request(self.url("/jwks")))
            except OSError as error:
                outcome.append(error)

        asker = threading.Thread(target=ask)
        began = time.monotonic()
        asker.start()
        # The request is held until reset; reset is what ends it.
        deadline = time.monotonic() + 10
        while "held without an answer" not in self.idp.tail(5):
            self.assertLess(time.monotonic(), deadline, self.idp.tail())
            time.sleep(0.05)  # polling a log file: the only way to see it
        self.idp.control(reset=True)
        asker.join(10)
        self.assertFalse(asker.is_alive())
        self.assertLess(time.monotonic() - began, 10)
        self.assertTrue(isinstance(outcome[0], OSError), outcome)

    # ----- End-session and bounds.

    def test_end_session(self):
        token = self.id_token()["id_token"]
        response = self.agent.request(self.url(
            "/end-session", id_token_hint=token, client_id=CLIENT,
            post_logout_redirect_uri=SIGNED_OUT, state="s"))
        self.assertEqual(response.status, 302, response)
        self.assertEqual(response.location(), SIGNED_OUT + "?state=s")
        self.assertEqual(self.idp.state()["logouts"][-1], "alice")
        refused = self.agent.request(self.url(
            "/end-session", id_token_hint=token,
            post_logout_redirect_uri="https://evil.invalid/"))
        self.assertEqual(refused.status, 400, refused)
        forged = self.agent.request(self.url(
            "/end-session", id_token_hint=self.id_token(
                bad_signature=True)["id_token"],
            post_logout_redirect_uri=SIGNED_OUT))
        self.assertEqual(forged.status, 400, forged)

    def test_a_body_too_large_is_refused(self):
        status, body, _ = self.token_request({"code": "x" * 70000})
        self.assertEqual((status, body["error"]), (413, "invalid_request"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
