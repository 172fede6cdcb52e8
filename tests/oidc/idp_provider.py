"""The test OpenID provider's state and tokens (test_idp.py serves them
over HTTP): its CA and TLS certificate, its signing keys, the registered
client, authorization codes, the faults set through /control, ID tokens
(OpenID Connect Core 1.0 §2) and RP-initiated logout. No I/O but what
make_tls_files writes and the log lines on stderr.
"""

import base64
import datetime
import hashlib
import hmac
import ipaddress
import json
import os
import re
import secrets
import sys
import threading
import time
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from jwcrypto import jwk, jws

# Bounds: how long a code lives, how many may exist, how many URIs may be
# registered, how long an ID token is valid.
CODE_SECONDS = 60
MAX_CODES = 1000
MAX_REGISTERED_URIS = 200
TOKEN_SECONDS = 300
# PKCE code verifier: RFC 7636 §4.1.
VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
# What a token may carry as one-shot faults (test_idp.py's text).
TOKEN_FAULTS = ("claims", "alg", "bad_signature", "alg_none",
                "hs256_with_public_key", "expired", "iat_future",
                "wrong_nonce", "wrong_iss", "wrong_aud", "acr")
DOWN_MODES = {False: None, None: None, True: "close", "close": "close",
              "503": "503", "hang": "hang"}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def log(message):
    print(f"test-idp: {message}", file=sys.stderr, flush=True)


