#!/usr/bin/python3
"""`make run` (deploy/run-local.sh) in a temporary directory: it creates the
database, the local certificates and brevis-web's integration principal,
starts brevisd and brevis-web (over mutual TLS), and prints one sign-in link
that opens a working brevis for the first admin in Chromium; Ctrl-C (SIGINT
to its process group, as a terminal sends it) stops both servers. A second
run on the same database makes neither certificates nor principal again.

Run: run_local_test.py --run-local deploy/run-local.sh --build-dir build
     --axe AXE --screenshots DIR (see harness.add_arguments)
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import harness

ARGS = None
# How long run-local.sh may take to print the link, and to stop.
START_SECONDS = 40
STOP_SECONDS = 20
LINK_MARKER = "/sign-in?link="


class MakeRun(unittest.TestCase):

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="brevis-run-local-")
        self.db = os.path.join(self.work, "var", "brevis.db")
        self.out = None
        self.run_local = None
        self.start("run.out")
        self.browser = None

    def start(self, output_name):
        """Starts run-local.sh on self.db, its output in `output_name`."""
        if self.out:
            self.out.close()
        self.out = open(os.path.join(self.work, output_name), "w+")  # pylint: disable=consider-using-with
        self.run_local = subprocess.Popen(  # pylint: disable=consider-using-with
            ["bash", ARGS.run_local, ARGS.build_dir, self.db, "127.0.0.1:0",
             "127.0.0.1:0"], stdout=self.out, stderr=subprocess.STDOUT,
            start_new_session=True)

    def stop_with_ctrl_c(self):
        """SIGINT to run-local.sh's process group; fails unless it and both
        servers end, with status 0."""
        os.killpg(self.run_local.pid, signal.SIGINT)
        try:
            code = self.run_local.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.fail("run-local.sh did not stop on Ctrl-C\n" + self.explain())
        self.assertEqual(code, 0, self.explain())
        self.assertIn("run: stopped", self.output())
        # Both servers are gone: nothing answers at brevis-web's address.
        survivors = subprocess.run(
            ["pgrep", "-s", str(self.run_local.pid)], capture_output=True,
            text=True, check=False).stdout.split()
        self.assertEqual(survivors, [], "processes left after Ctrl-C:\n" +
                         self.explain())

    def tearDown(self):
        if self.browser:
            self.browser.quit()
        if self.run_local.poll() is None:
            os.killpg(self.run_local.pid, signal.SIGKILL)
            self.run_local.wait()
        self.out.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def output(self):
        self.out.seek(0)
        return self.out.read()

    def explain(self):
        """run-local.sh's output and the tails of both servers' logs."""
        parts = [f"--- run-local.sh: "
                 f"{harness.describe_returncode(self.run_local.poll())}; "
                 f"its output:\n{self.output()}"]
        for log in ("brevisd.log", "brevis-web.log"):
            path = os.path.join(self.work, "var", log)
            if os.path.exists(path):
                with open(path, encoding="utf-8", errors="replace") as f:
                    tail = "\n".join(f.read().splitlines()[-30:])
                parts.append(f"--- last lines of {log}:\n{tail}")
        return "\n".join(parts)

    def wait_for_link(self):
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            for line in self.output().splitlines():
                if LINK_MARKER in line:
                    return line.strip()
            if self.run_local.poll() is not None:
                break
            time.sleep(0.1)  # polling a file: the only way to see a line
        self.fail("run-local.sh printed no sign-in link\n" + self.explain())
        return None

    def test_link_signs_the_first_admin_in_and_ctrl_c_stops_both(self):
        link = self.wait_for_link()
        links = [l for l in self.output().splitlines() if LINK_MARKER in l]
        self.assertEqual(len(links), 1, "not exactly one link:\n" +
                         self.explain())
        self.assertTrue(os.path.exists(os.path.join(self.work, "var",
                                                    "admin.token")),
                        "no first admin's token file beside the database")
        base = link.split(LINK_MARKER)[0]
        self.browser = harness.Browser(ARGS, base)
        try:
            self.browser.open(link)
            self.browser.press_button("Logga in")
            self.assertEqual(self.browser.path(), "/", self.explain())
            self.assertIn("Administratör", self.browser.status_text())
        except Exception:
            print(self.explain(), file=sys.stderr)
            raise
        report = self.browser.accessibility_report()
        self.assertEqual(report, "", "axe-core found violations:\n" + report)

        first = self.output()
        self.assertIn("made local certificates", first)
        self.assertIn("made brevis-web's principal", first)
        self.stop_with_ctrl_c()

        # Again on the same database: the same certificates and principal.
        self.start("run-again.out")
        self.wait_for_link()
        again = self.output()
        self.assertNotIn("made local certificates", again, self.explain())
        self.assertNotIn("made brevis-web's principal", again, self.explain())
        self.stop_with_ctrl_c()


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--run-local", required=True)
    parser.add_argument("--build-dir", required=True)
    harness.add_browser_arguments(parser)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
