#!/usr/bin/python3
"""A person signs in to brevis-web through the test OpenID provider's form
in headless Chromium, and sees exactly what their principal may see.

brevisd (mutual TLS), the test provider and brevis-web (HTTPS, relying on
the provider) are started by oidc_harness.OidcStack; Chromium trusts their
certificates by public key. Two units each have a published audit; the
manager of the first signs in through the provider's form and sees that
unit's audit, not the other's (404, as for an audit that does not exist),
then signs out through the provider back to /signed-out. A callback without
a pre-session and a person no principal carries get their failure pages.
axe-core checks every page the browser lands on (the sign-in page with the
provider's button, the provider's form, the failure pages, /signed-out) at
desktop and phone width; the last test fails on any violation. The steps
share the processes and run in order; after a failed step the later ones
are skipped.

Run: oidc_sign_in_test.py --brevisd B --brevisctl C --brevis-web W
     --axe AXE --screenshots DIR
"""

import sys
import unittest
import urllib.parse

from selenium.webdriver.common.by import By

import harness
import oidc_harness

ARGS = None
TITLE_A = "Brukarrevision BUP Enhet Ett 2026"
TITLE_B = "Brukarrevision BUP Enhet Två 2026"


class SignInWithTheProvider(harness.Steps):
    """The steps in order (see the module)."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.start_steps(oidc_harness.OidcStack(ARGS), cls.seed)

    @classmethod
    def seed(cls, s):
        unit_a = s.create_unit("BUP Enhet Ett")
        unit_b = s.create_unit("BUP Enhet Två")
        auditor = s.create_person("Revisor Ett", "auditor")
        cls.audit_a = s.publish_audit(unit_a, TITLE_A, auditor)
        cls.audit_b = s.publish_audit(unit_b, TITLE_B, auditor)
        cls.manager_subject = "SE2321000016-enhetschef-ett"
        s.create_person("Enhetschef Ett", "unit_manager", [unit_a],
                        cls.manager_subject)
        s.create_person("Enhetschef Två", "unit_manager", [unit_b],
                        "SE2321000016-enhetschef-tva")
        cls.web = s.start_web(*s.web_tls_flags())
        cls.browser = harness.Browser(ARGS, cls.web.url, s.browser_trust())

    def sign_in_with_the_provider(self, subject, next_path="/"):
        """From brevis-web's sign-in page through the provider's form."""
        self.b.open("/sign-in?next=" + urllib.parse.quote(next_path, safe=""))
        buttons = self.b.driver.find_elements(
            By.CSS_SELECTOR, "a[href^='/oidc/start']")
        self.assertTrue(buttons, "no sign-in with the provider on "
                        f"/sign-in:\n{self.b.status_text()}")
        self.assertIn("testleverantören", buttons[0].text)
        self.b.activate(buttons[0])
        self.assertTrue(self.b.driver.current_url.startswith(
            self.stack.idp.issuer + "/authorize"), self.b.driver.current_url)
        self.b.fill({"subject": subject})
        self.b.press_button("Sign in")

    def http_status(self, path):
        return self.b.http_status(path, self.stack.cert("ca.crt"))

    def reason(self):
        mains = self.b.driver.find_elements(By.CSS_SELECTOR,
                                            "main#sign-in-failed")
        return mains[0].get_attribute("data-reason") if mains else None

    # ----- The steps.

    def test_1_unit_manager_signs_in_and_sees_their_unit_only(self):
        self.sign_in_with_the_provider(self.manager_subject)
        self.assertEqual(self.b.path(), "/", self.b.status_text())
        page = self.b.status_text()
        self.assertIn("Enhetschef Ett", page)
        self.assertIn(TITLE_A, page)
        self.assertNotIn(TITLE_B, page)
        self.b.screenshot("oidc-start-unit-manager")
        self.b.open("/" + self.audit_a)
        self.assertEqual(self.b.heading(), TITLE_A)
        self.assertEqual(self.http_status("/" + self.audit_a), 200)
        for path in ("/" + self.audit_b, "/" + self.audit_b + "/report",
                     "/audits/0123456789abcdef"):
            self.assertEqual(self.http_status(path), 404, path)

    def test_2_signs_out_through_the_provider(self):
        self.b.press_button("Logga ut")
        self.assertEqual(self.b.path(), "/signed-out", self.b.status_text())
        self.b.screenshot("oidc-signed-out")
        self.assertEqual(self.stack.idp.state()["logouts"][-1],
                         self.manager_subject)
        self.assertEqual(self.http_status("/"), 303)

    def test_3_failure_pages(self):
        # A callback that no sign-in of this browser started.
        self.b.open("/oidc/callback?code=x&state=y")
        self.assertEqual(self.reason(), "state", self.b.status_text())
        self.b.screenshot("oidc-failed")
        # Someone the provider knows but brevis does not.
        self.sign_in_with_the_provider("SE2321000016-okand")
        self.assertEqual(self.reason(), "not-registered", self.b.status_text())
        self.assertIn("samordnare@example.se", self.b.status_text())
        self.assertEqual(self.http_status("/"), 303)


if __name__ == "__main__":
    ARGS = harness.parse_arguments(browser=True)
    unittest.main(verbosity=2)
