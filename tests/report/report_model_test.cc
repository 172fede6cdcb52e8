// The report's rules without a server: suppression of small informant
// groups, the chart's categories, escaping, and the shape of the Markdown,
// HTML and CSV.

#include "server/report/report_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/report/export.h"
#include "server/report/render.h"

namespace brevis::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(SuppressSmallGroupsTest, HidesGroupsBelowTheMinimumAndOnlyThose) {
  std::map<int, int> people = {{v1::INFORMANT_GROUP_CHILD, 7},
                               {v1::INFORMANT_GROUP_YOUNG_PERSON, 5},
                               {v1::INFORMANT_GROUP_GUARDIAN, 4},
                               {v1::INFORMANT_GROUP_STAFF, 1}};
  std::vector<v1::InformantGroupCount> counts = SuppressSmallGroups(people, 5);
  ASSERT_EQ(counts.size(), 4u);
  EXPECT_EQ(counts[0].participants(), 7);
  EXPECT_FALSE(counts[0].suppressed());
  EXPECT_EQ(counts[1].participants(), 5);  // exactly the minimum is shown
  EXPECT_FALSE(counts[1].suppressed());
  EXPECT_TRUE(counts[2].suppressed());
  EXPECT_EQ(counts[2].participants(), 0);  // the count itself is withheld
  EXPECT_TRUE(counts[3].suppressed());
  // The minimum is the server's to set.
  EXPECT_TRUE(SuppressSmallGroups(people, 8)[0].suppressed());
  EXPECT_FALSE(SuppressSmallGroups(people, 2)[2].suppressed());
}

v1::AuditReport ExampleReport(v1::AuditState state,
                              Language language = Language::kSwedish) {
  v1::AuditReport report;
  report.mutable_audit()->set_name("audits/a1");
  report.mutable_audit()->set_title("Brukarrevision BUP Prima Handen 2026");
  report.mutable_audit()->set_state(state);
  report.mutable_audit()->add_focus_areas(v1::FOCUS_AREA_PARTICIPATION);
  report.set_unit_display_name("BUP Prima Handen");
  *report.add_participants() =
      SuppressSmallGroups({{v1::INFORMANT_GROUP_YOUNG_PERSON, 6},
                           {v1::INFORMANT_GROUP_GUARDIAN, 3}},
                          5)[0];
  *report.add_participants() =
      SuppressSmallGroups({{v1::INFORMANT_GROUP_GUARDIAN, 3}}, 5)[0];
  v1::Finding* finding = report.add_findings();
  finding->set_name("audits/a1/findings/f1");
  finding->set_kind(v1::FINDING_KIND_IMPROVEMENT_AREA);
  finding->set_focus_area(v1::FOCUS_AREA_PARTICIPATION);
  finding->set_text("Flera unga säger att de inte får vara med <b>när</b>.");
  finding->add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
  finding->add_informant_groups(v1::INFORMANT_GROUP_GUARDIAN);
  for (int i = 0; i < 2; ++i) {
    v1::RecommendationReport* item = report.add_recommendations();
    item->mutable_recommendation()->set_name("audits/a1/recommendations/r" +
                                             std::to_string(i));
    item->mutable_recommendation()->set_text(
        i == 0 ? "=HYPERLINK(\"x\") Inför en rutin, \"nu\""
               : "Ge skriftlig information om SIP");
    item->mutable_recommendation()->add_findings("audits/a1/findings/f1");
    item->add_focus_areas(v1::FOCUS_AREA_PARTICIPATION);
    v1::Action* action = item->add_actions();
    action->set_description("Rutin [länk](javascript:x)");
    action->set_status(i == 0 ? v1::ACTION_STATUS_DONE
                              : v1::ACTION_STATUS_PLANNED);
    action->set_overdue(i == 1);
  }
  report.mutable_recommendations(0)
      ->mutable_recommendation()
      ->mutable_verdict()
      ->set_verdict(v1::VERDICT_IMPLEMENTED);
  for (v1::ChartBar& bar : BuildChart(report, language)) {
    *report.add_chart() = bar;
  }
  return report;
}

TEST(ChartTest, CountsActionStatusBeforeFollowUpAndVerdictsAfter) {
  v1::AuditReport running = ExampleReport(v1::AUDIT_STATE_IN_PROGRESS);
  ASSERT_EQ(running.chart_size(), 1);
  ASSERT_EQ(running.chart(0).segments_size(), 2);
  EXPECT_EQ(running.chart(0).segments(0).category(), "ACTION_STATUS_DONE");
  EXPECT_EQ(running.chart(0).segments(0).label(), "klar");
  EXPECT_EQ(running.chart(0).segments(1).category(), "ACTION_STATUS_PLANNED");

  v1::AuditReport followed = ExampleReport(v1::AUDIT_STATE_FOLLOW_UP);
  ASSERT_EQ(followed.chart(0).segments_size(), 2);
  EXPECT_EQ(followed.chart(0).segments(0).category(), "VERDICT_IMPLEMENTED");
  EXPECT_EQ(followed.chart(0).segments(0).label(), "genomförd");
  EXPECT_EQ(followed.chart(0).segments(1).category(), "NO_VERDICT");
}

