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

/* Days from 1970-01-01 to the civil date Y-M-D, and back (the
 * proleptic Gregorian calendar, by eras of 400 years). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Moves the date-time D, written at OFFSET minutes east of UTC, to UTC:
 * an article is placed by its UTC day. */
static void to_utc(na_date_t *d, int offset)
{
    int minutes = d->hour * 60 + d->minute - offset;
    long day = days_from_civil(d->year, d->month, d->day);
    while (minutes < 0) {
        minutes += 24 * 60;
        day--;
    }
    while (minutes >= 24 * 60) {
        minutes -= 24 * 60;
        day++;
    }
    d->hour = minutes / 60;
    d->minute = minutes % 60;
    civil_from_days(day, &d->year, &d->month, &d->day);
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
    if (!digits(&p, 4, &d.year) || d.year < 1)
        return false;
    /* ISO 8601's reduced precision, "2023" and "2023-03", alone. */
    if (!*skip_blanks(p)) {
        *out = d;
        return true;
    }
    if (p[0] == '-' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) && !*skip_blanks(p + 3)) {
        d.month = (p[1] - '0') * 10 + (p[2] - '0');
        if (d.month < 1 || d.month > 12)
            return false;
        *out = d;
        return true;
    }
    if (*p++ != '-' || !digits12(&p, &d.month, &mw) || *p++ != '-' ||
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
            int sign = *p == '-' ? -1 : 1, zh, zw, zm = 0;
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
            to_utc(&d, sign * (zh * 60 + zm));
        }
    } else if (mw == 1 || dw == 1) {
        return false; /* a date alone has two-digit month and day */
    }
    if (*skip_blanks(p) || d.year < 1 || d.year > 9999)
        return false; /* junk after, or moved to UTC out of the calendar */
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

/* ---- the forms people and feeds write (na_date_parse) ---- */

static const char *const month_names[12] = { "january", "february", "march",     "april",   "may",      "june",
                                             "july",    "august",   "september", "october", "november", "december" };
static const char *const day_names[7] = { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" };

/* The length of the run of ASCII letters at P. */
static size_t word_len(const char *p)
{
    size_t n = 0;
    while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z'))
        n++;
    return n;
}

/* True when the N letters at P are NAME in full or its first three
 * letters ("Sep" and "Sept" too), case ignored. */
static bool names(const char *p, size_t n, const char *name)
{
    size_t full = strlen(name);
    if (n < 3 || n > full || (n != 3 && n != full && !(n == 4 && strcmp(name, "september") == 0)))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((p[i] | 0x20) != name[i])
            return false;
    return true;
}

/* Reads a month's name, full or short, with an optional full stop after
 * a short one; 1 to 12, or 0 leaving *P alone. */
static int month_name(const char **p)
{
    size_t n = word_len(*p);
    for (int i = 0; i < 12; i++)
        if (names(*p, n, month_names[i])) {
            *p += n;
            if (**p == '.' && n < strlen(month_names[i]))
                (*p)++;
            return i + 1;
        }
    return 0;
}

/* Skips a leading day of the week ("Sun, ", "Sunday "), which says
 * nothing the date does not. */
static const char *skip_weekday(const char *p)
{
    size_t n = word_len(p);
    for (int i = 0; i < 7; i++)
        if (names(p, n, day_names[i])) {
            p += n;
            if (*p == '.')
                p++;
            if (*p == ',')
                p++;
            return skip_blanks(p);
        }
    return p;
}

/* Reads 1 or 2 digits not followed by another. */
static bool number12(const char **p, int *out)
{
    int w;
    const char *q = *p;
    if (!digits12(&q, out, &w) || isdigit((unsigned char)*q))
        return false;
    *p = q;
    return true;
}

/* Reads a four-digit year not followed by another digit. */
static bool year4(const char **p, int *out)
{
    const char *q = *p;
    if (!digits(&q, 4, out) || isdigit((unsigned char)*q) || *out < 1)
        return false;
    *p = q;
    return true;
}

/* True when the N letters at P are those of NAME, case ignored. */
static bool same_letters(const char *p, const char *name, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ascii_upper((unsigned char)p[i]) != ascii_upper((unsigned char)name[i]))
            return false;
    return true;
}

/* Reads the zone after a time: Z, UT, UTC, GMT, the North American
 * names RFC 2822 keeps, or +hhmm / +hh:mm; *OFFSET gets minutes east of
 * UTC.  True with no zone at all (*HAS_ZONE false). */
