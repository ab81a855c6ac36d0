/* The rules engine, table-driven, from the rulebook (../shared/rulebook.md).
 *
 * Each row states the facts of a case in a one-record-a-line notation,
 *     KIND ID key=value ...
 * where KIND is a list of the case bundle (contact, enforcement, registration,
 * ...), plus `event` (its keys are the event's and its sentence's; `offence=CAT`
 * adds an offence, `domestic_abuse=true` marks the last one), `report`
 * (`event=` names its event), `address`, `nfa`, `referral_outcome` and
 * `reviews=D,D` on a registration. Keys are the bundle's; `_` in free text is
 * a space. Contacts default to NS appointments of type COAP.
 *
 * Expectations, one a string:
 *     "RULE SUBJECT DUE STATUS [MET_ON]"   the obligation exists with these values
 *     "-RULE SUBJECT"                       no such obligation
 *     "~RULE SUBJECT text"                  its explanation contains text
 *     "#ftc EVENT COUNT SINCE" / "#noftc EVENT"
 * Dates were worked out by hand from the rulebook's definitions (working days
 * skip weekends and the GOV.UK England and Wales bank holidays). */
#include "ck_test.h"
#include "ck_explain.h"
/* An obligation's explanation written out (core/ck_explain), in r's arena. */
#define EXPL(r, o) ck_explain_text((o)->explain, &((ck_result *)(r))->arena)
#include "ck_rules.h"
#include "ck_facts.h"

/* ---- Building cases ------------------------------------------------------------ */

static ck_date D(const char *s)
{
    ck_date d = CK_NODATE;
    if (!ck_date_parse(s, strlen(s), &d)) fail_msg("bad date \"%s\" in a test", s);
    return d;
}

static const char *text(ck_case *c, const char *v)
{
    char *s = ck_arena_strdup(&c->arena, v);
    for (char *p = s; *p; p++)
        if (*p == '_') *p = ' ';
    return s;
}

/* Absent values as the case model wants them. */
static void init_record(const ck_entity *ent, void *rec)
{
    for (size_t i = 0; i < ent->n_fields; i++) {
        const ck_field *f = &ent->fields[i];
        void *p = (char *)rec + f->off;
        if (f->type == CK_F_DATE) *(ck_date *)p = CK_NODATE;
        if (f->type == CK_F_INT) *(int32_t *)p = CK_NOINT;
        if (f->type == CK_F_BOOL) *(ck_tri *)p = CK_NULL;
        if (f->type == CK_F_OBJ) init_record(f->sub, p);
    }
}

/* Sets key k of a record of `ent`; false when ent has no such key. */
static bool set_field(ck_case *c, const ck_entity *ent, void *rec, const char *k, const char *v)
{
    for (size_t i = 0; i < ent->n_fields; i++) {
        const ck_field *f = &ent->fields[i];
        if (strcmp(f->key, k) != 0) continue;
        void *p = (char *)rec + f->off;
        switch (f->type) {
        case CK_F_STR: *(const char **)p = (strcmp(k, "id") == 0 || strcmp(k, "subject") == 0) ? ck_arena_strdup(&c->arena, v) : text(c, v); return true;
        case CK_F_ENUM: {
            const char *s = ck_vocab_find(f->vocab, v, strlen(v));
            if (!s) fail_msg("%s.%s: \"%s\" is not in the vocabulary", ent->name, k, v);
            *(const char **)p = s;
            return true;
        }
        case CK_F_DATE: *(ck_date *)p = D(v); return true;
        case CK_F_INT: *(int32_t *)p = atoi(v); return true;
        case CK_F_BOOL: *(ck_tri *)p = strcmp(v, "true") == 0; return true;
        default: return false;
        }
    }
    return false;
}

/* Appends a zeroed element to the array at *arr with count *n (in c's arena). */
static void *push(ck_case *c, void **arr, size_t *n, const ck_entity *ent)
{
    char *out = ck_arena_array(&c->arena, *n + 1, ent->size);
    if (*n) memcpy(out, *arr, *n * ent->size);
    *arr = out;
    void *rec = out + (*n)++ * ent->size;
    init_record(ent, rec);
    return rec;
}

static ck_event *event_by_id(ck_case *c, const char *id)
{
    for (size_t i = 0; i < c->n_events; i++)
        if (strcmp(c->events[i].id, id) == 0) return &c->events[i];
    fail_msg("no event %s in the test case", id);
    return NULL;
}

/* The list of the case whose records are `kind`. */
static const ck_field *case_list(const char *kind)
{
    for (size_t i = 0; i < ck_entity_case.n_fields; i++) {
        const ck_field *f = &ck_entity_case.fields[i];
        if (f->type == CK_F_LIST && strcmp(f->sub->name, kind) == 0) return f;
    }
    return NULL;
}

static void build_line(ck_case *c, char *line)
{
    char *save = NULL, *kind = strtok_r(line, " ", &save);
    if (!kind) return;
    char *tok[24];
    int n = 0;
    for (char *t; n < 24 && (t = strtok_r(NULL, " ", &save));) tok[n++] = t;
    const ck_entity *ent = NULL;
    void *rec = NULL;
    ck_event *ev = NULL;
    int first = 0;
    if (strcmp(kind, "event") == 0) {
        ev = push(c, (void **)&c->events, &c->n_events, &ck_entity_event);
        rec = ev;
        ent = &ck_entity_event;
    } else if (strcmp(kind, "address") == 0) {
        ent = &ck_entity_address;
        rec = push(c, (void **)&c->person.addresses, &c->person.n_addresses, ent);
        ((ck_address *)rec)->kind = "main";
    } else if (strcmp(kind, "nfa") == 0) {
        c->person.no_fixed_abode_since = D(tok[0]);
        return;
    } else if (strcmp(kind, "report") == 0 || strcmp(kind, "referral_outcome") == 0) {
        /* event=ID comes first: the record lives in its event. */
        assert_true(n > 0 && strncmp(tok[0], "event=", 6) == 0);
        ck_event *owner = event_by_id(c, tok[0] + 6);
        first = 1;
        if (kind[1] == 'e' && kind[2] == 'p') {
            ent = &ck_entity_report;
            rec = push(c, (void **)&owner->reports, &owner->n_reports, ent);
        } else {
            ent = &ck_entity_referral_outcome;
            owner->has_victim_referral_outcome = true;
            rec = &owner->victim_referral_outcome;
        }
    } else {
        const ck_field *f = case_list(kind);
        if (!f) fail_msg("unknown record kind \"%s\" in a test", kind);
        ent = f->sub;
        rec = push(c, (void **)((char *)c + f->off), (size_t *)((char *)c + f->aux_off), ent);
        if (ent == &ck_entity_contact) {
            ck_contact *ct = rec;
            ct->national_standard = 1;
            ct->appointment = 1;
            ct->type = "COAP";
        }
    }
    for (int i = first; i < n; i++) {
        char *eq = strchr(tok[i], '=');
        if (!eq) {
            set_field(c, ent, rec, "id", tok[i]);
            continue;
        }
        *eq = '\0';
        const char *k = tok[i], *v = eq + 1;
        if (set_field(c, ent, rec, k, v)) continue;
        if (ev && strcmp(k, "offence") == 0) {
            ck_offence *o = push(c, (void **)&ev->offences, &ev->n_offences, &ck_entity_offence);
            o->id = ck_arena_printf(&c->arena, "O%zu", ev->n_offences);
            set_field(c, &ck_entity_offence, o, "category", v);
        } else if (ev && strcmp(k, "domestic_abuse") == 0 && ev->n_offences) {
            ev->offences[ev->n_offences - 1].domestic_abuse = strcmp(v, "true") == 0;
        } else if (ev && set_field(c, &ck_entity_sentence, &ev->sentence, k, v)) {
            ev->has_sentence = true;
        } else if (ent == &ck_entity_registration && strcmp(k, "reviews") == 0) {
            ck_registration *g = rec;
            char *s2 = NULL;
            for (char *d = strtok_r((char *)v, ",", &s2); d; d = strtok_r(NULL, ",", &s2)) {
                ck_review *rv = push(c, (void **)&g->reviews, &g->n_reviews, &ck_entity_review);
                rv->date = D(d);
            }
        } else {
            fail_msg("%s: unknown key \"%s\" in a test", kind, k);
        }
    }
}

static ck_case *build_unchecked(const char *facts)
{
    ck_case *c = ck_case_new();
    c->crn = "T000001";
    char *copy = strdup(facts), *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) build_line(c, line);
    free(copy);
    return c;
}

static ck_case *build(const char *facts)
{
    ck_case *c = build_unchecked(facts);
    char err[256];
    if (!ck_case_validate(c, err, sizeof err)) fail_msg("test case is not a valid bundle: %s", err);
    return c;
}

/* ---- Running rows ----------------------------------------------------------------- */

typedef struct row {
    const char *name;
    const char *facts;
    const char *as_of;
    const char *cfg; /* rules.conf override text, or NULL */
    const char *expect[12];
} row;

static const ck_obligation *find(const ck_result *r, const char *rule, const char *subject)
{
    const ck_obligation *hit = NULL;
    for (size_t i = 0; i < r->n_obligations; i++) {
        const ck_obligation *o = &r->obligations[i];
        if (strcmp(o->rule, rule) != 0 || strcmp(o->subject, subject) != 0) continue;
        if (hit) fail_msg("two obligations %s %s", rule, subject);
        hit = o;
    }
    return hit;
}

static void dump(const ck_result *r)
{
    for (size_t i = 0; i < r->n_obligations; i++) {
        const ck_obligation *o = &r->obligations[i];
        char due[CK_DATE_STRLEN], met[CK_DATE_STRLEN];
        print_message("      %s %s %s %s %s | %s\n", o->rule, o->subject, ck_date_fmt(o->due, due),
                      ck_status_name(o->status), ck_date_fmt(o->met_on, met), EXPL(r, o));
    }
    for (size_t i = 0; i < r->n_ftc; i++) {
        char since[CK_DATE_STRLEN];
        print_message("      FTC %s %d %s\n", r->ftc[i].event, r->ftc[i].count, ck_date_fmt(r->ftc[i].since, since));
    }
}

/* Checks one expectation; returns a message when it fails. */
static const char *check(const ck_result *r, const char *e, char *msg, size_t len)
{
    char rule[64] = "", subject[64] = "", a[64] = "", b[64] = "", c3[64] = "";
    int n = sscanf(e + (e[0] == '-' || e[0] == '~' || e[0] == '#'), "%63s %63s %63s %63s %63s", rule, subject, a, b, c3);
    if (e[0] == '#') {
        const ck_ftc *f = NULL;
        for (size_t i = 0; i < r->n_ftc; i++)
            if (strcmp(r->ftc[i].event, subject) == 0) f = &r->ftc[i];
        if (strcmp(rule, "noftc") == 0) return f ? "an FTC count that should not exist" : NULL;
        char since[CK_DATE_STRLEN];
        if (!f) return "no FTC count";
        if (f->count != atoi(a) || strcmp(ck_date_fmt(f->since, since), b) != 0) {
            snprintf(msg, len, "FTC %d since %s", f->count, since);
            return msg;
        }
        return NULL;
    }
    const ck_obligation *o = find(r, rule, subject);
    if (e[0] == '-') return o ? "present" : NULL;
    if (!o) return "missing";
    if (e[0] == '~') {
        const char *want = strchr(strchr(e, ' ') + 1, ' ') + 1;
        if (strstr(EXPL(r, o), want)) return NULL;
        snprintf(msg, len, "explanation \"%s\"", EXPL(r, o));
        return msg;
    }
    char due[CK_DATE_STRLEN], met[CK_DATE_STRLEN];
    ck_date_fmt(o->due, due);
    ck_date_fmt(o->met_on, met);
    if (n < 4 || strcmp(due, a) != 0 || strcmp(ck_status_name(o->status), b) != 0 || strcmp(met, n >= 5 ? c3 : "") != 0) {
        snprintf(msg, len, "got due %s %s %s", due, ck_status_name(o->status), met);
        return msg;
    }
    return NULL;
}

/* The severity of each rule, from the rulebook's tables; every obligation of
 * every row is checked against it. */
static const struct {
    const char *rule;
    ck_severity sev;
} SEVERITY[] = {
    {"ALLOCATE", CK_SEV_HIGH}, {"INDUCTION", CK_SEV_HIGH}, {"CONTACT", CK_SEV_HIGH},
    {"NEXT_APPOINTMENT", CK_SEV_NORMAL}, {"OUTCOME", CK_SEV_NORMAL}, {"ADDRESS", CK_SEV_HIGH},
    {"TERMINATE", CK_SEV_NORMAL}, {"REVIEW_APPOINTMENT", CK_SEV_HIGH}, {"ENFORCE", CK_SEV_HIGH},
    {"BREACH_PACK", CK_SEV_HIGH}, {"RECALL_DECISION", CK_SEV_CRITICAL}, {"ROSH_INITIAL", CK_SEV_CRITICAL},
    {"ROSH_REVIEW", CK_SEV_CRITICAL}, {"ROSH_CHANGE", CK_SEV_CRITICAL}, {"SENTENCE_PLAN", CK_SEV_HIGH},
    {"OVERSIGHT", CK_SEV_HIGH}, {"DA_CHECK", CK_SEV_CRITICAL}, {"CHILD_CHECK", CK_SEV_CRITICAL},
    {"DA_FLAG_DECISION", CK_SEV_CRITICAL}, {"REG_REVIEW", CK_SEV_HIGH}, {"MAPPA_IDENTIFY", CK_SEV_CRITICAL},
    {"VCS_REFERRAL", CK_SEV_CRITICAL}, {"VCS_FIRST_CONTACT", CK_SEV_CRITICAL}, {"VCS_FLAG", CK_SEV_HIGH},
    {"VCS_REPRESENTATIONS", CK_SEV_CRITICAL}, {"VCS_RELEASE_NOTICE", CK_SEV_CRITICAL},
    {"VCS_RECALL_NOTICE", CK_SEV_CRITICAL}, {"VCS_NONSTATUTORY", CK_SEV_HIGH}, {"REPORT_DUE", CK_SEV_HIGH},
};

static bool severity_ok(const ck_obligation *o)
{
    for (size_t i = 0; i < sizeof SEVERITY / sizeof SEVERITY[0]; i++)
        if (strcmp(SEVERITY[i].rule, o->rule) == 0) return SEVERITY[i].sev == o->severity;
    return false;
}

static void run_rows(const row *rows, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const row *rw = &rows[i];
        ck_case *c = build(rw->facts);
        ck_rules_config *cfg = NULL;
        if (rw->cfg) {
            char err[256];
            cfg = ck_rulecfg_parse(rw->cfg, strlen(rw->cfg), err, sizeof err);
            if (!cfg) fail_msg("%s: config: %s", rw->name, err);
        }
        ck_result *r = ck_rules_evaluate(c, D(rw->as_of), ck_calendar_default(), cfg ? cfg : ck_rulecfg_default());
        bool row_bad = false;
        for (size_t j = 0; j < r->n_obligations; j++) {
            if (severity_ok(&r->obligations[j])) continue;
            print_message("FAIL %s: %s %s has severity %s\n", rw->name, r->obligations[j].rule,
                          r->obligations[j].subject, ck_severity_name(r->obligations[j].severity));
            row_bad = true;
        }
        for (int j = 0; j < 12 && rw->expect[j]; j++) {
            char msg[1024];
            const char *why = check(r, rw->expect[j], msg, sizeof msg);
            if (!why) continue;
            print_message("FAIL %s: \"%s\": %s\n", rw->name, rw->expect[j], why);
            row_bad = true;
        }
        if (row_bad) {
            dump(r);
            bad++;
        }
        ck_result_free(r);
        ck_rulecfg_free(cfg);
        ck_case_free(c);
    }
    assert_int_equal(bad, 0);
}

#define RUN(rows) run_rows(rows, sizeof rows / sizeof rows[0])

/* Common facts. A community order sentenced Monday 2 June 2025 (no bank
 * holiday until 25 August): + 1 WD = 3 June, + 3 WD = 5 June, + 5 WD = 9 June,
 * + 10 WD = 16 June, + 15 WD = 23 June, + 20 WD = 30 June. */
