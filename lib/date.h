/* date.h - the calendar forms newsarc reads and writes.
 *
 * Stored dates are ISO 8601 strings at the precision the source gave:
 * "YYYY", "YYYY-MM", "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (no zone: UTC
 * when the source gave a zone, else the time as the source wrote it).
 * The sortable value slot holds "YYYYMMDDHHMMSS", with zeros for what is
 * unknown: "2023-03" is "20230300000000", before every day of March.
 */
#ifndef NA_DATE_H
#define NA_DATE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int year, month, day;       /* month and day 0 when unknown (day 0 when month is) */
    int hour, minute, second;   /* -1 when there is no time (always without a day) */
} na_date_t;

/* Parses an ISO 8601 date or date-time ("2025-06-09", "2025-06-09T14:03",
 * "2025-06-09 14:03:05", "2025-06-09T14:03:05Z", "...+02:00", fractions of
 * seconds), its reduced precision ("2025", "2025-06": month and day or
 * day 0), and YAML timestamps ("2025-6-9 9:03:05.1 -5": one-digit month,
 * day and hour when a time follows, blanks before the zone).  A time with
 * a zone is moved to UTC, day included ("2025-06-09T23:30-02:00" is
 * 2025-06-10T01:30:00).  Returns false for anything else, including
 * impossible dates. */
bool na_date_parse_iso(const char *s, na_date_t *out);

/* Parses a publication date as sources write it: anything
 * na_date_parse_iso() takes, and the forms that cannot be misread:
 * "March 5, 2023", "Mar. 5 2023", "5 March 2023", "5-Mar-2023",
 * "March 2023" (month precision), "2023/03/05", "20230305", and RFC 2822
 * as feeds write it ("Sun, 05 Mar 2023 10:00:00 +0000"; a leading day of
 * the week is skipped, not checked).  Month names are English, full or
 * three letters (and "Sept"), any case.  A day may be followed by a time
 * ("H:MM", "H:MM:SS") and a zone (Z, UT, UTC, GMT, EST, EDT, CST, CDT,
 * MST, MDT, PST, PDT, +hhmm, +hh:mm), moved to UTC as above.  Returns
 * false for anything else: numeric day-month orders ("03/05/2023", read
 * as March or May depending on the reader), impossible days
 * ("2023-02-30"), two-digit years, text after the date. */
bool na_date_parse(const char *s, na_date_t *out);

/* Parses a Reuters-21578 DATE ("26-FEB-1987 15:01:01.79"), tolerating
 * leading blanks, trailing junk and an impossible time (kept as no time). */
bool na_date_parse_reuters(const char *s, na_date_t *out);

/* Writes "YYYY", "YYYY-MM", "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS",
 * as precise as D, into OUT (>= 20 bytes). */
void na_date_format_iso(const na_date_t *d, char *out);

/* Writes the 14-character sortable form into OUT (>= 15 bytes); an
 * unknown month or day is 00. */
void na_date_format_sortable(const na_date_t *d, char *out);

/* A period of the calendar as queries and the "mentioned" field write
 * it: "YYYY", "YYYY-Qn", "YYYY-MM" or "YYYY-MM-DD". */
typedef enum { NA_GRAIN_YEAR, NA_GRAIN_QUARTER, NA_GRAIN_MONTH, NA_GRAIN_DAY } na_grain_t;

typedef struct {
    na_grain_t grain;
    int year, quarter, month, day; /* quarter and month also set for finer grains;
                                    * a quarter's month is its first */
} na_period_t;

/* Parses one of the four forms (a quarter's Q in either case); false for
 * anything else, including impossible days. */
bool na_period_parse(const char *s, na_period_t *out);
/* Writes P in its form into OUT. */
void na_period_format(const na_period_t *p, char out[12]);
/* Moves P on to the next period of its grain. */
void na_period_next(na_period_t *p);
/* Orders periods of one grain by their start. */
int na_period_cmp(const na_period_t *a, const na_period_t *b);
/* Writes P and each period that contains it, finest first ("2025-05-09",
 * "2025-05", "2025-Q2", "2025"), into OUT; returns how many (1 to 4). */
size_t na_period_enclosing(const na_period_t *p, char out[4][12]);

/* A query date: "YYYY", "YYYY-Qn", "YYYY-MM" or "YYYY-MM-DD".  On success sets the
 * inclusive bounds as sortable prefixes: LO is the first instant and HI
 * the last.  LO takes day 00 for a month or quarter and month 00 too for
 * a year, so that dates known only to that precision fall inside while a
 * range of days never takes them: "2025-05" gives "20250500000000" and
 * "20250531235959", "2025" gives "20250000000000" and "20251231235959". */
bool na_date_query_bounds(const char *s, char lo[15], char hi[15]);

/* True for a valid calendar day. */
bool na_date_valid(int year, int month, int day);
int na_date_days_in_month(int year, int month);

#endif