TEST(ChartTest, ARecommendationWithStartedWorkIsInProgress) {
  v1::RecommendationReport item;
  item.add_actions()->set_status(v1::ACTION_STATUS_DONE);
  item.add_actions()->set_status(v1::ACTION_STATUS_PLANNED);
  EXPECT_EQ(ChartCategory(item, v1::AUDIT_STATE_IN_PROGRESS),
            "ACTION_STATUS_IN_PROGRESS");
  item.mutable_actions(1)->set_status(v1::ACTION_STATUS_CANCELLED);
  EXPECT_EQ(ChartCategory(item, v1::AUDIT_STATE_IN_PROGRESS),
            "ACTION_STATUS_DONE");
  EXPECT_EQ(
      ChartCategory(v1::RecommendationReport(), v1::AUDIT_STATE_PUBLISHED),
      "NO_ACTION");
}

TEST(MarkdownTest, HasTheSectionsInSwedishAndEscapesUserText) {
  std::string md = RenderMarkdown(ExampleReport(v1::AUDIT_STATE_IN_PROGRESS),
                                  Language::kSwedish, 5);
  EXPECT_THAT(md, HasSubstr("# Brukarrevision BUP Prima Handen 2026\n"));
  for (const char* heading :
       {"## Deltagare", "## Iakttagelser", "## Rekommendationer", "### R1. ",
        "## Rekommendationer per fokusområde",
        "## Återkoppling till brukarna"}) {
    EXPECT_THAT(md, HasSubstr(heading));
  }
  EXPECT_THAT(md, HasSubstr("| ungdomar 13–17 år | 6 |"));
  EXPECT_THAT(md, HasSubstr("| vårdnadshavare | färre än 5 |"));
  EXPECT_THAT(md, Not(HasSubstr("| 3 |")));
  EXPECT_THAT(md, HasSubstr("\\<b\\>när\\</b\\>"));
  EXPECT_THAT(md, HasSubstr("Rutin \\[länk\\](javascript:x)"));
  EXPECT_THAT(md, HasSubstr("planerad, försenad"));
  EXPECT_THAT(md, HasSubstr("- delaktighet: klar 1, planerad 1"));
}

TEST(MarkdownTest, EnglishOnRequest) {
  std::string md = RenderMarkdown(
      ExampleReport(v1::AUDIT_STATE_IN_PROGRESS, Language::kEnglish),
      Language::kEnglish, 5);
  EXPECT_THAT(md, HasSubstr("## Participants"));
  EXPECT_THAT(md, HasSubstr("| guardians | fewer than 5 |"));
  EXPECT_THAT(md, HasSubstr("- participation: done 1, planned 1"));
}

TEST(HtmlTest, OneSelfContainedPageForPhonesAndPrintWithTheChart) {
  std::string html = RenderHtml(ExampleReport(v1::AUDIT_STATE_IN_PROGRESS),
                                Language::kSwedish, 5);
  EXPECT_EQ(html.rfind("<!DOCTYPE html><html lang=\"sv\">", 0), 0u);
  EXPECT_THAT(html, HasSubstr("<meta name=\"viewport\""));
  EXPECT_THAT(html, HasSubstr("@media print"));
  EXPECT_THAT(html, HasSubstr("<svg role=\"img\""));
  EXPECT_THAT(html, HasSubstr("<rect"));
  EXPECT_THAT(html, HasSubstr("</html>"));
  // Nothing is fetched from elsewhere.
  for (const char* external :
       {"src=", "href=", "url(", "@import", "http:", "https:", "<script"}) {
    EXPECT_THAT(html, Not(HasSubstr(external))) << external;
  }
  // User text cannot add markup.
  EXPECT_THAT(html, HasSubstr("&lt;b&gt;när&lt;/b&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<b>när")));
  EXPECT_THAT(html, HasSubstr("färre än 5"));
}

TEST(CsvTest, QuotesAsRfc4180AndDisarmsFormulas) {
  EXPECT_EQ(CsvRecord({"a", "b,c", "d\"e", "rad 1\nrad 2"}),
            "a,\"b,c\",\"d\"\"e\",\"rad 1\nrad 2\"\r\n");
  EXPECT_EQ(CsvRecord({"=1+1", "-2", "@x", "+3"}), "'=1+1,'-2,'@x,'+3\r\n");
}

TEST(CsvTest, OneRowPerRecommendationWithSuppressedGroups) {
  v1::AuditReport report = ExampleReport(v1::AUDIT_STATE_FOLLOW_UP);
  EXPECT_EQ(ExportHeader(Language::kSwedish).substr(0, 32),
            "Enhet,Revision,Revisionens namn,");
  EXPECT_EQ(ExportHeader(Language::kEnglish).substr(0, 22),
            "Unit,Audit,Audit name,");
  std::string csv = ExportRecords(report, Language::kSwedish, 5);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 2);
  EXPECT_THAT(csv, HasSubstr("\"'=HYPERLINK(\"\"x\"\") Inför en rutin, "
                             "\"\"nu\"\"\""));
  EXPECT_THAT(csv, HasSubstr("ungdomar 13–17 år: 6; vårdnadshavare: färre "
                             "än 5"));
  EXPECT_THAT(csv, HasSubstr(",genomförd,"));
}

}  // namespace
}  // namespace brevis::report
