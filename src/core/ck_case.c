#include "ck_case.h"
#include "ck_appt.h"
#include "ck_consent.h"
#include "ck_ctypes.h"
#include "ck_requirements.h"
#include "ck_licence.h"
#include "ck_str.h"
#include <stdio.h>
#include <string.h>

/* ---- Vocabularies --------------------------------------------------------- */

const char *const ck_vocab_gender[] = {"M", "F", "X", "U", NULL};
const char *const ck_vocab_report_type[] = {"oral", "fast", "standard", NULL};
const char *const ck_vocab_sentence_type[] = {"community_order", "sso", "custody", "hospital_order", NULL};
const char *const ck_vocab_offence_category[] = {
    "violence", "robbery", "sexual_child", "sexual_adult", "drug_import", "drug_possession_supply",
    "burglary_domestic", "burglary_other", "theft", "theft_from_vehicle", "taking_vehicle",
    "handling", "fraud", "criminal_damage", "public_order", "drink_driving", "other_motoring",
    "absconding_bail", "soliciting", "other", "terrorism", NULL};
/* nDelius appointment outcome codes (domain/rules-and-sources.md §2.2). */
const char *const ck_vocab_outcome[] = {
    "ATTC", "AFTC", "ATSH", "ATSS", "AFDA", "AFTA", "UAAB", "ABNS", "ATFI", "UBHV",
    "AAAA", "AACL", "AAEM", "AAFC", "AAHO", "AAME", "AARC", "AARE", "AASD",
    "CO05", "CO10", "RSOF", "RSSR", "CO40", "TCLN", "TDRT", "TRFS", "TADM", NULL};
const char *const ck_vocab_enforcement_action[] = {
    "first_warning", "second_warning", "final_warning", "breach_initiated",
    "recall_requested", "no_further_action", NULL};
/* nDelius register codes (domain/peer-systems.md §1.4, rules-and-sources.md §3.4). */
const char *const ck_vocab_register[] = {
    "ADVP", "ADVV", "REG30", "SPO", "RCPR", "RCCO", "RCHD", "CSEP", "RVAD", "RVLN", "RMDO",
    "AMHL", "ALSH", "RPIR", "STRG", "RTAO", "IIOM", "APPO", "INLL", "MAPP", "NOTMAPPA",
    "RVHR", "RHRH", "RMRH", "RLRH", "PRC", "HREG", "ALAN", "ALERT", "ADWC", "IMAR", "AVIS",
    "ARSO", "ANSO", "SOPS", "REG15", "REG16", "REG17", "AV2S", "REG22", "IRMO", "REG26",
    "WEAP", "HOIE", "ASFO", "INVI", "REG24", "WRSM", "RRR", "DOFF", "KDUP", "IKII", "IKMF", NULL};
const char *const ck_vocab_mappa_level[] = {"M1", "M2", "M3", NULL};
const char *const ck_vocab_mappa_category[] = {"M1", "M2", "M3", "M4", NULL};
const char *const ck_vocab_reg_decision[] = {"NOTMAPPA", NULL};
const char *const ck_vocab_assessment_kind[] = {"rosh", "sentence_plan", "oversight", "rsr", "oasys", NULL};
const char *const ck_vocab_need_severity[] = {"no_need", "standard", "severe", NULL};
const char *const ck_vocab_rosh_level[] = {"low", "medium", "high", "very_high", NULL};
const char *const ck_vocab_check_kind[] = {"police_da", "childrens_services", NULL};
const char *const ck_vocab_change_kind[] = {
    "address", "relationship", "household", "arrest", "charge", "conviction", "mappa_level", NULL};
const char *const ck_vocab_scheme[] = {"statutory", "non_statutory", "vns", NULL};
const char *const ck_vocab_opted[] = {"in", "out", NULL};
/* Who a household member is to the person on probation (docs/formats.md). */
const char *const ck_vocab_relationship[] = {
    "partner", "spouse", "child", "stepchild", "parent", "sibling", "relative", "friend", "lodger", "other", NULL};
/* The languages reminders are sent in (GOV.UK Notify templates). */
const char *const ck_vocab_consent_language[] = {"english", "welsh", NULL};
const char *const ck_vocab_referral_outcome[] = {"no_identifiable_victim", "declined_at_referral", NULL};
/* Every rule ID of the rulebook: a decision may name only these. */
const char *const ck_vocab_rule[] = {
    "ALLOCATE", "INDUCTION", "CONTACT", "NEXT_APPOINTMENT", "OUTCOME", "ADDRESS", "TERMINATE",
    "REVIEW_APPOINTMENT", "ENFORCE", "BREACH_PACK", "RECALL_DECISION", "ROSH_INITIAL",
    "ROSH_REVIEW", "ROSH_CHANGE", "SENTENCE_PLAN", "OVERSIGHT", "DA_CHECK", "CHILD_CHECK",
    "DA_FLAG_DECISION", "REG_REVIEW", "MAPPA_IDENTIFY", "VCS_REFERRAL", "VCS_FIRST_CONTACT",
    "VCS_FLAG", "VCS_REPRESENTATIONS", "VCS_RELEASE_NOTICE", "VCS_RECALL_NOTICE",
    "VCS_NONSTATUTORY", "REPORT_DUE", NULL};

