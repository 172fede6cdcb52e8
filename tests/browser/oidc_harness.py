"""What the OpenID Connect tests share (tests/oidc and the Chromium test):
brevisd over TLS with a client CA (certificates from deploy/make-certs.sh),
brevis-web's own integration principal (SCOPE_SIGN_IN, certificate subject
"brevis-integration"), the test OpenID provider (tests/oidc/test_idp.py),
and as many brevis-web processes as a test wants, each signed in to brevisd
with the client certificate and relying on the test provider.

Every process is a harness.Server: its stdout and stderr go to a log file,
and report() says how each ended and shows its tail.
"""

import base64
import hashlib
import http.client
import http.cookiejar
import json
import os
import re
import ssl
import urllib.error
import urllib.parse
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import serialization

import harness

TEST_IDP = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        os.pardir, "oidc", "test_idp.py")
PYTHON = "/usr/bin/python3"
CLIENT_ID = "brevis-web"
# What brevis-web's failure pages carry (the contract of issue 14).
FAILURE_MARKER = re.compile(
    r'<main[^>]*\bid="sign-in-failed"[^>]*\bdata-reason="([a-z-]+)"')
REFUSED = "oidc sign-in refused: "
# brevis-web asks the provider with these timeouts (connect 5 s, whole
# request 10 s); a page must come within that and some slack.
IDP_BOUND_SECONDS = 15


