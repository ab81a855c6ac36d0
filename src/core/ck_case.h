/* ck_case: one case (person on probation) in memory, as the rules see it.
 *
 * Mirrors ../shared/case-bundle.md one to one. Everything a case points to lives
 * in its arena (`arena`), so ck_case_free releases it all at once. Absent values:
 * strings NULL, dates CK_NODATE, integers CK_NOINT, tri-state booleans CK_NULL.
 * Closed vocabularies are stored as strings that point into the static
 * vocabulary tables below (validated on parse), so a rule compares with
 * ck_streq(x, "custody").
 *
 * The field descriptors (ck_entity / ck_field) describe every record kind once;
 * the JSON codec (bundle/ck_bundle) and the store (store/ck_store) are both
 * driven by them, so adding a field is one line here plus a migration. */
#ifndef CK_CASE_H
#define CK_CASE_H
#include "ck_date.h"
#include "ck_mem.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CK_NOINT INT32_MIN
typedef int8_t ck_tri; /* CK_NULL, 0 or 1 */
#define CK_NULL ((ck_tri)-1)

typedef struct ck_address {
    const char *id;
    ck_date from, to;
    const char *kind;   /* free text, "main" is the one the rules read */
    const char *status; /* free text, e.g. "verified" */
    /* Extension (docs/formats.md): where it is. Optional; the rules never read them. */
    const char *line1, *line2, *town, *postcode;
} ck_address;

/* Extension: another name the person on probation is known by. */
typedef struct ck_alias {
    const char *forename, *surname;
} ck_alias;

/* Extension: a disability and the adjustments made for it (free text). */
typedef struct ck_disability {
    const char *kind, *adjustments;
} ck_disability;

/* Extension: the person's consent to appointment reminders by text or email
 * (issue 15; core/ck_consent reads it). language is "english" or "welsh";
 * withdrawn_on is the first day no reminder may be sent. */
typedef struct ck_consent {
    const char *mobile, *email;
    const char *language; /* ck_vocab_consent_language */
    ck_date given_on, withdrawn_on;
} ck_consent;

typedef struct ck_history {
    int32_t total_sanctions;       /* including the current one */
    int32_t age_at_first_sanction;
} ck_history;

typedef struct ck_person {
    const char *forename, *surname;
    ck_date date_of_birth;
    const char *gender; /* M F X U */
    ck_address *addresses;
    size_t n_addresses;
    ck_date no_fixed_abode_since;
    bool has_offending_history;
    ck_history offending_history;
    /* Extension (docs/formats.md): the person on probation's own details, for
     * the practitioner; optional, written only when set, never read by the
     * rules. Victims' details are ck_victim's, not these. */
    const char *phone, *email, *pronouns, *preferred_language;
    ck_tri interpreter_required;
    ck_alias *aliases;
    size_t n_aliases;
    ck_disability *disabilities;
    size_t n_disabilities;
    bool has_consent;
    ck_consent consent;
} ck_person;

typedef struct ck_allocation {
    const char *id;
    ck_date from, to;
    const char *staff_code;
    const char *grade;
    ck_date staff_left_on;
    ck_date staff_long_term_absence_from;
} ck_allocation;

typedef struct ck_offence {
    const char *id;
    const char *code;
    const char *category; /* ck_vocab_offence_category */
    ck_tri main;
    ck_tri domestic_abuse;
    /* Extension (docs/formats.md): the date of conviction for it, when known
     * (OGRS3 reads the main offence's; else the sentence date stands for it). */
    ck_date conviction_date;
} ck_offence;

typedef struct ck_sentence {
    const char *type; /* community_order sso custody hospital_order */
    ck_date date;
    int32_t length_months;
    ck_date release_date, end_date, pss_end_date, terminated_on;
} ck_sentence;

typedef struct ck_report {
    const char *id;
    const char *type; /* oral fast standard */
    ck_date requested, completed;
    const char *outstanding_checks_reason;
} ck_report;

typedef struct ck_referral_outcome {
    ck_date date;
    const char *outcome; /* no_identifiable_victim declined_at_referral */
} ck_referral_outcome;

