/* fuzz-parse.h - what every parser harness shares: na_parse_buffer()
 * called as newsarc-index calls it (the whole input as one buffer, a sink
 * with article, reject and warning callbacks), articles freed as they
 * come, and the promises of parse.h checked on each, so a broken contract
 * is a crash the fuzzer reports and not a silent oddity.
 *
 * Included by one harness per format; static so that each harness stays
 * one translation unit with one LLVMFuzzerTestOneInput. */
#ifndef NA_FUZZ_PARSE_H
#define NA_FUZZ_PARSE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "utf8.h"

#define FUZZ_CHECK(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: broken parse.h promise: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

typedef struct {
    const unsigned char *buf;
    size_t len;
    size_t lines; /* lines in BUF: no reported line may be past them */
} fuzz_input_t;

/* Counts the file's lines, as editors and grep do: a line ends at "\n",
 * and a last line without one counts too.  No parser may report a line
 * past them (libyaml's own count, which also breaks at a lone "\r" and
 * U+0085, U+2028, U+2029, once went past; see the regressions). */
static size_t fuzz_count_lines(const unsigned char *b, size_t n)
{
    size_t lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += b[i] == '\n';
    if (n && b[n - 1] != '\n')
        lines++;
    return lines ? lines : 1;
}

static void fuzz_check_text(const char *s, int one_line)
{
    if (!s)
        return;
    size_t n = strlen(s);
    FUZZ_CHECK(na_utf8_valid(s, n));
    if (one_line)
        FUZZ_CHECK(!memchr(s, '\n', n));
}

static void fuzz_check_list(const na_strlist_t *l)
{
    for (size_t i = 0; i < l->count; i++)
        fuzz_check_text(l->items[i], 1);
}

static int fuzz_article(na_article_t *a, void *ud)
{
    const fuzz_input_t *in = ud;
    fuzz_check_text(a->title, 1);
    fuzz_check_text(a->id, 1);
    fuzz_check_text(a->body, 0);
    fuzz_check_list(&a->authors);
    fuzz_check_list(&a->people);
    fuzz_check_list(&a->places);
    fuzz_check_list(&a->orgs);
    fuzz_check_list(&a->topics);
    fuzz_check_list(&a->exchanges);
    /* The raw bytes are a piece of the input, never changed. */
    FUZZ_CHECK(a->raw_len <= in->len);
    if (a->raw_len)
        FUZZ_CHECK(memmem(in->buf, in->len, a->raw, a->raw_len) != NULL);
    FUZZ_CHECK(a->line >= 1 && a->line <= in->lines);
    na_article_free(a);
    return 0;
}

/* The program prints REASON on one line after "FILE:LINE: error: ". */
static void fuzz_reject(size_t line, const char *reason, void *ud)
{
    const fuzz_input_t *in = ud;
    FUZZ_CHECK(reason && *reason && !strchr(reason, '\n'));
    FUZZ_CHECK(line <= in->lines);
}

static void fuzz_warn(size_t line, const char *reason, void *ud)
{
    fuzz_reject(line, reason, ud);
}

static void fuzz_parse(na_format_t format, const uint8_t *data, size_t size)
{
    fuzz_input_t in = { data, size, fuzz_count_lines(data, size) };
    /* The indexer never hands a parser an empty buffer ("empty file"). */
    if (size == 0)
        return;
    na_parse_sink_t sink = { fuzz_article, fuzz_reject, &in, fuzz_warn };
    na_error_t err;
    na_error_clear(&err);
    na_status_t st = na_parse_buffer(format, "fuzz", data, size, &sink, &err);
    FUZZ_CHECK(st == NA_OK || st == NA_ERR_PARSE || st == NA_ERR_NOMEM);
    if (st != NA_OK)
        FUZZ_CHECK(err.message[0] && !strchr(err.message, '\n'));
}

#endif