#define CO "event E1 type=community_order date=2025-06-02 end_date=2026-06-01 offence=theft\n"
#define CO_JAN "event E1 type=community_order date=2025-01-06 end_date=2027-01-05 offence=theft\n"
/* A licence released 2 June 2025, not yet two-thirds through. */
#define LIC "event E1 type=custody date=2024-01-10 length_months=48 release_date=2025-06-02 end_date=2027-01-09 offence=theft\n"
#define UNRELEASED "event E1 type=custody date=2025-06-02 length_months=24 end_date=2027-06-01 offence=theft\n"
#define ATT(id, date) "contact " id " event=E1 date=" date " outcome=ATTC\n"
#define FAIL(id, date) "contact " id " event=E1 date=" date " outcome=AFTA\n"

/* ---- Allocation and contact ---------------------------------------------------------- */

static void test_allocate(void **state)
{
    (void)state;
    static const row rows[] = {
        {"met on the due date", CO "allocation AL1 from=2025-06-05 staff_code=N07P001\n", "2025-06-10", NULL,
         {"ALLOCATE case 2025-06-05 met 2025-06-05", "~ALLOCATE case allocation AL1 to N07P001"}},
        {"open on the due date", CO, "2025-06-05", NULL, {"ALLOCATE case 2025-06-05 open"}},
        {"overdue the day after", CO, "2025-06-06", NULL, {"ALLOCATE case 2025-06-05 overdue"}},
        {"met late", CO "allocation AL1 from=2025-06-06 staff_code=N07P001\n", "2025-06-10", NULL,
         {"ALLOCATE case 2025-06-05 met_late 2025-06-06"}},
        {"an allocation from before the sentence, still in force, meets on its from",
         CO "allocation AL1 from=2025-01-01 staff_code=N07P001\n", "2025-06-10", NULL,
         {"ALLOCATE case 2025-06-05 met 2025-01-01"}},
        {"an allocation ended before the sentence does not meet",
         CO "allocation AL1 from=2025-01-01 to=2025-05-31 staff_code=N07P001\n", "2025-06-10", NULL,
         {"ALLOCATE case 2025-06-05 overdue"}},
        {"a practitioner on long-term absence is not in post",
         CO "allocation AL1 from=2025-06-03 staff_code=N07P001 staff_long_term_absence_from=2025-06-01\n",
         "2025-06-10", NULL, {"ALLOCATE case 2025-06-05 overdue", "-ALLOCATE allocation:AL1"}},
        {"a practitioner who left that day is not in post",
         CO "allocation AL1 from=2025-06-03 staff_code=N07P001 staff_left_on=2025-06-03\n", "2025-06-10", NULL,
         {"ALLOCATE case 2025-06-05 overdue", "ALLOCATE allocation:AL1 2025-06-06 overdue"}},
        {"high-risk at the sentence date: 1 WD", CO "assessment AS1 kind=rosh completed=2025-05-20 level=high\n",
         "2025-06-04", NULL, {"ALLOCATE case 2025-06-03 overdue", "~ALLOCATE case high-risk"}},
        {"MAPPA level 2 at the sentence date: 1 WD", CO "registration G1 type=MAPP date=2025-05-01 level=M2 category=M2\n",
         "2025-06-04", NULL, {"ALLOCATE case 2025-06-03 overdue"}},
        {"MAPPA level 1 is not high-risk", CO "registration G1 type=MAPP date=2025-05-01 level=M1 category=M2\n",
         "2025-06-04", NULL, {"ALLOCATE case 2025-06-05 open"}},
        {"a high RoSH after the sentence date does not count",
         CO "assessment AS1 kind=rosh completed=2025-06-03 level=very_high\n", "2025-06-04", NULL,
         {"ALLOCATE case 2025-06-05 open"}},
        {"two RoSH on one day: the higher counts",
         CO "assessment AS1 kind=rosh completed=2025-05-20 level=high\n"
            "assessment AS2 kind=rosh completed=2025-05-20 level=low\n",
         "2025-06-04", NULL, {"ALLOCATE case 2025-06-03 overdue"}},
        {"the anchor is the earliest sentence in force",
         CO "event E2 type=sso date=2025-03-03 end_date=2026-03-02 offence=theft\n"
            "allocation AL1 from=2025-06-02 staff_code=N07P001\n",
         "2025-06-10", NULL, {"ALLOCATE case 2025-03-06 met_late 2025-06-02"}},
        {"custody before release: from the sentence date", UNRELEASED, "2025-06-10", NULL,
         {"ALLOCATE case 2025-06-05 overdue"}},
        {"not when the sentence has ended",
         "event E1 type=community_order date=2024-01-08 end_date=2025-01-07 offence=theft\n", "2025-06-10", NULL,
         {"-ALLOCATE case"}},
        {"not when terminated", "event E1 type=community_order date=2025-06-02 end_date=2026-06-01 terminated_on=2025-06-04 offence=theft\n",
         "2025-06-10", NULL, {"-ALLOCATE case"}},
        {"not for a hospital order", "event E1 type=hospital_order date=2025-06-02 offence=violence\n", "2025-06-10",
         NULL, {"-ALLOCATE case"}},
        {"not before the sentence is known", CO, "2025-06-01", NULL, {"-ALLOCATE case"}},
        {"long-term absence from the allocation's first day: not in post then",
         CO "allocation AL1 from=2025-06-03 staff_code=N07P001 staff_long_term_absence_from=2025-06-03\n",
         "2025-06-10", NULL, {"ALLOCATE case 2025-06-05 overdue", "ALLOCATE allocation:AL1 2025-06-06 overdue"}},
        {"a practitioner leaving on the anchor date raises the leaver obligation (anchor <= L)",
         CO "allocation AL1 from=2025-05-01 staff_code=N07P001 staff_left_on=2025-06-02\n", "2025-06-10", NULL,
         {"ALLOCATE case 2025-06-05 overdue", "ALLOCATE allocation:AL1 2025-06-05 overdue"}},
    };
    RUN(rows);
}

/* AL1's practitioner leaves on Tuesday 1 July 2025: + 3 WD = 4 July. */
#define LEAVER CO "allocation AL1 from=2025-06-02 staff_code=N07P001 staff_left_on=2025-07-01\n"

static void test_allocate_leaver(void **state)
{
    (void)state;
    static const row rows[] = {
        {"met on the due date", LEAVER "allocation AL2 from=2025-07-04 staff_code=N07P002\n", "2025-07-10", NULL,
         {"ALLOCATE allocation:AL1 2025-07-04 met 2025-07-04", "ALLOCATE case 2025-06-05 met 2025-06-02",
          "~ALLOCATE allocation:AL1 left 2025-07-01"}},
        {"open on the due date", LEAVER, "2025-07-04", NULL, {"ALLOCATE allocation:AL1 2025-07-04 open"}},
        {"overdue the day after", LEAVER, "2025-07-07", NULL, {"ALLOCATE allocation:AL1 2025-07-04 overdue"}},
        {"long-term absence, met late",
         CO "allocation AL1 from=2025-06-02 staff_code=N07P001 staff_long_term_absence_from=2025-07-01\n"
            "allocation AL2 from=2025-07-07 staff_code=N07P002\n",
         "2025-07-10", NULL,
         {"ALLOCATE allocation:AL1 2025-07-04 met_late 2025-07-07", "~ALLOCATE allocation:AL1 long-term absence"}},
        {"high-risk on the leaving date: 1 WD", LEAVER "assessment AS1 kind=rosh completed=2025-06-20 level=high\n",
         "2025-07-10", NULL, {"ALLOCATE allocation:AL1 2025-07-02 overdue", "ALLOCATE case 2025-06-05 met 2025-06-02"}},
        {"an allocation to a practitioner not in post does not meet",
         LEAVER "allocation AL2 from=2025-07-02 staff_code=N07P002 staff_long_term_absence_from=2025-06-01\n",
         "2025-07-10", NULL, {"ALLOCATE allocation:AL1 2025-07-04 overdue", "-ALLOCATE allocation:AL2"}},
        {"a co-allocation already in force meets on its from",
         LEAVER "allocation AL2 from=2025-06-15 staff_code=N07P002\n", "2025-07-10", NULL,
         {"ALLOCATE allocation:AL1 2025-07-04 met 2025-06-15"}},
        {"left before the sentence: no leaver obligation",
         CO "allocation AL1 from=2025-01-01 staff_code=N07P001 staff_left_on=2025-05-01\n", "2025-07-10", NULL,
         {"-ALLOCATE allocation:AL1", "ALLOCATE case 2025-06-05 overdue"}},
        {"a leaving date after as_of is not yet known", LEAVER, "2025-06-20", NULL, {"-ALLOCATE allocation:AL1"}},
        {"an allocation ended before the leaving date",
         CO "allocation AL1 from=2025-06-02 to=2025-06-30 staff_code=N07P001 staff_left_on=2025-07-01\n",
         "2025-07-10", NULL, {"-ALLOCATE allocation:AL1"}},
    };
    RUN(rows);
}

static void test_induction(void **state)
{
    (void)state;
    static const row rows[] = {
        {"met on the due date", CO ATT("C1", "2025-06-09"), "2025-06-20", NULL,
         {"INDUCTION event:E1 2025-06-09 met 2025-06-09"}},
        {"open on the due date", CO, "2025-06-09", NULL, {"INDUCTION event:E1 2025-06-09 open"}},
        {"overdue the day after", CO, "2025-06-10", NULL, {"INDUCTION event:E1 2025-06-09 overdue"}},
        {"met late", CO ATT("C1", "2025-06-10"), "2025-06-20", NULL, {"INDUCTION event:E1 2025-06-09 met_late 2025-06-10"}},
        {"attended includes a failed drug test", CO "contact C1 event=E1 date=2025-06-05 outcome=TDRT\n", "2025-06-20",
         NULL, {"INDUCTION event:E1 2025-06-09 met 2025-06-05"}},
        {"a failure to attend does not meet", CO FAIL("C1", "2025-06-04"), "2025-06-20", NULL,
         {"INDUCTION event:E1 2025-06-09 overdue"}},
        {"a non-NS contact does not meet", CO "contact C1 event=E1 date=2025-06-04 outcome=ATTC national_standard=false\n",
         "2025-06-20", NULL, {"INDUCTION event:E1 2025-06-09 overdue"}},
        {"a contact on the sentence date meets", CO ATT("C1", "2025-06-02"), "2025-06-20", NULL,
         {"INDUCTION event:E1 2025-06-09 met 2025-06-02"}},
        {"a contact before the sentence does not meet", CO ATT("C1", "2025-05-30"), "2025-06-20", NULL,
         {"INDUCTION event:E1 2025-06-09 overdue"}},
        {"a contact of another event does not meet",
         CO "event E2 type=community_order date=2025-06-02 end_date=2026-06-01 offence=theft\n"
            "contact C1 event=E2 date=2025-06-04 outcome=ATTC\n",
         "2025-06-20", NULL, {"INDUCTION event:E1 2025-06-09 overdue", "INDUCTION event:E2 2025-06-09 met 2025-06-04"}},
        {"a contact dated after as_of is not yet known", CO ATT("C1", "2025-06-12"), "2025-06-10", NULL,
         {"INDUCTION event:E1 2025-06-09 overdue"}},
        {"licence: release + 1 WD", LIC ATT("C1", "2025-06-03"), "2025-06-20", NULL,
         {"INDUCTION event:E1 2025-06-03 met 2025-06-03", "~INDUCTION event:E1 release + 1 WD"}},
        {"not before release", UNRELEASED, "2025-06-20", NULL, {"-INDUCTION event:E1"}},
        {"a licence of one day (recalled the day after release) is a period that started",
         LIC ATT("C1", "2025-06-02") "recall R1 event=E1 date=2025-06-03\n", "2025-06-20", NULL,
         {"INDUCTION event:E1 2025-06-03 met 2025-06-02"}},
        {"not for a hospital order", "event E1 type=hospital_order date=2025-06-02 offence=violence\n", "2025-06-20",
         NULL, {"-INDUCTION event:E1"}},
    };
    RUN(rows);
}

static void test_contact(void **state)
{
    (void)state;
    static const row rows[] = {
        {"met on the due date, met late, open on the due date",
         CO ATT("C1", "2025-06-04") ATT("C2", "2025-06-11") ATT("C3", "2025-06-19"), "2025-06-26", NULL,
         {"CONTACT contact:C1 2025-06-11 met 2025-06-11", "CONTACT contact:C2 2025-06-18 met_late 2025-06-19",
          "CONTACT contact:C3 2025-06-26 open", "~CONTACT contact:C3 on day 17 of the community_order"}},
        {"overdue the day after", CO ATT("C1", "2025-06-04") ATT("C2", "2025-06-11") ATT("C3", "2025-06-19"),
         "2025-06-27", NULL, {"CONTACT contact:C3 2025-06-26 overdue"}},
        {"one a day: the smallest contact ID; a same-day contact does not meet",
         CO ATT("C3A", "2025-06-19") ATT("C1", "2025-06-11") ATT("C3", "2025-06-19"), "2025-06-20", NULL,
         {"CONTACT contact:C1 2025-06-18 met_late 2025-06-19", "CONTACT contact:C3 2025-06-26 open",
          "-CONTACT contact:C3A"}},
        {"day 83: 7 days", CO ATT("C1", "2025-08-24"), "2025-08-25", NULL, {"CONTACT contact:C1 2025-08-31 open"}},
        {"day 84: 14 days", CO ATT("C1", "2025-08-25"), "2025-08-25", NULL, {"CONTACT contact:C1 2025-09-08 open"}},
        {"day 167: 14 days", CO ATT("C1", "2025-11-16"), "2025-11-17", NULL, {"CONTACT contact:C1 2025-11-30 open"}},
        {"day 168: 28 days", CO ATT("C1", "2025-11-17"), "2025-11-17", NULL,
         {"CONTACT contact:C1 2025-12-15 open", "~CONTACT contact:C1 28-day interval on day 168"}},
        {"high-risk on the contact date: 7 days",
         CO ATT("C1", "2025-11-17") "assessment AS1 kind=rosh completed=2025-11-01 level=high\n", "2025-11-17", NULL,
         {"CONTACT contact:C1 2025-11-24 open", "~CONTACT contact:C1 high-risk"}},
        {"high-risk only after the contact date does not count",
         CO ATT("C1", "2025-11-17") "assessment AS1 kind=rosh completed=2025-11-20 level=high\n", "2025-11-20", NULL,
         {"CONTACT contact:C1 2025-12-15 open"}},
        {"failures and non-NS contacts are no links and do not meet",
         CO ATT("C1", "2025-06-04") FAIL("C2", "2025-06-08")
            "contact C3 event=E1 date=2025-06-09 outcome=ATTC national_standard=false\n",
         "2025-06-20", NULL, {"CONTACT contact:C1 2025-06-11 overdue", "-CONTACT contact:C2", "-CONTACT contact:C3"}},
        {"a link due after the order ends is dropped",
         "event E1 type=community_order date=2025-06-02 end_date=2025-06-30 offence=theft\n" ATT("C1", "2025-06-23")
             ATT("C2", "2025-06-25"),
         "2025-07-05", NULL, {"CONTACT contact:C1 2025-06-30 met 2025-06-25", "-CONTACT contact:C2"}},
        {"a link due the day after the order ends is dropped",
         "event E1 type=community_order date=2025-06-02 end_date=2025-06-30 offence=theft\n" ATT("C1", "2025-06-22")
             ATT("C2", "2025-06-24"),
         "2025-07-05", NULL, {"CONTACT contact:C1 2025-06-29 met 2025-06-24", "-CONTACT contact:C2"}},
        {"termination stops contact",
         "event E1 type=community_order date=2025-06-02 end_date=2026-06-01 terminated_on=2025-06-20 offence=theft\n"
             ATT("C1", "2025-06-10") ATT("C2", "2025-06-16"),
         "2025-06-30", NULL, {"CONTACT contact:C1 2025-06-17 met 2025-06-16", "-CONTACT contact:C2"}},
        {"a recall stops contact on a licence",
         LIC ATT("C1", "2025-06-10") ATT("C2", "2025-06-16") ATT("C3", "2025-06-25") "recall R1 event=E1 date=2025-06-20\n",
         "2025-06-30", NULL, {"CONTACT contact:C1 2025-06-17 met 2025-06-16", "-CONTACT contact:C2", "-CONTACT contact:C3"}},
        {"a contact before the period is no link", CO ATT("C1", "2025-05-30"), "2025-06-20", NULL, {"-CONTACT contact:C1"}},
        {"custody before release has no contact", UNRELEASED ATT("C1", "2025-06-04"), "2025-06-20", NULL,
         {"-CONTACT contact:C1"}},
    };
    RUN(rows);
}

