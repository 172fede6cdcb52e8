#include "tests/bench/seed.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <random>

#include "absl/time/time.h"
#include "server/domain/resource_name.h"
#include "server/domain/str_cat.h"
#include "server/domain/validation.h"
#include "server/store/action_repository.h"
#include "server/store/audit_repository.h"
#include "server/store/database.h"
#include "server/store/finding_repository.h"
#include "server/store/lifecycle_repository.h"
#include "server/store/principal_repository.h"
#include "server/store/recommendation_repository.h"
#include "server/store/session_repository.h"
#include "server/store/unit_repository.h"

namespace brevis::bench {
namespace {

using store::Connection;

// The seed writes an SQLite file (a PostgreSQL run copies it over with
// `brevisd copy`), so the rowid of the last insert is SQLite's own.
int64_t LastInsertRowid(Connection& connection) {
  return sqlite3_last_insert_rowid(
      static_cast<store::SqliteConnection&>(connection).raw());
}

// Rows per transaction: few commits, and a WAL that checkpoints now and then.
constexpr int64_t kRowsPerTransaction = 50000;

constexpr std::array kPlaces = {
    "Prima Handen", "Södertälje",  "Järfälla",       "Täby",
    "Huddinge",     "Skärholmen",  "Liljeholmen",    "Sollentuna",
    "Norrtälje",    "Nacka",       "Värmdö",         "Lidingö",
    "Solna",        "Sundbyberg",  "Kista",          "Farsta",
    "Globen",       "Danderyd",    "Upplands Väsby", "Botkyrka",
    "Haninge",      "Tyresö",      "Vällingby",      "Östermalm",
    "Södermalm",    "Gustavsberg", "Åkersberga",     "Märsta",
    "Nynäshamn",    "Bromma",      "Hägersten",      "Älvsjö",
    "Rinkeby",      "Skogås",      "Jakobsberg",     "Täby kyrkby",
    "Flemingsberg", "Hässelby",    "Sigtuna",        "Vaxholm"};

struct UnitFlavour {
  const char* suffix;
  v1::UnitKind kind;
};
constexpr std::array kFlavours = {
    UnitFlavour{"", v1::UNIT_KIND_OUTPATIENT},
    UnitFlavour{" heldygnsvård", v1::UNIT_KIND_INPATIENT},
    UnitFlavour{" akutmottagning", v1::UNIT_KIND_EMERGENCY},
    UnitFlavour{" ätstörningsteam", v1::UNIT_KIND_SPECIALIST_TEAM},
    UnitFlavour{" neuropsykiatriskt team", v1::UNIT_KIND_SPECIALIST_TEAM},
    UnitFlavour{" traumateam", v1::UNIT_KIND_SPECIALIST_TEAM},
    UnitFlavour{" mottagning för unga vuxna", v1::UNIT_KIND_OUTPATIENT},
    UnitFlavour{" intensivvård i hemmet", v1::UNIT_KIND_SPECIALIST_TEAM}};

constexpr std::array kFindingSubjects = {"Flera unga",
                                         "De flesta unga",
                                         "Några barn",
                                         "Många vårdnadshavare",
                                         "Flera vårdnadshavare",
                                         "De intervjuade ungdomarna",
                                         "Barnen i fokusgruppen",
                                         "Några unga vuxna",
                                         "Personalen"};

constexpr std::array kFindingClaims = {
    "beskriver att de blir lyssnade på och tagna på allvar av sin behandlare",
    "säger att de inte får vara med när beslut om deras behandling fattas",
    "vet inte vad en SIP är eller hur man begär en",
    "upplever att väntetiden till första besöket är för lång",
    "tycker att väntrummet är trångt, stökigt och saknar något att göra",
    "saknar skriftlig information på lättläst svenska",
    "önskar att få träffa samma behandlare varje gång",
    "känner sig otrygga på väg till och från mottagningen",
    "berättar att skolan och BUP inte pratar med varandra",
    "upplever att bemötandet i telefon är vänligt och lugnt",
    "vet inte vart de ska vända sig när det är stängt på kvällar och helger",
    "uppskattar att de får välja om vårdnadshavare ska vara med i samtalet",
    "tycker att läkemedelsgenomgången gick för fort",
    "har aldrig fått höra att de har rätt att säga vad de tycker",
    "beskriver mottagningen som en plats där man får vara sig själv"};

constexpr std::array kFindingTails = {
    "",
    " Det gäller särskilt de yngre barnen.",
    " Flera nämner att det har blivit bättre under det senaste året.",
    " Några påpekar att informationen bara finns på webbplatsen.",
    " Det framkom både i intervjuerna och i fokusgrupperna.",
    " Önskemålet är att få information både muntligt och skriftligt.",
    " Flera jämför med hur det var på vårdcentralen, där det gick snabbare.",
    " Några säger att de inte vågade fråga."};

constexpr std::array kRecommendations = {
    "Inför en rutin där den unge själv får ge sin syn innan beslut om "
    "behandling",
    "Ge skriftlig information om SIP på lättläst svenska vid första besöket",
    "Erbjud samtal med samma behandlare genom hela utredningen",
    "Gör om väntrummet tillsammans med unga som går på mottagningen",
    "Informera tydligt om vart man vänder sig när mottagningen är stängd",
    "Ta fram en barnvänlig sammanfattning av rättigheterna enligt "
    "barnkonventionen",
    "Ordna gemensamma möten med skolan när den unge vill det",
    "Avsätt tid för frågor vid varje läkemedelsgenomgång"};

constexpr std::array kActions = {
    "Ta fram en broschyr om SIP på lättläst svenska",
    "Utbilda all personal i barnkonventionen och barns rätt att komma till "
    "tals",
    "Gör om väntrummet med möbler och material som unga har valt",
    "Inför en fast vårdkontakt för varje patient",
    "Lägg information om kvälls- och helgmottagning i kallelsebrevet",
    "Pröva en checklista för delaktighet vid behandlingsbeslut",
    "Bjud in skolhälsovården till ett gemensamt möte per termin",
    "Följ upp väntetiderna varje månad på arbetsplatsträffen"};

constexpr std::array kResponsibles = {
    "enhetschef", "vårdsamordnare", "kurator",      "sjuksköterska",
    "överläkare", "psykolog",       "administratör"};

constexpr std::array kNotes = {
    "Arbetet har påbörjats; första utkastet är granskat av två unga.",
    "Försenat på grund av personalbrist under sommaren.",
    "Klart för hälften av teamen, resten under hösten.",
    "Diskuterat på arbetsplatsträffen; alla är överens om upplägget."};

constexpr std::array kRationales = {
    "Vi delar bilden och har redan börjat planera.",
    "Vi genomför delar av förslaget inom befintlig budget.",
    "Förslaget ryms inte i årets verksamhetsplan men tas upp igen nästa år."};

constexpr std::array kVerdictComments = {
    "Rutinen finns och de unga vi talade med känner till den.",
    "Broschyren finns men delas inte ut vid första besöket.",
    "Inget har förändrats enligt de unga vi träffade.",
    "Mottagningen har omorganiserats och förslaget gäller inte längre."};

template <typename Array>
const char* Pick(std::mt19937_64& rng, const Array& values) {
  return values[rng() % values.size()];
}

std::string Uid(std::mt19937_64& rng) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx",
                static_cast<unsigned long long>(rng()));
  return text;
}

