/* Explanation recipes (ck_explain.h): packed by the rules engine, written out
 * on read. Packing is memcpy and a few digits, no format parsing. */
#include "ck_explain.h"
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { US = 0x1f, RS = 0x1e, GS = 0x1d };

/* The words of each text; %s, %d and %D take the part's values in order. */
static const char *const TEXTS[CK_EX_N] = {
    [CK_EX_DUE] = "; due %D (",
    [CK_EX_CLOSE] = ")",
    [CK_EX_MET_BY] = "; met by ",
    [CK_EX_MET_BY_DECISION_MET] = "decision %s %D",
    [CK_EX_MET_BY_ALLOCATION_MET] = "allocation %s to %s from %D",
    [CK_EX_ALLOCATE_FACTS] = "event %s %s sentenced %D, in force",
    [CK_EX_ALLOCATE_UNMET] = ", no allocation to a practitioner in post",
    [CK_EX_ALLOCATE_DUE] = "sentence + %d WD%s",
    [CK_EX_ALLOCATE_LEAVER_FACTS] = "allocation %s to %s: practitioner %s %D",
    [CK_EX_ALLOCATE_LEAVER_UNMET] = ", no other allocation to a practitioner in post",
    [CK_EX_ALLOCATE_LEAVER_DUE] = "%s + %d WD%s",
    [CK_EX_INDUCTION_FACTS] = "event %s %s %s %D",
    [CK_EX_INDUCTION_UNMET] = ", no attended NS contact in the %s",
    [CK_EX_INDUCTION_MET] = "contact %s %s %s %D",
    [CK_EX_INDUCTION_DUE] = "%s + %d WD",
    [CK_EX_OUTCOME_FACTS] = "appointment %s %s %D",
    [CK_EX_OUTCOME_UNMET] = ", no outcome recorded",
    [CK_EX_OUTCOME_MET] = "outcome %s recorded %D",
    [CK_EX_OUTCOME_MET2] = "outcome %s recorded (no date: the appointment date)",
    [CK_EX_OUTCOME_DUE] = "appointment + %d WD",
    [CK_EX_CONTACT_FACTS] = "event %s: attended NS contact %s %s %D (%d-day interval",
    [CK_EX_CONTACT_FACTS2] = ": high-risk on the contact date)",
    [CK_EX_CONTACT_FACTS3] = " on day %d of the %s)",
    [CK_EX_CONTACT_UNMET] = ", no later attended NS contact",
    [CK_EX_CONTACT_MET] = "contact %s %s %D",
    [CK_EX_CONTACT_DUE] = "contact + %d days",
    [CK_EX_NEXT_APPOINTMENT_FACTS] = "event %s: last attended NS contact %s %D, CONTACT due %D",
    [CK_EX_NEXT_APPOINTMENT_UNMET] = ", no later NS appointment booked",
    [CK_EX_NEXT_APPOINTMENT_MET] = "appointment %s %s for %D, booked %D",
    [CK_EX_NEXT_APPOINTMENT_MET2] = "appointment %s %s for %D, booking date not recorded (met on the contact date)",
    [CK_EX_NEXT_APPOINTMENT_DUE] = "contact + %d WD",
    [CK_EX_ADDRESS_RUN_MET] = "main address %s from %D, unbroken up to now",
    [CK_EX_ADDRESS_RUN_MET2] = "no fixed abode since %D",
    [CK_EX_ADDRESS_FACTS] = "event %s %s started %D",
    [CK_EX_ADDRESS_UNMET] = ", no current main address or no-fixed-abode date recorded",
    [CK_EX_ADDRESS_DUE] = "start + %d WD",
    [CK_EX_TERMINATE_FACTS] = "event %s %s ended %D",
    [CK_EX_TERMINATE_UNMET] = ", not terminated",
    [CK_EX_TERMINATE_MET] = "termination %D",
    [CK_EX_TERMINATE_DUE] = "end + %d WD",
    [CK_EX_REVIEW_APPOINTMENT_FACTS] = "event %s licence %D to %D: probation reset at the two-thirds point %D, contact stopped %D",
    [CK_EX_REVIEW_APPOINTMENT_UNMET] = ", no attended NS contact in the final third",
    [CK_EX_REVIEW_APPOINTMENT_DUE] = "two-thirds point + %d days: midway through the final third",
    [CK_EX_ENFORCE_FACTS] = "unacceptable failure %s on NS contact %s %s %D (event %s)",
    [CK_EX_ENFORCE_FACTS2] = "; warning %s %s %D within %d months and no breach resolved since: breach mandatory",
    [CK_EX_ENFORCE_MET] = "%s %s %D",
    [CK_EX_ENFORCE_UNMET] = " (%s %s recorded instead: does not meet it)",
    [CK_EX_ENFORCE_UNMET2] = ", no enforcement action recorded",
    [CK_EX_ENFORCE_DUE] = "failure + %d WD",
    [CK_EX_BREACH_PACK_FACTS] = "breach %s initiated %D on event %s",
    [CK_EX_BREACH_PACK_UNMET] = ", no pack sent",
    [CK_EX_BREACH_PACK_MET] = "pack sent %D",
    [CK_EX_BREACH_PACK_MET2] = "withdrawal %D",
    [CK_EX_BREACH_PACK_DUE] = "initiation + %d WD",
    [CK_EX_MET_BY_RECALL_MET] = "recall %s %D",
    [CK_EX_RECALL_DECISION_FACTS] = "unacceptable failure %s on NS contact %s %s %D (event %s licence) after final_warning %s %D",
    [CK_EX_RECALL_DECISION_UNMET] = ", no recall and no recorded decision",
    [CK_EX_RECALL_DECISION_FACTS2] = "recall requested %s %D (event %s licence)",
    [CK_EX_RECALL_DECISION_DUE] = "request + %d WD",
    [CK_EX_ROSH_INITIAL_FACTS] = "event %s %s start %D",
    [CK_EX_ROSH_INITIAL_UNMET] = ", no RoSH assessment since %D",
    [CK_EX_ROSH_INITIAL_MET] = "RoSH %s %s %D",
    [CK_EX_ROSH_INITIAL_DUE] = "start + %d WD%s",
    [CK_EX_ROSH_REVIEW_FACTS] = "RoSH %s %s completed %D",
    [CK_EX_ROSH_REVIEW_UNMET] = ", no later RoSH assessment",
    [CK_EX_ROSH_REVIEW_DUE] = "completion + %d weeks%s",
    [CK_EX_ROSH_CHANGE_FACTS] = ", RoSH %s %D on record",
    [CK_EX_ROSH_CHANGE_UNMET] = ", no RoSH assessment since the change",
    [CK_EX_ROSH_CHANGE_DUE] = "change + %d WD",
    [CK_EX_ROSH_CHANGE_FACTS2] = "change %s %s %D",
    [CK_EX_ROSH_CHANGE_FACTS3] = "police DA check %s received %D with relevant information",
    [CK_EX_ROSH_CHANGE_FACTS4] = "%s registration %s %D",
    [CK_EX_ROSH_CHANGE_FACTS5] = "breach %s initiated %D",
    [CK_EX_ROSH_CHANGE_FACTS6] = "recall %s %D (event %s)",
    [CK_EX_SENTENCE_PLAN_UNMET] = ", no sentence plan since the start",
    [CK_EX_SENTENCE_PLAN_MET] = "sentence plan %s %D",
    [CK_EX_OVERSIGHT_UNMET] = ", no management oversight since",
    [CK_EX_OVERSIGHT_MET] = "oversight %s %D",
    [CK_EX_OVERSIGHT_DUE] = "completion + %d WD",
    [CK_EX_OUTSTANDING_REASONS_FACTS] = " (report %s completed with checks outstanding: \"%s\")",
    [CK_EX_SAFEGUARDING_CHECK_UNMET] = ", no %s received since %D",
    [CK_EX_SAFEGUARDING_CHECK_MET] = "%s received %D",
    [CK_EX_SAFEGUARDING_CHECK_FACTS] = "report %s %s requested %D (event %s)",
    [CK_EX_SAFEGUARDING_CHECK_FACTS2] = ", completed with checks outstanding: \"%s\"",
    [CK_EX_SAFEGUARDING_CHECK_UNMET2] = ", no %s received since the request",
    [CK_EX_SAFEGUARDING_CHECK_DUE] = "the report's due date",
    [CK_EX_DA_FLAG_DECISION_UNMET] = ", no ADVP registration and no recorded decision",
    [CK_EX_DA_FLAG_DECISION_MET] = "ADVP registration %s %D",
    [CK_EX_DA_FLAG_DECISION_DUE] = "receipt + %d WD",
    [CK_EX_REG_REVIEW_FACTS] = ", last review %D",
    [CK_EX_REG_REVIEW_UNMET] = ", no review after %D",
    [CK_EX_REG_REVIEW_MET] = "review %D",
    [CK_EX_REG_REVIEW_MET2] = "de-registration %D",
    [CK_EX_REG_REVIEW_DUE] = "next review date",
    [CK_EX_REG_REVIEW_DUE2] = "registration + %d months",
    [CK_EX_MAPPA_IDENTIFY_FACTS] = "event %s sentenced %D: %s offence with ",
    [CK_EX_MAPPA_IDENTIFY_UNMET] = ", no MAPP registration and no NOTMAPPA decision",
    [CK_EX_MAPPA_IDENTIFY_MET] = "MAPP registration %s %D",
    [CK_EX_MAPPA_IDENTIFY_MET2] = "NOTMAPPA decision %s %D",
    [CK_EX_MAPPA_IDENTIFY_DUE] = "sentence + %d WD",
    [CK_EX_MET_BY_REFERRAL_OUTCOME_MET] = "referral outcome %s %D",
    [CK_EX_VCS_REFERRAL_FACTS] = "event %s VCS-eligible (%s, ",
    [CK_EX_VCS_REFERRAL_UNMET] = ", no victim referred and no referral outcome",
    [CK_EX_VCS_REFERRAL_MET] = "victim %s referred %D",
    [CK_EX_VCS_FIRST_CONTACT_UNMET] = ", no first contact recorded",
    [CK_EX_VCS_FIRST_CONTACT_MET] = "first contact %D",
    [CK_EX_VCS_FIRST_CONTACT_DUE] = "referral + %d WD",
    [CK_EX_VCS_FLAG_FACTS] = "victim %s opted in %D",
    [CK_EX_VCS_FLAG_UNMET] = ", no INVI registration",
    [CK_EX_VCS_FLAG_MET] = "INVI registration %s %D",
    [CK_EX_VCS_FLAG_DUE] = "opt-in + %d WD",
    [CK_EX_VCS_REPRESENTATIONS_FACTS] = "victim %s opted in %D, release %D",
    [CK_EX_VCS_REPRESENTATIONS_UNMET] = ", no representations recorded",
    [CK_EX_VCS_REPRESENTATIONS_MET] = "representations %D",
    [CK_EX_VCS_REPRESENTATIONS_DUE] = "release - %d days",
    [CK_EX_VCS_RELEASE_NOTICE_UNMET] = ", victim not informed of the release",
    [CK_EX_VCS_RELEASE_NOTICE_MET] = "release notice %D",
    [CK_EX_VCS_RELEASE_NOTICE_DUE] = "release - %d WD",
    [CK_EX_VCS_RECALL_NOTICE_FACTS] = "victim %s opted in %D, recall %s %D",
    [CK_EX_VCS_RECALL_NOTICE_UNMET] = ", victim not informed of the recall",
    [CK_EX_VCS_RECALL_NOTICE_MET] = "recall notice %D",
    [CK_EX_VCS_RECALL_NOTICE_DUE] = "recall + %d WD",
    [CK_EX_VCS_NONSTATUTORY_FACTS] = "event %s domestic-abuse related (%s %s), not VCS-eligible, sentenced %D",
    [CK_EX_VCS_NONSTATUTORY_UNMET] = ", no non-statutory victim contact, referral outcome or recorded decision",
    [CK_EX_VCS_NONSTATUTORY_MET] = "victim %s (%s) first contact %D",
    [CK_EX_REPORT_DUE_UNMET] = ", not completed",
    [CK_EX_REPORT_DUE_MET] = "completion %D",
    [CK_EX_REPORT_DUE_DUE] = "%s: the request date",
    [CK_EX_WORDS] = "%s",
    [CK_EX_SENTENCE_MONTHS] = "%s of %d months",
    [CK_EX_MAPPA_IDENTIFY_CATEGORY] = " (category %d)",
    [CK_EX_VCS_REFERRAL_SENTENCED] = ") sentenced %D",
};