/* C1 attended Wednesday 4 June: CONTACT due 11 June, NEXT_APPOINTMENT due 5 June. */
#define NEXT CO ATT("C1", "2025-06-04")

static void test_next_appointment(void **state)
{
    (void)state;
    static const row rows[] = {
        {"met on its booking date", NEXT "contact C2 event=E1 date=2025-06-11 booked_on=2025-06-05\n", "2025-06-06",
         NULL, {"NEXT_APPOINTMENT contact:C1 2025-06-05 met 2025-06-05"}},
        {"no booking date: met on the contact date", NEXT "contact C2 event=E1 date=2025-06-11\n", "2025-06-06", NULL,
         {"NEXT_APPOINTMENT contact:C1 2025-06-05 met 2025-06-04"}},
        {"booked late", NEXT "contact C2 event=E1 date=2025-06-11 booked_on=2025-06-06\n", "2025-06-06", NULL,
         {"NEXT_APPOINTMENT contact:C1 2025-06-05 met_late 2025-06-06"}},
        {"open on the due date", NEXT, "2025-06-05", NULL, {"NEXT_APPOINTMENT contact:C1 2025-06-05 open"}},
        {"overdue the day after", NEXT, "2025-06-06", NULL, {"NEXT_APPOINTMENT contact:C1 2025-06-05 overdue"}},
        {"a non-NS appointment does not meet",
         NEXT "contact C2 event=E1 date=2025-06-10 booked_on=2025-06-05 national_standard=false\n", "2025-06-06",
         NULL, {"NEXT_APPOINTMENT contact:C1 2025-06-05 overdue"}},
        {"a booking made after as_of is not yet known", NEXT "contact C2 event=E1 date=2025-06-11 booked_on=2025-06-07\n",
         "2025-06-06", NULL, {"NEXT_APPOINTMENT contact:C1 2025-06-05 overdue"}},
        {"only for the latest link", NEXT ATT("C2", "2025-06-06"), "2025-06-06", NULL,
         {"-NEXT_APPOINTMENT contact:C1", "NEXT_APPOINTMENT contact:C2 2025-06-09 open"}},
        {"not once the period has ended",
         "event E1 type=community_order date=2025-06-02 end_date=2025-06-30 offence=theft\n" ATT("C1", "2025-06-20"),
         "2025-07-02", NULL, {"-NEXT_APPOINTMENT contact:C1", "CONTACT contact:C1 2025-06-27 overdue"}},
    };
    RUN(rows);
}

static void test_outcome(void **state)
{
    (void)state;
    static const row rows[] = {
        {"recorded on the due date", CO "contact C1 event=E1 date=2025-06-04 outcome=ATTC outcome_on=2025-06-05\n",
         "2025-06-10", NULL, {"OUTCOME contact:C1 2025-06-05 met 2025-06-05"}},
        {"recorded late", CO "contact C1 event=E1 date=2025-06-04 outcome=ATTC outcome_on=2025-06-06\n", "2025-06-10",
         NULL, {"OUTCOME contact:C1 2025-06-05 met_late 2025-06-06"}},
        {"no outcome date: the appointment date", CO ATT("C1", "2025-06-04"), "2025-06-10", NULL,
         {"OUTCOME contact:C1 2025-06-05 met 2025-06-04"}},
        {"open on the due date", CO "contact C1 event=E1 date=2025-06-04\n", "2025-06-05", NULL,
         {"OUTCOME contact:C1 2025-06-05 open"}},
        {"overdue the day after", CO "contact C1 event=E1 date=2025-06-04\n", "2025-06-06", NULL,
         {"OUTCOME contact:C1 2025-06-05 overdue"}},
        {"an outcome recorded after as_of is not yet known",
         CO "contact C1 event=E1 date=2025-06-04 outcome=ATTC outcome_on=2025-06-07\n", "2025-06-06", NULL,
         {"OUTCOME contact:C1 2025-06-05 overdue"}},
        {"non-NS appointments too", CO "contact C1 event=E1 date=2025-06-04 national_standard=false\n", "2025-06-06",
         NULL, {"OUTCOME contact:C1 2025-06-05 overdue"}},
        {"not for an appointment dated as_of", CO "contact C1 event=E1 date=2025-06-04\n", "2025-06-04", NULL,
         {"-OUTCOME contact:C1"}},
        {"not for a contact that is no appointment", CO "contact C1 event=E1 date=2025-06-04 appointment=false\n",
         "2025-06-10", NULL, {"-OUTCOME contact:C1"}},
    };
    RUN(rows);
}

static void test_address(void **state)
{
    (void)state;
    static const row rows[] = {
        {"an address from before the start", CO "address A1 from=2024-01-01\n", "2025-06-12", NULL,
         {"ADDRESS case 2025-06-09 met 2024-01-01"}},
        {"met late", CO "address A1 from=2025-06-10\n", "2025-06-12", NULL, {"ADDRESS case 2025-06-09 met_late 2025-06-10"}},
        {"no fixed abode", CO "nfa 2025-06-05\n", "2025-06-12", NULL, {"ADDRESS case 2025-06-09 met 2025-06-05"}},
        {"open on the due date", CO, "2025-06-09", NULL, {"ADDRESS case 2025-06-09 open"}},
        {"overdue the day after", CO, "2025-06-10", NULL, {"ADDRESS case 2025-06-09 overdue"}},
        {"an address that ended does not meet", CO "address A1 from=2024-01-01 to=2025-05-31\n", "2025-06-12", NULL,
         {"ADDRESS case 2025-06-09 overdue"}},
        {"only a main address meets", CO "address A1 from=2024-01-01 kind=postal\n", "2025-06-12", NULL,
         {"ADDRESS case 2025-06-09 overdue"}},
        {"the earliest start among active periods",
         CO "event E2 type=sso date=2025-03-03 end_date=2026-03-02 offence=theft\n", "2025-06-12", NULL,
         {"ADDRESS case 2025-03-10 overdue"}},
        {"a licence starts at release", LIC, "2025-06-12", NULL, {"ADDRESS case 2025-06-09 overdue"}},
        {"not without an active period", UNRELEASED, "2025-06-12", NULL, {"-ADDRESS case"}},
        /* A recall on the release date: the licence's last day is the day
         * before its first, so it is never active. */
        {"a licence recalled on its release date is never active", LIC "recall R1 event=E1 date=2025-06-02\n",
         "2025-06-12", NULL, {"-ADDRESS case"}},
    };
    RUN(rows);
}

/* An order that ended Monday 2 June 2025: + 5 WD = 9 June. */
#define ENDED "event E1 type=community_order date=2024-06-03 end_date=2025-06-02 offence=theft"

static void test_terminate(void **state)
{
    (void)state;
    static const row rows[] = {
        {"terminated in time", ENDED " terminated_on=2025-06-05\n", "2025-06-12", NULL,
         {"TERMINATE event:E1 2025-06-09 met 2025-06-05"}},
        {"terminated late", ENDED " terminated_on=2025-06-10\n", "2025-06-12", NULL,
         {"TERMINATE event:E1 2025-06-09 met_late 2025-06-10"}},
        {"open on the due date", ENDED "\n", "2025-06-09", NULL, {"TERMINATE event:E1 2025-06-09 open"}},
        {"overdue the day after", ENDED "\n", "2025-06-10", NULL, {"TERMINATE event:E1 2025-06-09 overdue"}},
        {"not on the final day", ENDED "\n", "2025-06-02", NULL, {"-TERMINATE event:E1"}},
        {"the final end of a sentence with PSS is the PSS end",
         "event E1 type=custody date=2023-01-09 length_months=12 release_date=2023-07-10 end_date=2024-01-08 "
         "pss_end_date=2025-01-08 offence=theft\n",
         "2025-02-01", NULL, {"TERMINATE event:E1 2025-01-15 overdue"}},
        {"not for a hospital order without an end", "event E1 type=hospital_order date=2024-06-02 offence=violence\n",
         "2025-06-12", NULL, {"-TERMINATE event:E1"}},
    };
    RUN(rows);
}

/* A licence of 365 days, 1 July 2024 to 30 June 2025 (Sentencing 2024-01-10).
 * Two-thirds point T = start + floor(2 * 365 / 3) = start + 243 = Saturday
 * 1 March 2025; contact stops on 2 March; the review appointment is due
 * T + floor((30 June - 1 March) / 2) = T + 60 = 30 April 2025. */
#define RESET "event E1 type=custody date=2024-01-10 length_months=24 release_date=2024-07-01 end_date=2025-06-30 offence=theft\n"

static void test_probation_reset(void **state)
{
    (void)state;
    static const row rows[] = {
        {"open on the due date", RESET, "2025-04-30", NULL,
         {"REVIEW_APPOINTMENT event:E1 2025-04-30 open", "~REVIEW_APPOINTMENT event:E1 2025-03-01"}},
        {"overdue the day after", RESET, "2025-05-01", NULL, {"REVIEW_APPOINTMENT event:E1 2025-04-30 overdue"}},
        {"met by an attended NS contact in the final third", RESET ATT("C1", "2025-04-15"), "2025-05-10", NULL,
         {"REVIEW_APPOINTMENT event:E1 2025-04-30 met 2025-04-15"}},
        {"met late", RESET ATT("C1", "2025-05-02"), "2025-05-10", NULL,
         {"REVIEW_APPOINTMENT event:E1 2025-04-30 met_late 2025-05-02"}},
        {"the first day after the two-thirds point is in the final third", RESET ATT("C1", "2025-03-02"), "2025-05-10",
         NULL, {"REVIEW_APPOINTMENT event:E1 2025-04-30 met 2025-03-02"}},
        {"a contact on the two-thirds point itself is not in the final third", RESET ATT("C1", "2025-03-01"),
         "2025-05-10", NULL, {"REVIEW_APPOINTMENT event:E1 2025-04-30 overdue"}},
        {"not until the two-thirds point has passed", RESET, "2025-03-01", NULL, {"-REVIEW_APPOINTMENT event:E1"}},
        {"from the day after it", RESET, "2025-03-02", NULL, {"REVIEW_APPOINTMENT event:E1 2025-04-30 open"}},
        {"exempt: MAPPA, any level", RESET "registration G1 type=MAPP date=2024-08-01 level=M1 category=M1\n",
         "2025-05-10", NULL, {"-REVIEW_APPOINTMENT event:E1"}},
        {"exempt: very high RoSH", RESET "assessment AS1 kind=rosh completed=2024-08-01 level=very_high\n", "2025-05-10",
         NULL, {"-REVIEW_APPOINTMENT event:E1"}},
        {"a high RoSH is not exempt", RESET "assessment AS1 kind=rosh completed=2024-08-01 level=high\n", "2025-05-10",
         NULL, {"REVIEW_APPOINTMENT event:E1 2025-04-30 overdue"}},
        {"exempt: child protection", RESET "registration G1 type=RCPR date=2024-08-01\n", "2025-05-10", NULL,
         {"-REVIEW_APPOINTMENT event:E1"}},
        {"exemption is judged at as_of", RESET "registration G1 type=MAPP date=2024-08-01 level=M1 category=M1 deregistered=2025-01-01\n",
         "2025-05-10", NULL, {"REVIEW_APPOINTMENT event:E1 2025-04-30 overdue"}},
        {"contact stops the day after the two-thirds point",
         RESET ATT("C0", "2025-01-20") ATT("C2", "2025-02-10") ATT("C1", "2025-04-15"), "2025-05-10", NULL,
         {"CONTACT contact:C0 2025-02-17 met 2025-02-10", "-CONTACT contact:C2", "-CONTACT contact:C1",
          "REVIEW_APPOINTMENT event:E1 2025-04-30 met 2025-04-15"}},
        /* "T + 1 day >= 2024-06-07": released 7 June 2023, 548 days to 5
         * December 2024, T = start + 365 = 6 June 2024, so T + 1 day is the
         * reset's first day: owed, due T + floor(182 / 2) = 5 September 2024. */
        {"T + 1 day on the reset's first day: owed",
         "event E1 type=custody date=2023-01-09 length_months=30 release_date=2023-06-07 end_date=2024-12-05 offence=theft\n",
         "2024-07-01", NULL, {"REVIEW_APPOINTMENT event:E1 2024-09-05 open"}},
        /* "last >= T + 1 day": terminated 3 March 2025, the licence's last
         * day as cut is 2 March = T + 1 day: owed, due T + 0 days. */
        {"last day as cut on T + 1 day: owed",
         "event E1 type=custody date=2024-01-10 length_months=24 release_date=2024-07-01 end_date=2025-06-30 "
         "terminated_on=2025-03-03 offence=theft\n",
         "2025-03-10", NULL, {"REVIEW_APPOINTMENT event:E1 2025-03-01 overdue"}},
        {"last day as cut on T: not owed",
         "event E1 type=custody date=2024-01-10 length_months=24 release_date=2024-07-01 end_date=2025-06-30 "
         "terminated_on=2025-03-02 offence=theft\n",
         "2025-03-10", NULL, {"-REVIEW_APPOINTMENT event:E1"}},
        {"switched off: no reset", RESET ATT("C1", "2025-04-15"), "2025-05-20", "probation_reset = off\n",
         {"-REVIEW_APPOINTMENT event:E1", "CONTACT contact:C1 2025-05-13 overdue"}},
        {"two-thirds point before the reset began: contact stops on 7 June 2024, no review appointment",
         "event E1 type=custody date=2022-01-03 length_months=48 release_date=2023-01-02 end_date=2024-12-31 offence=theft\n"
             ATT("C1", "2024-05-01") ATT("C2", "2024-05-20") ATT("C3", "2024-06-10"),
         "2024-07-01", NULL,
         {"-REVIEW_APPOINTMENT event:E1", "CONTACT contact:C1 2024-05-29 met 2024-05-20", "-CONTACT contact:C2",
          "-CONTACT contact:C3"}},
        {"PSS: contact stops at its start",
         "event E1 type=custody date=2023-01-09 length_months=12 release_date=2023-07-10 end_date=2024-01-08 "
         "pss_end_date=2025-01-08 offence=theft\n" ATT("C1", "2024-03-01") ATT("C2", "2024-06-10"),
         "2024-07-01", NULL, {"CONTACT contact:C1 2024-03-08 met_late 2024-06-10", "-CONTACT contact:C2"}},
        /* Released 2 September 2024 to 2 March 2025 (182 days), PSS to 2 March
         * 2026: T = start + 121 = 1 January 2025. The PSS stops contact only
         * from its own start; the licence runs to T + 1 day: C1 on day 8
         * starts a 7-day link. */
        {"a licence followed by PSS: contact on the licence runs to T + 1 day",
         "event E1 type=custody date=2024-03-04 length_months=12 release_date=2024-09-02 end_date=2025-03-02 "
         "pss_end_date=2026-03-02 offence=theft\n" ATT("C1", "2024-09-10"),
         "2024-10-01", NULL, {"CONTACT contact:C1 2024-09-17 overdue"}},
        {"PSS of an exempt case keeps contact",
         "event E1 type=custody date=2023-01-09 length_months=12 release_date=2023-07-10 end_date=2024-01-08 "
         "pss_end_date=2025-01-08 offence=theft\n" ATT("C2", "2024-06-10")
         "registration G1 type=RCPR date=2024-01-01\n",
         "2024-07-01", NULL, {"CONTACT contact:C2 2024-06-24 overdue"}},
        {"community orders are not affected",
         "event E1 type=community_order date=2023-01-09 end_date=2025-01-08 offence=theft\n" ATT("C1", "2024-12-01"),
         "2024-12-20", NULL, {"CONTACT contact:C1 2024-12-29 open", "-REVIEW_APPOINTMENT event:E1"}},
    };
    RUN(rows);
}

/* ---- Enforcement -------------------------------------------------------------------- */

