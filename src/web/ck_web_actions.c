/* ck_web_actions: the forms that change a case, GOV.UK form patterns.
 *
 * Each action is a row of `actions`: its URL (/cases/CRN/KIND/new or
 * /cases/CRN/KIND/ID/VERB), its fields (rendered by templates/action.html)
 * and a build function that reads and checks the typed values, reporting
 * every invalid field, and makes the record. Saving is one ck_access_add or
 * ck_access_update: one transaction that checks the account's access under
 * the case's lock, recomputes the obligations and writes the audit log. A
 * form with errors is shown again with an error summary and what was typed. */
#include "ck_appt.h"
#include "ck_bundle.h"
#include "ck_diary.h"
#include "ck_casewrite.h"
#include "ck_ctypes.h"
#include "ck_facts.h"
#include "ck_requirements.h"
#include "ck_licence.h"
#include "ck_web.h"
#include "ck_web_names.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_HEX 10 /* web-made record ids: a letter and 10 hex digits */

typedef enum {
    F_DATE, F_SELECT, F_RADIOS, F_TEXT, F_TEXTAREA, F_EVENT, F_CONTACT_TYPE, F_CHECKBOX, F_VICTIM, F_OFFICER, F_PLACE
} fkind;

typedef struct field {
    const char *name, *label, *hint;
    fkind kind;
    const char *const *values; /* SELECT/RADIOS */
    const char *const *labels; /* same order; NULL: the values */
    bool required;
} field;

/* Outcome codes staff pick from; their names are core/ck_ctypes' (the one
 * table of outcome names). Which of them are attended, failures or
 * acceptable absences is the rules engine's to say (ck_outcome_attended and
 * friends). */
static const char *const outcome_codes[] = {"ATTC", "AFTC", "ATSH", "AFTA", "UAAB", "UBHV", "AAAA", "RSOF", "RSSR", NULL};
static const char *const enforcement_labels[] = {"First warning", "Second warning", "Final warning",
                                                 "Breach initiated", "Recall requested", "No further action", NULL};
static const char *const rosh_labels[] = {"Low", "Medium", "High", "Very high", NULL};
static const char *const assessment_labels[] = {"RoSH assessment", "Sentence plan", "Management oversight",
                                                "RSR score", "OASys assessment with needs", NULL};
static const char *const need_labels[] = {"No need", "Standard need", "Severe need", NULL};
static const char *const check_labels[] = {"Police domestic abuse call-out check", "Children's services check", NULL};
static const char *const yes_no_values[] = {"yes", "no", NULL};
static const char *const yes_no_labels[] = {"Yes", "No", NULL};
static const char *const change_labels[] = {"Address", "Relationship", "Household", "Arrest", "Charge",
                                            "Conviction", "MAPPA level", NULL};
static const char *const header_registers[] = {"ADVP", "RCPR", "RCCO", "MAPP", "RVHR", "ALSH", "STRG", "IIOM", "INVI", NULL};
static const char *const header_register_labels[] = {
    "ADVP – domestic abuse perpetrator", "RCPR – child protection", "RCCO – child concerns",
    "MAPP – MAPPA", "RVHR – very high RoSH", "ALSH – risk of self-harm", "STRG – street gangs",
    "IIOM – integrated offender management", "INVI – victim contact", NULL};
static const char *const level_labels[] = {"Level 1", "Level 2", "Level 3", NULL};
static const char *const category_labels[] = {"Category 1", "Category 2", "Category 3", "Category 4", NULL};

/* Every form that creates or updates a contact ends with these two (the
 * contact's notes and its sensitive flag; core/ck_case.h). */
#define NOTES_HINT "What happened and what was agreed. Up to 4,000 characters"
#define SENSITIVE_TEXT "The notes are sensitive"
#define NOTE_FIELDS                                                                                                  \
    {"notes", "Notes", NOTES_HINT, F_TEXTAREA, NULL, NULL, false},                                                  \
    {"sensitive", "Sensitive", "Only the case's team, their managers and quality assurance will see sensitive notes", \
     F_CHECKBOX, NULL, NULL, false}

/* An appointment as practitioners book it (issue 15; core/ck_appt): typed
 * times, the officer (the case's practitioner unless changed), the place
 * (the PDU's offices, video, phone, home visit) and, for a new order, a
 * weekly series. */