const char *ck_vocab_find(const char *const *vocab, const char *s, size_t n)
{
    for (; *vocab; vocab++)
        if (strlen(*vocab) == n && memcmp(*vocab, s, n) == 0) return *vocab;
    return NULL;
}

void ck_vocab_list(const char *const *vocab, char *out, size_t out_len)
{
    size_t used = 0;
    if (out_len) out[0] = '\0';
    for (const char *const *v = vocab; *v && used < out_len; v++) {
        int n = snprintf(out + used, out_len - used, "%s%s", v == vocab ? "" : ", ", *v);
        if (n < 0) break;
        used += (size_t)n;
    }
}

/* ---- Descriptors ----------------------------------------------------------- */

#define NOAUX ((size_t)-1)
#define F(T, k, ty) {#k, ty, offsetof(T, k), 0, false, NULL, NULL, false, false}
#define R(T, k, ty) {#k, ty, offsetof(T, k), 0, true, NULL, NULL, false, false}
#define E(T, k, v) {#k, CK_F_ENUM, offsetof(T, k), 0, false, v, NULL, false, false}
#define RE(T, k, v) {#k, CK_F_ENUM, offsetof(T, k), 0, true, v, NULL, false, false}
#define X(T, k, ty) {#k, ty, offsetof(T, k), 0, false, NULL, NULL, false, true}
#define SENS(T, k) {#k, CK_F_STR, offsetof(T, k), 0, false, NULL, NULL, true, false}
#define LIST(T, k, sub) {#k, CK_F_LIST, offsetof(T, k), offsetof(T, n_##k), false, NULL, &sub, false, false}
#define OBJ(T, k, sub) {#k, CK_F_OBJ, offsetof(T, k), offsetof(T, has_##k), false, NULL, &sub, false, false}
/* Extension keys (docs/formats.md "Extensions"): optional, and not written
 * when null (an empty list), so a shared-format bundle round-trips unchanged. */
#define XF(T, k, ty) {#k, ty, offsetof(T, k), 0, false, NULL, NULL, false, true}
#define XE(T, k, v) {#k, CK_F_ENUM, offsetof(T, k), 0, false, v, NULL, false, true}
#define XOBJ(T, k, sub) {#k, CK_F_OBJ, offsetof(T, k), offsetof(T, has_##k), false, NULL, &sub, false, true}
#define XLIST(T, k, sub) {#k, CK_F_LIST, offsetof(T, k), offsetof(T, n_##k), false, NULL, &sub, false, true}
#define ENTITY(var, nm, tbl, T, arr, chk) \
    const ck_entity var = {nm, tbl, sizeof(T), arr, sizeof arr / sizeof arr[0], chk}

static const ck_field address_f[] = {
    R(ck_address, id, CK_F_STR), R(ck_address, from, CK_F_DATE), F(ck_address, to, CK_F_DATE),
    R(ck_address, kind, CK_F_STR), F(ck_address, status, CK_F_STR), XF(ck_address, line1, CK_F_STR),
    XF(ck_address, line2, CK_F_STR), XF(ck_address, town, CK_F_STR), XF(ck_address, postcode, CK_F_STR)};
ENTITY(ck_entity_address, "address", "addresses", ck_address, address_f, NULL);

static const ck_field history_f[] = {
    F(ck_history, total_sanctions, CK_F_INT), F(ck_history, age_at_first_sanction, CK_F_INT)};
ENTITY(ck_entity_history, "offending_history", NULL, ck_history, history_f, NULL);

static const ck_field alias_f[] = {F(ck_alias, forename, CK_F_STR), R(ck_alias, surname, CK_F_STR)};
ENTITY(ck_entity_alias, "alias", "aliases", ck_alias, alias_f, NULL);

static const ck_field disability_f[] = {R(ck_disability, kind, CK_F_STR), F(ck_disability, adjustments, CK_F_STR)};
ENTITY(ck_entity_disability, "disability", "disabilities", ck_disability, disability_f, NULL);

static const char *consent_check(const void *rec, char *msg, size_t len)
{
    const ck_consent *c = rec;
    if (!c->mobile && !c->email) {
        snprintf(msg, len, "a mobile number or an email address is required for reminders");
        return "mobile";
    }
    if (c->mobile && !ck_uk_mobile(c->mobile, NULL)) {
        snprintf(msg, len, "expected a UK mobile number, like 07700 900 982 or +44 7700 900982");
        return "mobile";
    }
    if (c->email && !ck_email_ok(c->email)) {
        snprintf(msg, len, "expected an email address, like name@example.com");
        return "email";
    }
    if (c->withdrawn_on != CK_NODATE && c->withdrawn_on < c->given_on) {
        snprintf(msg, len, "expected a date on or after the date consent was given");
        return "withdrawn_on";
    }
    return NULL;
}
static const ck_field consent_f[] = {
    F(ck_consent, mobile, CK_F_STR), F(ck_consent, email, CK_F_STR),
    RE(ck_consent, language, ck_vocab_consent_language), R(ck_consent, given_on, CK_F_DATE),
    F(ck_consent, withdrawn_on, CK_F_DATE)};