/* Failure C1 on Monday 2 June 2025 during a community order: due 16 June. */
#define FAILED CO_JAN FAIL("C1", "2025-06-02")
/* A first warning on 4 March 2025 for an earlier failure on the same order. */
#define WARNED FAILED FAIL("C0", "2025-03-03") "enforcement EN0 event=E1 contact=C0 date=2025-03-04 action=first_warning\n"

static void test_enforce(void **state)
{
    (void)state;
    static const row rows[] = {
        {"a warning on the due date", FAILED "enforcement EN1 event=E1 contact=C1 date=2025-06-16 action=first_warning\n",
         "2025-06-20", NULL, {"ENFORCE contact:C1 2025-06-16 met 2025-06-16"}},
        {"met late", FAILED "enforcement EN1 event=E1 contact=C1 date=2025-06-17 action=first_warning\n", "2025-06-20",
         NULL, {"ENFORCE contact:C1 2025-06-16 met_late 2025-06-17"}},
        {"open on the due date", FAILED, "2025-06-16", NULL, {"ENFORCE contact:C1 2025-06-16 open"}},
        {"overdue the day after", FAILED, "2025-06-17", NULL, {"ENFORCE contact:C1 2025-06-16 overdue"}},
        {"no further action with a reason",
         FAILED "enforcement EN1 event=E1 contact=C1 date=2025-06-03 action=no_further_action reason=Medical_evidence\n",
         "2025-06-20", NULL, {"ENFORCE contact:C1 2025-06-16 met 2025-06-03"}},
        {"no further action with a blank reason does not meet",
         FAILED "enforcement EN1 event=E1 contact=C1 date=2025-06-03 action=no_further_action reason=_\n", "2025-06-20",
         NULL, {"ENFORCE contact:C1 2025-06-16 overdue"}},
        {"an entry naming another contact does not meet",
         FAILED ATT("C2", "2025-06-01") "enforcement EN1 event=E1 contact=C2 date=2025-06-03 action=first_warning\n",
         "2025-06-20", NULL, {"ENFORCE contact:C1 2025-06-16 overdue"}},
        {"acceptable absence, attendance and non-NS failures are no failures",
         CO_JAN "contact C1 event=E1 date=2025-06-02 outcome=AAME\n" ATT("C2", "2025-06-02")
             "contact C3 event=E1 date=2025-06-02 outcome=AFTA national_standard=false\n",
         "2025-06-20", NULL, {"-ENFORCE contact:C1", "-ENFORCE contact:C2", "-ENFORCE contact:C3"}},
        {"unacceptable behaviour is a failure", CO_JAN "contact C1 event=E1 date=2025-06-02 outcome=UBHV appointment=false\n",
         "2025-06-20", NULL, {"ENFORCE contact:C1 2025-06-16 overdue"}},
        {"breach mandatory: a warning instead does not meet",
         WARNED "enforcement EN1 event=E1 contact=C1 date=2025-06-05 action=second_warning\n", "2025-06-20", NULL,
         {"ENFORCE contact:C1 2025-06-16 overdue", "~ENFORCE contact:C1 breach mandatory",
          "~ENFORCE contact:C1 second_warning EN1 recorded instead", "ENFORCE contact:C0 2025-03-17 met 2025-03-04"}},
        {"breach mandatory: met by breach initiated",
         WARNED "enforcement EN1 event=E1 contact=C1 date=2025-06-05 action=breach_initiated\n", "2025-06-20", NULL,
         {"ENFORCE contact:C1 2025-06-16 met 2025-06-05", "~ENFORCE contact:C1 breach mandatory"}},
        {"breach mandatory: a warning, then breach late",
         WARNED "enforcement EN1 event=E1 contact=C1 date=2025-06-05 action=second_warning\n"
                "enforcement EN2 event=E1 contact=C1 date=2025-06-18 action=breach_initiated\n",
         "2025-06-20", NULL, {"ENFORCE contact:C1 2025-06-16 met_late 2025-06-18"}},
        {"breach mandatory: no further action does not meet",
         WARNED "enforcement EN1 event=E1 contact=C1 date=2025-06-05 action=no_further_action reason=Ill\n", "2025-06-20",
         NULL, {"ENFORCE contact:C1 2025-06-16 overdue"}},
        {"a warning exactly 12 months before still counts",
         "event E1 type=community_order date=2024-01-08 end_date=2026-01-07 offence=theft\n" FAIL("C0", "2024-06-01")
         "enforcement EN0 event=E1 contact=C0 date=2024-06-02 action=first_warning\n" FAIL("C1", "2025-06-02")
         "enforcement EN1 event=E1 contact=C1 date=2025-06-03 action=first_warning\n",
         "2025-06-20", NULL, {"ENFORCE contact:C1 2025-06-16 overdue", "~ENFORCE contact:C1 breach mandatory"}},
        {"a warning more than 12 months before does not",
         "event E1 type=community_order date=2024-01-08 end_date=2026-01-07 offence=theft\n" FAIL("C0", "2024-05-31")
         "enforcement EN0 event=E1 contact=C0 date=2024-06-01 action=first_warning\n" FAIL("C1", "2025-06-02")
         "enforcement EN1 event=E1 contact=C1 date=2025-06-03 action=first_warning\n",
         "2025-06-20", NULL, {"ENFORCE contact:C1 2025-06-16 met 2025-06-03"}},
        {"a breach resolved since the warning resets it",
         WARNED "breach B1 event=E1 initiated=2025-03-10 pack_sent=2025-03-20 resolved=2025-05-01 outcome=proven\n"
                "enforcement EN1 event=E1 contact=C1 date=2025-06-03 action=first_warning\n",
         "2025-06-20", NULL, {"ENFORCE contact:C1 2025-06-16 met 2025-06-03"}},
        /* "Resolved between that warning and F": a resolution on the
         * warning's own date is read as between (order within a day is not
         * recorded; the reading that does not make breach mandatory). */
        {"a breach resolved on the warning's date resets it",
         WARNED "breach B1 event=E1 initiated=2025-02-10 pack_sent=2025-02-20 resolved=2025-03-04 outcome=proven\n"
                "enforcement EN1 event=E1 contact=C1 date=2025-06-03 action=first_warning\n",
         "2025-06-20", NULL, {"ENFORCE contact:C1 2025-06-16 met 2025-06-03"}},
        {"licence: a warning after a warning meets",
         "event E1 type=custody date=2024-01-10 length_months=48 release_date=2025-01-06 end_date=2027-01-09 offence=theft\n"
         FAIL("C0", "2025-03-03") "enforcement EN0 event=E1 contact=C0 date=2025-03-04 action=first_warning\n"
         FAIL("C1", "2025-06-02") "enforcement EN1 event=E1 contact=C1 date=2025-06-03 action=second_warning\n",
         "2025-06-20", NULL, {"ENFORCE contact:C1 2025-06-16 met 2025-06-03"}},
        {"not during PSS",
         "event E1 type=custody date=2023-01-09 length_months=12 release_date=2023-07-10 end_date=2024-01-08 "
         "pss_end_date=2025-01-08 offence=theft\n" FAIL("C1", "2024-03-01"),
         "2024-07-01", NULL, {"-ENFORCE contact:C1"}},
        {"not before the sentence", CO FAIL("C1", "2025-05-30"), "2025-06-20", NULL, {"-ENFORCE contact:C1"}},
    };
    RUN(rows);
}

#define BREACHED CO_JAN "breach B1 event=E1 initiated=2025-06-02"

static void test_breach_pack(void **state)
{
    (void)state;
    static const row rows[] = {
        {"sent on the due date", BREACHED " pack_sent=2025-06-16\n", "2025-06-20", NULL,
         {"BREACH_PACK breach:B1 2025-06-16 met 2025-06-16"}},
        {"sent late", BREACHED " pack_sent=2025-06-17\n", "2025-06-20", NULL,
         {"BREACH_PACK breach:B1 2025-06-16 met_late 2025-06-17"}},
        {"open on the due date", BREACHED "\n", "2025-06-16", NULL, {"BREACH_PACK breach:B1 2025-06-16 open"}},
        {"overdue the day after", BREACHED "\n", "2025-06-17", NULL, {"BREACH_PACK breach:B1 2025-06-16 overdue"}},
        {"withdrawn", BREACHED " resolved=2025-06-10 outcome=withdrawn\n", "2025-06-20", NULL,
         {"BREACH_PACK breach:B1 2025-06-16 met 2025-06-10"}},
        {"resolved otherwise without a pack", BREACHED " resolved=2025-06-10 outcome=proven\n", "2025-06-20", NULL,
         {"BREACH_PACK breach:B1 2025-06-16 overdue"}},
        {"not on a licence", LIC "breach B1 event=E1 initiated=2025-06-10\n", "2025-06-30", NULL,
         {"-BREACH_PACK breach:B1"}},
    };
    RUN(rows);
}

/* A licence from 6 January 2025; a final warning on 1 May; failure C1 on 2 June: due 3 June. */
#define FINAL "event E1 type=custody date=2024-01-10 length_months=36 release_date=2025-01-06 end_date=2026-07-05 offence=theft\n" \
    FAIL("C0", "2025-04-28") "enforcement EN0 event=E1 contact=C0 date=2025-05-01 action=final_warning\n"            \
    "contact C1 event=E1 date=2025-06-02 outcome=UAAB\n"

static void test_recall_decision(void **state)
{
    (void)state;
    static const row rows[] = {
        {"a recall on the due date", FINAL "recall R1 event=E1 date=2025-06-03\n", "2025-06-10", NULL,
         {"RECALL_DECISION contact:C1 2025-06-03 met 2025-06-03", "-RECALL_DECISION contact:C0"}},
        {"open on the due date", FINAL, "2025-06-03", NULL, {"RECALL_DECISION contact:C1 2025-06-03 open"}},
        {"overdue the day after", FINAL, "2025-06-04", NULL, {"RECALL_DECISION contact:C1 2025-06-03 overdue"}},
        {"a decision with a reason, late",
         FINAL "decision D1 rule=RECALL_DECISION subject=contact:C1 date=2025-06-04 reason=Arrested_and_remanded\n",
         "2025-06-10", NULL, {"RECALL_DECISION contact:C1 2025-06-03 met_late 2025-06-04"}},
        {"a decision without a reason does not meet",
         FINAL "decision D1 rule=RECALL_DECISION subject=contact:C1 date=2025-06-03\n", "2025-06-10", NULL,
         {"RECALL_DECISION contact:C1 2025-06-03 overdue"}},
        {"a decision naming another subject does not meet",
         FINAL "decision D1 rule=RECALL_DECISION subject=contact:C0 date=2025-06-03 reason=x\n", "2025-06-10", NULL,
         {"RECALL_DECISION contact:C1 2025-06-03 overdue"}},
        {"a decision naming another rule does not meet",
         FINAL "decision D1 rule=ENFORCE subject=contact:C1 date=2025-06-03 reason=x\n", "2025-06-10", NULL,
         {"RECALL_DECISION contact:C1 2025-06-03 overdue"}},
        {"recall requested: its date + 1 WD",
         FINAL "enforcement EN2 event=E1 contact=C1 date=2025-06-10 action=recall_requested\n"
               "recall R1 event=E1 date=2025-06-11\n",
         "2025-06-20", NULL, {"RECALL_DECISION enforcement:EN2 2025-06-11 met 2025-06-11"}},
        {"a recall on the request date meets it (on or after the trigger)",
         FINAL "enforcement EN2 event=E1 contact=C1 date=2025-06-10 action=recall_requested\n"
               "recall R1 event=E1 date=2025-06-10\n",
         "2025-06-20", NULL, {"RECALL_DECISION enforcement:EN2 2025-06-11 met 2025-06-10"}},
        {"a recall before the request does not meet it",
         FINAL "enforcement EN2 event=E1 contact=C1 date=2025-06-10 action=recall_requested\n"
               "recall R1 event=E1 date=2025-06-05\n",
         "2025-06-20", NULL, {"RECALL_DECISION enforcement:EN2 2025-06-11 overdue"}},
        {"not on a community order",
         CO_JAN FAIL("C0", "2025-04-28") "enforcement EN0 event=E1 contact=C0 date=2025-05-01 action=final_warning\n"
             FAIL("C1", "2025-06-02"),
         "2025-06-10", NULL, {"-RECALL_DECISION contact:C1"}},
        /* A failure "after a final_warning": one on the warning's own date is
         * not after it; one the next day (Friday 2 May; Monday 5 May is a bank
         * holiday) is, due Tuesday 6 May. */
        {"a failure on the final-warning date triggers nothing",
         FINAL "contact C2 event=E1 date=2025-05-01 outcome=UAAB\n", "2025-06-10", NULL,
         {"-RECALL_DECISION contact:C2", "RECALL_DECISION contact:C1 2025-06-03 overdue"}},
        {"a failure the day after the final warning triggers a decision",
         FINAL "contact C2 event=E1 date=2025-05-02 outcome=UAAB\n", "2025-06-10", NULL,
         {"RECALL_DECISION contact:C2 2025-05-06 overdue"}},
    };
    RUN(rows);
}

static void test_failures_to_comply(void **state)
{
    (void)state;
    static const row rows[] = {
        {"distinct dates", CO_JAN FAIL("C1", "2025-02-03") "contact C2 event=E1 date=2025-02-03 outcome=UAAB\n"
             FAIL("C3", "2025-03-03"), "2025-06-02", NULL, {"#ftc E1 2 2025-01-06"}},
        {"since the last resolution, not while a breach is active",
         CO_JAN FAIL("C1", "2025-02-03") FAIL("C3", "2025-03-03")
             "breach B1 event=E1 initiated=2025-03-10 pack_sent=2025-03-12 resolved=2025-04-15 outcome=proven\n"
             FAIL("C4", "2025-03-20") FAIL("C5", "2025-04-15") FAIL("C6", "2025-05-01"),
         "2025-06-02", NULL, {"#ftc E1 2 2025-04-15"}},
        {"an unresolved breach", CO_JAN FAIL("C1", "2025-02-03") "breach B1 event=E1 initiated=2025-03-10\n"
             FAIL("C4", "2025-03-20"), "2025-06-02", NULL, {"#ftc E1 1 2025-01-06"}},
        {"a resolution after as_of is not yet known",
         CO_JAN FAIL("C1", "2025-02-03") "breach B1 event=E1 initiated=2025-03-10 resolved=2025-06-10 outcome=proven\n"
             FAIL("C4", "2025-03-20"), "2025-06-02", NULL, {"#ftc E1 1 2025-01-06"}},
        {"acceptable absences and non-NS failures do not count",
         CO_JAN "contact C1 event=E1 date=2025-02-03 outcome=AAME\n"
                "contact C2 event=E1 date=2025-02-04 outcome=AFTA national_standard=false\n" ATT("C3", "2025-02-05"),
         "2025-06-02", NULL, {"#ftc E1 0 2025-01-06"}},
        {"only for a CO/SSO in force",
         "event E1 type=community_order date=2024-01-08 end_date=2025-01-07 offence=theft\n"
         "event E2 type=custody date=2024-01-10 length_months=48 release_date=2025-01-06 end_date=2027-01-09 offence=theft\n"
         "event E3 type=sso date=2025-01-06 end_date=2026-01-05 offence=theft\n",
         "2025-06-02", NULL, {"#noftc E1", "#noftc E2", "#ftc E3 0 2025-01-06"}},
    };
    RUN(rows);
}

/* ---- Risk and safeguarding ---------------------------------------------------------- */