v1::Date ToDate(absl::Time time) {
  absl::CivilDay day = absl::ToCivilDay(time, absl::UTCTimeZone());
  v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

std::string FindingText(std::mt19937_64& rng) {
  return brevis::StrCat(Pick(rng, kFindingSubjects), " ",
                        Pick(rng, kFindingClaims), ".",
                        Pick(rng, kFindingTails));
}

// The states audits are in, in proportion: most are past publication, as
// in a programme that has run for some years.
v1::AuditState DrawState(std::mt19937_64& rng) {
  constexpr std::array<std::pair<int, v1::AuditState>, 8> kShares = {{
      {5, v1::AUDIT_STATE_PLANNED},
      {8, v1::AUDIT_STATE_FIELDWORK},
      {7, v1::AUDIT_STATE_REPORTING},
      {10, v1::AUDIT_STATE_PUBLISHED},
      {30, v1::AUDIT_STATE_IN_PROGRESS},
      {10, v1::AUDIT_STATE_FOLLOW_UP},
      {27, v1::AUDIT_STATE_CLOSED},
      {3, v1::AUDIT_STATE_CANCELLED},
  }};
  int draw = static_cast<int>(rng() % 100);
  for (const auto& [share, state] : kShares) {
    if (draw < share) return state;
    draw -= share;
  }
  return v1::AUDIT_STATE_CLOSED;
}

// How many days ago an audit in `state` began (negative: it is planned to
// begin then): an audit spends a few months from fieldwork to publication,
// a year on its actions, and is followed up about a year after publication.
int AgeDays(std::mt19937_64& rng, v1::AuditState state) {
  struct Range {
    v1::AuditState state;
    int from, to;
  };
  constexpr std::array<Range, 8> kRanges = {{
      {v1::AUDIT_STATE_PLANNED, -90, -1},
      {v1::AUDIT_STATE_FIELDWORK, 50, 100},
      {v1::AUDIT_STATE_REPORTING, 95, 150},
      {v1::AUDIT_STATE_PUBLISHED, 140, 220},
      {v1::AUDIT_STATE_IN_PROGRESS, 200, 520},
      {v1::AUDIT_STATE_FOLLOW_UP, 420, 650},
      {v1::AUDIT_STATE_CLOSED, 560, 1800},
      {v1::AUDIT_STATE_CANCELLED, 100, 1000},
  }};
  for (const Range& range : kRanges) {
    if (range.state == state) {
      return range.from + static_cast<int>(rng() % (range.to - range.from));
    }
  }
  return 365;
}

// The status of an action of an audit in `state`: the further the audit
// has come, the more of its actions are done.
v1::ActionStatus DrawActionStatus(std::mt19937_64& rng, v1::AuditState state) {
  struct Shares {
    v1::AuditState state;
    int planned, in_progress, done;  // percent; the rest are cancelled
  };
  constexpr std::array<Shares, 4> kShares = {{
      {v1::AUDIT_STATE_PUBLISHED, 85, 15, 0},
      {v1::AUDIT_STATE_IN_PROGRESS, 30, 40, 25},
      {v1::AUDIT_STATE_FOLLOW_UP, 10, 25, 60},
      {v1::AUDIT_STATE_CLOSED, 0, 5, 85},
  }};
  Shares shares = kShares.back();
  for (const Shares& candidate : kShares) {
    if (candidate.state == state) shares = candidate;
  }
  int draw = static_cast<int>(rng() % 100);
  if (draw < shares.planned) return v1::ACTION_STATUS_PLANNED;
  draw -= shares.planned;
  if (draw < shares.in_progress) return v1::ACTION_STATUS_IN_PROGRESS;
  draw -= shares.in_progress;
  if (draw < shares.done) return v1::ACTION_STATUS_DONE;
  return v1::ACTION_STATUS_CANCELLED;
}

struct AuditRow {
  int64_t id = 0;
  std::string uid;
  int unit = 0;  // index into units
  v1::AuditState state = v1::AUDIT_STATE_PLANNED;
  absl::Time start;
  // A few improvement-area findings, for recommendations to answer.
  std::vector<int64_t> improvement_findings;
  std::vector<int64_t> recommendations;
  std::vector<std::string> recommendation_uids;
};

bool Reached(v1::AuditState state, v1::AuditState step) {
  return state != v1::AUDIT_STATE_CANCELLED && state >= step;
}

bool ActionsRun(v1::AuditState state) {
  return state >= v1::AUDIT_STATE_PUBLISHED && state <= v1::AUDIT_STATE_CLOSED;
}

// Runs `rows` calls of `insert(i)` in transactions of kRowsPerTransaction.
absl::Status InChunks(
    store::Database& db, int64_t rows,
    const std::function<absl::Status(Connection&, int64_t)>& insert) {
  for (int64_t begin = 0; begin < rows; begin += kRowsPerTransaction) {
    int64_t end = std::min(rows, begin + kRowsPerTransaction);
    absl::Status status = db.Write([&](Connection& connection) {
      for (int64_t i = begin; i < end; ++i) {
        if (absl::Status s = insert(connection, i); !s.ok()) return s;
      }
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

class Seeder {
 public:
  Seeder(store::Database& db, const SeedSize& size, uint64_t seed)
      : db_(db), size_(size), rng_(seed), now_(absl::Now()) {}

  absl::StatusOr<SeededData> Run() {
    auto started = std::chrono::steady_clock::now();
    absl::Status status = db_.Write([](Connection& connection) {
      // A large page cache while seeding, so the random uid index stays in
      // memory; brevisd opens its own connections later.
      return connection.Exec("PRAGMA cache_size=-262144");
    });
    if (status.ok()) status = SeedUnitsAndPeople();
    if (status.ok()) status = SeedAudits();
    if (status.ok()) status = SeedFindings();
    if (status.ok()) status = SeedRecommendations();
    if (status.ok()) status = SeedActions();
    if (status.ok()) status = SeedClosure();
    if (!status.ok()) return status;
    data_.size = size_;
    data_.seconds = std::chrono::duration<double>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    return std::move(data_);
  }

 private:
  absl::Status SeedUnitsAndPeople() {
    unit_ids_.resize(size_.units);
    unit_uids_.resize(size_.units);
    absl::Status status = db_.Write([&](Connection& connection) {
      store::UnitRepository units(connection);
      for (int i = 0; i < size_.units; ++i) {
        const UnitFlavour& flavour =
            kFlavours[(i / kPlaces.size()) % kFlavours.size()];
        v1::Unit unit;
        std::string name =
            brevis::StrCat("BUP ", kPlaces[i % kPlaces.size()], flavour.suffix);
        if (i >= static_cast<int>(kPlaces.size() * kFlavours.size())) {
          name = brevis::StrCat(name, " ", i);
        }
        unit.set_display_name(name);
        unit_names_.push_back(name);
        unit.set_region("Region Stockholm");
        unit.set_kind(flavour.kind);
        unit.set_hsa_id(brevis::StrCat("SE2321000016-B", 1000 + i));
        unit_uids_[i] = Uid(rng_);
        absl::Time created = now_ - absl::Hours(24 * (1500 + rng_() % 300));
        if (auto s = units.Create(unit_uids_[i], created, &unit); !s.ok()) {
          return s;
        }
        unit_ids_[i] = LastInsertRowid(connection);
      }
      store::PrincipalRepository principals(connection);
      int auditors = std::max(4, size_.units / 6);
      for (int i = 0; i < auditors; ++i) {
        v1::Principal principal;
        principal.set_display_name(brevis::StrCat("Brukarrevisor ", i + 1));
        principal.set_role(v1::ROLE_AUDITOR);
        if (auto s = principals.Create(Uid(rng_), {}, now_ - absl::Hours(9000),
                                       &principal);
            !s.ok()) {
          return s;
        }
        auditor_ids_.push_back(LastInsertRowid(connection));
      }
      for (int i = 0; i < size_.units; i += 2) {
        v1::Principal principal;
        principal.set_display_name(
            brevis::StrCat("Enhetschef ", kPlaces[i % kPlaces.size()]));
        principal.set_role(v1::ROLE_UNIT_MANAGER);
        std::vector<int64_t> managed = {unit_ids_[i]};
        if (i + 1 < size_.units) managed.push_back(unit_ids_[i + 1]);
        if (auto s = principals.Create(Uid(rng_), managed,
                                       now_ - absl::Hours(9000), &principal);
            !s.ok()) {
          return s;
        }
      }
      return absl::OkStatus();
    });
    return status;
  }

  absl::Status SeedAudits() {
    audits_.resize(size_.audits);
    // The deep audit is in REPORTING: its findings are all written, the
    // report is being drafted.
    return InChunks(db_, size_.audits, [&](Connection& connection, int64_t i) {
      AuditRow& row = audits_[i];
      row.uid = Uid(rng_);
      row.unit = static_cast<int>(i % size_.units);
      row.state = i == 0 ? v1::AUDIT_STATE_REPORTING : DrawState(rng_);
      row.start = now_ - absl::Hours(24 * AgeDays(rng_, row.state));
      int year = static_cast<int>(
          absl::ToCivilYear(row.start, absl::UTCTimeZone()).year());
      v1::Audit audit;
      audit.set_title(
          brevis::StrCat("Brukarrevision ", unit_names_[row.unit], " ", year));
      audit.set_commissioned_by(
          "Regionala programmet för psykisk hälsa, Region Stockholm");
      int areas = 3 + static_cast<int>(rng_() % 2);
      for (int a = 0; a < areas; ++a) {
        audit.add_focus_areas(static_cast<v1::FocusArea>(
            1 + (row.unit + a * 2) % v1::FOCUS_AREA_CHILD_RIGHTS));
      }
      audit.set_question_guide(
          "Delaktighet: Hur får du vara med och bestämma om din "
          "behandling? Bemötande: Hur blir du bemött när du ringer eller "
          "kommer hit? Information: Vad fick du veta innan första "
          "besöket? Barnets rättigheter: Har någon berättat vilka "
          "rättigheter du har?");
      *audit.mutable_planned_start_date() = ToDate(row.start);
      *audit.mutable_planned_report_date() =
          ToDate(row.start + absl::Hours(24 * 100));
      *audit.mutable_planned_follow_up_date() =
          ToDate(row.start + absl::Hours(24 * 290));
      store::AuditRepository repository(connection);
      if (auto s = repository.Create(row.uid, unit_ids_[row.unit], At(row, -30),
                                     &audit);
          !s.ok()) {
        return s;
      }
      row.id = LastInsertRowid(connection);
      return Advance(connection, row);
    });
  }

  // Team, sessions and the lifecycle steps up to the audit's state.
  absl::Status Advance(Connection& connection, AuditRow& row) {
    if (row.state == v1::AUDIT_STATE_PLANNED) return absl::OkStatus();
    store::LifecycleRepository lifecycle(connection);
    store::AuditRepository audits(connection);
    size_t first = rng_() % auditor_ids_.size();
    size_t second =
        (first + 1 + rng_() % (auditor_ids_.size() - 1)) % auditor_ids_.size();
    if (auto removed =
            audits.SetTeam(row.id, {auditor_ids_[first], auditor_ids_[second]});
        !removed.ok()) {
      return removed.status();
    }
    v1::AuditState last = v1::AUDIT_STATE_PLANNED;
    v1::AuditState target = row.state;
    if (target == v1::AUDIT_STATE_CANCELLED) {
      target = static_cast<v1::AuditState>(1 + rng_() % 4);
    }
    for (int step = v1::AUDIT_STATE_FIELDWORK; step <= target; ++step) {
      auto next = static_cast<v1::AuditState>(step);
      if (auto s =
              lifecycle.Transition(row.id, last, next, "", "principals/admin",
                                   At(row, 45 * (step - 1)));
          !s.ok()) {
        return s;
      }
      last = next;
    }
    if (row.state == v1::AUDIT_STATE_CANCELLED && last != row.state) {
      if (auto s = lifecycle.Transition(
              row.id, last, v1::AUDIT_STATE_CANCELLED,
              "Enheten har slagits samman med en annan mottagning.",
              "principals/admin", At(row, 45 * target + 10));
          !s.ok()) {
        return s;
      }
    }
    if (target < v1::AUDIT_STATE_FIELDWORK) return absl::OkStatus();
    // Interviews with young people, focus groups with children and with
    // guardians: counts only, never who.
    store::SessionRepository sessions(connection);
    struct Planned {
      v1::SessionKind kind;
      v1::InformantGroup group;
      int participants;
    };
    std::vector<Planned> planned;
    int interviews = 4 + static_cast<int>(rng_() % 5);
    for (int k = 0; k < interviews; ++k) {
      planned.push_back(
          {v1::SESSION_KIND_INTERVIEW, v1::INFORMANT_GROUP_YOUNG_PERSON, 1});
    }
    planned.push_back({v1::SESSION_KIND_FOCUS_GROUP, v1::INFORMANT_GROUP_CHILD,
                       3 + static_cast<int>(rng_() % 3)});
    planned.push_back({v1::SESSION_KIND_FOCUS_GROUP,
                       v1::INFORMANT_GROUP_GUARDIAN,
                       4 + static_cast<int>(rng_() % 4)});
    for (size_t k = 0; k < planned.size(); ++k) {
      v1::Session session;
      *session.mutable_date() = ToDate(At(row, 10 + 3 * k));
      session.set_kind(planned[k].kind);
      session.set_informant_group(planned[k].group);
      session.set_participant_count(planned[k].participants);
      if (auto s = sessions.Create(domain::name::Session{row.uid, Uid(rng_)},
                                   row.id, At(row, 10 + 3 * k), &session);
          !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }

  absl::Status SeedFindings() {
    // Audits in FIELDWORK have begun writing findings; PLANNED and most
    // cancelled ones have none. Findings of all audits arrive interleaved,
    // as they do over the years, so an audit's rows are spread over the
    // table.
    std::vector<int> weights;
    std::vector<int> eligible;
    for (int i = 1; i < size_.audits; ++i) {
      v1::AuditState state = audits_[i].state;
      if (state == v1::AUDIT_STATE_PLANNED) continue;
      eligible.push_back(i);
      weights.push_back(state == v1::AUDIT_STATE_FIELDWORK   ? 1
                        : state == v1::AUDIT_STATE_CANCELLED ? 1
                                                             : 3);
    }
    int64_t deep = std::min<int64_t>(size_.deep_audit_findings,
                                     std::max<int64_t>(1, size_.findings / 2));
    std::vector<int> order(static_cast<size_t>(size_.findings));
    std::discrete_distribution<int> draw(weights.begin(), weights.end());
    for (int64_t k = 0; k < size_.findings; ++k) {
      order[k] = k < deep || eligible.empty() ? 0 : eligible[draw(rng_)];
    }
    std::shuffle(order.begin(), order.end(), rng_);
    return InChunks(
        db_, size_.findings, [&](Connection& connection, int64_t k) {
          AuditRow& row = audits_[order[k]];
          v1::Finding finding;
          finding.set_focus_area(
              static_cast<v1::FocusArea>(1 + rng_() % v1::FOCUS_AREA_OTHER));
          uint64_t r = rng_();
          finding.set_kind(r % 5 == 0  ? v1::FINDING_KIND_OBSERVATION
                           : r % 5 < 3 ? v1::FINDING_KIND_IMPROVEMENT_AREA
                                       : v1::FINDING_KIND_STRENGTH);
          finding.set_text(FindingText(rng_));
          finding.add_informant_groups(v1::INFORMANT_GROUP_YOUNG_PERSON);
          if (r % 3 == 0) {
            finding.add_informant_groups(v1::INFORMANT_GROUP_GUARDIAN);
          }
          if (r % 4 == 0) finding.add_child_rights_articles(12);
          if (r % 7 == 0) finding.add_child_rights_articles(3);
          finding.set_sip(r % 9 == 0);
          absl::Time created = At(row, 20 + (rng_() % 60000) / 1440.0);
          if (auto s = store::FindingRepository(connection)
                           .Create(domain::name::Finding{row.uid, Uid(rng_)},
                                   row.id, created, &finding);
              !s.ok()) {
            return s;
          }
          if (finding.kind() == v1::FINDING_KIND_IMPROVEMENT_AREA &&
              row.improvement_findings.size() < 12) {
            row.improvement_findings.push_back(LastInsertRowid(connection));
          }
          return absl::OkStatus();
        });
  }

  absl::Status SeedRecommendations() {
    return InChunks(db_, size_.audits, [&](Connection& connection, int64_t i) {
      AuditRow& row = audits_[i];
      if (!Reached(row.state, v1::AUDIT_STATE_REPORTING) ||
          row.improvement_findings.empty()) {
        return absl::OkStatus();
      }
      store::RecommendationRepository repository(connection);
      int count = std::min<int>(2 + static_cast<int>(rng_() % 7),
                                row.improvement_findings.size());
      absl::Time written = At(row, 80);
      for (int r = 0; r < count; ++r) {
        v1::Recommendation recommendation;
        recommendation.set_text(Pick(rng_, kRecommendations));
        recommendation.set_priority(static_cast<v1::Priority>(1 + rng_() % 3));
        std::string uid = Uid(rng_);
        if (auto s = repository.Create(
                domain::name::Recommendation{row.uid, uid}, row.id,
                {row.improvement_findings[r]}, written, &recommendation);
            !s.ok()) {
          return s;
        }
        int64_t id = LastInsertRowid(connection);
        row.recommendations.push_back(id);
        row.recommendation_uids.push_back(uid);
        if (!Reached(row.state, v1::AUDIT_STATE_IN_PROGRESS) &&
            (row.state != v1::AUDIT_STATE_PUBLISHED || r % 2 == 1)) {
          continue;
        }
        v1::UnitResponse response;
        uint64_t d = rng_() % 10;
        response.set_decision(d < 6   ? v1::RESPONSE_DECISION_ACCEPTED
                              : d < 9 ? v1::RESPONSE_DECISION_PARTLY_ACCEPTED
                                      : v1::RESPONSE_DECISION_DECLINED);
        response.set_rationale(Pick(rng_, kRationales));
        if (auto s = repository.SetResponse(
                id, response, "principals/enhetschef", At(row, 140));
            !s.ok()) {
          return s;
        }
      }
      return absl::OkStatus();
    });
  }

  absl::Status SeedActions() {
    std::vector<std::pair<int, int>> parents;  // (audit, recommendation)
    for (int i = 0; i < size_.audits; ++i) {
      if (!ActionsRun(audits_[i].state)) continue;
      for (size_t r = 0; r < audits_[i].recommendations.size(); ++r) {
        parents.emplace_back(i, static_cast<int>(r));
      }
    }
    if (parents.empty()) return absl::OkStatus();
    std::string today = domain::StockholmDate(now_);
    std::map<int, int64_t> overdue_by_unit;
    absl::Status status =
        InChunks(db_, size_.actions, [&](Connection& connection, int64_t k) {
          const auto& [audit_index, r] = parents[rng_() % parents.size()];
          AuditRow& row = audits_[audit_index];
          v1::Action action;
          action.set_description(Pick(rng_, kActions));
          action.set_responsible(Pick(rng_, kResponsibles));
          // Due within a year of publication; later states are older, so
          // more of their due dates have passed.
          absl::Time published = At(row, 135);
          absl::Time due =
              published +
              absl::Hours(24 * (30 + static_cast<int>(rng_() % 330)));
          *action.mutable_due_date() = ToDate(due);
          v1::ActionStatus status = DrawActionStatus(rng_, row.state);
          action.set_status(status);
          store::ActionRepository actions(connection, today);
          std::string uid = Uid(rng_);
          store::ActionParent parent{row.recommendations[r], row.id,
                                     unit_ids_[row.unit]};
          if (auto st = actions.Create(parent, uid, published, &action);
              !st.ok()) {
            return st;
          }
          std::string name =
              brevis::StrCat(row.uid, "/recommendations/",
                             row.recommendation_uids[r], "/actions/", uid);
          if (row.state != v1::AUDIT_STATE_CLOSED &&
              data_.open_actions.size() < 5000) {
            data_.open_actions.push_back(brevis::StrCat("audits/", name));
          }
          bool open = status == v1::ACTION_STATUS_PLANNED ||
                      status == v1::ACTION_STATUS_IN_PROGRESS;
          if (open && DateText(action.due_date()) < today) {
            ++overdue_by_unit[row.unit];
            ++data_.overdue_actions;
          }
          if (k % 4 == 0) {
            int64_t id = LastInsertRowid(connection);
            if (auto st =
                    actions.AddNote(id, Pick(rng_, kNotes),
                                    "principals/enhetschef", At(row, 175));
                !st.ok()) {
              return st;
            }
          }
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    for (const auto& [unit, count] : overdue_by_unit) {
      if (count > data_.busiest_unit_overdue) {
        data_.busiest_unit_overdue = count;
        data_.busiest_unit = brevis::StrCat("units/", unit_uids_[unit]);
      }
    }
    if (data_.busiest_unit.empty()) {
      data_.busiest_unit = brevis::StrCat("units/", unit_uids_[0]);
    }
    return absl::OkStatus();
  }

  // `days` after the audit's planned start, but never in the future: a
  // recent audit has not yet done what an older one did at that age.
  absl::Time At(const AuditRow& row, double days) const {
    return std::min(row.start + absl::Seconds(86400 * days),
                    now_ - absl::Hours(1));
  }

  static std::string DateText(const v1::Date& date) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", date.year(),
                  date.month(), date.day());
    return text;
  }

  // Follow-up verdicts and feedback, and the lists the load draws from.
  absl::Status SeedClosure() {
    absl::Status status =
        InChunks(db_, size_.audits, [&](Connection& connection, int64_t i) {
          AuditRow& row = audits_[i];
          if (row.state == v1::AUDIT_STATE_FOLLOW_UP ||
              row.state == v1::AUDIT_STATE_CLOSED) {
            store::RecommendationRepository repository(connection);
            for (size_t r = 0; r < row.recommendations.size(); ++r) {
              if (row.state == v1::AUDIT_STATE_FOLLOW_UP && r % 2 == 0) {
                continue;
              }
              v1::FollowUpVerdict verdict;
              verdict.set_verdict(static_cast<v1::Verdict>(1 + rng_() % 4));
              verdict.set_comment(Pick(rng_, kVerdictComments));
              if (auto s =
                      repository.SetVerdict(row.recommendations[r], verdict,
                                            "principals/revisor", At(row, 300));
                  !s.ok()) {
                return s;
              }
            }
          }
          if (row.state == v1::AUDIT_STATE_CLOSED) {
            v1::Feedback feedback;
            *feedback.mutable_date() = ToDate(At(row, 120));
            feedback.add_audiences(v1::INFORMANT_GROUP_YOUNG_PERSON);
            feedback.add_audiences(v1::INFORMANT_GROUP_GUARDIAN);
            feedback.set_form(v1::FEEDBACK_FORM_EASY_READ_LETTER);
            feedback.set_note(
                "Ett brev på lättläst svenska skickades till alla som deltog.");
            if (auto s =
                    store::LifecycleRepository(connection)
                        .CreateFeedback(domain::name::Audit{row.uid}, row.id,
                                        Uid(rng_), At(row, 121), &feedback);
                !s.ok()) {
              return s;
            }
          }
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
    data_.deep_audit = brevis::StrCat("audits/", audits_[0].uid);
    for (const AuditRow& row : audits_) {
      data_.audits.push_back(brevis::StrCat("audits/", row.uid));
      if (row.state == v1::AUDIT_STATE_FIELDWORK ||
          row.state == v1::AUDIT_STATE_REPORTING) {
        data_.open_audits.push_back(brevis::StrCat("audits/", row.uid));
      }
    }
    return absl::OkStatus();
  }

  store::Database& db_;
  const SeedSize size_;
  std::mt19937_64 rng_;
  const absl::Time now_;
  std::vector<int64_t> unit_ids_;
  std::vector<std::string> unit_uids_;
  std::vector<std::string> unit_names_;
  std::vector<int64_t> auditor_ids_;
  std::vector<AuditRow> audits_;
  SeededData data_;
};

}  // namespace

SeedSize SeedSize::FromScale(double scale) {
  SeedSize size;
  size.units = std::max(3, static_cast<int>(std::lround(300 * scale)));
  size.audits = std::max(20, static_cast<int>(std::lround(10000 * scale)));
  size.findings = std::max<int64_t>(200, std::llround(1000000 * scale));
  size.actions = std::max<int64_t>(50, std::llround(200000 * scale));
  size.deep_audit_findings = static_cast<int>(
      std::min<int64_t>(2000, std::max<int64_t>(100, size.findings / 4)));
  return size;
}

SeedSize SeedSize::WithFindings(int64_t findings) const {
  double ratio = static_cast<double>(findings) / this->findings;
  SeedSize size = *this;
  // The seeder gives the deep audit at most half of all findings, and the
  // flatness check reads three quarters into the deep audit.
  size.findings = std::max<int64_t>(findings, 2 * deep_audit_findings + 100);
  size.units = std::max(3, static_cast<int>(std::lround(units * ratio)));
  size.audits = std::max(20, static_cast<int>(std::lround(audits * ratio)));
  size.actions = std::max<int64_t>(50, std::llround(actions * ratio));
  return size;
}

absl::StatusOr<SeededData> SeedDatabase(const std::string& db_path,
                                        const SeedSize& size, uint64_t seed) {
  store::DatabaseOptions options;
  options.path = db_path;
  options.reader_count = 1;
  auto db = store::Database::Open(options);
  if (!db.ok()) return db.status();
  return Seeder(**db, size, seed).Run();
}

}  // namespace brevis::bench