ENTITY(ck_entity_consent, "consent", NULL, ck_consent, consent_f, consent_check);

static const ck_field person_f[] = {
    F(ck_person, forename, CK_F_STR), F(ck_person, surname, CK_F_STR),
    F(ck_person, date_of_birth, CK_F_DATE), E(ck_person, gender, ck_vocab_gender),
    LIST(ck_person, addresses, ck_entity_address), F(ck_person, no_fixed_abode_since, CK_F_DATE),
    OBJ(ck_person, offending_history, ck_entity_history), XF(ck_person, phone, CK_F_STR),
    XF(ck_person, email, CK_F_STR), XF(ck_person, pronouns, CK_F_STR), XF(ck_person, preferred_language, CK_F_STR),
    XF(ck_person, interpreter_required, CK_F_BOOL), XLIST(ck_person, aliases, ck_entity_alias),
    XLIST(ck_person, disabilities, ck_entity_disability), XOBJ(ck_person, consent, ck_entity_consent)};
ENTITY(ck_entity_person, "person", NULL, ck_person, person_f, NULL);

static const ck_field allocation_f[] = {
    R(ck_allocation, id, CK_F_STR), R(ck_allocation, from, CK_F_DATE),
    F(ck_allocation, to, CK_F_DATE), R(ck_allocation, staff_code, CK_F_STR),
    F(ck_allocation, grade, CK_F_STR), F(ck_allocation, staff_left_on, CK_F_DATE),
    F(ck_allocation, staff_long_term_absence_from, CK_F_DATE)};
ENTITY(ck_entity_allocation, "allocation", "allocations", ck_allocation, allocation_f, NULL);

static const ck_field offence_f[] = {
    R(ck_offence, id, CK_F_STR), F(ck_offence, code, CK_F_STR),
    RE(ck_offence, category, ck_vocab_offence_category), F(ck_offence, main, CK_F_BOOL),
    F(ck_offence, domestic_abuse, CK_F_BOOL), XF(ck_offence, conviction_date, CK_F_DATE)};
ENTITY(ck_entity_offence, "offence", "offences", ck_offence, offence_f, NULL);

static const char *sentence_check(const void *rec, char *msg, size_t len)
{
    const ck_sentence *s = rec;
    if (!ck_streq(s->type, "hospital_order") && s->end_date == CK_NODATE) {
        snprintf(msg, len, "a date (YYYY-MM-DD) is required for a %s", s->type);
        return "end_date";
    }
    if (ck_streq(s->type, "custody") && s->length_months == CK_NOINT) {
        snprintf(msg, len, "a number of months is required for custody");
        return "length_months";
    }
    if (s->length_months != CK_NOINT && s->length_months < 0) {
        snprintf(msg, len, "expected a number of months of 0 or more");
        return "length_months";
    }
    return NULL;
}
static const ck_field sentence_f[] = {
    RE(ck_sentence, type, ck_vocab_sentence_type), R(ck_sentence, date, CK_F_DATE),
    F(ck_sentence, length_months, CK_F_INT), F(ck_sentence, release_date, CK_F_DATE),
    F(ck_sentence, end_date, CK_F_DATE), F(ck_sentence, pss_end_date, CK_F_DATE),
    F(ck_sentence, terminated_on, CK_F_DATE)};
ENTITY(ck_entity_sentence, "sentence", NULL, ck_sentence, sentence_f, sentence_check);

static const ck_field report_f[] = {
    R(ck_report, id, CK_F_STR), RE(ck_report, type, ck_vocab_report_type),
    R(ck_report, requested, CK_F_DATE), F(ck_report, completed, CK_F_DATE),
    F(ck_report, outstanding_checks_reason, CK_F_STR)};
ENTITY(ck_entity_report, "report", "reports", ck_report, report_f, NULL);

static const ck_field refout_f[] = {
    R(ck_referral_outcome, date, CK_F_DATE),
    RE(ck_referral_outcome, outcome, ck_vocab_referral_outcome)};
ENTITY(ck_entity_referral_outcome, "victim_referral_outcome", NULL, ck_referral_outcome, refout_f, NULL);

static const char *requirement_check(const void *rec, char *msg, size_t len)
{
    return ck_requirement_check(rec, msg, len);
}
static const ck_field requirement_f[] = {
    R(ck_requirement, id, CK_F_STR), RE(ck_requirement, type, ck_vocab_requirement_type),
    F(ck_requirement, amount, CK_F_INT), R(ck_requirement, start, CK_F_DATE), F(ck_requirement, end, CK_F_DATE),
    F(ck_requirement, terminated_on, CK_F_DATE), X(ck_requirement, terminated_reason, CK_F_STR),
    F(ck_requirement, detail, CK_F_STR)};
ENTITY(ck_entity_requirement, "requirement", "requirements", ck_requirement, requirement_f, requirement_check);