static void test_rosh_initial(void **state)
{
    (void)state;
    static const row rows[] = {
        {"on the due date", CO "assessment AS1 kind=rosh completed=2025-06-23 level=low\n", "2025-06-30", NULL,
         {"ROSH_INITIAL event:E1 2025-06-23 met 2025-06-23"}},
        {"late", CO "assessment AS1 kind=rosh completed=2025-06-24 level=low\n", "2025-06-30", NULL,
         {"ROSH_INITIAL event:E1 2025-06-23 met_late 2025-06-24"}},
        {"open on the due date", CO, "2025-06-23", NULL, {"ROSH_INITIAL event:E1 2025-06-23 open"}},
        {"overdue the day after", CO, "2025-06-24", NULL, {"ROSH_INITIAL event:E1 2025-06-23 overdue"}},
        {"an assessment 84 days before the start counts", CO "assessment AS1 kind=rosh completed=2025-03-10 level=low\n",
         "2025-06-30", NULL, {"ROSH_INITIAL event:E1 2025-06-23 met 2025-03-10"}},
        {"85 days before does not", CO "assessment AS1 kind=rosh completed=2025-03-09 level=low\n", "2025-06-30", NULL,
         {"ROSH_INITIAL event:E1 2025-06-23 overdue"}},
        {"MAPPA level 2 at the start: 5 WD", CO "registration G1 type=MAPP date=2025-05-01 level=M2 category=M2\n",
         "2025-06-30", NULL, {"ROSH_INITIAL event:E1 2025-06-09 overdue"}},
        {"very high RoSH at the start: 5 WD", CO "assessment AS1 kind=rosh completed=2025-05-01 level=very_high\n",
         "2025-06-30", NULL, {"ROSH_INITIAL event:E1 2025-06-09 met 2025-05-01"}},
        {"high RoSH at the start: 15 WD", CO "assessment AS1 kind=rosh completed=2025-05-01 level=high\n", "2025-06-30",
         NULL, {"ROSH_INITIAL event:E1 2025-06-23 met 2025-05-01"}},
        {"MAPPA from after the start: 15 WD", CO "registration G1 type=MAPP date=2025-06-03 level=M3 category=M2\n",
         "2025-06-30", NULL, {"ROSH_INITIAL event:E1 2025-06-23 overdue"}},
        {"an assessment completed after as_of is not yet known",
         CO "assessment AS1 kind=rosh completed=2025-06-25 level=low\n", "2025-06-24", NULL,
         {"ROSH_INITIAL event:E1 2025-06-23 overdue"}},
        {"licence: from release", LIC, "2025-06-30", NULL, {"ROSH_INITIAL event:E1 2025-06-23 overdue"}},
        {"not before release", UNRELEASED, "2025-06-30", NULL, {"-ROSH_INITIAL event:E1"}},
    };
    RUN(rows);
}

#define ASSESSED CO_JAN "assessment AS1 kind=rosh completed=2025-01-20"

static void test_rosh_review(void **state)
{
    (void)state;
    static const row rows[] = {
        {"52 weeks", ASSESSED " level=low\n", "2025-06-02", NULL, {"ROSH_REVIEW assessment:AS1 2026-01-19 open"}},
        {"met on the due date", ASSESSED " level=low\nassessment AS2 kind=rosh completed=2026-01-19 level=low\n",
         "2026-02-01", NULL,
         {"ROSH_REVIEW assessment:AS1 2026-01-19 met 2026-01-19", "ROSH_REVIEW assessment:AS2 2027-01-18 open"}},
        {"met late", ASSESSED " level=low\nassessment AS2 kind=rosh completed=2026-01-20 level=low\n", "2026-02-01", NULL,
         {"ROSH_REVIEW assessment:AS1 2026-01-19 met_late 2026-01-20"}},
        {"overdue the day after", ASSESSED " level=low\n", "2026-01-20", NULL,
         {"ROSH_REVIEW assessment:AS1 2026-01-19 overdue"}},
        {"high-risk at completion: 26 weeks", ASSESSED " level=high\n", "2025-06-02", NULL,
         {"ROSH_REVIEW assessment:AS1 2025-07-21 open"}},
        {"MAPPA level 3 at completion: 26 weeks",
         ASSESSED " level=low\nregistration G1 type=MAPP date=2025-01-10 level=M3 category=M1\n", "2025-06-02", NULL,
         {"ROSH_REVIEW assessment:AS1 2025-07-21 open"}},
        {"a second assessment the same day does not meet",
         ASSESSED " level=low\nassessment AS2 kind=rosh completed=2025-01-20 level=medium\n", "2025-06-02", NULL,
         {"ROSH_REVIEW assessment:AS1 2026-01-19 open", "ROSH_REVIEW assessment:AS2 2026-01-19 open"}},
        {"never later than 55 weeks", ASSESSED " level=low\n", "2025-06-02", "rosh_review_weeks = 60\n",
         {"ROSH_REVIEW assessment:AS1 2026-02-09 open", "~ROSH_REVIEW assessment:AS1 55 weeks"}},
        {"no active period: unmet ones are dropped, met ones kept as history",
         "event E1 type=community_order date=2024-05-01 end_date=2025-05-01 offence=theft\n"
         "assessment AS1 kind=rosh completed=2025-01-20 level=low\nassessment AS2 kind=rosh completed=2025-03-01 level=low\n",
         "2025-06-02", NULL,
         {"ROSH_REVIEW assessment:AS1 2026-01-19 met 2025-03-01", "-ROSH_REVIEW assessment:AS2"}},
    };
    RUN(rows);
}

#define CHANGED CO_JAN "assessment AS1 kind=rosh completed=2025-05-01 level=low\n"

static void test_rosh_change(void **state)
{
    (void)state;
    static const row rows[] = {
        {"a change, reassessed on the due date",
         CHANGED "change CH1 date=2025-06-02 kind=relationship\nassessment AS2 kind=rosh completed=2025-06-16 level=medium\n",
         "2025-06-20", NULL, {"ROSH_CHANGE change:CH1 2025-06-16 met 2025-06-16"}},
        {"open on the due date", CHANGED "change CH1 date=2025-06-02 kind=address\n", "2025-06-16", NULL,
         {"ROSH_CHANGE change:CH1 2025-06-16 open", "~ROSH_CHANGE change:CH1 RoSH AS1 2025-05-01 on record"}},
        {"overdue the day after", CHANGED "change CH1 date=2025-06-02 kind=address\n", "2025-06-17", NULL,
         {"ROSH_CHANGE change:CH1 2025-06-16 overdue"}},
        {"late", CHANGED "change CH1 date=2025-06-02 kind=arrest\nassessment AS2 kind=rosh completed=2025-06-17 level=medium\n",
         "2025-06-20", NULL, {"ROSH_CHANGE change:CH1 2025-06-16 met_late 2025-06-17"}},
        {"an assessment on the day of the change meets it",
         CHANGED "change CH1 date=2025-06-02 kind=arrest\nassessment AS2 kind=rosh completed=2025-06-02 level=medium\n",
         "2025-06-20", NULL, {"ROSH_CHANGE change:CH1 2025-06-16 met 2025-06-02"}},
        {"not without an earlier assessment", CHANGED "change CH1 date=2025-04-01 kind=arrest\n", "2025-06-20", NULL,
         {"-ROSH_CHANGE change:CH1"}},
        {"a police DA check with relevant information",
         CHANGED "check K1 kind=police_da received=2025-06-02 relevant_information=true\n"
                 "check K2 kind=police_da received=2025-06-02 relevant_information=false\n"
                 "check K3 kind=childrens_services received=2025-06-02 relevant_information=true\n",
         "2025-06-20", NULL, {"ROSH_CHANGE check:K1 2025-06-16 overdue", "-ROSH_CHANGE check:K2", "-ROSH_CHANGE check:K3"}},
        {"registrations that are changes",
         CHANGED "registration G1 type=ADVP date=2025-06-02\nregistration G2 type=RCPR date=2025-06-02\n"
                 "registration G3 type=RCCO date=2025-06-02\nregistration G4 type=MAPP date=2025-06-02 level=M1 category=M1\n"
                 "registration G5 type=INVI date=2025-06-02\n",
         "2025-06-20", NULL,
         {"ROSH_CHANGE registration:G1 2025-06-16 overdue", "ROSH_CHANGE registration:G2 2025-06-16 overdue",
          "ROSH_CHANGE registration:G3 2025-06-16 overdue", "ROSH_CHANGE registration:G4 2025-06-16 overdue",
          "-ROSH_CHANGE registration:G5"}},
        {"a breach", CHANGED "breach B1 event=E1 initiated=2025-06-02\n", "2025-06-20", NULL,
         {"ROSH_CHANGE breach:B1 2025-06-16 overdue"}},
        {"a recall",
         "event E1 type=custody date=2024-01-10 length_months=36 release_date=2025-01-06 end_date=2026-07-05 offence=theft\n"
         "assessment AS1 kind=rosh completed=2025-05-01 level=low\nrecall R1 event=E1 date=2025-06-02\n",
         "2025-06-20", NULL, {"ROSH_CHANGE recall:R1 2025-06-16 overdue"}},
    };
    RUN(rows);
}

static void test_sentence_plan(void **state)
{
    (void)state;
    static const row rows[] = {
        {"on the due date", CO "assessment AS1 kind=sentence_plan completed=2025-06-23\n", "2025-06-30", NULL,
         {"SENTENCE_PLAN event:E1 2025-06-23 met 2025-06-23"}},
        {"late", CO "assessment AS1 kind=sentence_plan completed=2025-06-24\n", "2025-06-30", NULL,
         {"SENTENCE_PLAN event:E1 2025-06-23 met_late 2025-06-24"}},
        {"a plan on the start date meets (on or after the start)",
         CO "assessment AS1 kind=sentence_plan completed=2025-06-02\n", "2025-06-30", NULL,
         {"SENTENCE_PLAN event:E1 2025-06-23 met 2025-06-02"}},
        {"a plan the day before the start does not meet", CO "assessment AS1 kind=sentence_plan completed=2025-06-01\n",
         "2025-06-30", NULL, {"SENTENCE_PLAN event:E1 2025-06-23 overdue"}},
        {"a plan before the start does not meet", CO "assessment AS1 kind=sentence_plan completed=2025-05-30\n",
         "2025-06-30", NULL, {"SENTENCE_PLAN event:E1 2025-06-23 overdue"}},
        {"open on the due date", CO, "2025-06-23", NULL, {"SENTENCE_PLAN event:E1 2025-06-23 open"}},
        {"a RoSH assessment is no plan", CO "assessment AS1 kind=rosh completed=2025-06-05 level=low\n", "2025-06-24",
         NULL, {"SENTENCE_PLAN event:E1 2025-06-23 overdue"}},
        {"not before release", UNRELEASED, "2025-06-30", NULL, {"-SENTENCE_PLAN event:E1"}},
    };
    RUN(rows);
}

#define HIGH CO "assessment AS1 kind=rosh completed=2025-06-02 level=high\n"

static void test_oversight(void **state)
{
    (void)state;
    static const row rows[] = {
        {"on the due date", HIGH "assessment AS2 kind=oversight completed=2025-06-09\n", "2025-06-12", NULL,
         {"OVERSIGHT assessment:AS1 2025-06-09 met 2025-06-09"}},
        {"late", HIGH "assessment AS2 kind=oversight completed=2025-06-10\n", "2025-06-12", NULL,
         {"OVERSIGHT assessment:AS1 2025-06-09 met_late 2025-06-10"}},
        {"oversight on the completion date meets (on or after it)",
         HIGH "assessment AS2 kind=oversight completed=2025-06-02\n", "2025-06-12", NULL,
         {"OVERSIGHT assessment:AS1 2025-06-09 met 2025-06-02"}},
        {"oversight before the assessment does not meet", HIGH "assessment AS2 kind=oversight completed=2025-06-01\n",
         "2025-06-12", NULL, {"OVERSIGHT assessment:AS1 2025-06-09 overdue"}},
        {"open on the due date", HIGH, "2025-06-09", NULL, {"OVERSIGHT assessment:AS1 2025-06-09 open"}},
        {"very high too", CO "assessment AS1 kind=rosh completed=2025-06-02 level=very_high\n", "2025-06-10", NULL,
         {"OVERSIGHT assessment:AS1 2025-06-09 overdue"}},
        {"not for medium", CO "assessment AS1 kind=rosh completed=2025-06-02 level=medium\n", "2025-06-10", NULL,
         {"-OVERSIGHT assessment:AS1"}},
    };
    RUN(rows);
}

static void test_safeguarding_checks(void **state)
{
    (void)state;
    static const row rows[] = {
        {"police check on the due date; the children's check is separate",
         CO "check K1 kind=police_da requested=2025-06-02 received=2025-06-16 relevant_information=false\n", "2025-06-20",
         NULL, {"DA_CHECK event:E1 2025-06-16 met 2025-06-16", "CHILD_CHECK event:E1 2025-06-16 overdue"}},
        {"open on the due date", CO, "2025-06-16", NULL,
         {"DA_CHECK event:E1 2025-06-16 open", "CHILD_CHECK event:E1 2025-06-16 open"}},
        {"a check received 3 months before the start counts",
         CO "check K1 kind=police_da received=2025-03-02\ncheck K2 kind=childrens_services received=2025-03-01\n",
         "2025-06-20", NULL, {"DA_CHECK event:E1 2025-06-16 met 2025-03-02", "CHILD_CHECK event:E1 2025-06-16 overdue"}},
        {"children's services late", CO "check K2 kind=childrens_services received=2025-06-17\n", "2025-06-20", NULL,
         {"CHILD_CHECK event:E1 2025-06-16 met_late 2025-06-17", "DA_CHECK event:E1 2025-06-16 overdue"}},
        {"requested but not received", CO "check K1 kind=police_da requested=2025-06-02\n", "2025-06-20", NULL,
         {"DA_CHECK event:E1 2025-06-16 overdue"}},
        {"a check received after as_of is not yet known", CO "check K1 kind=police_da received=2025-06-18\n",
         "2025-06-17", NULL, {"DA_CHECK event:E1 2025-06-16 overdue"}},
        {"a standard report: due with the report, window from its request",
         CO "report event=E1 R1 type=standard requested=2025-05-01\ncheck K1 kind=police_da received=2025-05-01 report=R1\n"
            "check K2 kind=childrens_services received=2025-04-30\n",
         "2025-06-20", NULL,
         {"DA_CHECK report:R1 2025-05-23 met 2025-05-01", "CHILD_CHECK report:R1 2025-05-23 overdue",
          "CHILD_CHECK event:E1 2025-06-16 met 2025-04-30"}},
        {"an oral report: due on the request date", CO "report event=E1 R1 type=oral requested=2025-05-01\n",
         "2025-05-02", NULL, {"CHILD_CHECK report:R1 2025-05-01 overdue"}},
        {"the reason a report went without its checks is repeated after sentence",
         CO "report event=E1 R1 type=fast requested=2025-05-01 completed=2025-05-08 "
            "outstanding_checks_reason=Children's_services_had_not_replied\n",
         "2025-06-20", NULL,
         {"~CHILD_CHECK event:E1 Children's services had not replied", "~DA_CHECK event:E1 report R1"}},
        {"before sentence only the report's checks",
         "event E1 offence=theft\nreport event=E1 R1 type=fast requested=2025-06-02\n", "2025-06-20", NULL,
         {"DA_CHECK report:R1 2025-06-09 overdue", "-DA_CHECK event:E1", "-CHILD_CHECK event:E1"}},
        {"licence: from release", LIC, "2025-06-20", NULL, {"DA_CHECK event:E1 2025-06-16 overdue"}},
    };
    RUN(rows);
}

#define CHECKED CO "check K1 kind=police_da received=2025-06-02 relevant_information=true\n"

static void test_da_flag_decision(void **state)
{
    (void)state;
    static const row rows[] = {
        {"ADVP registered on the due date", CHECKED "registration G1 type=ADVP date=2025-06-09\n", "2025-06-12", NULL,
         {"DA_FLAG_DECISION check:K1 2025-06-09 met 2025-06-09"}},
        {"ADVP registered the day of receipt", CHECKED "registration G1 type=ADVP date=2025-06-02\n", "2025-06-12", NULL,
         {"DA_FLAG_DECISION check:K1 2025-06-09 met 2025-06-02"}},
        {"a decision with a reason",
         CHECKED "decision D1 rule=DA_FLAG_DECISION subject=check:K1 date=2025-06-05 reason=Call-outs_were_not_domestic\n",
         "2025-06-12", NULL, {"DA_FLAG_DECISION check:K1 2025-06-09 met 2025-06-05"}},
        {"a decision with a blank reason does not meet",
         CHECKED "decision D1 rule=DA_FLAG_DECISION subject=check:K1 date=2025-06-05 reason=_\n", "2025-06-12", NULL,
         {"DA_FLAG_DECISION check:K1 2025-06-09 overdue"}},
        {"a decision about another check does not meet",
         CHECKED "decision D1 rule=DA_FLAG_DECISION subject=check:K2 date=2025-06-05 reason=x\n", "2025-06-12", NULL,
         {"DA_FLAG_DECISION check:K1 2025-06-09 overdue"}},
        {"a decision for another rule does not meet",
         CHECKED "decision D1 rule=VCS_NONSTATUTORY subject=check:K1 date=2025-06-05 reason=x\n", "2025-06-12", NULL,
         {"DA_FLAG_DECISION check:K1 2025-06-09 overdue"}},
        {"open on the due date", CHECKED, "2025-06-09", NULL, {"DA_FLAG_DECISION check:K1 2025-06-09 open"}},
        {"overdue the day after", CHECKED, "2025-06-10", NULL, {"DA_FLAG_DECISION check:K1 2025-06-09 overdue"}},
        {"not when ADVP was already in force", CHECKED "registration G1 type=ADVP date=2025-05-01\n", "2025-06-12", NULL,
         {"-DA_FLAG_DECISION check:K1"}},
        {"an ADVP de-registered before the receipt does not count",
         CHECKED "registration G1 type=ADVP date=2025-01-01 deregistered=2025-05-20\n", "2025-06-12", NULL,
         {"DA_FLAG_DECISION check:K1 2025-06-09 overdue"}},
        {"not without relevant information",
         CO "check K1 kind=police_da received=2025-06-02 relevant_information=false\n", "2025-06-12", NULL,
         {"-DA_FLAG_DECISION check:K1"}},
    };
    RUN(rows);
}

