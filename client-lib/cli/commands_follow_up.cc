// brevisctl respond, verdict, feedback, actions: what happens after the
// report is published.

#include "client-lib/cli/cli.h"

namespace brevis::cli {
namespace {

struct FollowUpFlags {
  std::string name, parent, decision, rationale, verdict, comment;
  std::string date, form, note, request_id;
  std::vector<std::string> audiences;
};

void AddAnswerCommands(CLI::App* app, Context* context) {
  auto flags = std::make_shared<FollowUpFlags>();

  CLI::App* respond = AddCommand(
      app, context, "respond",
      "The unit's response to a recommendation (unit managers)",
      "brevisctl respond audits/0123456789abcdef/recommendations/5e7f "
      "--decision accepted --rationale 'Vi inför rutinen under våren.'",
      [context, flags](const Client& client) {
        v1::RespondToRecommendationRequest request;
        request.set_name(flags->name);
        absl::StatusOr<v1::ResponseDecision> decision =
            ParseEnum<v1::ResponseDecision>("--decision", flags->decision);
        if (!decision.ok()) return context->Fail(decision.status());
        request.mutable_response()->set_decision(*decision);
        request.mutable_response()->set_rationale(flags->rationale);
        return context->Show(client.RespondToRecommendation(request));
      });
  respond
      ->add_option("recommendation", flags->name,
                   "audits/{a}/recommendations/{r}")
      ->required();
  respond
      ->add_option("--decision", flags->decision,
                   Choices<v1::ResponseDecision>())
      ->required();
  respond->add_option("--rationale", flags->rationale, "Why")->required();

  CLI::App* verdict = AddCommand(
      app, context, "verdict",
      "The auditors' follow-up verdict on a recommendation (FOLLOW_UP)",
      "brevisctl verdict audits/0123456789abcdef/recommendations/5e7f "
      "--verdict partly_implemented --comment 'Rutinen finns men används "
      "inte överallt.'",
      [context, flags](const Client& client) {
        v1::RecordVerdictRequest request;
        request.set_name(flags->name);
        absl::StatusOr<v1::Verdict> verdict =
            ParseEnum<v1::Verdict>("--verdict", flags->verdict);
        if (!verdict.ok()) return context->Fail(verdict.status());
        request.mutable_verdict()->set_verdict(*verdict);
        request.mutable_verdict()->set_comment(flags->comment);
        return context->Show(client.RecordVerdict(request));
      });
  verdict
      ->add_option("recommendation", flags->name,
                   "audits/{a}/recommendations/{r}")
      ->required();
  verdict->add_option("--verdict", flags->verdict, Choices<v1::Verdict>())
      ->required();
  verdict->add_option("--comment", flags->comment, "Optional");

  CLI::App* feedback =
      AddGroup(app, "feedback", "Feedback to service users (återkoppling)",
               "brevisctl feedback list audits/0123456789abcdef");
  AddListChildrenCommand(feedback, context, "List an audit's recorded feedback",
                         "brevisctl feedback list audits/0123456789abcdef",
                         "audits/{audit}", &Client::WalkFeedback);
  CLI::App* add = AddCommand(
      feedback, context, "add", "Record feedback (from PUBLISHED on)",
      "brevisctl feedback add audits/0123456789abcdef --date 2026-06-10 "
      "--audience young_person --audience guardian --form easy_read_letter",
      [context, flags](const Client& client) {
        v1::CreateFeedbackRequest request;
        request.set_parent(flags->parent);
        v1::Feedback* feedback = request.mutable_feedback();
        absl::StatusOr<v1::Date> date = ParseDate("--date", flags->date);
        if (!date.ok()) return context->Fail(date.status());
        *feedback->mutable_date() = *date;
        for (const std::string& each : flags->audiences) {
          absl::StatusOr<v1::InformantGroup> group =
              ParseEnum<v1::InformantGroup>("--audience", each);
          if (!group.ok()) return context->Fail(group.status());
          feedback->add_audiences(*group);
        }
        absl::StatusOr<v1::FeedbackForm> form =
            ParseEnum<v1::FeedbackForm>("--form", flags->form);
        if (!form.ok()) return context->Fail(form.status());
        feedback->set_form(*form);
        feedback->set_note(flags->note);
        request.set_request_id(flags->request_id);
        return context->Show(client.CreateFeedback(request));
      });
  add->add_option("audit", flags->parent, "audits/{audit}")->required();
  add->add_option("--date", flags->date, "YYYY-MM-DD")->required();
  add->add_option("--audience", flags->audiences,
                  Choices<v1::InformantGroup>() + "; repeat")
      ->delimiter(',')
      ->required();
  add->add_option("--form", flags->form, Choices<v1::FeedbackForm>())
      ->required();
  add->add_option("--note", flags->note, "Optional");
  add->add_option("--request-id", flags->request_id);
}

struct ActionFlags {
  std::string name, parent, unit, audit, status, due_before, description,
      responsible, due, note, etag, request_id;
  bool overdue = false;
};

// Fills the action fields given; returns their update-mask paths.
absl::StatusOr<std::vector<std::string>> FillAction(const ActionFlags& flags,
                                                    v1::Action* action) {
  std::vector<std::string> paths;
  if (!flags.description.empty()) {
    action->set_description(flags.description);
    paths.push_back("description");
  }
  if (!flags.responsible.empty()) {
    action->set_responsible(flags.responsible);
    paths.push_back("responsible");
  }
  if (!flags.due.empty()) {
    absl::StatusOr<v1::Date> due = ParseDate("--due", flags.due);
    if (!due.ok()) return due.status();
    *action->mutable_due_date() = *due;
    paths.push_back("due_date");
  }
  if (!flags.status.empty()) {
    absl::StatusOr<v1::ActionStatus> status =
        ParseEnum<v1::ActionStatus>("--status", flags.status);
    if (!status.ok()) return status.status();
    action->set_status(*status);
    paths.push_back("status");
  }
  return paths;
}

void AddActionCommands(CLI::App* app, Context* context) {
  CLI::App* actions = AddGroup(
      app, "actions", "The unit's actions (åtgärder) and progress notes",
      "brevisctl actions list --overdue");
  auto flags = std::make_shared<ActionFlags>();

  CLI::App* list = AddCommand(
      actions, context, "list", "List actions across the audits you may see",
      "brevisctl actions list --overdue --unit units/7d258fdb3e601b7b",
      [context, flags](const Client& client) {
        v1::ListActionsRequest request;
        absl::StatusOr<std::string> status =
            FilterEnum<v1::ActionStatus>("--status", flags->status);
        if (!status.ok()) return context->Fail(status.status());
        if (!flags->due_before.empty()) {
          absl::StatusOr<v1::Date> date =
              ParseDate("--due-before", flags->due_before);
          if (!date.ok()) return context->Fail(date.status());
        }
        request.set_filter(
            Filter({{"unit", flags->unit}, {"audit", flags->audit}},
                   {{"status", *status},
                    {"overdue", flags->overdue ? "true" : ""},
                    {"due_before", flags->due_before}}));
        return context->ShowAll(client.WalkActions(request));
      });
  list->add_flag("--overdue", flags->overdue, "Only overdue actions");
  list->add_option("--unit", flags->unit, "Only this unit's actions");
  list->add_option("--audit", flags->audit, "Only this audit's actions");
  list->add_option("--status", flags->status, Choices<v1::ActionStatus>());
  list->add_option("--due-before", flags->due_before,
                   "Only actions due before this date (YYYY-MM-DD)");

  CLI::App* add = AddCommand(
      actions, context, "add", "Add an action to a recommendation",
      "brevisctl actions add audits/0123456789abcdef/recommendations/5e7f "
      "--description 'Rutin för den unges synpunkter' --responsible "
      "enhetschef --due 2026-09-30",
      [context, flags](const Client& client) {
        v1::CreateActionRequest request;
        request.set_parent(flags->parent);
        absl::StatusOr<std::vector<std::string>> filled =
            FillAction(*flags, request.mutable_action());
        if (!filled.ok()) return context->Fail(filled.status());
        request.set_request_id(flags->request_id);
        return context->Show(client.CreateAction(request));
      });
  add->add_option("recommendation", flags->parent,
                  "audits/{a}/recommendations/{r}")
      ->required();
  add->add_option("--description", flags->description)->required();
  add->add_option("--responsible", flags->responsible, "A role or a name")
      ->required();
  add->add_option("--due", flags->due, "YYYY-MM-DD")->required();
  add->add_option("--status", flags->status,
                  Choices<v1::ActionStatus>() + " (default planned)");
  add->add_option("--request-id", flags->request_id);

  CLI::App* update =
      AddCommand(actions, context, "update", "Change the fields given",
                 "brevisctl actions update "
                 "audits/0123456789abcdef/recommendations/5e7f/actions/77aa "
                 "--status done",
                 [context, flags](const Client& client) {
                   v1::UpdateActionRequest request;
                   request.mutable_action()->set_name(flags->name);
                   request.mutable_action()->set_etag(flags->etag);
                   absl::Status mask = SetUpdateMask(
                       FillAction(*flags, request.mutable_action()),
                       request.mutable_update_mask());
                   if (!mask.ok()) return context->Fail(mask);
                   return context->Show(client.UpdateAction(request));
                 });
  update
      ->add_option("name", flags->name,
                   "audits/{a}/recommendations/{r}/"
                   "actions/{action}")
      ->required();
  update->add_option("--description", flags->description);
  update->add_option("--responsible", flags->responsible);
  update->add_option("--due", flags->due, "YYYY-MM-DD");
  update->add_option("--status", flags->status, Choices<v1::ActionStatus>());
  update->add_option("--etag", flags->etag);

  CLI::App* note = AddCommand(
      actions, context, "note", "Add a progress note (never changed later)",
      "brevisctl actions note "
      "audits/0123456789abcdef/recommendations/5e7f/actions/77aa "
      "'Rutinen är beslutad på APT.'",
      [context, flags](const Client& client) {
        v1::AddProgressNoteRequest request;
        request.set_name(flags->name);
        request.mutable_note()->set_text(flags->note);
        return context->Show(client.AddProgressNote(request));
      });
  note->add_option("name", flags->name, "The action")->required();
  note->add_option("text", flags->note, "The note")->required();

  CLI::App* overdue = AddCommand(
      actions, context, "overdue", "One digest per unit with overdue actions",
      "brevisctl actions overdue", [context, flags](const Client& client) {
        v1::ListOverdueActionsRequest request;
        request.set_filter(Filter({{"unit", flags->unit}}));
        return context->ShowAll(client.WalkOverdueActions(request));
      });
  overdue->add_option("--unit", flags->unit, "Only this unit");
}

}  // namespace

void AddFollowUpCommands(CLI::App* app, Context* context) {
  AddAnswerCommands(app, context);
  AddActionCommands(app, context);
}

}  // namespace brevis::cli
