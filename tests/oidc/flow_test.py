#!/usr/bin/python3
"""Sign-in through OpenID Connect, end to end: brevisd over mutual TLS,
brevis-web as the relying party, and the test OpenID provider
(test_idp.py), driven over HTTP as a browser would (cookies kept, each
redirect followed by hand): /oidc/start, the provider's /authorize, then
/oidc/callback with the pre-session cookie.

The happy path signs in, shows the principal's name and signs out through
the provider's end-session endpoint. Every refusal of issue 14 has its own
test, which checks the failure page's marker (<main id="sign-in-failed"
data-reason=...>), the HTTP status, that no session came of it, and that
brevis-web's JSON log line says why.

The tests share one brevisd and one provider (reset before each test); each
starts its own brevis-web (no cached discovery, keys or sessions) and its
own people, so they do not depend on each other or on their order. When a
test fails, how each process ended and the tail of its log are printed.

Run: flow_test.py --brevisd B --brevisctl C --brevis-web W
"""

import os
import re
import sys
import time
import unittest
import urllib.parse
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "browser"))

import harness  # noqa: E402 pylint: disable=wrong-import-position
import oidc_harness  # noqa: E402 pylint: disable=wrong-import-position
from oidc_harness import Agent  # noqa: E402 pylint: disable=wrong-import-position

ARGS = None
SESSION_COOKIE = "brevis_session"
ACR_REQUIRED = "http://id.sambi.se/loa/loa3"
ACR_LOWER = "http://id.sambi.se/loa/loa2"