/* A part is packed on the stack and appended to the recipe in one go: a
 * ck_buf append per value cost more than the values themselves. */
typedef struct stage {
    ck_buf *out;
    size_t n;
    char b[256];
} stage;

static void flush(stage *s)
{
    ck_buf_append(s->out, s->b, s->n);
    s->n = 0;
}

/* Inline: a recompute makes millions of these, most of one to ten bytes. */
static inline __attribute__((always_inline)) void put(stage *s, const char *p, size_t n)
{
    if (s->n + n > sizeof s->b) {
        flush(s);
        if (n > sizeof s->b) {
            ck_buf_append(s->out, p, n);
            return;
        }
    }
    memcpy(s->b + s->n, p, n);
    s->n += n;
}

static inline void put_c(stage *s, char c)
{
    if (s->n + 1 > sizeof s->b) flush(s);
    s->b[s->n++] = c;
}

/* The decimal digits of 0..99, two bytes each. */
static const char DIGITS2[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                 "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                 "8081828384858687888990919293949596979899";

/* Appends v in decimal, as printf's %d writes it, straight into the stage
 * (a recompute writes millions of these: dates as day numbers, counts),
 * two digits a step: one digit a step was 8% of a recompute's reading
 * thread. */
static void put_int(stage *s, long v)
{
    if (s->n + 21 > sizeof s->b) flush(s); /* a sign and 20 digits */
    unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
    if (v < 0) s->b[s->n++] = '-';
    size_t len = 1;
    for (unsigned long t = 10; len < 20 && u >= t; t *= 10) len++; /* wraps only after the last compare */
    char *p = s->b + s->n + len;
    while (u >= 100) {
        unsigned d = (unsigned)(u % 100) * 2;
        u /= 100;
        *--p = DIGITS2[d + 1];
        *--p = DIGITS2[d];
    }
    if (u >= 10) {
        *--p = DIGITS2[u * 2 + 1];
        *--p = DIGITS2[u * 2];
    } else {
        *--p = (char)('0' + u);
    }
    s->n += len;
}

/* Appends str with every control character (US and RS among them) as a space. */
static void put_line(stage *s, const char *str)
{
    if (!str) str = "(null)";
    for (;;) {
        const char *run = str;
        while ((unsigned char)*str >= ' ') str++;
        if (str > run) put(s, run, (size_t)(str - run));
        if (!*str) return;
        put_c(s, ' ');
        str++;
    }
}

void ck_explain_add(ck_buf *recipe, ck_ex_text t, const ck_xarg *a, size_t n)
{
    stage s;
    s.out = recipe;
    s.n = 0;
    put_int(&s, (long)t);
    for (size_t i = 0; i < n; i++) {
        char head[2] = {US, a[i].kind};
        put(&s, head, 2);
        if (a[i].kind == 's')
            put_line(&s, a[i].s);
        else
            put_int(&s, a[i].kind == 'd' ? (long)a[i].i : (long)a[i].d);
    }
    put_c(&s, RS);
    flush(&s);
}

/* A decimal integer from p up to a separator; false on anything else. */
static bool read_int(const char **p, long *out)
{
    const char *s = *p;
    bool neg = *s == '-';
    if (neg) s++;
    if (*s < '0' || *s > '9') return false;
    long v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (LONG_MAX - 9) / 10) return false;
        v = v * 10 + (*s - '0');
    }
    *p = s;
    *out = neg ? -v : v;
    return true;
}

