#!/usr/bin/env python3
"""Writes the committed seed corpus of the fuzz harnesses (corpus/<harness>/).

Run from anywhere: python3 tests/fuzz/make_seeds.py. Messages are written in
protobuf text format and encoded with protoc, so the seeds follow the proto
files; page tokens are signed with the key the page_token harness uses.
"""
import base64
import hashlib
import hmac
import pathlib
import struct
import subprocess

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PROTO = ROOT / "proto"


def encode(message_type, text):
    files = [str(p.relative_to(PROTO)) for p in (PROTO / "brevis/v1").glob("*.proto")]
    return subprocess.run(
        ["protoc", "-I", str(PROTO), "-I", "/usr/include",
         "--encode=brevis.v1." + message_type] + files,
        input=text.encode(), capture_output=True, check=True).stdout


def write(harness, name, data):
    folder = HERE / "corpus" / harness
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


FINDING = ('focus_area: FOCUS_AREA_PARTICIPATION kind: FINDING_KIND_IMPROVEMENT_AREA '
           'text: "Flera unga säger att de inte får vara med när beslut fattas." '
           'informant_groups: INFORMANT_GROUP_YOUNG_PERSON child_rights_articles: 12 sip: true')

# Request validation and the text guard.
write("validation_fuzz", "plain_text", "De flesta unga känner sig lyssnade på.")
write("validation_fuzz", "personal_number", "Barnet med personnummer 19121212-1212 sa")
write("validation_fuzz", "phone", "Ring mamma på 070-123 45 67 efter skolan")
write("validation_fuzz", "email", "skriv till anna.svensson@example.se")
# The same data hidden by invisible characters, look-alikes and marks.
write("validation_fuzz", "hidden_personal_number", "Född 19121212\u00ad1212 \u200b")
write("validation_fuzz", "hidden_phone",
      "Ring \uff10\uff17\uff10\u200b\u2011123\u3000\u0664\u0665 6\u03017")
write("validation_fuzz", "hidden_email", "kim.andersson\ufe6b\u200bex\u0430mple.\U0001d42c\u0435")
write("validation_fuzz", "bad_utf8", b"Tr\xc3\x28ff \xed\xa0\x80 \xf4\x90\x80\x80")
write("validation_fuzz", "finding", encode("Finding", FINDING))
write("validation_fuzz", "audit", encode("Audit", (
    'unit: "units/u1" title: "Brukarrevision BUP Prima Handen 2026" '
    'commissioned_by: "Region Stockholm" focus_areas: FOCUS_AREA_RESPECT '
    'planned_start_date { year: 2026 month: 2 day: 1 } '
    'planned_report_date { year: 2026 month: 5 day: 15 }')))
write("validation_fuzz", "unit", encode("Unit", (
    'display_name: "BUP Prima Handen" region: "Region Stockholm" kind: UNIT_KIND_OUTPATIENT')))
write("validation_fuzz", "session", encode("Session", (
    'date { year: 2026 month: 2 day: 10 } kind: SESSION_KIND_INTERVIEW '
    'informant_group: INFORMANT_GROUP_CHILD participant_count: 4')))

# Page tokens: "scope\0token".
KEY = b"k" * 32


