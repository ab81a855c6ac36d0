#include "ck_licence.h"
#include "ck_str.h"
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* The one table of condition types: code, plain words, whether the type may
 * protect a victim, whether it may name one (victim_id), and what its
 * detail must say when it names no victim. The additional conditions are
 * those issue 19 lists, the ones probation practice sets most often
 * (Criminal Justice (Sentencing) (Licence Conditions) Order 2015, art. 7:
 * contact, residence, curfew, exclusion, monitoring, drug testing,
 * polygraph, disclosure of relationships). */
#define LICENCE_TYPES(X)                                                                                           \
    X(standard, "The standard licence conditions", false, false, NULL)                                            \
    X(non_contact, "Not to contact a named person", true, true, "the person not to contact")                      \
    X(exclusion_zone, "Not to enter an exclusion zone", true, false, "the exclusion zone")                        \
    X(approved_premises, "To live at approved premises", false, false, NULL)                                      \
    X(curfew, "To keep to a curfew", true, false, NULL)                                                           \
    X(electronic_monitoring, "To wear an electronic monitoring tag", true, false, NULL)                           \
    X(drug_testing, "To take drug tests", false, false, NULL)                                                     \
    X(polygraph, "To take polygraph tests", false, false, NULL)                                                   \
    X(disclose_relationships, "To tell their probation practitioner about new relationships", true, false, NULL)

#define CODE(c, l, v, n, d) #c,
#define LABEL(c, l, v, n, d) l,
#define ROW(c, l, v, n, d) {#c, l, v, n, d},
const char *const ck_vocab_licence_condition[] = {LICENCE_TYPES(CODE) NULL};
const char *const ck_licence_type_labels[] = {LICENCE_TYPES(LABEL) NULL};
static const ck_licence_type types[] = {LICENCE_TYPES(ROW)};
#undef CODE
#undef LABEL
#undef ROW

/* The standard conditions every licence carries: Criminal Justice Act 2003
 * s.250(8) and the Licence Conditions Order 2015, art. 3 (with the two
 * conditions on names and contact details added in 2021), in plain words. */
const char *const ck_licence_standard[] = {
    "Be of good behaviour and not behave in a way that undermines the purpose of the licence",
    "Not commit any offence",
    "Keep in touch with their probation practitioner as they are told to",
    "Receive visits from their probation practitioner as they are told to",
    "Live permanently at an address their probation practitioner approves, and ask before staying a night or more "
    "anywhere else",
    "Only do work, or a type of work, their probation practitioner approves, and tell them before starting any",
    "Not travel outside the United Kingdom, the Channel Islands or the Isle of Man without permission",
    "Tell their probation practitioner if they use a name that is not on their licence",
    "Tell their probation practitioner if they change or add any contact details, including a phone number or email",
    NULL};

/* How a victim was told: code and plain words, one table. */
#define TOLD_HOW(X) X(letter, "By letter") X(phone, "By phone") X(meeting, "In person") X(email, "By email")
#define HOW_CODE(c, l) #c,
#define HOW_LABEL(c, l) l,
const char *const ck_vocab_told_how[] = {TOLD_HOW(HOW_CODE) NULL};
const char *const ck_told_how_labels[] = {TOLD_HOW(HOW_LABEL) NULL};
#undef HOW_CODE
#undef HOW_LABEL

const ck_licence_type *ck_licence_type_of(const char *code)
{
    for (size_t i = 0; code && i < sizeof types / sizeof *types; i++)
        if (strcmp(types[i].code, code) == 0) return &types[i];
    return NULL;
}

const ck_licence_type *ck_licence_types(size_t *n)
{
    *n = sizeof types / sizeof *types;
    return types;
}

const char *ck_told_how_label(const char *how)
{
    for (size_t i = 0; how && ck_vocab_told_how[i]; i++)
        if (strcmp(ck_vocab_told_how[i], how) == 0) return ck_told_how_labels[i];
    return NULL;
}

bool ck_licence_concerns_victim(const ck_event *e, const ck_licence_condition *lc, const ck_victim *v)
{
    return e && lc && v && lc->victim_related == 1 && ck_streq(e->id, v->event) &&
           (!lc->victim_id || ck_streq(lc->victim_id, v->id));
}

const ck_victim_told *ck_licence_told(const ck_victim *v, const char *id)
{
    for (size_t i = 0; v && id && i < v->n_conditions_told; i++)
        if (ck_streq(v->conditions_told[i].condition, id)) return &v->conditions_told[i];
    return NULL;
}

const ck_licence_condition *ck_case_licence_condition(const ck_case *c, const char *id, const ck_event **ev)
{
    for (size_t i = 0; id && i < c->n_events; i++)
        for (size_t j = 0; j < c->events[i].n_licence_conditions; j++)
            if (ck_streq(c->events[i].licence_conditions[j].id, id)) {
                if (ev) *ev = &c->events[i];
                return &c->events[i].licence_conditions[j];
            }
    return NULL;
}

/* ---- One record ------------------------------------------------------------ */