static void test_reg_review(void **state)
{
    (void)state;
    static const row rows[] = {
        {"ADVP: 3 months from registration", CO "registration G1 type=ADVP date=2025-01-10 reviews=2025-04-09\n",
         "2025-05-01", NULL, {"REG_REVIEW registration:G1 2025-04-10 met 2025-04-09"}},
        {"open on the due date", CO "registration G1 type=ADVP date=2025-01-10\n", "2025-04-10", NULL,
         {"REG_REVIEW registration:G1 2025-04-10 open"}},
        {"overdue the day after", CO "registration G1 type=ADVP date=2025-01-10\n", "2025-04-11", NULL,
         {"REG_REVIEW registration:G1 2025-04-10 overdue"}},
        {"a review on the first day of the cycle does not count",
         CO "registration G1 type=ADVP date=2025-01-10 reviews=2025-01-10\n", "2025-04-11", NULL,
         {"REG_REVIEW registration:G1 2025-04-10 overdue"}},
        {"next_review sets the due date and the cycle",
         CO "registration G1 type=ADVP date=2025-01-10 next_review=2025-07-09 reviews=2025-04-09\n", "2025-07-10", NULL,
         {"REG_REVIEW registration:G1 2025-07-09 overdue", "~REG_REVIEW registration:G1 no review after 2025-04-09"}},
        {"reviewed in the cycle",
         CO "registration G1 type=ADVP date=2025-01-10 next_review=2025-07-09 reviews=2025-04-09,2025-07-01\n",
         "2025-07-10", NULL, {"REG_REVIEW registration:G1 2025-07-09 met 2025-07-01"}},
        {"reviewed late",
         CO "registration G1 type=ADVP date=2025-01-10 next_review=2025-07-09 reviews=2025-04-09,2025-07-10\n",
         "2025-07-10", NULL, {"REG_REVIEW registration:G1 2025-07-09 met_late 2025-07-10"}},
        {"de-registration meets it", CO "registration G1 type=ADVP date=2025-01-10 deregistered=2025-03-01\n",
         "2025-05-01", NULL, {"REG_REVIEW registration:G1 2025-04-10 met 2025-03-01"}},
        {"no review period and no next_review", CO "registration G1 type=REG30 date=2025-01-10\n", "2025-05-01", NULL,
         {"-REG_REVIEW registration:G1"}},
        {"no review period but a next_review", CO "registration G1 type=REG30 date=2025-01-10 next_review=2025-06-01\n",
         "2025-06-02", NULL, {"REG_REVIEW registration:G1 2025-06-01 overdue"}},
        {"month-end clamping", CO "registration G1 type=RCPR date=2025-11-30\n", "2025-12-01", NULL,
         {"REG_REVIEW registration:G1 2026-02-28 open"}},
        {"6 months for high RoSH", CO "registration G1 type=RHRH date=2025-01-10\n", "2025-05-01", NULL,
         {"REG_REVIEW registration:G1 2025-07-10 open"}},
        {"a deployment's own period", CO "registration G1 type=ADVP date=2025-01-10\n", "2025-05-01",
         "review_months.ADVP = 6\n", {"REG_REVIEW registration:G1 2025-07-10 open"}},
    };
    RUN(rows);
}

#define SENTENCED(type, months, cat) \
    "event E1 type=" type " date=2025-06-02 length_months=" months " end_date=2027-06-01 offence=" cat "\n"

static void test_mappa_identify(void **state)
{
    (void)state;
    static const row rows[] = {
        {"sexual offence, any custody: registered on time",
         SENTENCED("custody", "6", "sexual_adult") "registration G1 type=MAPP date=2025-06-04 level=M1 category=M1\n",
         "2025-06-10", NULL, {"MAPPA_IDENTIFY event:E1 2025-06-05 met 2025-06-04", "~MAPPA_IDENTIFY event:E1 category 1"}},
        {"violent offence, 12 months", SENTENCED("custody", "12", "violence"), "2025-06-05", NULL,
         {"MAPPA_IDENTIFY event:E1 2025-06-05 open", "~MAPPA_IDENTIFY event:E1 category 2"}},
        {"violent offence, 11 months", SENTENCED("custody", "11", "violence"), "2025-06-10", NULL,
         {"-MAPPA_IDENTIFY event:E1"}},
        {"robbery, 12 months", SENTENCED("custody", "12", "robbery"), "2025-06-06", NULL,
         {"MAPPA_IDENTIFY event:E1 2025-06-05 overdue"}},
        {"hospital order, violent", "event E1 type=hospital_order date=2025-06-02 offence=violence\n", "2025-06-10",
         NULL, {"MAPPA_IDENTIFY event:E1 2025-06-05 overdue"}},
        {"hospital order, sexual", "event E1 type=hospital_order date=2025-06-02 offence=sexual_child\n", "2025-06-10",
         NULL, {"MAPPA_IDENTIFY event:E1 2025-06-05 overdue"}},
        {"a NOTMAPPA decision on the due date",
         SENTENCED("custody", "24", "violence") "registration_decision RD1 type=NOTMAPPA date=2025-06-05 reason=x\n",
         "2025-06-10", NULL, {"MAPPA_IDENTIFY event:E1 2025-06-05 met 2025-06-05"}},
        {"a NOTMAPPA decision before the sentence does not meet",
         SENTENCED("custody", "24", "violence") "registration_decision RD1 type=NOTMAPPA date=2025-06-01 reason=x\n",
         "2025-06-10", NULL, {"MAPPA_IDENTIFY event:E1 2025-06-05 overdue"}},
        {"a MAPP registration in force from before: met on its date",
         SENTENCED("custody", "24", "violence") "registration G1 type=MAPP date=2025-01-01 level=M1 category=M2\n",
         "2025-06-10", NULL, {"MAPPA_IDENTIFY event:E1 2025-06-05 met 2025-01-01"}},
        {"one de-registered before the sentence does not meet",
         SENTENCED("custody", "24", "violence")
             "registration G1 type=MAPP date=2025-01-01 level=M1 category=M2 deregistered=2025-05-01\n",
         "2025-06-10", NULL, {"MAPPA_IDENTIFY event:E1 2025-06-05 overdue"}},
        /* "Not de-registered before the sentence date": the boundary day pair. */
        {"one de-registered on the sentence date meets",
         SENTENCED("custody", "24", "violence")
             "registration G1 type=MAPP date=2025-01-01 level=M1 category=M2 deregistered=2025-06-02\n",
         "2025-06-10", NULL, {"MAPPA_IDENTIFY event:E1 2025-06-05 met 2025-01-01"}},
        {"one de-registered the day before the sentence date does not meet",
         SENTENCED("custody", "24", "violence")
             "registration G1 type=MAPP date=2025-01-01 level=M1 category=M2 deregistered=2025-06-01\n",
         "2025-06-10", NULL, {"MAPPA_IDENTIFY event:E1 2025-06-05 overdue"}},
        /* "A NOTMAPPA decision dated on or after the sentence date". */
        {"a NOTMAPPA decision on the sentence date meets",
         SENTENCED("custody", "24", "violence") "registration_decision RD1 type=NOTMAPPA date=2025-06-02 reason=x\n",
         "2025-06-10", NULL, {"MAPPA_IDENTIFY event:E1 2025-06-05 met 2025-06-02"}},
        {"not for theft", SENTENCED("custody", "24", "theft"), "2025-06-10", NULL, {"-MAPPA_IDENTIFY event:E1"}},
        {"not for a sexual offence on a community order", SENTENCED("community_order", "12", "sexual_adult"),
         "2025-06-10", NULL, {"-MAPPA_IDENTIFY event:E1"}},
    };
    RUN(rows);
}

/* ---- Victims ------------------------------------------------------------------------------ */

#define ELIGIBLE SENTENCED("custody", "12", "violence")

static void test_vcs_referral(void **state)
{
    (void)state;
    static const row rows[] = {
        {"a victim referred on the due date", ELIGIBLE "victim V1 event=E1 referred=2025-06-16\n", "2025-06-20", NULL,
         {"VCS_REFERRAL event:E1 2025-06-16 met 2025-06-16"}},
        {"referred late", ELIGIBLE "victim V1 event=E1 referred=2025-06-17\n", "2025-06-20", NULL,
         {"VCS_REFERRAL event:E1 2025-06-16 met_late 2025-06-17"}},
        {"open on the due date", ELIGIBLE, "2025-06-16", NULL, {"VCS_REFERRAL event:E1 2025-06-16 open"}},
        {"overdue the day after", ELIGIBLE, "2025-06-17", NULL, {"VCS_REFERRAL event:E1 2025-06-16 overdue"}},
        {"a referral outcome", ELIGIBLE "referral_outcome event=E1 date=2025-06-10 outcome=declined_at_referral\n",
         "2025-06-20", NULL, {"VCS_REFERRAL event:E1 2025-06-16 met 2025-06-10"}},
        {"a victim of another event does not count",
         ELIGIBLE "event E2 type=community_order date=2025-05-01 end_date=2026-05-01 offence=theft\n"
                  "victim V1 event=E2 referred=2025-06-10\n",
         "2025-06-20", NULL, {"VCS_REFERRAL event:E1 2025-06-16 overdue", "-VCS_REFERRAL event:E2"}},
        {"not under 12 months", SENTENCED("custody", "11", "violence"), "2025-06-20", NULL, {"-VCS_REFERRAL event:E1"}},
        {"terrorism", SENTENCED("custody", "12", "terrorism"), "2025-06-20", NULL,
         {"VCS_REFERRAL event:E1 2025-06-16 overdue"}},
        {"a sexual offence and a hospital order", "event E1 type=hospital_order date=2025-06-02 offence=sexual_child\n",
         "2025-06-20", NULL, {"VCS_REFERRAL event:E1 2025-06-16 overdue"}},
        {"not for theft", SENTENCED("custody", "24", "theft"), "2025-06-20", NULL, {"-VCS_REFERRAL event:E1"}},
        {"not for a community order", SENTENCED("community_order", "24", "violence"), "2025-06-20", NULL,
         {"-VCS_REFERRAL event:E1"}},
    };
    RUN(rows);
}

static void test_vcs_first_contact(void **state)
{
    (void)state;
    static const row rows[] = {
        {"on the due date", ELIGIBLE "victim V1 event=E1 referred=2025-06-02 first_contact=2025-06-30\n", "2025-07-10",
         NULL, {"VCS_FIRST_CONTACT victim:V1 2025-06-30 met 2025-06-30"}},
        {"late", ELIGIBLE "victim V1 event=E1 referred=2025-06-02 first_contact=2025-07-01\n", "2025-07-10", NULL,
         {"VCS_FIRST_CONTACT victim:V1 2025-06-30 met_late 2025-07-01"}},
        {"open on the due date", ELIGIBLE "victim V1 event=E1 referred=2025-06-02\n", "2025-06-30", NULL,
         {"VCS_FIRST_CONTACT victim:V1 2025-06-30 open", "~VCS_FIRST_CONTACT victim:V1 referred 2025-06-02"}},
        {"overdue the day after", ELIGIBLE "victim V1 event=E1 referred=2025-06-02\n", "2025-07-01", NULL,
         {"VCS_FIRST_CONTACT victim:V1 2025-06-30 overdue"}},
        {"not until referred", ELIGIBLE "victim V1 event=E1\n", "2025-07-01", NULL, {"-VCS_FIRST_CONTACT victim:V1"}},
    };
    RUN(rows);
}

#define OPTED ELIGIBLE "victim V1 event=E1 referred=2025-05-20 first_contact=2025-05-28 opted=in opted_on=2025-06-02\n"

static void test_vcs_flag(void **state)
{
    (void)state;
    static const row rows[] = {
        {"INVI on the due date", OPTED "registration G1 type=INVI date=2025-06-09\n", "2025-06-12", NULL,
         {"VCS_FLAG victim:V1 2025-06-09 met 2025-06-09"}},
        {"INVI late", OPTED "registration G1 type=INVI date=2025-06-10\n", "2025-06-12", NULL,
         {"VCS_FLAG victim:V1 2025-06-09 met_late 2025-06-10"}},
        {"an INVI from before the opt-in, in force", OPTED "registration G1 type=INVI date=2025-05-01\n", "2025-06-12",
         NULL, {"VCS_FLAG victim:V1 2025-06-09 met 2025-05-01"}},
        {"an INVI de-registered before the opt-in does not meet",
         OPTED "registration G1 type=INVI date=2025-05-01 deregistered=2025-05-30\n", "2025-06-12", NULL,
         {"VCS_FLAG victim:V1 2025-06-09 overdue"}},
        /* "Not de-registered before the opt-in" (opted in 2 June): the boundary day pair. */
        {"an INVI de-registered on the opt-in date meets",
         OPTED "registration G1 type=INVI date=2025-05-01 deregistered=2025-06-02\n", "2025-06-12", NULL,
         {"VCS_FLAG victim:V1 2025-06-09 met 2025-05-01"}},
        {"an INVI de-registered the day before the opt-in does not meet",
         OPTED "registration G1 type=INVI date=2025-05-01 deregistered=2025-06-01\n", "2025-06-12", NULL,
         {"VCS_FLAG victim:V1 2025-06-09 overdue"}},
        {"open on the due date", OPTED, "2025-06-09", NULL, {"VCS_FLAG victim:V1 2025-06-09 open"}},
        {"not without an opt-in date", ELIGIBLE "victim V1 event=E1 referred=2025-05-20 opted=in\n", "2025-06-12", NULL,
         {"-VCS_FLAG victim:V1"}},
        {"not when opted out", ELIGIBLE "victim V1 event=E1 referred=2025-05-20 opted=out opted_on=2025-06-02\n",
         "2025-06-12", NULL, {"-VCS_FLAG victim:V1"}},
        {"an opt-in after as_of is not yet known", OPTED, "2025-06-01", NULL, {"-VCS_FLAG victim:V1"}},
    };
    RUN(rows);
}

/* Released Tuesday 29 December 2026: - 30 days = 29 November; - 1 WD =
 * Thursday 24 December (Christmas, the Boxing Day substitute on the 28th). */
#define RELEASING "event E1 type=custody date=2025-06-02 length_months=36 release_date=2026-12-29 end_date=2028-06-01 offence=violence\n" \
    "victim V1 event=E1 referred=2025-06-09 first_contact=2025-06-20 opted=in opted_on=2025-06-20"

