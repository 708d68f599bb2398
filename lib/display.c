/* display.c - spellings of folded facet keys, kept in metadata (display.h).
 *
 * The stored value is plain text, "KEY\nCOUNT\tSPELLING\n...", so that a
 * user of xapian-delve or quest can read it, and so that a hashed
 * metadata name can be checked against the key it was written for. */
#include "display.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

void na_display_tally_release(na_display_tally_t *t)
{
    for (size_t i = 0; i < t->count; i++)
        free(t->items[i].spelling);
    free(t->items);
    t->items = NULL;
    t->count = t->cap = 0;
}

static void tally_addn(na_display_tally_t *t, const char *s, size_t len, unsigned long count)
{
    if (!len || memchr(s, '\t', len) || memchr(s, '\n', len))
        return;
    for (size_t i = 0; i < t->count; i++)
        if (strlen(t->items[i].spelling) == len && memcmp(t->items[i].spelling, s, len) == 0) {
            t->items[i].count += count;
            return;
        }
    if (t->count == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4;
        t->items = na_xrealloc(t->items, t->cap * sizeof *t->items);
    }
    t->items[t->count].spelling = na_xstrndup(s, len);
    t->items[t->count].count = count;
    t->count++;
}

void na_display_tally_add(na_display_tally_t *t, const char *spelling, unsigned long count)
{
    tally_addn(t, spelling, strlen(spelling), count);
}

bool na_display_tally_add_stored(na_display_tally_t *t, const char *key, const char *value, size_t len)
{
    size_t klen = strlen(key);
    if (len <= klen || memcmp(value, key, klen) != 0 || value[klen] != '\n')
        return false;
    const char *p = value + klen + 1, *end = value + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *tab = memchr(p, '\t', (size_t)(eol - p));
        if (tab) {
            unsigned long n = 0;
            for (const char *q = p; q < tab && *q >= '0' && *q <= '9'; q++)
                n = n * 10 + (unsigned long)(*q - '0');
            tally_addn(t, tab + 1, (size_t)(eol - tab - 1), n);
        }
        p = eol + 1;
    }
    return true;
}

static int by_count(const void *a, const void *b)
{
    const na_spelling_t *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->spelling, y->spelling);
}

const char *na_display_tally_best(const na_display_tally_t *t)
{
    const na_spelling_t *best = NULL;
    for (size_t i = 0; i < t->count; i++)
        if (!best || by_count(&t->items[i], best) < 0)
            best = &t->items[i];
    return best ? best->spelling : NULL;
}

void na_display_tally_format(na_display_tally_t *t, const char *key, na_buf_t *out)
{
    qsort(t->items, t->count, sizeof *t->items, by_count);
    na_buf_reset(out);
    na_buf_adds(out, key);
    na_buf_addc(out, '\n');
    for (size_t i = 0; i < t->count && i < NA_DISPLAY_MAX_SPELLINGS; i++)
        na_buf_addf(out, "%lu\t%s\n", t->items[i].count, t->items[i].spelling);
}

/* ---- a run's collection: per field, its keys' tallies ---- */

struct na_display {
    na_strmap_t tallies[NA_FIELD_COUNT]; /* key -> na_display_tally_t (owned) */
};

na_display_t *na_display_new(void)
{
    return na_xcalloc(1, sizeof(na_display_t));
}

static void free_tally(void *t)
{
    na_display_tally_release(t);
    free(t);
}

static void clear_entries(na_display_t *d)
{
    for (int f = 0; f < NA_FIELD_COUNT; f++)
        na_strmap_release(&d->tallies[f], free_tally);
}

void na_display_free(na_display_t *d)
{
    if (!d)
        return;
    clear_entries(d);
    free(d);
}

void na_display_add(na_display_t *d, na_field_t field, const char *key, const char *spelling)
{
    na_display_tally_t *t = na_strmap_get(&d->tallies[field], key);
    if (!t) {
        t = na_xcalloc(1, sizeof *t);
        na_strmap_put(&d->tallies[field], key, t);
    }
    na_display_tally_add(t, spelling, 1);
}

na_status_t na_display_flush(na_display_t *d, na_xwdb_t *db, na_error_t *err)
{
    na_status_t st = NA_OK;
    na_buf_t out = NA_BUF_INIT;
    for (int f = 0; st == NA_OK && f < NA_FIELD_COUNT; f++) {
        const char *key;
        void *value;
        for (size_t pos = 0; st == NA_OK && na_strmap_next(&d->tallies[f], &pos, &key, &value);) {
            na_display_tally_t *t = value;
            char *mkey = na_schema_display_meta_key(&na_fields[f], key);
            char *old = NULL;
            size_t len = 0;
            st = na_xwdb_get_metadata(db, mkey, &old, &len, err);
            if (st == NA_ERR_NOT_FOUND) {
                na_error_clear(err);
                st = NA_OK;
            }
            if (st == NA_OK && old && len)
                na_display_tally_add_stored(t, key, old, len);
            free(old);
            if (st == NA_OK) {
                na_display_tally_format(t, key, &out);
                st = na_xwdb_set_metadata(db, mkey, out.data, out.len, err);
            }
            free(mkey);
        }
    }
    na_buf_release(&out);
    clear_entries(d);
    return st;
}
