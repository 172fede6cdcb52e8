#!/usr/bin/python3
"""A small OpenID provider for brevis-web's tests, on 127.0.0.1 only.

It speaks enough of OpenID Connect Core 1.0 (authorization code flow),
Discovery 1.0, RP-Initiated Logout 1.0, RFC 6749 (errors, client
authentication) and RFC 7636 (PKCE, S256 only) for a relying party to be
tested against it, and it can be told to misbehave. Keys and certificates
are made at start with Debian's python3-jwcrypto and python3-cryptography;
nothing is read from or written to disk but the CA certificate (--ca-out).

    test_idp.py --ca-out FILE --client-id ID --client-secret-file FILE
                [--redirect-uri URI]... [--post-logout-redirect-uri URI]...

It prints "test-idp: listening on https://127.0.0.1:PORT" on stderr when it
serves; that URL is the issuer. Every request it served is one line on
stderr ("test-idp: GET /authorize -> 302 ...", with a reason for each
refusal), so a failing test can show the tail. SIGTERM or SIGINT stops it
(exit 0).

Endpoints (paths under the issuer):
  /.well-known/openid-configuration  the discovery document
  /jwks                              the public signing keys (RS256, ES256)
  /authorize                         GET or POST; approves at once as the
                                     subject set through /control, else shows
                                     a form with a subject field
  /token                             client_secret_basic, PKCE S256, the
                                     redirect_uri of the code, codes used once
  /end-session                       RP-initiated logout
  /control                           GET: the state; POST (JSON): changes it

POST /control takes a JSON object; each key is optional, applied in this
order:
  "reset": true        forget the subject, claims, faults and "down" (the
                       keys and the registered URIs stay)
  "redirect_uris", "post_logout_redirect_uris": [URI, ...]
                       register more URIs for the client
  "subject": "S"       approve every authorization request as S (null: show
                       the form again)
  "rotate_keys": true  new signing keys with new kids; the old ones are gone
                       from /jwks at once
  "down": false | true | "close" | "503" | "hang"
                       every request but /control is cut off (true and
                       "close": the connection is closed without an answer),
                       answered 503, or held without an answer for up to
                       --hang-seconds; until reset or "down": false
  The rest apply to the next ID token issued, then are spent (a reset spends
  them too):
  "claims": {...}      added to (or replacing) the ID token's claims
  "alg": "RS256" | "ES256"
  "bad_signature", "alg_none", "hs256_with_public_key", "expired",
  "iat_future", "wrong_nonce": true
  "wrong_iss", "wrong_aud": true or the value to put there
  "acr": "VALUE"       the token's acr, whatever was asked for
  "authorize_error": "CODE"  the next authorization request is answered with
                       this RFC 6749 §4.1.2.1 error instead of a code
It answers with the state after the change (as GET /control does).
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import html
import http.server
import ipaddress
import json
import os
import re
import secrets
import signal
import socket
import ssl
import sys
import tempfile
import threading
import time
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from jwcrypto import jwk, jws

# Bounds: what one request may carry, how many run at once, how long a
# connection may sit idle, how long a code lives and how many may exist.
MAX_BODY = 64 * 1024
MAX_CONNECTIONS = 32
IDLE_SECONDS = 10
CODE_SECONDS = 60
MAX_CODES = 1000
MAX_REGISTERED_URIS = 200
TOKEN_SECONDS = 300
# PKCE code verifier: RFC 7636 §4.1.
VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
# What a token may carry as one-shot faults (see the module's text).
TOKEN_FAULTS = ("claims", "alg", "bad_signature", "alg_none",
                "hs256_with_public_key", "expired", "iat_future",
                "wrong_nonce", "wrong_iss", "wrong_aud", "acr")
DOWN_MODES = {False: None, None: None, True: "close", "close": "close",
              "503": "503", "hang": "hang"}
# Parameters whose values are secrets or bearer material: never logged.
SECRET_PARAMS = ("code", "code_verifier", "id_token_hint", "client_secret")


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


# ----- HTTP.

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – test identity provider</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:2rem auto;
padding:0 1rem;line-height:1.5}}label,input,button{{display:block;
font-size:1rem;margin:.5rem 0}}input{{width:100%;box-sizing:border-box;
padding:.4rem}}button{{padding:.5rem 1rem}}</style></head>
<body><main><h1>{title}</h1>{body}</main></body></html>
"""