def spki_hash(pem):
    """base64 of the SHA-256 of a PEM certificate's public key (what
    Chromium's --ignore-certificate-errors-spki-list takes)."""
    certificate = x509.load_pem_x509_certificate(pem.encode()
                                                 if isinstance(pem, str)
                                                 else pem)
    der = certificate.public_key().public_bytes(
        serialization.Encoding.DER,
        serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


class IdP(harness.Server):
    """tests/oidc/test_idp.py on 127.0.0.1; `issuer` is its URL and `ca`
    the file with its CA certificate. control() is its POST /control."""

    def __init__(self, work, secret_file, hang_seconds=30):
        self.ca = os.path.join(work, "idp-ca.pem")
        super().__init__("test-idp", [
            PYTHON, TEST_IDP, "--ca-out", self.ca, "--client-id", CLIENT_ID,
            "--client-secret-file", secret_file,
            "--hang-seconds", str(hang_seconds)],
            os.path.join(work, "test-idp.log"))
        self.issuer = self.wait_for_line("test-idp: listening on ")
        self.context = ssl.create_default_context(cafile=self.ca)

    def call(self, method, path, body=None):
        """One request to the provider (not through "down"); its JSON."""
        url = urllib.parse.urlsplit(self.issuer)
        connection = http.client.HTTPSConnection(
            url.hostname, url.port, context=self.context,
            timeout=harness.CTL_SECONDS)
        try:
            connection.request(method, path, body=body, headers={
                "Content-Type": "application/json"} if body else {})
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise RuntimeError(f"test-idp {method} {path}: {response.status} "
                               f"{data.decode(errors='replace')}")
        return json.loads(data)

    def spki_hash(self):
        """spki_hash() of the certificate the provider serves."""
        url = urllib.parse.urlsplit(self.issuer)
        return spki_hash(ssl.get_server_certificate((url.hostname, url.port)))

    def control(self, **body):
        return self.call("POST", "/control", json.dumps(body))

    def state(self):
        return self.call("GET", "/control")

    def register(self, web_url):
        """Registers a brevis-web's callback and signed-out URIs."""
        self.control(redirect_uris=[web_url + "/oidc/callback"],
                     post_logout_redirect_uris=[web_url + "/signed-out"])


class OidcStack(harness.Stack):
    """harness.Stack's brevisd (TLS, client CA, brevis-web's principal) and
    the test provider; no brevis-web until start_web(), which starts one
    relying on the provider."""

    def __init__(self, args):
        self.webs = 0
        super().__init__(args)

    def _start(self, db):
        self._start_brevisd(db)
        self.secret_file = os.path.join(self.work, "oidc-client-secret")
        with open(self.secret_file, "w", encoding="utf-8") as out:
            out.write(os.urandom(24).hex() + "\n")
        self.idp = IdP(self.work, self.secret_file)
        self.servers.append(self.idp)

    def create_person(self, display_name, role, units=(), subject=None):
        """A principal; with `subject`, linked to that identity at the test
        provider. Its name."""
        principal = self.create_principal(display_name, role, units)
        if subject is not None:
            self.ctl("principals", "identities", "add", principal, "--issuer",
                     self.idp.issuer, "--subject", subject)
        return principal

    def new_token_file(self, principal):
        """A new bearer token of `principal` in a file; its path."""
        path = os.path.join(self.work, principal.replace("/", "-") + "-"
                            + os.urandom(4).hex() + ".token")
        self.ctl("--quiet", "tokens", "create", principal, "--display-name",
                 "test", "--out", path)
        return path

    def publish_audit(self, unit, title, auditor):
        """An audit of `unit` with one finding, taken to PUBLISHED by
        `auditor` (on its team); its name."""
        audit = self.ctl("--quiet", "audits", "create", "--unit", unit,
                         "--title", title, "--commissioned-by",
                         "Regionens programområde", "--focus", "respect",
                         "--auditor", auditor).strip()
        token = self.new_token_file(auditor)
        self.ctl("audits", "transition", audit, "fieldwork",
                 token_file=token)
        self.ctl("findings", "add", audit, "--focus", "respect", "--kind",
                 "strength", "--group", "young_person", "--text",
                 "De unga känner sig lyssnade på.", token_file=token)
        for state in ("reporting", "published"):
            self.ctl("audits", "transition", audit, state, token_file=token)
        return audit

    def web_tls_flags(self):
        """Flags that make a brevis-web serve HTTPS with make-certs.sh's
        server certificate (127.0.0.1 and localhost)."""
        return ("--tls-cert", self.cert("server.crt"),
                "--tls-key", self.cert("server.key"))

    def browser_trust(self):
        """Chromium flags that trust the provider's and brevis-web's
        certificates, and nothing else besides the system's."""
        with open(self.cert("server.crt"), encoding="ascii") as pem:
            web = spki_hash(pem.read())
        return (f"--ignore-certificate-errors-spki-list={web},"
                f"{self.idp.spki_hash()}",)

    def start_web(self, *extra, name=None):
        """A new brevis-web relying on the test provider, registered there;
        a harness.Server with `url`. `extra` flags are added (and win)."""
        self.webs += 1
        web = super().start_web(
            "--oidc-issuer", self.idp.issuer,
            "--oidc-client-id", CLIENT_ID,
            "--oidc-client-secret-file", self.secret_file,
            "--oidc-ca", self.idp.ca,
            "--oidc-provider-name", "testleverantören",
            "--support-contact",
            "brukarrevisionens samordnare, samordnare@example.se", *extra,
            name=name or f"brevis-web-{self.webs}")
        self.idp.register(web.url)
        return web


def refusals(web):
    """The JSON log lines of `web` that say a sign-in was refused, parsed."""
    found = []
    for line in web.text().splitlines():
        if REFUSED in line:
            try:
                found.append(json.loads(line))
            except ValueError:
                found.append({"unparsed": line})
    return found


class Response:
    """What an HTTP request got: status, headers, body text, URL."""

    def __init__(self, url, status, headers, body):
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body

    def location(self):
        return self.headers.get("Location", "")

    def set_cookies(self):
        return self.headers.get_all("Set-Cookie") or []

    def failure_reason(self):
        """data-reason of the failure page's marker, or None."""
        match = FAILURE_MARKER.search(self.body)
        return match.group(1) if match else None

    def __repr__(self):
        return (f"{self.status} {self.url} Location={self.location()!r}\n"
                f"{self.body[:2000]}")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Agent:
    """A browser without JavaScript: a cookie jar (cookies per host, as a
    browser keeps them), the test provider's CA, no redirect followed unless
    asked (follow())."""

    def __init__(self, idp_ca):
        self.jar = http.cookiejar.CookieJar()
        context = ssl.create_default_context(cafile=idp_ca)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            urllib.request.HTTPSHandler(context=context), NoRedirects())

    def request(self, url, form=None):
        """GET `url`, or POST `form` (a dict) to it; the Response, whatever
        its status."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(url, data=data,
                                  timeout=harness.PAGE_SECONDS) as answer:
                return Response(url, answer.status, answer.headers,
                                answer.read().decode(errors="replace"))
        except urllib.error.HTTPError as answer:
            with answer:
                return Response(url, answer.code, answer.headers,
                                answer.read().decode(errors="replace"))

    def follow(self, response, limit=10):
        """Follows `response`'s redirects (at most `limit`); the last."""
        for _ in range(limit):
            if response.status not in (301, 302, 303, 307, 308):
                return response
            response = self.request(urllib.parse.urljoin(
                response.url, response.location()))
        raise AssertionError(f"more than {limit} redirects: {response!r}")

    def cookie(self, name):
        for cookie in self.jar:
            if cookie.name == name:
                return cookie.value
        return None
