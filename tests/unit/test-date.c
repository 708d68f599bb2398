/* test-date.c - ISO 8601 and YAML dates, Reuters-21578 dates, the
 * sortable form, query bounds and the calendar. */
#include "date.h"
#include "unit.h"

/* What a parser must make of IN: NULL when it must fail. */
typedef struct {
    const char *in;
    const char *iso;
} date_case_t;

static const date_case_t iso_cases[] = {
    { "2025-06-09", "2025-06-09" },
    { "2025-06-09T14:03", "2025-06-09T14:03:00" },
    { "2025-06-09 14:03:05", "2025-06-09T14:03:05" },
    { "2025-06-09T14:03:05Z", "2025-06-09T14:03:05" },
    { "2025-06-09T14:03:05.123+02:00", "2025-06-09T12:03:05" },
    { "2025-06-09T14:03:05+0200", "2025-06-09T12:03:05" },
    { "2025-06-09T14:03:05-05", "2025-06-09T19:03:05" },
    { " 2025-06-09 ", "2025-06-09" },
    { "2024-02-29", "2024-02-29" },
    { "2000-02-29", "2000-02-29" },
    { "2025-06-09T23:59:60", "2025-06-09T23:59:60" },
    /* reduced precision */
    { "2023", "2023" },
    { "2023-03", "2023-03" },
    { " 1987-12 ", "1987-12" },
    /* zones move the time, and the day with it, to UTC */
    { "2023-03-05T23:30:00-02:00", "2023-03-06T01:30:00" },
    { "2023-03-01T00:30:00+01:00", "2023-02-28T23:30:00" },
    { "2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00" },
    { "2023-01-01T01:00:00+02:00", "2022-12-31T23:00:00" },
    { "2023-12-31T23:00:00-01:30", "2024-01-01T00:30:00" },
    { "2023-03-05T10:00:00+00:00", "2023-03-05T10:00:00" },
    { "9999-12-31T23:00:00-02:00", NULL },
    { "0001-01-01T00:30:00+01:00", NULL },
    /* YAML timestamps */
    { "2001-12-14t21:59:43.10-05:00", "2001-12-15T02:59:43" },
    { "2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43" },
    { "2001-12-15 2:59:43.10", "2001-12-15T02:59:43" },
    { "2002-1-5 3:04:05", "2002-01-05T03:04:05" },
    { "2001-12-14\t21:59:43 Z", "2001-12-14T21:59:43" },
    /* not dates */
    { "2002-1-5", NULL },
    { "1900-02-29", NULL },
    { "2025-02-29", NULL },
    { "2025-13-01", NULL },
    { "2025-00-10", NULL },
    { "2025-04-31", NULL },
    { "0000-01-01", NULL },
    { "2025-06-09T25:00", NULL },
    { "2025-06-09T12:60", NULL },
    { "2025-06-09T12", NULL },
    { "2025-06-09T", NULL },
    { "2025-06-09T14:03:05.", NULL },
    { "2025-06-09T14:03:05+25:00", NULL },
    { "June 9, 2025", NULL },
    { "2025-06-09junk", NULL },
    { "2025-06-09 junk", NULL },
    { "20250609", NULL },
    { "", NULL },
    { "2023-3", NULL },
    { "2023-13", NULL },
    { "2023-00", NULL },
    { "0000", NULL },
    { "202", NULL },
    { "20231", NULL },
    { "2023-03-", NULL },
    { "March 5, 2023", NULL },
};

