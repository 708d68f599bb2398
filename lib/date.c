/* date.c - parsing and writing the calendar forms of date.h. */
#include "date.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

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

bool na_date_parse_iso(const char *s, na_date_t *out)
{
    na_date_t d = { 0, 0, 0, -1, -1, -1 };
    const char *p = s;
    while (*p == ' ')
        p++;
    if (!digits(&p, 4, &d.year) || *p++ != '-' || !digits(&p, 2, &d.month) || *p++ != '-' ||
        !digits(&p, 2, &d.day) || !na_date_valid(d.year, d.month, d.day))
        return false;
    if (*p == 'T' || *p == 't' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
        p++;
        if (!digits(&p, 2, &d.hour) || *p++ != ':' || !digits(&p, 2, &d.minute))
            return false;
        d.second = 0;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &d.second))
                return false;
            if (*p == '.' || *p == ',') {
                p++;
                while (isdigit((unsigned char)*p))
                    p++;
            }
        }
        if (d.hour > 23 || d.minute > 59 || d.second > 60)
            return false;
        while (*p == ' ')
            p++;
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int zh, zm = 0;
            p++;
            if (!digits(&p, 2, &zh))
                return false;
            if (*p == ':')
                p++;
            if (isdigit((unsigned char)*p) && !digits(&p, 2, &zm))
                return false;
            (void)zm;
        }
    }
    while (*p == ' ')
        p++;
    if (*p)
        return false;
    *out = d;
    return true;
}

bool na_date_parse_reuters(const char *s, na_date_t *out)
{
    static const char *const months[] = { "JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC" };
    na_date_t d = { 0, 0, 0, -1, -1, -1 };
    const char *p = s;
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    int day = 0, n = 0;
    while (isdigit((unsigned char)*p) && n < 2) {
        day = day * 10 + (*p++ - '0');
        n++;
    }
    if (!n || *p++ != '-')
        return false;
    char mon[4] = { 0 };
    for (int i = 0; i < 3; i++)
        mon[i] = (char)toupper((unsigned char)p[i]);
    for (int i = 0; i < 12; i++)
        if (strncmp(mon, months[i], 3) == 0)
            d.month = i + 1;
    if (!d.month)
        return false;
    p += 3;
    if (*p++ != '-' || !digits(&p, 4, &d.year))
        return false;
    d.day = day;
    if (!na_date_valid(d.year, d.month, d.day))
        return false;
    while (*p == ' ')
        p++;
    int h, m, sec;
    const char *t = p;
    if (digits(&t, 2, &h) && *t++ == ':' && digits(&t, 2, &m) && *t++ == ':' && digits(&t, 2, &sec) &&
        h < 24 && m < 60 && sec < 61) {
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

bool na_date_query_bounds(const char *s, char lo[15], char hi[15])
{
    const char *p = s;
    int y, m = 0, d = 0;
    if (!digits(&p, 4, &y) || y < 1)
        return false;
    if (*p == '-') {
        p++;
        if (!digits(&p, 2, &m) || m < 1 || m > 12)
            return false;
        if (*p == '-') {
            p++;
            if (!digits(&p, 2, &d) || !na_date_valid(y, m, d))
                return false;
        }
    }
    if (*p)
        return false;
    na_date_t first = { y, m ? m : 1, d ? d : 1, 0, 0, 0 };
    na_date_t last = { y, m ? m : 12, d ? d : na_date_days_in_month(y, m ? m : 12), 23, 59, 59 };
    na_date_format_sortable(&first, lo);
    na_date_format_sortable(&last, hi);
    return true;
}