static void test_vcs_release(void **state)
{
    (void)state;
    static const row rows[] = {
        {"representations on the due date", RELEASING " representations=2026-11-29\n", "2026-12-10", NULL,
         {"VCS_REPRESENTATIONS victim:V1 2026-11-29 met 2026-11-29"}},
        {"representations open on the due date", RELEASING "\n", "2026-11-29", NULL,
         {"VCS_REPRESENTATIONS victim:V1 2026-11-29 open"}},
        {"representations overdue the day after", RELEASING "\n", "2026-11-30", NULL,
         {"VCS_REPRESENTATIONS victim:V1 2026-11-29 overdue"}},
        {"release notice the working day before, across Christmas", RELEASING " release_notified=2026-12-24\n",
         "2026-12-29", NULL, {"VCS_RELEASE_NOTICE victim:V1 2026-12-24 met 2026-12-24"}},
        {"release notice late", RELEASING " release_notified=2026-12-28\n", "2026-12-29", NULL,
         {"VCS_RELEASE_NOTICE victim:V1 2026-12-24 met_late 2026-12-28"}},
        {"release notice open on the due date", RELEASING "\n", "2026-12-24", NULL,
         {"VCS_RELEASE_NOTICE victim:V1 2026-12-24 open"}},
        {"not without a release date",
         ELIGIBLE "victim V1 event=E1 referred=2025-06-09 first_contact=2025-06-20 opted=in opted_on=2025-06-20\n",
         "2025-07-01", NULL, {"-VCS_REPRESENTATIONS victim:V1", "-VCS_RELEASE_NOTICE victim:V1"}},
        {"not for a victim who opted out",
         "event E1 type=custody date=2025-06-02 length_months=36 release_date=2026-12-29 end_date=2028-06-01 offence=violence\n"
         "victim V2 event=E1 referred=2025-06-09 first_contact=2025-06-20 opted=out opted_on=2025-06-20\n",
         "2026-12-10", NULL,
         {"-VCS_REPRESENTATIONS victim:V2", "-VCS_RELEASE_NOTICE victim:V2", "-VCS_FLAG victim:V2",
          "VCS_FIRST_CONTACT victim:V2 2025-07-07 met 2025-06-20"}},
    };
    RUN(rows);
}

/* Released 6 January 2025, recalled 2 June and again Monday 1 September. */
#define RECALLED "event E1 type=custody date=2024-01-10 length_months=36 release_date=2025-01-06 end_date=2026-07-05 offence=violence\n" \
    "recall R1 event=E1 date=2025-06-02\nrecall R2 event=E1 date=2025-09-01\n"                                               \
    "victim V1 event=E1 referred=2024-01-20 first_contact=2024-02-01 opted=in opted_on=2024-02-01"

static void test_vcs_recall_notice(void **state)
{
    (void)state;
    static const row rows[] = {
        {"the latest recall, notified on the due date", RECALLED " recall_notified=2025-09-02\n", "2025-09-10", NULL,
         {"VCS_RECALL_NOTICE victim:V1 2025-09-02 met 2025-09-02"}},
        {"late", RECALLED " recall_notified=2025-09-03\n", "2025-09-10", NULL,
         {"VCS_RECALL_NOTICE victim:V1 2025-09-02 met_late 2025-09-03"}},
        {"notified on the recall date itself (on or after that recall)", RECALLED " recall_notified=2025-09-01\n",
         "2025-09-10", NULL, {"VCS_RECALL_NOTICE victim:V1 2025-09-02 met 2025-09-01"}},
        {"a notice of the earlier recall does not meet", RECALLED " recall_notified=2025-06-03\n", "2025-09-10", NULL,
         {"VCS_RECALL_NOTICE victim:V1 2025-09-02 overdue"}},
        {"open on the due date", RECALLED "\n", "2025-09-02", NULL, {"VCS_RECALL_NOTICE victim:V1 2025-09-02 open"}},
        {"the latest recall known at as_of", RECALLED "\n", "2025-06-03", NULL,
         {"VCS_RECALL_NOTICE victim:V1 2025-06-03 open"}},
        {"not without a recall", RELEASING "\n", "2025-09-10", NULL, {"-VCS_RECALL_NOTICE victim:V1"}},
    };
    RUN(rows);
}

#define DA_CO "event E1 type=community_order date=2025-06-02 end_date=2026-06-01 offence=criminal_damage domestic_abuse=true\n"

static void test_vcs_nonstatutory(void **state)
{
    (void)state;
    static const row rows[] = {
        {"a non-statutory victim contacted", DA_CO "victim V1 event=E1 scheme=non_statutory first_contact=2025-06-20\n",
         "2025-07-01", NULL, {"VCS_NONSTATUTORY event:E1 2025-06-30 met 2025-06-20"}},
        {"VNS late", DA_CO "victim V1 event=E1 scheme=vns first_contact=2025-07-01\n", "2025-07-02", NULL,
         {"VCS_NONSTATUTORY event:E1 2025-06-30 met_late 2025-07-01"}},
        {"a statutory-scheme victim does not meet", DA_CO "victim V1 event=E1 scheme=statutory first_contact=2025-06-20\n",
         "2025-07-01", NULL, {"VCS_NONSTATUTORY event:E1 2025-06-30 overdue"}},
        {"open on the due date", DA_CO, "2025-06-30", NULL, {"VCS_NONSTATUTORY event:E1 2025-06-30 open"}},
        {"a decision with a reason",
         DA_CO "decision D1 rule=VCS_NONSTATUTORY subject=event:E1 date=2025-06-10 reason=Victim_is_deceased\n",
         "2025-07-01", NULL, {"VCS_NONSTATUTORY event:E1 2025-06-30 met 2025-06-10"}},
        {"a decision without a reason does not meet",
         DA_CO "decision D1 rule=VCS_NONSTATUTORY subject=event:E1 date=2025-06-10\n", "2025-07-01", NULL,
         {"VCS_NONSTATUTORY event:E1 2025-06-30 overdue"}},
        {"a referral outcome", DA_CO "referral_outcome event=E1 date=2025-06-05 outcome=no_identifiable_victim\n",
         "2025-07-01", NULL, {"VCS_NONSTATUTORY event:E1 2025-06-30 met 2025-06-05"}},
        {"an ADVP registration makes it domestic-abuse related", CO "registration G1 type=ADVP date=2025-01-01\n",
         "2025-07-01", NULL, {"VCS_NONSTATUTORY event:E1 2025-06-30 overdue"}},
        {"one de-registered before the sentence does not",
         CO "registration G1 type=ADVP date=2025-01-01 deregistered=2025-05-01\n", "2025-07-01", NULL,
         {"-VCS_NONSTATUTORY event:E1"}},
        {"one de-registered on the sentence date does",
         CO "registration G1 type=ADVP date=2025-01-01 deregistered=2025-06-02\n", "2025-07-01", NULL,
         {"VCS_NONSTATUTORY event:E1 2025-06-30 overdue"}},
        {"one de-registered the day before the sentence date does not",
         CO "registration G1 type=ADVP date=2025-01-01 deregistered=2025-06-01\n", "2025-07-01", NULL,
         {"-VCS_NONSTATUTORY event:E1"}},
        {"not when VCS-eligible",
         "event E1 type=custody date=2025-06-02 length_months=12 end_date=2026-06-01 offence=violence domestic_abuse=true\n",
         "2025-07-01", NULL, {"-VCS_NONSTATUTORY event:E1", "VCS_REFERRAL event:E1 2025-06-16 overdue"}},
        {"not before sentence", "event E1 offence=criminal_damage domestic_abuse=true\n", "2025-07-01", NULL,
         {"-VCS_NONSTATUTORY event:E1"}},
    };
    RUN(rows);
}

/* ---- Court work -------------------------------------------------------------------------- */

#define REPORT(type) "event E1 offence=theft\nreport event=E1 R1 type=" type " requested=2025-06-02"

static void test_report_due(void **state)
{
    (void)state;
    static const row rows[] = {
        {"oral: the request date", REPORT("oral") " completed=2025-06-02\n", "2025-06-10", NULL,
         {"REPORT_DUE report:R1 2025-06-02 met 2025-06-02"}},
        {"fast: 5 WD, late", REPORT("fast") " completed=2025-06-10\n", "2025-06-12", NULL,
         {"REPORT_DUE report:R1 2025-06-09 met_late 2025-06-10"}},
        {"standard: 15 WD, open on the due date", REPORT("standard") "\n", "2025-06-23", NULL,
         {"REPORT_DUE report:R1 2025-06-23 open"}},
        {"overdue the day after", REPORT("standard") "\n", "2025-06-24", NULL, {"REPORT_DUE report:R1 2025-06-23 overdue"}},
        {"a completion after as_of is not yet known", REPORT("fast") " completed=2025-06-09\n", "2025-06-08", NULL,
         {"REPORT_DUE report:R1 2025-06-09 open"}},
        {"not before it is requested", REPORT("fast") "\n", "2025-06-01", NULL, {"-REPORT_DUE report:R1"}},
    };
    RUN(rows);
}

/* ---- The engine as a whole ------------------------------------------------------------------ */


/* ---- Rulebook v3 ("Changes in v3"), one test per change ------------------------- */

/* Terms: in force is start <= D < end; `to` and `deregistered` are the first
 * day a record no longer applies. */
static void test_v3_in_force(void **state)
{
    (void)state;
    assert_false(ck_in_force(D("2025-06-02"), D("2025-06-10"), D("2025-06-01")));
    assert_true(ck_in_force(D("2025-06-02"), D("2025-06-10"), D("2025-06-02")));
    assert_true(ck_in_force(D("2025-06-02"), D("2025-06-10"), D("2025-06-09")));
    assert_false(ck_in_force(D("2025-06-02"), D("2025-06-10"), D("2025-06-10")));
    assert_true(ck_in_force(D("2025-06-02"), CK_NODATE, D("2099-01-01")));
    assert_false(ck_in_force(CK_NODATE, CK_NODATE, D("2025-06-02")));
    /* The case's practitioner: the allocation in force that started last. */
    ck_case *c = build(CO "allocation AL1 from=2025-01-01 to=2025-06-10 staff_code=N07P001\n"
                          "allocation AL2 from=2025-06-10 staff_code=N07P002\n");
    assert_string_equal(ck_allocation_current(c, D("2025-06-09"))->id, "AL1");
    assert_string_equal(ck_allocation_current(c, D("2025-06-10"))->id, "AL2");
    assert_null(ck_allocation_current(c, D("2024-12-31")));
    ck_case_free(c);
    static const row rows[] = {
        {"an allocation whose to is the anchor is not in force then",
         CO "allocation AL1 from=2025-01-01 to=2025-06-02 staff_code=N07P001\n", "2025-06-10", NULL,
         {"ALLOCATE case 2025-06-05 overdue"}},
        {"an allocation whose to is the day after the anchor is",
         CO "allocation AL1 from=2025-01-01 to=2025-06-03 staff_code=N07P001\n", "2025-06-10", NULL,
         {"ALLOCATE case 2025-06-05 met 2025-01-01"}},
        {"an address whose to is as_of is not current", CO "address A1 from=2024-01-01 to=2025-06-12\n", "2025-06-12",
         NULL, {"ADDRESS case 2025-06-09 overdue"}},
        {"an address whose to is the day after as_of is", CO "address A1 from=2024-01-01 to=2025-06-13\n", "2025-06-12",
         NULL, {"ADDRESS case 2025-06-09 met 2024-01-01"}},
        {"a MAPP M2 de-registered on the sentence date is not in force then",
         CO "registration G1 type=MAPP date=2025-05-01 level=M2 category=M2 deregistered=2025-06-02\n", "2025-06-04",
         NULL, {"ALLOCATE case 2025-06-05 open"}},
        {"a MAPP M2 de-registered the day after is",
         CO "registration G1 type=MAPP date=2025-05-01 level=M2 category=M2 deregistered=2025-06-03\n", "2025-06-04",
         NULL, {"ALLOCATE case 2025-06-03 overdue"}},
    };
    RUN(rows);
}

/* ALLOCATE (leaver): in force on L - 1 or on L, so a `to` of L still raises it. */
static void test_v3_allocate_leaver(void **state)
{
    (void)state;
    static const row rows[] = {
        {"an allocation ending on the leaving date still raises it",
         CO "allocation AL1 from=2025-06-02 to=2025-07-01 staff_code=N07P001 staff_left_on=2025-07-01\n", "2025-07-07",
         NULL, {"ALLOCATE allocation:AL1 2025-07-04 overdue"}},
        {"one ending the day before does not",
         CO "allocation AL1 from=2025-06-02 to=2025-06-30 staff_code=N07P001 staff_left_on=2025-07-01\n", "2025-07-07",
         NULL, {"-ALLOCATE allocation:AL1"}},
        {"one starting on the leaving date does",
         CO "allocation AL0 from=2025-06-02 to=2025-07-01 staff_code=N07P009\n"
            "allocation AL1 from=2025-07-01 staff_code=N07P001 staff_left_on=2025-07-01\n",
         "2025-07-07", NULL, {"ALLOCATE allocation:AL1 2025-07-04 overdue"}},
        {"a co-allocation ending on the leaving date does not meet it",
         LEAVER "allocation AL2 from=2025-06-15 to=2025-07-01 staff_code=N07P002\n", "2025-07-07", NULL,
         {"ALLOCATE allocation:AL1 2025-07-04 overdue"}},
        {"one ending the day after does",
         LEAVER "allocation AL2 from=2025-06-15 to=2025-07-02 staff_code=N07P002\n", "2025-07-07", NULL,
         {"ALLOCATE allocation:AL1 2025-07-04 met 2025-06-15"}},
    };
    RUN(rows);
}

/* NEXT_APPOINTMENT: only the latest link-starting contact's link, none when it
 * was dropped; met by any later NS appointment booked by as_of. */
static void test_v3_next_appointment(void **state)
{
    (void)state;
    static const row rows[] = {
        {"an appointment beyond the CONTACT due date meets",
         NEXT "contact C2 event=E1 date=2025-06-12 booked_on=2025-06-05\n", "2025-06-06", NULL,
         {"NEXT_APPOINTMENT contact:C1 2025-06-05 met 2025-06-05"}},
        {"an appointment dated before as_of meets", NEXT "contact C2 event=E1 date=2025-06-05 booked_on=2025-06-04\n",
         "2025-06-06", NULL, {"NEXT_APPOINTMENT contact:C1 2025-06-05 met 2025-06-04"}},
        {"whatever its outcome", NEXT "contact C2 event=E1 date=2025-06-05 booked_on=2025-06-04 outcome=AFTA\n",
         "2025-06-06", NULL, {"NEXT_APPOINTMENT contact:C1 2025-06-05 met 2025-06-04"}},
        {"the earliest booking counts",
         NEXT "contact C2 event=E1 date=2025-06-20 booked_on=2025-06-06\n"
              "contact C3 event=E1 date=2025-06-30 booked_on=2025-06-05\n",
         "2025-06-10", NULL, {"NEXT_APPOINTMENT contact:C1 2025-06-05 met 2025-06-05"}},
        {"an appointment on the contact's own date does not meet",
         NEXT "contact C2 event=E1 date=2025-06-04 booked_on=2025-06-03\n", "2025-06-06", NULL,
         {"NEXT_APPOINTMENT contact:C1 2025-06-05 overdue"}},
        {"none when the latest link was dropped",
         "event E1 type=community_order date=2025-06-02 end_date=2025-06-30 offence=theft\n" ATT("C1", "2025-06-20")
             ATT("C2", "2025-06-25"),
         "2025-06-26", NULL,
         {"-NEXT_APPOINTMENT contact:C1", "-NEXT_APPOINTMENT contact:C2", "-CONTACT contact:C2",
          "CONTACT contact:C1 2025-06-27 met 2025-06-25"}},
        {"the latest link kept when its due date is before contact stops",
         "event E1 type=community_order date=2025-06-02 end_date=2025-06-30 offence=theft\n" ATT("C1", "2025-06-20")
             ATT("C2", "2025-06-23"),
         "2025-06-24", NULL, {"NEXT_APPOINTMENT contact:C2 2025-06-24 open", "CONTACT contact:C2 2025-06-30 open"}},
    };
    RUN(rows);
}

