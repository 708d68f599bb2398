/* query.c - building newsarc-search's Xapian query (see query.h).
 *
 * Free text goes through Xapian's QueryParser so that the syntax is
 * Xapian's own, with the same stemming the indexer used.  Every exact
 * field is a boolean prefix whose value a handler here turns into a term:
 * the handler, not Xapian, normalises the value, because the indexer
 * stored canonical names ("place:usa" must find "XPLACEunited states").
 *
 * Xapian reports a syntax error without saying where it is; when it names
 * an operator ("Syntax: <expression> AND <expression>") the operator that
 * lacks an operand is found here, so the message can give its column. */
#include "query.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "date.h"
#include "normalise.h"
#include "utf8.h"
#include "util.h"

typedef struct {
    const na_config_t *cfg;
    na_normaliser_t *norm;    /* loaded on first use: most queries need none */
    bool places_loaded;       /* the gazetteers' places are in NORM */
    const na_normaliser_t *shared; /* a long-running process's, loaded once */
    na_status_t norm_status;  /* why loading failed, reported instead of a query error */
    na_error_t norm_err;
    char *bad_field;          /* the first field:value a handler refused */
    char *bad_value;
    char *bad_reason;
} qctx_t;

typedef struct {
    qctx_t *ctx;
    na_field_t field;
} field_ud_t;

#define MENTIONED_FORMS "YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD or a range A..B"

