/* display.c - spellings of folded facet keys, kept in metadata (display.h).
 *
 * The stored value is plain text, "KEY\nCOUNT\tSPELLING\n...", so that a
 * user of xapian-delve or quest can read it, and so that a hashed
 * metadata name can be checked against the key it was written for. */
#include "display.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- a run's collection: one open-addressing table over (field, key) ---- */

typedef struct {
    char *key; /* owned; NULL: free entry */
    na_field_t field;
    uint32_t hash;
    na_display_tally_t tally;
} entry_t;

struct na_display {
    entry_t *entries;
    size_t count, cap; /* cap a power of two, at most half full */
};

static uint32_t hash_of(na_field_t field, const char *key)
{
    uint32_t h = 2166136261u ^ (uint32_t)field; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h;
}

na_display_t *na_display_new(void)
{
    return na_xcalloc(1, sizeof(na_display_t));
}

static void clear_entries(na_display_t *d)
{
    for (size_t i = 0; i < d->cap; i++)
        if (d->entries[i].key) {
            free(d->entries[i].key);
            na_display_tally_release(&d->entries[i].tally);
        }
    free(d->entries);
    d->entries = NULL;
    d->count = d->cap = 0;
}

void na_display_free(na_display_t *d)
{
    if (!d)
        return;
    clear_entries(d);
    free(d);
}

static entry_t *find(entry_t *entries, size_t cap, na_field_t field, const char *key, uint32_t h)
{
    size_t i = h & (cap - 1);
    while (entries[i].key && !(entries[i].hash == h && entries[i].field == field && strcmp(entries[i].key, key) == 0))
        i = (i + 1) & (cap - 1);
    return &entries[i];
}

static void grow(na_display_t *d)
{
    size_t cap = d->cap ? 2 * d->cap : 256;
    entry_t *entries = na_xcalloc(cap, sizeof *entries);
    for (size_t i = 0; i < d->cap; i++)
        if (d->entries[i].key)
            *find(entries, cap, d->entries[i].field, d->entries[i].key, d->entries[i].hash) = d->entries[i];
    free(d->entries);
    d->entries = entries;
    d->cap = cap;
}

void na_display_add(na_display_t *d, na_field_t field, const char *key, const char *spelling)
{
    if (2 * (d->count + 1) > d->cap)
        grow(d);
    uint32_t h = hash_of(field, key);
    entry_t *e = find(d->entries, d->cap, field, key, h);
    if (!e->key) {
        e->key = na_xstrdup(key);
        e->field = field;
        e->hash = h;
        d->count++;
    }
    na_display_tally_add(&e->tally, spelling, 1);
}

na_status_t na_display_flush(na_display_t *d, na_xwdb_t *db, na_error_t *err)
{
    na_status_t st = NA_OK;
    na_buf_t out = NA_BUF_INIT;
    for (size_t i = 0; st == NA_OK && i < d->cap; i++) {
        entry_t *e = &d->entries[i];
        if (!e->key)
            continue;
        char *mkey = na_schema_display_meta_key(&na_fields[e->field], e->key);
        char *old = NULL;
        size_t len = 0;
        st = na_xwdb_get_metadata(db, mkey, &old, &len, err);
        if (st == NA_ERR_NOT_FOUND) {
            na_error_clear(err);
            st = NA_OK;
        }
        if (st == NA_OK && old && len)
            na_display_tally_add_stored(&e->tally, e->key, old, len);
        free(old);
        if (st == NA_OK) {
            na_display_tally_format(&e->tally, e->key, &out);
            st = na_xwdb_set_metadata(db, mkey, out.data, out.len, err);
        }
        free(mkey);
    }
    na_buf_release(&out);
    clear_entries(d);
    return st;
}
