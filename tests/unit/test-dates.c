/* test-dates.c - the dates a text mentions, resolved against the
 * publication date, and wire-story datelines (indexer/extract/dates.h).
 *
 * Each case gives the publication date, the text and what must be found,
 * written as "value=text" for each mention in order, joined by " | ": the
 * text is the mention's own bytes, so the offsets are checked too.  The
 * speed figures are printed as TAP comments, never asserted.
 */
#include "dates.h"
#include "unit.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Renders OUT as the cases write it, into BUF. */
static const char *render(const char *text, const na_date_mentions_t *out, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; i < out->count && n < cap; i++) {
        const na_date_mention_t *m = &out->items[i];
        n += (size_t)snprintf(buf + n, cap - n, "%s%s=%.*s", i ? " | " : "", m->value,
                              (int)(m->end - m->start), text + m->start);
    }
    return buf;
}

static na_date_t date_of(const char *s)
{
    na_date_t d = { 0, 0, 0, -1, -1, -1 };
    sscanf(s, "%d-%d-%d", &d.year, &d.month, &d.day);
    return d;
}

typedef struct {
    const char *pub;  /* "YYYY-MM-DD"; "YYYY-MM-00" or "YYYY-00-00" for less */
    const char *text;
    const char *want; /* "value=text | ..." or "" */
} case_t;

/* Monday 2025-06-16 unless said otherwise. */
#define PUB "2025-06-16"

