/* dates.h - dates an English news text mentions, and the dateline a wire
 * story opens with.
 *
 * Both work on byte ranges [start, end) of the caller's text, which may be
 * any bytes (invalid UTF-8, NUL bytes): nothing past LEN is read and the
 * text is never copied or changed.  Only ASCII letters and digits make
 * up the words looked for, whatever the locale.
 *
 * ---- Mentioned dates ----
 *
 * na_dates_find() resolves each mention against the publication date PUB
 * into a period of lib/date.h's forms: "YYYY", "YYYY-Qn", "YYYY-MM" or
 * "YYYY-MM-DD".  Examples for an article of Monday 2025-06-16:
 *
 *   today, tonight, this morning/afternoon/evening   2025-06-16
 *   yesterday, last night / tomorrow                 2025-06-15 / 2025-06-17
 *   (on) Friday                                      2025-06-13  most recent on or before PUB
 *   last Monday / next Monday                        2025-06-09 / 2025-06-23  strictly before / after
 *   this Friday                                      2025-06-20  that day of PUB's week
 *   this/last/next week, earlier/later this week     2025-06-16 / 2025-06-09 / 2025-06-23:
 *                                                    the Monday of that ISO week, as a day
 *   this/last/next month, earlier/later this month   2025-06 / 2025-05 / 2025-07
 *   this/last/next year, earlier/later this year     2025 / 2024 / 2026 ("current" = "this")
 *   (in) May / July / December                       2025-05 / 2025-07 / 2024-12: PUB's year
 *                                                    when the month is at most two after PUB's
 *                                                    (near future), else the year before
 *   last May / next May / this May                   2025-05 / 2026-05 / 2025-05: the latest
 *                                                    before PUB's month / the first after it;
 *                                                    PUB's year ("last June": 2024-06)
 *   June 9, 2025 / June 9 2025 / 9 June 2025         2025-06-09 (also "June 9th", "9th of June",
 *                                                    "Jun. 9", "Sept. 9", "9 Jun", "2025-06-09")
 *   December 30 (no year)                            2024-12-30 in an article of 2025-01-03: of
 *                                                    PUB's year and the years either side, the
 *                                                    one nearest PUB (the earlier on a tie)
 *   June 2025, May of 2024                           2025-06, 2024-05
 *   (in) 2024, (since) 1999                          2024, 1999
 *   first quarter (of) 2024, Q1 2024, 1Q24, 2024 Q1  2024-Q1 ("first-quarter", "1st quarter";
 *                                                    two digits after "1Q" are 20YY)
 *   the first quarter, Q3, 3Q                        2025-Q1, 2024-Q3: the most recent one that
 *                                                    began on or before PUB
 *   first quarter of last/this/next year             2024-Q1 / 2025-Q1 / 2026-Q1
 *   this/current, last, next quarter                 2025-Q2, 2025-Q1, 2025-Q3
 *
 * Rules that keep ordinary words out:
 *   - Month and weekday names count only when capitalised or in capitals
 *     ("May", "MAY", never "may"); relative words ("today", "last week")
 *     in any case.  So all-capital text ("IN MAY", "LAST WEEK") is read
 *     like ordinary text.
 *   - A month name with neither day nor year ("bare") needs a context
 *     word just before it when it is "May" or "March" (the verb), or an
 *     abbreviation ("Aug.", which also needs its full stop): in, since,
 *     until, till, by, from, during, before, after, through, throughout,
 *     of, early, mid, late (also "mid-May", "end-May"), or last/next/this
 *     as above.  Another bare month name without such a word is skipped
 *     when a capitalised word follows it ("June Carter", "April Ryan").
 *   - Abbreviated months (Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov
 *     Dec) count only before a day or year, or with a full stop.
 *     Abbreviated weekdays never count.
 *   - A bare four-digit year counts only from 1900 to 2100 and after one
 *     of the context words above ("in 2024", "mid-2024", "end-2024"), never
 *     before ",000", ".5", "%", "-21" and the like; a year given with a
 *     month or quarter may be 1000 to 2999.  Decades ("the 1990s") are not
 *     periods of our grains and are skipped.
 *   - Numeric dates with slashes ("6/9/2025") are skipped: US and UK
 *     writers read them differently.
 *   - A weekday just before an explicit date ("Monday, June 9, 2025") is
 *     not a mention of its own: the date wins.  Weekdays in names are
 *     skipped: after Black, Cyber, Good, Super, Ash, Easter, Holy, Maundy,
 *     Palm, Giving, Bloody, Blue, Whit, Shrove, Fat, and before a
 *     capitalised Times, Telegraph, Express, Mirror, Herald, Post,
 *     Tribune, Night ("Sunday Times").  "Today" after "USA" is a paper.
 *   - Quarters after "fiscal" or before "of fiscal" ("first quarter of
 *     fiscal 2024") are skipped: a company's fiscal quarters are
 *     not the calendar's.  Halves ("the second half") are skipped: they
 *     have no grain.
 *   - Impossible days (February 30) are skipped.
 * A mention's span covers the words that fix its value: "last May",
 * "earlier this year" and "first quarter of 2024" whole, but not a context
 * word ("in", "since", "the", "on"): "in May" gives "May".
 *
 * PUB's year must be known; a month or day it has that is not a real one
 * counts as unknown.  Forms that need more than PUB gives are
 * skipped: today, weekdays and weeks need PUB's day; last/next month,
 * bare months with last/next, relative and bare quarters need its month.
 * A bare month or a month and day without a year take PUB's year when
 * PUB has no month (and the middle of PUB's month when it has no day).
 *
 * Time is linear in LEN and memory is the output: words are found by a
 * byte-class table and a keyword lookup, and each pattern looks at most a
 * few words ahead, across gaps of at most 16 bytes.
 */
