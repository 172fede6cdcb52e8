// brevisctl audits, sessions, findings, recommendations.

#include "client-lib/cli/cli.h"

namespace brevis::cli {
namespace {

struct AuditFlags {
  std::string name, unit, title, commissioned_by, other_focus_area;
  std::string start, report, follow_up, state, reason, etag, filter;
  std::string request_id;
  std::vector<std::string> focus_areas, auditors;
};

// Fills the audit fields given on the command line; returns their paths.
absl::StatusOr<std::vector<std::string>> FillAudit(const AuditFlags& flags,
                                                   v1::Audit* audit) {
  std::vector<std::string> paths;
  auto text = [&](const std::string& value, const char* path,
                  void (v1::Audit::*set)(const std::string&)) {
    if (value.empty()) return;
    (audit->*set)(value);
    paths.push_back(path);
  };
  text(flags.title, "title", &v1::Audit::set_title);
  text(flags.commissioned_by, "commissioned_by",
       &v1::Audit::set_commissioned_by);
  text(flags.other_focus_area, "other_focus_area",
       &v1::Audit::set_other_focus_area);
  if (!flags.focus_areas.empty()) {
    for (const std::string& each : flags.focus_areas) {
      absl::StatusOr<v1::FocusArea> area =
          ParseEnum<v1::FocusArea>("--focus", each);
      if (!area.ok()) return area.status();
      audit->add_focus_areas(*area);
    }
    paths.push_back("focus_areas");
  }
  struct DateFlag {
    const std::string& text;
    const char* flag;
    const char* path;
    v1::Date* (v1::Audit::*field)();
  };
  for (const DateFlag& date :
       {DateFlag{flags.start, "--start", "planned_start_date",
                 &v1::Audit::mutable_planned_start_date},
        DateFlag{flags.report, "--report", "planned_report_date",
                 &v1::Audit::mutable_planned_report_date},
        DateFlag{flags.follow_up, "--follow-up", "planned_follow_up_date",
                 &v1::Audit::mutable_planned_follow_up_date}}) {
    if (date.text.empty()) continue;
    absl::StatusOr<v1::Date> parsed = ParseDate(date.flag, date.text);
    if (!parsed.ok()) return parsed.status();
    *(audit->*date.field)() = *parsed;
    paths.push_back(date.path);
  }
  if (!flags.auditors.empty()) {
    for (const std::string& auditor : flags.auditors) {
      audit->add_auditors(auditor);
    }
    paths.push_back("auditors");
  }
  return paths;
}

void AddAuditOptions(CLI::App* command, AuditFlags* flags) {
  command->add_option("--title", flags->title, "At most 200 characters");
  command->add_option("--commissioned-by", flags->commissioned_by,
                      "Who ordered the audit");
  command
      ->add_option("--focus", flags->focus_areas,
                   Choices<v1::FocusArea>() + "; repeat for several")
      ->delimiter(',');
  command->add_option("--other-focus", flags->other_focus_area,
                      "The focus area when --focus includes other");
  command->add_option("--start", flags->start, "Planned start, YYYY-MM-DD");
  command->add_option("--report", flags->report,
                      "Planned report date, YYYY-MM-DD");
  command->add_option("--follow-up", flags->follow_up,
                      "Planned follow-up date, YYYY-MM-DD");
  command->add_option("--auditor", flags->auditors,
                      "principals/{p} of an auditor on the team; repeat "
                      "(admins only)");
}

void AddAuditGroup(CLI::App* app, Context* context) {
  CLI::App* audits =
      AddGroup(app, "audits", "Audits: list, create, show, update, transition",
               "brevisctl audits list --state published");
  auto flags = std::make_shared<AuditFlags>();

  CLI::App* list = AddCommand(
      audits, context, "list", "List audits in the order commissioned",
      "brevisctl audits list --unit units/7d258fdb3e601b7b --state planned",
      [context, flags](const Client& client) {
        v1::ListAuditsRequest request;
        absl::StatusOr<std::string> state =
            FilterEnum<v1::AuditState>("--state", flags->state);
        if (!state.ok()) return context->Fail(state.status());
        request.set_filter(
            flags->filter.empty()
                ? Filter({{"unit", flags->unit}}, {{"state", *state}})
                : flags->filter);
        return context->ShowAll(client.WalkAudits(request));
      });
  list->add_option("--unit", flags->unit, "Only this unit's audits");
  list->add_option("--state", flags->state,
                   "Only audits in this state: " + Choices<v1::AuditState>());
  list->add_option("--filter", flags->filter,
                   "A filter of your own instead (unit, state)");

  CLI::App* create = AddCommand(
      audits, context, "create", "Commission an audit (it starts PLANNED)",
      "brevisctl audits create --unit units/7d258fdb3e601b7b "
      "--title 'Brukarrevision BUP Prima Handen 2026' "
      "--commissioned-by 'Regionala programmet' "
      "--focus participation,respect --start 2026-02-01",
      [context, flags](const Client& client) {
        v1::CreateAuditRequest request;
        request.mutable_audit()->set_unit(flags->unit);
        absl::StatusOr<std::vector<std::string>> filled =
            FillAudit(*flags, request.mutable_audit());
        if (!filled.ok()) return context->Fail(filled.status());
        request.set_request_id(flags->request_id);
        return context->Show(client.CreateAudit(request));
      });
  create->add_option("--unit", flags->unit, "Required: units/{unit}");
  AddAuditOptions(create, flags.get());
  create->add_option("--request-id", flags->request_id);

  AddGetCommand(audits, context, "show", "Show one audit",
                "brevisctl audits show audits/0123456789abcdef",
                "audits/{audit}", &Client::GetAudit);

  CLI::App* update = AddCommand(
      audits, context, "update", "Change the fields given",
      "brevisctl audits update audits/0123456789abcdef "
      "--auditor principals/3f2a9c0d1e4b5a67 --auditor principals/9e8d",
      [context, flags](const Client& client) {
        v1::UpdateAuditRequest request;
        request.mutable_audit()->set_name(flags->name);
        request.mutable_audit()->set_etag(flags->etag);
        absl::Status mask =
            SetUpdateMask(FillAudit(*flags, request.mutable_audit()),
                          request.mutable_update_mask());
        if (!mask.ok()) return context->Fail(mask);
        return context->Show(client.UpdateAudit(request));
      });
  update->add_option("name", flags->name, "audits/{audit}")->required();
  AddAuditOptions(update, flags.get());
  update->add_option("--etag", flags->etag, "Refuse if the audit changed");

  CLI::App* transition = AddCommand(
      audits, context, "transition",
      "Move an audit along its lifecycle; a refusal names the guard",
      "brevisctl audits transition audits/0123456789abcdef fieldwork",
      [context, flags](const Client& client) {
        v1::TransitionAuditRequest request;
        request.set_name(flags->name);
        absl::StatusOr<v1::AuditState> state =
            ParseEnum<v1::AuditState>("state", flags->state);
        if (!state.ok()) return context->Fail(state.status());
        request.set_state(*state);
        request.set_reason(flags->reason);
        request.set_etag(flags->etag);
        return context->Show(client.TransitionAudit(request));
      });
  transition->add_option("name", flags->name, "audits/{audit}")->required();
  transition->add_option("state", flags->state, Choices<v1::AuditState>())
      ->required();
  transition->add_option("--reason", flags->reason,
                         "Required to cancel, to reopen, and to publish "
                         "with improvement areas unanswered");
  transition->add_option("--etag", flags->etag);
}

struct SessionFlags {
  std::string parent, name, date, kind, group, request_id;
  int participants = 0;
};

void AddSessionGroup(CLI::App* app, Context* context) {
  CLI::App* sessions = AddGroup(
      app, "sessions", "Interview sessions, as counts only (audit team)",
      "brevisctl sessions list audits/0123456789abcdef");
  auto flags = std::make_shared<SessionFlags>();

  AddListChildrenCommand(sessions, context, "List an audit's sessions",
                         "brevisctl sessions list audits/0123456789abcdef",
                         "audits/{audit}", &Client::WalkSessions);

  CLI::App* add = AddCommand(
      sessions, context, "add", "Record a session: never a name",
      "brevisctl sessions add audits/0123456789abcdef --date 2026-03-02 "
      "--kind focus_group --group child --participants 4",
      [context, flags](const Client& client) {
        v1::CreateSessionRequest request;
        request.set_parent(flags->parent);
        v1::Session* session = request.mutable_session();
        absl::StatusOr<v1::Date> date = ParseDate("--date", flags->date);
        if (!date.ok()) return context->Fail(date.status());
        *session->mutable_date() = *date;
        absl::StatusOr<v1::SessionKind> kind =
            ParseEnum<v1::SessionKind>("--kind", flags->kind);
        if (!kind.ok()) return context->Fail(kind.status());
        session->set_kind(*kind);
        absl::StatusOr<v1::InformantGroup> group =
            ParseEnum<v1::InformantGroup>("--group", flags->group);
        if (!group.ok()) return context->Fail(group.status());
        session->set_informant_group(*group);
        session->set_participant_count(flags->participants);
        request.set_request_id(flags->request_id);
        return context->Show(client.CreateSession(request));
      });
  add->add_option("audit", flags->parent, "audits/{audit}")->required();
  add->add_option("--date", flags->date, "YYYY-MM-DD")->required();
  add->add_option("--kind", flags->kind, Choices<v1::SessionKind>())
      ->required();
  add->add_option("--group", flags->group, Choices<v1::InformantGroup>())
      ->required();
  add->add_option("--participants", flags->participants, "1-1000")->required();
  add->add_option("--request-id", flags->request_id);

  CLI::App* remove = AddCommand(
      sessions, context, "delete", "Delete a session",
      "brevisctl sessions delete audits/0123456789abcdef/sessions/42ab",
      [context, flags](const Client& client) {
        v1::DeleteSessionRequest request;
        request.set_name(flags->name);
        absl::Status deleted = client.DeleteSession(request);
        if (!deleted.ok()) return context->Fail(deleted);
        if (!context->json && !context->quiet) {
          std::cout << "deleted " << flags->name << "\n";
        }
        return kExitOk;
      });
  remove->add_option("name", flags->name, "audits/{a}/sessions/{s}")
      ->required();
}

struct FindingFlags {
  std::string parent, name, focus, kind, text, reason, etag, request_id;
  std::vector<std::string> groups;
  std::vector<int> articles;
  bool sip = false;
};

absl::StatusOr<std::vector<std::string>> FillFinding(const FindingFlags& flags,
                                                     v1::Finding* finding) {
  std::vector<std::string> paths;
  if (!flags.focus.empty()) {
    absl::StatusOr<v1::FocusArea> focus =
        ParseEnum<v1::FocusArea>("--focus", flags.focus);
    if (!focus.ok()) return focus.status();
    finding->set_focus_area(*focus);
    paths.push_back("focus_area");
  }
  if (!flags.kind.empty()) {
    absl::StatusOr<v1::FindingKind> kind =
        ParseEnum<v1::FindingKind>("--kind", flags.kind);
    if (!kind.ok()) return kind.status();
    finding->set_kind(*kind);
    paths.push_back("kind");
  }
  if (!flags.text.empty()) {
    finding->set_text(flags.text);
    paths.push_back("text");
  }
  if (!flags.groups.empty()) {
    for (const std::string& each : flags.groups) {
      absl::StatusOr<v1::InformantGroup> group =
          ParseEnum<v1::InformantGroup>("--group", each);
      if (!group.ok()) return group.status();
      finding->add_informant_groups(*group);
    }
    paths.push_back("informant_groups");
  }
  if (!flags.articles.empty()) {
    for (int article : flags.articles) {
      finding->add_child_rights_articles(article);
    }
    paths.push_back("child_rights_articles");
  }
  if (flags.sip) {
    finding->set_sip(true);
    paths.push_back("sip");
  }
  return paths;
}

void AddFindingOptions(CLI::App* command, FindingFlags* flags) {
  command->add_option("--focus", flags->focus, Choices<v1::FocusArea>());
  command->add_option("--kind", flags->kind, Choices<v1::FindingKind>());
  command->add_option("--text", flags->text,
                      "The statement, group level; no personal data");
  command
      ->add_option("--group", flags->groups,
                   Choices<v1::InformantGroup>() + "; repeat")
      ->delimiter(',');
  command
      ->add_option("--article", flags->articles,
                   "Article of the Convention on the Rights of the Child "
                   "(1-54); repeat")
      ->delimiter(',');
  command->add_flag("--sip", flags->sip, "The finding concerns SIP");
}

void AddFindingGroup(CLI::App* app, Context* context) {
  CLI::App* findings =
      AddGroup(app, "findings", "Findings (iakttagelser) of an audit",
               "brevisctl findings list audits/0123456789abcdef");
  auto flags = std::make_shared<FindingFlags>();

  CLI::App* list =
      AddCommand(findings, context, "list", "List an audit's findings",
                 "brevisctl findings list audits/0123456789abcdef --kind "
                 "improvement_area",
                 [context, flags](const Client& client) {
                   v1::ListFindingsRequest request;
                   request.set_parent(flags->parent);
                   absl::StatusOr<std::string> focus =
                       FilterEnum<v1::FocusArea>("--focus", flags->focus);
                   if (!focus.ok()) return context->Fail(focus.status());
                   absl::StatusOr<std::string> kind =
                       FilterEnum<v1::FindingKind>("--kind", flags->kind);
                   if (!kind.ok()) return context->Fail(kind.status());
                   request.set_filter(
                       Filter({}, {{"focus_area", *focus}, {"kind", *kind}}));
                   return context->ShowAll(client.WalkFindings(request));
                 });
  list->add_option("audit", flags->parent, "audits/{audit}")->required();
  list->add_option("--focus", flags->focus, Choices<v1::FocusArea>());
  list->add_option("--kind", flags->kind, Choices<v1::FindingKind>());

  CLI::App* add = AddCommand(
      findings, context, "add", "Write a finding",
      "brevisctl findings add audits/0123456789abcdef --focus participation "
      "--kind improvement_area --group young_person --article 12 --text "
      "'Flera unga säger att de inte får vara med när beslut fattas.'",
      [context, flags](const Client& client) {
        v1::CreateFindingRequest request;
        request.set_parent(flags->parent);
        absl::StatusOr<std::vector<std::string>> filled =
            FillFinding(*flags, request.mutable_finding());
        if (!filled.ok()) return context->Fail(filled.status());
        request.set_request_id(flags->request_id);
        return context->Show(client.CreateFinding(request));
      });
  add->add_option("audit", flags->parent, "audits/{audit}")->required();
  AddFindingOptions(add, flags.get());
  add->add_option("--request-id", flags->request_id);

  AddGetCommand(findings, context, "show", "Show one finding",
                "brevisctl findings show audits/0123456789abcdef/findings/9c1d",
                "audits/{a}/findings/{f}", &Client::GetFinding);

  CLI::App* update = AddCommand(
      findings, context, "update",
      "Change the fields given; after publication a correction with --reason",
      "brevisctl findings update audits/0123456789abcdef/findings/9c1d "
      "--text 'Rättad text' --reason 'Fel fokusområde i rapporten'",
      [context, flags](const Client& client) {
        v1::UpdateFindingRequest request;
        request.mutable_finding()->set_name(flags->name);
        request.mutable_finding()->set_etag(flags->etag);
        absl::Status mask =
            SetUpdateMask(FillFinding(*flags, request.mutable_finding()),
                          request.mutable_update_mask());
        if (!mask.ok()) return context->Fail(mask);
        request.set_revision_reason(flags->reason);
        return context->Show(client.UpdateFinding(request));
      });
  update->add_option("name", flags->name, "audits/{a}/findings/{f}")
      ->required();
  AddFindingOptions(update, flags.get());
  update->add_option("--reason", flags->reason,
                     "Why: required for published text, also after a reopen");
  update->add_option("--etag", flags->etag);

  CLI::App* revisions = AddCommand(
      findings, context, "revisions", "Every version of a finding",
      "brevisctl findings revisions audits/0123456789abcdef/findings/9c1d",
      [context, flags](const Client& client) {
        v1::ListRevisionsRequest request;
        request.set_name(flags->name);
        absl::StatusOr<v1::ListFindingRevisionsResponse> response =
            client.ListFindingRevisions(request);
        if (!response.ok()) return context->Fail(response.status());
        std::vector<const google::protobuf::Message*> messages;
        for (const v1::Finding& each : response->findings()) {
          messages.push_back(&each);
        }
        PrintMany(messages, "brevis.v1.Finding", context->format(), std::cout);
        return kExitOk;
      });
  revisions->add_option("name", flags->name, "audits/{a}/findings/{f}")
      ->required();
}

struct RecommendationFlags {
  std::string parent, name, text, priority, request_id;
  std::vector<std::string> findings;
};

void AddRecommendationGroup(CLI::App* app, Context* context) {
  CLI::App* recommendations =
      AddGroup(app, "recommendations", "Recommendations answering findings",
               "brevisctl recommendations list audits/0123456789abcdef");
  auto flags = std::make_shared<RecommendationFlags>();

  AddListChildrenCommand(
      recommendations, context,
      "List an audit's recommendations with responses and verdicts",
      "brevisctl recommendations list audits/0123456789abcdef",
      "audits/{audit}", &Client::WalkRecommendations);

  CLI::App* add = AddCommand(
      recommendations, context, "add", "Write a recommendation",
      "brevisctl recommendations add audits/0123456789abcdef --priority high "
      "--finding audits/0123456789abcdef/findings/9c1d --text 'Inför en "
      "rutin där den unge själv får ge sin syn innan beslut'",
      [context, flags](const Client& client) {
        v1::CreateRecommendationRequest request;
        request.set_parent(flags->parent);
        v1::Recommendation* recommendation = request.mutable_recommendation();
        recommendation->set_text(flags->text);
        absl::StatusOr<v1::Priority> priority =
            ParseEnum<v1::Priority>("--priority", flags->priority);
        if (!priority.ok()) return context->Fail(priority.status());
        recommendation->set_priority(*priority);
        for (const std::string& finding : flags->findings) {
          recommendation->add_findings(finding);
        }
        request.set_request_id(flags->request_id);
        return context->Show(client.CreateRecommendation(request));
      });
  add->add_option("audit", flags->parent, "audits/{audit}")->required();
  add->add_option("--text", flags->text, "Required")->required();
  add->add_option("--priority", flags->priority, Choices<v1::Priority>())
      ->required();
  add->add_option("--finding", flags->findings,
                  "A finding it answers (audits/{a}/findings/{f}); repeat")
      ->required();
  add->add_option("--request-id", flags->request_id);

  AddGetCommand(recommendations, context, "show", "Show one recommendation",
                "brevisctl recommendations show "
                "audits/0123456789abcdef/recommendations/5e7f",
                "audits/{a}/recommendations/{r}", &Client::GetRecommendation);
}

}  // namespace

void AddAuditCommands(CLI::App* app, Context* context) {
  AddAuditGroup(app, context);
  AddSessionGroup(app, context);
  AddFindingGroup(app, context);
  AddRecommendationGroup(app, context);
}

}  // namespace brevis::cli