/* na_date_parse: the ISO forms, then what sources write. */
static const date_case_t any_cases[] = {
    { "2023-03-05", "2023-03-05" },
    { "2023-03", "2023-03" },
    { "2023", "2023" },
    { "2023-03-05T23:30:00-02:00", "2023-03-06T01:30:00" },
    { "March 5, 2023", "2023-03-05" },
    { "march 5 2023", "2023-03-05" },
    { "MARCH 05, 2023", "2023-03-05" },
    { "Mar 5 2023", "2023-03-05" },
    { "Mar. 5, 2023", "2023-03-05" },
    { "Sept 9, 2023", "2023-09-09" },
    { "Sep 9, 2023", "2023-09-09" },
    { "5 March 2023", "2023-03-05" },
    { "05 Mar 2023", "2023-03-05" },
    { "5 Mar, 2023", "2023-03-05" },
    { "5-Mar-2023", "2023-03-05" },
    { "March 2023", "2023-03" },
    { "Dec 1987", "1987-12" },
    { "Sunday, March 5, 2023", "2023-03-05" },
    { "2023/03/05", "2023-03-05" },
    { "2023/3/5", "2023-03-05" },
    { "20230305", "2023-03-05" },
    { " 20230305 ", "2023-03-05" },
    { "February 29, 2024", "2024-02-29" },
    /* RFC 2822, as feeds write it */
    { "Sun, 05 Mar 2023 10:00:00 +0000", "2023-03-05T10:00:00" },
    { "Sun, 05 Mar 2023 10:00:00 GMT", "2023-03-05T10:00:00" },
    { "Sun, 5 Mar 2023 23:30:00 -0500", "2023-03-06T04:30:00" },
    { "Sun, 5 Mar 2023 23:30 EST", "2023-03-06T04:30:00" },
    { "Wed, 01 Mar 2023 00:15:00 +0100", "2023-02-28T23:15:00" },
    { "5 Mar 2023 10:00:00 UT", "2023-03-05T10:00:00" },
    { "Mon, 06 Mar 2023 08:00:00 +05:30", "2023-03-06T02:30:00" },
    { "March 5, 2023 14:05", "2023-03-05T14:05:00" },
    { "2023/03/05 14:05:09.25", "2023-03-05T14:05:09" },
    /* ambiguous, impossible or not dates at all */
    { "03/05/2023", NULL },
    { "05/03/2023", NULL },
    { "5/3/2023", NULL },
    { "05.03.2023", NULL },
    { "03-05-2023", NULL },
    { "2023-02-30", NULL },
    { "February 30, 2023", NULL },
    { "30 Feb 2023", NULL },
    { "20230230", NULL },
    { "2023/02/30", NULL },
    { "2023/13/01", NULL },
    { "March 5, 23", NULL },
    { "5 March 23", NULL },
    { "March", NULL },
    { "5 March", NULL },
    { "Marc 5, 2023", NULL },
    { "Mayday 5, 2023", NULL },
    { "not a date", NULL },
    { "March 5, 2023 and more", NULL },
    { "Sun, 05 Mar 2023 10:00:00 +9900", NULL },
    { "Sun, 05 Mar 2023 10:00:00 XYZ", NULL },
    { "Sun, 05 Mar 2023 25:00:00 +0000", NULL },
    { "March 2023 10:00", NULL },
    { "202303051", NULL },
    { "5March 2023", NULL },
    { "", NULL },
    { "   ", NULL },
};

static const date_case_t reuters_cases[] = {
    { "26-FEB-1987 15:01:01.79", "1987-02-26T15:01:01" },
    { " 1-MAR-1987 01:41:26.47", "1987-03-01T01:41:26" },
    { "  5-MAR-1987 01:41:26.47", "1987-03-05T01:41:26" },
    { "5-MAR-1987  09:12:03.11", "1987-03-05T09:12:03" },
    { "27-MAR-1987 00:03:35.68\x05\x05\x05" "F", "1987-03-27T00:03:35" },
    { "27-MAR-1987 14:02:56.54&#5;&#5;&#5;V RM", "1987-03-27T14:02:56" },
    { "31-MAR-1987 605:12:19.12", "1987-03-31" },
    { "9-APR-1987 00:00:00.00    # date added by hand", "1987-04-09T00:00:00" },
    { "20-oct-1987 10:00:00.00", "1987-10-20T10:00:00" },
    { "20-OCT-1987", "1987-10-20" },
    { "20-OCT-1987 25:00:00.00", "1987-10-20" },
    { "31-FEB-1987 10:00:00.00", NULL },
    { "20-XYZ-1987 10:00:00.00", NULL },
    { "20-OCT-87 10:00:00.00", NULL },
    { "20-OCT-19870", NULL },
    { "123-OCT-1987", NULL },
    { "20-OC", NULL },
    { "nonsense", NULL },
    { "", NULL },
};