static const ck_field event_f[] = {
    R(ck_event, id, CK_F_STR), LIST(ck_event, offences, ck_entity_offence),
    OBJ(ck_event, sentence, ck_entity_sentence), LIST(ck_event, reports, ck_entity_report),
    OBJ(ck_event, victim_referral_outcome, ck_entity_referral_outcome),
    XLIST(ck_event, requirements, ck_entity_requirement),
    XLIST(ck_event, licence_conditions, ck_entity_licence_condition)};
ENTITY(ck_entity_event, "event", "events", ck_event, event_f, NULL);

static const ck_field contact_f[] = {
    R(ck_contact, id, CK_F_STR), R(ck_contact, event, CK_F_STR), R(ck_contact, date, CK_F_DATE),
    R(ck_contact, type, CK_F_STR), F(ck_contact, national_standard, CK_F_BOOL),
    F(ck_contact, appointment, CK_F_BOOL), E(ck_contact, outcome, ck_vocab_outcome),
    F(ck_contact, outcome_on, CK_F_DATE), F(ck_contact, booked_on, CK_F_DATE),
    X(ck_contact, notes, CK_F_STR), X(ck_contact, sensitive, CK_F_BOOL), X(ck_contact, recorded_by, CK_F_STR),
    X(ck_contact, hours, CK_F_INT),
    X(ck_contact, start_time, CK_F_STR), X(ck_contact, end_time, CK_F_STR), X(ck_contact, officer, CK_F_STR),
    X(ck_contact, location, CK_F_STR), X(ck_contact, cancelled, CK_F_BOOL),
    X(ck_contact, change_reason, CK_F_STR), X(ck_contact, rescheduled_to, CK_F_STR),
    X(ck_contact, sequence, CK_F_INT)};

bool ck_contact_notes_bad(const char *s, char *msg, size_t len)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if ((*p & 0xC0) != 0x80) chars++; /* count code points, not bytes */
        if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7F) {
            snprintf(msg, len, "expected text without control characters (found byte 0x%02X at character %zu)", *p,
                     chars);
            return true;
        }
    }
    if (chars > CK_CONTACT_NOTES_MAX) {
        snprintf(msg, len, "expected at most %d characters, got %zu", CK_CONTACT_NOTES_MAX, chars);
        return true;
    }
    return false;
}

ck_contact ck_contact_blank(void)
{
    return (ck_contact){.outcome_on = CK_NODATE, .booked_on = CK_NODATE, .sensitive = CK_NULL, .hours = CK_NOINT,
                        .cancelled = CK_NULL, .sequence = CK_NOINT};
}

static const char *contact_check(const void *rec, char *msg, size_t len)
{
    const ck_contact *k = rec;
    if (ck_contact_notes_bad(k->notes, msg, len)) return "notes";
    if (k->hours == CK_NOINT) return ck_appt_check(k, msg, len);
    const ck_ctype *t = ck_ctype_find(k->type);
    if (!t || !ck_streq(t->category, CK_UNPAID_WORK_CATEGORY)) {
        snprintf(msg, len, "hours worked apply only to a contact of an unpaid work type; expected null for type %s",
                 k->type ? k->type : "(none)");
        return "hours";
    }
    if (k->hours < 1 || k->hours > CK_CONTACT_HOURS_MAX) {
        snprintf(msg, len, "expected 1 to %d hours worked, got %d", CK_CONTACT_HOURS_MAX, k->hours);
        return "hours";
    }
    return ck_appt_check(k, msg, len);
}
ENTITY(ck_entity_contact, "contact", "contacts", ck_contact, contact_f, contact_check);

static const char *enforcement_check(const void *rec, char *msg, size_t len)
{
    const ck_enforcement *e = rec;
    if (ck_streq(e->action, "no_further_action") && (!e->reason || !e->reason[strspn(e->reason, " \t\r\n")])) {
        snprintf(msg, len, "a reason is required for no_further_action");
        return "reason";
    }
    return NULL;
}
static const ck_field enforcement_f[] = {
    R(ck_enforcement, id, CK_F_STR), R(ck_enforcement, event, CK_F_STR),
    F(ck_enforcement, contact, CK_F_STR), R(ck_enforcement, date, CK_F_DATE),
    RE(ck_enforcement, action, ck_vocab_enforcement_action), F(ck_enforcement, reason, CK_F_STR)};
ENTITY(ck_entity_enforcement, "enforcement", "enforcement", ck_enforcement, enforcement_f, enforcement_check);

static const ck_field breach_f[] = {
    R(ck_breach, id, CK_F_STR), R(ck_breach, event, CK_F_STR), R(ck_breach, initiated, CK_F_DATE),
    F(ck_breach, pack_sent, CK_F_DATE), F(ck_breach, resolved, CK_F_DATE),
    F(ck_breach, outcome, CK_F_STR)};
ENTITY(ck_entity_breach, "breach", "breaches", ck_breach, breach_f, NULL);

static const ck_field recall_f[] = {
    R(ck_recall, id, CK_F_STR), R(ck_recall, event, CK_F_STR), R(ck_recall, date, CK_F_DATE)};
