#include "ck_web_names.h"
#include "ck_facts.h"
#include "ck_org.h"
#include "ck_str.h"
#include "ck_web.h"
#include <string.h>

/* ---- Codes to names --------------------------------------------------------- */

typedef struct memo {
    struct memo *next;
    ck_org_kind kind;
    const char *code, *name;
} memo;

struct ck_web_names {
    ck_http_req *r;
    ck_db *db;
    memo *seen;
};

ck_web_names *ck_web_names_new(ck_http_req *r, ck_db *db)
{
    ck_web_names *n = ck_arena_alloc(ck_http_arena(r), sizeof *n);
    n->r = r;
    n->db = db;
    return n;
}

static const char *lookup(ck_web_names *n, ck_org_kind kind, const char *code)
{
    if (!code || !*code) return "";
    for (const memo *m = n->seen; m; m = m->next)
        if (m->kind == kind && strcmp(m->code, code) == 0) return m->name;
    ck_arena *a = ck_http_arena(n->r);
    const char *name = code;
    ck_org_record rec;
    char err[256];
    /* Not found is ordinary (a code from an older organisation file): the
     * page shows the code. A failed query is logged and does the same. */
    ck_rc rc = n->db ? ck_org_get(n->db, kind, code, a, &rec, err, sizeof err) : CK_ERR_NOTFOUND;
    if (rc == CK_OK && kind == CK_ORG_STAFF && rec.surname)
        name = ck_web_person_name(n->r, rec.forename, rec.surname);
    else if (rc == CK_OK && rec.name)
        name = rec.name;
    else if (rc != CK_OK && rc != CK_ERR_NOTFOUND)
        ck_http_log("%s web: the name of %s: %s", ck_http_request_id(n->r), code, err);
    memo *m = ck_arena_alloc(a, sizeof *m);
    *m = (memo){n->seen, kind, ck_arena_strdup(a, code), name};
    n->seen = m;
    return name;
}

const char *ck_web_staff_name(ck_web_names *n, const char *code) { return lookup(n, CK_ORG_STAFF, code); }
const char *ck_web_team_name(ck_web_names *n, const char *code) { return lookup(n, CK_ORG_TEAM, code); }
const char *ck_web_pdu_name(ck_web_names *n, const char *code) { return lookup(n, CK_ORG_PDU, code); }

/* ---- Vocabularies in words ---------------------------------------------------- */

typedef struct named {
    const char *value, *name;
} named;

static const char *name_of(const named *t, size_t n, const char *value)
{
    for (size_t i = 0; value && i < n; i++)
        if (strcmp(t[i].value, value) == 0) return t[i].name;
    return value ? value : "";
}

/* core/ck_case's ck_vocab_sentence_type and ck_vocab_offence_category. */
static const named sentence_names[] = {
    {"community_order", "Community order"}, {"sso", "Suspended sentence order"},
    {"custody", "Custody"}, {"hospital_order", "Hospital order"}};
static const named offence_names[] = {
    {"violence", "Violence"}, {"robbery", "Robbery"}, {"sexual_child", "Sexual offence against a child"},
    {"sexual_adult", "Sexual offence against an adult"}, {"drug_import", "Importing drugs"},
    {"drug_possession_supply", "Drug possession or supply"}, {"burglary_domestic", "Burglary of a home"},
    {"burglary_other", "Burglary (not a home)"}, {"theft", "Theft"}, {"theft_from_vehicle", "Theft from a vehicle"},
    {"taking_vehicle", "Taking a vehicle without consent"}, {"handling", "Handling stolen goods"},
    {"fraud", "Fraud and forgery"}, {"criminal_damage", "Criminal damage"}, {"public_order", "Public order"},
    {"drink_driving", "Drink driving"}, {"other_motoring", "Other motoring offence"},
    {"absconding_bail", "Absconding or a bail offence"}, {"soliciting", "Soliciting"}, {"other", "Other offence"},
    {"terrorism", "Terrorism"}};

const char *ck_web_sentence_name(const char *type)
{
    return name_of(sentence_names, sizeof sentence_names / sizeof *sentence_names, type);
}

const char *ck_web_offence_name(const char *category)
{
    return name_of(offence_names, sizeof offence_names / sizeof *offence_names, category);
}