#ifndef NA_DATES_H
#define NA_DATES_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    size_t start, end; /* bytes [start, end) of the mention in the text */
    na_grain_t grain;  /* NA_GRAIN_YEAR, _QUARTER, _MONTH or _DAY (date.h) */
    char value[12];    /* "YYYY", "YYYY-Qn", "YYYY-MM" or "YYYY-MM-DD", NUL-terminated */
} na_date_mention_t;

/* A growable array of mentions, in text order, not overlapping.
 * Initialise with NA_DATE_MENTIONS_INIT; na_date_mentions_release() frees
 * it (NULL is fine) and leaves it empty and reusable. */
typedef struct {
    na_date_mention_t *items;
    size_t count;
    size_t cap;
} na_date_mentions_t;

#define NA_DATE_MENTIONS_INIT { NULL, 0, 0 }

void na_date_mentions_release(na_date_mentions_t *mentions);

/* Finds the dates mentioned in the LEN bytes at TEXT (any bytes; TEXT may
 * be NULL when LEN is 0) and resolves them against PUB as described above.
 * OUT is emptied first (its memory is reused) and filled in text order;
 * nothing in OUT points into TEXT.  Finds nothing when PUB is NULL or has
 * no year.  Never fails: memory exhaustion aborts (util.h). */
void na_dates_find(const char *text, size_t len, const na_date_t *pub, na_date_mentions_t *out);

/* ---- Datelines ----
 *
 * A wire story opens with a dateline:
 *   LONDON, June 9 (Reuters) - ...        FRANKFURT, Oct 16 - ...
 *   NEW YORK, March 3 -- ...              WASHINGTON (AP) — ...
 *   SAO PAULO, Brazil, June 9 (Reuters) - ...
 *   Lagos, Nigeria – ...                  ST. LOUIS, June 9, 2025 — ...
 * that is, at the very start of a paragraph:
 *   - a city of 1 to 4 words, each starting with a capital letter (ASCII,
 *     a UTF-8 letter or a Latin-1 byte) and made of letters, ".", "'",
 *     U+2019, "-" and "/"; lowercase particles (de, da, do, dos, das, del,
 *     della, di, du, la, le, el, al, am, an, der, van, von, y) may stand
 *     between two such words ("Rio de Janeiro", "Frankfurt am Main"), no
 *     other lowercase word may;
 *   - optionally ", Region" (1 to 4 words, as the city);  the date after
 *     a region may follow a blank instead of a comma ("RICHMOND, Va. Feb
 *     26 -", as Reuters writes);
 *   - optionally ", " and a date: "June 9", "Jun 9", "Oct. 16", "9 June",
 *     "June 9th", perhaps with ", 2025" or " 2025" (the month name in any
 *     case: "march" is no verb there);
 *   - optionally an agency: "(Reuters)", "(AP)", "(dpa)", or one
 *     capitalised word after a date and a comma (", Reuter");
 *   - a dash: " - " and " -- " (blank before and after; "April 1- " too),
 *     or "—" (U+2014) and "–" (U+2013) with or without blanks.
 * Words are separated by single spaces or tabs; a dateline never spans
 * lines.  A dateline with neither date, agency nor region needs a city in
 * capitals ("WASHINGTON —"): "Markets Rally - Stocks Up" is a title.
 * The dateline is looked for in the first paragraph after leading blank
 * lines, and, when that paragraph is one title line of at most 200
 * bytes, at the start of the second; it must end within 300 bytes of the
 * paragraph's start.
 */

typedef struct {
    bool found;
    size_t city_start, city_end;     /* the city as written ("NEW YORK") */
    size_t region_start, region_end; /* "Brazil" in "SAO PAULO, Brazil, June 9"; 0, 0 when none */
    int year, month, day;            /* 0 when the dateline does not say (year: usually) */
    size_t end;                      /* offset just past the dateline's dash */
} na_dateline_t;

/* Looks for a dateline in the LEN bytes at TEXT (any bytes; TEXT may be
 * NULL when LEN is 0).  Returns true and fills *OUT when there is one;
 * otherwise returns false and sets *OUT to all zeros (found false). */
bool na_dateline_find(const char *text, size_t len, na_dateline_t *out);

/* Makes a full date of DL's month and day.  REF is a date the publication
 * is known not to be after, typically the file's modification time; the
 * year chosen puts the date on or before REF and within a year of it
 * (on or before REF's month when REF has no day; REF's year when it has
 * no month).  A year the dateline gives is used as it is.  OUT gets no
 * time (hour, minute, second -1).  Returns false, leaving OUT alone, when
 * DL is NULL, not found or has no month or day, when REF is NULL or has
 * no year, or when the day does not exist in the year chosen (February
 * 29). */
bool na_dateline_date(const na_dateline_t *dl, const na_date_t *ref, na_date_t *out);

/* For the unit test: true when the module's keyword table is in the
 * order its binary search needs and its hash table finds every word. */
bool na__dates_selfcheck(void);

#ifdef __cplusplus
}
#endif

#endif