class Handler(http.server.BaseHTTPRequestHandler):
    """One connection; requests are served one after another on it."""

    server_version = "test-idp"
    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS
    provider = None  # set by main()
    hang_seconds = 30

    # -- plumbing

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass  # each request logs one line of its own (self.note)

    def log_request(self, code="-", size="-"):
        reason = getattr(self, "reason", "")
        log(f"{self.command} {self.redacted_path()} -> {code}"
            + (f" ({reason})" if reason else ""))

    def redacted_path(self):
        parts = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        shown = urllib.parse.urlencode(
            [(k, "…" if k in SECRET_PARAMS else v) for k, v in query])
        return parts.path + (f"?{shown}" if shown else "")

    def send(self, status, body, content_type, headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Pragma", "no-cache")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_json(self, status, value, headers=()):
        self.send(status, json.dumps(value), "application/json", headers)

    def send_page(self, status, title, body):
        self.send(status, PAGE.format(title=html.escape(title), body=body),
                  "text/html; charset=utf-8")

    def redirect(self, status, uri):
        self.send(status, "", "text/plain", [("Location", uri)])

    def query(self):
        return dict(urllib.parse.parse_qsl(
            urllib.parse.urlsplit(self.path).query, keep_blank_values=True))

    def form(self):
        """The urlencoded body; Refusal when too large or of another type."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            # Read what was sent (up to a bound) so the client sees the
            # answer rather than a reset connection.
            self.rfile.read(min(length, 16 * MAX_BODY))
            self.close_connection = True
            raise Refusal("invalid_request", "body too large", 413)
        data = self.rfile.read(length)
        if self.command == "POST" and self.path.split("?")[0] == "/control":
            return data
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if kind != "application/x-www-form-urlencoded":
            raise Refusal("invalid_request",
                          "body must be application/x-www-form-urlencoded")
        pairs = urllib.parse.parse_qsl(data.decode("utf-8", "replace"),
                                       keep_blank_values=True)
        names = [k for k, _ in pairs]
        if len(names) != len(set(names)):
            # RFC 6749 §3.1: parameters must not be repeated.
            raise Refusal("invalid_request", "a parameter is repeated")
        return dict(pairs)

    # -- dispatch

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def dispatch(self):
        self.reason = ""
        path = urllib.parse.urlsplit(self.path).path
        if path != "/control" and self.cut_off():
            return
        routes = {
            ("GET", "/.well-known/openid-configuration"): self.discovery,
            ("GET", "/jwks"): self.jwks,
            ("GET", "/authorize"): self.authorize,
            ("POST", "/authorize"): self.authorize,
            ("POST", "/token"): self.token,
            ("GET", "/end-session"): self.end_session,
            ("POST", "/end-session"): self.end_session,
            ("GET", "/control"): self.control,
            ("POST", "/control"): self.control,
        }
        handler = routes.get((self.command, path))
        try:
            if handler is None:
                known = any(p == path for _, p in routes)
                self.reason = "no such endpoint" if not known else "method"
                self.send_json(405 if known else 404,
                               {"error": "not_found" if not known
                                else "method_not_allowed"})
                return
            handler()
        except Refusal as refusal:
            self.reason = f"{refusal.error}: {refusal.description}"
            self.send_json(refusal.status, {
                "error": refusal.error,
                "error_description": refusal.description})
        except _Answered:
            pass

    def cut_off(self):
        """True when "down" says this request gets no (real) answer."""
        mode = self.provider.down_mode()
        if mode is None:
            return False
        if mode == "503":
            self.reason = "down (503)"
            self.send_json(503, {"error": "temporarily_unavailable"},
                           [("Retry-After", "1")])
            return True
        if mode == "hang":
            log(f"{self.command} {self.redacted_path()} held without an "
                f"answer (down: hang, at most {self.hang_seconds} s)")
            self.provider.released.wait(self.hang_seconds)
        log(f"{self.command} {self.redacted_path()} -> connection closed "
            f"without an answer (down: {mode})")
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return True

    # -- endpoints

    def discovery(self):
        self.send_json(200, self.provider.discovery())

    def jwks(self):
        self.provider.count("jwks")
        self.send_json(200, self.provider.jwks())

    def authorize(self):
        params = self.query() if self.command == "GET" else self.form()
        try:
            self.provider.check_client_and_redirect(params)
        except Refusal as refusal:
            self.reason = f"{refusal.error}: {refusal.description}"
            self.send_page(400, "Sign-in request refused",
                           f"<p>{html.escape(refusal.description)}</p>")
            return
        redirect_uri = params["redirect_uri"]

        def back(values):
            if params.get("state") is not None:
                values["state"] = params["state"]
            sep = "&" if "?" in redirect_uri else "?"
            self.redirect(303 if self.command == "POST" else 302,
                          redirect_uri + sep + urllib.parse.urlencode(values))

        try:
            self.provider.check_authorization(params)
            subject = self.provider.auto_subject()
            if self.command == "POST" and params.get("action") == "cancel":
                raise Refusal("access_denied", "the person cancelled")
            if self.command == "POST" and params.get("action") == "approve":
                subject = params.get("subject", "").strip() or None
                if subject is None or len(subject) > 255:
                    self.reason = "form without a valid subject"
                    self.show_form(params, "Enter a subject (1 to 255 "
                                   "characters).")
                    return
            if subject is None:
                if params.get("prompt") == "none":
                    raise Refusal("login_required", "no one is signed in "
                                  "and prompt=none")
                self.reason = "shows the sign-in form"
                self.show_form(params)
                return
            code = self.provider.issue_code(params, subject)
        except Refusal as refusal:
            self.reason = f"{refusal.error}: {refusal.description}"
            back({"error": refusal.error,
                  "error_description": refusal.description})
            return
        self.reason = "code issued"
        back({"code": code})

    def show_form(self, params, problem=""):
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" '
            f'value="{html.escape(v)}">'
            for k, v in params.items() if k not in ("subject", "action"))
        error = (f'<p id="subject-error" role="alert">{html.escape(problem)}'
                 '</p>' if problem else "")
        described = ' aria-describedby="subject-error"' if problem else ""
        body = (f'<p>A test provider: whoever types a subject is signed in '
                f'as that subject.</p>{error}'
                f'<form method="post" action="/authorize">{hidden}'
                f'<label for="subject">Subject</label>'
                f'<input id="subject" name="subject" autocomplete="username" '
                f'required maxlength="255"{described}>'
                f'<button type="submit" name="action" value="approve">'
                f'Sign in</button>'
                f'<button type="submit" name="action" value="cancel" '
                f'formnovalidate>Cancel</button></form>')
        self.send_page(200, "Sign in", body)

    def token(self):
        client_id = self.authenticate()
        form = self.form()
        if "client_secret" in form:
            # RFC 6749 §2.3: one authentication method per request.
            raise Refusal("invalid_request", "client_secret in the body as "
                          "well as Basic authentication")
        if form.get("client_id", client_id) != client_id:
            raise Refusal("invalid_client", "client_id differs from the "
                          "authenticated client", 401)
        response, applied = self.provider.redeem(client_id, form)
        self.reason = ("issued an ID token"
                       + (f" with {', '.join(applied)}" if applied else ""))
        self.send_json(200, response)

    def authenticate(self):
        """The client_id of valid client_secret_basic credentials (RFC 6749
        §2.3.1: each part form-urlencoded), else a 401 Refusal."""
        header = self.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        try:
            if scheme.lower() != "basic":
                raise ValueError
            decoded = base64.b64decode(value.strip(), validate=True).decode()
            name, _, secret = decoded.partition(":")
            name = urllib.parse.unquote_plus(name)
            secret = urllib.parse.unquote_plus(secret)
        except (ValueError, UnicodeDecodeError):
            name, secret = None, None
        if not (name == self.provider.client_id and hmac.compare_digest(
                secret.encode(), self.provider.client_secret.encode())):
            # Read the body anyway, so the connection stays in step.
            self.rfile.read(min(int(self.headers.get("Content-Length") or 0),
                                MAX_BODY))
            self.close_connection = True
            refusal = Refusal("invalid_client", "client authentication "
                              "failed", 401)
            self.reason = f"{refusal.error}: {refusal.description}"
            self.send_json(401, {"error": refusal.error,
                                 "error_description": refusal.description},
                           [("WWW-Authenticate", 'Basic realm="token"')])
            raise _Answered()
        return name

    def end_session(self):
        params = self.query() if self.command == "GET" else self.form()
        uri = self.provider.end_session(params)
        if uri is None:
            self.reason = "signed out; no redirect asked for"
            self.send_page(200, "Signed out",
                           "<p>You are signed out of the test provider.</p>")
            return
        self.reason = "signed out; back to the client"
        self.redirect(302, uri)

    def control(self):
        if self.command == "GET":
            self.send_json(200, self.provider.state())
            return
        try:
            body = json.loads(self.form() or b"{}")
        except ValueError as error:
            raise Refusal("invalid_request", f"not JSON: {error}") from error
        if not isinstance(body, dict):
            raise Refusal("invalid_request", "a JSON object")
        state = self.provider.control(body)
        self.reason = "set " + ", ".join(sorted(body)) if body else ""
        self.send_json(200, state)


class _Answered(Exception):
    """Raised after a handler has sent its answer, to skip the rest."""


class Server(http.server.ThreadingHTTPServer):
    """One thread per connection, at most MAX_CONNECTIONS at once (more are
    closed at once); TLS handshakes happen in those threads."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, context):
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.context = context
        super().__init__(("127.0.0.1", 0), Handler)

    def get_request(self):
        sock, address = self.socket.accept()
        return self.context.wrap_socket(sock, server_side=True,
                                        do_handshake_on_connect=False), address

    def process_request(self, request, client_address):
        if not self.slots.acquire(blocking=False):
            log("connection closed: too many at once")
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            request.settimeout(IDLE_SECONDS)
            request.do_handshake()
            super().process_request_thread(request, client_address)
        except (OSError, ssl.SSLError) as error:
            log(f"connection from {client_address[0]} ended: {error}")
            self.shutdown_request(request)
        finally:
            self.slots.release()

    def handle_error(self, request, client_address):
        log(f"connection from {client_address[0]} ended: "
            f"{sys.exc_info()[1]!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ca-out", required=True,
                        help="where to write the CA certificate (PEM)")
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret-file", required=True,
                        help="file whose first line is the client secret")
    parser.add_argument("--redirect-uri", action="append", default=[])
    parser.add_argument("--post-logout-redirect-uri", action="append",
                        default=[])
    parser.add_argument("--hang-seconds", type=float, default=30,
                        help='longest time "down": "hang" holds a request')
    args = parser.parse_args()
    with open(args.client_secret_file, encoding="utf-8") as secret_file:
        secret = secret_file.readline().strip()
    if not secret:
        parser.error("--client-secret-file: the file is empty")

    # Signals go to the thread that waits for them, never to a handler.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    provider = Provider(args.client_id, secret, args.redirect_uri,
                        args.post_logout_redirect_uri)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    with tempfile.TemporaryDirectory(prefix="test-idp-") as directory:
        cert, key = make_tls_files(args.ca_out, directory)
        context.load_cert_chain(cert, key)
    Handler.provider = provider
    Handler.hang_seconds = args.hang_seconds
    server = Server(context)
    provider.issuer = f"https://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    log(f"listening on {provider.issuer}")
    number = signal.sigwait({signal.SIGTERM, signal.SIGINT})
    log(f"{signal.Signals(number).name} received, stopping")
    provider.released.set()
    server.shutdown()
    server.server_close()
    thread.join()
    log("stopped")


if __name__ == "__main__":
    main()
