"""What the browser tests share: a fresh brevisd and brevis-web on loopback
ports, people seeded through brevisctl, and headless Chromium driven by
Debian's python3-selenium, with axe-core run on every page it shows.

Nothing here sleeps to synchronise: servers are ready when they print their
"listening on" line, and the browser waits for a page's load event (Selenium
does) before anything is read from it.
"""

import argparse
import collections
import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

# How long a server may take to say it is listening, and to stop.
START_SECONDS = 20
STOP_SECONDS = 10
# Each brevisctl call; each page load in the browser.
CTL_SECONDS = 30
PAGE_SECONDS = 30

DESKTOP = (1280, 900)
PHONE = (390, 844)


def add_server_arguments(parser):
    """The programs a Stack starts."""
    parser.add_argument("--brevisd", required=True)
    parser.add_argument("--brevisctl", required=True)
    parser.add_argument("--brevis-web", required=True)


def add_browser_arguments(parser):
    """What a Browser needs: Chromium, ChromeDriver, axe-core and a folder
    for screenshots."""
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--axe", required=True,
                        help="axe.min.js, fetched by fetch_tools.sh")
    parser.add_argument("--screenshots", required=True)


def parse_arguments(browser):
    """The servers' arguments (and with `browser`, the browser's); what is
    left of the command line stays in sys.argv for unittest."""
    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    if browser:
        add_browser_arguments(parser)
    args, rest = parser.parse_known_args()
    sys.argv[1:] = rest
    return args


def describe_returncode(code):
    """How a child ended, from subprocess's returncode."""
    if code is None:
        return "still running"
    if code < 0:
        return f"ended by signal {-code} ({signal.Signals(-code).name})"
    return f"exit code {code}"


