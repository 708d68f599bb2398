/* date.h - the calendar forms newsarc reads and writes.
 *
 * Stored dates are ISO 8601 strings: "YYYY-MM-DD" or
 * "YYYY-MM-DDTHH:MM:SS" (no zone: the time as the source wrote it).  The
 * sortable value slot holds "YYYYMMDDHHMMSS" (time zeros when unknown).
 */
#ifndef NA_DATE_H
#define NA_DATE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int year, month, day;       /* month and day 0 when unknown */
    int hour, minute, second;   /* -1 when there is no time */
} na_date_t;

/* Parses an ISO 8601 date or date-time ("2025-06-09", "2025-06-09T14:03",
 * "2025-06-09 14:03:05", "2025-06-09T14:03:05Z", "...+02:00", fractions of
 * seconds), and YAML timestamps ("2025-6-9 9:03:05.1 -5": one-digit
 * month, day and hour when a time follows, blanks before the zone).  A
 * zone is accepted and ignored.  Returns false for anything else,
 * including impossible dates. */
bool na_date_parse_iso(const char *s, na_date_t *out);

/* Parses a Reuters-21578 DATE ("26-FEB-1987 15:01:01.79"), tolerating
 * leading blanks, trailing junk and an impossible time (kept as no time). */
bool na_date_parse_reuters(const char *s, na_date_t *out);

/* Writes "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" into OUT (>= 20 bytes). */
void na_date_format_iso(const na_date_t *d, char *out);

/* Writes the 14-character sortable form into OUT (>= 15 bytes). */
void na_date_format_sortable(const na_date_t *d, char *out);

/* A query date: "YYYY", "YYYY-MM" or "YYYY-MM-DD".  On success sets the
 * inclusive bounds as sortable prefixes: LO is the first instant and HI
 * the last ("2025-05" gives "20250501000000" and "20250531235959"). */
bool na_date_query_bounds(const char *s, char lo[15], char hi[15]);

/* True for a valid calendar day. */
bool na_date_valid(int year, int month, int day);
int na_date_days_in_month(int year, int month);

#endif
