/* date.c - parsing and writing the calendar forms of date.h.
 *
 * Only ASCII digits and letters are read, whatever the locale, so a
 * date parses the same in every program and test run.
 */
#include "date.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int ascii_upper(int c)
{
    return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int na_date_days_in_month(int year, int month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month < 1 || month > 12)
        return 0;
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

bool na_date_valid(int year, int month, int day)
{
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= na_date_days_in_month(year, month);
}

/* Reads exactly N digits at *P. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* Reads one or two digits at *P; *WIDTH gets how many. */
static bool digits12(const char **p, int *out, int *width)
{
    if (!isdigit((unsigned char)**p))
        return false;
    *width = isdigit((unsigned char)(*p)[1]) ? 2 : 1;
    return digits(p, *width, out);
}

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* ISO 8601 as date.h describes it, plus the looser forms of YAML's
 * timestamp type (one-digit month, day and hour when a time follows,
 * blanks between date and time or before the zone, a one-digit zone
 * hour), since front matter writers produce both. */
bool na_date_parse_iso(const char *s, na_date_t *out)
{
    na_date_t d = { 0, 0, 0, -1, -1, -1 };
    int mw, dw, hw;
    const char *p = skip_blanks(s);
    if (!digits(&p, 4, &d.year) || *p++ != '-' || !digits12(&p, &d.month, &mw) || *p++ != '-' ||
        !digits12(&p, &d.day, &dw) || !na_date_valid(d.year, d.month, d.day))
        return false;
    const char *t = p;
    if (*t == 'T' || *t == 't')
        t++;
    else
        t = skip_blanks(t);
    if (t != p && isdigit((unsigned char)*t)) {
        p = t;
        if (!digits12(&p, &d.hour, &hw) || *p++ != ':' || !digits(&p, 2, &d.minute))
            return false;
        d.second = 0;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &d.second))
                return false;
            if (*p == '.' || *p == ',') {
                p++;
                if (!isdigit((unsigned char)*p))
                    return false;
                while (isdigit((unsigned char)*p))
                    p++;
            }
        }
        if (d.hour > 23 || d.minute > 59 || d.second > 60)
            return false;
        p = skip_blanks(p);
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int zh, zw, zm = 0;
            p++;
            if (!digits12(&p, &zh, &zw))
                return false;
            if (*p == ':') {
                p++;
                if (!digits(&p, 2, &zm))
                    return false;
            } else if (zw == 2 && isdigit((unsigned char)*p) && !digits(&p, 2, &zm)) {
                return false;
            }
            if (zh > 14 || zm > 59)
                return false;
        }
    } else if (mw == 1 || dw == 1) {
        return false; /* a date alone has two-digit month and day */
    }
    if (*skip_blanks(p))
        return false;
    *out = d;
    return true;
}

bool na_date_parse_reuters(const char *s, na_date_t *out)
{
    static const char months[] = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";
    na_date_t d = { 0, 0, 0, -1, -1, -1 };
    int w;
    const char *p = s;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (!digits12(&p, &d.day, &w) || *p++ != '-')
        return false;
    char mon[3];
    for (int i = 0; i < 3; i++) {
        if (!p[i])
            return false;
        mon[i] = (char)ascii_upper((unsigned char)p[i]);
    }
    for (int i = 0; i < 12; i++)
        if (memcmp(mon, months + 3 * i, 3) == 0)
            d.month = i + 1;
    if (!d.month)
        return false;
    p += 3;
    if (*p++ != '-' || !digits(&p, 4, &d.year) || isdigit((unsigned char)*p) ||
        !na_date_valid(d.year, d.month, d.day))
        return false;
    /* The time is optional and taken only when it is a real one:
     * "605:12:19.12" leaves the article with its day alone. */
    int h, m, sec;
    const char *t = skip_blanks(p);
    if (digits12(&t, &h, &w) && *t++ == ':' && digits(&t, 2, &m) && *t++ == ':' &&
        digits(&t, 2, &sec) && !isdigit((unsigned char)*t) && h < 24 && m < 60 && sec < 61) {
        d.hour = h;
        d.minute = m;
        d.second = sec;
    }
    *out = d;
    return true;
}

/* Fields are in range for any date this module made; the wide scratch
 * buffer keeps a caller's out-of-range date from overflowing OUT. */
static void copy_out(char *out, const char *tmp, size_t size)
{
    memcpy(out, tmp, size - 1);
    out[size - 1] = '\0';
}

void na_date_format_iso(const na_date_t *d, char *out)
{
    char tmp[96];
    if (d->hour >= 0)
        snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d", d->year, d->month, d->day, d->hour,
                 d->minute, d->second);
    else
        snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", d->year, d->month, d->day);
    copy_out(out, tmp, strlen(tmp) < 20 ? strlen(tmp) + 1 : 20);
}