static bool is_blank(const char *s)
{
    while (*s && na_is_space((unsigned char)*s))
        s++;
    return *s == '\0';
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Checks a year ("1987") or month ("1987-03") value; returns NULL when it
 * is well formed, else the reason. */
static const char *check_date_value(na_field_t field, const char *value)
{
    if (field == NA_FIELD_YEAR) {
        if (strlen(value) != 4 || !all_digits(value, 4))
            return "a year is written YYYY";
    } else if (field == NA_FIELD_MONTH) {
        if (strlen(value) != 7 || !all_digits(value, 4) || value[4] != '-' ||
            !all_digits(value + 5, 2))
            return "a month is written YYYY-MM";
        int m = (value[5] - '0') * 10 + (value[6] - '0');
        if (m < 1 || m > 12)
            return "a month is written YYYY-MM, with MM from 01 to 12";
    } else if (field == NA_FIELD_DAY) {
        if (strlen(value) != 10 || !all_digits(value, 4) || value[4] != '-' || !all_digits(value + 5, 2) ||
            value[7] != '-' || !all_digits(value + 8, 2))
            return "a day is written YYYY-MM-DD";
    } else if (field == NA_FIELD_MENTIONED) {
        na_period_t a, b;
        const char *dots = strstr(value, "..");
        if (!dots)
            return na_period_parse(value, &a) ? NULL : "not a date (" MENTIONED_FORMS ")";
        char *from = na_xstrndup(value, (size_t)(dots - value));
        bool ok = na_period_parse(from, &a) && na_period_parse(dots + 2, &b);
        free(from);
        if (!ok)
            return "a range is two dates (" MENTIONED_FORMS ")";
        if (a.grain != b.grain)
            return "both ends of a range should be written the same way";
        if (na_period_cmp(&a, &b) > 0)
            return "the range ends before it starts";
    }
    return NULL;
}

/* Periods one mentioned:A..B query may list: a range of years of days
 * is better asked by months. */
#define MAX_MENTIONED_TERMS 1000

/* mentioned:P is the term of P, which an article has when it mentions P
 * or any day, month or quarter within it; mentioned:A..B is every period
 * from A to B at their grain.  The value was checked already. */
static na_status_t mentioned_query(const char *value, na_xquery_t **out, na_error_t *err)
{
    na_period_t p, last;
    const char *dots = strstr(value, "..");
    char *from = dots ? na_xstrndup(value, (size_t)(dots - value)) : na_xstrdup(value);
    na_period_parse(from, &p);
    free(from);
    last = p;
    if (dots)
        na_period_parse(dots + 2, &last);
    na_xquery_t *any = NULL;
    for (size_t n = 0; na_period_cmp(&p, &last) <= 0; n++, na_period_next(&p)) {
        if (n == MAX_MENTIONED_TERMS) {
            na_xquery_free(any);
            return na_error_set(err, NA_ERR_INVALID, "the range spans over %d periods; write its ends as months or years",
                                MAX_MENTIONED_TERMS);
        }
        char text[12];
        na_period_format(&p, text);
        char *term = na_schema_term(na_fields[NA_FIELD_MENTIONED].prefix, text);
        any = na_xquery_combine(NA_XQ_OR, any, na_xquery_term(term));
        free(term);
    }
    *out = any;
    return NA_OK;
}

/* How this thread's last query build got its tables, for -v. */
static _Thread_local char tables_note[1200];

const char *na_query_tables_note(void)
{
    return tables_note;
}

/* The normaliser for a value of FIELD: compiled tables when there is a
 * cache, else the alias tables parsed on first use and the gazetteers,
 * which cost more to read than the rest of a query, only for a place.
 * The indexer loads the same tables, so values agree. */
static const na_normaliser_t *get_normaliser(qctx_t *ctx, na_field_t field)
{
    if (ctx->shared)
        return ctx->shared;
    if (!ctx->norm && ctx->norm_status == NA_OK) {
        ctx->norm_status = na_cli_tables_open(ctx->cfg, false, &ctx->norm, tables_note, sizeof tables_note,
                                              &ctx->norm_err);
        /* Compiled tables hold the gazetteers too. */
        ctx->places_loaded = ctx->norm != NULL;
    }
    if (!ctx->norm && ctx->norm_status == NA_OK) {
        na_config_t cfg = *ctx->cfg;
        cfg.gazetteer = NULL;
        ctx->norm_status = na_normaliser_load(&cfg, &ctx->norm, &ctx->norm_err);
    }
    if (ctx->norm && field == NA_FIELD_PLACE && !ctx->places_loaded && ctx->cfg->gazetteer) {
        ctx->places_loaded = true;
        ctx->norm_status = na_normaliser_add_gazetteer(ctx->norm, ctx->cfg->gazetteer, &ctx->norm_err);
        if (ctx->norm_status)
            return NULL;
    }
    return ctx->norm_status ? NULL : ctx->norm;
}

/* The query for VALUE in the exact FIELD: one term.  On failure ERR gets
 * the bare reason (callers add where the value came from). */
static na_status_t field_query(qctx_t *ctx, na_field_t field, const char *value,
                               na_xquery_t **out, na_error_t *err)
{
    const char *reason = check_date_value(field, value);
    if (reason)
        return na_error_set(err, NA_ERR_INVALID, "%s", reason);
    if (field == NA_FIELD_MENTIONED)
        return mentioned_query(value, out, err);
    char *term;
    if (field == NA_FIELD_YEAR || field == NA_FIELD_MONTH || field == NA_FIELD_DAY) {
        char terms[3][NA_DATE_TERM_SIZE];
        int year = atoi(value), month = field != NA_FIELD_YEAR ? atoi(value + 5) : 0;
        int day = field == NA_FIELD_DAY ? atoi(value + 8) : 0;
        size_t n = na_schema_date_terms(year, month, day, terms);
        if (!n)
            return na_error_set(err, NA_ERR_INVALID, "%s", "not a date");
        term = na_xstrdup(terms[n - 1]);
    } else {
        const na_normaliser_t *norm = get_normaliser(ctx, field);
        if (!norm)
            return na_error_set(err, ctx->norm_status, "%s", ctx->norm_err.message);
        char *canonical = na_normalise(norm, field, value);
        if (!canonical)
            return na_error_set(err, NA_ERR_INVALID, "no value given");
        /* The folded key, as the indexer stored it. */
        term = na_schema_field_term(&na_fields[field], canonical);
        free(canonical);
        if (!term)
            return na_error_set(err, NA_ERR_INVALID, "no value given");
    }
    *out = na_xquery_term(term);
    free(term);
    return NA_OK;
}

/* Records the first field:value that is refused and answers a query that
 * matches nothing, so that the parse goes on; parse_text() reports the
 * refusal afterwards.  Failing inside the handler would also stop the
 * parse, but an exception thrown through Xapian 1.4's query parser leaks
 * its parse state. */
static na_status_t refuse(qctx_t *ctx, const char *field, const char *value, const char *reason,
                          na_xquery_t **out)
{
    if (!ctx->bad_field) {
        ctx->bad_field = na_xstrdup(field);
        ctx->bad_value = na_xstrdup(value);
        ctx->bad_reason = na_xstrdup(reason);
    }
    *out = na_xquery_match_nothing();
    return NA_OK;
}

/* ---- field handlers (na_xfield_fn) ---- */

static na_status_t on_field(void *ud, const char *value, na_xquery_t **out, na_error_t *err)
{
    field_ud_t *f = ud;
    na_error_t why;
    na_error_clear(&why);
    if (field_query(f->ctx, f->field, value, out, &why) == NA_OK)
        return NA_OK;
    return refuse(f->ctx, na_fields[f->field].name, value, why.message, out);
}

/* mentions:NAME finds the articles that name NAME anywhere, as a
 * person, place or organisation: NAME is normalised as each of the three
 * fields would normalise it ("Kiev" as a place is Kyiv), and any of the
 * canonical names matches. */
static na_status_t on_mentions(void *ud, const char *value, na_xquery_t **out, na_error_t *err)
{
    qctx_t *ctx = ud;
    static const na_field_t fields[] = { NA_FIELD_PERSON, NA_FIELD_PLACE, NA_FIELD_ORG };
    na_strlist_t terms = NA_STRLIST_INIT;
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        const na_normaliser_t *norm = get_normaliser(ctx, fields[i]);
        if (!norm) {
            na_strlist_clear(&terms);
            return refuse(ctx, "mentions", value, ctx->norm_err.message, out);
        }
        char *canonical = na_normalise(norm, fields[i], value);
        char *term = canonical ? na_schema_field_term(&na_mentions_field, canonical) : NULL;
        free(canonical);
        if (term && !na_strlist_contains(&terms, term))
            na_strlist_take(&terms, term);
        else
            free(term);
    }
    if (!terms.count)
        return refuse(ctx, "mentions", value, "no name given", out);
    na_xquery_t *any = NULL;
    for (size_t i = 0; i < terms.count; i++)
        any = na_xquery_combine(NA_XQ_OR, any, na_xquery_term(terms.items[i]));
    na_strlist_clear(&terms);
    (void)err;
    *out = any;
    return NA_OK;
}