class Server:
    """A child process whose stdout and stderr go to one log file."""

    def __init__(self, name, argv, log_path):
        self.name = name
        self.log_path = log_path
        # O_APPEND, and read through a file of its own (text()): a reader's
        # seek on a shared file offset would make the child write over its
        # own earlier lines.
        self.log = open(log_path, "ab")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            argv, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def wait_for_line(self, prefix):
        """The rest of the first log line starting with `prefix`, once the
        server has written it; RuntimeError when it ends first or takes
        longer than START_SECONDS."""
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            # Whole lines only: a line may be written in several pieces.
            done = self.text().rpartition("\n")[0]
            for line in done.splitlines():
                if line.startswith(prefix):
                    return line[len(prefix):].split(" ")[0]
            if self.process.poll() is not None:
                break
            time.sleep(0.05)  # polling a file: the only way to see a line
        raise RuntimeError(f"{self.name} did not print '{prefix}':\n" +
                           self.ending())

    def text(self):
        """The whole log so far."""
        with open(self.log_path, "rb") as log:
            return log.read().decode(errors="replace")

    def tail(self, lines=30):
        return "\n".join(self.text().splitlines()[-lines:])

    def ending(self):
        """How the process ended (or that it runs) and its log's tail."""
        return (f"--- {self.name}: {describe_returncode(self.process.poll())}; "
                f"last lines of {self.log_path}:\n{self.tail()}")

    def stop(self):
        """SIGTERM, then SIGKILL after STOP_SECONDS; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.flush()
        return self.process.returncode


# deploy/make-certs.sh, beside this file's folder's parent.
MAKE_CERTS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          os.pardir, os.pardir, "deploy", "make-certs.sh")


class Stack:
    """brevisd on a fresh database and brevis-web in front of it, both on
    127.0.0.1 with ports the kernel picks; brevisctl as the first admin.
    brevisd serves TLS with the certificates of deploy/make-certs.sh, and
    brevis-web signs in to it over mutual TLS as its own integration
    principal (SCOPE_SIGN_IN, certificate subject brevis-integration), as
    in production."""

    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="brevis-browser-")
        self.certs = os.path.join(self.work, "certs")
        subprocess.run(["bash", MAKE_CERTS, self.certs], check=True,
                       stdout=subprocess.DEVNULL, timeout=START_SECONDS)
        db = os.path.join(self.work, "db", "brevis.db")
        subprocess.run([args.brevisd, "init", "--db", db], check=True,
                       stdout=subprocess.DEVNULL, timeout=START_SECONDS)
        self.token_file = os.path.join(self.work, "db", "admin.token")
        self.servers = []
        try:
            self._start(db)
        except Exception:
            # A server that did start must not outlive the failed start.
            for server in self.servers:
                server.stop()
            raise

    def cert(self, name):
        """A file deploy/make-certs.sh made for this stack."""
        return os.path.join(self.certs, name)

    def _start(self, db):
        self._start_brevisd(db)
        self.web_url = self.start_web().url

    def _start_brevisd(self, db):
        """brevisd, the first admin's name, and brevis-web's principal."""
        brevisd = Server("brevisd", [self.args.brevisd, "serve", "--db", db,
                                     "--listen", "127.0.0.1:0",
                                     "--tls-cert", self.cert("server.crt"),
                                     "--tls-key", self.cert("server.key"),
                                     "--client-ca", self.cert("ca.crt")],
                         os.path.join(self.work, "brevisd.log"))
        self.servers.append(brevisd)
        self.grpc_addr = brevisd.wait_for_line("brevisd: listening on ")
        self.admin = self.ctl("--quiet", "whoami").strip()
        self.web_principal = self.ctl(
            "--quiet", "principals", "create", "--display-name", "brevis-web",
            "--role", "integration", "--scope", "sign-in",
            "--certificate-subject", "brevis-integration").strip()

    def start_web(self, *extra, name="brevis-web"):
        """A brevis-web in front of brevisd, signed in to it with the client
        certificate; a Server with `url`, once it listens. `extra` flags are
        added to its command line."""
        web = Server(name, [self.args.brevis_web, "--listen", "127.0.0.1:0",
                            "--brevis-addr", self.grpc_addr,
                            "--brevis-ca", self.cert("ca.crt"),
                            "--brevis-cert", self.cert("client.crt"),
                            "--brevis-key", self.cert("client.key"), *extra],
                     os.path.join(self.work, f"{name}.log"))
        self.servers.append(web)
        web.url = web.wait_for_line("brevis-web: listening on ")
        return web

    def ctl(self, *argv, token_file=None):
        """brevisctl as the first admin (or with `token_file`); its stdout.
        A failure raises with brevisctl's stderr."""
        result = subprocess.run(
            [self.args.brevisctl, "--addr", self.grpc_addr, "--token-file",
             token_file or self.token_file, "--ca", self.cert("ca.crt"),
             *argv],
            capture_output=True, text=True,
            timeout=CTL_SECONDS, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"brevisctl {' '.join(argv)} exited "
                               f"{result.returncode}: {result.stderr}")
        return result.stdout

    def create_unit(self, display_name, region="Region Stockholm",
                    kind="outpatient"):
        return self.ctl("--quiet", "units", "create", "--display-name",
                        display_name, "--region", region,
                        "--kind", kind).strip()

    def create_principal(self, display_name, role, units=()):
        argv = ["--quiet", "principals", "create", "--display-name",
                display_name, "--role", role]
        for unit in units:
            argv += ["--unit", unit]
        return self.ctl(*argv).strip()

    def sign_in_link(self, principal):
        """A one-time sign-in link for `principal` into this brevis-web."""
        return self.ctl("principals", "sign-in-link", principal,
                        "--web-url", self.web_url).strip()

    def report(self):
        """How each process ended (or that it runs) and its log's tail."""
        return "\n".join(server.ending() for server in self.servers)

    def stop(self):
        """Stops brevis-web, then brevisd; their exit codes by name. The
        temporary directory goes too."""
        codes = {server.name: server.stop() for server in reversed(self.servers)}
        for server in self.servers:
            server.log.close()
        shutil.rmtree(self.work, ignore_errors=True)
        return codes


Violation = collections.namedtuple("Violation", "page width rule impact help "
                                   "targets")