/* One part at *p (after its text number t): the text with its values. */
static bool render_part(const char **p, long t, ck_buf *out)
{
    if (t < 0 || t >= CK_EX_N) return false;
    const char *s = *p;
    for (const char *f = TEXTS[t]; *f; f++) {
        if (*f != '%') {
            const char *run = f;
            while (f[1] && f[1] != '%') f++;
            ck_buf_append(out, run, (size_t)(f - run + 1));
            continue;
        }
        char want = *++f;
        if (s[0] != US || s[1] != want) return false;
        s += 2;
        if (want == 's') {
            const char *v = s;
            while ((unsigned char)*s >= ' ') s++;
            ck_buf_append(out, v, (size_t)(s - v));
        } else {
            long v;
            if (!read_int(&s, &v)) return false;
            if (want == 'd') {
                stage st;
                st.out = out;
                st.n = 0;
                put_int(&st, v);
                flush(&st);
            } else {
                if (v < INT32_MIN || v > INT32_MAX) return false;
                char d[CK_DATE_STRLEN];
                ck_buf_puts(out, ck_date_fmt((ck_date)v, d));
            }
        }
    }
    if (*s != RS) return false;
    *p = s + 1;
    return true;
}

const char *const ck_explain_periods[3] = {"order", "licence", "post-sentence supervision"};