/* Extension (docs/formats.md "Requirements"): one requirement of a community
 * order or SSO (Sentencing Act 2020 Sch. 9). `type` points into
 * ck_vocab_requirement_type; what a type means (its name, unit, bounds,
 * whether it is restrictive) is core/ck_requirements' one table. `end` is
 * the last day it applies (inclusive, like a sentence's end_date); absent:
 * the sentence's end. */
typedef struct ck_requirement {
    const char *id;
    const char *type;
    int32_t amount;      /* hours or days, per the type's unit; CK_NOINT when none */
    ck_date start, end, terminated_on;
    const char *terminated_reason, *detail;
} ck_requirement;

/* Extension (docs/formats.md, issue 19): a condition of a custody event's
 * licence, one of core/ck_licence's types (the standard conditions as one
 * record, or one additional condition), in force from start to end (NULL:
 * the licence's end). A non-contact condition protecting a victim of the
 * case names them by victim_id (victims[].id), never by name in detail:
 * who they are stays with victim liaison (docs/security.md). */
typedef struct ck_licence_condition {
    const char *id;
    const char *type; /* ck_vocab_licence_condition */
    ck_date start, end;
    ck_tri victim_related;
    const char *victim_id;
    const char *detail;
} ck_licence_condition;

typedef struct ck_event {
    const char *id;
    ck_offence *offences;
    size_t n_offences;
    bool has_sentence;
    ck_sentence sentence;
    ck_report *reports;
    size_t n_reports;
    bool has_victim_referral_outcome;
    ck_referral_outcome victim_referral_outcome;
    ck_requirement *requirements; /* extension: CO/SSO only */
    size_t n_requirements;
    ck_licence_condition *licence_conditions; /* extension: custody events only */
    size_t n_licence_conditions;
} ck_event;

typedef struct ck_contact {
    const char *id;
    const char *event;
    ck_date date;
    const char *type;
    ck_tri national_standard;
    ck_tri appointment;
    const char *outcome; /* ck_vocab_outcome or NULL */
    ck_date outcome_on, booked_on;
    /* Extensions to the shared format (optional keys, written only when
     * set): the practitioner's notes (free text, paragraphs kept, at most
     * CK_CONTACT_NOTES_MAX characters, no control characters but tab and
     * line breaks), whether the contact is sensitive (its notes are shown
     * only to those services/ck_access lets see sensitive contacts), and who
     * recorded it (a staff code, else an account's username). */
    const char *notes;
    ck_tri sensitive;
    const char *recorded_by;
    /* Extension: hours worked at an unpaid work session (a contact of a type
     * of the "Unpaid work" category), credited to the event's unpaid work
     * requirement (core/ck_requirements). CK_NOINT when not recorded. */
    int32_t hours;
    /* Appointments as practitioners book them (issue 15; core/ck_appt has
     * their rules), each key optional and written only when set: start and
     * end time ("HH:MM", Europe/London local time on `date`, both or
     * neither, end after start), the officer who sees the person (a staff
     * code; absent means the case's practitioner), where (an office code
     * from the organisation data, or "video", "phone", "home visit"), whether
     * it was cancelled (cancelled == 1; the rules then treat it as never
     * booked, whatever the date: a ck_tri, so a zeroed record is not
     * cancelled, where a zeroed date would read as 1970), the reason it was cancelled or rescheduled,
     * the appointment that replaced a rescheduled one (a contact id; its own
     * outcome RSOF/RSSR says who asked), and how many times it changed after
     * booking (an iCalendar SEQUENCE; CK_NOINT counts as 0). */
    const char *start_time, *end_time;
    const char *officer;
    const char *location;
    ck_tri cancelled;
    const char *change_reason;
    const char *rescheduled_to;
    int32_t sequence;
} ck_contact;

/* The most characters (Unicode code points) a contact's notes may hold. */
#define CK_CONTACT_NOTES_MAX 4000
/* The most hours worked one unpaid work session may credit (a day). */
#define CK_CONTACT_HOURS_MAX 24
/* The contact types table's category (data/contact-types.csv group) whose
 * contacts are unpaid work sessions, and may carry hours worked. */
