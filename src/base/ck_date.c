#include "ck_date.h"
#include <time.h>

/* Howard Hinnant's days_from_civil / civil_from_days: exact over the whole
 * proleptic Gregorian calendar, no tables, no time zones. */
ck_date ck_date_ymd(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (ck_date)(era * 146097 + (int)doe - 719468);
}

void ck_date_split(ck_date z0, int *y, int *m, int *d)
{
    int z = z0 + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)yoe + era * 400 + (*m <= 2);
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int ck_date_days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : dim[m - 1];
}

bool ck_date_valid(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= ck_date_days_in_month(y, m);
}

int ck_date_weekday(ck_date d)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0). */
    int w = (int)((d % 7 + 7 + 3) % 7);
    return w;
}

/* The digit at s[i] (0-9), or a value past any field's range when it is not
 * one, so one comparison per field rejects it. */
static inline unsigned digit(const char *s, int i)
{
    unsigned d = (unsigned)(unsigned char)s[i] - '0';
    return d <= 9 ? d : 100000;
}

bool ck_date_parse(const char *s, size_t n, ck_date *out)
{
    if (!s || n != 10 || s[4] != '-' || s[7] != '-') return false;
    /* Unrolled: a recompute reads millions of stored dates. */
    unsigned y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
    unsigned m = digit(s, 5) * 10 + digit(s, 6), d = digit(s, 8) * 10 + digit(s, 9);
    if (y > 9999 || m > 99 || d > 99) return false;
    if (!ck_date_valid((int)y, (int)m, (int)d)) return false;
    *out = ck_date_ymd((int)y, (int)m, (int)d);
    return true;
}

char *ck_date_fmt(ck_date d, char out[CK_DATE_STRLEN])
{
    if (d == CK_NODATE) {
        out[0] = '\0';
        return out;
    }
    int y, m, dd;
    ck_date_split(d, &y, &m, &dd);
    /* Digits by hand: dates are formatted millions of times in a recompute, and
     * this also proves to the compiler that the result fits. */
    unsigned uy = (unsigned)(y < 0 ? 0 : y % 10000), um = (unsigned)m, ud = (unsigned)dd;
    out[0] = (char)('0' + uy / 1000); out[1] = (char)('0' + uy / 100 % 10);
    out[2] = (char)('0' + uy / 10 % 10); out[3] = (char)('0' + uy % 10); out[4] = '-';
    out[5] = (char)('0' + um / 10); out[6] = (char)('0' + um % 10); out[7] = '-';
    out[8] = (char)('0' + ud / 10); out[9] = (char)('0' + ud % 10); out[10] = '\0';
    return out;
}

ck_date ck_date_add_months(ck_date d, int n)
{
    int y, m, dd;
    ck_date_split(d, &y, &m, &dd);
    int idx = y * 12 + (m - 1) + n;
    int ny = idx >= 0 ? idx / 12 : (idx - 11) / 12;
    int nm = idx - ny * 12 + 1;
    int dim = ck_date_days_in_month(ny, nm);
    return ck_date_ymd(ny, nm, dd > dim ? dim : dd);
}

ck_date ck_date_today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    return ck_date_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* 01:00 UTC on the last Sunday of month m of year y, in Unix seconds. */
static int64_t last_sunday_1am(int y, int m)
{
    ck_date d = ck_date_ymd(y, m, ck_date_days_in_month(y, m));
    d -= (ck_date_weekday(d) + 1) % 7; /* back to Sunday (6) */
    return (int64_t)d * 86400 + 3600;
}

int64_t ck_date_uk_local(int64_t t)
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int y, m, dd;
    ck_date_split((ck_date)days, &y, &m, &dd);
    bool summer = t >= last_sunday_1am(y, 3) && t < last_sunday_1am(y, 10);
    return summer ? t + 3600 : t;
}
