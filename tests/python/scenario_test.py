#!/usr/bin/python3
"""The brevis API from Python, without the C++ client library.

Generates the stubs from proto/ with protoc and Debian's grpc_python_plugin
into a temporary directory, starts a real brevisd on 127.0.0.1 and drives a
short scenario through it: a unit and an audit, a finding read back with its
Swedish text intact, a list walked page by page, and bad input refused with
INVALID_ARGUMENT naming the field. It is also the example for integrators:
everything a client needs is the proto files and a bearer token.

Run: scenario_test.py --brevisd build/server/brevisd --proto-dir proto
"""

import argparse
import glob
import importlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

ARGS = None

# How long brevisd may take to start listening, and to stop.
START_SECONDS = 15
STOP_SECONDS = 10


def generate_stubs(proto_dir, out_dir):
    """Runs protoc with the gRPC Python plugin over proto/brevis/v1."""
    plugin = shutil.which("grpc_python_plugin") or "/usr/bin/grpc_python_plugin"
    files = sorted(glob.glob(os.path.join(proto_dir, "brevis", "v1", "*.proto")))
    subprocess.run(
        ["protoc", "-I", proto_dir, "-I", "/usr/include",
         "--python_out=" + out_dir, "--grpc_python_out=" + out_dir,
         "--plugin=protoc-gen-grpc_python=" + plugin] + files,
        check=True, timeout=60)


def describe_returncode(code):
    """How a child ended, from subprocess's returncode."""
    if code < 0:
        return f"ended by signal {-code} ({signal.Signals(-code).name})"
    return f"exit code {code}"


