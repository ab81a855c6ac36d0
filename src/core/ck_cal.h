/* ck_cal: the England and Wales working-day calendar.
 *
 * A working day is Monday to Friday and not a bank holiday. The bank holidays
 * come from a GOV.UK bank-holidays.json ("england-and-wales" division); the
 * product ships a copy (data/bank-holidays.json, embedded in the binary) and
 * can load a newer file. Parsing is here; reading the file is the caller's. */
#ifndef CK_CAL_H
#define CK_CAL_H
#include "ck_date.h"
#include <stdbool.h>
#include <stddef.h>

typedef struct ck_calendar ck_calendar;

/* Parses GOV.UK JSON text. NULL on error, with a message naming the problem in err. */
ck_calendar *ck_calendar_parse(const char *json, size_t len, char *err, size_t err_len);
/* The shipped calendar (built once, thread-safe, never freed). */
const ck_calendar *ck_calendar_default(void);
void ck_calendar_free(ck_calendar *cal); /* NULL-safe; not for the default */

bool ck_is_bank_holiday(const ck_calendar *cal, ck_date d);
bool ck_is_working_day(const ck_calendar *cal, ck_date d);
/* D + n WD (n >= 0) and D - n WD, exactly as the rulebook defines them:
 * step one day at a time counting only working days; D itself never counts;
 * D + 0 WD = D. */
ck_date ck_wd_add(const ck_calendar *cal, ck_date d, int n);
ck_date ck_wd_sub(const ck_calendar *cal, ck_date d, int n);
/* First and last year the calendar covers (dates outside: weekends only). */
void ck_calendar_range(const ck_calendar *cal, int *first_year, int *last_year);

#endif