static const char *condition_check(const void *rec, char *msg, size_t len)
{
    const ck_licence_condition *lc = rec;
    const ck_licence_type *t = ck_licence_type_of(lc->type);
    if (!t) return NULL; /* the vocabulary check names type */
    if (lc->end != CK_NODATE && lc->start != CK_NODATE && lc->end < lc->start) {
        char s[CK_DATE_STRLEN], e[CK_DATE_STRLEN];
        snprintf(msg, len, "%s is before start %s; expected on or after start", ck_date_fmt(lc->end, e),
                 ck_date_fmt(lc->start, s));
        return "end";
    }
    if (lc->victim_related == 1 && !t->victim_related_allowed) {
        snprintf(msg, len, "type %s is not victim-related; expected false or null", lc->type);
        return "victim_related";
    }
    if (lc->victim_id && !t->names_victim) {
        snprintf(msg, len, "only a non_contact condition names a victim; expected no victim_id on %s", lc->type);
        return "victim_id";
    }
    if (lc->victim_id && lc->victim_related != 1) {
        snprintf(msg, len, "a condition that names a victim is victim-related; expected victim_related true");
        return "victim_related";
    }
    if (t->detail_needed && !lc->victim_id && (!lc->detail || !lc->detail[0])) {
        snprintf(msg, len, "type %s needs %s; expected detail%s", lc->type, t->detail_needed,
                 t->names_victim ? " (or victim_id for a victim of the case)" : "");
        return "detail";
    }
    return NULL;
}

static const ck_field condition_f[] = {
    {"id", CK_F_STR, offsetof(ck_licence_condition, id), 0, true, NULL, NULL, false, false},
    {"type", CK_F_ENUM, offsetof(ck_licence_condition, type), 0, true, ck_vocab_licence_condition, NULL, false, false},
    {"start", CK_F_DATE, offsetof(ck_licence_condition, start), 0, true, NULL, NULL, false, false},
    {"end", CK_F_DATE, offsetof(ck_licence_condition, end), 0, false, NULL, NULL, false, false},
    {"victim_related", CK_F_BOOL, offsetof(ck_licence_condition, victim_related), 0, false, NULL, NULL, false, false},
    {"victim_id", CK_F_STR, offsetof(ck_licence_condition, victim_id), 0, false, NULL, NULL, false, false},
    {"detail", CK_F_STR, offsetof(ck_licence_condition, detail), 0, false, NULL, NULL, false, false},
};
const ck_entity ck_entity_licence_condition = {"licence_condition", "licence_conditions",
                                               sizeof(ck_licence_condition), condition_f,
                                               sizeof condition_f / sizeof *condition_f, condition_check};

static const ck_field told_f[] = {
    {"condition", CK_F_STR, offsetof(ck_victim_told, condition), 0, true, NULL, NULL, false, false},
    {"date", CK_F_DATE, offsetof(ck_victim_told, date), 0, true, NULL, NULL, false, false},
    {"how", CK_F_ENUM, offsetof(ck_victim_told, how), 0, true, ck_vocab_told_how, NULL, false, false},
    {"told_by", CK_F_STR, offsetof(ck_victim_told, told_by), 0, false, NULL, NULL, false, false},
};
const ck_entity ck_entity_victim_told = {"victim_told", "victim_conditions_told", sizeof(ck_victim_told), told_f,
                                         sizeof told_f / sizeof *told_f, NULL};

/* ---- The whole case ---------------------------------------------------------- */

static const ck_victim *victim_of(const ck_case *c, const char *id)
{
    for (size_t i = 0; id && i < c->n_victims; i++)
        if (ck_streq(c->victims[i].id, id)) return &c->victims[i];
    return NULL;
}

bool ck_licence_validate(const ck_case *c, char *err, size_t len)
{
    for (size_t i = 0; i < c->n_events; i++) {
        const ck_event *e = &c->events[i];
        if (!e->n_licence_conditions) continue;
        if (!e->has_sentence || !ck_streq(e->sentence.type, "custody")) {
            snprintf(err, len, "events[%zu].licence_conditions: event %s is not a custody sentence; expected licence "
                     "conditions only on a custody event's licence", i, e->id);
            return false;
        }
        for (size_t j = 0; j < e->n_licence_conditions; j++) {
            const ck_licence_condition *lc = &e->licence_conditions[j];
            const ck_event *owner = NULL;
            if (ck_case_licence_condition(c, lc->id, &owner) != lc) {
                snprintf(err, len, "events[%zu].licence_conditions[%zu].id: \"%s\" is already the id of a licence "
                         "condition of event %s; ids must be unique", i, j, lc->id, owner->id);
                return false;
            }
            const ck_victim *v = lc->victim_id ? victim_of(c, lc->victim_id) : NULL;
            if (lc->victim_id && (!v || !ck_streq(v->event, e->id))) {
                snprintf(err, len, "events[%zu].licence_conditions[%zu].victim_id: \"%s\" is not the id of a victim "
                         "of event %s in this case", i, j, lc->victim_id, e->id);
                return false;
            }
        }
    }
    for (size_t i = 0; i < c->n_victims; i++) {
        const ck_victim *v = &c->victims[i];
        for (size_t j = 0; j < v->n_conditions_told; j++) {
            const ck_victim_told *t = &v->conditions_told[j];
            if (!ck_case_licence_condition(c, t->condition, NULL)) {
                snprintf(err, len, "victims[%zu].conditions_told[%zu].condition: \"%s\" is not the id of a licence "
                         "condition in this case", i, j, t->condition ? t->condition : "");
                return false;
            }
            for (size_t k = 0; k < j; k++)
                if (ck_streq(v->conditions_told[k].condition, t->condition)) {
                    snprintf(err, len, "victims[%zu].conditions_told[%zu].condition: \"%s\" is already in "
                             "conditions_told[%zu]; expected the victim told of each condition once", i, j,
                             t->condition, k);
                    return false;
                }
        }
    }
    return true;
}