#define CK_UNPAID_WORK_CATEGORY "Unpaid work"
/* The contact type of an unpaid work session itself (in that category). */
#define CK_UNPAID_WORK_SESSION "UPWS"

typedef struct ck_enforcement {
    const char *id, *event, *contact;
    ck_date date;
    const char *action; /* ck_vocab_enforcement_action */
    const char *reason;
} ck_enforcement;

typedef struct ck_breach {
    const char *id, *event;
    ck_date initiated, pack_sent, resolved;
    const char *outcome; /* free text; "withdrawn" means withdrawn */
} ck_breach;

typedef struct ck_recall {
    const char *id, *event;
    ck_date date;
} ck_recall;

typedef struct ck_review {
    ck_date date;
} ck_review;

typedef struct ck_registration {
    const char *id;
    const char *type; /* ck_vocab_register */
    ck_date date, next_review;
    const char *level;    /* MAPP: M1..M3 */
    const char *category; /* MAPP: M1..M4 */
    ck_date deregistered;
    ck_review *reviews;
    size_t n_reviews;
} ck_registration;

typedef struct ck_reg_decision {
    const char *id;
    const char *type; /* NOTMAPPA */
    ck_date date;
    const char *reason;
} ck_reg_decision;

/* Extension (docs/formats.md): the OASys criminogenic needs the tier reads,
 * each no_need, standard or severe (ck_vocab_need_severity); NULL not assessed. */
typedef struct ck_needs {
    const char *accommodation, *education_training_employment, *relationships, *lifestyle_associates,
        *drug_misuse, *alcohol_misuse, *thinking_behaviour, *attitudes;
} ck_needs;

typedef struct ck_assessment {
    const char *id;
    const char *kind;  /* rosh sentence_plan oversight rsr oasys */
    ck_date completed;
    const char *level; /* rosh: low medium high very_high */
    /* Extensions (docs/formats.md), each on one kind only: */
    int32_t score;     /* rsr: the RSR %, in hundredths (0..9999) */
    bool has_needs;
    ck_needs needs;    /* oasys */
} ck_assessment;

typedef struct ck_check {
    const char *id;
    const char *kind; /* police_da childrens_services */
    ck_date requested, received;
    ck_tri relevant_information;
    const char *report; /* report id or NULL */
} ck_check;

/* Extension: someone the person on probation lives with. */
typedef struct ck_household_member {
    const char *name;
    const char *relationship; /* ck_vocab_relationship */
    ck_tri child;             /* under 18 */
} ck_household_member;

typedef struct ck_change {
    const char *id;
    ck_date date;
    const char *kind;
    const char *note;
    /* Extension, on kind address, household or relationship only
     * (ck_change_about_home): who lives with the person from this date on
     * (the whole household, replacing the one an earlier change gave), or
     * lives_alone. ck_household_current (core/
     * ck_facts) finds the one in force. */
    ck_household_member *household;
    size_t n_household;
    ck_tri lives_alone;
} ck_change;

typedef struct ck_decision {
    const char *id;
    const char *rule, *subject;
    ck_date date;
    const char *reason;
} ck_decision;

/* Extension (issue 19): the victim was told of a licence condition (by
 * victim liaison, recorded and audited through the victim's record). */
typedef struct ck_victim_told {
    const char *condition; /* events[].licence_conditions[].id */
    ck_date date;
    const char *how;       /* ck_vocab_told_how */
    const char *told_by;   /* who told them: a staff code, else an account's username */
} ck_victim_told;

typedef struct ck_victim {
    const char *id, *event;
    ck_date referred, first_contact;
    const char *scheme; /* statutory non_statutory vns */
    const char *opted;  /* in out NULL */
    ck_date opted_on, representations, release_notified, recall_notified;
    /* The most sensitive data in the system: victim liaison staff only.
     * ck_case_redact_victims() blanks these for everyone else. */
    const char *name, *address, *phone, *email, *notes;
    ck_victim_told *conditions_told; /* extension */
    size_t n_conditions_told;
} ck_victim;

