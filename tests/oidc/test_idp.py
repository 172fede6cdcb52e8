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
import hmac
import html
import http.server
import json
import signal
import socket
import ssl
import sys
import tempfile
import threading
import urllib.parse

from idp_provider import Provider, Refusal, log, make_tls_files

# Bounds of the HTTP side: what one request may carry, how many run at
# once, how long a connection may sit idle.
MAX_BODY = 64 * 1024
MAX_CONNECTIONS = 32
IDLE_SECONDS = 10
# Parameters whose values are secrets or bearer material: never logged.
SECRET_PARAMS = ("code", "code_verifier", "id_token_hint", "client_secret")


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