/* The request's database connection, or NULL (names then fall back to codes). */
static ck_db *names_db(ck_http_req *r)
{
    char err[256];
    return ck_http_db(r, err, sizeof err);
}

const char *ck_web_user_name(const ck_session *s) { return s->p->name[0] ? s->p->name : s->username; }

/* ---- The person's home ----------------------------------------------------- */

/* "Flat 2, 14 Larkspur Row, Dalston, London E8 2AB"; NULL when no line is
 * recorded. */
static const char *address_text(ck_http_req *r, const ck_address *a)
{
    ck_buf b = CK_BUF_INIT;
    const char *parts[] = {a->line1, a->line2, a->town};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        if (parts[i] && *parts[i]) ck_buf_printf(&b, "%s%s", b.len ? ", " : "", parts[i]);
    if (a->postcode && *a->postcode) ck_buf_printf(&b, "%s%s", b.len ? (a->town ? " " : ", ") : "", a->postcode);
    const char *out = b.len ? ck_arena_strdup(ck_http_arena(r), ck_buf_cstr(&b)) : NULL;
    ck_buf_free(&b);
    return out;
}

/* A household member's relationship as the change form names it ("spouse"
 * is "husband, wife or civil partner"), in lower case for the middle of a
 * sentence; the form's option table is the one place the words live. */
static const char *relationship_name(ck_http_req *r, const char *code)
{
    const char *label = ck_web_choice_label("changes", "member1_relationship", code, code);
    char *out = ck_arena_strdup(ck_http_arena(r), label ? label : "");
    if (out[0] >= 'A' && out[0] <= 'Z') out[0] = (char)(out[0] - 'A' + 'a');
    return out;
}

/* "Jo Example (partner); Alex Example (stepchild, under 18)". */
static const char *household_text(ck_http_req *r, const ck_change *ch)
{
    if (ch->n_household == 0) return "nobody (lives alone)";
    ck_buf b = CK_BUF_INIT;
    for (size_t i = 0; i < ch->n_household; i++) {
        const ck_household_member *m = &ch->household[i];
        ck_buf_printf(&b, "%s%s (%s%s)", i ? "; " : "", m->name, relationship_name(r, m->relationship),
                      m->child == 1 ? ", under 18" : "");
    }
    const char *out = ck_arena_strdup(ck_http_arena(r), ck_buf_cstr(&b));
    ck_buf_free(&b);
    return out;
}

static json_t *members_json(ck_http_req *r, const ck_change *ch)
{
    json_t *a = json_array();
    for (size_t i = 0; i < ch->n_household; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "name", ch->household[i].name, "relationship",
                                           relationship_name(r, ch->household[i].relationship),
                                           "child", ch->household[i].child == 1));
    return a;
}

/* Where the person lives on `today` and with whom, as the strip and the
 * Personal details tab say it. */
static json_t *home_json(ck_http_req *r, const ck_case *c, ck_date today)
{
    json_t *h = json_object();
    const ck_address *a = ck_main_address_current(c, today);
    if (a) {
        const char *text = address_text(r, a);
        json_object_set_new(h, "address", json_string(text ? text : "Street and postcode not recorded"));
        json_object_set_new(h, "status", json_string(a->status ? a->status : ""));
        json_object_set_new(h, "since", json_string(ck_web_date_long(r, a->from)));
    } else if (c->person.no_fixed_abode_since != CK_NODATE && c->person.no_fixed_abode_since <= today) {
        json_object_set_new(h, "address", json_string(ck_arena_printf(ck_http_arena(r), "No fixed abode since %s",
                                                                      ck_web_date_long(r, c->person.no_fixed_abode_since))));
    } else {
        json_object_set_new(h, "address", json_string("No current address recorded"));
    }
    const ck_change *ch = ck_household_current(c, today);
    if (ch) {
        json_object_set_new(h, "household", json_string(household_text(r, ch)));
        json_object_set_new(h, "household_since", json_string(ck_web_date_long(r, ch->date)));
        json_object_set_new(h, "members", members_json(r, ch));
        bool partner = false;
        for (size_t i = 0; i < ch->n_household; i++)
            partner |= ck_streq(ch->household[i].relationship, "partner") || ck_streq(ch->household[i].relationship, "spouse");
        json_object_set_new(h, "with_partner", json_boolean(partner));
    } else {
        json_object_set_new(h, "household", json_string("Not recorded"));
    }
    return h;
}