class Browser:
    """Headless Chromium at desktop width. Every page it lands on is checked
    with axe-core at desktop and at phone width (check_page); violations are
    collected, not raised, so that one run lists all of them."""

    def __init__(self, args, base_url, extra_arguments=()):
        """`extra_arguments`: more Chromium flags (e.g. which certificates
        to trust)."""
        self.base_url = base_url.rstrip("/")
        with open(args.axe, encoding="utf-8") as axe_file:
            self.axe_source = axe_file.read()
        self.screenshots = args.screenshots
        os.makedirs(self.screenshots, exist_ok=True)
        options = webdriver.ChromeOptions()
        options.binary_location = args.chromium
        for argument in ("--headless=new", "--no-sandbox",
                         "--disable-dev-shm-usage", "--disable-gpu",
                         "--no-first-run", "--lang=sv-SE",
                         f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
                         *extra_arguments):
            options.add_argument(argument)
        self.driver = webdriver.Chrome(service=Service(args.chromedriver),
                                       options=options)
        self.driver.set_page_load_timeout(30)
        self.violations = []
        self.overflows = []
        self.pages_checked = 0

    def quit(self):
        self.driver.quit()

    def clear_cookies(self):
        self.driver.delete_all_cookies()

    # ----- Navigation; each lands on a page and checks it.

    def open(self, path_or_url):
        """Opens a path of brevis-web (or a whole URL) and checks the page."""
        url = (path_or_url if "://" in path_or_url
               else self.base_url + path_or_url)
        self.driver.get(url)
        self.check_page()

    def activate(self, element, key=None):
        """Clicks `element` (or presses `key` on it), waits until the page
        it leads to has loaded (the old document is gone and the new one
        complete; at most PAGE_SECONDS each) and checks that page."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        if key is None:
            element.click()
        else:
            element.send_keys(key)
        def gone(_):
            # Stale, or (Chromium, mid-navigation) a node of no document.
            try:
                old.is_enabled()
                return False
            except WebDriverException:
                return True

        wait = WebDriverWait(self.driver, PAGE_SECONDS)
        wait.until(gone)
        wait.until(lambda d: d.execute_script(
            "return document.readyState;") == "complete")
        self.check_page()

    def follow(self, text):
        """Clicks the link whose text is `text` and checks the new page."""
        self.activate(self.driver.find_element(By.LINK_TEXT, text))

    def path(self):
        """The current page's path and query, without the host or a
        fragment."""
        url = self.driver.current_url.split("#")[0]
        return url[len(self.base_url):] if url.startswith(self.base_url) else url

    def http_status(self, path, ca_file=None):
        """The HTTP status the server at base_url answers `path` with, in
        the browser's session (its cookies), without following redirects;
        `ca_file` verifies an https server's certificate."""
        url = urllib.parse.urlsplit(self.base_url)
        cookies = "; ".join(f"{c['name']}={c['value']}"
                            for c in self.driver.get_cookies())
        if url.scheme == "https":
            connection = http.client.HTTPSConnection(
                url.hostname, url.port, timeout=PAGE_SECONDS,
                context=ssl.create_default_context(cafile=ca_file))
        else:
            connection = http.client.HTTPConnection(url.hostname, url.port,
                                                    timeout=PAGE_SECONDS)
        try:
            connection.request("GET", path, headers={"Cookie": cookies})
            return connection.getresponse().status
        finally:
            connection.close()

    def status_text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def heading(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    # ----- Forms.

    def fill(self, fields):
        """Fills the form fields named in `fields`: text for inputs and text
        areas, the visible text (or value) of an option for selects, a bool
        for checkboxes, a list of values for a group of checkboxes."""
        for name, value in fields.items():
            elements = self.driver.find_elements(By.NAME, name)
            if not elements:
                raise AssertionError(f"no field named {name!r} on {self.path()}")
            first = elements[0]
            kind = (first.get_attribute("type") or "").lower()
            if first.tag_name == "select":
                self._select(first, value)
            elif kind in ("checkbox", "radio"):
                wanted = ({str(v) for v in value} if isinstance(value, (list, tuple))
                          else None)
                for element in elements:
                    on = (bool(value) if wanted is None
                          else element.get_attribute("value") in wanted)
                    if element.is_selected() != on:
                        element.click()
            else:
                first.clear()
                first.send_keys(value)

    @staticmethod
    def _select(element, value):
        from selenium.webdriver.support.select import Select  # pylint: disable=import-outside-toplevel
        select = Select(element)
        values = value if isinstance(value, (list, tuple)) else [value]
        if select.is_multiple:
            select.deselect_all()
        for one in values:
            try:
                select.select_by_value(one)
            except WebDriverException:
                select.select_by_visible_text(one)

    def submit(self, form_action=None):
        """Submits the form (the one posting to `form_action`, else the page's
        main form) with its submit button, and checks the page it leads to."""
        if form_action:
            form = self.driver.find_element(
                By.CSS_SELECTOR, f"form[action='{form_action}']")
        else:
            form = self.driver.find_element(By.CSS_SELECTOR,
                                            "main form[method='post']")
        self.activate(form.find_element(
            By.CSS_SELECTOR, "button[type='submit'], button:not([type]), "
            "input[type='submit']"))

    def press_button(self, text):
        """Clicks the button labelled `text` and checks the next page."""
        buttons = self.driver.find_elements(
            By.XPATH, f"//button[normalize-space()={json.dumps(text, ensure_ascii=False)}]")
        if not buttons:
            raise AssertionError(f"no button {text!r} on {self.path()}:\n" +
                                 self.status_text())
        self.activate(buttons[0])

    # ----- Keyboard only.

    def tab_to(self, predicate, what, limit=200):
        """Presses Tab until the focused element satisfies `predicate` (a
        function of the WebElement); AssertionError after `limit` presses."""
        body = self.driver.find_element(By.TAG_NAME, "body")
        for _ in range(limit):
            active = self.driver.switch_to.active_element
            if active != body and predicate(active):
                return active
            active.send_keys(Keys.TAB)
        raise AssertionError(f"{limit} presses of Tab on {self.path()} never "
                             f"reached {what}")

    def tab_to_link(self, text):
        return self.tab_to(lambda e: e.tag_name == "a" and e.text.strip() == text,
                           f"the link {text!r}")

    def tab_to_field(self, name):
        return self.tab_to(lambda e: e.get_attribute("name") == name,
                           f"the field {name!r}")

    def tab_to_button(self, text):
        return self.tab_to(
            lambda e: e.tag_name in ("button", "input") and
            (e.text.strip() or e.get_attribute("value") or "") == text,
            f"the button {text!r}")

    def key_follow(self, text):
        """Tabs to the link `text` and presses Enter."""
        self.activate(self.tab_to_link(text), Keys.ENTER)

    def key_fill(self, fields):
        """Fills fields with the keyboard alone: Tab to each, then type (a
        select is moved with Home and Down to the option whose visible text
        is the value; a checkbox takes Space)."""
        for name, value in fields.items():
            field = self.tab_to_field(name)
            kind = (field.get_attribute("type") or "").lower()
            if kind == "checkbox":
                if field.is_selected() != bool(value):
                    field.send_keys(Keys.SPACE)
            elif field.tag_name == "select":
                # Home, then Down until the option shows: typing its name
                # would search from the option already chosen.
                field.send_keys(Keys.HOME)
                options = field.find_elements(By.TAG_NAME, "option")
                for _ in options:
                    chosen = field.find_element(By.CSS_SELECTOR,
                                                "option:checked").text.strip()
                    if chosen == value:
                        break
                    field.send_keys(Keys.ARROW_DOWN)
                else:
                    raise AssertionError(f"no option {value!r} in {name!r}")
            else:
                field.send_keys(Keys.CONTROL, "a")
                field.send_keys(value)

    def key_date(self, name, iso_date):
        """Tabs to the date field `name` and types `iso_date` (YYYY-MM-DD)
        digit by digit, in the order the browser's locale shows a date's
        parts (headless Chromium's is en-US: month, day, year)."""
        self.tab_to_field(name)
        order = self.driver.execute_script(
            "return new Intl.DateTimeFormat(navigator.language)"
            ".formatToParts(new Date(2026, 8, 30))"
            ".filter(p => p.type !== 'literal').map(p => p.type);")
        year, month, day = iso_date.split("-")
        parts = {"year": year, "month": month, "day": day}
        ActionChains(self.driver).send_keys(
            "".join(parts[part] for part in order)).perform()

    def key_press(self, text):
        """Tabs to the button `text` and presses Enter."""
        self.activate(self.tab_to_button(text), Keys.ENTER)

    # ----- Checks.

    def check_page(self):
        """axe-core on the page at desktop width, then at phone width (where
        nothing may be wider than the screen); violations are kept."""
        self.pages_checked += 1
        self._axe("desktop")
        self._emulate(PHONE)
        try:
            self._axe("390 px")
            # What sticks out past the screen's right edge: the innermost
            # such elements, as parent > tag#id.class.
            width, culprits = self.driver.execute_script(
                "const w = document.documentElement.clientWidth;"
                "const wide = [...document.querySelectorAll('body *')].filter("
                "  e => e.getBoundingClientRect().right > w + 1 ||"
                "  e.scrollWidth > e.clientWidth + 1);"
                "const inner = wide.filter(e => !wide.some("
                "  o => o !== e && e.contains(o)));"
                "const name = e => e.tagName.toLowerCase() +"
                "  (e.id ? '#' + e.id : '') +"
                "  [...e.classList].map(c => '.' + c).join('');"
                "return [document.documentElement.scrollWidth, [...new Set("
                "  inner.map(e => name(e.parentElement) + ' > ' + name(e)))]];")
            if width > PHONE[0]:
                self.overflows.append(f"{self.path()}: {width} px wide at "
                                      f"{PHONE[0]} px: {', '.join(culprits)}")
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride",
                                        {})

    def _emulate(self, size):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": size[0], "height": size[1], "deviceScaleFactor": 1,
            "mobile": size == PHONE})

    def _axe(self, width):
        if not self.driver.execute_script("return typeof axe !== 'undefined';"):
            self.driver.execute_script(self.axe_source)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document).then(r => done(r.violations.map(v => ({"
            "  id: v.id, impact: v.impact, help: v.help,"
            "  targets: v.nodes.map(n => n.target.join(' '))}))),"
            "  e => done([{id: 'axe-error', impact: 'error', help: String(e),"
            "  targets: []}]));")
        for violation in result:
            self.violations.append(Violation(
                self.path(), width, violation["id"], violation["impact"],
                violation["help"], violation["targets"]))

    def accessibility_report(self):
        """Every violation with its page, width and selectors; '' if none."""
        lines = []
        for v in self.violations:
            lines.append(f"{v.page} ({v.width}): {v.rule} [{v.impact}] {v.help}")
            lines.extend(f"    {target}" for target in v.targets)
        # A page seen many times says the same each time: once is enough.
        lines.extend(f"wider than the phone: {o}"
                     for o in dict.fromkeys(self.overflows))
        return "\n".join(lines)

    def screenshot(self, name):
        """The page as PNGs at desktop and phone width:
        NAME-desktop.png and NAME-phone.png in the screenshots folder."""
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            self._emulate(size)
            try:
                height = self.driver.execute_script(
                    "return Math.min(document.documentElement.scrollHeight, 3000);")
                self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                    "width": size[0], "height": max(size[1], height),
                    "deviceScaleFactor": 1, "mobile": size == PHONE})
                self.driver.save_screenshot(
                    os.path.join(self.screenshots, f"{name}-{label}.png"))
            finally:
                self.driver.execute_cdp_cmd(
                    "Emulation.clearDeviceMetricsOverride", {})


class Steps(unittest.TestCase):
    """Tests that are the steps of one story, run in name order on one
    stack and one Browser. After a failed step the later ones are skipped,
    except a last check whose name ends in "violations" (it reports what
    the pages seen so far had). How each process ended and the tail of its
    log are printed when a step failed or a process did not exit 0 on
    SIGTERM. A subclass's setUpClass calls start_steps()."""

    stack = None
    browser = None
    failed = False

    @classmethod
    def start_steps(cls, stack, seed):
        """Keeps `stack` and calls seed(stack), which sets cls.browser; if
        that fails, the processes are shown and stopped and it raises."""
        cls.stack = stack
        try:
            seed(stack)
        except Exception:
            print(stack.report(), file=sys.stderr)
            stack.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.browser:
            cls.browser.quit()
        ending = cls.stack.report()
        codes = cls.stack.stop()
        if cls.failed:
            print("\n" + ending, file=sys.stderr)
        for name, code in codes.items():
            if code != 0:
                print(f"{name} did not exit 0 on SIGTERM: "
                      f"{describe_returncode(code)}\n{ending}",
                      file=sys.stderr)
                cls.failed = True

    def setUp(self):
        if type(self).failed and not self._testMethodName.endswith(
                "violations"):
            self.skipTest("an earlier step failed")

    def run(self, result=None):
        result = super().run(result)
        if result is not None and not result.wasSuccessful():
            type(self).failed = True
        return result

    @property
    def b(self):
        return self.browser

    def test_no_accessibility_violations(self):
        """After the numbered steps (a name with a letter sorts after
        them): every axe-core violation on the pages the steps saw."""
        report = self.b.accessibility_report()
        print(f"axe-core checked {self.b.pages_checked} pages at desktop and "
              "390 px width", file=sys.stderr)
        self.assertEqual(report, "", "axe-core found violations:\n" + report)