void ck_explain_add_basis(ck_buf *recipe, const ck_explain_basis *b)
{
    int period = 0;
    for (int i = 0; i < 3; i++)
        if (b->period == ck_explain_periods[i]) period = i + 1;
    long v[] = {b->basis, b->amount, b->why, b->high_risk, b->stage, period};
    stage s;
    s.out = recipe;
    s.n = 0;
    put_c(&s, GS);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        if (i) put_c(&s, US);
        put_int(&s, v[i]);
    }
    flush(&s);
}

bool ck_explain_basis_read(const char *recipe, ck_explain_basis *out)
{
    const char *p = recipe && *recipe == CK_EXPLAIN_MARK ? strchr(recipe, GS) : NULL;
    if (!p) return false;
    p++;
    long v[6];
    for (size_t i = 0; i < 6; i++) {
        if (i && *p++ != US) return false;
        if (!read_int(&p, &v[i])) return false;
    }
    if (*p || v[0] < INT32_MIN || v[0] > INT32_MAX || v[1] < INT_MIN || v[1] > INT_MAX || v[2] < 0 || v[2] > INT_MAX ||
        v[4] < INT_MIN || v[4] > INT_MAX || v[5] < 0 || v[5] > 3)
        return false;
    *out = (ck_explain_basis){(ck_date)v[0], (int)v[1], (int)v[2], v[3] != 0, (int)v[4],
                              v[5] ? ck_explain_periods[v[5] - 1] : NULL};
    return true;
}

bool ck_explain_render(const char *recipe, ck_buf *out)
{
    if (!recipe) return true;
    if (*recipe != CK_EXPLAIN_MARK) return ck_buf_puts(out, recipe), true;
    const char *p = recipe + 1;
    while (*p && *p != GS) {
        long t;
        if (!read_int(&p, &t) || !render_part(&p, t, out)) return false;
    }
    return true;
}

const char *ck_explain_text(const char *recipe, ck_arena *a)
{
    if (!recipe) return NULL;
    if (*recipe != CK_EXPLAIN_MARK) return recipe;
    ck_buf b = CK_BUF_INIT;
    bool ok = ck_explain_render(recipe, &b);
    const char *s = ok ? ck_arena_strndup(a, ck_buf_cstr(&b), b.len) : "";
    ck_buf_free(&b);
    return s;
}