void ck_web_case_strip(ck_http_req *r, const ck_case *c, ck_date today, json_t *h)
{
    ck_web_names *n = ck_web_names_new(r, names_db(r));
    const ck_allocation *al = ck_allocation_current(c, today);
    json_object_set_new(h, "practitioner", json_string(al ? ck_web_staff_name(n, al->staff_code) : ""));
    const char *team = c->team;
    if (!team && al) {
        ck_org_record rec;
        char err[256];
        if (ck_org_get(names_db(r), CK_ORG_STAFF, al->staff_code, ck_http_arena(r), &rec, err, sizeof err) == CK_OK)
            team = rec.team;
    }
    json_object_set_new(h, "team_name", json_string(ck_web_team_name(n, team)));
    json_object_set_new(h, "home", home_json(r, c, today));
}

/* ---- Personal details --------------------------------------------------------- */

static const char *gender_label(const char *g)
{
    static const char *const labels[][2] = {{"M", "Male"}, {"F", "Female"}, {"X", "Other"}, {"U", "Not known"}};
    for (size_t i = 0; g && i < sizeof labels / sizeof *labels; i++)
        if (strcmp(labels[i][0], g) == 0) return labels[i][1];
    return "Not recorded";
}

const char *ck_web_yes_no(ck_tri t) { return t == 1 ? "Yes" : t == 0 ? "No" : "Not recorded"; }

json_t *ck_web_personal(ck_http_req *r, const ck_case *c, ck_date today)
{
    const ck_person *p = &c->person;
    ck_buf b = CK_BUF_INIT;
    for (size_t i = 0; i < p->n_aliases; i++)
        ck_buf_printf(&b, "%s%s%s%s", i ? "; " : "", p->aliases[i].forename ? p->aliases[i].forename : "",
                      p->aliases[i].forename ? " " : "", p->aliases[i].surname);
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "gender", gender_label(p->gender), "pronouns",
                          p->pronouns ? p->pronouns : "Not recorded", "aliases", ck_buf_cstr(&b), "phone",
                          p->phone ? p->phone : "Not recorded", "email", p->email ? p->email : "Not recorded",
                          "language", p->preferred_language ? p->preferred_language : "Not recorded", "interpreter",
                          ck_web_yes_no(p->interpreter_required));
    ck_buf_free(&b);
    json_t *dis = json_array();
    for (size_t i = 0; i < p->n_disabilities; i++)
        json_array_append_new(dis, json_pack("{s:s, s:s}", "kind", p->disabilities[i].kind, "adjustments",
                                             p->disabilities[i].adjustments ? p->disabilities[i].adjustments
                                                                            : "None recorded"));
    json_object_set_new(j, "disabilities", dis);
    json_object_set_new(j, "home", home_json(r, c, today));
    const ck_address *cur = ck_main_address_current(c, today);
    json_t *addresses = json_array();
    for (size_t i = p->n_addresses; i-- > 0;) { /* newest first */
        const ck_address *a = &p->addresses[i];
        const char *text = address_text(r, a);
        json_array_append_new(addresses, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "text",
                                                   text ? text : "Street and postcode not recorded", "kind",
                                                   a->kind ? a->kind : "", "status", a->status ? a->status : "",
                                                   "from", ck_web_date_long(r, a->from), "to",
                                                   ck_web_date_long(r, a->to), "current", a == cur));
    }
    json_object_set_new(j, "addresses", addresses);
    json_t *changes = json_array();
    for (size_t i = c->n_changes; i-- > 0;) { /* newest first */
        const ck_change *ch = &c->changes[i];
        json_t *x = json_pack("{s:s, s:s, s:s}", "date", ck_web_date_long(r, ch->date), "kind",
                              ck_web_choice_label("changes", "kind", ch->kind, ch->kind), "note", ch->note ? ch->note : "");
        if (ch->n_household || ch->lives_alone == 1)
            json_object_set_new(x, "household", json_string(household_text(r, ch)));
        json_array_append_new(changes, x);
    }
    json_object_set_new(j, "changes", changes);
    json_object_set_new(j, "nfa", json_string(ck_web_date_long(r, p->no_fixed_abode_since)));
    return j;
}
