#!/usr/bin/python3
"""Every role's flow through brevis-web in headless Chromium, on the example
audit of the domain description (BUP Prima Handen 2026):

  1. the admin commissions it with a team of two auditors;
  2. an auditor takes it from PLANNED to PUBLISHED: sessions, findings,
     recommendations, each transition;
  3. the unit manager responds to each recommendation, adds actions and
     moves it to IN_PROGRESS, with the keyboard alone;
  4. the auditor moves it to FOLLOW_UP, records the verdicts and the
     feedback to service users, and closes it;
  5. the viewer finds it in the regional overview;
  6. another unit's manager gets 404 for every page of it, exactly as for
     an audit that does not exist.

axe-core runs on every page the browser lands on, at desktop width and at
390 px (harness.Browser.check_page); the last test fails on any violation
and prints each with its selectors. Screenshots of the main pages at both
widths go to --screenshots. The steps share one brevisd and brevis-web and
run in order; after a failed step the later ones are skipped.

Run: flows_test.py --brevisd B --brevisctl C --brevis-web W --axe AXE
     --screenshots DIR
"""

import re
import sys
import unittest

from selenium.webdriver.common.keys import Keys

import harness

ARGS = None

# The example audit (domain description, "A realistic example").
TITLE = "Brukarrevision BUP Prima Handen 2026"
SESSIONS = ([("SESSION_KIND_INTERVIEW", "INFORMANT_GROUP_YOUNG_PERSON", 1)] * 6 +
            [("SESSION_KIND_FOCUS_GROUP", "INFORMANT_GROUP_CHILD", 4),
             ("SESSION_KIND_FOCUS_GROUP", "INFORMANT_GROUP_CHILD", 3),
             ("SESSION_KIND_FOCUS_GROUP", "INFORMANT_GROUP_GUARDIAN", 5)])
FINDINGS = [
    {"focus_area": "FOCUS_AREA_RESPECT", "kind": "FINDING_KIND_STRENGTH",
     "text": "De flesta unga beskriver att de blir lyssnade på och tagna på "
             "allvar av sin behandlare.",
     "informant_groups": ["INFORMANT_GROUP_YOUNG_PERSON"]},
    {"focus_area": "FOCUS_AREA_PARTICIPATION",
     "kind": "FINDING_KIND_IMPROVEMENT_AREA",
     "text": "Flera unga säger att de inte får vara med när beslut om deras "
             "behandling fattas.",
     "informant_groups": ["INFORMANT_GROUP_YOUNG_PERSON"],
     "child_rights_articles": "12"},
    {"focus_area": "FOCUS_AREA_INFORMATION",
     "kind": "FINDING_KIND_IMPROVEMENT_AREA",
     "text": "Vårdnadshavare vet inte vad en SIP är eller hur man begär en.",
     "informant_groups": ["INFORMANT_GROUP_GUARDIAN"], "sip": True},
]
# Each answers the finding at that index of FINDINGS.
RECOMMENDATIONS = [
    ("Inför en rutin där den unge själv får ge sin syn innan beslut om "
     "behandling", 1, "PRIORITY_HIGH"),
    ("Ge skriftlig information om SIP på lättläst svenska vid första besöket",
     2, "PRIORITY_MEDIUM"),
]
ACTIONS = [
    ("Rutin för att den unge ger sin syn före behandlingsbeslut",
     "Enhetschef", "2027-03-31"),
    ("Lättläst SIP-information i välkomstbrevet", "Kurator", "2027-02-28"),
]
VERDICTS = ["VERDICT_IMPLEMENTED", "VERDICT_PARTLY_IMPLEMENTED"]