static const struct {
    const char *in;
    const char *lo, *hi; /* NULL when IN is not a query date */
} bounds[] = {
    { "2025", "20250000000000", "20251231235959" },
    { "2025-02", "20250200000000", "20250228235959" },
    { "2024-02", "20240200000000", "20240229235959" },
    { "2025-05-17", "20250517000000", "20250517235959" },
    { "1987-03", "19870300000000", "19870331235959" },
    { "2025-Q2", "20250400000000", "20250630235959" },
    { "2025-13", NULL, NULL },
    { "2025-02-30", NULL, NULL },
    { "25", NULL, NULL },
    { "2025-5", NULL, NULL },
    { "2025-05-17T10", NULL, NULL },
    { "", NULL, NULL },
};

static const struct {
    na_date_t d;
    const char *iso, *sortable;
} formats[] = {
    { { 1987, 3, 5, -1, -1, -1 }, "1987-03-05", "19870305000000" },
    { { 1987, 3, 5, 9, 4, 7 }, "1987-03-05T09:04:07", "19870305090407" },
    { { 2025, 12, 31, 23, 59, 59 }, "2025-12-31T23:59:59", "20251231235959" },
    { { 2023, 3, 0, -1, -1, -1 }, "2023-03", "20230300000000" },
    { { 2023, 0, 0, -1, -1, -1 }, "2023", "20230000000000" },
};

static void run_parser(const date_case_t *cases, size_t n, bool (*parse)(const char *, na_date_t *))
{
    for (size_t i = 0; i < n; i++) {
        na_date_t d;
        char out[32];
        bool ok = parse(cases[i].in, &d);
        CHECK_INT(ok, cases[i].iso != NULL, cases[i].in);
        if (ok && cases[i].iso) {
            na_date_format_iso(&d, out);
            CHECK_STR(out, cases[i].iso, cases[i].in);
        }
    }
}

int main(void)
{
    run_parser(iso_cases, sizeof iso_cases / sizeof *iso_cases, na_date_parse_iso);
    run_parser(any_cases, sizeof any_cases / sizeof *any_cases, na_date_parse);
    CHECK(!na_date_parse(NULL, &(na_date_t){ 0 }), "no text, no date");
    run_parser(reuters_cases, sizeof reuters_cases / sizeof *reuters_cases, na_date_parse_reuters);
    for (size_t i = 0; i < sizeof bounds / sizeof *bounds; i++) {
        char lo[15], hi[15];
        bool ok = na_date_query_bounds(bounds[i].in, lo, hi);
        CHECK_INT(ok, bounds[i].lo != NULL, bounds[i].in);
        if (ok && bounds[i].lo) {
            CHECK_STR(lo, bounds[i].lo, "lower bound");
            CHECK_STR(hi, bounds[i].hi, "upper bound");
        }
    }
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
        char out[32];
        na_date_format_iso(&formats[i].d, out);
        CHECK_STR(out, formats[i].iso, "ISO form");
        na_date_format_sortable(&formats[i].d, out);
        CHECK_STR(out, formats[i].sortable, "sortable form");
    }
    static const struct { int y, m, days; } months[] = {
        { 1900, 2, 28 }, { 2000, 2, 29 }, { 2024, 2, 29 }, { 2025, 2, 28 }, { 2025, 4, 30 }, { 2025, 12, 31 },
        { 2025, 13, 0 }, { 2025, 0, 0 },
    };
    for (size_t i = 0; i < sizeof months / sizeof *months; i++)
        CHECK_INT(na_date_days_in_month(months[i].y, months[i].m), months[i].days, "days in month");
    CHECK(na_date_valid(1987, 10, 20) && !na_date_valid(1987, 10, 32) && !na_date_valid(0, 1, 1),
          "valid calendar days");
    return unit_done();
}