class Refusal(Exception):
    """An OAuth 2.0 error: its code, a description, the HTTP status."""

    def __init__(self, error, description, status=400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


# ----- Certificates and keys.

def make_tls_files(ca_out, directory):
    """A CA (its PEM written to ca_out, through a rename) and a server
    certificate it signs for 127.0.0.1 and localhost; the paths of the
    server's certificate and key in `directory`."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                            "brevis test IdP CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (x509.CertificateBuilder()
          .subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True,
                                       True, False, False), True)
          .add_extension(ca_ski, False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                                        "127.0.0.1")]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                x509.DNSName("localhost")]), False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None),
                           True)
            .add_extension(x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH]), False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                key.public_key()), False)
            .add_extension(x509.AuthorityKeyIdentifier
                           .from_issuer_subject_key_identifier(ca_ski), False)
            .sign(ca_key, hashes.SHA256()))
    temporary = ca_out + ".tmp"
    with open(temporary, "wb") as out:
        out.write(ca.public_bytes(serialization.Encoding.PEM))
    os.replace(temporary, ca_out)
    cert_path = os.path.join(directory, "server.crt")
    key_path = os.path.join(directory, "server.key")
    with open(cert_path, "wb") as out:
        out.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as out:
        out.write(key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    return cert_path, key_path


def make_signing_keys():
    """An RSA 2048 key for RS256 and a P-256 key for ES256, each with a
    fresh kid; by alg."""
    keys = {}
    for alg, params in (("RS256", {"kty": "RSA", "size": 2048}),
                        ("ES256", {"kty": "EC", "crv": "P-256"})):
        keys[alg] = jwk.JWK.generate(kid=f"{alg.lower()}-{secrets.token_hex(8)}",
                                     use="sig", alg=alg, **params)
    return keys


# ----- The provider's state; every method takes the lock.

class Provider:
    """Keys, registered client, codes and faults. Thread-safe: one lock
    around all of it (a browser and a test client call at once)."""

    def __init__(self, client_id, client_secret, redirect_uris,
                 post_logout_uris):
        self.lock = threading.Lock()
        self.issuer = None  # set once the port is known
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = list(redirect_uris)
        self.post_logout_uris = list(post_logout_uris)
        self.keys = make_signing_keys()
        self.retired = []  # old keys: an id_token_hint may still name them
        self.codes = {}  # code -> dict; used codes stay until they expire
        self.subject = None
        self.faults = {}
        self.authorize_error = None
        self.down = None
        self.released = threading.Event()  # wakes "hang" when down ends
        self.counts = {"authorize": 0, "token": 0, "jwks": 0,
                       "end_session": 0}
        self.logouts = []  # the sub of each id_token_hint at end-session

    # -- /control

    def control(self, body):
        # Nothing changes when any part is wrong.
        unknown = set(body) - set(TOKEN_FAULTS) - {
            "reset", "redirect_uris", "post_logout_redirect_uris", "subject",
            "rotate_keys", "down", "authorize_error"}
        if unknown:
            raise Refusal("invalid_request",
                          f"unknown keys: {', '.join(sorted(unknown))}")
        if "down" in body and body["down"] not in DOWN_MODES:
            raise Refusal("invalid_request",
                          "down: false, true, close, 503 or hang")
        if "alg" in body and body["alg"] not in ("RS256", "ES256"):
            raise Refusal("invalid_request", "alg: RS256 or ES256")
        for key in ("redirect_uris", "post_logout_redirect_uris"):
            uris = body.get(key, [])
            if not isinstance(uris, list) or not all(
                    isinstance(u, str) and u.startswith(("http://", "https://"))
                    for u in uris):
                raise Refusal("invalid_request", f"{key}: a list of http(s) "
                              "URIs")
        with self.lock:
            if body.get("reset"):
                self.subject = None
                self.faults = {}
                self.authorize_error = None
                self._set_down(None)
            for key, target in (("redirect_uris", self.redirect_uris),
                                ("post_logout_redirect_uris",
                                 self.post_logout_uris)):
                target.extend(u for u in dict.fromkeys(body.get(key, []))
                              if u not in target)
                del target[:-MAX_REGISTERED_URIS]  # the oldest go first
            if "subject" in body:
                self.subject = body["subject"]
            if body.get("rotate_keys"):
                self.retired = list(self.keys.values())
                self.keys = make_signing_keys()
            if "down" in body:
                self._set_down(DOWN_MODES[body["down"]])
            for fault in TOKEN_FAULTS:
                if fault in body:
                    self.faults[fault] = body[fault]
            if "authorize_error" in body:
                self.authorize_error = body["authorize_error"]
            return self._state()

    def state(self):
        with self.lock:
            return self._state()

    def _state(self):
        return {"issuer": self.issuer, "subject": self.subject,
                "faults": dict(self.faults),
                "authorize_error": self.authorize_error, "down": self.down,
                "kids": [k["kid"] for k in self.keys.values()],
                "redirect_uris": list(self.redirect_uris),
                "post_logout_redirect_uris": list(self.post_logout_uris),
                "counts": dict(self.counts), "logouts": list(self.logouts)}

    def _set_down(self, mode):
        self.down = mode
        if mode == "hang":
            self.released.clear()
        else:
            self.released.set()

    def down_mode(self):
        with self.lock:
            return self.down

    def count(self, what):
        with self.lock:
            self.counts[what] += 1

    # -- discovery and keys

    def discovery(self):
        issuer = self.issuer
        return {
            "issuer": issuer,
            "authorization_endpoint": issuer + "/authorize",
            "token_endpoint": issuer + "/token",
            "jwks_uri": issuer + "/jwks",
            "end_session_endpoint": issuer + "/end-session",
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid"],
            "claims_supported": ["iss", "sub", "aud", "exp", "iat",
                                 "auth_time", "nonce", "acr", "azp",
                                 "at_hash"],
            "prompt_values_supported": ["none", "login"],
            # Discovery 1.0 §3: true when left out.
            "request_uri_parameter_supported": False,
        }

    def jwks(self):
        with self.lock:
            return {"keys": [k.export_public(as_dict=True)
                             for k in self.keys.values()]}

    # -- authorization requests

    def check_client_and_redirect(self, params):
        """Refusal (shown, never redirected: Core §3.1.2.6) for an unknown
        client or an unregistered redirect_uri."""
        if params.get("client_id") != self.client_id:
            raise Refusal("unauthorized_client", "unknown client_id")
        with self.lock:
            registered = params.get("redirect_uri") in self.redirect_uris
        if not registered:
            raise Refusal("invalid_request",
                          "redirect_uri is not registered for the client")

    def check_authorization(self, params):
        """The RFC 6749 / Core error for an authorization request the client
        made wrongly (sent back to the redirect_uri), else None."""
        if params.get("response_type") != "code":
            raise Refusal("unsupported_response_type",
                          "response_type must be code")
        if "openid" not in params.get("scope", "").split():
            raise Refusal("invalid_scope", "scope must contain openid")
        if not params.get("code_challenge"):
            raise Refusal("invalid_request", "code_challenge is required "
                          "(PKCE, RFC 7636)")
        if params.get("code_challenge_method") != "S256":
            raise Refusal("invalid_request",
                          "code_challenge_method must be S256")
        if not re.fullmatch(r"[A-Za-z0-9_-]{43}", params["code_challenge"]):
            raise Refusal("invalid_request", "code_challenge is not a "
                          "base64url SHA-256")
        with self.lock:
            error, self.authorize_error = self.authorize_error, None
        if error:
            raise Refusal(error, "told to refuse through /control")

    def auto_subject(self):
        with self.lock:
            return self.subject

    def issue_code(self, params, subject):
        """A new single-use code for `subject` and this request."""
        now = time.time()
        with self.lock:
            for code in [c for c, v in self.codes.items()
                         if v["expires"] < now]:
                del self.codes[code]
            if len(self.codes) >= MAX_CODES:
                raise Refusal("temporarily_unavailable", "too many codes "
                              "outstanding")
            code = secrets.token_urlsafe(32)
            self.codes[code] = {
                "client_id": params["client_id"],
                "redirect_uri": params["redirect_uri"],
                "challenge": params["code_challenge"],
                "nonce": params.get("nonce"),
                "acr_values": params.get("acr_values", "").split(),
                "subject": subject, "auth_time": int(now),
                "expires": now + CODE_SECONDS, "used": False}
            self.counts["authorize"] += 1
            return code

    # -- the token endpoint

    def redeem(self, client_id, form):
        """The token response for an authorization code grant (RFC 6749
        §4.1.3, Core §3.1.3), or a Refusal."""
        if form.get("grant_type") != "authorization_code":
            raise Refusal("unsupported_grant_type",
                          "grant_type must be authorization_code")
        code = form.get("code")
        if not code:
            raise Refusal("invalid_request", "code is missing")
        with self.lock:
            self.counts["token"] += 1
            grant = self.codes.get(code)
            if grant is None or grant["expires"] < time.time():
                raise Refusal("invalid_grant", "unknown or expired code")
            if grant["used"]:
                # RFC 6749 §4.1.2: a code used twice is refused.
                raise Refusal("invalid_grant", "the code was already used")
            grant["used"] = True
            faults, self.faults = self.faults, {}
            keys = dict(self.keys)
        if grant["client_id"] != client_id:
            raise Refusal("invalid_grant", "the code was issued to another "
                          "client")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            raise Refusal("invalid_grant", "redirect_uri differs from the "
                          "authorization request's")
        verifier = form.get("code_verifier", "")
        if not VERIFIER.fullmatch(verifier):
            raise Refusal("invalid_request", "code_verifier is missing or "
                          "not 43-128 unreserved characters")
        challenge = b64url(hashlib.sha256(verifier.encode("ascii")).digest())
        if not hmac.compare_digest(challenge, grant["challenge"]):
            raise Refusal("invalid_grant", "code_verifier does not match "
                          "the code_challenge (S256)")
        access_token = secrets.token_urlsafe(32)
        id_token, applied = self.id_token(grant, access_token, faults, keys)
        return {"access_token": access_token, "token_type": "Bearer",
                "expires_in": TOKEN_SECONDS, "id_token": id_token,
                "scope": "openid"}, applied

    def id_token(self, grant, access_token, faults, keys):
        """The signed ID token (Core §2) with `faults` applied; the token
        and the names of the faults it carries."""
        now = int(time.time())
        alg = faults.get("alg", "RS256")
        key = keys[alg]
        digest = hashlib.sha256(access_token.encode("ascii")).digest()
        claims = {"iss": self.issuer, "sub": grant["subject"],
                  "aud": grant["client_id"], "exp": now + TOKEN_SECONDS,
                  "iat": now, "auth_time": grant["auth_time"],
                  "at_hash": b64url(digest[:len(digest) // 2])}
        if grant["nonce"] is not None:
            claims["nonce"] = grant["nonce"]
        if grant["acr_values"]:
            claims["acr"] = grant["acr_values"][0]
        if faults.get("wrong_iss"):
            claims["iss"] = (faults["wrong_iss"]
                             if isinstance(faults["wrong_iss"], str)
                             else "https://attacker.invalid")
        if faults.get("wrong_aud"):
            claims["aud"] = (faults["wrong_aud"]
                             if not isinstance(faults["wrong_aud"], bool)
                             else "some-other-client")
        if faults.get("expired"):
            claims["iat"] = now - 2 * 3600
            claims["exp"] = now - 3600
        if faults.get("iat_future"):
            claims["iat"] = now + 3600
            claims["exp"] = now + 3600 + TOKEN_SECONDS
        if faults.get("wrong_nonce"):
            claims["nonce"] = secrets.token_urlsafe(16)
        if "acr" in faults:
            claims["acr"] = faults["acr"]
        claims.update(faults.get("claims") or {})
        payload = json.dumps(claims).encode()
        header = {"alg": alg, "kid": key["kid"], "typ": "JWT"}
        if faults.get("alg_none"):
            header = {"alg": "none", "kid": key["kid"], "typ": "JWT"}
            token = f"{b64url(json.dumps(header).encode())}.{b64url(payload)}."
        elif faults.get("hs256_with_public_key"):
            # The key confusion attack: the RSA public key's PEM as an HMAC
            # secret, under the RSA key's kid.
            rsa = keys["RS256"]
            header = {"alg": "HS256", "kid": rsa["kid"], "typ": "JWT"}
            signing_input = (f"{b64url(json.dumps(header).encode())}."
                             f"{b64url(payload)}")
            mac = hmac.new(rsa.export_to_pem(private_key=False,
                                             password=None),
                           signing_input.encode("ascii"),
                           hashlib.sha256).digest()
            token = f"{signing_input}.{b64url(mac)}"
        else:
            signer = jws.JWS(payload)
            signer.add_signature(key, None, protected=json.dumps(header))
            token = signer.serialize(compact=True)
            if faults.get("bad_signature"):
                head, body, signature = token.split(".")
                raw = bytearray(base64.urlsafe_b64decode(
                    signature + "=" * (-len(signature) % 4)))
                raw[len(raw) // 2] ^= 0x01
                token = f"{head}.{body}.{b64url(bytes(raw))}"
        applied = sorted(f for f in faults if faults[f] not in (None, False))
        return token, applied

    # -- end-session

    def end_session(self, params):
        """The URI to send the browser back to (RP-Initiated Logout 1.0
        §2-3), or None to show the signed-out page; a Refusal for a hint not
        ours or a post_logout_redirect_uri not registered."""
        hint = params.get("id_token_hint")
        subject = None
        if hint:
            claims = self._verify_own(hint)
            if claims is None:
                raise Refusal("invalid_request", "id_token_hint is not an ID "
                              "token this provider issued")
            audience = claims.get("aud")
            audience = audience if isinstance(audience, list) else [audience]
            if params.get("client_id") and params["client_id"] not in audience:
                raise Refusal("invalid_request", "id_token_hint was not "
                              "issued to client_id")
            subject = claims.get("sub")
        uri = params.get("post_logout_redirect_uri")
        with self.lock:
            self.counts["end_session"] += 1
            if subject is not None:
                self.logouts.append(subject)
                del self.logouts[:-100]
            if uri is None:
                return None
            if not (hint or params.get("client_id") == self.client_id):
                raise Refusal("invalid_request", "post_logout_redirect_uri "
                              "needs id_token_hint or client_id")
            if uri not in self.post_logout_uris:
                raise Refusal("invalid_request", "post_logout_redirect_uri "
                              "is not registered for the client")
        if params.get("state"):
            uri += ("&" if "?" in uri else "?") + urllib.parse.urlencode(
                {"state": params["state"]})
        return uri

    def _verify_own(self, token):
        """The claims of an ID token signed by one of our keys (expired is
        fine for a hint), else None."""
        with self.lock:
            keys = list(self.keys.values()) + self.retired
        try:
            verifier = jws.JWS()
            verifier.deserialize(token)
            kid = verifier.jose_header.get("kid")
            for key in keys:
                if key["kid"] == kid:
                    verifier.verify(key, alg=key["alg"])
                    claims = json.loads(verifier.payload)
                    return claims if claims.get("iss") == self.issuer else None
        except Exception:  # pylint: disable=broad-except
            return None
        return None