/* ADDRESS: met on the first day of the unbroken run up to as_of. */
static void test_v3_address(void **state)
{
    (void)state;
    static const row rows[] = {
        {"a later move does not make it late",
         CO "address A1 from=2024-01-01 to=2025-06-10\naddress A2 from=2025-06-10\n", "2025-06-12", NULL,
         {"ADDRESS case 2025-06-09 met 2024-01-01"}},
        {"a gap of a day breaks the run",
         CO "address A1 from=2024-01-01 to=2025-06-09\naddress A2 from=2025-06-10\n", "2025-06-12", NULL,
         {"ADDRESS case 2025-06-09 met_late 2025-06-10"}},
        {"no fixed abode joins the run",
         CO "address A1 from=2024-01-01 to=2025-05-01\nnfa 2025-05-01\n", "2025-06-12", NULL,
         {"ADDRESS case 2025-06-09 met 2024-01-01"}},
        {"no fixed abode after a gap starts the run",
         CO "address A1 from=2024-01-01 to=2025-05-01\nnfa 2025-06-11\n", "2025-06-12", NULL,
         {"ADDRESS case 2025-06-09 met_late 2025-06-11"}},
        {"a run that ended before as_of does not meet",
         CO "address A1 from=2024-01-01 to=2025-06-11\n", "2025-06-12", NULL, {"ADDRESS case 2025-06-09 overdue"}},
        {"overlapping addresses: the earliest start",
         CO "address A1 from=2025-06-05\naddress A2 from=2025-06-01 to=2025-06-07\n", "2025-06-12", NULL,
         {"ADDRESS case 2025-06-09 met 2025-06-01"}},
    };
    RUN(rows);
}

/* REVIEW_APPOINTMENT: T + 1 day >= 2024-06-07 and the licence's last day as
 * cut >= T + 1 day. RESET: T = 1 March 2025. */
#define T_0607 "event E1 type=custody date=2023-01-10 length_months=24 release_date=2023-11-19 end_date=2024-09-13 offence=theft\n"
#define T_0606 "event E1 type=custody date=2023-01-10 length_months=24 release_date=2023-11-18 end_date=2024-09-12 offence=theft\n"

static void test_v3_review_appointment(void **state)
{
    (void)state;
    static const row rows[] = {
        {"recalled before T + 1 day: none", RESET "recall R1 event=E1 date=2025-02-15\n", "2025-05-10", NULL,
         {"-REVIEW_APPOINTMENT event:E1"}},
        {"recalled on T + 1 day (last day T): none", RESET "recall R1 event=E1 date=2025-03-02\n", "2025-05-10", NULL,
         {"-REVIEW_APPOINTMENT event:E1"}},
        {"recalled on T + 2 days (last day T + 1): due T + 0", RESET "recall R1 event=E1 date=2025-03-03\n",
         "2025-05-10", NULL, {"REVIEW_APPOINTMENT event:E1 2025-03-01 overdue"}},
        {"terminated on T + 1 day: none", "event E1 type=custody date=2024-01-10 length_months=24 "
         "release_date=2024-07-01 end_date=2025-06-30 terminated_on=2025-03-02 offence=theft\n", "2025-05-10", NULL,
         {"-REVIEW_APPOINTMENT event:E1"}},
        /* 300-day licences: T = release + 200 days. */
        {"T + 1 day is 7 June 2024: it applies, due T + 49", T_0607, "2024-08-01", NULL,
         {"REVIEW_APPOINTMENT event:E1 2024-07-25 overdue", "~REVIEW_APPOINTMENT event:E1 2024-06-06"}},
        {"T + 1 day is 6 June 2024: none", T_0606, "2024-08-01", NULL, {"-REVIEW_APPOINTMENT event:E1"}},
    };
    RUN(rows);
}

/* RECALL_DECISION: a recall_requested action counts only within
 * release_date..end_date (PSS cannot be recalled: CJA 2003 s.256AC). */
#define WITH_PSS "event E1 type=custody date=2023-01-09 length_months=12 release_date=2023-07-10 end_date=2024-01-08 " \
                 "pss_end_date=2025-01-08 offence=theft\n"

static void test_v3_recall_decision(void **state)
{
    (void)state;
    static const row rows[] = {
        {"requested during PSS: none", WITH_PSS "enforcement EN1 event=E1 date=2024-03-01 action=recall_requested\n",
         "2024-03-20", NULL, {"-RECALL_DECISION enforcement:EN1"}},
        {"requested the day after end_date: none",
         WITH_PSS "enforcement EN1 event=E1 date=2024-01-09 action=recall_requested\n", "2024-03-20", NULL,
         {"-RECALL_DECISION enforcement:EN1"}},
        {"requested on end_date", WITH_PSS "enforcement EN1 event=E1 date=2024-01-08 action=recall_requested\n",
         "2024-03-20", NULL, {"RECALL_DECISION enforcement:EN1 2024-01-09 overdue"}},
        {"requested on the release date", WITH_PSS "enforcement EN1 event=E1 date=2023-07-10 action=recall_requested\n",
         "2024-03-20", NULL, {"RECALL_DECISION enforcement:EN1 2023-07-11 overdue"}},
        {"requested the day before release: none",
         WITH_PSS "enforcement EN1 event=E1 date=2023-07-09 action=recall_requested\n", "2024-03-20", NULL,
         {"-RECALL_DECISION enforcement:EN1"}},
        {"requested after the licence was cut by termination, within end_date",
         "event E1 type=custody date=2024-01-10 length_months=36 release_date=2025-01-06 end_date=2026-07-05 "
         "terminated_on=2025-03-01 offence=theft\nenforcement EN1 event=E1 date=2025-04-01 action=recall_requested\n",
         "2025-04-10", NULL, {"RECALL_DECISION enforcement:EN1 2025-04-02 overdue"}},
    };
    RUN(rows);
}

/* Recalls: one outside its custody event's licence as sentenced is a bundle
 * error naming its path and the licence dates. */
static void test_v3_recall_outside_licence(void **state)
{
    (void)state;
    static const struct {
        const char *facts, *error; /* error NULL: valid */
    } cases[] = {
        {WITH_PSS "recall R1 event=E1 date=2023-07-10\n", NULL},
        {WITH_PSS "recall R1 event=E1 date=2024-01-08\n", NULL},
        {WITH_PSS "recall R1 event=E1 date=2024-01-09\n",
         "recalls[0].date: 2024-01-09 is not within the licence as sentenced of event E1 (outside 2023-07-10..2024-01-08)"},
        {WITH_PSS "recall R1 event=E1 date=2023-07-09\n",
         "recalls[0].date: 2023-07-09 is not within the licence as sentenced of event E1 (outside 2023-07-10..2024-01-08)"},
        {WITH_PSS "recall R1 event=E1 date=2023-08-01\nrecall R2 event=E1 date=2024-06-01\n",
         "recalls[1].date: 2024-06-01 is not within the licence"},
        {CO "recall R1 event=E1 date=2025-07-01\n", "recalls[0].date: 2025-07-01 is not within a licence: event E1"},
        {UNRELEASED "recall R1 event=E1 date=2025-07-01\n", "recalls[0].date: 2025-07-01 is not within a licence"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_case *c = build_unchecked(cases[i].facts);
        char err[512] = "";
        bool ok = ck_case_validate(c, err, sizeof err);
        if (!cases[i].error) {
            if (!ok) fail_msg("case %zu: %s", i, err);
        } else {
            if (ok) fail_msg("case %zu: accepted", i);
            if (strncmp(err, cases[i].error, strlen(cases[i].error)) != 0) fail_msg("case %zu: \"%s\"", i, err);
        }
        ck_case_free(c);
    }
}

/* REG_REVIEW: the cycle starts at the later of due - period and the
 * registration date; without a review period, at the registration date. */
static void test_v3_reg_review(void **state)
{
    (void)state;
    static const row rows[] = {
        {"a next_review nearer than the period: a review on the registration day does not count",
         CO "registration G1 type=ADVP date=2025-05-01 next_review=2025-06-01 reviews=2025-05-01\n", "2025-06-02", NULL,
         {"REG_REVIEW registration:G1 2025-06-01 overdue", "~REG_REVIEW registration:G1 no review after 2025-05-01"}},
        {"the day after it does",
         CO "registration G1 type=ADVP date=2025-05-01 next_review=2025-06-01 reviews=2025-05-02\n", "2025-06-02", NULL,
         {"REG_REVIEW registration:G1 2025-06-01 met 2025-05-02"}},
        {"no review period: any review after the registration",
         CO "registration G1 type=REG30 date=2025-01-10 next_review=2025-06-01 reviews=2025-03-01\n", "2025-06-02", NULL,
         {"REG_REVIEW registration:G1 2025-06-01 met 2025-03-01"}},
        {"no review period: not one on the registration day",
         CO "registration G1 type=REG30 date=2025-01-10 next_review=2025-06-01 reviews=2025-01-10\n", "2025-06-02", NULL,
         {"REG_REVIEW registration:G1 2025-06-01 overdue"}},
    };
    RUN(rows);
}

static void test_status_and_names(void **state)
{
    (void)state;
    ck_date due = D("2025-06-10");
    assert_int_equal(ck_status_at(due, CK_NODATE, D("2025-06-10")), CK_ST_OPEN);
    assert_int_equal(ck_status_at(due, CK_NODATE, D("2025-06-11")), CK_ST_OVERDUE);
    assert_int_equal(ck_status_at(due, D("2025-06-10"), D("2025-07-01")), CK_ST_MET);
    assert_int_equal(ck_status_at(due, D("2025-06-11"), D("2025-07-01")), CK_ST_MET_LATE);
    const char *names[] = {"overdue", "open", "met_late", "met"};
    for (int i = 0; i < 4; i++) {
        ck_status s;
        assert_string_equal(ck_status_name((ck_status)i), names[i]);
        assert_true(ck_status_parse(names[i], strlen(names[i]), &s));
        assert_int_equal(s, i);
    }
    ck_status s;
    ck_severity v;
    assert_false(ck_status_parse("late", 4, &s));
    assert_false(ck_status_parse("met", 2, &s));
    assert_true(ck_severity_parse("normal", 6, &v));
    assert_int_equal(v, CK_SEV_NORMAL);
    assert_string_equal(ck_severity_name(CK_SEV_CRITICAL), "critical");
    assert_false(ck_severity_parse("low", 3, &v));
    /* Every rule ID of the rulebook. */
    int n = 0;
    for (const char *const *id = ck_rule_ids; *id; id++) n++;
    assert_int_equal(n, 29);
}

static void test_empty_case(void **state)
{
    (void)state;
    ck_case *c = build("");
    ck_result *r = ck_rules_evaluate(c, D("2025-06-02"), ck_calendar_default(), ck_rulecfg_default());
    assert_int_equal(r->n_obligations, 0);
    assert_int_equal(r->n_ftc, 0);
    ck_result_free(r);
    ck_result_free(NULL);
    ck_case_free(c);
}

/* Many contacts: every weekly contact meets the one before, and the result does
 * not depend on the order contacts are listed in. */
static void test_many_contacts(void **state)
{
    (void)state;
    ck_case *c = build("event E1 type=community_order date=2020-01-06 end_date=2045-01-05 offence=theft\n"
                       "assessment AS1 kind=rosh completed=2020-01-06 level=high\n");
    enum { N = 1200 };
    c->contacts = ck_arena_array(&c->arena, N, sizeof *c->contacts);
    for (size_t i = 0; i < N; i++) {
        size_t k = (i * 7919) % N; /* listed out of date order */
        c->contacts[i] = (ck_contact){.id = ck_arena_printf(&c->arena, "C%05zu", k), .event = "E1",
                                      .date = D("2020-01-07") + (ck_date)(7 * k), .type = "COAP",
                                      .national_standard = 1, .appointment = 1, .outcome = "ATTC",
                                      .outcome_on = CK_NODATE, .booked_on = CK_NODATE};
    }
    c->n_contacts = N;
    ck_date as_of = D("2020-01-07") + 7 * (N - 1);
    ck_result *r = ck_rules_evaluate(c, as_of, ck_calendar_default(), ck_rulecfg_default());
    size_t contact = 0, met = 0, outcome = 0;
    for (size_t i = 0; i < r->n_obligations; i++) {
        const ck_obligation *o = &r->obligations[i];
        if (strcmp(o->rule, "CONTACT") == 0) {
            contact++;
            met += o->status == CK_ST_MET;
        }
        outcome += strcmp(o->rule, "OUTCOME") == 0;
    }
    assert_int_equal(contact, N);
    assert_int_equal(met, N - 1);
    assert_int_equal(outcome, N - 1); /* the last is dated as_of */
    ck_result_free(r);
    ck_case_free(c);
}

/* The same case evaluated twice gives the same result, and evaluation does not
 * change the case. */
static void test_deterministic(void **state)
{
    (void)state;
    ck_case *c = build(WARNED "enforcement EN1 event=E1 contact=C1 date=2025-06-05 action=second_warning\n"
                              "victim V1 event=E1 referred=2025-06-02\nassessment AS1 kind=rosh completed=2025-02-01 level=high\n");
    ck_result *a = ck_rules_evaluate(c, D("2025-06-20"), ck_calendar_default(), ck_rulecfg_default());
    ck_result *b = ck_rules_evaluate(c, D("2025-06-20"), ck_calendar_default(), ck_rulecfg_default());
    assert_int_equal(a->n_obligations, b->n_obligations);
    assert_true(a->n_obligations > 5);
    for (size_t i = 0; i < a->n_obligations; i++) {
        assert_string_equal(a->obligations[i].rule, b->obligations[i].rule);
        assert_string_equal(a->obligations[i].subject, b->obligations[i].subject);
        assert_string_equal(EXPL(a, &a->obligations[i]), EXPL(b, &b->obligations[i]));
        assert_int_equal(a->obligations[i].due, b->obligations[i].due);
    }
    assert_int_equal(c->n_contacts, 2);
    assert_int_equal(c->contacts[0].outcome_on, CK_NODATE);
    ck_result_free(a);
    ck_result_free(b);
    ck_case_free(c);
}

/* An explanation is one line even when the text it repeats is not. */
static void test_one_line(void **state)
{
    (void)state;
    ck_case *c = build(CO "report event=E1 R1 type=fast requested=2025-05-01 completed=2025-05-08 outstanding_checks_reason=x\n");
    c->events[0].reports[0].outstanding_checks_reason = "Police did not reply.\r\nChased twice.";
    ck_result *r = ck_rules_evaluate(c, D("2025-06-20"), ck_calendar_default(), ck_rulecfg_default());
    const ck_obligation *o = find(r, "DA_CHECK", "event:E1");
    assert_non_null(o);
    assert_non_null(strstr(EXPL(r, o), "Police did not reply.  Chased twice."));
    for (size_t i = 0; i < r->n_obligations; i++) assert_null(strpbrk(EXPL(r, &r->obligations[i]), "\r\n"));
    ck_result_free(r);
    ck_case_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allocate),
        cmocka_unit_test(test_allocate_leaver),
        cmocka_unit_test(test_induction),
        cmocka_unit_test(test_contact),
        cmocka_unit_test(test_next_appointment),
        cmocka_unit_test(test_outcome),
        cmocka_unit_test(test_address),
        cmocka_unit_test(test_terminate),
        cmocka_unit_test(test_probation_reset),
        cmocka_unit_test(test_enforce),
        cmocka_unit_test(test_breach_pack),
        cmocka_unit_test(test_recall_decision),
        cmocka_unit_test(test_failures_to_comply),
        cmocka_unit_test(test_rosh_initial),
        cmocka_unit_test(test_rosh_review),
        cmocka_unit_test(test_rosh_change),
        cmocka_unit_test(test_sentence_plan),
        cmocka_unit_test(test_oversight),
        cmocka_unit_test(test_safeguarding_checks),
        cmocka_unit_test(test_da_flag_decision),
        cmocka_unit_test(test_reg_review),
        cmocka_unit_test(test_mappa_identify),
        cmocka_unit_test(test_vcs_referral),
        cmocka_unit_test(test_vcs_first_contact),
        cmocka_unit_test(test_vcs_flag),
        cmocka_unit_test(test_vcs_release),
        cmocka_unit_test(test_vcs_recall_notice),
        cmocka_unit_test(test_vcs_nonstatutory),
        cmocka_unit_test(test_report_due),
        cmocka_unit_test(test_v3_in_force),
        cmocka_unit_test(test_v3_allocate_leaver),
        cmocka_unit_test(test_v3_next_appointment),
        cmocka_unit_test(test_v3_address),
        cmocka_unit_test(test_v3_review_appointment),
        cmocka_unit_test(test_v3_recall_decision),
        cmocka_unit_test(test_v3_recall_outside_licence),
        cmocka_unit_test(test_v3_reg_review),
        cmocka_unit_test(test_status_and_names),
        cmocka_unit_test(test_empty_case),
        cmocka_unit_test(test_many_contacts),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