def token(scope, after):
    position = struct.pack(">q", after)
    message = f"{len(scope)}:".encode() + scope.encode() + position
    mac = hmac.new(KEY, message, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(position + mac).decode()


SCOPE = "brevis.v1.AuditService/ListFindings\nprincipals/p1\naudits/a1\n"
write("page_token_fuzz", "valid", SCOPE + "\0" + token(SCOPE, 42))
write("page_token_fuzz", "other_scope", SCOPE + "\0" + token("other", 42))
write("page_token_fuzz", "empty", SCOPE + "\0")
write("page_token_fuzz", "garbage", SCOPE + "\0not-a-token!!")
write("page_token_fuzz", "truncated", SCOPE + "\0" + token(SCOPE, 7)[:10])

# Filters.
write("list_filter_fuzz", "state_and_unit", 'state = PUBLISHED AND unit = "units/abc"')
write("list_filter_fuzz", "bool", "active = true")
write("list_filter_fuzz", "escaped", 'region = "Region \\"Stockholm\\""')
write("list_filter_fuzz", "three", 'overdue = false AND due_before = "2026-05-01" AND state = AUDIT_STATE_CLOSED')
write("list_filter_fuzz", "dangling", "state =")
write("list_filter_fuzz", "unknown_field", "colour = red")
write("list_filter_fuzz", "repeated_field", "state = PLANNED AND state = CLOSED")

# Update masks: a byte for the resource, then paths.
write("update_mask_fuzz", "finding", b"\x00text,sip")
write("update_mask_fuzz", "audit", b"\x01title,focus_areas")
write("update_mask_fuzz", "unit_star", b"\x02*")
write("update_mask_fuzz", "action", b"\x03description,responsible")
write("update_mask_fuzz", "output_only", b"\x00name,etag")
write("update_mask_fuzz", "empty_paths", b"\x01,,")

# Resource names: a byte for the pattern, then the name.
write("resource_name_fuzz", "unit", b"\x00units/7d258fdb3e601b7b")
write("resource_name_fuzz", "finding", b"\x03audits/a1/findings/f2")
write("resource_name_fuzz", "action", b"\x06audits/a1/recommendations/r2/actions/x3")
write("resource_name_fuzz", "empty_id", b"\x03audits//findings/f")
write("resource_name_fuzz", "upper", b"\x01AUDITS/X")
write("resource_name_fuzz", "long_id", b"\x01audits/" + b"a" * 64)

# The log's JSON quoting: text as libraries and peers hand it over.
write("json_log_fuzz", "swedish", "Vårdnadshavare vet inte vad en SIP är.")
write("json_log_fuzz", "protobuf_error", "String field 'brevis.v1.Unit.display_name' "
      "contains invalid UTF-8 data when parsing a protocol buffer.")
write("json_log_fuzz", "controls", b"quote \" backslash \\ tab\t nl\n esc\x1b[31m del\x7f nul\x00")
write("json_log_fuzz", "bad_utf8", b"cut \xc3 stray \x80 overlong \xc0\xaf \xe0\x80\xaf "
      b"surrogate \xed\xa0\x80 too_high \xf4\x90\x80\x80 lead \xff")
write("json_log_fuzz", "four_bytes", "emoji \U0001F600 and U+10FFFF \U0010FFFF")

# Service requests: "Service/Method\n" and the request.
def call(name, method, message_type, text):
    write("service_fuzz", name, method.encode() + b"\n" + encode(message_type, text))


call("create_finding", "AuditService/CreateFinding", "CreateFindingRequest",
     f'parent: "audits/AUDIT" finding {{ {FINDING} }} request_id: "r1"')
call("get_finding", "AuditService/GetFinding", "GetFindingRequest",
     'name: "audits/AUDIT/findings/FINDING"')
call("list_findings", "AuditService/ListFindings", "ListFindingsRequest",
     'parent: "audits/AUDIT" page_size: 2')
call("update_finding", "AuditService/UpdateFinding", "UpdateFindingRequest",
     'finding { name: "audits/AUDIT/findings/FINDING" text: "Ny text" } '
     'update_mask { paths: "text" }')
call("create_session", "AuditService/CreateSession", "CreateSessionRequest",
     'parent: "audits/AUDIT" session { date { year: 2026 month: 2 day: 10 } '
     'kind: SESSION_KIND_INTERVIEW informant_group: INFORMANT_GROUP_CHILD participant_count: 3 }')
call("transition", "AuditService/TransitionAudit", "TransitionAuditRequest",
     'name: "audits/AUDIT" state: AUDIT_STATE_FIELDWORK')
call("list_audits", "AuditService/ListAudits", "ListAuditsRequest",
     'filter: "unit = \\"units/UNIT\\" AND state = PLANNED"')
call("list_actions", "AuditService/ListActions", "ListActionsRequest",
     'filter: "overdue = true"')
call("create_unit", "DirectoryService/CreateUnit", "CreateUnitRequest",
     'unit { display_name: "BUP Huddinge" region: "Region Stockholm" kind: UNIT_KIND_INPATIENT }')
call("list_units", "DirectoryService/ListUnits", "ListUnitsRequest",
     'filter: "active = true" page_size: 1')
call("create_principal", "DirectoryService/CreatePrincipal", "CreatePrincipalRequest",
     'principal { display_name: "Chef" role: ROLE_UNIT_MANAGER units: "units/UNIT" }')
call("get_principal", "DirectoryService/GetPrincipal", "GetPrincipalRequest",
     'name: "principals/PRINCIPAL"')
call("list_access_log", "AccessLogService/ListAccessLog", "ListAccessLogRequest",
     'principal: "principals/PRINCIPAL" page_size: 5')
write("service_fuzz", "unknown_method", b"NoService/Nothing\n\x0a\x03abc")
write("service_fuzz", "not_a_message", b"AuditService/GetAudit\n\xff\xff\xff\xff")