static bool zone(const char **p, int *offset, bool *has_zone)
{
    static const struct { const char *name; int hours; } zones[] = {
        { "Z", 0 },   { "UT", 0 },  { "UTC", 0 }, { "GMT", 0 },  { "EST", -5 }, { "EDT", -4 },
        { "CST", -6 }, { "CDT", -5 }, { "MST", -7 }, { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 },
    };
    const char *q = *p;
    *offset = 0;
    *has_zone = false;
    if (*q == '+' || *q == '-') {
        int sign = *q == '-' ? -1 : 1, h, m;
        q++;
        if (!digits(&q, 2, &h))
            return false;
        if (*q == ':')
            q++;
        if (!digits(&q, 2, &m) || h > 14 || m > 59)
            return false;
        *offset = sign * (h * 60 + m);
        *has_zone = true;
        *p = q;
        return true;
    }
    size_t n = word_len(q);
    if (!n)
        return true;
    for (size_t i = 0; i < sizeof zones / sizeof *zones; i++)
        if (strlen(zones[i].name) == n && same_letters(q, zones[i].name, n)) {
            *offset = zones[i].hours * 60;
            *has_zone = true;
            *p = q + n;
            return true;
        }
    return false;
}

/* Reads an optional time after a day: blanks, H:MM or H:MM:SS (a
 * fraction of a second ignored), then an optional zone, converted to UTC.
 * True when there is no time or a good one. */
static bool time_of_day(const char **p, na_date_t *d)
{
    const char *q = skip_blanks(*p);
    if (*q == ',')
        q = skip_blanks(q + 1);
    if (!isdigit((unsigned char)*q))
        return true;
    int h, m, sec = 0;
    if (!number12(&q, &h) || *q++ != ':' || !digits(&q, 2, &m))
        return false;
    if (*q == ':') {
        q++;
        if (!digits(&q, 2, &sec))
            return false;
        if (*q == '.') {
            q++;
            if (!isdigit((unsigned char)*q))
                return false;
            while (isdigit((unsigned char)*q))
                q++;
        }
    }
    if (h > 23 || m > 59 || sec > 60)
        return false;
    int offset;
    bool has_zone;
    q = skip_blanks(q);
    if (!zone(&q, &offset, &has_zone))
        return false;
    d->hour = h;
    d->minute = m;
    d->second = sec;
    if (has_zone)
        to_utc(d, offset);
    *p = q;
    return true;
}

bool na_date_parse(const char *s, na_date_t *out)
{
    if (!s)
        return false;
    if (na_date_parse_iso(s, out))
        return true;
    na_date_t d = { 0, 0, 0, -1, -1, -1 };
    const char *p = skip_weekday(skip_blanks(s));
    if (isdigit((unsigned char)*p)) {
        const char *q = p;
        if (digits(&q, 4, &d.year) && *q == '/') {
            /* 2023/03/05: year first is never read as anything else. */
            q++;
            if (!number12(&q, &d.month) || *q++ != '/' || !number12(&q, &d.day))
                return false;
        } else if ((q = p, digits(&q, 8, &d.year)) && !isdigit((unsigned char)*q)) {
            /* 20230305, ISO 8601's basic form. */
            d.day = d.year % 100;
            d.month = d.year / 100 % 100;
            d.year /= 10000;
        } else {
            /* 5 March 2023, 05 Mar 2023 (RFC 2822), 5-Mar-2023. */
            q = p;
            if (!number12(&q, &d.day))
                return false;
            bool dashes = *q == '-';
            if (dashes)
                q++;
            else if (q == skip_blanks(q))
                return false;
            q = skip_blanks(q);
            if (!(d.month = month_name(&q)))
                return false;
            if (dashes && *q++ != '-')
                return false;
            if (!dashes)
                q = skip_blanks(*q == ',' ? q + 1 : q);
            if (!year4(&q, &d.year))
                return false;
        }
        p = q;
    } else {
        /* March 5, 2023; Mar. 5 2023; March 2023 (a month alone). */
        if (!(d.month = month_name(&p)))
            return false;
        p = skip_blanks(p);
        if (!year4(&p, &d.year)) {
            if (!number12(&p, &d.day))
                return false;
            if (*p == ',')
                p++;
            p = skip_blanks(p);
            if (!year4(&p, &d.year))
                return false;
        }
    }
    if (!d.day) {
        if (*skip_blanks(p) || d.year > 9999)
            return false;
        *out = d;
        return true;
    }
    if (!na_date_valid(d.year, d.month, d.day) || !time_of_day(&p, &d) || *skip_blanks(p) ||
        !na_date_valid(d.year, d.month, d.day))
        return false;
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
    if (d->month == 0)
        snprintf(tmp, sizeof tmp, "%04d", d->year);
    else if (d->day == 0)
        snprintf(tmp, sizeof tmp, "%04d-%02d", d->year, d->month);
    else if (d->hour >= 0)
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
    int m2 = p.grain == NA_GRAIN_YEAR ? 12 : p.grain == NA_GRAIN_QUARTER ? p.month + 2 : p.month;
    /* A lower bound of a year or month starts at its day 00 (and a year's
     * at month 00), where dates known only to that precision sort. */
    na_date_t first = { p.year, p.month, p.day, 0, 0, 0 };
    na_date_t last = { p.year, m2, p.day ? p.day : na_date_days_in_month(p.year, m2), 23, 59, 59 };
    na_date_format_sortable(&first, lo);
    na_date_format_sortable(&last, hi);
    return true;
}