#define TIME_HINT "Use the 24-hour clock, for example, 09:30 or 14:00"
#define SERIES_MAX 26
static const field appointment_fields[] = {
    {"event", "Sentence", NULL, F_EVENT, NULL, NULL, true},
    {"type", "Appointment type", NULL, F_CONTACT_TYPE, NULL, NULL, true},
    {"date", "Date of the appointment", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    {"start_time", "Start time", TIME_HINT, F_TEXT, NULL, NULL, true},
    {"end_time", "End time", TIME_HINT, F_TEXT, NULL, NULL, true},
    {"officer", "Officer", "Who will see them. The case's practitioner unless you choose someone else", F_OFFICER,
     NULL, NULL, true},
    {"location", "Where", NULL, F_PLACE, NULL, NULL, true},
    {"weeks", "Number of weeks", "To book the same time every week, for example for a new order, up to 26. "
     "Leave empty for one appointment", F_TEXT, NULL, NULL, false},
    NOTE_FIELDS,
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
/* Rescheduling records the outcome nDelius uses for it (RSOF: the person
 * asked; RSSR: the service asked) on the old appointment and books the new
 * one; cancelling marks it cancelled. Both need a reason. */
static const char *const asked_values[] = {"RSOF", "RSSR", NULL};
static const char *const asked_labels[] = {"The person on probation", "The probation service", NULL};
static const field reschedule_fields[] = {
    {"date", "New date of the appointment", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    {"start_time", "Start time", TIME_HINT, F_TEXT, NULL, NULL, true},
    {"end_time", "End time", TIME_HINT, F_TEXT, NULL, NULL, true},
    {"asked", "Who asked for it to be rescheduled?", NULL, F_RADIOS, asked_values, asked_labels, true},
    {"reason", "Why is it being rescheduled?", NULL, F_TEXTAREA, NULL, NULL, true},
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field cancel_fields[] = {
    {"reason", "Why is it being cancelled?", NULL, F_TEXTAREA, NULL, NULL, true},
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field contact_fields[] = {
    {"event", "Sentence", NULL, F_EVENT, NULL, NULL, true},
    {"type", "Contact type", NULL, F_CONTACT_TYPE, NULL, NULL, true},
    {"date", "Date of the contact", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    NOTE_FIELDS,
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field outcome_fields[] = {
    {"outcome", "Outcome", NULL, F_RADIOS, outcome_codes, NULL /* ck_outcome_name */, true},
    {"outcome_on", "Date the outcome was recorded", "Leave empty for today", F_DATE, NULL, NULL, false},
    {"action", "Enforcement action", "For a failure to comply; it can also be recorded later", F_RADIOS,
     NULL /* ck_vocab_enforcement_action */, enforcement_labels, false},
    {"reason", "Reason for the enforcement decision", "Needed for no further action", F_TEXTAREA, NULL, NULL, false},
    NOTE_FIELDS,
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field enforcement_fields[] = {
    {"action", "Enforcement action", NULL, F_RADIOS, NULL /* ck_vocab_enforcement_action */, enforcement_labels, true},
    {"date", "Date of the decision", "Leave empty for today", F_DATE, NULL, NULL, false},
    {"reason", "Reason", "Needed for no further action", F_TEXTAREA, NULL, NULL, false},
    NOTE_FIELDS,
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field deregister_fields[] = {
    {"date", "Date the registration ends", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const char *const scheme_labels[] = {"Statutory", "Non-statutory", "Victim notification scheme", NULL};
static const char *const opted_labels[] = {"Opted in", "Opted out", NULL};
static const field victim_fields[] = {
    {"event", "Sentence", NULL, F_EVENT, NULL, NULL, true},
    {"scheme", "Scheme", NULL, F_RADIOS, NULL /* ck_vocab_scheme */, scheme_labels, true},
    {"referred", "Date referred", "For example, 27 3 2026", F_DATE, NULL, NULL, false},
    {"first_contact", "Date of the first contact", "Leave empty until the victim has been contacted", F_DATE, NULL, NULL, false},
    {"opted", "Victim's choice", "Leave unselected until the victim has chosen", F_RADIOS, NULL /* ck_vocab_opted */, opted_labels, false},
    {"opted_on", "Date of the choice", NULL, F_DATE, NULL, NULL, false},
    {"representations", "Date representations about licence conditions were made or declined", NULL, F_DATE, NULL, NULL, false},
    {"release_notified", "Date told of the release", NULL, F_DATE, NULL, NULL, false},
    {"recall_notified", "Date told of the recall", NULL, F_DATE, NULL, NULL, false},
    {"name", "Name", NULL, F_TEXT, NULL, NULL, false},
    {"address", "Address", NULL, F_TEXTAREA, NULL, NULL, false},
    {"phone", "Phone", NULL, F_TEXT, NULL, NULL, false},
    {"email", "Email", NULL, F_TEXT, NULL, NULL, false},
    {"notes", "Notes", NULL, F_TEXTAREA, NULL, NULL, false},
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field registration_fields[] = {
    {"type", "Register", NULL, F_SELECT, header_registers, header_register_labels, true},
    {"date", "Date registered", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    {"level", "MAPPA level", "MAPPA only", F_RADIOS, NULL /* ck_vocab_mappa_level */, level_labels, false},
    {"category", "MAPPA category", "MAPPA only", F_RADIOS, NULL /* ck_vocab_mappa_category */, category_labels, false},
    {"next_review", "Next review", "Leave empty to use the register's review period", F_DATE, NULL, NULL, false},
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field review_fields[] = {
    {"date", "Date of the review", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    {"next_review", "Next review", "For example, 27 6 2026", F_DATE, NULL, NULL, true},
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field check_fields[] = {
    {"kind", "Check", NULL, F_RADIOS, NULL /* ck_vocab_check_kind */, check_labels, true},
    {"requested", "Date requested", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    NOTE_FIELDS,
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field receive_fields[] = {
    {"received", "Date the reply was received", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    {"relevant", "Did it hold relevant information?", NULL, F_RADIOS, yes_no_values, yes_no_labels, true},
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field assessment_fields[] = {
    {"kind", "Assessment", NULL, F_RADIOS, NULL /* ck_vocab_assessment_kind */, assessment_labels, true},
    {"completed", "Date completed", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    {"level", "RoSH level", "RoSH assessments only", F_RADIOS, NULL /* ck_vocab_rosh_level */, rosh_labels, false},
    {"score", "RSR score", "RSR scores only: a percentage from 0 to 99.99, for example 6.25", F_TEXT, NULL, NULL, false},
    /* The OASys needs the tier reads (core/ck_tier), in ck_needs' order. */
    {"accommodation", "Accommodation need", "OASys assessments with needs only", F_SELECT, NULL, need_labels, false},
    {"education_training_employment", "Education, training and employment need", NULL, F_SELECT, NULL, need_labels,
     false},
    {"relationships", "Relationships need", NULL, F_SELECT, NULL, need_labels, false},
    {"lifestyle_associates", "Lifestyle and associates need", NULL, F_SELECT, NULL, need_labels, false},
    {"drug_misuse", "Drug misuse need", NULL, F_SELECT, NULL, need_labels, false},
    {"alcohol_misuse", "Alcohol misuse need", NULL, F_SELECT, NULL, need_labels, false},
    {"thinking_behaviour", "Thinking and behaviour need", NULL, F_SELECT, NULL, need_labels, false},
    {"attitudes", "Attitudes need", NULL, F_SELECT, NULL, need_labels, false},
    NOTE_FIELDS,
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
/* Who lives with the person, asked on a change of address, household or
 * relationship (the bundle's changes[].household and lives_alone): fixed
 * rows so it works without JavaScript; an empty row is ignored. */
#define HOUSEHOLD_ROWS 4
static const char *const lives_alone_values[] = {"alone", "others", NULL};
static const char *const lives_alone_labels[] = {"No, they live alone", "Yes", NULL};
static const char *const relationship_labels[] = {"Partner", "Husband, wife or civil partner", "Child", "Stepchild",
                                                  "Parent", "Brother or sister", "Other relative", "Friend",
                                                  "Lodger", "Other", NULL};
static const char *const under_18_text[] = {"Under 18", NULL}; /* a checkbox's text is its one label */
#define MEMBER_FIELDS(n)                                                                                     \
    {"member" #n "_name", "Name of household member " #n, NULL, F_TEXT, NULL, NULL, false},                  \
    {"member" #n "_relationship", "Relationship of household member " #n, NULL, F_SELECT, NULL,              \
     relationship_labels, false},                                                                            \
    {"member" #n "_child", "Age of household member " #n, NULL, F_CHECKBOX, NULL, under_18_text, false}
static const field change_fields[] = {
    {"kind", "What changed", NULL, F_RADIOS, NULL /* ck_vocab_change_kind */, change_labels, true},
    {"date", "Date of the change", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    {"note", "Details", NULL, F_TEXTAREA, NULL, NULL, false},
    {"lives_alone", "Does anyone live with them?", "Only for a change of address, household or relationship",
     F_RADIOS, lives_alone_values, lives_alone_labels, false},
    MEMBER_FIELDS(1), MEMBER_FIELDS(2), MEMBER_FIELDS(3), MEMBER_FIELDS(4),
    NOTE_FIELDS,
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
/* A licence condition (core/ck_licence: the types and their words). The
 * victim a non-contact condition protects is chosen by its record's id, so
 * the form never needs a victim's name and never shows one. */
static const field condition_fields[] = {
    {"type", "Condition", NULL, F_RADIOS, ck_vocab_licence_condition, ck_licence_type_labels, true},
    {"start", "Date the condition starts", "For example, 5 9 2025", F_DATE, NULL, NULL, true},
    {"end", "Date the condition ends", "Leave empty if it lasts until the licence ends", F_DATE, NULL, NULL, false},
    {"victim_related", "Is it to protect a victim?", NULL, F_RADIOS, yes_no_values, yes_no_labels, false},
    {"victim_id", "Victim it protects", "Only for not contacting a victim of this case", F_VICTIM, NULL, NULL, false},
    {"detail", "What the condition says", "Who, where or when. Do not write a victim's name: choose the victim above",
     F_TEXTAREA, NULL, NULL, false},
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field condition_end_fields[] = {
    {"end", "Date the condition ends", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field told_fields[] = {
    {"date", "Date they were told", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    {"how", "How they were told", NULL, F_RADIOS, ck_vocab_told_how, ck_told_how_labels, true},
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field decision_fields[] = {
    {"rule", "Decision about", NULL, F_SELECT, NULL /* ck_vocab_rule */, NULL, true},
    {"subject", "Record it is about", "For example, contact:C2 or event:E1", F_TEXT, NULL, NULL, true},
    {"date", "Date of the decision", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    {"reason", "Reason", NULL, F_TEXTAREA, NULL, NULL, true},
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};

/* Sentence requirements (core/ck_requirements): add one to an order, end
 * one early, and record the hours of an unpaid work session. */
static const field requirement_fields[] = {
    {"event", "Sentence", NULL, F_EVENT, NULL, NULL, true},
    {"type", "Requirement", NULL, F_SELECT, NULL /* ck_vocab_requirement_type */, NULL, true},
    {"amount", "Hours or days", "Unpaid work and attendance centre: hours. Rehabilitation activity, programme and "
     "alcohol abstinence: days. Curfew: hours a day. Leave empty for other requirements", F_TEXT, NULL, NULL, false},
    {"start", "Start date", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    {"end", "End date", "Leave empty if it lasts until the order ends", F_DATE, NULL, NULL, false},
    {"detail", "Details", "For example, the placement, programme, curfew address and hours, or exclusion zone",
     F_TEXTAREA, NULL, NULL, false},
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field end_requirement_fields[] = {
    {"terminated_on", "Date it ended", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    {"terminated_reason", "Why it ended early", "For example, revoked by the court", F_TEXTAREA, NULL, NULL, true},
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};
static const field session_fields[] = {
    {"date", "Date of the session", "For example, 27 3 2026", F_DATE, NULL, NULL, true},
    {"hours", "Hours worked", "Whole hours, for example 6", F_TEXT, NULL, NULL, true},
    NOTE_FIELDS,
    {NULL, NULL, NULL, 0, NULL, NULL, false},
};

/* Vocabulary-backed fields get their values here so each list stays in
 * ck_case.c, its one home. */
static const char *const *field_values(const field *f)
{
    if (f->values) return f->values;
    if (f->labels == enforcement_labels) return ck_vocab_enforcement_action;
    if (f->labels == rosh_labels) return ck_vocab_rosh_level;
    if (f->labels == need_labels) return ck_vocab_need_severity;
    if (f->labels == assessment_labels) return ck_vocab_assessment_kind;
    if (f->labels == check_labels) return ck_vocab_check_kind;
    if (f->labels == change_labels) return ck_vocab_change_kind;
    if (f->labels == level_labels) return ck_vocab_mappa_level;
    if (f->labels == category_labels) return ck_vocab_mappa_category;
    if (f->labels == scheme_labels) return ck_vocab_scheme;
    if (f->labels == opted_labels) return ck_vocab_opted;
    if (f->labels == relationship_labels) return ck_vocab_relationship;
    if (f == &decision_fields[0]) return ck_vocab_rule;
    if (f == &requirement_fields[1]) return ck_vocab_requirement_type;
    return NULL;
}

const char *ck_web_victim_label(const char *name, const char *value, const char *none)
{
    for (const field *fd = victim_fields; value && fd->name; fd++) {
        if (!fd->labels || strcmp(fd->name, name) != 0) continue;
        const char *const *vals = field_values(fd);
        for (size_t i = 0; vals[i]; i++)
            if (strcmp(vals[i], value) == 0) return fd->labels[i];
    }
    return none;
}

typedef struct form {
    ck_http_req *r;
    json_t *page;
    const ck_case *c;
    ck_date today;
    const char *id; /* the record the URL names (update actions) */
    const ck_session *s;
    ck_db *db;
    /* A booking's choices, read once (load_choices): the officers of the
     * case's team and the offices of the PDU. */
    bool choices_read;
    ck_diary_officer *officers;
    size_t n_officers;
    ck_org_record *offices;
    size_t n_offices;
    size_t weeks; /* a booking's series: 1 for one appointment */
    /* The case's version the form was opened at: the hidden field "version"
     * it posts back, 0 when absent or not a number. */
    int64_t version;
} form;

/* ---- Reading fields ----------------------------------------------------- */

/* What each field says when it is missing or not one of its options, as the
 * GOV.UK Design System's error message guidance words it (specific, never
 * the label pasted in), by the field's label. A field not here gets "Enter
 * the <label>" or "Select the <label>" (fallback_message). */
static const struct {
    const char *label, *message;
} field_messages[] = {
    {"Sentence", "Select the sentence"},
    {"Appointment type", "Select the type of appointment"},
    {"Contact type", "Select the type of contact"},
    {"Date of the appointment", "Enter the date of the appointment"},
    {"New date of the appointment", "Enter the new date of the appointment"},
    {"Start time", "Enter the start time"},
    {"End time", "Enter the end time"},
    {"Officer", "Select the officer who will see them"},
    {"Where", "Select where the appointment is"},
    {"Who asked for it to be rescheduled?", "Select who asked for the appointment to be rescheduled"},
    {"Why is it being rescheduled?", "Enter why the appointment is being rescheduled"},
    {"Why is it being cancelled?", "Enter why the appointment is being cancelled"},
    {"Date of the contact", "Enter the date of the contact"},
    {"Outcome", "Select the outcome of the appointment"},
    {"Enforcement action", "Select the enforcement action"},
    {"Date the registration ends", "Enter the date the registration ends"},
    {"Scheme", "Select the victim contact scheme"},
    {"Victim's choice", "Select whether the victim opted in or out"},
    {"Register", "Select the register"},
    {"Date registered", "Enter the date of the registration"},
    {"MAPPA level", "Select the MAPPA level"},
    {"MAPPA category", "Select the MAPPA category"},
    {"Date of the review", "Enter the date of the review"},
    {"Next review", "Enter the date of the next review"},
    {"Check", "Select the check you requested"},
    {"Date requested", "Enter the date the check was requested"},
    {"Date the reply was received", "Enter the date the reply was received"},
    {"Did it hold relevant information?", "Select yes if the reply held relevant information"},
    {"Assessment", "Select the kind of assessment"},
    {"Date completed", "Enter the date the assessment was completed"},
    {"RoSH level", "Select the RoSH level"},
    {"RSR score", "Enter the RSR score as a percentage from 0 to 99.99, like 6.25"},
    {"What changed", "Select what changed"},
    {"Date of the change", "Enter the date of the change"},
    {"Details", "Enter the details of the change"},
    {"Decision about", "Select what the decision is about"},
    {"Record it is about", "Enter the record the decision is about, like contact:C2"},
    {"Date of the decision", "Enter the date of the decision"},
    {"Reason", "Enter the reason for the decision"},
    {"Reason for the enforcement decision", "Enter the reason for the enforcement decision"},
    {"Condition", "Select the licence condition"},
    {"How they were told", "Select how the victim was told"},
};

/* "Enter the date of the choice" from the label "Date of the choice"; an
 * acronym ("RoSH", "MAPPA") keeps its capitals. */
static const char *fallback_message(form *f, const field *fd, const char *verb)
{
    const char *l = fd->label[0] ? fd->label : fd->name;
    bool lower = l[0] >= 'A' && l[0] <= 'Z' && l[1] >= 'a' && l[1] <= 'z';
    return ck_arena_printf(ck_http_arena(f->r), "%s the %c%s", verb, lower ? l[0] - 'A' + 'a' : l[0], l + 1);
}

static const char *missing_message(form *f, const field *fd, const char *verb)
{
    for (size_t i = 0; i < sizeof field_messages / sizeof *field_messages; i++)
        if (strcmp(field_messages[i].label, fd->label) == 0) return field_messages[i].message;
    return fallback_message(f, fd, verb);
}

static const char *choice(form *f, const field *fd)
{
    const char *v = ck_web_field(f->r, fd->name);
    const char *const *values = field_values(fd);
    const char *hit = *v ? ck_vocab_find(values, v, strlen(v)) : NULL;
    if (!hit && (*v || fd->required)) ck_web_form_error(f->page, fd->name, "%s", missing_message(f, fd, "Select"));
    return hit;
}

static ck_date date_of(form *f, const field *fd)
{
    ck_date d;
    /* Required is checked here, for the field's own message. */
    if (!ck_web_date_field(f->r, f->page, fd->name, fd->label, false, &d)) return CK_NODATE;
    if (d == CK_NODATE && fd->required)
        ck_web_form_error_at(f->page, fd->name, ck_arena_printf(ck_http_arena(f->r), "%s-day", fd->name), "%s",
                             missing_message(f, fd, "Enter"));
    return d;
}

static const char *text_of(form *f, const field *fd, size_t max)
{
    const char *v = ck_web_field(f->r, fd->name);
    if (!*v) {
        if (fd->required) ck_web_form_error(f->page, fd->name, "%s", missing_message(f, fd, "Enter"));
        return NULL;
    }
    if (strlen(v) > max) {
        ck_web_form_error(f->page, fd->name, "%s must be %zu characters or fewer", fd->label, max);
        return NULL;
    }
    return v;
}

/* The typed notes (line breaks as \n), NULL when empty; an error names the
 * field when they are too long or hold control characters. */
static const char *notes_of(form *f)
{
    const char *v = ck_web_field(f->r, "notes");
    if (!v[strspn(v, " \t\r\n")]) return NULL;
    char *n = ck_arena_strdup(ck_http_arena(f->r), v), *w = n;
    for (const char *p = n; *p; p++)
        if (!(p[0] == '\r' && p[1] == '\n')) *w++ = *p == '\r' ? '\n' : *p;
    *w = '\0';
    char msg[160];
    if (ck_contact_notes_bad(n, msg, sizeof msg)) {
        if (strncmp(msg, "expected at most", 16) == 0)
            ck_web_form_error(f->page, "notes", "Notes must be %d characters or fewer", CK_CONTACT_NOTES_MAX);
        else
            ck_web_form_error(f->page, "notes", "Notes must only include letters, numbers, punctuation and line breaks");
        return NULL;
    }
    return n;
}

static ck_tri sensitive_of(form *f) { return strcmp(ck_web_field(f->r, "sensitive"), "yes") == 0 ? 1 : CK_NULL; }

static const char *event_of(form *f)
{
    const char *v = ck_web_field(f->r, "event");
    if (!ck_case_event(f->c, v)) {
        ck_web_form_error(f->page, "event", "Select the sentence");
        return NULL;
    }
    return v;
}

/* The contact types a form offers (core/ck_ctypes): appointments are the
 * "Appointments" category; other contacts come from the communication
 * categories. Whether `code` is one of them (with its national standard
 * flag in *ns); each one offered is appended to list when not NULL. */
static bool contact_type_find(const char *code, bool appointment, bool *ns, json_t *list)
{
    size_t n;
    const ck_ctype *all = ck_ctypes_all(&n);
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        const ck_ctype *t = &all[i];
        bool wanted = appointment ? strcmp(t->category, "Appointments") == 0
                                  : strcmp(t->category, "Communication with person on probation") == 0 ||
                                        strcmp(t->category, "Communication") == 0;
        if (!wanted) continue;
        if (list) json_array_append_new(list, json_pack("{s:s, s:s}", "value", t->code, "text", t->name));
        if (code && strcmp(t->code, code) == 0) {
            found = true;
            *ns = t->national_standard;
        }
    }
    return found;
}

static const char *new_id(ck_http_req *r, char letter)
{
    unsigned char raw[16];
    char hex[2 * sizeof raw + 1];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    return ck_arena_printf(ck_http_arena(r), "%c%.*s", letter, ID_HEX, hex);
}

/* ---- The actions -------------------------------------------------------- */

/* The sentence of the contact the form is about (outcome and enforcement
 * forms name a contact), or NULL. */
static const ck_sentence *contact_sentence(const form *f)
{
    const ck_contact *ct = f->id ? ck_case_contact(f->c, f->id) : NULL;
    const ck_event *e = ct ? ck_case_event(f->c, ct->event) : NULL;
    return e && e->has_sentence ? &e->sentence : NULL;
}

/* "Recall requested" is offered for a failure during a licence only, and is
 * refused for a decision dated outside it: post-sentence supervision cannot
 * be recalled (CJA 2003 s.256AC; rulebook v3), and a breach of it goes to a
 * magistrates' court. */
static bool recall_offered(const form *f)
{
    const ck_contact *ct = f->id ? ck_case_contact(f->c, f->id) : NULL;
    return ct && ck_within_licence(contact_sentence(f), ct->date);
}

static void check_recall(form *f, const char *action, ck_date d, const char *field_name)
{
    if (!ck_streq(action, "recall_requested") || ck_within_licence(contact_sentence(f), d)) return;
    const ck_sentence *s = contact_sentence(f);
    if (s && ck_streq(s->type, "custody") && s->release_date != CK_NODATE && s->end_date != CK_NODATE)
        ck_web_form_error(f->page, field_name, "A recall can only be requested during the licence, from %s to %s",
                          ck_web_date_long(f->r, s->release_date), ck_web_date_long(f->r, s->end_date));
    else
        ck_web_form_error(f->page, field_name, "A recall can only be requested during a licence");
}

/* ---- Appointments (issue 15) ---------------------------------------------- */

/* The officers and offices a booking offers, read once per request: the
 * staff of the case's team (else the reader's) and the offices of the
 * reader's PDU. A failed read leaves the list empty, logged. */
static void load_choices(form *f)
{
    if (f->choices_read) return;
    f->choices_read = true;
    char err[256];
    const char *team = f->c->team && *f->c->team ? f->c->team : f->s->team;
    if (team && *team &&
        ck_diary_officers(f->db, team, ck_http_arena(f->r), &f->officers, &f->n_officers, err, sizeof err) != CK_OK)
        ck_http_log("%s web: officers: %s", ck_http_request_id(f->r), err);
    if (f->s->pdu && *f->s->pdu &&
        ck_diary_offices(f->db, f->s->pdu, ck_http_arena(f->r), &f->offices, &f->n_offices, err, sizeof err) != CK_OK)
        ck_http_log("%s web: offices: %s", ck_http_request_id(f->r), err);
}

/* The case's practitioner today: the officer a booking starts with. */
static const char *default_officer(form *f)
{
    ck_contact today = {.date = f->today};
    return ck_appt_officer(f->c, &today);
}

static bool officer_offered(form *f, const char *code)
{
    for (size_t i = 0; i < f->n_officers; i++)
        if (ck_streq(f->officers[i].code, code)) return true;
    return ck_streq(code, default_officer(f));
}

/* A typed time as "HH:MM": "9:30", "09:30" and "9.30" are all 09:30. NULL
 * with the field's error when it is not a time on the 24-hour clock. */
static const char *time_of(form *f, const field *fd)
{
    const char *v = ck_web_field(f->r, fd->name);
    v += strspn(v, " ");
    size_t n = strlen(v);
    while (n && v[n - 1] == ' ') n--;
    if (!n) {
        if (fd->required) ck_web_form_error(f->page, fd->name, "%s", missing_message(f, fd, "Enter"));
        return NULL;
    }
    size_t h = 0;
    while (h < n && h < 3 && v[h] >= '0' && v[h] <= '9') h++;
    const char *t = NULL;
    if ((h == 1 || h == 2) && n == h + 3 && (v[h] == ':' || v[h] == '.') && v[h + 1] >= '0' && v[h + 1] <= '9' &&
        v[h + 2] >= '0' && v[h + 2] <= '9')
        t = ck_arena_printf(ck_http_arena(f->r), "%s%.*s:%c%c", h == 1 ? "0" : "", (int)h, v, v[h + 1], v[h + 2]);
    if (ck_appt_minutes(t) < 0) {
        ck_web_form_error(f->page, fd->name, "%s must be a time on the 24-hour clock, like 09:30", fd->label);
        return NULL;
    }
    return t;
}

static void times_of(form *f, const field *start, ck_contact *ct)
{
    ct->start_time = time_of(f, start);
    ct->end_time = time_of(f, start + 1);
    if (ct->start_time && ct->end_time && ck_appt_minutes(ct->end_time) <= ck_appt_minutes(ct->start_time)) {
        ck_web_form_error(f->page, start[1].name, "End time must be after the start time");
        ct->end_time = NULL;
    }
}

/* Times, officer, place and the series of a booking. */
static void appointment_details(form *f, ck_contact *ct)
{
    times_of(f, &appointment_fields[3], ct);
    load_choices(f);
    const char *officer = ck_web_field(f->r, "officer");
    if (!*officer) officer = default_officer(f);
    ct->officer = officer && officer_offered(f, officer) ? officer : NULL;
    if (!ct->officer) ck_web_form_error(f->page, "officer", "Select the officer who will see them");
    const char *place = ck_web_field(f->r, "location");
    ct->location = ck_vocab_find(ck_vocab_appt_place, place, strlen(place));
    for (size_t i = 0; !ct->location && i < f->n_offices; i++)
        if (ck_streq(f->offices[i].code, place)) ct->location = f->offices[i].code;
    if (!ct->location) ck_web_form_error(f->page, "location", "Select where the appointment is");
    const char *w = ck_web_field(f->r, "weeks");
    w += strspn(w, " ");
    if (*w) {
        char *end;
        long n = strtol(w, &end, 10);
        if (*end || end == w || n < 1 || n > SERIES_MAX)
            ck_web_form_error(f->page, "weeks", "Number of weeks must be a whole number from 1 to %d", SERIES_MAX);
        else
            f->weeks = (size_t)n;
    }
}

/* "on 3 March 2026 from 9:30am to 10am" */
static const char *slot_text(form *f, ck_date d, const char *from, const char *to)
{
    return ck_arena_printf(ck_http_arena(f->r), "on %s from %s to %s", ck_web_date_long(f->r, d),
                           ck_web_clock(f->r, from), ck_web_clock(f->r, to));
}

/* Whether the booking ct (each week of its series) overlaps an appointment
 * of the person (any officer; `ignore` is the one being rescheduled) or of
 * its officer (any case). The form comes back once with a warning listing
 * them, and books after confirm=yes: a clash may be intended (a joint
 * visit). The officer's other cases are not named: the reader may not be
 * allowed to see them. */
static bool clash_warning(form *f, const ck_contact *ct, const char *ignore)
{
    if (ck_streq(ck_web_field(f->r, "confirm"), "yes")) return false;
    json_t *list = json_array();
    const char *person = ck_web_person_name(f->r, f->c->person.forename, f->c->person.surname);
    for (size_t w = 0; w < f->weeks; w++) {
        ck_contact at = *ct;
        at.date = ct->date + 7 * (ck_date)w;
        for (size_t i = 0; i < f->c->n_contacts; i++) {
            const ck_contact *k = &f->c->contacts[i];
            if (!ck_appt_live(k) || k->outcome || ck_streq(k->id, ignore) || !ck_appt_overlap(&at, k)) continue;
            json_array_append_new(list, json_string(ck_arena_printf(ck_http_arena(f->r), "%s already has an appointment %s",
                                                                    person, slot_text(f, k->date, k->start_time, k->end_time))));
        }
    }
    ck_diary_query q = {.officer = ct->officer, .from = ct->date, .to = ct->date + 7 * (ck_date)(f->weeks - 1)};
    ck_diary *d = NULL;
    char err[256];
    if (ct->officer && ck_diary_list(f->db, &q, &d, err, sizeof err) != CK_OK)
        ck_http_log("%s web: clash check: %s", ck_http_request_id(f->r), err);
    for (size_t i = 0; d && i < d->n; i++) {
        const ck_diary_item *it = &d->items[i];
        if (it->cancelled || it->outcome || ck_streq(it->crn, f->c->crn)) continue;
        ck_contact other = {.date = it->date, .start_time = it->start_time, .end_time = it->end_time};
        for (size_t w = 0; w < f->weeks; w++) {
            ck_contact at = *ct;
            at.date = ct->date + 7 * (ck_date)w;
            if (ck_appt_overlap(&at, &other))
                json_array_append_new(list, json_string(ck_arena_printf(ck_http_arena(f->r),
                                                                        "The officer already has another appointment %s",
                                                                        slot_text(f, it->date, it->start_time, it->end_time))));
        }
    }
    ck_diary_free(d);
    if (json_array_size(list) == 0) {
        json_decref(list);
        return false;
    }
    json_object_set_new(f->page, "clash", list);
    return true;
}

/* A reschedule: the appointment that replaces the old one, and who asked
 * and why (the old one's outcome and reason). A cancellation uses reason. */
typedef struct resched {
    ck_contact repl;
    const char *asked, *reason;
} resched;

static bool build_reschedule(form *f, void *rec)
{
    resched *x = rec;
    const ck_contact *old = ck_case_contact(f->c, f->id);
    x->repl = *old;
    x->repl.id = new_id(f->r, 'C');
    x->repl.date = date_of(f, &reschedule_fields[0]);
    if (x->repl.date != CK_NODATE && x->repl.date < f->today)
        ck_web_form_error(f->page, "date", "New date of the appointment must be today or in the future");
    times_of(f, &reschedule_fields[1], &x->repl);
    x->repl.booked_on = f->today;
    x->repl.outcome = NULL;
    x->repl.outcome_on = CK_NODATE;
    x->repl.notes = NULL;
    x->repl.sensitive = x->repl.cancelled = CK_NULL;
    x->repl.recorded_by = x->repl.change_reason = x->repl.rescheduled_to = NULL;
    x->repl.sequence = CK_NOINT;
    x->repl.officer = ck_appt_officer(f->c, old); /* who sees them stays named */
    x->asked = choice(f, &reschedule_fields[3]);
    x->reason = text_of(f, &reschedule_fields[4], CK_APPT_REASON_MAX);
    f->weeks = 1;
    if (ck_web_form_has_errors(f->page)) return false;
    return !clash_warning(f, &x->repl, old->id);
}

static bool build_cancel(form *f, void *rec)
{
    resched *x = rec;
    x->reason = text_of(f, &cancel_fields[0], CK_APPT_REASON_MAX);
    return !ck_web_form_has_errors(f->page);
}

/* The old appointment's iCalendar SEQUENCE goes up with every change. */
static int32_t next_sequence(const ck_contact *k) { return k->sequence == CK_NOINT ? 1 : k->sequence + 1; }

static bool edit_reschedule(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)c, (void)err, (void)err_len;
    ck_contact *k = rec;
    const resched *x = ctx;
    k->outcome = ck_vocab_find(ck_vocab_outcome, x->asked, strlen(x->asked));
    k->outcome_on = x->repl.booked_on;
    k->rescheduled_to = x->repl.id;
    k->change_reason = x->reason;
    k->sequence = next_sequence(k);
    return true;
}

static bool edit_cancel(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)c, (void)err, (void)err_len;
    ck_contact *k = rec;
    const resched *x = ctx;
    k->cancelled = 1;
    k->change_reason = x->reason;
    k->sequence = next_sequence(k);
    return true;
}

static bool build_contact(form *f, void *rec, bool appointment)
{
    ck_contact *ct = rec;
    *ct = ck_contact_blank();
    const field *fs = appointment ? appointment_fields : contact_fields;
    ct->event = event_of(f);
    const char *type = ck_web_field(f->r, "type");
    bool ns = false;
    if (!contact_type_find(type, appointment, &ns, NULL))
        ck_web_form_error(f->page, "type", "Select the type of %s", appointment ? "appointment" : "contact");
    ct->date = date_of(f, &fs[2]);
    if (appointment && ct->date != CK_NODATE && ct->date < f->today)
        ck_web_form_error(f->page, "date", "Date of the appointment must be today or in the future");
    ct->id = new_id(f->r, 'C');
    ct->type = type;
    ct->national_standard = ns;
    ct->appointment = appointment;
    ct->booked_on = appointment ? f->today : CK_NODATE;
    ct->outcome_on = CK_NODATE;
    ct->notes = notes_of(f);
    ct->sensitive = sensitive_of(f);
    f->weeks = 1;
    if (appointment) appointment_details(f, ct);
    if (ck_web_form_has_errors(f->page)) return false;
    return !appointment || !clash_warning(f, ct, NULL);
}

static bool build_appointment(form *f, void *rec) { return build_contact(f, rec, true); }
static bool build_other_contact(form *f, void *rec) { return build_contact(f, rec, false); }

static bool build_registration(form *f, void *rec)
{
    ck_registration *g = rec;
    g->id = new_id(f->r, 'G');
    g->type = choice(f, &registration_fields[0]);
    g->date = date_of(f, &registration_fields[1]);
    g->level = choice(f, &registration_fields[2]);
    g->category = choice(f, &registration_fields[3]);
    g->next_review = date_of(f, &registration_fields[4]);
    g->deregistered = CK_NODATE;
    if (ck_streq(g->type, "MAPP")) {
        if (!g->level) ck_web_form_error(f->page, "level", "Select the MAPPA level");
        if (!g->category) ck_web_form_error(f->page, "category", "Select the MAPPA category");
    }
    return !ck_web_form_has_errors(f->page);
}

/* The first check of kind with a request and no reply on c, or NULL. */
static const ck_check *unanswered_check(const ck_case *c, const char *kind)
{
    for (size_t i = 0; i < c->n_checks; i++) {
        const ck_check *k = &c->checks[i];
        if (k->requested != CK_NODATE && k->received == CK_NODATE && (!kind || ck_streq(k->kind, kind))) return k;
    }
    return NULL;
}

/* {text, reply_href} of an unanswered check, for the warning. */
static json_t *check_warning(form *f, const ck_check *k)
{
    const char *const *kinds = ck_vocab_check_kind;
    const char *what = "Check";
    for (size_t i = 0; kinds[i]; i++)
        if (ck_streq(kinds[i], k->kind)) what = check_labels[i];
    ck_arena *a = ck_http_arena(f->r);
    ck_buf href = CK_BUF_INIT;
    ck_buf_puts(&href, "/cases/");
    ck_buf_escape(&href, CK_ESC_URL, f->c->crn, strlen(f->c->crn));
    ck_buf_puts(&href, "/checks/");
    ck_buf_escape(&href, CK_ESC_URL, k->id, strlen(k->id));
    ck_buf_puts(&href, "/receive");
    json_t *j = json_pack("{s:s, s:s}", "text",
                          ck_arena_printf(a, "%s requested on %s has had no reply", what,
                                          ck_web_date_long(f->r, k->requested)),
                          "reply_href", ck_buf_cstr(&href));
    ck_buf_free(&href);
    return j;
}

static bool build_check(form *f, void *rec)
{
    ck_check *k = rec;
    k->id = new_id(f->r, 'K');
    k->kind = choice(f, &check_fields[0]);
    k->requested = date_of(f, &check_fields[1]);
    k->received = CK_NODATE;
    k->relevant_information = CK_NULL;
    (void)notes_of(f); /* checked here so an error shows with the others; kept by note_contact */
    if (k->requested != CK_NODATE && k->requested > f->today)
        ck_web_form_error(f->page, "requested", "Date requested must be today or in the past");
    if (ck_web_form_has_errors(f->page)) return false;
    /* Asking again for a check not yet answered is allowed, but only after a
     * warning: the form comes back once with it, and posts confirm=yes. */
    const ck_check *same = unanswered_check(f->c, k->kind);
    if (same && !ck_streq(ck_web_field(f->r, "confirm"), "yes")) {
        json_object_set_new(f->page, "duplicate", check_warning(f, same));
        return false;
    }
    return true;
}

/* "6", "6.2" or "6.25" from 0 to 99.99 as hundredths (625); false otherwise. */
static bool parse_percentage(const char *s, int32_t *out)
{
    if (!s) return false;
    while (*s == ' ') s++;
    int32_t whole = 0, frac = 0;
    int digits = 0, decimals = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (++digits > 2) return false;
        whole = whole * 10 + (*s - '0');
    }
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++) {
            if (++decimals > 2) return false;
            frac = frac * 10 + (*s - '0');
        }
    }
    while (*s == ' ') s++;
    if (*s || digits == 0) return false;
    if (decimals == 1) frac *= 10;
    *out = whole * 100 + frac;
    return true;
}

static bool build_assessment(form *f, void *rec)
{
    ck_assessment *a = rec;
    a->id = new_id(f->r, 'A');
    a->kind = choice(f, &assessment_fields[0]);
    a->completed = date_of(f, &assessment_fields[1]);
    a->level = choice(f, &assessment_fields[2]);
    if (ck_streq(a->kind, "rosh") && !a->level) ck_web_form_error(f->page, "level", "Select the RoSH level");
    if (a->kind && !ck_streq(a->kind, "rosh")) a->level = NULL;
    a->score = CK_NOINT;
    if (ck_streq(a->kind, "rsr")) {
        const char *s = ck_web_field(f->r, "score");
        if (!parse_percentage(s, &a->score))
            ck_web_form_error(f->page, "score", "Enter the RSR score as a percentage from 0 to 99.99, like 6.25");
    }
    if (ck_streq(a->kind, "oasys")) {
        a->has_needs = true;
        const char **needs[] = {&a->needs.accommodation, &a->needs.education_training_employment,
                                &a->needs.relationships, &a->needs.lifestyle_associates, &a->needs.drug_misuse,
                                &a->needs.alcohol_misuse, &a->needs.thinking_behaviour, &a->needs.attitudes};
        for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++) {
            const field *fd = &assessment_fields[4 + i];
            *needs[i] = choice(f, fd);
            if (!*needs[i])
                ck_web_form_error(f->page, fd->name, "Select the %s", ck_arena_printf(ck_http_arena(f->r), "%c%s",
                                                                                      fd->label[0] - 'A' + 'a', fd->label + 1));
        }
    }
    (void)notes_of(f); /* checked here so an error shows with the others; kept by note_contact */
    if (a->completed != CK_NODATE && a->completed > f->today)
        ck_web_form_error(f->page, "completed", "Date completed must be today or in the past");
    return !ck_web_form_has_errors(f->page);
}

/* The household rows typed (empty rows ignored): a row needs a name and a
 * relationship. Whether a household fits the change (its kind, "lives
 * alone") is the bundle's rule, checked when the change is saved. */
static void household_of(form *f, ck_change *ch)
{
    ch->household = ck_arena_array(ck_http_arena(f->r), HOUSEHOLD_ROWS, sizeof *ch->household);
    ch->n_household = 0;
    bool row_error = false;
    for (size_t row = 0; row < HOUSEHOLD_ROWS; row++) {
        const field *fd = &change_fields[4 + 3 * row]; /* name, relationship, under 18 */
        bool child = ck_streq(ck_web_field(f->r, fd[2].name), "yes");
        if (!*ck_web_field(f->r, fd[0].name) && !*ck_web_field(f->r, fd[1].name) && !child) continue;
        const char *name = text_of(f, &(field){fd[0].name, fd[0].label, NULL, F_TEXT, NULL, NULL, true}, 200);
        const char *rel = choice(f, &(field){fd[1].name, fd[1].label, NULL, F_SELECT, NULL, relationship_labels, true});
        if (name && rel) ch->household[ch->n_household++] = (ck_household_member){name, rel, child ? 1 : 0};
        else row_error = true;
    }
    if (ck_streq(ck_web_field(f->r, "lives_alone"), "others") && ch->n_household == 0 && !row_error)
        ck_web_form_error(f->page, change_fields[4].name, "Enter the name of household member 1");
}

static bool build_change(form *f, void *rec)
{
    ck_change *ch = rec;
    ch->id = new_id(f->r, 'H');
    ch->kind = choice(f, &change_fields[0]);
    ch->date = date_of(f, &change_fields[1]);
    ch->note = text_of(f, &change_fields[2], CK_BUNDLE_MAX_STRING);
    const char *alone = choice(f, &change_fields[3]);
    ch->lives_alone = alone ? ck_streq(alone, "alone") : CK_NULL;
    household_of(f, ch);
    (void)notes_of(f); /* checked here so an error shows with the others; kept by note_contact */
    return !ck_web_form_has_errors(f->page);
}

static bool build_decision(form *f, void *rec)
{
    ck_decision *d = rec;
    d->id = new_id(f->r, 'D');
    d->rule = choice(f, &decision_fields[0]);
    d->subject = text_of(f, &decision_fields[1], 64);
    d->date = date_of(f, &decision_fields[2]);
    d->reason = text_of(f, &decision_fields[3], CK_BUNDLE_MAX_STRING);
    return !ck_web_form_has_errors(f->page);
}

/* Updates: the typed values travel to the edit callback in an `edit` struct. */
typedef struct edit {
    const char *outcome, *action, *reason, *notes;
    const char *target; /* a licence condition's id (the record inside the event the update names) */
    ck_date d1, d2;
    ck_tri flag, sensitive;
} edit;

static bool build_outcome(form *f, void *rec)
{
    edit *e = rec;
    e->outcome = choice(f, &outcome_fields[0]);
    e->d1 = date_of(f, &outcome_fields[1]);
    e->action = choice(f, &outcome_fields[2]);
    e->reason = text_of(f, &outcome_fields[3], CK_BUNDLE_MAX_STRING);
    e->notes = notes_of(f);
    e->sensitive = sensitive_of(f);
    if (e->d1 == CK_NODATE) e->d1 = f->today;
    if (e->d1 > f->today) ck_web_form_error(f->page, "outcome_on", "Date the outcome was recorded must be today or in the past");
    if (ck_streq(e->action, "no_further_action") && !e->reason)
        ck_web_form_error(f->page, "reason", "Enter the reason for taking no further action");
    if (e->action && e->outcome && !ck_outcome_failure(e->outcome))
        ck_web_form_error(f->page, "action", "Enforcement action is only for a failure to comply");
    check_recall(f, e->action, e->d1, "action");
    return !ck_web_form_has_errors(f->page);
}

/* Enforcement on a failure recorded earlier (the ENFORCE obligation's form). */
static bool build_enforcement(form *f, void *rec)
{
    ck_enforcement *en = rec;
    const ck_contact *ct = ck_case_contact(f->c, f->id);
    en->id = new_id(f->r, 'N');
    en->event = ct->event;
    en->contact = ct->id;
    en->action = choice(f, &enforcement_fields[0]);
    en->date = date_of(f, &enforcement_fields[1]);
    en->reason = text_of(f, &enforcement_fields[2], CK_BUNDLE_MAX_STRING);
    if (en->date == CK_NODATE) en->date = f->today;
    (void)notes_of(f); /* checked here so an error shows with the others; kept by note_contact */
    if (en->date > f->today) ck_web_form_error(f->page, "date", "Date of the decision must be today or in the past");
    if (en->date < ct->date) ck_web_form_error(f->page, "date", "Date of the decision must be on or after the failure");
    if (ck_streq(en->action, "no_further_action") && !en->reason)
        ck_web_form_error(f->page, "reason", "Enter the reason for taking no further action");
    check_recall(f, en->action, en->date, "action");
    return !ck_web_form_has_errors(f->page);
}

static bool build_review(form *f, void *rec)
{
    edit *e = rec;
    e->d1 = date_of(f, &review_fields[0]);
    e->d2 = date_of(f, &review_fields[1]);
    if (e->d1 != CK_NODATE && e->d2 != CK_NODATE && e->d2 <= e->d1)
        ck_web_form_error(f->page, "next_review", "Next review must be after the date of the review");
    return !ck_web_form_has_errors(f->page);
}

static bool edit_review(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)err, (void)err_len;
    ck_registration *g = rec;
    const edit *e = ctx;
    ck_review *nr = ck_arena_array(&c->arena, g->n_reviews + 1, sizeof *nr);
    if (g->n_reviews) memcpy(nr, g->reviews, g->n_reviews * sizeof *nr);
    nr[g->n_reviews].date = e->d1;
    g->reviews = nr;
    g->n_reviews++;
    g->next_review = e->d2;
    return true;
}

static bool build_receive(form *f, void *rec)
{
    edit *e = rec;
    const ck_check *k = NULL;
    for (size_t i = 0; i < f->c->n_checks; i++)
        if (ck_streq(f->c->checks[i].id, f->id)) k = &f->c->checks[i];
    e->d1 = date_of(f, &receive_fields[0]);
    const char *rel = choice(f, &receive_fields[1]);
    e->flag = rel ? ck_streq(rel, "yes") : CK_NULL;
    if (k && e->d1 != CK_NODATE && e->d1 < k->requested)
        ck_web_form_error(f->page, "received", "Date the reply was received must be on or after the date requested");
    return !ck_web_form_has_errors(f->page);
}

static bool edit_receive(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)c, (void)err, (void)err_len;
    ck_check *k = rec;
    const edit *e = ctx;
    k->received = e->d1;
    k->relevant_information = e->flag;
    return true;
}

static const ck_registration *registration_of(const ck_case *c, const char *id)
{
    for (size_t i = 0; i < c->n_registrations; i++)
        if (ck_streq(c->registrations[i].id, id)) return &c->registrations[i];
    return NULL;
}

static bool build_deregister(form *f, void *rec)
{
    edit *e = rec;
    const ck_registration *g = registration_of(f->c, f->id);
    e->d1 = date_of(f, &deregister_fields[0]);
    if (e->d1 != CK_NODATE && e->d1 > f->today)
        ck_web_form_error(f->page, "date", "Date the registration ends must be today or in the past");
    if (e->d1 != CK_NODATE && g && e->d1 <= g->date)
        ck_web_form_error(f->page, "date", "Date the registration ends must be after the date registered");
    return !ck_web_form_has_errors(f->page);
}

static bool edit_deregister(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)c, (void)err, (void)err_len;
    ((ck_registration *)rec)->deregistered = ((const edit *)ctx)->d1;
    return true;
}

/* A victim's record, typed by victim liaison staff. */
static bool build_victim(form *f, void *rec)
{
    ck_victim *v = rec;
    const field *fs = victim_fields;
    v->id = f->id ? f->id : new_id(f->r, 'V');
    v->event = event_of(f);
    v->scheme = choice(f, &fs[1]);
    v->referred = date_of(f, &fs[2]);
    v->first_contact = date_of(f, &fs[3]);
    v->opted = choice(f, &fs[4]);
    v->opted_on = date_of(f, &fs[5]);
    v->representations = date_of(f, &fs[6]);
    v->release_notified = date_of(f, &fs[7]);
    v->recall_notified = date_of(f, &fs[8]);
    v->name = text_of(f, &fs[9], 200);
    v->address = text_of(f, &fs[10], 1000);
    v->phone = text_of(f, &fs[11], 40);
    v->email = text_of(f, &fs[12], 200);
    v->notes = text_of(f, &fs[13], CK_BUNDLE_MAX_STRING);
    static const size_t dated[] = {2, 3, 5, 6, 7, 8}; /* the date fields of victim_fields */
    const ck_date dates[] = {v->referred, v->first_contact, v->opted_on, v->representations, v->release_notified,
                             v->recall_notified};
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++)
        if (dates[i] != CK_NODATE && dates[i] > f->today)
            ck_web_form_error(f->page, fs[dated[i]].name, "%s must be today or in the past", fs[dated[i]].label);
    if (v->first_contact != CK_NODATE && v->referred != CK_NODATE && v->first_contact < v->referred)
        ck_web_form_error(f->page, "first_contact", "Date of the first contact must be on or after the date referred");
    if (v->opted && v->opted_on == CK_NODATE) ck_web_form_error(f->page, "opted_on", "Enter the date of the choice");
    if (!v->opted && v->opted_on != CK_NODATE) ck_web_form_error(f->page, "opted", "Select the victim's choice");
    if (v->email && !strchr(v->email, '@'))
        ck_web_form_error(f->page, "email", "Enter an email address in the correct format, like name@example.com");
    return !ck_web_form_has_errors(f->page);
}

static bool edit_victim(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)c, (void)err, (void)err_len;
    ck_victim *v = rec;
    ck_victim typed = *(const ck_victim *)ctx;
    typed.id = v->id; /* the record keeps its id; strings are copied by validation's caller */
    *v = typed;
    return true;
}

/* ---- Requirements ---------------------------------------------------------- */

typedef struct req_edit {
    ck_requirement r;        /* a new requirement */
    const char *id;          /* the requirement ended */
    ck_date ended;
    const char *reason;
} req_edit;

/* A whole number typed in field fd, CK_NOINT when empty (an error when
 * required) or not a number. */
static int32_t number_of(form *f, const field *fd, const char *what)
{
    const char *v = ck_web_field(f->r, fd->name);
    v += strspn(v, " ");
    if (!*v) {
        if (fd->required) ck_web_form_error(f->page, fd->name, "Enter the %s", what);
        return CK_NOINT;
    }
    char *end;
    long n = strtol(v, &end, 10);
    end += strspn(end, " ");
    if (*end || n < 0 || n > 100000) {
        ck_web_form_error(f->page, fd->name, "%c%s must be a whole number, like 6", fd->label[0], fd->label + 1);
        return CK_NOINT;
    }
    return (int32_t)n;
}

/* The amount against the type's unit and bounds (core/ck_requirements'
 * table), in a person's words. */
static void amount_words(form *f, const ck_requirement *q)
{
    const ck_req_type *t = ck_req_type_find(q->type);
    if (!t) return;
    const char *unit = ck_req_unit_name(t->unit);
    if (t->unit == CK_REQ_NO_AMOUNT && q->amount != CK_NOINT)
        ck_web_form_error(f->page, "amount", "Leave hours or days empty for %s: it has no number", t->name);
    else if (t->unit != CK_REQ_NO_AMOUNT && q->amount == CK_NOINT)
        ck_web_form_error(f->page, "amount", "Enter the number of %s for %s", unit, t->name);
    else if (t->unit != CK_REQ_NO_AMOUNT && t->max && (q->amount < t->min || q->amount > t->max))
        ck_web_form_error(f->page, "amount", "%s must be between %d and %d %s", t->name, t->min, t->max, unit);
    else if (t->unit != CK_REQ_NO_AMOUNT && q->amount < t->min)
        ck_web_form_error(f->page, "amount", "%s must be at least %d %s", t->name, t->min, unit);
}

static bool build_requirement(form *f, void *rec)
{
    req_edit *q = rec;
    const field *fs = requirement_fields;
    const char *ev = event_of(f);
    q->r.id = new_id(f->r, 'Q');
    q->r.type = choice(f, &fs[1]);
    q->r.amount = number_of(f, &fs[2], "hours or days");
    q->r.start = date_of(f, &fs[3]);
    q->r.end = date_of(f, &fs[4]);
    q->r.terminated_on = CK_NODATE;
    q->r.detail = text_of(f, &fs[5], CK_BUNDLE_MAX_STRING);
    amount_words(f, &q->r);
    const ck_event *e = ck_case_event(f->c, ev);
    if (e && !(e->has_sentence && (ck_streq(e->sentence.type, "community_order") || ck_streq(e->sentence.type, "sso"))))
        ck_web_form_error(f->page, "event", "Select a community order or suspended sentence order");
    if (q->r.start != CK_NODATE && q->r.end != CK_NODATE && q->r.end < q->r.start)
        ck_web_form_error(f->page, "end", "End date must be on or after the start date");
    f->id = ev; /* the event the requirement is added to (ck_access_update of "events") */
    return !ck_web_form_has_errors(f->page);
}

static bool edit_add_requirement(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)err, (void)err_len;
    ck_event *e = rec;
    ck_requirement *nr = ck_arena_array(&c->arena, e->n_requirements + 1, sizeof *nr);
    if (e->n_requirements) memcpy(nr, e->requirements, e->n_requirements * sizeof *nr);
    nr[e->n_requirements] = ((const req_edit *)ctx)->r;
    e->requirements = nr;
    e->n_requirements++;
    return true;
}

static bool build_end_requirement(form *f, void *rec)
{
    req_edit *q = rec;
    const ck_event *e = NULL;
    const ck_requirement *r = ck_case_requirement(f->c, f->id, &e);
    q->id = f->id;
    q->ended = date_of(f, &end_requirement_fields[0]);
    q->reason = text_of(f, &end_requirement_fields[1], CK_BUNDLE_MAX_STRING);
    if (q->ended != CK_NODATE && q->ended > f->today)
        ck_web_form_error(f->page, "terminated_on", "Date it ended must be today or in the past");
    if (q->ended != CK_NODATE && r && q->ended < r->start)
        ck_web_form_error(f->page, "terminated_on", "Date it ended must be on or after the date it started");
    if (e) f->id = e->id;
    return !ck_web_form_has_errors(f->page);
}

static bool edit_end_requirement(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)c;
    ck_event *e = rec;
    const req_edit *q = ctx;
    for (size_t i = 0; i < e->n_requirements; i++)
        if (ck_streq(e->requirements[i].id, q->id)) {
            e->requirements[i].terminated_on = q->ended;
            e->requirements[i].terminated_reason = q->reason;
            return true;
        }
    snprintf(err, err_len, "requirements: event %s has no requirement with id \"%s\"", e->id, q->id);
    return false;
}

/* An unpaid work session: an attended contact of the session type with the
 * hours worked, on the requirement's event. */
static bool build_session(form *f, void *rec)
{
    ck_contact *ct = rec;
    const ck_event *e = NULL;
    const ck_requirement *r = ck_case_requirement(f->c, f->id, &e);
    const ck_ctype *t = ck_ctype_find(CK_UNPAID_WORK_SESSION);
    if (!r || !t) return false;
    *ct = ck_contact_blank();
    ct->id = new_id(f->r, 'C');
    ct->event = e->id;
    ct->date = date_of(f, &session_fields[0]);
    ct->hours = number_of(f, &session_fields[1], "hours worked");
    ct->type = t->code;
    ct->national_standard = t->national_standard;
    ct->appointment = 1;
    ct->outcome = "ATTC";
    ct->outcome_on = ct->date;
    ct->booked_on = CK_NODATE;
    ct->notes = notes_of(f);
    ct->sensitive = sensitive_of(f);
    if (ct->date != CK_NODATE && ct->date > f->today)
        ck_web_form_error(f->page, "date", "Date of the session must be today or in the past");
    if (ct->date != CK_NODATE && ct->date < r->start)
        ck_web_form_error(f->page, "date", "Date of the session must be on or after the requirement started");
    if (ct->hours != CK_NOINT && (ct->hours < 1 || ct->hours > CK_CONTACT_HOURS_MAX))
        ck_web_form_error(f->page, "hours", "Hours worked must be between 1 and %d", CK_CONTACT_HOURS_MAX);
    return !ck_web_form_has_errors(f->page);
}

/* ---- Licence conditions ---------------------------------------------------- */

static const ck_victim *victim_in(const ck_case *c, const char *id)
{
    for (size_t i = 0; id && i < c->n_victims; i++)
        if (ck_streq(c->victims[i].id, id)) return &c->victims[i];
    return NULL;
}

/* A condition typed on /cases/CRN/events/ID/condition. The bundle's rules
 * (core/ck_licence) are checked again when it is saved; here they are said
 * in the form's words, by the field. */
static bool build_condition(form *f, void *rec)
{
    ck_licence_condition *lc = rec;
    const field *fs = condition_fields;
    lc->id = new_id(f->r, 'L');
    lc->type = choice(f, &fs[0]);
    lc->start = date_of(f, &fs[1]);
    lc->end = date_of(f, &fs[2]);
    const char *vr = choice(f, &fs[3]);
    lc->victim_related = vr ? ck_streq(vr, "yes") : CK_NULL;
    const char *vid = ck_web_field(f->r, "victim_id");
    lc->victim_id = NULL;
    if (*vid) {
        const ck_victim *v = victim_in(f->c, vid);
        if (!v || !ck_streq(v->event, f->id)) ck_web_form_error(f->page, "victim_id", "Select a victim of this sentence");
        else lc->victim_id = v->id;
    }
    lc->detail = text_of(f, &fs[5], 1000);
    const ck_licence_type *t = ck_licence_type_of(lc->type);
    if (lc->start != CK_NODATE && lc->end != CK_NODATE && lc->end < lc->start)
        ck_web_form_error_at(f->page, "end", "end-day", "Date the condition ends must be on or after the date it starts");
    if (t && lc->victim_id && !t->names_victim)
        ck_web_form_error(f->page, "victim_id", "Only a condition not to contact someone can name a victim");
    if (t && lc->victim_id) lc->victim_related = 1; /* protecting a named victim is victim-related */
    if (t && lc->victim_related == 1 && !t->victim_related_allowed)
        ck_web_form_error(f->page, "victim_related", "%s cannot be to protect a victim", t->label);
    if (t && t->detail_needed && !lc->victim_id && !lc->detail)
        ck_web_form_error(f->page, "detail", "Enter %s",
                          t->names_victim ? "who they must not contact, or select the victim" : t->detail_needed);
    return !ck_web_form_has_errors(f->page);
}

static bool edit_add_condition(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)err, (void)err_len;
    ck_event *e = rec;
    ck_licence_condition *all = ck_arena_array(&c->arena, e->n_licence_conditions + 1, sizeof *all);
    if (e->n_licence_conditions) memcpy(all, e->licence_conditions, e->n_licence_conditions * sizeof *all);
    all[e->n_licence_conditions] = *(const ck_licence_condition *)ctx;
    e->licence_conditions = all;
    e->n_licence_conditions++;
    return true;
}

static bool build_condition_end(form *f, void *rec)
{
    edit *e = rec;
    const ck_licence_condition *lc = ck_case_licence_condition(f->c, f->id, NULL);
    e->target = f->id;
    e->d1 = date_of(f, &condition_end_fields[0]);
    if (lc && e->d1 != CK_NODATE && e->d1 < lc->start)
        ck_web_form_error_at(f->page, "end", "end-day", "Date the condition ends must be on or after the date it started, %s",
                          ck_web_date_long(f->r, lc->start));
    return !ck_web_form_has_errors(f->page);
}

static bool edit_condition_end(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    (void)c, (void)err, (void)err_len;
    ck_event *e = rec;
    const edit *ed = ctx;
    for (size_t i = 0; i < e->n_licence_conditions; i++)
        if (ck_streq(e->licence_conditions[i].id, ed->target)) e->licence_conditions[i].end = ed->d1;
    return true;
}

/* The victim was told of every condition that concerns them and they were
 * not yet told of (the form lists them), on one date, one way. */
static bool build_told(form *f, void *rec)
{
    edit *e = rec;
    e->d1 = date_of(f, &told_fields[0]);
    e->action = choice(f, &told_fields[1]);
    if (e->d1 != CK_NODATE && e->d1 > f->today)
        ck_web_form_error_at(f->page, "date", "date-day", "Date they were told must be today or in the past");
    return !ck_web_form_has_errors(f->page);
}

static bool edit_told(ck_case *c, void *rec, void *ctx, char *err, size_t err_len)
{
    ck_victim *v = rec;
    const edit *ed = ctx;
    const ck_event *e = ck_case_event(c, v->event);
    size_t n = e ? e->n_licence_conditions : 0;
    ck_victim_told *all = ck_arena_array(&c->arena, v->n_conditions_told + n + 1, sizeof *all);
    if (v->n_conditions_told) memcpy(all, v->conditions_told, v->n_conditions_told * sizeof *all);
    size_t k = v->n_conditions_told;
    for (size_t i = 0; i < n; i++) {
        const ck_licence_condition *lc = &e->licence_conditions[i];
        if (ck_licence_concerns_victim(e, lc, v) && !ck_licence_told(v, lc->id))
            all[k++] = (ck_victim_told){lc->id, ed->d1, ed->action, ed->reason};
    }
    if (k == v->n_conditions_told) {
        snprintf(err, err_len, "date: there are no licence conditions left to tell the victim about");
        return false;
    }
    v->conditions_told = all;
    v->n_conditions_told = k;
    return true;
}

typedef struct action {
    const char *kind, *verb; /* verb NULL: /KIND/new */
    const char *title, *list;
    const field *fields;
    bool (*build)(form *f, void *rec);
    bool (*edit)(ck_case *c, void *rec, void *ctx, char *err, size_t err_len); /* NULL: add to `list` */
    size_t rec_size;
    const char *url_list; /* the list of the record the URL names ({id}); NULL for /new */
} action;

static const action actions[] = {
    {"appointments", NULL, "Book an appointment", "contacts", appointment_fields, build_appointment, NULL, sizeof(ck_contact), NULL},
    {"contacts", NULL, "Add a contact", "contacts", contact_fields, build_other_contact, NULL, sizeof(ck_contact), NULL},
    {"contacts", "outcome", "Record an outcome", "contacts", outcome_fields, build_outcome, NULL, sizeof(edit), "contacts"},
    {"contacts", "reschedule", "Reschedule an appointment", "contacts", reschedule_fields, build_reschedule, NULL, sizeof(resched), "contacts"},
    {"contacts", "cancel", "Cancel an appointment", "contacts", cancel_fields, build_cancel, NULL, sizeof(resched), "contacts"},
    {"contacts", "enforcement", "Record enforcement action", "enforcement", enforcement_fields, build_enforcement, NULL, sizeof(ck_enforcement), "contacts"},
    {"registrations", NULL, "Add a registration", "registrations", registration_fields, build_registration, NULL, sizeof(ck_registration), NULL},
    {"registrations", "review", "Review a registration", "registrations", review_fields, build_review, edit_review, sizeof(edit), "registrations"},
    {"registrations", "deregister", "End a registration", "registrations", deregister_fields, build_deregister, edit_deregister, sizeof(edit), "registrations"},
    {"checks", NULL, "Request a safeguarding check", "checks", check_fields, build_check, NULL, sizeof(ck_check), NULL},
    {"checks", "receive", "Record a check's reply", "checks", receive_fields, build_receive, edit_receive, sizeof(edit), "checks"},
    {"assessments", NULL, "Record an assessment", "assessments", assessment_fields, build_assessment, NULL, sizeof(ck_assessment), NULL},
    {"changes", NULL, "Record a change of circumstances", "changes", change_fields, build_change, NULL, sizeof(ck_change), NULL},
    {"decisions", NULL, "Record a decision", "decisions", decision_fields, build_decision, NULL, sizeof(ck_decision), NULL},
    {"victims", NULL, "Add a victim", "victims", victim_fields, build_victim, NULL, sizeof(ck_victim), NULL},
    {"victims", "edit", "Change a victim's record", "victims", victim_fields, build_victim, edit_victim, sizeof(ck_victim), "victims"},
    {"requirements", NULL, "Add a requirement", "events", requirement_fields, build_requirement, edit_add_requirement, sizeof(req_edit), NULL},
    {"requirements", "end", "End a requirement early", "events", end_requirement_fields, build_end_requirement, edit_end_requirement, sizeof(req_edit), "requirements"},
    {"requirements", "session", "Record unpaid work hours", "contacts", session_fields, build_session, NULL, sizeof(ck_contact), "requirements"},
    {"victims", "told", "Record that the victim was told of licence conditions", "victims", told_fields, build_told, edit_told, sizeof(edit), "victims"},
    {"events", "condition", "Add a licence condition", "events", condition_fields, build_condition, edit_add_condition, sizeof(ck_licence_condition), "events"},
    {"conditions", "end", "End a licence condition", "events", condition_end_fields, build_condition_end, edit_condition_end, sizeof(edit), "conditions"},
};

const char *ck_web_choice_label(const char *kind, const char *name, const char *value, const char *none)
{
    for (size_t k = 0; value && k < sizeof actions / sizeof *actions; k++) {
        if (strcmp(actions[k].kind, kind) != 0) continue;
        for (const field *fd = actions[k].fields; fd->name; fd++) {
            if (!fd->labels || strcmp(fd->name, name) != 0) continue;
            const char *const *vals = field_values(fd);
            for (size_t i = 0; vals && vals[i]; i++)
                if (strcmp(vals[i], value) == 0) return fd->labels[i];
        }
    }
    return none;
}

const char *ck_web_field_label(const char *kind, const char *name, const char *none)
{
    for (size_t k = 0; k < sizeof actions / sizeof *actions; k++) {
        if (strcmp(actions[k].kind, kind) != 0) continue;
        for (const field *fd = actions[k].fields; fd->name; fd++)
            if (strcmp(fd->name, name) == 0) return fd->label;
    }
    return none;
}

static const action *find_action(const char *kind, const char *verb)
{
    for (size_t i = 0; kind && i < sizeof actions / sizeof *actions; i++)
        if (strcmp(actions[i].kind, kind) == 0 && (verb ? ck_streq(actions[i].verb, verb) : actions[i].verb == NULL))
            return &actions[i];
    return NULL;
}

/* The fields as the template wants them, with options and what to pre-fill. */
static json_t *fields_json(form *f, const action *a)
{
    json_t *out = json_array();
    static const char *const kind_names[] = {"date",   "select",   "radios", "text",   "textarea", "select",
                                            "select", "checkbox", "select", "select", "select"};
    json_t *values = json_object_get(f->page, "values");
    for (const field *fd = a->fields; fd->name; fd++) {
        json_t *j = ck_web_form_field(f->r, f->page, kind_names[fd->kind], fd->name, fd->label, fd->hint, NULL);
        json_t *opts = json_array();
        const char *cur = json_string_value(json_object_get(values, fd->name));
        if (fd->kind == F_CHECKBOX)
            json_object_set_new(j, "text", json_string(fd->labels ? fd->labels[0] : SENSITIVE_TEXT));
        if (fd->kind == F_TEXTAREA && strcmp(fd->name, "notes") == 0) {
            json_object_set_new(j, "rows", json_integer(6));
            /* A sensitive contact's notes the reader may not see (withheld
             * by services/ck_access): say so rather than show an empty box. */
            const ck_contact *ct = f->id && a->build == build_outcome ? ck_case_contact(f->c, f->id) : NULL;
            if (ct && ct->sensitive == 1 && !ct->notes)
                json_object_set_new(j, "hint", json_string("This contact's notes are sensitive, so they are not shown "
                                                           "to you. Leave this empty to keep them"));
        }
        if (fd->kind == F_EVENT) {
            for (size_t i = 0; i < f->c->n_events; i++) {
                const ck_event *e = &f->c->events[i];
                const char *text = e->has_sentence ? ck_arena_printf(ck_http_arena(f->r), "%s: %s from %s", e->id,
                                                                     ck_web_sentence_name(e->sentence.type),
                                                                     ck_web_date_long(f->r, e->sentence.date))
                                                   : e->id;
                json_array_append_new(opts, json_pack("{s:s, s:s}", "value", e->id, "text", text));
            }
        } else if (fd->kind == F_VICTIM) {
            /* By record only (never a name): the victims of the event in the URL. */
            for (size_t i = 0; i < f->c->n_victims; i++) {
                const ck_victim *v = &f->c->victims[i];
                if (!ck_streq(v->event, f->id)) continue;
                json_array_append_new(opts, json_pack("{s:s, s:s}", "value", v->id, "text",
                                                      ck_arena_printf(ck_http_arena(f->r), "Victim %s, referred on %s",
                                                                      v->id, ck_web_date_long(f->r, v->referred))));
            }
        } else if (fd->kind == F_OFFICER) {
            load_choices(f);
            const char *dflt = default_officer(f);
            bool listed = false;
            for (size_t i = 0; i < f->n_officers; i++) {
                const ck_diary_officer *o = &f->officers[i];
                listed = listed || ck_streq(o->code, dflt);
                const char *name = ck_web_person_name(f->r, o->forename, o->surname);
                json_array_append_new(opts, json_pack("{s:s, s:s}", "value", o->code, "text",
                                                      ck_streq(o->code, dflt)
                                                          ? ck_arena_printf(ck_http_arena(f->r), "%s (practitioner)", name)
                                                          : name));
            }
            if (dflt && !listed)
                json_array_insert_new(opts, 0, json_pack("{s:s, s:s}", "value", dflt, "text",
                                                         ck_arena_printf(ck_http_arena(f->r), "%s (practitioner)", dflt)));
        } else if (fd->kind == F_PLACE) {
            load_choices(f);
            for (size_t i = 0; i < f->n_offices; i++)
                json_array_append_new(opts, json_pack("{s:s, s:s}", "value", f->offices[i].code, "text", f->offices[i].name));
            for (size_t i = 0; ck_vocab_appt_place[i]; i++)
                json_array_append_new(opts, json_pack("{s:s, s:s}", "value", ck_vocab_appt_place[i], "text",
                                                      ck_appt_place_label(ck_vocab_appt_place[i])));
        } else if (fd->kind == F_CONTACT_TYPE) {
            bool ns;
            contact_type_find(NULL, a->build == build_appointment, &ns, opts);
        } else if (fd->kind == F_SELECT || fd->kind == F_RADIOS) {
            const char *const *vals = field_values(fd);
            for (size_t i = 0; vals[i]; i++) {
                if (fd->labels == enforcement_labels && strcmp(vals[i], "recall_requested") == 0 && !recall_offered(f))
                    continue;
                json_array_append_new(opts, json_pack("{s:s, s:s}", "value", vals[i], "text",
                                                      fd->labels                 ? fd->labels[i]
                                                      : vals == outcome_codes ? ck_outcome_name(vals[i])
                                                      : vals == ck_vocab_requirement_type
                                                          ? ck_req_type_find(vals[i])->name
                                                          : vals[i]));
            }
        }
        size_t i;
        json_t *o;
        json_array_foreach(opts, i, o)
        {
            json_object_set_new(o, "selected", json_boolean(ck_streq(cur, json_string_value(json_object_get(o, "value")))));
            json_object_set_new(o, "id", json_string(i == 0 ? fd->name : ck_arena_printf(ck_http_arena(f->r), "%s-%zu", fd->name, i)));
        }
        json_object_set_new(j, "options", opts);
        json_array_append_new(out, j);
    }
    return out;
}

/* Pre-fills a new form from the query (?kind=police_da from a My work link). */
static void prefill(form *f, const action *a)
{
    json_t *values = json_object_get(f->page, "values");
    for (const field *fd = a->fields; fd->name; fd++) {
        const char *v = ck_http_query(f->r, fd->name);
        if (v) json_object_set_new(values, fd->name, json_string(v));
    }
    const char *rule = ck_http_query(f->r, "rule"), *subject = ck_http_query(f->r, "subject");
    if (a->fields == decision_fields && rule) json_object_set_new(values, "rule", json_string(rule));
    if (a->fields == decision_fields && subject) json_object_set_new(values, "subject", json_string(subject));
    if (a->fields == check_fields && rule)
        json_object_set_new(values, "kind", json_string(strcmp(rule, "CHILD_CHECK") == 0 ? "childrens_services" : "police_da"));
    if (a->fields == assessment_fields && rule)
        json_object_set_new(values, "kind", json_string(strcmp(rule, "SENTENCE_PLAN") == 0 ? "sentence_plan"
                                                        : strcmp(rule, "OVERSIGHT") == 0    ? "oversight"
                                                                                            : "rosh"));
    if (a->fields == registration_fields && rule)
        json_object_set_new(values, "type", json_string(strcmp(rule, "MAPPA_IDENTIFY") == 0 ? "MAPP"
                                                        : strcmp(rule, "VCS_FLAG") == 0     ? "INVI"
                                                                                            : "ADVP"));
    if (a->fields == appointment_fields && !json_object_get(values, "officer")) {
        const char *o = default_officer(f);
        if (o) json_object_set_new(values, "officer", json_string(o));
    }
    if (f->c->n_events == 1 && !json_object_get(values, "event"))
        json_object_set_new(values, "event", json_string(f->c->events[0].id));
}

static void show_form(form *f, const action *a, unsigned status)
{
    json_object_set_new(f->page, "fields", fields_json(f, a));
    json_object_set_new(f->page, "action_title", json_string(a->title));
    json_object_set_new(f->page, "action_url", json_string(ck_http_path(f->r)));
    json_object_set_new(f->page, "case", ck_web_case_header(f->r, f->c, f->today));
    if (f->id) json_object_set_new(f->page, "record", json_string(f->id));
    json_object_set_new(f->page, "version", json_integer(f->version));
    if (a->build == build_told) { /* what they are being told of */
        const ck_victim *v = victim_in(f->c, f->id);
        json_t *vc = v ? ck_web_victim_conditions(f->r, NULL, f->c, v) : NULL;
        if (vc) json_object_set_new(f->page, "told_conditions", json_incref(json_object_get(vc, "conditions")));
        json_decref(vc);
    }
    if (a->build == build_check && !json_object_get(f->page, "duplicate")) {
        json_t *open = json_array();
        for (size_t i = 0; i < f->c->n_checks; i++)
            if (f->c->checks[i].requested != CK_NODATE && f->c->checks[i].received == CK_NODATE)
                json_array_append_new(open, check_warning(f, &f->c->checks[i]));
        json_object_set_new(f->page, "unanswered", open);
    }
    if (ck_web_form_has_errors(f->page))
        json_object_set_new(f->page, "title", json_string(ck_arena_printf(ck_http_arena(f->r), "Error: %s", a->title)));
    ck_web_render(f->r, status, "action.html", f->page);
}

/* The record an action on a record names must exist, and be one the action
 * applies to (404 otherwise). */
static bool record_exists(const ck_case *c, const action *a, const char *id)
{
    if (!a->url_list) return true;
    if (strcmp(a->url_list, "contacts") == 0) {
        const ck_contact *ct = ck_case_contact(c, id);
        if (!ct) return false;
        if (a->build == build_reschedule || a->build == build_cancel) return ck_appt_live(ct) && !ct->outcome;
        return a->build == build_enforcement ? ct->national_standard == 1 && ck_outcome_failure(ct->outcome)
                                             : ct->appointment == 1;
    }
    if (strcmp(a->url_list, "registrations") == 0) {
        const ck_registration *g = registration_of(c, id);
        return g && (a->build == build_review || g->deregistered == CK_NODATE);
    }
    if (strcmp(a->url_list, "requirements") == 0) {
        /* Ended ones take neither an end nor a session; sessions are unpaid work's. */
        const ck_requirement *q = ck_case_requirement(c, id, NULL);
        return q && q->terminated_on == CK_NODATE &&
               (a->build != build_session || ck_streq(q->type, "unpaid_work"));
    }
    if (strcmp(a->url_list, "victims") == 0) {
        for (size_t i = 0; i < c->n_victims; i++)
            if (ck_streq(c->victims[i].id, id)) return true;
        return false;
    }
    if (strcmp(a->url_list, "events") == 0) { /* a licence's conditions: custody only */
        const ck_event *e = ck_case_event(c, id);
        return e && e->has_sentence && ck_streq(e->sentence.type, "custody");
    }
    if (strcmp(a->url_list, "conditions") == 0) return ck_case_licence_condition(c, id, NULL) != NULL;
    for (size_t i = 0; i < c->n_checks; i++)
        if (ck_streq(c->checks[i].id, id)) return true;
    return false;
}

/* An edit form starts from the record as it is (victims: every field). */
static void load_values(form *f, const action *a)
{
    if (a->build == build_outcome && f->id) {
        const ck_contact *ct = ck_case_contact(f->c, f->id);
        json_t *values = json_object_get(f->page, "values");
        if (ct && ct->notes) json_object_set_new(values, "notes", json_string(ct->notes));
        if (ct && ct->sensitive == 1) json_object_set_new(values, "sensitive", json_string("yes"));
        return;
    }
    if (a->build != build_victim || !f->id) return;
    const ck_victim *v = NULL;
    for (size_t i = 0; i < f->c->n_victims; i++)
        if (ck_streq(f->c->victims[i].id, f->id)) v = &f->c->victims[i];
    if (!v) return;
    json_t *values = json_object_get(f->page, "values");
    const char *strs[] = {v->event, v->scheme, v->opted, v->name, v->address, v->phone, v->email, v->notes};
    static const char *const str_keys[] = {"event", "scheme", "opted", "name", "address", "phone", "email", "notes"};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
        json_object_set_new(values, str_keys[i], json_string(strs[i] ? strs[i] : ""));
    const ck_date dates[] = {v->referred, v->first_contact, v->opted_on, v->representations, v->release_notified,
                             v->recall_notified};
    static const char *const date_keys[] = {"referred", "first_contact", "opted_on", "representations",
                                            "release_notified", "recall_notified"};
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++)
        if (dates[i] != CK_NODATE) ck_web_date_values(f->r, f->page, date_keys[i], dates[i]);
}

/* Shared start of GET and POST: the action, the session, the case. */
static bool begin(ck_http_req *r, ck_session *s, const char *kind, const char *verb, const action **a, ck_db **db,
                  form *f)
{
    if (!ck_web_guard(r, s)) return false;
    *a = find_action(kind, verb);
    if (!*a) {
        ck_web_error_page(r, s, 404, "Page not found", "If you typed the web address, check it is correct.");
        return false;
    }
    *db = ck_web_db(r, s);
    ck_case *c = NULL;
    if (!*db || !ck_web_load_case(r, s, *db, &c)) return false;
    memset(f, 0, sizeof *f);
    f->r = r;
    f->s = s;
    f->db = *db;
    f->weeks = 1;
    f->c = c;
    f->today = ck_app_today(&ck_web_of(r)->app);
    f->id = ck_http_param(r, "id");
    if (!record_exists(c, *a, f->id)) {
        ck_case_free(c);
        ck_web_error_page(r, s, 404, "Record not found", "The case has no such record. Go back to the case and try again.");
        return false;
    }
    f->page = ck_web_page(r, s, (*a)->title, NULL);
    f->version = c->version;
    return true;
}

static void action_form(ck_http_req *r, const char *kind, const char *verb)
{
    ck_session s;
    const action *a;
    ck_db *db;
    form f;
    if (!begin(r, &s, kind, verb, &a, &db, &f)) return;
    prefill(&f, a);
    load_values(&f, a);
    show_form(&f, a, 200);
    ck_case_free((ck_case *)f.c);
}

/* The field a store error names ("victims[0].email: ..." names email), so
 * the error summary links to it; else the form's first field. */
static const char *field_at_fault(const action *a, const char *err)
{
    size_t n = strcspn(err, ":");
    const char *key = err;
    for (size_t i = 0; i < n; i++)
        if (err[i] == '.') key = err + i + 1;
    size_t kn = n - (size_t)(key - err);
    for (const field *fd = a->fields; fd->name; fd++)
        if (strlen(fd->name) == kn && strncmp(fd->name, key, kn) == 0) return fd->name;
    return a->fields[0].name;
}

/* The bundle's rules on a change's household (core/ck_case.c change_check),
 * by the key and words of its message, as the form says them: the rule
 * stays the bundle's, only its wording for a person is here. */
static const struct {
    const char *key, *starts, *field, *text;
} household_messages[] = {
    {"household", "household members apply only", "kind",
     "Select address, household or relationship to record who lives with them"},
    {"lives_alone", "lives_alone applies only", "lives_alone",
     "Only say whether anyone lives with them for a change of address, household or relationship"},
    {"lives_alone", "true with", "lives_alone", "Select yes if anyone lives with them"},
};

/* The field and words for a store error on the change form's household,
 * or false for any other error. */
static bool household_message(const action *a, const char *err, const char **field_name, const char **text)
{
    if (a->build != build_change) return false;
    const char *colon = strstr(err, ": ");
    if (!colon) return false;
    for (size_t i = 0; i < sizeof household_messages / sizeof *household_messages; i++) {
        size_t kn = strlen(household_messages[i].key);
        if ((size_t)(colon - err) < kn + 1 || colon[-(ptrdiff_t)kn - 1] != '.' ||
            strncmp(colon - kn, household_messages[i].key, kn) != 0 ||
            strncmp(colon + 2, household_messages[i].starts, strlen(household_messages[i].starts)) != 0)
            continue;
        *field_name = household_messages[i].field;
        *text = household_messages[i].text;
        return true;
    }
    return false;
}

/* A store error as the form shows it: without the record's path in the case
 * ("decisions[3].subject: "), which the field it is shown by already says,
 * and starting with a capital. */
static const char *store_message(ck_http_req *r, const char *err)
{
    const char *colon = strstr(err, ": ");
    const char *text = colon && !memchr(err, ' ', (size_t)(colon - err)) ? colon + 2 : err;
    char *m = ck_arena_strdup(ck_http_arena(r), text);
    if (*m >= 'a' && *m <= 'z') *m = (char)(*m - 'a' + 'A');
    return m;
}

/* Whether saving the action can undo someone else's change: an edit of a
 * record that exists (an outcome, a review, a victim's details). Appending
 * a new record (a contact, an enforcement decision) cannot, so a case that
 * changed meanwhile is no conflict for it. */
static bool edits_record(const action *a)
{
    return a->edit || a->build == build_outcome || a->build == build_reschedule || a->build == build_cancel;
}

/* The version a posted form was opened at; 0 when absent or not a number. */
static int64_t posted_version(ck_http_req *r)
{
    const char *v = ck_web_field(r, "version");
    char *end;
    long long n = strtoll(v, &end, 10);
    return *v && !*end && n > 0 ? (int64_t)n : 0;
}

/* The error summary of a refused stale edit: who changed the case and when.
 * The form keeps what was typed and now carries the current version, so
 * saving again (after checking the case) is a decision, not an accident. */
static void stale_error(form *f, const action *a, const ck_write_check *wc)
{
    const ck_case_version *v = &wc->now;
    const char *who = v->changed_by_name[0] ? v->changed_by_name : v->changed_by[0] ? v->changed_by : "someone else";
    const char *text = v->changed_at ? ck_arena_printf(ck_http_arena(f->r),
                                                       "This case was changed by %s at %s since you opened it", who,
                                                       ck_web_time_long(f->r, v->changed_at))
                                     : ck_arena_printf(ck_http_arena(f->r),
                                                       "This case was changed by %s since you opened it", who);
    /* In the summary only, linked to the first field: it is about the case,
     * not one field. */
    json_array_append_new(json_object_get(f->page, "errors"),
                          json_pack("{s:s, s:s+}", "text", text, "href", "#", a->fields[0].name));
    f->version = v->version;
}

/* The contact type that records an act made by a form other than a
 * contact's own, keyed by the record's list and its kind or action (NULL:
 * any): where that act's notes are kept (ck_access_add_noted). */
static const struct {
    const char *list, *kind, *type;
} noted_types[] = {
    {"enforcement", "first_warning", "AWLI"},  {"enforcement", "second_warning", "AWL2"},
    {"enforcement", "final_warning", "AWLF"},  {"enforcement", "breach_initiated", "CLBR"},
    {"enforcement", "recall_requested", "C041"}, {"enforcement", "no_further_action", "C002"},
    {"checks", "police_da", "C369"},           {"checks", "childrens_services", "SFGC"},
    {"assessments", "rosh", "C004"},           {"assessments", "sentence_plan", "CSPR"},
    {"assessments", "oversight", "C002"},      {"changes", NULL, "CIOA"},
};

/* The contact that keeps the notes typed on a form that adds another kind
 * of record; false when the form has no notes (or is a contact's own). */
static bool note_contact(form *f, const action *a, const void *rec, ck_contact *out)
{
    const char *notes = ck_web_field(f->r, "notes");
    if (strcmp(a->list, "contacts") == 0 || !notes[strspn(notes, " \t\r\n")]) return false;
    const char *kind = NULL, *event = NULL;
    ck_date d = f->today;
    if (strcmp(a->list, "enforcement") == 0) {
        const ck_enforcement *en = rec;
        kind = en->action, event = en->event, d = en->date;
    } else if (strcmp(a->list, "checks") == 0) {
        const ck_check *k = rec;
        kind = k->kind, d = k->requested;
    } else if (strcmp(a->list, "assessments") == 0) {
        const ck_assessment *as = rec;
        kind = as->kind, d = as->completed;
    } else if (strcmp(a->list, "changes") == 0) {
        d = ((const ck_change *)rec)->date;
    } else {
        return false;
    }
    const char *type = NULL;
    for (size_t i = 0; i < sizeof noted_types / sizeof *noted_types && !type; i++)
        if (strcmp(noted_types[i].list, a->list) == 0 && (!noted_types[i].kind || ck_streq(noted_types[i].kind, kind)))
            type = noted_types[i].type;
    /* A contact belongs to an event: the record's own, else the latest. */
    if (!event && f->c->n_events) event = f->c->events[f->c->n_events - 1].id;
    if (!type || !event) return false;
    *out = ck_contact_blank();
    out->id = new_id(f->r, 'C');
    out->event = event;
    out->date = d == CK_NODATE ? f->today : d;
    out->type = type;
    out->national_standard = 0;
    out->appointment = 0;
    out->notes = notes_of(f);
    out->sensitive = sensitive_of(f);
    return out->notes != NULL;
}

/* Saves the built record: one transaction whatever the action. */
static ck_rc save(form *f, const ck_session *s, ck_db *db, const action *a, void *rec, ck_write_check *wc, char *err,
                  size_t err_len)
{
    const ck_engine *eng = &ck_web_of(f->r)->app.engine;
    const char *crn = f->c->crn;
    /* The route's permission (case:write, check:write, victim:write): the
     * store checks it again, with the case's scope, under the case's lock. */
    ck_perm perm = CK_PERM_CASE_WRITE;
    ck_auth_route_perm(f->r, &perm);
    if (a->build == build_outcome) {
        /* The outcome and its enforcement decision are one act: saved together or not at all. */
        const edit *e = rec;
        ck_enforcement en = {.id = new_id(f->r, 'N'), .date = e->d1, .action = e->action, .reason = e->reason};
        /* Notes a reader could not see (a sensitive contact's, withheld)
         * were not in the form: left alone unless something was typed. */
        const ck_contact *ct = ck_case_contact(f->c, f->id);
        bool withheld = ct && ct->sensitive == 1 && !ct->notes;
        ck_contact_note note = {e->notes, e->sensitive, NULL};
        bool keep = withheld && !e->notes && e->sensitive != 1;
        return ck_access_outcome(db, s->p, perm, eng, crn, f->id, e->outcome, e->d1, e->action ? &en : NULL,
                                 keep ? NULL : &note, f->today, wc, err, err_len);
    }
    if (a->build == build_appointment) {
        /* A series is its weeks' appointments, booked together or not at all. */
        const ck_contact *ct = rec;
        ck_contact *adds = ck_arena_array(ck_http_arena(f->r), f->weeks, sizeof *adds);
        for (size_t w = 0; w < f->weeks; w++) {
            adds[w] = *ct;
            adds[w].id = w ? new_id(f->r, 'C') : ct->id;
            adds[w].date = ct->date + 7 * (ck_date)w;
        }
        return ck_access_appointments(db, s->p, perm, eng, crn, adds, f->weeks, NULL, NULL, NULL, f->today, wc, err,
                                      err_len);
    }
    if (a->build == build_reschedule)
        return ck_access_appointments(db, s->p, perm, eng, crn, &((resched *)rec)->repl, 1, f->id, edit_reschedule, rec,
                                      f->today, wc, err, err_len);
    if (a->build == build_cancel)
        return ck_access_appointments(db, s->p, perm, eng, crn, NULL, 0, f->id, edit_cancel, rec, f->today, wc, err,
                                      err_len);
    const char *target = f->id;
    if (a->build == build_told) ((edit *)rec)->reason = ck_access_recorder(s->p); /* who told them */
    if (a->build == build_condition_end) { /* the update names the event that holds the condition */
        const ck_event *e = NULL;
        ck_case_licence_condition(f->c, f->id, &e);
        target = e ? e->id : f->id;
    }
    if (a->edit)
        return ck_access_update(db, s->p, perm, eng, crn, a->list, target, a->edit, rec, f->today, wc, err, err_len);
    ck_contact note;
    return ck_access_add_noted(db, s->p, perm, eng, crn, a->list, rec, note_contact(f, a, rec, &note) ? &note : NULL,
                               f->today, wc, err, err_len);
}

static void action_post(ck_http_req *r, const char *kind, const char *verb)
{
    ck_session s;
    const action *a;
    ck_db *db;
    form f;
    if (!begin(r, &s, kind, verb, &a, &db, &f)) return;
    void *rec = ck_arena_alloc(ck_http_arena(r), a->rec_size);
    json_t *values = json_object_get(f.page, "values");
    for (const field *fd = a->fields; fd->name; fd++)
        if (fd->kind != F_DATE) json_object_set_new(values, fd->name, json_string(ck_web_field(r, fd->name)));
    char err[512] = "";
    ck_rc rc = CK_ERR_INVALID;
    /* An edit is checked against the version the form was opened at. */
    f.version = posted_version(r);
    ck_write_check wc = {.if_match = edits_record(a) ? f.version : 0};
    bool versioned = f.version || !edits_record(a);
    if (!f.version) f.version = f.c->version;
    if (!versioned)
        ck_web_form_error(f.page, a->fields[0].name, "Open this form again from the case page: it was sent without "
                                                     "the version of the case it was opened at");
    if (versioned && a->build(&f, rec)) {
        rc = save(&f, &s, db, a, rec, &wc, err, sizeof err);
        if (rc == CK_OK) {
            ck_buf loc = CK_BUF_INIT;
            ck_buf_puts(&loc, "/cases/");
            ck_buf_escape(&loc, CK_ESC_URL, f.c->crn, strlen(f.c->crn));
            if (a->build == build_victim || a->build == build_told) {
                const char *vid = a->build == build_told ? f.id : ((const ck_victim *)rec)->id;
                ck_buf_puts(&loc, "/victims/");
                ck_buf_escape(&loc, CK_ESC_URL, vid, strlen(vid));
            } else if (strcmp(a->list, "events") == 0 || strcmp(a->kind, "requirements") == 0) {
                /* Requirements and licence conditions are on the Sentence tab. */
                ck_buf_puts(&loc, "/sentence");
            }
            ck_buf_printf(&loc, "?saved=%s", a->kind);
            ck_web_redirect(r, ck_buf_cstr(&loc));
            ck_buf_free(&loc);
            ck_case_free((ck_case *)f.c);
            json_decref(f.page);
            return;
        }
        if (rc == CK_ERR_DENIED) {
            ck_case_free((ck_case *)f.c);
            json_decref(f.page);
            ck_web_error_page(r, &s, 403, "You cannot change this case", err);
            return;
        }
        if (rc == CK_ERR_DB) {
            ck_http_log("%s web: saving %s: %s", ck_http_request_id(r), a->list, err);
            ck_case_free((ck_case *)f.c);
            json_decref(f.page);
            ck_web_error_page(r, &s, 500, "Sorry, there is a problem with the service",
                              "What you entered was not saved. Try again later.");
            return;
        }
        const char *hfield, *htext;
        if (rc == CK_ERR_STALE)
            stale_error(&f, a, &wc);
        else if (household_message(a, err, &hfield, &htext))
            ck_web_form_error(f.page, hfield, "%s", htext);
        else /* The store refused it (a rule of the format): say so by the field it names. */
            ck_web_form_error(f.page, field_at_fault(a, err), "%s", store_message(r, err));
    }
    /* A warning to confirm (a check asked again) is not an error. */
    show_form(&f, a, rc == CK_ERR_CONFLICT || rc == CK_ERR_STALE ? 409 : ck_web_form_has_errors(f.page) ? 400 : 200);
    ck_case_free((ck_case *)f.c);
}

void ck_web_action_form(ck_http_req *r) { action_form(r, ck_http_param(r, "kind"), ck_http_param(r, "verb")); }
void ck_web_action_post(ck_http_req *r) { action_post(r, ck_http_param(r, "kind"), ck_http_param(r, "verb")); }
void ck_web_check_form(ck_http_req *r) { action_form(r, "checks", ck_http_param(r, "verb")); }
void ck_web_check_post(ck_http_req *r) { action_post(r, "checks", ck_http_param(r, "verb")); }
void ck_web_victim_form(ck_http_req *r) { action_form(r, "victims", ck_http_param(r, "id") ? "edit" : NULL); }
void ck_web_victim_post(ck_http_req *r) { action_post(r, "victims", ck_http_param(r, "id") ? "edit" : NULL); }
void ck_web_victim_told_form(ck_http_req *r) { action_form(r, "victims", "told"); }
void ck_web_victim_told_post(ck_http_req *r) { action_post(r, "victims", "told"); }