ENTITY(ck_entity_recall, "recall", "recalls", ck_recall, recall_f, NULL);

static const ck_field review_f[] = {R(ck_review, date, CK_F_DATE)};
ENTITY(ck_entity_review, "review", "registration_reviews", ck_review, review_f, NULL);

static const ck_field registration_f[] = {
    R(ck_registration, id, CK_F_STR), RE(ck_registration, type, ck_vocab_register),
    R(ck_registration, date, CK_F_DATE), F(ck_registration, next_review, CK_F_DATE),
    E(ck_registration, level, ck_vocab_mappa_level), E(ck_registration, category, ck_vocab_mappa_category),
    F(ck_registration, deregistered, CK_F_DATE), LIST(ck_registration, reviews, ck_entity_review)};
ENTITY(ck_entity_registration, "registration", "registrations", ck_registration, registration_f, NULL);

static const ck_field reg_decision_f[] = {
    R(ck_reg_decision, id, CK_F_STR), RE(ck_reg_decision, type, ck_vocab_reg_decision),
    R(ck_reg_decision, date, CK_F_DATE), F(ck_reg_decision, reason, CK_F_STR)};
ENTITY(ck_entity_reg_decision, "registration_decision", "registration_decisions", ck_reg_decision, reg_decision_f, NULL);

static const char *assessment_check(const void *rec, char *msg, size_t len)
{
    const ck_assessment *a = rec;
    if (ck_streq(a->kind, "rosh") && a->completed != CK_NODATE && !a->level) {
        snprintf(msg, len, "a level (low, medium, high, very_high) is required for a completed rosh");
        return "level";
    }
    if (a->level && !ck_streq(a->kind, "rosh")) {
        snprintf(msg, len, "a level applies only to kind rosh; expected null");
        return "level";
    }
    bool rsr = ck_streq(a->kind, "rsr");
    if (rsr && a->completed != CK_NODATE && a->score == CK_NOINT) {
        snprintf(msg, len, "a score (0 to 99.99) is required for a completed rsr");
        return "score";
    }
    if (a->score != CK_NOINT && !rsr) {
        snprintf(msg, len, "a score applies only to kind rsr; expected null");
        return "score";
    }
    if (a->score != CK_NOINT && (a->score < 0 || a->score > 9999)) {
        snprintf(msg, len, "expected a number from 0 to 99.99");
        return "score";
    }
    if (a->has_needs && !ck_streq(a->kind, "oasys")) {
        snprintf(msg, len, "needs apply only to kind oasys; expected null");
        return "needs";
    }
    return NULL;
}
#define NEED(k) XE(ck_needs, k, ck_vocab_need_severity)
static const ck_field needs_f[] = {
    NEED(accommodation), NEED(education_training_employment), NEED(relationships), NEED(lifestyle_associates),
    NEED(drug_misuse), NEED(alcohol_misuse), NEED(thinking_behaviour), NEED(attitudes)};
#undef NEED
ENTITY(ck_entity_needs, "needs", NULL, ck_needs, needs_f, NULL);
#define XOBJ(T, k, sub) {#k, CK_F_OBJ, offsetof(T, k), offsetof(T, has_##k), false, NULL, &sub, false, true}
static const ck_field assessment_f[] = {
    R(ck_assessment, id, CK_F_STR), RE(ck_assessment, kind, ck_vocab_assessment_kind),
    F(ck_assessment, completed, CK_F_DATE), E(ck_assessment, level, ck_vocab_rosh_level),
    XF(ck_assessment, score, CK_F_CENTI), XOBJ(ck_assessment, needs, ck_entity_needs)};
#undef XOBJ
ENTITY(ck_entity_assessment, "assessment", "assessments", ck_assessment, assessment_f, assessment_check);

static const ck_field check_f[] = {
    R(ck_check, id, CK_F_STR), RE(ck_check, kind, ck_vocab_check_kind),
    F(ck_check, requested, CK_F_DATE), F(ck_check, received, CK_F_DATE),
    F(ck_check, relevant_information, CK_F_BOOL), F(ck_check, report, CK_F_STR)};
ENTITY(ck_entity_check, "check", "checks", ck_check, check_f, NULL);

static const ck_field member_f[] = {
    R(ck_household_member, name, CK_F_STR), RE(ck_household_member, relationship, ck_vocab_relationship),
    F(ck_household_member, child, CK_F_BOOL)};
ENTITY(ck_entity_household_member, "household_member", "household_members", ck_household_member, member_f, NULL);

bool ck_change_about_home(const ck_change *ch)
{
    return ck_streq(ch->kind, "address") || ck_streq(ch->kind, "household") || ck_streq(ch->kind, "relationship");
}

