#include "server/domain/list_filter.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "brevis/v1/audit.pb.h"

namespace brevis::domain {
namespace {

const std::vector<std::string_view> kAuditFields = {"unit", "state"};
const std::vector<std::string_view> kUnitFields = {"active", "kind", "region"};

// Parses a filter that must be valid.
ListFilter MustParse(std::string_view text,
                     const std::vector<std::string_view>& fields) {
  absl::StatusOr<ListFilter> filter = ListFilter::Parse(text, fields);
  EXPECT_TRUE(filter.ok()) << text << ": " << filter.status().ToString();
  return filter.ok() ? *std::move(filter) : ListFilter();
}

// OK when `text` is refused with INVALID_ARGUMENT, a message starting with
// "filter: " and containing `what`.
::testing::AssertionResult IsRefused(
    std::string_view text, const std::vector<std::string_view>& fields,
    std::string_view what) {
  absl::StatusOr<ListFilter> filter = ListFilter::Parse(text, fields);
  if (filter.ok()) {
    return ::testing::AssertionFailure() << "\"" << text << "\" was accepted";
  }
  const absl::Status& status = filter.status();
  const std::string message(status.message());
  if (status.code() != absl::StatusCode::kInvalidArgument ||
      !message.starts_with("filter: ") ||
      message.find(what) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "\"" << text << "\" gave " << status.ToString()
           << ", expected INVALID_ARGUMENT \"filter: ...\" mentioning \""
           << what << "\"";
  }
  return ::testing::AssertionSuccess();
}

const google::protobuf::EnumDescriptor* AuditStates() {
  return v1::AuditState_descriptor();
}

// ------------------------------------------------------------------- Parse

TEST(ListFilterTest, EmptyFilterIsOkAndNamesNothing) {
  for (std::string_view text : {"", "   ", "\t\n"}) {
    ListFilter filter = MustParse(text, kAuditFields);
    EXPECT_EQ(filter.Get("unit"), std::nullopt);
    EXPECT_EQ(filter.Get("state"), std::nullopt);
  }
}

TEST(ListFilterTest, ParsesOneTermWithBareWord) {
  ListFilter filter = MustParse("state = PUBLISHED", kAuditFields);
  EXPECT_EQ(filter.Get("state"), "PUBLISHED");
  EXPECT_EQ(filter.Get("unit"), std::nullopt);
}

TEST(ListFilterTest, BareWordsHoldResourceNames) {
  ListFilter filter = MustParse("unit = units/a1b2-c3.d_4", kAuditFields);
  EXPECT_EQ(filter.Get("unit"), "units/a1b2-c3.d_4");
}

TEST(ListFilterTest, ParsesTermsJoinedByAndWithOrWithoutSpaces) {
  ListFilter spaced =
      MustParse("  state = PUBLISHED   AND  unit = units/abc  ", kAuditFields);
  EXPECT_EQ(spaced.Get("state"), "PUBLISHED");
  EXPECT_EQ(spaced.Get("unit"), "units/abc");
  ListFilter tight =
      MustParse("state=PUBLISHED AND unit=units/abc", kAuditFields);
  EXPECT_EQ(tight.Get("state"), "PUBLISHED");
  EXPECT_EQ(tight.Get("unit"), "units/abc");
}

TEST(ListFilterTest, ParsesQuotedStrings) {
  ListFilter filter = MustParse(
      "region = \"Region Västra Götaland\" AND kind = OUTPATIENT", kUnitFields);
  EXPECT_EQ(filter.Get("region"), "Region Västra Götaland");
  EXPECT_EQ(filter.Get("kind"), "OUTPATIENT");
}

TEST(ListFilterTest, QuotedStringMayBeEmpty) {
  ListFilter filter = MustParse("region = \"\"", kUnitFields);
  EXPECT_EQ(filter.Get("region"), "");
}

TEST(ListFilterTest, BackslashEscapesQuoteInString) {
  ListFilter filter =
      MustParse(R"(region = "Region \"Syd\" AND mer")", kUnitFields);
  EXPECT_EQ(filter.Get("region"), "Region \"Syd\" AND mer");
}

TEST(ListFilterTest, BackslashEscapesBackslashInString) {
  ListFilter filter = MustParse(R"(region = "a\\b")", kUnitFields);
  EXPECT_EQ(filter.Get("region"), "a\\b");
}

TEST(ListFilterTest, UnknownFieldIsRefusedListingAllowedFields) {
  EXPECT_TRUE(IsRefused("colour = red", kAuditFields, "'colour'"));
  EXPECT_TRUE(IsRefused("colour = red", kAuditFields, "unit, state"));
  EXPECT_TRUE(
      IsRefused("state = PUBLISHED AND region = x", kAuditFields, "'region'"));
}

TEST(ListFilterTest, FieldNamesAreCaseSensitive) {
  EXPECT_TRUE(IsRefused("State = PUBLISHED", kAuditFields, "'State'"));
}

TEST(ListFilterTest, MissingEqualsIsRefused) {
  EXPECT_TRUE(IsRefused("state PUBLISHED", kAuditFields,
                        "at offset 6: expected '=' after state"));
  EXPECT_TRUE(IsRefused("state", kAuditFields, "expected '='"));
  EXPECT_TRUE(IsRefused("state != PUBLISHED", kAuditFields, "expected '='"));
}

TEST(ListFilterTest, MissingValueIsRefused) {
  EXPECT_TRUE(IsRefused("state =", kAuditFields, "expected a value"));
  // "AND" is read as the value of state, and "unit" cannot follow it.
  EXPECT_TRUE(IsRefused("state = AND unit = x", kAuditFields,
                        "expected AND or the end"));
}

TEST(ListFilterTest, MissingFieldIsRefused) {
  EXPECT_TRUE(IsRefused("= PUBLISHED", kAuditFields, "expected a field"));
}

TEST(ListFilterTest, UnclosedStringIsRefusedSayingWhere) {
  EXPECT_TRUE(IsRefused("region = \"Region Stockholm", kUnitFields,
                        "at offset 9: string not closed"));
  // An escaped quote does not close the string.
  EXPECT_TRUE(IsRefused(R"(region = "Region\")", kUnitFields, "not closed"));
}

TEST(ListFilterTest, DuplicateFieldIsRefused) {
  EXPECT_TRUE(IsRefused("state = PLANNED AND state = CLOSED", kAuditFields,
                        "state given twice"));
  EXPECT_TRUE(IsRefused("state = PLANNED AND state = PLANNED", kAuditFields,
                        "state given twice"));
}

TEST(ListFilterTest, TrailingGarbageIsRefused) {
  EXPECT_TRUE(IsRefused("state = PUBLISHED junk", kAuditFields,
                        "expected AND or the end"));
  EXPECT_TRUE(IsRefused("state = PUBLISHED OR unit = units/a", kAuditFields,
                        "expected AND or the end"));
  EXPECT_TRUE(IsRefused("state = PUBLISHED and unit = units/a", kAuditFields,
                        "expected AND or the end"));
  EXPECT_TRUE(IsRefused("state = \"PUBLISHED\"x", kAuditFields,
                        "expected AND or the end"));
  EXPECT_TRUE(
      IsRefused("state = PUBLISHED;", kAuditFields, "expected AND or the end"));
  EXPECT_TRUE(
      IsRefused("state = PUBLISHED AND", kAuditFields, "expected a field"));
}

// ----------------------------------------------------------------- GetEnum

TEST(ListFilterTest, GetEnumAcceptsNameWithoutPrefix) {
  ListFilter filter = MustParse("state = PUBLISHED", kAuditFields);
  absl::StatusOr<std::optional<int>> state =
      filter.GetEnum("state", AuditStates(), "AUDIT_STATE_");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(*state, v1::AUDIT_STATE_PUBLISHED);
}

TEST(ListFilterTest, GetEnumAcceptsNameWithPrefix) {
  ListFilter filter = MustParse("state = AUDIT_STATE_FOLLOW_UP", kAuditFields);
  absl::StatusOr<std::optional<int>> state =
      filter.GetEnum("state", AuditStates(), "AUDIT_STATE_");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(*state, v1::AUDIT_STATE_FOLLOW_UP);
}

TEST(ListFilterTest, GetEnumIsUnsetWhenFieldNotNamed) {
  ListFilter filter = MustParse("unit = units/abc", kAuditFields);
  absl::StatusOr<std::optional<int>> state =
      filter.GetEnum("state", AuditStates(), "AUDIT_STATE_");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(*state, std::nullopt);
}

TEST(ListFilterTest, GetEnumRefusesUnspecified) {
  for (std::string_view text :
       {"state = UNSPECIFIED", "state = AUDIT_STATE_UNSPECIFIED"}) {
    ListFilter filter = MustParse(text, kAuditFields);
    absl::StatusOr<std::optional<int>> state =
        filter.GetEnum("state", AuditStates(), "AUDIT_STATE_");
    ASSERT_FALSE(state.ok()) << text;
    EXPECT_EQ(state.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(ListFilterTest, GetEnumRefusesUnknownValueListingValues) {
  ListFilter filter = MustParse("state = DONE", kAuditFields);
  absl::StatusOr<std::optional<int>> state =
      filter.GetEnum("state", AuditStates(), "AUDIT_STATE_");
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(state.status().message());
  EXPECT_TRUE(message.starts_with("filter: state")) << message;
  EXPECT_NE(message.find("'DONE'"), std::string::npos) << message;
  EXPECT_NE(message.find("PLANNED, FIELDWORK, REPORTING, PUBLISHED"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("UNSPECIFIED"), std::string::npos) << message;
}

TEST(ListFilterTest, GetEnumRefusesValueOfAnotherEnum) {
  ListFilter filter = MustParse("state = OUTPATIENT", kAuditFields);
  EXPECT_FALSE(filter.GetEnum("state", AuditStates(), "AUDIT_STATE_").ok());
}

// ----------------------------------------------------------------- GetBool

TEST(ListFilterTest, GetBoolReadsTrueAndFalse) {
  absl::StatusOr<std::optional<bool>> active =
      MustParse("active = true", kUnitFields).GetBool("active");
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  EXPECT_EQ(*active, true);
  active = MustParse("active = false", kUnitFields).GetBool("active");
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  EXPECT_EQ(*active, false);
}

TEST(ListFilterTest, GetBoolIsUnsetWhenFieldNotNamed) {
  absl::StatusOr<std::optional<bool>> active =
      MustParse("kind = OUTPATIENT", kUnitFields).GetBool("active");
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  EXPECT_EQ(*active, std::nullopt);
}

TEST(ListFilterTest, GetBoolRefusesOtherWords) {
  for (std::string_view text :
       {"active = yes", "active = 1", "active = \"\""}) {
    absl::StatusOr<std::optional<bool>> active =
        MustParse(text, kUnitFields).GetBool("active");
    ASSERT_FALSE(active.ok()) << text;
    EXPECT_EQ(active.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(std::string(active.status().message())
                    .starts_with("filter: active must be true or false"))
        << active.status().ToString();
  }
}

// --------------------------------------------------------------- Canonical

const std::vector<std::string_view> kAb = {"a", "b"};

TEST(ListFilterTest, CanonicalIgnoresOrderAndSpacing) {
  EXPECT_EQ(MustParse("a = 1 AND b = 2", kAb).Canonical(),
            MustParse("b=2 AND a=1", kAb).Canonical());
}

TEST(ListFilterTest, CanonicalIgnoresQuotingOfTheSameValue) {
  EXPECT_EQ(MustParse("a = \"1\"", kAb).Canonical(),
            MustParse("a = 1", kAb).Canonical());
}

TEST(ListFilterTest, CanonicalDiffersForDifferentValues) {
  EXPECT_NE(MustParse("a = 1 AND b = 2", kAb).Canonical(),
            MustParse("a = 1 AND b = 3", kAb).Canonical());
  EXPECT_NE(MustParse("a = 1", kAb).Canonical(),
            MustParse("b = 1", kAb).Canonical());
  EXPECT_NE(MustParse("a = 1", kAb).Canonical(),
            MustParse("a = 1 AND b = 2", kAb).Canonical());
  EXPECT_NE(MustParse("", kAb).Canonical(),
            MustParse("a = 1", kAb).Canonical());
}

TEST(ListFilterTest, CanonicalCannotBeForgedWithSeparatorsInValues) {
  // One term whose value looks like two terms must not equal two terms.
  EXPECT_NE(MustParse("a = \"1&b=1:2\"", kAb).Canonical(),
            MustParse("a = 1 AND b = 2", kAb).Canonical());
  EXPECT_NE(MustParse("a = \"1&b=2\"", kAb).Canonical(),
            MustParse("a = 1 AND b = 2", kAb).Canonical());
}

}  // namespace
}  // namespace brevis::domain