/* id:ID is the unique term as the indexer wrote it: ids are not
 * lower-cased, since "Q" terms are matched exactly. */
static na_status_t on_id(void *ud, const char *value, na_xquery_t **out, na_error_t *err)
{
    if (!*value)
        return refuse(ud, "id", value, "no id given", out);
    char *term = na_schema_id_term(value);
    *out = na_xquery_term(term);
    free(term);
    return NA_OK;
}

#define DATE_FORMS "YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD or a range A..B"

/* The date terms of a whole year, quarter, month or day (Y1987,
 * M198703, D19870309): a posting list is cheaper to count over than a
 * range of values. */
static na_xquery_t *period_terms(const na_period_t *p)
{
    char terms[3][NA_DATE_TERM_SIZE];
    if (p->grain == NA_GRAIN_QUARTER) {
        na_xquery_t *any = NULL;
        for (int m = p->month; m < p->month + 3; m++) {
            size_t n = na_schema_date_terms(p->year, m, 0, terms);
            any = na_xquery_combine(NA_XQ_OR, any, na_xquery_term(terms[n - 1]));
        }
        return any;
    }
    /* A period's own term is the finest the function gives it. */
    size_t n = na_schema_date_terms(p->year, p->grain == NA_GRAIN_YEAR ? 0 : p->month,
                                    p->grain == NA_GRAIN_DAY ? p->day : 0, terms);
    return na_xquery_term(terms[n - 1]);
}

/* The days FROM to TO (both YYYY-MM-DD, in order) of one month as the OR
 * of their day terms, else NULL.  An article dated to the day has exactly
 * its day's term and one dated to the month or year (day 00, sorting
 * before the month's first day) none, as a value range within the month
 * takes the one and never the other: the same matches, from postings
 * instead of every article's date.  (A range across months also takes
 * the articles dated to a month after its first, by how day 00 sorts.) */
static na_xquery_t *day_range_terms(const char *from, const char *to)
{
    na_period_t a, b;
    if (!na_period_parse(from, &a) || !na_period_parse(to, &b) || a.grain != NA_GRAIN_DAY ||
        b.grain != NA_GRAIN_DAY || a.year != b.year || a.month != b.month || a.day > b.day)
        return NULL;
    na_xquery_t *any = NULL;
    for (; a.day <= b.day; na_period_next(&a)) {
        any = na_xquery_combine(NA_XQ_OR, any, period_terms(&a));
        if (a.day == b.day)
            break;
    }
    return any;
}

/* The whole months FROM to TO of one year (each a month or a quarter),
 * or the whole years FROM to TO (each a year), as the OR of their terms,
 * else NULL.  The value range from day 00 of the first month to the end
 * of the last takes the articles dated to the day or the month within
 * them and none dated to the year alone (day 00 of month 00 sorts before
 * it), which is what their month terms hold; over whole years every
 * article of those years, what their year terms hold. */