static const char *change_check(const void *rec, char *msg, size_t len)
{
    const ck_change *ch = rec;
    bool about_home = ck_change_about_home(ch);
    if (ch->n_household && !about_home) {
        snprintf(msg, len, "household members apply only to kind address, household or relationship; expected no household");
        return "household";
    }
    if (ch->lives_alone == 1 && !about_home) {
        snprintf(msg, len, "lives_alone applies only to kind address, household or relationship; expected false or null");
        return "lives_alone";
    }
    if (ch->lives_alone == 1 && ch->n_household) {
        snprintf(msg, len, "true with %zu household member%s; expected false or null when anyone lives with them",
                 ch->n_household, ch->n_household == 1 ? "" : "s");
        return "lives_alone";
    }
    return NULL;
}
static const ck_field change_f[] = {
    R(ck_change, id, CK_F_STR), R(ck_change, date, CK_F_DATE),
    RE(ck_change, kind, ck_vocab_change_kind), F(ck_change, note, CK_F_STR),
    XLIST(ck_change, household, ck_entity_household_member), XF(ck_change, lives_alone, CK_F_BOOL)};
ENTITY(ck_entity_change, "change", "changes", ck_change, change_f, change_check);

static const ck_field decision_f[] = {
    R(ck_decision, id, CK_F_STR), RE(ck_decision, rule, ck_vocab_rule),
    R(ck_decision, subject, CK_F_STR), R(ck_decision, date, CK_F_DATE),
    F(ck_decision, reason, CK_F_STR)};
ENTITY(ck_entity_decision, "decision", "decisions", ck_decision, decision_f, NULL);

static const ck_field victim_f[] = {
    R(ck_victim, id, CK_F_STR), R(ck_victim, event, CK_F_STR), F(ck_victim, referred, CK_F_DATE),
    F(ck_victim, first_contact, CK_F_DATE), E(ck_victim, scheme, ck_vocab_scheme),
    E(ck_victim, opted, ck_vocab_opted), F(ck_victim, opted_on, CK_F_DATE),
    F(ck_victim, representations, CK_F_DATE), F(ck_victim, release_notified, CK_F_DATE),
    F(ck_victim, recall_notified, CK_F_DATE), SENS(ck_victim, name), SENS(ck_victim, address),
    SENS(ck_victim, phone), SENS(ck_victim, email), SENS(ck_victim, notes),
    XLIST(ck_victim, conditions_told, ck_entity_victim_told)};
ENTITY(ck_entity_victim, "victim", "victims", ck_victim, victim_f, NULL);

static const ck_field case_f[] = {
    R(ck_case, crn, CK_F_STR),
    {"team", CK_F_STR, offsetof(ck_case, team), 0, false, NULL, NULL, false, true},
    {"person", CK_F_OBJ, offsetof(ck_case, person), NOAUX, true, NULL, &ck_entity_person, false, false},
    LIST(ck_case, allocations, ck_entity_allocation),
    LIST(ck_case, events, ck_entity_event),
    LIST(ck_case, contacts, ck_entity_contact),
    LIST(ck_case, enforcement, ck_entity_enforcement),
    LIST(ck_case, breaches, ck_entity_breach),
    LIST(ck_case, recalls, ck_entity_recall),
    LIST(ck_case, registrations, ck_entity_registration),
    LIST(ck_case, registration_decisions, ck_entity_reg_decision),
    LIST(ck_case, assessments, ck_entity_assessment),
    LIST(ck_case, checks, ck_entity_check),
    LIST(ck_case, changes, ck_entity_change),
    LIST(ck_case, decisions, ck_entity_decision),
    LIST(ck_case, victims, ck_entity_victim)};
ENTITY(ck_entity_case, "case", "cases", ck_case, case_f, NULL);

/* ---- Case lifecycle and finders ------------------------------------------- */

ck_case *ck_case_new(void)
{
    ck_case *c = ck_calloc(1, sizeof *c);
    ck_arena_init(&c->arena);
    c->person.date_of_birth = CK_NODATE;
    c->person.no_fixed_abode_since = CK_NODATE;
    c->person.interpreter_required = CK_NULL;
    c->person.consent.given_on = c->person.consent.withdrawn_on = CK_NODATE;
    return c;
}

void ck_case_free(ck_case *c)
{
    if (!c) return;
    ck_arena_free(&c->arena);
    ck_free(c);
}

const ck_event *ck_case_event(const ck_case *c, const char *id)
{
    for (size_t i = 0; id && i < c->n_events; i++)
        if (ck_streq(c->events[i].id, id)) return &c->events[i];
    return NULL;
}

const ck_contact *ck_case_contact(const ck_case *c, const char *id)
{
    for (size_t i = 0; id && i < c->n_contacts; i++)
        if (ck_streq(c->contacts[i].id, id)) return &c->contacts[i];
    return NULL;
}

const ck_report *ck_case_report(const ck_case *c, const char *id, const ck_event **ev_out)
{
    for (size_t i = 0; id && i < c->n_events; i++)
        for (size_t j = 0; j < c->events[i].n_reports; j++)
            if (ck_streq(c->events[i].reports[j].id, id)) {
                if (ev_out) *ev_out = &c->events[i];
                return &c->events[i].reports[j];
            }
    return NULL;
}

void ck_case_redact_victims(ck_case *c)
{
    for (size_t i = 0; i < c->n_victims; i++) {
        ck_victim *v = &c->victims[i];
        v->name = v->address = v->phone = v->email = v->notes = NULL;
    }
}

