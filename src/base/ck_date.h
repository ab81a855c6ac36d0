/* ck_date: calendar dates as day numbers.
 *
 * A date is the number of days since 1970-01-01 (negative before it), so date
 * differences and "D + n days" are integer arithmetic. Absent dates are
 * CK_NODATE, which sorts before every real date. Working-day arithmetic lives
 * in core/ck_cal (it needs the bank-holiday calendar). */
#ifndef CK_DATE_H
#define CK_DATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t ck_date;
#define CK_NODATE INT32_MIN
#define CK_DATE_STRLEN 11 /* "YYYY-MM-DD" + NUL */

ck_date ck_date_ymd(int y, int m, int d);                 /* no validation: use ck_date_valid */
void ck_date_split(ck_date d, int *y, int *m, int *dd);
bool ck_date_valid(int y, int m, int d);
int ck_date_days_in_month(int y, int m);
int ck_date_weekday(ck_date d);                           /* 0 = Monday .. 6 = Sunday */

/* Parses exactly "YYYY-MM-DD" (n bytes); false on anything else, incl. 2025-02-30. */
bool ck_date_parse(const char *s, size_t n, ck_date *out);
/* Writes "YYYY-MM-DD" into out (CK_DATE_STRLEN bytes); "" for CK_NODATE. Returns out. */
char *ck_date_fmt(ck_date d, char out[CK_DATE_STRLEN]);

/* Calendar month steps; a result past the month's end takes its last day
 * (2025-01-31 + 1 month = 2025-02-28). n may be negative. */
ck_date ck_date_add_months(ck_date d, int n);
static inline ck_date ck_date_add_days(ck_date d, int n) { return d + n; }

/* Today in UTC (the server's as_of). */
ck_date ck_date_today(void);

/* UK civil time at Unix time t (seconds, UTC): t plus the offset in force,
 * one hour from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
 * last Sunday of October (British Summer Time), none otherwise. For showing
 * people a time; stored times stay UTC. */
int64_t ck_date_uk_local(int64_t t);

#endif
