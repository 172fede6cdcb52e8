#include "server/domain/resource_name.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace brevis::domain {
namespace {

// OK when `result` is INVALID_ARGUMENT with a message starting with
// "`field`: " and containing `what`.
::testing::AssertionResult IsRefused(
    const absl::StatusOr<std::vector<std::string>>& result,
    std::string_view field, std::string_view what) {
  if (result.ok()) return ::testing::AssertionFailure() << "name accepted";
  const std::string message(result.status().message());
  const std::string prefix = std::string(field) + ": ";
  if (result.status().code() != absl::StatusCode::kInvalidArgument ||
      !message.starts_with(prefix) || message.find(what) == std::string::npos) {
    return ::testing::AssertionFailure()
           << result.status().ToString() << ", expected INVALID_ARGUMENT \""
           << prefix << "...\" mentioning \"" << what << "\"";
  }
  return ::testing::AssertionSuccess();
}

bool IsLowercaseHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

const std::vector<std::string_view> kUnit = {"units"};
const std::vector<std::string_view> kFinding = {"audits", "findings"};

// ---------------------------------------------------------------- ParseName

TEST(ParseNameTest, ParsesTopLevelName) {
  absl::StatusOr<std::vector<std::string>> ids =
      ParseName("units/bup-prima-handen", kUnit, "name");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(*ids, std::vector<std::string>{"bup-prima-handen"});
}

TEST(ParseNameTest, ParsesNestedName) {
  absl::StatusOr<std::vector<std::string>> ids =
      ParseName("audits/a1/findings/f2", kFinding, "name");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(*ids, (std::vector<std::string>{"a1", "f2"}));
}

TEST(ParseNameTest, EmptyNameIsRequiredAndShowsTheShape) {
  absl::StatusOr<std::vector<std::string>> ids =
      ParseName("", kFinding, "finding.name");
  EXPECT_TRUE(IsRefused(ids, "finding.name", "required"));
  EXPECT_TRUE(
      IsRefused(ids, "finding.name", "audits/{audit}/findings/{finding}"));
}

TEST(ParseNameTest, MessageNamesTheGivenField) {
  EXPECT_TRUE(IsRefused(ParseName("audits/abc", kUnit, "audit.unit"),
                        "audit.unit", "units/{unit}"));
}

TEST(ParseNameTest, WrongCollectionIsRefused) {
  EXPECT_TRUE(IsRefused(ParseName("audits/abc", kUnit, "name"), "name",
                        "\"audits/abc\" is not a resource name"));
  EXPECT_TRUE(IsRefused(ParseName("unit/abc", kUnit, "name"), "name",
                        "not a resource name"));
  EXPECT_TRUE(IsRefused(ParseName("audits/a1/sessions/s1", kFinding, "name"),
                        "name", "not a resource name"));
}

TEST(ParseNameTest, ExtraSegmentsAreRefused) {
  for (const char* name : {"units/abc/extra", "units/abc/", "/units/abc",
                           "units//abc", "audits/a1/findings/f2/x"}) {
    EXPECT_TRUE(
        IsRefused(ParseName(name, name[0] == 'a' ? kFinding : kUnit, "name"),
                  "name", "not a resource name"))
        << name;
  }
}

TEST(ParseNameTest, MissingSegmentsAreRefused) {
  EXPECT_TRUE(
      IsRefused(ParseName("units", kUnit, "name"), "name", "not a resource"));
  EXPECT_TRUE(
      IsRefused(ParseName("units/", kUnit, "name"), "name", "not a resource"));
  EXPECT_TRUE(
      IsRefused(ParseName("abc", kUnit, "name"), "name", "not a resource"));
  EXPECT_TRUE(IsRefused(ParseName("audits/a1", kFinding, "name"), "name",
                        "not a resource"));
  EXPECT_TRUE(IsRefused(ParseName("audits/a1/findings", kFinding, "name"),
                        "name", "not a resource"));
  EXPECT_TRUE(IsRefused(ParseName("audits/a1/findings/", kFinding, "name"),
                        "name", "not a resource"));
}

TEST(ParseNameTest, IdsAreLowercaseLettersDigitsAndDash) {
  for (const char* name : {"units/ABC", "units/Abc", "units/a_b", "units/a.b",
                           "units/a b", "units/å", "units/a%2Fb"}) {
    EXPECT_TRUE(IsRefused(ParseName(name, kUnit, "name"), "name",
                          "not a resource name"))
        << name;
  }
  EXPECT_TRUE(ParseName("units/0-9-a-z", kUnit, "name").ok());
}

TEST(ParseNameTest, IdsAreAtMost63Characters) {
  absl::StatusOr<std::vector<std::string>> ids =
      ParseName("units/" + std::string(63, 'a'), kUnit, "name");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(ids->at(0).size(), 63u);
  EXPECT_TRUE(
      IsRefused(ParseName("units/" + std::string(64, 'a'), kUnit, "name"),
                "name", "not a resource name"));
  EXPECT_TRUE(IsRefused(
      ParseName("audits/a1/findings/" + std::string(64, 'f'), kFinding, "name"),
      "name", "not a resource name"));
}

TEST(ParseNameTest, NameHelpersBuildParsableNames) {
  EXPECT_EQ(UnitName("u1"), "units/u1");
  EXPECT_EQ(AuditName("a1"), "audits/a1");
  EXPECT_EQ(SessionName("a1", "s1"), "audits/a1/sessions/s1");
  EXPECT_EQ(FindingName("a1", "f1"), "audits/a1/findings/f1");
  absl::StatusOr<std::vector<std::string>> ids =
      ParseName(FindingName("a1", "f1"), kFinding, "name");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(*ids, (std::vector<std::string>{"a1", "f1"}));
}

// ------------------------------------------------------------ NewResourceId

TEST(NewResourceIdTest, IsSixteenLowercaseHexDigits) {
  const std::string id = NewResourceId();
  EXPECT_EQ(id.size(), 16u) << id;
  EXPECT_TRUE(IsLowercaseHex(id)) << id;
}

TEST(NewResourceIdTest, TwoCallsDiffer) {
  EXPECT_NE(NewResourceId(), NewResourceId());
}

TEST(NewResourceIdTest, IsAValidIdInAName) {
  EXPECT_TRUE(ParseName(UnitName(NewResourceId()), kUnit, "name").ok());
}

}  // namespace
}  // namespace brevis::domain