typedef struct ck_case {
    ck_arena arena;
    const char *crn;
    /* Extension to the shared format: the team that holds the case (nDelius
     * "managing team"), so an unallocated case still has an owner. Optional,
     * written only when set, so shared-format bundles round-trip unchanged. */
    const char *team;
    ck_person person;
    ck_allocation *allocations;         size_t n_allocations;
    ck_event *events;                   size_t n_events;
    ck_contact *contacts;               size_t n_contacts;
    ck_enforcement *enforcement;        size_t n_enforcement;
    ck_breach *breaches;                size_t n_breaches;
    ck_recall *recalls;                 size_t n_recalls;
    ck_registration *registrations;     size_t n_registrations;
    ck_reg_decision *registration_decisions; size_t n_registration_decisions;
    ck_assessment *assessments;         size_t n_assessments;
    ck_check *checks;                   size_t n_checks;
    ck_change *changes;                 size_t n_changes;
    ck_decision *decisions;             size_t n_decisions;
    ck_victim *victims;                 size_t n_victims;
    /* Not part of the bundle format: the store's version of the case as
     * loaded (1 when created, one more for every write; 0 when the case was
     * not read from the store). The API's ETag; web forms carry it. */
    int64_t version;
} ck_case;

ck_case *ck_case_new(void);      /* empty case with its own arena */
void ck_case_free(ck_case *c);   /* NULL-safe; frees the arena and the case */

/* Finders: NULL when absent. Linear: cases are small. */
const ck_event *ck_case_event(const ck_case *c, const char *id);
const ck_contact *ck_case_contact(const ck_case *c, const char *id);
const ck_report *ck_case_report(const ck_case *c, const char *id, const ck_event **ev_out);

/* Whether a change of kind ch->kind may say who lives with the person
 * (address, household, relationship). */
bool ck_change_about_home(const ck_change *ch);

/* Blanks every victim's name, address, phone, email and notes (for anyone who
 * is not victim liaison staff). */
void ck_case_redact_victims(ck_case *c);

/* Blanks the notes of every sensitive contact (sensitive == 1), for a reader
 * services/ck_access does not let see them; the flag stays, so a page can say
 * a note is withheld. */
void ck_case_redact_sensitive_notes(ck_case *c);

/* Why notes text s is not acceptable as a contact's notes ("expected at most
 * 4000 characters, got 4012"), written into msg; false when it is fine. */
bool ck_contact_notes_bad(const char *s, char *msg, size_t msg_len);
/* A contact with nothing recorded beyond what the caller sets: every
 * optional date, flag and number absent (CK_NODATE, CK_NULL, CK_NOINT), as
 * the bundle reads a missing key. Start every contact built in code from it:
 * a zeroed one says "0 hours worked", "not cancelled", "sequence 0". */
ck_contact ck_contact_blank(void);

/* ---- Field descriptors ------------------------------------------------- */

typedef enum ck_ftype {
    CK_F_STR,   /* const char *, free text */
    CK_F_ENUM,  /* const char *, one of vocab (pointer into vocab) */
    CK_F_DATE,  /* ck_date */
    CK_F_INT,   /* int32_t, CK_NOINT when null */
    CK_F_CENTI, /* int32_t hundredths (a JSON number with at most 2 decimals, 6.99 is 699), CK_NOINT when null */
    CK_F_BOOL,  /* ck_tri */
    CK_F_OBJ,   /* embedded struct at off; presence flag (bool) at aux_off unless always present */
    CK_F_LIST,  /* array pointer at off, size_t count at aux_off */
} ck_ftype;

typedef struct ck_entity ck_entity;

typedef struct ck_field {
    const char *key;          /* JSON key; also the SQL column unless `column` */
    ck_ftype type;
    size_t off;
    size_t aux_off;           /* OBJ: presence flag offset (SIZE_MAX: always present); LIST: count */
    bool required;            /* must be present and non-null */
    const char *const *vocab; /* ENUM: NULL-terminated allowed values */
    const ck_entity *sub;     /* OBJ / LIST element */
    bool sensitive;           /* victim-identifying: VLO only */
    bool omit_null;           /* extension key: not written when null (a list: when empty) */
} ck_field;