#define RANGE_MAX_YEARS 100
static na_xquery_t *month_range_terms(const char *from, const char *to)
{
    na_period_t a, b;
    if (!na_period_parse(from, &a) || !na_period_parse(to, &b) || a.grain == NA_GRAIN_DAY ||
        b.grain == NA_GRAIN_DAY || (a.grain == NA_GRAIN_YEAR) != (b.grain == NA_GRAIN_YEAR))
        return NULL;
    char terms[3][NA_DATE_TERM_SIZE];
    na_xquery_t *any = NULL;
    if (a.grain == NA_GRAIN_YEAR) {
        if (a.year > b.year || b.year - a.year >= RANGE_MAX_YEARS)
            return NULL;
        for (int y = a.year; y <= b.year; y++) {
            na_schema_date_terms(y, 0, 0, terms);
            any = na_xquery_combine(NA_XQ_OR, any, na_xquery_term(terms[0]));
        }
        return any;
    }
    int last = b.grain == NA_GRAIN_QUARTER ? b.month + 2 : b.month;
    if (a.year != b.year || a.month > last)
        return NULL;
    for (int m = a.month; m <= last; m++) {
        na_schema_date_terms(a.year, m, 0, terms);
        any = na_xquery_combine(NA_XQ_OR, any, na_xquery_term(terms[1]));
    }
    return any;
}

/* date:D matches the whole of D, by its date term; date:A..B from the
 * start of A to the end of B, either end open when empty: days of one
 * month by their terms, else over the value slot, which holds sortable
 * dates, so that a byte-order range is a date range; whole months of
 * one year, and whole years, by their terms too. */
static na_status_t on_date(void *ud, const char *value, na_xquery_t **out, na_error_t *err)
{
    char lo[15], hi[15], ignore[15];
    const char *dots = strstr(value, "..");
    if (!dots) {
        na_period_t p;
        if (!na_period_parse(value, &p))
            return refuse(ud, "date", value, "not a date (" DATE_FORMS ")", out);
        *out = period_terms(&p);
        return NA_OK;
    }
    char *from = na_xstrndup(value, (size_t)(dots - value));
    const char *to = dots + 2;
    const char *reason = NULL;
    if (!*from && !*to)
        reason = "a range needs at least one end (" DATE_FORMS ")";
    else if (*from && !na_date_query_bounds(from, lo, ignore))
        reason = "the start is not a date (" DATE_FORMS ")";
    else if (*to && !na_date_query_bounds(to, ignore, hi))
        reason = "the end is not a date (" DATE_FORMS ")";
    else if (*from && *to && strcmp(lo, hi) > 0)
        reason = "the range ends before it starts";
    bool open_start = !*from;
    *out = reason || open_start || !*to ? NULL : day_range_terms(from, to);
    if (!reason && !*out && !open_start && *to)
        *out = month_range_terms(from, to);
    free(from);
    if (reason)
        return refuse(ud, "date", value, reason, out);
    if (!*out)
        *out = na_xquery_value_range(NA_SLOT_DATE, open_start ? NULL : lo, *to ? hi : NULL);
    return NA_OK;
}

/* ---- saying where a query went wrong ---- */