class SignInFlows(unittest.TestCase):
    """One test per path through the sign-in (see the module)."""

    maxDiff = None
    stack = None

    @classmethod
    def setUpClass(cls):
        cls.stack = oidc_harness.OidcStack(ARGS)

    @classmethod
    def tearDownClass(cls):
        ending = cls.stack.report()
        codes = cls.stack.stop()
        for name, code in codes.items():
            if code != 0:
                print(f"{name} did not exit 0 on SIGTERM: "
                      f"{harness.describe_returncode(code)}\n{ending}",
                      file=sys.stderr)

    def setUp(self):
        self.idp = self.stack.idp
        self.idp.control(reset=True)
        self.webs = []
        self.web = self.start_web()
        self.agent = Agent(self.idp.ca)

    def tearDown(self):
        for web in self.webs:
            code = web.stop()
            self.assertEqual(code, 0, f"{web.name} on SIGTERM: "
                             f"{harness.describe_returncode(code)}")

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result else 0
        result = super().run(result)
        if result and len(result.failures) + len(result.errors) > before:
            print(f"\n--- {self.id()} failed; the processes:\n"
                  f"{self.stack.report()}", file=sys.stderr)
        return result

    # ----- Helpers.

    def start_web(self, *flags):
        web = self.stack.start_web(*flags)
        self.webs.append(web)
        return web

    def person(self, role="viewer", linked=True, units=()):
        """A new principal linked (or not) to a new subject at the
        provider; (principal, subject, display name)."""
        subject = f"sub-{uuid.uuid4().hex}"
        display = f"Testperson {subject[-6:]}"
        principal = self.stack.create_person(
            display, role, units, subject if linked else None)
        return principal, subject, display

    def begin(self, web=None, agent=None, next_path="/"):
        """GET /oidc/start: brevis-web's 303 to the provider's authorization
        endpoint; that URL."""
        web, agent = web or self.web, agent or self.agent
        response = agent.request(f"{web.url}/oidc/start?next="
                                 + urllib.parse.quote(next_path, safe=""))
        self.assertEqual(response.status, 303, response)
        self.assertTrue(response.location().startswith(
            self.idp.issuer + "/authorize?"), response)
        return response.location()

    def authorize(self, location, web=None, agent=None):
        """The provider's answer to `location`: a redirect to brevis-web's
        callback; that URL."""
        web, agent = web or self.web, agent or self.agent
        response = agent.request(location)
        self.assertEqual(response.status, 302, response)
        self.assertTrue(response.location().startswith(
            web.url + "/oidc/callback?"), response)
        return response.location()

    def sign_in(self, subject, web=None, agent=None, next_path="/"):
        """The whole flow as `subject`; the callback's response."""
        web, agent = web or self.web, agent or self.agent
        self.idp.control(subject=subject)
        callback = self.authorize(self.begin(web, agent, next_path), web,
                                  agent)
        return agent.request(callback)

    def assert_signed_in(self, response, display, web=None, agent=None,
                         next_path="/"):
        web, agent = web or self.web, agent or self.agent
        self.assertEqual(response.status, 303, response)
        self.assertEqual(response.location(), next_path, response)
        self.assertTrue(agent.cookie(SESSION_COOKIE), response)
        start = agent.request(web.url + next_path)
        self.assertEqual(start.status, 200, start)
        self.assertIn(display, start.body)
        return start

    def assert_refused(self, response, status, reason, why, web=None,
                       agent=None, secrets=()):
        """The failure page with `reason` and `status`, no session, and one
        log line saying `why` (a regular expression) without `secrets`."""
        web, agent = web or self.web, agent or self.agent
        self.assertEqual(response.failure_reason(), reason, response)
        self.assertEqual(response.status, status, response)
        self.assertFalse([c for c in response.set_cookies()
                          if SESSION_COOKIE in c.split("=")[0]], response)
        self.assertIsNone(agent.cookie(SESSION_COOKIE))
        # No session: the start page sends the browser to sign in.
        start = agent.request(web.url + "/")
        self.assertEqual(start.status, 303, start)
        self.assertTrue(start.location().startswith("/sign-in"), start)
        lines = oidc_harness.refusals(web)
        self.assertEqual(len(lines), 1, lines)
        self.assertRegex(str(lines[0]), re.compile(why, re.IGNORECASE))
        log = web.text()
        for secret in secrets:
            self.assertNotIn(secret, log)

    def refused_token(self, why, **fault):
        """A linked person signs in while the provider puts `fault` into
        the ID token: 401 id-token, saying `why`."""
        _, subject, _ = self.person()
        self.idp.control(**fault)
        response = self.sign_in(subject)
        code = query(response.url)["code"]
        self.assert_refused(response, 401, "id-token", why, secrets=[code])
        # The provider did issue the token (the fault is spent).
        self.assertEqual(self.idp.state()["faults"], {})
        self.assertIn("issued an ID token with", self.idp.tail())

    # ----- The happy path.

    def test_signs_in_and_out_through_the_provider(self):
        _, subject, display = self.person()
        location = self.begin(next_path="/overview")
        asked = query(location)
        self.assertEqual(asked["response_type"], "code")
        self.assertEqual(asked["client_id"], oidc_harness.CLIENT_ID)
        self.assertEqual(asked["redirect_uri"],
                         self.web.url + "/oidc/callback")
        self.assertEqual(asked["code_challenge_method"], "S256")
        self.assertIn("openid", asked["scope"].split())
        self.assertTrue(asked["state"] and asked["nonce"], asked)
        self.assertNotIn("acr_values", asked)
        self.idp.control(subject=subject)
        callback = self.authorize(location)
        response = self.agent.request(callback)
        self.assert_signed_in(response, display, next_path="/overview")
        start = self.agent.request(self.web.url + "/")
        self.assertEqual(start.status, 200, start)
        self.assertIn(display, start.body)
        # The code is a secret: brevis-web does not log it.
        self.assertNotIn(query(callback)["code"], self.web.tail(200))

        # The sign-out form leads to the provider: the page's policy lets
        # it (a browser applies form-action to the redirect too).
        self.assertIn(f"form-action 'self' {self.idp.issuer};",
                      start.headers["Content-Security-Policy"])
        csrf = re.search(r'name="csrf" value="([^"]+)"', start.body)
        self.assertTrue(csrf, start)
        out = self.agent.request(self.web.url + "/sign-out",
                                 {"csrf": csrf.group(1)})
        self.assertEqual(out.status, 303, out)
        end = query(out.location())
        self.assertTrue(out.location().startswith(
            self.idp.issuer + "/end-session?"), out)
        self.assertEqual(end["post_logout_redirect_uri"],
                         self.web.url + "/signed-out")
        self.assertEqual(end["client_id"], oidc_harness.CLIENT_ID)
        self.assertTrue(end["id_token_hint"])
        back = self.agent.request(out.location())
        self.assertEqual(back.status, 302, back)
        self.assertTrue(back.location().startswith(
            self.web.url + "/signed-out"), back)
        signed_out = self.agent.request(urllib.parse.urljoin(
            back.url, back.location()))
        self.assertEqual(signed_out.status, 200, signed_out)
        self.assertIn('href="/sign-in', signed_out.body)
        # The provider saw the hint of this person's token; brevis-web
        # forgot the session.
        self.assertEqual(self.idp.state()["logouts"][-1], subject)
        again = self.agent.request(self.web.url + "/")
        self.assertEqual(again.status, 303, again)
        self.assertTrue(again.location().startswith("/sign-in"), again)

    def test_sign_in_page_offers_the_provider(self):
        page = self.agent.request(self.web.url + "/sign-in?next=%2Foverview")
        self.assertEqual(page.status, 200, page)
        self.assertIn("testleverantören", page.body)
        self.assertIn('href="/oidc/start?next=%2Foverview"', page.body)

    # ----- The ID token, refused.

    def test_bad_signature(self):
        self.refused_token(r"signature", bad_signature=True)

    def test_alg_none(self):
        self.refused_token(r"\bnone\b", alg_none=True)

    def test_hs256_with_the_public_key(self):
        self.refused_token(r"HS256", hs256_with_public_key=True)

    def test_wrong_issuer(self):
        self.refused_token(r"\biss\b|issuer", wrong_iss=True)

    def test_wrong_audience(self):
        self.refused_token(r"\baud\b|audience", wrong_aud=True)

    def test_several_audiences_without_azp(self):
        self.refused_token(r"\bazp\b", claims={
            "aud": [oidc_harness.CLIENT_ID, "another-client"]})

    def test_expired(self):
        self.refused_token(r"expired", expired=True)

    def test_issued_in_the_future(self):
        self.refused_token(r"\biat\b|future", iat_future=True)

    def test_wrong_nonce(self):
        self.refused_token(r"nonce", wrong_nonce=True)

    def test_acr_below_the_required_level(self):
        web = self.start_web("--oidc-acr", ACR_REQUIRED)
        _, subject, display = self.person()
        self.idp.control(subject=subject)
        location = self.begin(web)
        self.assertEqual(query(location)["acr_values"], ACR_REQUIRED)
        # With the level asked for, the sign-in goes through.
        self.assert_signed_in(self.agent.request(
            self.authorize(location, web)), display, web)
        agent = Agent(self.idp.ca)
        self.idp.control(acr=ACR_LOWER)
        response = self.sign_in(subject, web, agent)
        self.assert_refused(response, 401, "id-token", r"\bacr\b", web, agent)

    def test_key_rotated_at_the_provider_is_accepted_after_refetch(self):
        _, subject, display = self.person()
        self.assert_signed_in(self.sign_in(subject), display)
        fetched = self.idp.state()["counts"]["jwks"]
        old_kids = self.idp.state()["kids"]
        new_kids = self.idp.control(rotate_keys=True)["kids"]
        self.assertFalse(set(old_kids) & set(new_kids))
        agent = Agent(self.idp.ca)
        self.assert_signed_in(self.sign_in(subject, agent=agent), display,
                              agent=agent)
        self.assertEqual(self.idp.state()["counts"]["jwks"], fetched + 1)
        # ES256 keys rotate too and are fetched the same way.
        agent = Agent(self.idp.ca)
        self.idp.control(alg="ES256")
        self.assert_signed_in(self.sign_in(subject, agent=agent), display,
                              agent=agent)

    # ----- The flow, refused.

    def test_replayed_authorization_code(self):
        _, subject, display = self.person()
        self.idp.control(subject=subject)
        callback = self.authorize(self.begin())
        self.assert_signed_in(self.agent.request(callback), display)
        # Someone else replays the code with a pre-session of their own, so
        # the state matches and only the provider can tell.
        thief = Agent(self.idp.ca)
        location = self.begin(agent=thief)
        code = query(callback)["code"]
        replay = (f"{self.web.url}/oidc/callback?" + urllib.parse.urlencode(
            {"code": code, "state": query(location)["state"]}))
        response = thief.request(replay)
        self.assert_refused(response, 401, "token-endpoint",
                            r"invalid_grant", agent=thief, secrets=[code])
        self.assertIn("the code was already used", self.idp.tail())

    def test_wrong_state(self):
        def change(values):
            values["state"] = values["state"][:-2] + (
                "AA" if values["state"][-2:] != "AA" else "BB")
        self.refused_callback(change)

    def test_missing_state(self):
        self.refused_callback(lambda values: values.pop("state"))

    def refused_callback(self, change):
        """The provider's callback with its query changed by `change`:
        401 state, and the code never reached the token endpoint."""
        _, subject, _ = self.person()
        self.idp.control(subject=subject)
        values = query(self.authorize(self.begin()))
        change(values)
        tokens = self.idp.state()["counts"]["token"]
        response = self.agent.request(
            f"{self.web.url}/oidc/callback?{urllib.parse.urlencode(values)}")
        self.assert_refused(response, 401, "state", r"state",
                            secrets=[values["code"]])
        self.assertEqual(self.idp.state()["counts"]["token"], tokens)

    def test_provider_answers_with_an_error(self):
        self.person()
        self.idp.control(authorize_error="access_denied")
        response = self.agent.request(self.authorize(self.begin()))
        self.assert_refused(response, 401, "idp-error", r"access_denied")

    # ----- Who the person is, refused.

    def test_unknown_subject_is_not_registered(self):
        _, subject, _ = self.person(linked=False)
        response = self.sign_in(subject)
        self.assert_refused(response, 403, "not-registered",
                            r"no principal has this sign-in identity",
                            secrets=[subject])
        self.assertIn("samordnare@example.se", response.body)

    def test_deactivated_principal(self):
        principal, subject, _ = self.person()
        self.stack.ctl("principals", "deactivate", principal)
        response = self.sign_in(subject)
        self.assert_refused(response, 403, "deactivated", r"deactivated",
                            secrets=[subject])

    # ----- The provider, down.

    def test_provider_down_gives_a_page_in_time(self):
        _, subject, display = self.person()
        self.idp.control(subject=subject)
        callback = self.authorize(self.begin())
        self.idp.control(down="close")
        began = time.monotonic()
        response = self.agent.request(callback)
        took = time.monotonic() - began
        self.assert_refused(response, 503, "idp-unavailable",
                            r"token endpoint: .*(reply|connect|closed)")
        self.assertLess(took, oidc_harness.IDP_BOUND_SECONDS)
        # brevis-web still serves, and signs in once the provider is back.
        self.assertEqual(self.agent.request(self.web.url + "/sign-in").status,
                         200)
        self.idp.control(down=False)
        agent = Agent(self.idp.ca)
        self.assert_signed_in(self.sign_in(subject, agent=agent), display,
                              agent=agent)

    def test_provider_that_hangs_gives_a_page_within_the_bound(self):
        _, subject, _ = self.person()
        self.idp.control(subject=subject)
        callback = self.authorize(self.begin())
        self.idp.control(down="hang")
        began = time.monotonic()
        response = self.agent.request(callback)
        took = time.monotonic() - began
        self.idp.control(down=False)
        self.assert_refused(response, 503, "idp-unavailable",
                            r"token endpoint: .*(timed out|timeout)")
        self.assertLess(took, oidc_harness.IDP_BOUND_SECONDS)
        self.assertEqual(self.agent.request(self.web.url + "/healthz").status,
                         200)

    def test_provider_down_before_brevis_web_knew_it(self):
        self.idp.control(down="close")
        web = self.start_web()
        response = self.agent.request(f"{web.url}/oidc/start?next=%2F")
        self.assert_refused(response, 503, "idp-unavailable",
                            r"discovery: .*(reply|connect|closed)", web)
        self.assertEqual(self.agent.request(web.url + "/sign-in").status, 200)


def query(url):
    """The query parameters of `url`, one value each."""
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query,
                                       keep_blank_values=True))


if __name__ == "__main__":
    ARGS = harness.parse_arguments(browser=False)
    unittest.main(verbosity=2)