class Flows(harness.Steps):
    """The steps in order on one brevisd and brevis-web (see the module)."""

    maxDiff = None
    audit = None  # "audits/…" once commissioned
    recommendations = []

    @classmethod
    def setUpClass(cls):
        cls.start_steps(harness.Stack(ARGS), cls.seed)

    @classmethod
    def seed(cls, s):
        cls.unit = s.create_unit("BUP Prima Handen")
        cls.other_unit = s.create_unit("BUP Norra Länken")
        cls.auditor = s.create_principal("Revisor Ett", "auditor")
        cls.second_auditor = s.create_principal("Revisor Två", "auditor")
        cls.manager = s.create_principal("Enhetschef Prima Handen",
                                         "unit_manager", [cls.unit])
        cls.other_manager = s.create_principal(
            "Enhetschef Norra Länken", "unit_manager", [cls.other_unit])
        cls.viewer = s.create_principal("Regional strateg", "viewer")
        cls.browser = harness.Browser(ARGS, s.web_url)

    # ----- Helpers.

    def sign_in(self, principal):
        """Signs `principal` in with a new one-time link (a fresh browser
        session: cookies of the last person are dropped first)."""
        self.b.clear_cookies()
        self.b.open(self.stack.sign_in_link(principal))
        self.b.press_button("Logga in")
        self.assertEqual(self.b.path(), "/", self.b.status_text())

    def sign_out(self):
        self.b.press_button("Logga ut")
        self.assertTrue(self.b.path().startswith("/sign-in"), self.b.path())

    def click_href(self, href):
        """Follows the link to `href` on the current page (which proves the
        page offers it) and checks the page it leads to."""
        links = self.b.driver.find_elements(
            "css selector", f"a[href='{href}']")
        self.assertTrue(links, f"no link to {href} on {self.b.path()}:\n"
                        f"{self.b.status_text()}")
        self.b.activate(links[0])

    def audit_path(self):
        return "/" + Flows.audit

    def go_to_audit(self):
        self.b.open("/")
        self.click_href(self.audit_path())
        self.assertEqual(self.b.path(), self.audit_path())

    def set_dates(self, fields):
        """Date inputs take their value through the DOM: what typing
        produces depends on the browser's locale (the keyboard-only step
        types one for real)."""
        for name, value in fields.items():
            element = self.b.driver.find_element("name", name)
            self.b.driver.execute_script("arguments[0].value = arguments[1];",
                                         element, value)

    def submit_ok(self, button, expected_path):
        self.b.press_button(button)
        self.assertEqual(self.b.path(), expected_path,
                         "the form was refused:\n" + self.b.status_text())

    def transition(self, state, reason=""):
        self.click_href(self.audit_path() + "/transition")
        self.b.fill({"state": state})
        if reason:
            self.b.fill({"reason": reason})
        self.submit_ok("Byt läge", self.audit_path())

    def state_text(self):
        match = re.search(r"Läge: ([^·\n]+)", self.b.status_text())
        return match.group(1).strip() if match else ""

    # ----- The steps.

    def test_1_admin_commissions_the_example_audit(self):
        self.sign_in(self.stack.admin)
        self.b.screenshot("start-admin")
        for page in ("/units", "/principals", "/settings",
                     f"/{self.auditor}/contact"):
            self.b.open(page)
        self.b.open("/")
        self.click_href("/audits/new")
        self.b.fill({
            "unit": self.unit, "title": TITLE,
            "commissioned_by": "Regionens programområde för psykisk hälsa",
            "focus_areas": ["FOCUS_AREA_PARTICIPATION", "FOCUS_AREA_RESPECT",
                            "FOCUS_AREA_INFORMATION",
                            "FOCUS_AREA_CHILD_RIGHTS"],
            "auditors": [self.auditor, self.second_auditor]})
        self.set_dates({"planned_start_date": "2026-02-01",
                        "planned_report_date": "2026-05-15",
                        "planned_follow_up_date": "2026-11-15"})
        self.b.press_button("Beställ revisionen")
        match = re.fullmatch(r"/(audits/[^/]+)", self.b.path())
        self.assertTrue(match, "no audit page after commissioning:\n" +
                        self.b.status_text())
        Flows.audit = match.group(1)
        self.assertEqual(self.b.heading(), TITLE)
        self.assertEqual(self.state_text(), "planerad")
        self.sign_out()

    def test_2_auditor_takes_it_to_publication(self):
        self.sign_in(self.auditor)
        self.b.screenshot("start-auditor")
        self.go_to_audit()
        self.transition("AUDIT_STATE_FIELDWORK")
        for kind, group, count in SESSIONS:
            self.click_href(self.audit_path() + "/sessions/new")
            self.set_dates({"date": "2026-03-10"})
            self.b.fill({"kind": kind, "informant_group": group,
                         "participant_count": str(count)})
            self.submit_ok("Spara intervjun", self.audit_path())
        for finding in FINDINGS:
            self.click_href(self.audit_path() + "/findings/new")
            self.b.fill(finding)
            self.submit_ok("Spara iakttagelsen", self.audit_path())
        page = self.b.status_text()
        for finding in FINDINGS:
            self.assertIn(finding["text"], page)
        self.transition("AUDIT_STATE_REPORTING")
        finding_names = [
            e.get_attribute("id") for e in self.b.driver.find_elements(
                "css selector", "section[aria-labelledby='findings'] article")]
        self.assertEqual(len(finding_names), len(FINDINGS), page)
        for text, index, priority in RECOMMENDATIONS:
            self.click_href(self.audit_path() + "/recommendations/new")
            self.b.fill({"text": text, "priority": priority,
                         "findings": [finding_names[index]]})
            self.submit_ok("Spara rekommendationen", self.audit_path())
        Flows.recommendations = [
            f"{Flows.audit}/recommendations/{e.get_attribute('id')}"
            for e in self.b.driver.find_elements(
                "css selector", "section[aria-labelledby='recs'] article")]
        self.assertEqual(len(Flows.recommendations), len(RECOMMENDATIONS))
        self.transition("AUDIT_STATE_PUBLISHED")
        self.assertEqual(self.state_text(), "publicerad")
        self.b.screenshot("audit-published")
        self.sign_out()

    def test_3_unit_manager_responds_with_the_keyboard_alone(self):
        b = self.b
        b.clear_cookies()
        b.open(self.stack.sign_in_link(self.manager))
        b.key_press("Logga in")
        self.assertEqual(b.path(), "/")
        self.assertIn(TITLE, b.status_text())
        b.screenshot("start-unit-manager")
        link = b.tab_to(lambda e: (e.get_attribute("href") or "")
                        .endswith(self.audit_path()),
                 "the audit's link")
        b.activate(link, Keys.ENTER)
        self.assertEqual(b.path(), self.audit_path())
        for recommendation, action in zip(Flows.recommendations, ACTIONS):
            b.activate(b.tab_to(lambda e, r=recommendation: (
                e.get_attribute("href") or "").endswith(f"/{r}/respond"),
                "Svara"), Keys.ENTER)
            b.key_fill({"decision": "accepterar",
                        "rationale": "Vi håller med och gör det i år."})
            b.key_press("Spara svaret")
            self.assertEqual(b.path(), self.audit_path(), b.status_text())
            self.assertIn("accepterar: Vi håller med", b.status_text())
            b.activate(b.tab_to(lambda e, r=recommendation: (
                e.get_attribute("href") or "").endswith(f"/{r}/actions/new"),
                "Ny åtgärd"), Keys.ENTER)
            description, responsible, due = action
            b.key_fill({"description": description,
                        "responsible": responsible})
            b.key_date("due_date", due)
            b.key_press("Spara åtgärden")
            self.assertEqual(b.path(), self.audit_path(), b.status_text())
            self.assertIn(description, b.status_text())
        b.key_follow("Byt läge")
        b.key_fill({"state": "pågående"})
        b.key_press("Byt läge")
        self.assertEqual(b.path(), self.audit_path(), b.status_text())
        self.assertEqual(self.state_text(), "pågående")
        b.screenshot("audit-in-progress")
        b.key_press("Logga ut")

    def test_4_auditor_follows_up_and_closes(self):
        self.sign_in(self.auditor)
        self.go_to_audit()
        self.transition("AUDIT_STATE_FOLLOW_UP")
        for recommendation, verdict in zip(Flows.recommendations, VERDICTS):
            self.click_href(f"/{recommendation}/verdict")
            self.b.fill({"verdict": verdict,
                         "comment": "Bedömt vid uppföljningsintervjuer."})
            self.submit_ok("Spara bedömningen", self.audit_path())
        self.click_href(self.audit_path() + "/feedback/new")
        self.set_dates({"date": "2026-06-01"})
        self.b.fill({"audiences": ["INFORMANT_GROUP_YOUNG_PERSON",
                                   "INFORMANT_GROUP_GUARDIAN"],
                     "form": "FEEDBACK_FORM_CHILD_FRIENDLY_SUMMARY"})
        self.submit_ok("Spara återkopplingen", self.audit_path())
        self.transition("AUDIT_STATE_CLOSED")
        self.assertEqual(self.state_text(), "avslutad")
        self.b.screenshot("audit-closed")
        self.click_href(self.audit_path() + "/report")
        # The HTML report is in place, in a frame of the page.
        driver = self.b.driver
        driver.switch_to.frame(driver.find_element("css selector",
                                                   "iframe.report"))
        try:
            self.assertIn(FINDINGS[1]["text"], self.b.status_text())
        finally:
            driver.switch_to.default_content()
        self.b.screenshot("report")
        self.sign_out()

    def test_5_viewer_sees_it_in_the_overview(self):
        self.sign_in(self.viewer)
        # The viewer's start page is the regional overview.
        for path in ("/", "/overview"):
            self.b.open(path)
            self.assertEqual(self.b.heading(), "Regional översikt")
            page = self.b.status_text()
            self.assertIn("BUP Prima Handen avslutad: 1", page)
            # One of two recommendations implemented at follow-up (the
            # other partly, which does not count).
            self.assertIn("50 % (1/2)", page)
            self.assertIn(TITLE, page)
        self.b.screenshot("overview")
        self.sign_out()

    def test_6_other_units_manager_gets_404(self):
        self.sign_in(self.other_manager)
        self.assertNotIn(TITLE, self.b.status_text())
        missing = "/audits/0123456789abcdef"
        self.assertEqual(self.b.http_status(missing), 404)
        self.b.open(missing)
        missing_page = self.b.status_text()
        recommendation = "/" + Flows.recommendations[0]
        for path in (self.audit_path(), self.audit_path() + "/report",
                     self.audit_path() + "/report.csv",
                     self.audit_path() + "/transition",
                     recommendation + "/respond",
                     recommendation + "/actions/new"):
            self.assertEqual(self.b.http_status(path), 404, path)
        self.b.open(self.audit_path())
        self.assertEqual(self.b.status_text(), missing_page)
        self.sign_out()


if __name__ == "__main__":
    ARGS = harness.parse_arguments(browser=True)
    unittest.main(verbosity=2)
