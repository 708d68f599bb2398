/* query.c - newsarc's query language on top of Xapian's QueryParser:
 * boolean fields normalised through the alias tables, ids, and dates in
 * the forms people type (1987, 1987-03, 1987-03-01, A..B). */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "schema.h"

typedef struct {
    na_query_builder_t *builder;
    const char *name;
} field_ctx_t;

/* The fields the parser knows, in the order of na_fields plus id and date. */
static const char *const boolean_fields[] = { "person", "place", "org", "topic", "source", "year", "month",
                                              "id", "date" };
#define FIELD_COUNT (sizeof boolean_fields / sizeof *boolean_fields)

struct na_query_builder {
    const na_config_t *cfg;
    na_normaliser_t *norm; /* loaded when a query first needs it */
    char bad_field[256]; /* the field:value a handler refused, for the column */
    na_xqp_t *qp;
    field_ctx_t ctx[FIELD_COUNT];
};

static na_status_t date_query(const char *value, na_xquery_t **out, na_error_t *err)
{
    char lo[15], hi[15], lo2[15], hi2[15];
    const char *dots = strstr(value, "..");
    if (!dots) {
        if (!na_date_query_bounds(value, lo, hi))
            return na_error_set(err, NA_ERR_QUERY, "date '%s' should be YYYY, YYYY-MM, YYYY-MM-DD or A..B", value);
        *out = na_xquery_value_range(NA_SLOT_DATE, lo, hi);
        return NA_OK;
    }
    char *a = strndup(value, (size_t)(dots - value));
    const char *b = dots + 2;
    bool ok = (!*a || na_date_query_bounds(a, lo, hi2)) && (!*b || na_date_query_bounds(b, lo2, hi));
    if (ok && !*a && !*b)
        ok = false;
    free(a);
    if (!ok)
        return na_error_set(err, NA_ERR_QUERY,
                            "date range '%s' should be A..B with A and B as YYYY, YYYY-MM or YYYY-MM-DD", value);
    const char *low = value[0] == '.' ? NULL : lo;
    const char *high = *b ? hi : NULL;
    if (low && high && strcmp(low, high) > 0)
        return na_error_set(err, NA_ERR_QUERY, "date range '%s' ends before it starts", value);
    *out = na_xquery_value_range(NA_SLOT_DATE, low, high);
    return NA_OK;
}