/* The 1-based column, in characters, of byte offset POS of TEXT. */
static size_t column_of(const char *text, size_t pos)
{
    size_t col = 1;
    for (size_t i = 0; i < pos; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            col++;
    return col;
}

/* Finds "FIELD:VALUE" (or FIELD:"VALUE") in TEXT, at the start of a word;
 * returns its byte offset or -1. */
static long locate_field(const char *text, const char *field, const char *value)
{
    size_t flen = strlen(field), vlen = strlen(value);
    for (const char *p = strstr(text, field); p; p = strstr(p + 1, field)) {
        if (p > text && !na_is_space((unsigned char)p[-1]) && !strchr("(+-", p[-1]))
            continue;
        const char *v = p + flen;
        if (*v++ != ':')
            continue;
        if (*v == '"')
            v++;
        if (strncmp(v, value, vlen) == 0)
            return (long)(p - text);
    }
    return -1;
}

typedef struct {
    size_t pos, len;
} token_t;

static bool token_is(const char *text, const token_t *t, const char *word)
{
    size_t n = strlen(word);
    if (t->len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (na_ascii_lower((unsigned char)text[t->pos + i]) != na_ascii_lower((unsigned char)word[i]))
            return false;
    return true;
}

static bool token_is_operator(const char *text, const token_t *t)
{
    static const char *const ops[] = { "AND", "OR", "NOT", "XOR" };
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (token_is(text, t, ops[i]))
            return true;
    return false;
}

/* Splits TEXT into words and brackets, skipping quoted phrases. */
static size_t tokenise(const char *text, token_t **out)
{
    size_t n = 0, cap = 0;
    token_t *toks = NULL;
    const char *p = text;
    while (*p) {
        if (na_is_space((unsigned char)*p)) {
            p++;
            continue;
        }
        const char *start = p;
        if (*p == '(' || *p == ')') {
            p++;
        } else if (*p == '"') {
            p = strchr(p + 1, '"');
            p = p ? p + 1 : start + strlen(start);
        } else {
            while (*p && !na_is_space((unsigned char)*p) && *p != '(' && *p != ')')
                p++;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            toks = na_xrealloc(toks, cap * sizeof *toks);
        }
        toks[n].pos = (size_t)(start - text);
        toks[n].len = (size_t)(p - start);
        n++;
    }
    *out = toks;
    return n;
}

/* For Xapian's "Syntax: <expression> OP <expression>", finds the OP in
 * TEXT that lacks an operand; returns its byte offset or -1. */
static long locate_operator(const char *text, const char *op)
{
    char first[8];
    size_t i = 0;
    while (op[i] && op[i] != ' ' && i < sizeof first - 1) {
        first[i] = op[i];
        i++;
    }
    first[i] = '\0';
    bool two_words = op[i] == ' '; /* AND NOT */
    token_t *t;
    size_t n = tokenise(text, &t);
    long found = -1, fallback = -1;
    for (size_t k = 0; k < n && found < 0; k++) {
        if (!token_is(text, &t[k], first))
            continue;
        size_t last = k + (two_words ? 1 : 0);
        if (last >= n)
            last = n - 1;
        if (fallback < 0)
            fallback = (long)t[k].pos;
        bool no_left = k == 0 || token_is_operator(text, &t[k - 1]) || token_is(text, &t[k - 1], "(");
        bool no_right = last + 1 >= n || token_is_operator(text, &t[last + 1]) ||
                        token_is(text, &t[last + 1], ")");
        if (strcmp(op, "NOT") == 0 && k == 0)
            no_left = false; /* a leading NOT is a pure NOT, which is allowed */
        if (no_left || no_right)
            found = (long)t[k].pos;
    }
    free(t);
    return found >= 0 ? found : fallback;
}

/* Sets ERR to "query 'TEXT' at column N: reason" for the field value a
 * handler refused, or for the error Xapian's parser reported in ERR. */
static void explain_query_error(const qctx_t *ctx, const char *text, na_error_t *err)
{
    char msg[sizeof err->message];
    snprintf(msg, sizeof msg, "%s", err->message);
    long pos = -1;
    const char *reason = msg;
    char buf[sizeof msg + 64];
    static const char syntax[] = "Syntax: <expression> ";
    static const char tail[] = " <expression>";
    size_t mlen = strlen(msg);
    if (ctx->bad_field) {
        pos = locate_field(text, ctx->bad_field, ctx->bad_value);
        snprintf(buf, sizeof buf, "%s:%s: %s", ctx->bad_field, ctx->bad_value, ctx->bad_reason);
        reason = buf;
    } else if (strncasecmp(msg, syntax, sizeof syntax - 1) == 0 && mlen > sizeof syntax - 1 + sizeof tail - 1 &&
               strcmp(msg + mlen - (sizeof tail - 1), tail) == 0) {
        char op[32];
        size_t oplen = mlen - (sizeof syntax - 1) - (sizeof tail - 1);
        snprintf(op, sizeof op, "%.*s", (int)oplen, msg + sizeof syntax - 1);
        pos = locate_operator(text, op);
        snprintf(buf, sizeof buf, "%s needs an expression on each side", op);
        if (strcmp(op, "NOT") == 0)
            snprintf(buf, sizeof buf, "NOT needs an expression after it");
        reason = buf;
    }
    if (pos >= 0)
        na_error_set(err, NA_ERR_QUERY, "query '%s' at column %zu: %s", text,
                     column_of(text, (size_t)pos), reason);
    else
        na_error_set(err, NA_ERR_QUERY, "query '%s': %s", text, reason);
}

/* ---- words for snippets ---- */

bool na_query_is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Returns the index of the token after the operand that starts at token
 * K: one word or phrase, or a bracketed group with what it holds. */
static size_t skip_operand(const char *text, const token_t *t, size_t n, size_t k)
{
    int depth = 0;
    do {
        if (token_is(text, &t[k], "("))
            depth++;
        else if (token_is(text, &t[k], ")") && depth > 0)
            depth--;
        k++;
    } while (k < n && depth > 0);
    return k;
}

/* Returns the index of the token after the right operand of a NOT whose
 * operand starts at token K.  Xapian's parser binds the words it joins by
 * its default operator tighter than NOT, AND, OR and XOR, so "a NOT b c"
 * is "a NOT (b c)": the operand runs to the next operator or to the ")"
 * that closes the group it is in. */
static size_t skip_not_operand(const char *text, const token_t *t, size_t n, size_t k)
{
    while (k < n && !token_is_operator(text, &t[k]) && !token_is(text, &t[k], ")"))
        k = skip_operand(text, t, n, k);
    return k;
}

void na_query_words(const char *text, na_strlist_t *words)
{
    token_t *t;
    size_t n = tokenise(text, &t);
    for (size_t k = 0; k < n;) {
        const char *p = text + t[k].pos, *end = p + t[k].len;
        /* Excluded words (NOT, -word, -(...)) are never in a matching
         * article's text, so a snippet must not look for them: a word it
         * cannot find would make every hit's original be decompressed. */
        if (token_is(text, &t[k], "NOT")) {
            k = skip_not_operand(text, t, n, k + 1);
            continue;
        }
        if (t[k].len == 1 && *p == '-' && k + 1 < n && token_is(text, &t[k + 1], "(")) {
            k = skip_operand(text, t, n, k + 1); /* -(a b) */
            continue;
        }
        k++;
        if (token_is_operator(text, &t[k - 1]) || *p == '(' || *p == ')')
            continue;
        if (*p == '-')
            continue;
        if (*p == '+')
            p++;
        const char *colon = memchr(p, ':', (size_t)(end - p));
        if (colon) {
            if ((size_t)(colon - p) != 5 || strncmp(p, "title", 5) != 0)
                continue; /* an exact field: its value need not be in the text */
            p = colon + 1;
        }
        /* What is left may hold several words ("a phrase", data-driven). */
        while (p < end) {
            while (p < end && !na_query_is_word_byte((unsigned char)*p))
                p++;
            const char *w = p;
            while (p < end && na_query_is_word_byte((unsigned char)*p))
                p++;
            if (p - w < 2)
                continue;
            char *word = na_xstrndup(w, (size_t)(p - w));
            na_utf8_fold(word, strlen(word), word);
            for (char *c = word; *c; c++)
                *c = (char)na_ascii_lower((unsigned char)*c);
            if (!na_strlist_contains(words, word))
                na_strlist_take(words, word);
            else
                free(word);
        }
    }
    free(t);
}

/* ---- accent folding ---- */

/* Is the LEN bytes at NAME a field whose value is exact (not title:)? */
static bool exact_field(const char *name, size_t len)
{
    if ((len == 2 && strncmp(name, "id", 2) == 0) || (len == 4 && strncmp(name, "date", 4) == 0))
        return true;
    for (int f = 0; f < NA_FIELD_COUNT; f++)
        if (strlen(na_fields[f].name) == len && strncmp(na_fields[f].name, name, len) == 0)
            return true;
    return false;
}

/* Returns a malloc()ed copy of the query TEXT with its free text
 * accent-folded as the indexer folds the words it indexes ("Grímsson"
 * -> "Grimsson"); operators are ASCII and stay, and the values of exact
 * fields (place:Zürich, id:...) are left to their handlers, which
 * normalise them or match them as written. */
static char *fold_query(const char *text)
{
    size_t len = strlen(text);
    char *out = na_xmalloc(len + 1);
    size_t n = 0, i = 0;
    while (i < len) {
        if (na_is_space((unsigned char)text[i])) {
            out[n++] = text[i++];
            continue;
        }
        size_t w = i; /* a token: a field name may follow + - ( */
        while (w < len && strchr("+-(", text[w]))
            w++;
        size_t c = w;
        while (c < len && ((text[c] >= 'a' && text[c] <= 'z') || (text[c] >= 'A' && text[c] <= 'Z')))
            c++;
        size_t e; /* the token ends before E */
        if (c < len && text[c] == ':' && c > w && exact_field(text + w, c - w)) {
            e = c + 1;
            if (e < len && text[e] == '"') {
                const char *q = strchr(text + e + 1, '"');
                e = q ? (size_t)(q - text) + 1 : len;
            }
            while (e < len && !na_is_space((unsigned char)text[e]) && text[e] != ')')
                e++;
            memcpy(out + n, text + i, e - i);
            n += e - i;
        } else {
            e = i;
            while (e < len && !na_is_space((unsigned char)text[e]))
                e++;
            n += na_utf8_fold(text + i, e - i, out + n);
        }
        i = e;
    }
    out[n] = '\0';
    return out;
}

/* ---- building ---- */

static bool is_stopword(const na_strlist_t *stopwords, const char *w, size_t len)
{
    for (size_t i = 0; i < stopwords->count; i++)
        if (strlen(stopwords->items[i]) == len && strncasecmp(stopwords->items[i], w, len) == 0)
            return true;
    return false;
}

/* Xapian's parser drops a stopword only when other words remain: a query
 * of stopwords alone ("said", "the said") or a +said keeps them, stemmed
 * (Zsaid), while the indexer gives a stopword no stemmed term, so such a
 * query found nothing.  Xapian does not stem a capitalised word but drops
 * it as a stopword all the same, so the copy of TEXT the parser gets has
 * each free-text stopword capitalised: its unstemmed term, which every
 * article with the word has.  STOPWORDS are the configuration's and the
 * ones the archive was indexed with (NA_META_STOPWORDS), so a changed
 * list does not hide them either.  Same length, so error columns stay
 * right.  Field values, phrases and wildcards are left alone, and so are
 * stopwords that do not start with an ASCII letter.  Caller frees. */
static char *capitalise_stopwords(const char *text, const na_strlist_t *stopwords)
{
    char *copy = na_xstrdup(text);
    if (!stopwords->count)
        return copy;
    token_t *t;
    size_t n = tokenise(text, &t);
    for (size_t k = 0; k < n; k++) {
        const char *p = text + t[k].pos, *end = p + t[k].len;
        if (*p == '"' || token_is_operator(text, &t[k]))
            continue;
        if (*p == '+' || *p == '-')
            p++;
        const char *colon = memchr(p, ':', (size_t)(end - p));
        if (colon) {
            if ((size_t)(colon - p) != 5 || strncmp(p, "title", 5) != 0 || colon[1] == '"')
                continue;
            p = colon + 1;
        }
        while (p < end) {
            const char *w = p;
            while (p < end && na_query_is_word_byte((unsigned char)*p))
                p++;
            bool bounded = (w == text || !strchr("'&", w[-1])) && (p == end || !strchr("'&*", *p));
            if (p > w && *w >= 'a' && *w <= 'z' && bounded && is_stopword(stopwords, w, (size_t)(p - w)))
                copy[w - text] = (char)(*w - 'a' + 'A');
            while (p < end && !na_query_is_word_byte((unsigned char)*p))
                p++;
        }
    }
    free(t);
    return copy;
}

static na_status_t parse_text(qctx_t *ctx, na_xdb_t *db, const char *text, na_xquery_t **out,
                              na_error_t *err)
{
    na_xqp_t *qp = NULL;
    na_status_t st = na_xqp_new(db, ctx->cfg->language, &qp, err);
    if (st)
        return st;
    /* Folded, as the words of the query are. */
    na_strlist_t stop = NA_STRLIST_INIT;
    for (size_t i = 0; i < ctx->cfg->stopwords.count; i++) {
        char *w = na_xstrdup(ctx->cfg->stopwords.items[i]);
        na_utf8_fold(w, strlen(w), w);
        na_strlist_take(&stop, w);
    }
    na_xqp_set_stopwords(qp, (const char *const *)stop.items, stop.count);
    na_strlist_clear(&stop);
    na_xqp_add_prefix(qp, "title", NA_PREFIX_TITLE);
    field_ud_t uds[NA_FIELD_COUNT];
    for (int f = 0; f < NA_FIELD_COUNT; f++) {
        uds[f].ctx = ctx;
        uds[f].field = (na_field_t)f;
        na_xqp_add_field(qp, na_fields[f].name, on_field, &uds[f]);
    }
    na_xqp_add_field(qp, "id", on_id, ctx);
    na_xqp_add_field(qp, "mentions", on_mentions, ctx);
    na_xqp_add_field(qp, "date", on_date, ctx);
    na_strlist_t stopwords = NA_STRLIST_INIT;
    for (size_t i = 0; i < ctx->cfg->stopwords.count; i++)
        na_strlist_add(&stopwords, ctx->cfg->stopwords.items[i]);
    char *indexed = NULL;
    size_t len = 0;
    if (db && na_xdb_get_metadata(db, NA_META_STOPWORDS, &indexed, &len, NULL) == NA_OK && indexed) {
        char *save = NULL;
        for (char *w = strtok_r(indexed, "\n", &save); w; w = strtok_r(NULL, "\n", &save))
            if (!na_strlist_contains(&stopwords, w))
                na_strlist_add(&stopwords, w);
    }
    free(indexed);
    /* Folded as the index is, then stopwords marked as the parser takes them. */
    for (size_t i = 0; i < stopwords.count; i++)
        na_utf8_fold(stopwords.items[i], strlen(stopwords.items[i]), stopwords.items[i]);
    char *folded = fold_query(text);
    char *parsed = capitalise_stopwords(folded, &stopwords);
    free(folded);
    na_strlist_clear(&stopwords);
    st = na_xqp_parse(qp, parsed, out, err);
    free(parsed);
    na_xqp_free(qp);
    if (st == NA_OK && !ctx->bad_field) {
        st = db ? na_xquery_expand_wildcards(*out, db, NA_QUERY_MAX_WILDCARD_TERMS, err) : NA_OK;
        if (st) {
            na_xquery_free(*out);
            *out = NULL;
        }
        return st;
    }
    if (st != NA_OK && st != NA_ERR_QUERY)
        return st;
    na_xquery_free(*out);
    *out = NULL;
    if (ctx->norm_status) /* not the query's fault: an alias table is bad */
        return na_error_set(err, ctx->norm_status, "%s", ctx->norm_err.message);
    explain_query_error(ctx, text, err);
    return NA_ERR_QUERY;
}

na_status_t na_query_filter_split(const char *spec, const na_field_info_t **field,
                                  const char **value, na_error_t *err)
{
    const char *eq = strchr(spec, '=');
    if (!eq)
        return na_error_set(err, NA_ERR_INVALID, "--filter '%s': expected NAME=VALUE", spec);
    char *name = na_xstrndup(spec, (size_t)(eq - spec));
    const na_field_info_t *f = na_field_by_name(name);
    free(name);
    if (!f) {
        char names[256];
        na_schema_field_names(names, sizeof names);
        return na_error_set(err, NA_ERR_INVALID, "--filter '%s': unknown name (%s)", spec, names);
    }
    if (is_blank(eq + 1))
        return na_error_set(err, NA_ERR_INVALID, "--filter '%s': no value given", spec);
    const char *reason = check_date_value((na_field_t)(f - na_fields), eq + 1);
    if (reason)
        return na_error_set(err, NA_ERR_INVALID, "--filter '%s': %s", spec, reason);
    *field = f;
    *value = eq + 1;
    return NA_OK;
}

/* ORs the filters on one field and ANDs the fields. */
static na_status_t build_filters(qctx_t *ctx, const char *const *filters, size_t count,
                                 na_xquery_t **out, na_error_t *err)
{
    na_xquery_t *all = NULL;
    for (int f = 0; f < NA_FIELD_COUNT; f++) {
        na_xquery_t *any = NULL;
        for (size_t i = 0; i < count; i++) {
            const na_field_info_t *field;
            const char *value;
            na_xquery_t *q = NULL;
            na_status_t st = na_query_filter_split(filters[i], &field, &value, err);
            if (st == NA_OK && field != &na_fields[f])
                continue;
            if (st == NA_OK) {
                st = field_query(ctx, (na_field_t)f, value, &q, err);
                if (st && !ctx->norm_status && err) {
                    char reason[sizeof err->message];
                    snprintf(reason, sizeof reason, "%s", err->message);
                    na_error_set(err, st, "--filter '%s': %s", filters[i], reason);
                }
            }
            if (st) {
                na_xquery_free(any);
                na_xquery_free(all);
                return st;
            }
            any = na_xquery_combine(NA_XQ_OR, any, q);
        }
        if (any)
            all = na_xquery_combine(NA_XQ_AND, all, any);
    }
    *out = all;
    return NA_OK;
}

na_status_t na_query_build(na_xdb_t *db, const na_config_t *cfg, const char *text,
                           const char *const *filters, size_t filter_count, na_xquery_t **out,
                           na_error_t *err)
{
    return na_query_build_with(db, cfg, NULL, text, filters, filter_count, out, err);
}

na_status_t na_query_build_with(na_xdb_t *db, const na_config_t *cfg, const na_normaliser_t *norm,
                                const char *text, const char *const *filters, size_t filter_count,
                                na_xquery_t **out, na_error_t *err)
{
    *out = NULL;
    qctx_t ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.cfg = cfg;
    ctx.shared = norm;
    tables_note[0] = '\0';
    na_xquery_t *q = NULL;
    na_status_t st = NA_OK;
    if (!text || is_blank(text))
        q = na_xquery_match_all();
    else
        st = parse_text(&ctx, db, text, &q, err);
    if (st == NA_OK && filter_count) {
        na_xquery_t *fq = NULL;
        st = build_filters(&ctx, filters, filter_count, &fq, err);
        if (st == NA_OK)
            q = na_xquery_combine(NA_XQ_FILTER, q, fq);
    }
    if (st == NA_OK)
        *out = q;
    else
        na_xquery_free(q);
    na_normaliser_free(ctx.norm);
    free(ctx.bad_field);
    free(ctx.bad_value);
    free(ctx.bad_reason);
    return st;
}