void ck_case_redact_sensitive_notes(ck_case *c)
{
    for (size_t i = 0; i < c->n_contacts; i++)
        if (c->contacts[i].sensitive == 1) c->contacts[i].notes = NULL;
}

/* ---- Validation ------------------------------------------------------------ */

/* Duplicate ids among `n` records of `size` bytes whose id is the first member. */
static bool unique_ids(const void *base, size_t n, size_t size, const char *list, char *err, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        const char *a = *(const char *const *)((const char *)base + i * size);
        for (size_t j = 0; j < i; j++) {
            const char *b = *(const char *const *)((const char *)base + j * size);
            if (ck_streq(a, b)) {
                snprintf(err, len, "%s[%zu].id: \"%s\" is already the id of %s[%zu]; ids must be unique", list, i, a, list, j);
                return false;
            }
        }
    }
    return true;
}

static bool event_ref(const ck_case *c, const char *ev, const char *path, size_t i, char *err, size_t len)
{
    if (ck_case_event(c, ev)) return true;
    snprintf(err, len, "%s[%zu].event: \"%s\" is not the id of an event in this case", path, i, ev ? ev : "");
    return false;
}

static bool subject_ok(const ck_case *c, const char *s)
{
    if (ck_streq(s, "case")) return true;
    const char *colon = strchr(s, ':');
    if (!colon || !colon[1]) return false;
    static const char *const kinds[] = {"event", "contact", "victim", "registration", "report",
        "change", "check", "breach", "assessment", "allocation", "recall", "enforcement", NULL};
    size_t k = (size_t)(colon - s);
    if (!ck_vocab_find(kinds, s, k)) return false;
    (void)c; /* a decision may name a subject recorded later: the kind is checked, not the id */
    return true;
}

bool ck_within_licence(const ck_sentence *s, ck_date d)
{
    return s && ck_streq(s->type, "custody") && s->release_date != CK_NODATE && s->end_date != CK_NODATE &&
           d != CK_NODATE && s->release_date <= d && d <= s->end_date;
}

/* case-bundle.md v3: a recall lies within its event's licence as sentenced
 * (release_date..end_date of a custody sentence), so it always cuts a licence
 * and never stops contact on post-sentence supervision, which cannot be
 * recalled (CJA 2003 s.256AC). */
static bool recall_in_licence(const ck_case *c, size_t i, char *err, size_t len)
{
    const ck_recall *r = &c->recalls[i];
    const ck_event *e = ck_case_event(c, r->event);
    const ck_sentence *s = e && e->has_sentence ? &e->sentence : NULL;
    char d[CK_DATE_STRLEN], from[CK_DATE_STRLEN], to[CK_DATE_STRLEN];
    ck_date_fmt(r->date, d);
    if (!s || strcmp(s->type, "custody") != 0 || s->release_date == CK_NODATE || s->end_date == CK_NODATE) {
        snprintf(err, len, "recalls[%zu].date: %s is not within a licence: event %s is not a custody sentence "
                 "with a release date and an end date, and only a licence can be recalled", i, d, r->event);
        return false;
    }
    if (ck_within_licence(s, r->date)) return true;
    snprintf(err, len, "recalls[%zu].date: %s is not within the licence as sentenced of event %s (outside %s..%s)", i,
             d, r->event, ck_date_fmt(s->release_date, from), ck_date_fmt(s->end_date, to));
    return false;
}

/* Requirement ids are unique across the case (a form names one by id alone);
 * a requirement belongs to a community order or SSO and lies within it. */
static bool requirements_valid(const ck_case *c, char *err, size_t len)
{
    char a[CK_DATE_STRLEN], b[CK_DATE_STRLEN];
    for (size_t i = 0; i < c->n_events; i++) {
        const ck_event *e = &c->events[i];
        const ck_sentence *s = &e->sentence;
        for (size_t j = 0; j < e->n_requirements; j++) {
            const ck_requirement *r = &e->requirements[j];
            for (size_t k = 0; k <= i; k++)
                for (size_t m = 0; m < (k == i ? j : c->events[k].n_requirements); m++)
                    if (ck_streq(c->events[k].requirements[m].id, r->id)) {
                        snprintf(err, len, "events[%zu].requirements[%zu].id: \"%s\" is already the id of a "
                                 "requirement of event %s; ids must be unique", i, j, r->id, c->events[k].id);
                        return false;
                    }
            if (!e->has_sentence || !(ck_streq(s->type, "community_order") || ck_streq(s->type, "sso"))) {
                snprintf(err, len, "events[%zu].requirements[%zu]: requirements belong to a community_order or sso; "
                         "event %s is %s", i, j, e->id, e->has_sentence ? s->type : "not sentenced");
                return false;
            }
            if (r->start < s->date) {
                snprintf(err, len, "events[%zu].requirements[%zu].start: %s is before the sentence date %s; expected "
                         "on or after it", i, j, ck_date_fmt(r->start, a), ck_date_fmt(s->date, b));
                return false;
            }
            if (r->end != CK_NODATE && s->end_date != CK_NODATE && r->end > s->end_date) {
                snprintf(err, len, "events[%zu].requirements[%zu].end: %s is after the order's end %s; expected on or "
                         "before it", i, j, ck_date_fmt(r->end, a), ck_date_fmt(s->end_date, b));
                return false;
            }
        }
    }
    return true;
}