void na_date_format_sortable(const na_date_t *d, char *out)
{
    char tmp[96];
    snprintf(tmp, sizeof tmp, "%04d%02d%02d%02d%02d%02d", d->year, d->month, d->day,
             d->hour >= 0 ? d->hour : 0, d->minute >= 0 ? d->minute : 0, d->second >= 0 ? d->second : 0);
    copy_out(out, tmp, 15);
}

bool na_period_parse(const char *s, na_period_t *out)
{
    const char *p = s;
    na_period_t r = { NA_GRAIN_YEAR, 0, 0, 0, 0 };
    if (!digits(&p, 4, &r.year) || r.year < 1)
        return false;
    if (*p == '-' && (p[1] == 'Q' || p[1] == 'q')) {
        if (p[2] < '1' || p[2] > '4' || p[3])
            return false;
        r.grain = NA_GRAIN_QUARTER;
        r.quarter = p[2] - '0';
        r.month = 3 * r.quarter - 2;
        *out = r;
        return true;
    }
    if (*p == '-') {
        p++;
        if (!digits(&p, 2, &r.month) || r.month < 1 || r.month > 12)
            return false;
        r.grain = NA_GRAIN_MONTH;
        r.quarter = (r.month + 2) / 3;
        if (*p == '-') {
            p++;
            if (!digits(&p, 2, &r.day) || !na_date_valid(r.year, r.month, r.day))
                return false;
            r.grain = NA_GRAIN_DAY;
        }
    }
    if (*p)
        return false;
    *out = r;
    return true;
}

void na_period_format(const na_period_t *p, char out[12])
{
    unsigned y = (unsigned)p->year % 10000u, q = (unsigned)p->quarter % 10u;
    unsigned m = (unsigned)p->month % 100u, d = (unsigned)p->day % 100u;
    switch (p->grain) {
    case NA_GRAIN_YEAR:
        snprintf(out, 12, "%04u", y);
        break;
    case NA_GRAIN_QUARTER:
        snprintf(out, 12, "%04u-Q%u", y, q);
        break;
    case NA_GRAIN_MONTH:
        snprintf(out, 12, "%04u-%02u", y, m);
        break;
    case NA_GRAIN_DAY:
        snprintf(out, 12, "%04u-%02u-%02u", y, m, d);
        break;
    }
}

void na_period_next(na_period_t *p)
{
    switch (p->grain) {
    case NA_GRAIN_YEAR:
        p->year++;
        break;
    case NA_GRAIN_QUARTER:
        if (++p->quarter > 4) {
            p->quarter = 1;
            p->year++;
        }
        p->month = 3 * p->quarter - 2;
        break;
    case NA_GRAIN_DAY:
    case NA_GRAIN_MONTH:
        if (p->grain == NA_GRAIN_DAY && ++p->day <= na_date_days_in_month(p->year, p->month))
            break;
        if (p->grain == NA_GRAIN_DAY)
            p->day = 1;
        if (++p->month > 12) {
            p->month = 1;
            p->year++;
        }
        p->quarter = (p->month + 2) / 3;
        break;
    }
}

int na_period_cmp(const na_period_t *a, const na_period_t *b)
{
    long x = ((long)a->year * 100 + a->month) * 100 + a->day;
    long y = ((long)b->year * 100 + b->month) * 100 + b->day;
    return x < y ? -1 : x > y;
}

size_t na_period_enclosing(const na_period_t *p, char out[4][12])
{
    na_period_t q = *p;
    size_t n = 0;
    for (int g = (int)p->grain; g >= (int)NA_GRAIN_YEAR; g--) {
        q.grain = (na_grain_t)g;
        if (g < NA_GRAIN_DAY)
            q.day = 0;
        if (g < NA_GRAIN_MONTH)
            q.month = g == NA_GRAIN_QUARTER ? 3 * q.quarter - 2 : 0;
        na_period_format(&q, out[n++]);
    }
    return n;
}

bool na_date_query_bounds(const char *s, char lo[15], char hi[15])
{
    na_period_t p;
    if (!na_period_parse(s, &p))
        return false;
    int m1 = p.grain == NA_GRAIN_YEAR ? 1 : p.month;
    int m2 = p.grain == NA_GRAIN_YEAR ? 12 : p.grain == NA_GRAIN_QUARTER ? p.month + 2 : p.month;
    na_date_t first = { p.year, m1, p.day ? p.day : 1, 0, 0, 0 };
    na_date_t last = { p.year, m2, p.day ? p.day : na_date_days_in_month(p.year, m2), 23, 59, 59 };
    na_date_format_sortable(&first, lo);
    na_date_format_sortable(&last, hi);
    return true;
}
