/* test-date.c - ISO and Reuters dates, sortable forms, query bounds. */
#include "date.h"
#include "unit.h"

static const struct {
    const char *in;
    int ok;
    const char *iso;
} iso_cases[] = {
    { "2025-06-09", 1, "2025-06-09" },
    { "2025-06-09T14:03", 1, "2025-06-09T14:03:00" },
    { "2025-06-09 14:03:05", 1, "2025-06-09T14:03:05" },
    { "2025-06-09T14:03:05Z", 1, "2025-06-09T14:03:05" },
    { "2025-06-09T14:03:05.123+02:00", 1, "2025-06-09T14:03:05" },
    { "2024-02-29", 1, "2024-02-29" },
    { "2025-02-29", 0, NULL },
    { "2025-13-01", 0, NULL },
    { "2025-06-09T25:00", 0, NULL },
    { "June 9, 2025", 0, NULL },
    { "2025-06-09junk", 0, NULL },
    { "", 0, NULL },
};

static const struct {
    const char *in;
    int ok;
    const char *iso;
} reuters_cases[] = {
    { "26-FEB-1987 15:01:01.79", 1, "1987-02-26T15:01:01" },
    { " 1-MAR-1987 01:41:26.47", 1, "1987-03-01T01:41:26" },
    { "27-MAR-1987 00:03:35.68\x05\x05\x05" "F", 1, "1987-03-27T00:03:35" },
    { "31-MAR-1987 605:12:19.12", 1, "1987-03-31" },
    { "9-APR-1987 00:00:00.00    # date added by hand", 1, "1987-04-09T00:00:00" },
    { "5-MAR-1987  09:12:03.11", 1, "1987-03-05T09:12:03" },
    { "31-FEB-1987 10:00:00.00", 0, NULL },
    { "nonsense", 0, NULL },
};

static const struct {
    const char *in;
    int ok;
    const char *lo, *hi;
} bounds[] = {
    { "2025", 1, "20250101000000", "20251231235959" },
    { "2025-02", 1, "20250201000000", "20250228235959" },
    { "2024-02", 1, "20240201000000", "20240229235959" },
    { "2025-05-17", 1, "20250517000000", "20250517235959" },
    { "2025-13", 0, NULL, NULL },
    { "25", 0, NULL, NULL },
    { "2025-5", 0, NULL, NULL },
};

int main(void)
{
    char out[32];
    for (size_t i = 0; i < sizeof iso_cases / sizeof *iso_cases; i++) {
        na_date_t d;
        int ok = na_date_parse_iso(iso_cases[i].in, &d);
        CHECK_INT(ok, iso_cases[i].ok, iso_cases[i].in);
        if (ok) {
            na_date_format_iso(&d, out);
            CHECK_STR(out, iso_cases[i].iso, iso_cases[i].in);
        }
    }
    for (size_t i = 0; i < sizeof reuters_cases / sizeof *reuters_cases; i++) {
        na_date_t d;
        int ok = na_date_parse_reuters(reuters_cases[i].in, &d);
        CHECK_INT(ok, reuters_cases[i].ok, reuters_cases[i].in);
        if (ok) {
            na_date_format_iso(&d, out);
            CHECK_STR(out, reuters_cases[i].iso, reuters_cases[i].in);
        }
    }
    for (size_t i = 0; i < sizeof bounds / sizeof *bounds; i++) {
        char lo[15], hi[15];
        int ok = na_date_query_bounds(bounds[i].in, lo, hi);
        CHECK_INT(ok, bounds[i].ok, bounds[i].in);
        if (ok) {
            CHECK_STR(lo, bounds[i].lo, "lower bound");
            CHECK_STR(hi, bounds[i].hi, "upper bound");
        }
    }
    na_date_t d = { 1987, 3, 5, -1, -1, -1 };
    na_date_format_sortable(&d, out);
    CHECK_STR(out, "19870305000000", "sortable form without a time");
    CHECK_INT(na_date_days_in_month(1900, 2), 28, "1900 is not a leap year");
    CHECK_INT(na_date_days_in_month(2000, 2), 29, "2000 is");
    return unit_done();
}