class BrevisScenario(unittest.TestCase):
    """One brevisd for the whole class, on a fresh database."""

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="brevis-python-")
        stubs = os.path.join(cls.work, "stubs")
        os.makedirs(stubs)
        generate_stubs(ARGS.proto_dir, stubs)
        sys.path.insert(0, stubs)
        global grpc, pb
        import grpc  # pylint: disable=import-outside-toplevel
        pb = {name: importlib.import_module("brevis.v1." + name) for name in (
            "directory_service_pb2", "directory_service_pb2_grpc",
            "audit_service_pb2", "audit_service_pb2_grpc", "unit_pb2",
            "audit_pb2", "finding_pb2", "principal_pb2", "types_pb2")}

        db = os.path.join(cls.work, "db", "brevis.db")
        subprocess.run([ARGS.brevisd, "init", "--db", db], check=True,
                       stdout=subprocess.DEVNULL, timeout=START_SECONDS)
        with open(os.path.join(cls.work, "db", "admin.token"),
                  encoding="ascii") as token_file:
            cls.token = token_file.read().strip()
        cls.out = open(os.path.join(cls.work, "serve.out"), "w+b")
        cls.err = open(os.path.join(cls.work, "serve.err"), "w+b")
        cls.server = subprocess.Popen(
            [ARGS.brevisd, "serve", "--db", db, "--listen", "127.0.0.1:0"],
            stdout=cls.out, stderr=cls.err)
        cls.address = cls.wait_for_address()
        cls.channel = grpc.insecure_channel(cls.address)
        cls.directory = pb["directory_service_pb2_grpc"].DirectoryServiceStub(
            cls.channel)
        cls.audits = pb["audit_service_pb2_grpc"].AuditServiceStub(cls.channel)
        cls.auth = [("authorization", "Bearer " + cls.token)]

    @classmethod
    def wait_for_address(cls):
        marker = b"brevisd: listening on "
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            cls.out.seek(0)
            for line in cls.out.read().splitlines():
                if line.startswith(marker):
                    return line[len(marker):].split(b" ")[0].decode()
            if cls.server.poll() is not None:
                break
            time.sleep(0.05)
        ending = ("still running" if cls.server.poll() is None
                  else describe_returncode(cls.server.returncode))
        cls.err.seek(0)
        tail = cls.err.read().decode(errors="replace").splitlines()[-40:]
        raise RuntimeError("brevisd did not start listening; it is " + ending +
                           "; last lines of its stderr:\n" + "\n".join(tail))

    failed = False

    def run(self, result=None):
        result = super().run(result)
        if result is not None and not result.wasSuccessful():
            BrevisScenario.failed = True
        return result

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        ending = ("still running" if cls.server.poll() is None
                  else describe_returncode(cls.server.returncode))
        cls.server.terminate()
        try:
            cls.server.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            cls.server.kill()
            cls.server.wait(timeout=STOP_SECONDS)
        if cls.failed:
            # How brevisd ended and what it logged last, for the failure.
            cls.err.seek(0)
            tail = cls.err.read().decode(errors="replace").splitlines()[-40:]
            print(f"brevisd (pid {cls.server.pid}): {ending}\n"
                  "--- last 40 lines of its stderr ---\n" + "\n".join(tail),
                  file=sys.stderr)
        cls.out.close()
        cls.err.close()
        shutil.rmtree(cls.work, ignore_errors=True)

    # Helpers -------------------------------------------------------------

    def create_unit(self, name="BUP Prima Handen"):
        d, unit_pb2 = pb["directory_service_pb2"], pb["unit_pb2"]
        return self.directory.CreateUnit(d.CreateUnitRequest(
            unit=unit_pb2.Unit(display_name=name, region="Region Stockholm",
                               kind=unit_pb2.UNIT_KIND_OUTPATIENT),
            request_id=uuid.uuid4().hex), metadata=self.auth, timeout=10)

    def create_audit(self, unit):
        a, audit_pb2, types = (pb["audit_service_pb2"], pb["audit_pb2"],
                               pb["types_pb2"])
        return self.audits.CreateAudit(a.CreateAuditRequest(
            audit=audit_pb2.Audit(
                unit=unit.name,
                title="Brukarrevision BUP Prima Handen 2026",
                commissioned_by="Regionala programmet för psykisk hälsa",
                focus_areas=[types.FOCUS_AREA_PARTICIPATION,
                             types.FOCUS_AREA_INFORMATION],
                planned_start_date=types.Date(year=2026, month=2, day=1),
                planned_report_date=types.Date(year=2026, month=5, day=15)),
            request_id=uuid.uuid4().hex), metadata=self.auth, timeout=10)

    def finding(self, text, kind=None):
        f, types = pb["finding_pb2"], pb["types_pb2"]
        return f.Finding(
            focus_area=types.FOCUS_AREA_PARTICIPATION,
            kind=f.FINDING_KIND_IMPROVEMENT_AREA if kind is None else kind,
            text=text, informant_groups=[types.INFORMANT_GROUP_YOUNG_PERSON],
            child_rights_articles=[12])

    def create_finding(self, audit, text, kind=None):
        a = pb["audit_service_pb2"]
        return self.audits.CreateFinding(a.CreateFindingRequest(
            parent=audit.name, finding=self.finding(text, kind),
            request_id=uuid.uuid4().hex), metadata=self.auth, timeout=10)

    # The scenario --------------------------------------------------------

    def test_audit_and_finding_read_back(self):
        d, a = pb["directory_service_pb2"], pb["audit_service_pb2"]
        unit = self.create_unit()
        self.assertRegex(unit.name, r"^units/[0-9a-f]+$")
        audit = self.create_audit(unit)
        self.assertEqual(audit.state, pb["audit_pb2"].AUDIT_STATE_PLANNED)
        self.assertEqual(audit.unit, unit.name)

        text = ("Flera unga säger att de inte får vara med när beslut om "
                "deras behandling fattas.")
        finding = self.create_finding(audit, text)
        self.assertTrue(finding.name.startswith(audit.name + "/findings/"))
        read = self.audits.GetFinding(a.GetFindingRequest(name=finding.name),
                                      metadata=self.auth, timeout=10)
        self.assertEqual(read.text, text)
        self.assertEqual(list(read.child_rights_articles), [12])
        self.assertEqual(read.etag, finding.etag)

        # The same request_id again returns the first unit, not a second.
        request = d.CreateUnitRequest(
            unit=pb["unit_pb2"].Unit(display_name="BUP Södermalm",
                                     region="Region Stockholm",
                                     kind=pb["unit_pb2"].UNIT_KIND_INPATIENT),
            request_id="python-retry-1")
        first = self.directory.CreateUnit(request, metadata=self.auth,
                                          timeout=10)
        again = self.directory.CreateUnit(request, metadata=self.auth,
                                          timeout=10)
        self.assertEqual(first.name, again.name)

    def test_list_findings_page_by_page(self):
        a = pb["audit_service_pb2"]
        audit = self.create_audit(self.create_unit("BUP Lidingö"))
        created = [self.create_finding(audit, "Iakttagelse nummer %d." % i).name
                   for i in range(5)]
        names, pages, token = [], 0, ""
        while pages < 20:  # bounded: 5 findings in pages of 2 need 3
            response = self.audits.ListFindings(
                a.ListFindingsRequest(parent=audit.name, page_size=2,
                                      page_token=token),
                metadata=self.auth, timeout=10)
            pages += 1
            self.assertLessEqual(len(response.findings), 2)
            names.extend(f.name for f in response.findings)
            token = response.next_page_token
            if not token:
                break
        self.assertEqual(names, created)
        self.assertEqual(pages, 3)

        # A page token belongs to its list: another filter refuses it.
        first = self.audits.ListFindings(
            a.ListFindingsRequest(parent=audit.name, page_size=2),
            metadata=self.auth, timeout=10)
        with self.assertRaises(grpc.RpcError) as refused:
            self.audits.ListFindings(
                a.ListFindingsRequest(parent=audit.name, page_size=2,
                                      page_token=first.next_page_token,
                                      filter="kind = STRENGTH"),
                metadata=self.auth, timeout=10)
        self.assertEqual(refused.exception.code(),
                         grpc.StatusCode.INVALID_ARGUMENT)

    def test_bad_input_is_refused_naming_the_field(self):
        a = pb["audit_service_pb2"]
        audit = self.create_audit(self.create_unit("BUP Handen"))
        # A personal identity number in the text: refused, saying where.
        with self.assertRaises(grpc.RpcError) as refused:
            self.create_finding(
                audit, "Pojken med personnummer 121212-1212 berättade.")
        self.assertEqual(refused.exception.code(),
                         grpc.StatusCode.INVALID_ARGUMENT)
        self.assertTrue(refused.exception.details().startswith(
            "finding.text: "), refused.exception.details())
        # A required field missing.
        with self.assertRaises(grpc.RpcError) as missing:
            self.create_finding(audit, "Text.", kind=0)
        self.assertEqual(missing.exception.code(),
                         grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("finding.kind", missing.exception.details())
        # Nothing was written.
        listed = self.audits.ListFindings(a.ListFindingsRequest(
            parent=audit.name), metadata=self.auth, timeout=10)
        self.assertEqual(len(listed.findings), 0)
        # And no token, no answer.
        with self.assertRaises(grpc.RpcError) as anonymous:
            self.audits.GetAudit(a.GetAuditRequest(name=audit.name),
                                 timeout=10)
        self.assertEqual(anonymous.exception.code(),
                         grpc.StatusCode.UNAUTHENTICATED)


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brevisd", required=True)
    parser.add_argument("--proto-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