bool ck_case_validate(const ck_case *c, char *err, size_t len)
{
#define UNIQ(list) if (!unique_ids(c->list, c->n_##list, sizeof *c->list, #list, err, len)) return false
    if (!c->crn || !c->crn[0] || strlen(c->crn) > 16 || strspn(c->crn, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != strlen(c->crn)) {
        snprintf(err, len, "crn: expected 1 to 16 capital letters and digits (e.g. X123456)");
        return false;
    }
    if (!unique_ids(c->person.addresses, c->person.n_addresses, sizeof(ck_address), "person.addresses", err, len)) return false;
    UNIQ(allocations); UNIQ(events); UNIQ(contacts); UNIQ(enforcement); UNIQ(breaches);
    UNIQ(recalls); UNIQ(registrations); UNIQ(registration_decisions); UNIQ(assessments);
    UNIQ(checks); UNIQ(changes); UNIQ(decisions); UNIQ(victims);
#undef UNIQ
    if (!requirements_valid(c, err, len)) return false;
    /* Report ids are unique across all events (a check names a report by id alone). */
    for (size_t i = 0; i < c->n_events; i++) {
        const ck_event *e = &c->events[i];
        for (size_t j = 0; j < e->n_reports; j++) {
            const ck_event *owner = NULL;
            const ck_report *first = ck_case_report(c, e->reports[j].id, &owner);
            if (first != &e->reports[j]) {
                snprintf(err, len, "events[%zu].reports[%zu].id: \"%s\" is already the id of a report of event %s",
                         i, j, e->reports[j].id, owner->id);
                return false;
            }
        }
        if (!unique_ids(e->offences, e->n_offences, sizeof(ck_offence), "offences", err, len)) {
            char tmp[512];
            snprintf(tmp, sizeof tmp, "events[%zu].%s", i, err);
            snprintf(err, len, "%s", tmp);
            return false;
        }
    }
    for (size_t i = 0; i < c->n_contacts; i++) {
        const ck_contact *k = &c->contacts[i];
        if (!event_ref(c, k->event, "contacts", i, err, len)) return false;
        /* A rescheduled appointment names the one that replaced it. */
        if (k->rescheduled_to && (!ck_case_contact(c, k->rescheduled_to) || ck_streq(k->rescheduled_to, k->id))) {
            snprintf(err, len, "contacts[%zu].rescheduled_to: \"%s\" is not the id of another contact in this case", i,
                     k->rescheduled_to);
            return false;
        }
    }
    for (size_t i = 0; i < c->n_enforcement; i++) {
        const ck_enforcement *e = &c->enforcement[i];
        if (!event_ref(c, e->event, "enforcement", i, err, len)) return false;
        if (e->contact && !ck_case_contact(c, e->contact)) {
            snprintf(err, len, "enforcement[%zu].contact: \"%s\" is not the id of a contact in this case", i, e->contact);
            return false;
        }
    }
    for (size_t i = 0; i < c->n_breaches; i++)
        if (!event_ref(c, c->breaches[i].event, "breaches", i, err, len)) return false;
    for (size_t i = 0; i < c->n_recalls; i++)
        if (!event_ref(c, c->recalls[i].event, "recalls", i, err, len) || !recall_in_licence(c, i, err, len))
            return false;
    for (size_t i = 0; i < c->n_victims; i++)
        if (!event_ref(c, c->victims[i].event, "victims", i, err, len)) return false;
    for (size_t i = 0; i < c->n_checks; i++) {
        const char *r = c->checks[i].report;
        if (r && !ck_case_report(c, r, NULL)) {
            snprintf(err, len, "checks[%zu].report: \"%s\" is not the id of a report in this case", i, r);
            return false;
        }
    }
    for (size_t i = 0; i < c->n_decisions; i++) {
        if (!subject_ok(c, c->decisions[i].subject)) {
            snprintf(err, len, "decisions[%zu].subject: \"%s\" is not a subject; expected \"case\" or KIND:ID "
                     "with KIND one of event, contact, victim, registration, report, change, check, breach, "
                     "assessment, allocation, recall, enforcement", i, c->decisions[i].subject);
            return false;
        }
    }
    return ck_licence_validate(c, err, len);
}

void ck_value_set_absent(ck_ftype t, void *v)
{
    switch (t) {
    case CK_F_STR:
    case CK_F_ENUM: *(const char **)v = NULL; break;
    case CK_F_DATE: *(ck_date *)v = CK_NODATE; break;
    case CK_F_INT:
    case CK_F_CENTI: *(int32_t *)v = CK_NOINT; break;
    case CK_F_BOOL: *(ck_tri *)v = CK_NULL; break;
    case CK_F_OBJ:
    case CK_F_LIST: break;
    }
}