static const case_t cases[] = {
    /* days around the publication */
    { PUB, "Shares fell today.", "2025-06-16=today" },
    { PUB, "Yesterday, the bank said", "2025-06-15=Yesterday" },
    { PUB, "The vote is tomorrow.", "2025-06-17=tomorrow" },
    { PUB, "He speaks tonight.", "2025-06-16=tonight" },
    { PUB, "this morning, this afternoon and this evening", "2025-06-16=this morning | 2025-06-16=this afternoon | 2025-06-16=this evening" },
    { PUB, "Riots broke out last night.", "2025-06-15=last night" },
    { "2025-03-01", "yesterday", "2025-02-28=yesterday" },
    { "2024-03-01", "yesterday", "2024-02-29=yesterday" },
    { "2025-12-31", "tomorrow", "2026-01-01=tomorrow" },
    { PUB, "USA Today reported it.", "" },
    /* weekdays */
    { PUB, "The bank said on Friday.", "2025-06-13=Friday" },
    { PUB, "on Monday", "2025-06-16=Monday" },
    { PUB, "on Sunday", "2025-06-15=Sunday" },
    { PUB, "last Monday", "2025-06-09=last Monday" },
    { PUB, "last Friday", "2025-06-13=last Friday" },
    { PUB, "next Monday", "2025-06-23=next Monday" },
    { PUB, "next Friday", "2025-06-20=next Friday" },
    { PUB, "this Friday", "2025-06-20=this Friday" },
    { "2025-06-18", "on Monday, last Wednesday and next Wednesday", "2025-06-16=Monday | 2025-06-11=last Wednesday | 2025-06-25=next Wednesday" },
    { "2025-01-01", "on Thursday", "2024-12-26=Thursday" },
    { PUB, "MONDAY", "2025-06-16=MONDAY" },
    { PUB, "monday", "" },
    { PUB, "Monday night", "2025-06-16=Monday" },
    { PUB, "Mon., Tues. and Fri", "" },
    { PUB, "Black Friday sales, Good Friday, Cyber Monday", "" },
    { PUB, "the Sunday Times and the Mail on Sunday", "2025-06-15=Sunday" },
    { PUB, "on Monday, June 9, 2025", "2025-06-09=June 9, 2025" },
    { PUB, "on Monday 9 June", "2025-06-09=9 June" },
    { PUB, "last Monday, June 9", "2025-06-09=June 9" },
    /* weeks: the Monday of the ISO week */
    { PUB, "last week", "2025-06-09=last week" },
    { PUB, "this week", "2025-06-16=this week" },
    { PUB, "next week", "2025-06-23=next week" },
    { PUB, "earlier this week", "2025-06-16=earlier this week" },
    { "2025-06-22", "last week, this week", "2025-06-09=last week | 2025-06-16=this week" },
    { "2025-01-01", "last week", "2024-12-23=last week" },
    { PUB, "LAST WEEK", "2025-06-09=LAST WEEK" },
    /* months and years */
    { PUB, "last month", "2025-05=last month" },
    { PUB, "next month", "2025-07=next month" },
    { PUB, "this month", "2025-06=this month" },
    { PUB, "later this month", "2025-06=later this month" },
    { "2025-01-10", "last month", "2024-12=last month" },
    { "2025-12-10", "next month", "2026-01=next month" },
    { PUB, "last year", "2024=last year" },
    { PUB, "next year", "2026=next year" },
    { PUB, "this year's", "2025=this year" },
    { PUB, "the current year", "2025=current year" },
    { PUB, "earlier this year", "2025=earlier this year" },
    { PUB, "later this year", "2025=later this year" },
    /* month names */
    { PUB, "Sales rose in May.", "2025-05=May" },
    { PUB, "in June", "2025-06=June" },
    { PUB, "in December", "2024-12=December" },
    { "2026-01-03", "in December", "2025-12=December" },
    { PUB, "last May", "2025-05=last May" },
    { "2025-05-20", "last May", "2024-05=last May" },
    { PUB, "last June", "2024-06=last June" },
    { PUB, "next May", "2026-05=next May" },
    { PUB, "next July", "2025-07=next July" },
    { PUB, "this May", "2025-05=this May" },
    { PUB, "Prices may rise in May.", "2025-05=May" },
    { PUB, "Prices May Rise", "" },
    { PUB, "May I ask?", "" },
    { PUB, "The March on Washington", "" },
    { PUB, "troops march on", "" },
    { PUB, "since March", "2025-03=March" },
    { PUB, "by March, until May", "2025-03=March | 2025-05=May" },
    { PUB, "IN MAY", "2025-05=MAY" },
    { PUB, "PRICES MAY RISE", "" },
    { PUB, "June Carter sang", "" },
    { PUB, "June was hot.", "2025-06=June" },
    { PUB, "in mid-May", "2025-05=May" },
    { PUB, "early June and late July", "2025-06=June | 2025-07=July" },
    { PUB, "end-May", "2025-05=May" },
    { PUB, "in Aug.", "2025-08=Aug" },
    { PUB, "in September", "2024-09=September" },
    { PUB, "Jan Smith said", "" },
    { PUB, "Sept was", "" },
    { PUB, "Mar-a-Lago", "" },
    { PUB, "in May 5,000 people", "2025-05=May" },
    /* explicit dates */
    { PUB, "June 9, 2025", "2025-06-09=June 9, 2025" },
    { PUB, "June 9 2025", "2025-06-09=June 9 2025" },
    { PUB, "9 June 2025", "2025-06-09=9 June 2025" },
    { PUB, "June 9", "2025-06-09=June 9" },
    { PUB, "Jun. 9", "2025-06-09=Jun. 9" },
    { PUB, "Jun 9", "2025-06-09=Jun 9" },
    { PUB, "9 June", "2025-06-09=9 June" },
    { PUB, "9 Jun. 2024", "2024-06-09=9 Jun. 2024" },
    { PUB, "June 2025", "2025-06=June 2025" },
    { PUB, "May of 2024", "2024-05=May of 2024" },
    { PUB, "June 9th", "2025-06-09=June 9th" },
    { PUB, "on the 9th of June", "2025-06-09=9th of June" },
    { PUB, "June 1st, 2024", "2024-06-01=June 1st, 2024" },
    { PUB, "Sept. 9, 2024", "2024-09-09=Sept. 9, 2024" },
    { PUB, "Aug. 5", "2025-08-05=Aug. 5" },
    { PUB, "JUNE 9, 2025", "2025-06-09=JUNE 9, 2025" },
    { PUB, "July 4, 1776", "1776-07-04=July 4, 1776" },
    { PUB, "June 9-10", "2025-06-09=June 9" },
    { "2025-01-03", "December 30", "2024-12-30=December 30" },
    { "2025-12-28", "January 2", "2026-01-02=January 2" },
    { PUB, "February 29", "2024-02-29=February 29" },
    { PUB, "February 30, 2025 and Feb 30", "" },
    { PUB, "February 29, 2023", "" },
    { PUB, "April 31", "" },
    /* ISO */
    { PUB, "2025-06-09", "2025-06-09=2025-06-09" },
    { PUB, "at 2025-06-09T14:03:00Z", "2025-06-09=2025-06-09" },
    { PUB, "2025-02-30", "" },
    { PUB, "6/9/2025 and 9/6/2025", "" },
    /* bare years */
    { PUB, "in 2024", "2024=2024" },
    { PUB, "since 1999,", "1999=1999" },
    { PUB, "by mid-2026", "2026=2026" },
    { PUB, "the 2024 election", "" },
    { PUB, "in 1850", "" },
    { PUB, "in 2024-25", "" },
    { PUB, "in 2,000 cases, in 2024.5", "" },
    { PUB, "the 1990s", "" },
    { PUB, "in 2024%", "" },
    /* quarters */
    { PUB, "the first quarter", "2025-Q1=first quarter" },
    { PUB, "second quarter", "2025-Q2=second quarter" },
    { PUB, "the third quarter", "2024-Q3=third quarter" },
    { PUB, "fourth-quarter profit", "2024-Q4=fourth-quarter" },
    { PUB, "1st quarter", "2025-Q1=1st quarter" },
    { PUB, "Q1 and Q3", "2025-Q1=Q1 | 2024-Q3=Q3" },
    { PUB, "3Q", "2024-Q3=3Q" },
    { PUB, "first quarter of 2024", "2024-Q1=first quarter of 2024" },
    { PUB, "Q1 2024", "2024-Q1=Q1 2024" },
    { PUB, "first-quarter 2024 results", "2024-Q1=first-quarter 2024" },
    { PUB, "1Q24", "2024-Q1=1Q24" },
    { PUB, "2Q2023", "2023-Q2=2Q2023" },
    { PUB, "2024 Q4", "2024-Q4=2024 Q4" },
    { PUB, "2023 fourth-quarter", "2023-Q4=2023 fourth-quarter" },
    { PUB, "first quarter of last year", "2024-Q1=first quarter of last year" },
    { PUB, "last quarter", "2025-Q1=last quarter" },
    { PUB, "this quarter", "2025-Q2=this quarter" },
    { PUB, "the current quarter", "2025-Q2=current quarter" },
    { PUB, "next quarter", "2025-Q3=next quarter" },
    { "2025-02-10", "last quarter", "2024-Q4=last quarter" },
    { "2025-11-10", "next quarter", "2026-Q1=next quarter" },
    { "2025-01-03", "the fourth quarter", "2024-Q4=fourth quarter" },
    { PUB, "fiscal first quarter, fiscal 2024 Q2", "" },
    { PUB, "the first quarter of fiscal 2024", "" },
    { PUB, "the second half, a quarter of them", "" },
    /* several */
    { PUB, "Sales fell in May and June 9, 2025 but rose last week.", "2025-05=May | 2025-06-09=June 9, 2025 | 2025-06-09=last week" },
    /* publication dates that say less */
    { "2025-06-00", "today, last week, Monday", "" },
    { "2025-06-00", "in May, last month, June 9, last year", "2025-05=May | 2025-05=last month | 2025-06-09=June 9 | 2024=last year" },
    { "2025-00-00", "in May, June 9, last year", "2025-05=May | 2025-06-09=June 9 | 2024=last year" },
    { "2025-00-00", "last month, the first quarter, next May", "" },
    /* bytes that are not ASCII */
    { PUB, "\xff\xfe in May \xc3", "2025-05=May" },
    { PUB, "\xe2\x80\x9cin May\xe2\x80\x9d", "2025-05=May" },
    { PUB, "in May\xe2\x80\x94" "and", "2025-05=May" },
    { PUB, "in Ma\xc3\xa9y, in May\xc3\xa9", "" },
    { PUB, "in\xc2\xa0May", "2025-05=May" },
};