na_status_t na_query_field(na_query_builder_t *b, const char *field, const char *value, na_xquery_t **out,
                           na_error_t *err)
{
    *out = NULL;
    if (strcmp(field, "date") == 0)
        return date_query(value, out, err);
    if (strcmp(field, "id") == 0) {
        char *term = malloc(strlen(value) + 2);
        if (!term)
            return na_error_set(err, NA_ERR_NOMEM, "out of memory");
        strcpy(term, NA_PREFIX_ID);
        strcat(term, value);
        *out = na_xquery_term(term);
        free(term);
        return NA_OK;
    }
    if (strcmp(field, "year") == 0) {
        int y;
        char tail;
        if (strlen(value) != 4 || sscanf(value, "%4d%c", &y, &tail) != 1)
            return na_error_set(err, NA_ERR_QUERY, "year '%s' should be YYYY", value);
    }
    if (strcmp(field, "month") == 0) {
        int y, m;
        char tail;
        if (strlen(value) != 7 || sscanf(value, "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12)
            return na_error_set(err, NA_ERR_QUERY, "month '%s' should be YYYY-MM", value);
        char term[16];
        snprintf(term, sizeof term, "%s%04d%02d", NA_PREFIX_MONTH, y, m);
        *out = na_xquery_term(term);
        return NA_OK;
    }
    const na_field_info_t *fi = na_field_by_name(field);
    if (!fi)
        return na_error_set(err, NA_ERR_QUERY, "unknown field '%s'", field);
    /* Most queries name no field: the alias tables are read only when one
     * does, which keeps a plain search's start-up close to quest's. */
    if (fi->aliased && !b->norm) {
        na_status_t st = na_normaliser_load(b->cfg, &b->norm, err);
        if (st)
            return st;
    }
    char *canonical = fi->aliased ? na_normalise(b->norm, (na_field_t)(fi - na_fields), value) : strdup(value);
    if (!canonical || !*canonical) {
        free(canonical);
        return na_error_set(err, NA_ERR_QUERY, "%s: needs a value", field);
    }
    char *term = na_schema_term(fi->prefix, canonical);
    *out = na_xquery_term(term);
    free(term);
    free(canonical);
    return NA_OK;
}

static na_status_t field_cb(void *ud, const char *value, na_xquery_t **out, na_error_t *err)
{
    field_ctx_t *ctx = ud;
    na_error_t inner;
    na_status_t st = na_query_field(ctx->builder, ctx->name, value, out, &inner);
    if (st) {
        /* Say which field:value, so that the caller can point at it. */
        snprintf(ctx->builder->bad_field, sizeof ctx->builder->bad_field, "%s:%s", ctx->name, value);
        na_error_set(err, st, "%s: %s", ctx->builder->bad_field, inner.message);
    }
    return st;
}

/* The 1-based column where the trouble in QUERY is: the field:value a
 * handler refused, else an unbalanced bracket or quote, else the last
 * operator (Xapian's parser reports what is wrong, not where). */
static size_t error_column(const char *query, const char *bad_field)
{
    if (*bad_field) {
        const char *p = strstr(query, bad_field);
        if (!p) { /* a quoted value: field:"value" */
            const char *colon = strchr(bad_field, ':');
            size_t n = (size_t)(colon - bad_field) + 1;
            for (p = strstr(query, "\""); p; p = strstr(p + 1, "\"")) {
                if ((size_t)(p - query) >= n && strncmp(p - n, bad_field, n) == 0) {
                    p -= n;
                    break;
                }
            }
        }
        if (p)
            return (size_t)(p - query) + 1;
    }
    long open_paren = -1, open_quote = -1, last_op = -1;
    int depth = 0;
    for (size_t i = 0; query[i]; i++) {
        char c = query[i];
        if (c == '"') {
            open_quote = open_quote < 0 ? (long)i : -1;
        } else if (open_quote < 0 && c == '(') {
            if (depth++ == 0)
                open_paren = (long)i;
        } else if (open_quote < 0 && c == ')') {
            if (depth == 0)
                return i + 1;
            if (--depth == 0)
                open_paren = -1;
        } else if ((i == 0 || query[i - 1] == ' ' || query[i - 1] == '(')) {
            static const char *const ops[] = { "AND", "OR", "NOT", "XOR", "NEAR", "ADJ" };
            for (size_t k = 0; k < sizeof ops / sizeof *ops; k++) {
                size_t n = strlen(ops[k]);
                if (strncmp(query + i, ops[k], n) == 0 && (!query[i + n] || query[i + n] == ' ' || query[i + n] == '('))
                    last_op = (long)i;
            }
        }
    }
    if (open_quote >= 0)
        return (size_t)open_quote + 1;
    if (open_paren >= 0)
        return (size_t)open_paren + 1;
    return last_op >= 0 ? (size_t)last_op + 1 : 1;
}

na_status_t na_query_builder_new(na_xdb_t *db, const na_config_t *cfg, na_query_builder_t **out,
                                 na_error_t *err)
{
    na_query_builder_t *b = calloc(1, sizeof *b);
    if (!b)
        return na_error_set(err, NA_ERR_NOMEM, "out of memory");
    na_status_t st = na_xqp_new(db, cfg->language, &b->qp, err);
    if (st) {
        free(b);
        return st;
    }
    b->cfg = cfg;
    na_xqp_set_stopwords(b->qp, (const char *const *)cfg->stopwords.items, cfg->stopwords.count);
    na_xqp_add_prefix(b->qp, "title", NA_PREFIX_TITLE);
    for (size_t i = 0; i < FIELD_COUNT; i++) {
        b->ctx[i].builder = b;
        b->ctx[i].name = boolean_fields[i];
        na_xqp_add_field(b->qp, boolean_fields[i], field_cb, &b->ctx[i]);
    }
    *out = b;
    return NA_OK;
}

void na_query_builder_free(na_query_builder_t *b)
{
    if (!b)
        return;
    na_xqp_free(b->qp);
    na_normaliser_free(b->norm);
    free(b);
}

na_status_t na_query_build(na_query_builder_t *b, const char *text, char *const *filters, size_t filter_count,
                           na_xquery_t **out, na_error_t *err)
{
    *out = NULL;
    na_xquery_t *q = NULL;
    b->bad_field[0] = '\0';
    na_error_t perr;
    na_status_t st = na_xqp_parse(b->qp, text, &q, &perr);
    if (st == NA_ERR_QUERY)
        return na_error_set(err, st, "query '%s' at column %zu: %s", text, error_column(text, b->bad_field),
                            perr.message);
    if (st) {
        if (err)
            *err = perr;
        return st;
    }
    /* Filters: OR within a field, AND across fields, never scoring. */
    bool *used = calloc(filter_count ? filter_count : 1, sizeof *used);
    na_xquery_t *all = NULL;
    for (size_t i = 0; i < filter_count && st == NA_OK; i++) {
        if (used[i])
            continue;
        const char *eq = strchr(filters[i], '=');
        size_t name_len = (size_t)(eq - filters[i]);
        na_xquery_t *any = NULL;
        for (size_t j = i; j < filter_count && st == NA_OK; j++) {
            const char *eq2 = strchr(filters[j], '=');
            if ((size_t)(eq2 - filters[j]) != name_len || strncmp(filters[i], filters[j], name_len) != 0)
                continue;
            used[j] = true;
            char *name = strndup(filters[j], name_len);
            na_xquery_t *one = NULL;
            na_error_t ferr;
            st = na_query_field(b, name, eq2 + 1, &one, &ferr);
            if (st)
                na_error_set(err, st, "--filter '%s': %s", filters[j], ferr.message);
            free(name);
            any = na_xquery_combine(NA_XQ_OR, any, one);
        }
        all = na_xquery_combine(NA_XQ_AND, all, any);
    }
    free(used);
    if (st) {
        na_xquery_free(q);
        na_xquery_free(all);
        return st;
    }
    *out = all ? na_xquery_combine(NA_XQ_FILTER, q, all) : q;
    return NA_OK;
}