struct ck_entity {
    const char *name;   /* "contact" */
    const char *table;  /* SQL table for list entities ("contacts"); NULL for embedded objects */
    size_t size;        /* sizeof the struct */
    const ck_field *fields;
    size_t n_fields;
    /* Conditional checks beyond required/vocab ("end_date unless hospital_order").
     * Returns NULL when valid, else the key at fault and writes what was expected
     * into msg. */
    const char *(*check)(const void *rec, char *msg, size_t msg_len);
};

/* Sets the value v of a field of type t to absent when t is a scalar type:
 * NULL for strings and enums, CK_NODATE, CK_NOINT, CK_NULL. Objects and lists
 * are left alone: what absent means for them (a presence flag, an empty list
 * with its count) depends on how the caller holds them. The codec and the
 * store both mean "missing" through this one definition. */
void ck_value_set_absent(ck_ftype t, void *v);

extern const ck_entity ck_entity_case; /* the root: crn, team, person, lists */
extern const ck_entity ck_entity_person, ck_entity_address, ck_entity_history, ck_entity_alias,
    ck_entity_disability, ck_entity_household_member, ck_entity_consent,
    ck_entity_allocation, ck_entity_event, ck_entity_offence, ck_entity_sentence,
    ck_entity_report, ck_entity_referral_outcome, ck_entity_contact, ck_entity_enforcement,
    ck_entity_breach, ck_entity_recall, ck_entity_registration, ck_entity_review,
    ck_entity_reg_decision, ck_entity_assessment, ck_entity_needs, ck_entity_check, ck_entity_change,
    ck_entity_decision, ck_entity_victim, ck_entity_requirement, ck_entity_licence_condition,
    ck_entity_victim_told;

/* Vocabularies (NULL-terminated). */
extern const char *const ck_vocab_gender[], *const ck_vocab_report_type[],
    *const ck_vocab_sentence_type[], *const ck_vocab_offence_category[],
    *const ck_vocab_outcome[], *const ck_vocab_enforcement_action[],
    *const ck_vocab_register[], *const ck_vocab_mappa_level[], *const ck_vocab_mappa_category[],
    *const ck_vocab_reg_decision[], *const ck_vocab_assessment_kind[], *const ck_vocab_rosh_level[], *const ck_vocab_need_severity[],
    *const ck_vocab_check_kind[], *const ck_vocab_change_kind[], *const ck_vocab_scheme[],
    *const ck_vocab_opted[], *const ck_vocab_referral_outcome[], *const ck_vocab_rule[],
    *const ck_vocab_relationship[], *const ck_vocab_licence_condition[], *const ck_vocab_told_how[],
    *const ck_vocab_consent_language[],
    *const ck_vocab_requirement_type[]; /* defined by core/ck_requirements' table */

/* The interned vocabulary string equal to s[0..n), or NULL when not allowed. */
const char *ck_vocab_find(const char *const *vocab, const char *s, size_t n);
/* "a, b, c" into out (for error messages). */
void ck_vocab_list(const char *const *vocab, char *out, size_t out_len);

/* d lies within the licence as sentenced: a custody sentence with a release
 * date and an end date, release_date <= d <= end_date, whatever a recall or
 * termination later cut off it. Only then can a recall be asked for or made
 * (post-sentence supervision cannot be recalled, CJA 2003 s.256AC; rulebook
 * and case-bundle v3). */
bool ck_within_licence(const ck_sentence *s, ck_date d);

/* ---- Whole-case validation ---------------------------------------------- */

/* Cross-record rules the descriptors cannot express: unique ids per kind
 * (report ids across all events; requirement ids across all events; a
 * requirement only on a community order or SSO, within its dates), references (contact.event, enforcement.contact,
 * check.report, victim.event, decision.subject), crn format.
 * Returns true when valid; otherwise writes "path: message" into err. */
bool ck_case_validate(const ck_case *c, char *err, size_t err_len);

#endif