static void test_cases(void)
{
    na_date_mentions_t out = NA_DATE_MENTIONS_INIT;
    char buf[1024], what[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const case_t *c = &cases[i];
        na_date_t pub = date_of(c->pub);
        na_dates_find(c->text, strlen(c->text), &pub, &out);
        snprintf(what, sizeof what, "[%s] %s", c->pub, c->text);
        CHECK_STR(render(c->text, &out, buf, sizeof buf), c->want, what);
    }
    na_date_mentions_release(&out);
}

static void test_offsets(void)
{
    na_date_mentions_t out = NA_DATE_MENTIONS_INIT;
    na_date_t pub = date_of(PUB);
    const char *text = "On Monday, June 9, 2025, and in May.";
    na_dates_find(text, strlen(text), &pub, &out);
    CHECK_INT(out.count, 2, "offsets: two mentions");
    if (out.count == 2) {
        CHECK_INT(out.items[0].start, 11, "offsets: first start");
        CHECK_INT(out.items[0].end, 23, "offsets: first end");
        CHECK_INT(out.items[0].grain, NA_GRAIN_DAY, "offsets: first grain");
        CHECK_INT(out.items[1].start, 32, "offsets: second start");
        CHECK_INT(out.items[1].end, 35, "offsets: second end");
        CHECK_INT(out.items[1].grain, NA_GRAIN_MONTH, "offsets: second grain");
    }

    /* LEN is obeyed: the text goes on past it. */
    na_dates_find("in May 2024", 6, &pub, &out);
    CHECK_INT(out.count, 1, "len: one mention");
    CHECK(out.count == 1 && out.items[0].end == 6 && strcmp(out.items[0].value, "2025-05") == 0,
          "len: \"May\" without the year past LEN");

    /* OUT is emptied first and reused. */
    na_dates_find("nothing here", 12, &pub, &out);
    CHECK_INT(out.count, 0, "reuse: emptied");

    /* Grains. */
    text = "in 2024, Q1, May 2024, June 9";
    na_dates_find(text, strlen(text), &pub, &out);
    CHECK(out.count == 4 && out.items[0].grain == NA_GRAIN_YEAR && out.items[1].grain == NA_GRAIN_QUARTER &&
              out.items[2].grain == NA_GRAIN_MONTH && out.items[3].grain == NA_GRAIN_DAY,
          "grains");

    /* Empty and missing input. */
    na_dates_find("", 0, &pub, &out);
    CHECK_INT(out.count, 0, "empty text");
    na_dates_find(NULL, 0, &pub, &out);
    CHECK_INT(out.count, 0, "NULL text");
    na_dates_find("today", 5, NULL, &out);
    CHECK_INT(out.count, 0, "no publication date");
    na_date_t none = { 0, 0, 0, -1, -1, -1 };
    na_dates_find("today", 5, &none, &out);
    CHECK_INT(out.count, 0, "publication date without a year");
    na_date_t bad = { 2025, 2, 30, -1, -1, -1 };
    na_dates_find("in May, today", 13, &bad, &out);
    CHECK(out.count == 1 && strcmp(out.items[0].value, "2024-05") == 0,
          "impossible publication day taken as unknown");

    /* NUL bytes inside the text. */
    const char nul[] = "in\0May, in May";
    na_dates_find(nul, sizeof nul - 1, &pub, &out);
    CHECK(out.count == 1 && out.items[0].start == 11, "NUL bytes are separators");

    na_date_mentions_release(&out);
    CHECK(out.items == NULL && out.count == 0 && out.cap == 0, "release empties");
    na_date_mentions_release(&out);
    na_date_mentions_release(NULL);
    CHECK(na__dates_selfcheck(), "keyword table sorted");
}

/* Every value is well formed, the spans are in order and inside the text. */
static bool well_formed(const char *text, size_t len, const na_date_mentions_t *out)
{
    size_t last = 0;
    for (size_t i = 0; i < out->count; i++) {
        const na_date_mention_t *m = &out->items[i];
        na_period_t p;
        if (m->start < last || m->end <= m->start || m->end > len || !na_period_parse(m->value, &p) ||
            p.grain != m->grain)
            return false;
        last = m->end;
    }
    (void)text;
    return true;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 10 MB of news-like text: it finishes, finds what each paragraph holds,
 * and the figure is printed. */
static void test_speed(void)
{
    static const char para[] =
        "LONDON, June 9 (Reuters) - The Bank of England said on Monday it may raise rates in May "
        "or June, after inflation rose to 3.4% in the first quarter of 2025 from 2.5% last year. "
        "Governor Andrew Bailey told lawmakers last week that the 2,000 firms surveyed since "
        "March expected prices to rise, and that the decision due on Thursday, June 19, 2025 "
        "would weigh data published today and on 12 June. \xe2\x80\x9cWe will see,\xe2\x80\x9d he said. "
        "Shares in Caf\xc3\xa9 Holdings, up 12 percent year-on-year, fell 0.5 pence.\n\n";
    /* LONDON line: June 9, Monday, May, June, first quarter of 2025, last year,
     * last week, March, June 19, 2025 (Thursday absorbed), today, 12 June. */
    const size_t per_para = 11;
    size_t plen = sizeof para - 1, reps = (10u << 20) / plen + 1, len = reps * plen;
    char *text = malloc(len);
    for (size_t i = 0; i < reps; i++)
        memcpy(text + i * plen, para, plen);
    na_date_t pub = date_of(PUB);
    na_date_mentions_t out = NA_DATE_MENTIONS_INIT;
    na_dates_find(para, plen, &pub, &out);
    char buf[2048];
    CHECK_INT(out.count, per_para, "speed: one paragraph's mentions");
    printf("#   %s\n", render(para, &out, buf, sizeof buf));
    double t0 = seconds();
    na_dates_find(text, len, &pub, &out);
    double dt = seconds() - t0;
    CHECK_INT(out.count, reps * per_para, "speed: 10 MB, every paragraph's mentions");
    CHECK(well_formed(text, len, &out), "speed: spans in order, values well formed");
    printf("# dates: %.1f MB in %.3f s, %.0f MB/s\n", len / 1048576.0, dt, len / 1048576.0 / (dt > 0 ? dt : 1e-9));

    /* Inputs made of nothing but candidates, or of no words at all, stay linear. */
    static const char *const worst[] = { "in May ", "9 ", "last ", "Monday, ", "Q1 ", "\xff", " ", "aaaa",
                                         "2025-", "first-" };
    for (size_t w = 0; w < sizeof worst / sizeof worst[0]; w++) {
        size_t wl = strlen(worst[w]), n = (4u << 20) / wl;
        for (size_t i = 0; i < n; i++)
            memcpy(text + i * wl, worst[w], wl);
        t0 = seconds();
        na_dates_find(text, n * wl, &pub, &out);
        dt = seconds() - t0;
        char what[64];
        snprintf(what, sizeof what, "speed: 4 MB of \"%s\"", worst[w][0] == '\xff' ? "\\xff" : worst[w]);
        CHECK(well_formed(text, n * wl, &out), what);
        printf("#   %.0f MB/s, %zu mentions\n", n * wl / 1048576.0 / (dt > 0 ? dt : 1e-9), out.count);
    }

    /* Random bytes: nothing read past LEN (ASan watches), spans sane. */
    unsigned seed = 12345;
    for (size_t i = 0; i < (1u << 20); i++) {
        seed = seed * 1103515245u + 12345u;
        static const char alphabet[] = "May June 9 2025 - , . Q1 last in th of \xe2\x80\x94\xff\xc3";
        text[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
    }
    for (size_t cut = 1; cut < 64; cut++) {
        char *exact = malloc(cut);
        memcpy(exact, text + 1000, cut);
        na_dates_find(exact, cut, &pub, &out);
        if (!well_formed(exact, cut, &out))
            CHECK(0, "random: short cut well formed");
        free(exact);
    }
    na_dates_find(text, 1u << 20, &pub, &out);
    CHECK(well_formed(text, 1u << 20, &out), "random bytes: spans in order, values well formed");
    free(text);
    na_date_mentions_release(&out);
}

/* ---- datelines ---- */

typedef struct {
    const char *text;
    const char *city;   /* NULL: no dateline */
    const char *region; /* "" when none */
    int year, month, day;
    const char *upto;   /* the text up to the dateline's end */
} dl_case_t;

static const dl_case_t dl_cases[] = {
    { "LONDON, June 9 (Reuters) - Britain's economy", "LONDON", "", 0, 6, 9, "LONDON, June 9 (Reuters) -" },
    { "FRANKFURT, Oct 16 - The ECB", "FRANKFURT", "", 0, 10, 16, "FRANKFURT, Oct 16 -" },
    { "NEW YORK, March 3 -- Stocks", "NEW YORK", "", 0, 3, 3, "NEW YORK, March 3 --" },
    { "WASHINGTON (AP) \xe2\x80\x94 The Senate", "WASHINGTON", "", 0, 0, 0, "WASHINGTON (AP) \xe2\x80\x94" },
    { "TOKYO, Jan 5 (Reuters) -", "TOKYO", "", 0, 1, 5, "TOKYO, Jan 5 (Reuters) -" },
    { "SAO PAULO, Brazil, June 9 (Reuters) - Brazil's", "SAO PAULO", "Brazil", 0, 6, 9, "SAO PAULO, Brazil, June 9 (Reuters) -" },
    { "Lagos, Nigeria \xe2\x80\x94 Fuel prices", "Lagos", "Nigeria", 0, 0, 0, "Lagos, Nigeria \xe2\x80\x94" },
    { "Lagos, Nigeria \xe2\x80\x93 Fuel", "Lagos", "Nigeria", 0, 0, 0, "Lagos, Nigeria \xe2\x80\x93" },
    { "\n\n  LONDON, June 9 (Reuters) - x", "LONDON", "", 0, 6, 9, "\n\n  LONDON, June 9 (Reuters) -" },
    { "Bank raises rates\n\nLONDON, June 9 (Reuters) - x", "LONDON", "", 0, 6, 9, "Bank raises rates\n\nLONDON, June 9 (Reuters) -" },
    { "Bank Raises Rates - Again\r\n\r\nLONDON (Reuters) - x", "LONDON", "", 0, 0, 0, "Bank Raises Rates - Again\r\n\r\nLONDON (Reuters) -" },
    { "ST. LOUIS, Oct. 16 - x", "ST. LOUIS", "", 0, 10, 16, "ST. LOUIS, Oct. 16 -" },
    { "WINSTON-SALEM, N.C., June 9 (Reuters) - x", "WINSTON-SALEM", "N.C.", 0, 6, 9, "WINSTON-SALEM, N.C., June 9 (Reuters) -" },
    { "S\xc3\x83O PAULO, June 9 (Reuters) - x", "S\xc3\x83O PAULO", "", 0, 6, 9, "S\xc3\x83O PAULO, June 9 (Reuters) -" },
    { "Rio de Janeiro, Brazil \xe2\x80\x93 x", "Rio de Janeiro", "Brazil", 0, 0, 0, "Rio de Janeiro, Brazil \xe2\x80\x93" },
    { "Frankfurt am Main, 9 June (dpa) - x", "Frankfurt am Main", "", 0, 6, 9, "Frankfurt am Main, 9 June (dpa) -" },
    { "WASHINGTON, June 9, 2025 \xe2\x80\x94 x", "WASHINGTON", "", 2025, 6, 9, "WASHINGTON, June 9, 2025 \xe2\x80\x94" },
    { "Z\xc3\x9cRICH \xe2\x80\x94 x", "Z\xc3\x9cRICH", "", 0, 0, 0, "Z\xc3\x9cRICH \xe2\x80\x94" },
    { "WASHINGTON\xe2\x80\x94The Senate", "WASHINGTON", "", 0, 0, 0, "WASHINGTON\xe2\x80\x94" },
    { "O'HARE, June 9th - x", "O'HARE", "", 0, 6, 9, "O'HARE, June 9th -" },
    { "RICHMOND, Va. Feb 26 - x", "RICHMOND", "Va.", 0, 2, 26, "RICHMOND, Va. Feb 26 -" },
    { "COLUMBUS, IND., Feb 26 - x", "COLUMBUS", "IND.", 0, 2, 26, "COLUMBUS, IND., Feb 26 -" },
    { "WASHINGTON, March 25, Reuter - x", "WASHINGTON", "", 0, 3, 25, "WASHINGTON, March 25, Reuter -" },
    { "Caracas, march 11 - x", "Caracas", "", 0, 3, 11, "Caracas, march 11 -" },
    { "DALLAS/FORT WORTH, Texas, March 3 - x", "DALLAS/FORT WORTH", "Texas", 0, 3, 3, "DALLAS/FORT WORTH, Texas, March 3 -" },
    { "ROTTERDAM, April 1- x", "ROTTERDAM", "", 0, 4, 1, "ROTTERDAM, April 1-" },
    { "LONDON, Feb 29 - x", "LONDON", "", 0, 2, 29, "LONDON, Feb 29 -" },
    /* not datelines */
    { "The bank said on Monday, June 9 - the rate", NULL, NULL, 0, 0, 0, NULL },
    { "Monday, June 9 - the rate", NULL, NULL, 0, 0, 0, NULL },
    { "Markets Rally - Stocks Up\n\nShares rose.", NULL, NULL, 0, 0, 0, NULL },
    { "Apple Inc - shares rose", NULL, NULL, 0, 0, 0, NULL },
    { "LONDON said on Monday", NULL, NULL, 0, 0, 0, NULL },
    { "LONDON, June 9 The bank", NULL, NULL, 0, 0, 0, NULL },
    { "LONDON, June 31 - x", NULL, NULL, 0, 0, 0, NULL },
    { "LONDON-based firms", NULL, NULL, 0, 0, 0, NULL },
    { "LONDON, June 9, and more - x", NULL, NULL, 0, 0, 0, NULL },
    { "LONDON- x", NULL, NULL, 0, 0, 0, NULL },
    { "LONDON -based", NULL, NULL, 0, 0, 0, NULL },
    { "london, June 9 - x", NULL, NULL, 0, 0, 0, NULL },
    { "Line one\nline two\n\nLONDON, June 9 - x", NULL, NULL, 0, 0, 0, NULL },
    { "ONE TWO THREE FOUR FIVE - x", NULL, NULL, 0, 0, 0, NULL },
    { "LONDON, June 9 (Reuters without end - x", NULL, NULL, 0, 0, 0, NULL },
    { "Paris, France, and Berlin - x", NULL, NULL, 0, 0, 0, NULL },
    { "", NULL, NULL, 0, 0, 0, NULL },
    { " \n\n\t", NULL, NULL, 0, 0, 0, NULL },
    { "\xff\xfe\xfd", NULL, NULL, 0, 0, 0, NULL },
};

static void substr(const char *text, size_t start, size_t end, char *buf, size_t cap)
{
    size_t n = end > start ? end - start : 0;
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, text + start, n);
    buf[n] = 0;
}

static void test_datelines(void)
{
    char what[160], got[400];
    for (size_t i = 0; i < sizeof dl_cases / sizeof dl_cases[0]; i++) {
        const dl_case_t *c = &dl_cases[i];
        na_dateline_t dl;
        size_t len = strlen(c->text);
        bool found = na_dateline_find(c->text, len, &dl);
        snprintf(what, sizeof what, "dateline: %.60s", c->text);
        for (char *p = what; *p; p++)
            if (*p == '\n' || *p == '\r')
                *p = ' ';
        if (!c->city) {
            CHECK(!found && !dl.found && dl.end == 0, what);
            continue;
        }
        CHECK(found && dl.found, what);
        if (!found)
            continue;
        substr(c->text, dl.city_start, dl.city_end, got, sizeof got);
        CHECK_STR(got, c->city, "  city");
        substr(c->text, dl.region_start, dl.region_end, got, sizeof got);
        CHECK_STR(got, c->region, "  region");
        CHECK(!*c->region ? dl.region_start == 0 && dl.region_end == 0 : 1, "  no region is 0, 0");
        CHECK(dl.year == c->year && dl.month == c->month && dl.day == c->day, "  date");
        substr(c->text, 0, dl.end, got, sizeof got);
        CHECK_STR(got, c->upto, "  end");
    }

    /* A title longer than 200 bytes hides the dateline after it. */
    char long_title[400];
    memset(long_title, 'x', 250);
    strcpy(long_title + 250, "\n\nLONDON, June 9 - x");
    na_dateline_t dl;
    CHECK(!na_dateline_find(long_title, strlen(long_title), &dl), "dateline: title over 200 bytes");
    /* The dash must come within 300 bytes. */
    char far[400] = "LONDON, June 9 (Reuters)";
    memset(far + strlen(far), ' ', 300);
    far[324] = 0;
    strcat(far, "- x");
    CHECK(!na_dateline_find(far, strlen(far), &dl), "dateline: dash past 300 bytes");
    /* LEN is obeyed. */
    const char *cut = "LONDON, June 9 - x";
    CHECK(!na_dateline_find(cut, 15, &dl), "dateline: dash past LEN");
    CHECK(na_dateline_find(cut, 16, &dl) && dl.end == 16, "dateline: dash at LEN");
    CHECK(!na_dateline_find(NULL, 0, &dl), "dateline: NULL text");
    CHECK(!na_dateline_find(cut, 18, NULL), "dateline: NULL out");
}

static void test_dateline_date(void)
{
    static const struct {
        int year, month, day;
        const char *ref, *want; /* NULL: false */
    } dcases[] = {
        { 0, 6, 9, "2025-06-16", "2025-06-09" },
        { 0, 12, 30, "2025-01-03", "2024-12-30" },
        { 0, 6, 16, "2025-06-16", "2025-06-16" },
        { 0, 6, 17, "2025-06-16", "2024-06-17" },
        { 0, 6, 30, "2025-06-00", "2025-06-30" },
        { 0, 7, 1, "2025-06-00", "2024-07-01" },
        { 0, 12, 31, "2025-00-00", "2025-12-31" },
        { 0, 2, 29, "2024-03-01", "2024-02-29" },
        { 0, 2, 29, "2025-03-01", NULL },
        { 2023, 6, 9, "2025-06-16", "2023-06-09" },
        { 0, 0, 0, "2025-06-16", NULL },
        { 0, 6, 9, "0000-00-00", NULL },
    };
    char what[96], got[20];
    for (size_t i = 0; i < sizeof dcases / sizeof dcases[0]; i++) {
        na_dateline_t dl = { .found = true, .year = dcases[i].year, .month = dcases[i].month, .day = dcases[i].day };
        na_date_t ref = date_of(dcases[i].ref), out = { 1, 1, 1, 1, 1, 1 };
        bool ok = na_dateline_date(&dl, &ref, &out);
        snprintf(what, sizeof what, "dateline date: %d-%02d-%02d before %s", dcases[i].year, dcases[i].month,
                 dcases[i].day, dcases[i].ref);
        if (!dcases[i].want) {
            CHECK(!ok && out.year == 1, what);
            continue;
        }
        na_date_format_iso(&out, got);
        CHECK(ok && out.hour == -1, what);
        CHECK_STR(got, dcases[i].want, "  value");
    }
    na_dateline_t dl = { .found = false, .month = 6, .day = 9 };
    na_date_t ref = date_of("2025-06-16"), out;
    CHECK(!na_dateline_date(&dl, &ref, &out), "dateline date: not found");
    dl.found = true;
    CHECK(!na_dateline_date(&dl, NULL, &out), "dateline date: no ref");
    CHECK(!na_dateline_date(NULL, &ref, &out), "dateline date: no dateline");

    /* Found, then dated: the way extract.c uses them. */
    const char *text = "FRANKFURT, Dec 30 - x";
    ref = date_of("2026-01-02");
    CHECK(na_dateline_find(text, strlen(text), &dl) && na_dateline_date(&dl, &ref, &out) && out.year == 2025 &&
              out.month == 12 && out.day == 30,
          "dateline date: found and dated across the new year");
}

int main(void)
{
    test_cases();
    test_offsets();
    test_speed();
    test_datelines();
    test_dateline_date();
    return unit_done();
}
