/* record.c - packing an article's metadata and stored bytes into one
 * Xapian document data string, reading the metadata's shown fields, and
 * reading stored articles back. */
#include "record.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "schema.h"
#include "store.h"
#include "utf8.h"

static void put_varint(na_buf_t *out, size_t v)
{
    while (v >= 0x80) {
        na_buf_addc(out, (char)(0x80 | (v & 0x7f)));
        v >>= 7;
    }
    na_buf_addc(out, (char)v);
}

void na_record_encode(const char *meta, size_t meta_len, const void *blob, size_t blob_len,
                      na_buf_t *out)
{
    put_varint(out, meta_len);
    na_buf_add(out, meta, meta_len);
    na_buf_add(out, blob, blob_len);
}

na_status_t na_record_decode(const void *data, size_t len, na_record_view_t *view, na_error_t *err)
{
    const unsigned char *p = data;
    size_t meta_len = 0, i = 0;
    unsigned shift = 0;
    for (;;) {
        if (i >= len || shift > 35)
            return na_error_set(err, NA_ERR_CORRUPT, "document data has a malformed header");
        unsigned char c = p[i++];
        meta_len |= (size_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            break;
        shift += 7;
    }
    if (meta_len > len - i)
        return na_error_set(err, NA_ERR_CORRUPT, "document data is shorter than its metadata");
    view->meta = (const char *)p + i;
    view->meta_len = meta_len;
    view->blob = p + i + meta_len;
    view->blob_len = len - i - meta_len;
    return NA_OK;
}

/* ---- the lead ---- */

size_t na_record_lead_len(const char *body, size_t len)
{
    if (len <= NA_RECORD_LEAD_MAX)
        return len;
    size_t n = NA_RECORD_LEAD_MAX;
    while (n > 0 && !na_is_space((unsigned char)body[n]))
        n--;
    if (n == 0) { /* no blank: cut before a character, not inside one */
        n = NA_RECORD_LEAD_MAX;
        while (n > 0 && ((unsigned char)body[n] & 0xC0) == 0x80)
            n--;
    }
    return n;
}

void na_record_meta_add_lead(json_t *meta, const char *body)
{
    size_t len = body ? strlen(body) : 0;
    size_t n = na_record_lead_len(body, len);
    if (!n)
        return;
    json_t *lead = json_stringn(body, n);
    if (!lead) /* not valid UTF-8, against the contract: no lead rather than a bad one */
        return;
    json_object_set_new(meta, "lead", lead);
    if (n < len)
        json_object_set_new(meta, "lead_cut", json_true());
}

/* ---- metadata ----
 *
 * A reader for the JSON the indexer writes (record.h), strict where JSON
 * is strict, that keeps the fields a result shows and only checks the
 * rest.  Whatever it does not vouch for, it leaves to jansson: numbers
 * (jansson refuses integers that overflow), \u escapes (surrogates, NUL)
 * and deep nesting.  Strings are decoded into one allocation made up
 * front: a decoded string and its NUL never take more room than the
 * string took in the JSON text with its quotes, and every list item takes
 * at least three bytes of it ("" and a separator), which bounds the list
 * pointers too. */

#define META_DEPTH_MAX 32

enum { META_STR, META_LIST };

static const struct {
    const char *key;
    int kind;
    size_t index;
} meta_keys[] = {
    { "id", META_STR, 0 },       { "title", META_STR, 1 },    { "date", META_STR, 2 },
    { "source", META_STR, 3 },   { "url", META_STR, 4 },      { "language", META_STR, 5 },
    { "dateline", META_STR, 6 }, { "format", META_STR, 7 },   { "date_source", META_STR, 8 },
    { "authors", META_LIST, 0 }, { "people", META_LIST, 1 },  { "places", META_LIST, 2 },
    { "orgs", META_LIST, 3 },    { "topics", META_LIST, 4 },  { "exchanges", META_LIST, 5 },
    { "sources", META_LIST, 6 },
};

/* The lists of the "extracted" object, after the top-level ones. */
static const char *const extracted_keys[] = { "people", "places", "orgs", "mentioned" };
#define META_STRS 9
#define META_TOP_LISTS 7
#define META_LISTS (META_TOP_LISTS + 4)

typedef struct {
    const unsigned char *p, *end;
    char *out;          /* decoded strings, back to back, NUL-terminated */
    size_t out_len;
    const char **items; /* kept list items, pointing into OUT */
    size_t nitems;
    int depth;
} meta_reader_t;

static void mr_blanks(meta_reader_t *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static bool mr_at(const meta_reader_t *r, unsigned char c) { return r->p < r->end && *r->p == c; }

/* Decodes the string at R->p (at its opening quote) into R->out and sets
 * *S to it. */
static bool mr_string(meta_reader_t *r, const char **s)
{
    if (!mr_at(r, '"'))
        return false;
    r->p++;
    size_t start = r->out_len;
    for (;;) {
        if (r->p >= r->end)
            return false;
        unsigned char c = *r->p++;
        if (c == '"')
            break;
        if (c < 0x20)
            return false;
        if (c == '\\') {
            if (r->p >= r->end)
                return false;
            switch (*r->p++) {
            case '"': c = '"'; break;
            case '\\': c = '\\'; break;
            case '/': c = '/'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            default: return false; /* \u: left to jansson; anything else is not JSON */
            }
        }
        r->out[r->out_len++] = (char)c;
    }
    if (!na_utf8_valid(r->out + start, r->out_len - start))
        return false;
    r->out[r->out_len++] = '\0';
    *s = r->out + start;
    return true;
}

static bool mr_word(meta_reader_t *r, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return false;
    r->p += n;
    return true;
}

static bool mr_skip(meta_reader_t *r);

/* Reads the array at R->p; with KEEP, its strings become list items from
 * R->items[*FIRST] on, *COUNT of them. */
static bool mr_array(meta_reader_t *r, bool keep, size_t *first, size_t *count)
{
    if (++r->depth > META_DEPTH_MAX)
        return false;
    r->p++;
    size_t start = r->nitems;
    mr_blanks(r);
    if (mr_at(r, ']')) {
        r->p++;
    } else {
        for (;;) {
            mr_blanks(r);
            const char *s;
            if (keep && mr_at(r, '"')) {
                if (!mr_string(r, &s))
                    return false;
                r->items[r->nitems++] = s;
            } else if (!mr_skip(r)) {
                return false;
            }
            mr_blanks(r);
            if (mr_at(r, ']')) {
                r->p++;
                break;
            }
            if (!mr_at(r, ','))
                return false;
            r->p++;
        }
    }
    r->depth--;
    if (keep) {
        *first = start;
        *count = r->nitems - start;
    }
    return true;
}

/* Reads the object at R->p, calling ON_MEMBER (if any) at each value with
 * the decoded key, which must read the value; otherwise values are
 * skipped. */
static bool mr_object(meta_reader_t *r, bool (*on_member)(meta_reader_t *r, const char *key, void *ud), void *ud)
{
    if (++r->depth > META_DEPTH_MAX)
        return false;
    r->p++;
    mr_blanks(r);
    if (mr_at(r, '}')) {
        r->p++;
    } else {
        for (;;) {
            mr_blanks(r);
            size_t mark = r->out_len;
            const char *key;
            if (!mr_string(r, &key))
                return false;
            mr_blanks(r);
            if (!mr_at(r, ':'))
                return false;
            r->p++;
            mr_blanks(r);
            bool ok = on_member ? on_member(r, key, ud) : mr_skip(r);
            if (!ok)
                return false;
            if (!on_member)
                r->out_len = mark; /* the key is not kept */
            mr_blanks(r);
            if (mr_at(r, '}')) {
                r->p++;
                break;
            }
            if (!mr_at(r, ','))
                return false;
            r->p++;
        }
    }
    r->depth--;
    return true;
}

static bool mr_digits(meta_reader_t *r)
{
    const unsigned char *start = r->p;
    while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
        r->p++;
    return r->p > start;
}

/* Checks the number at R->p (JSON's grammar: no leading zeros, no '+',
 * digits on both sides of a point).  Skipped numbers are the extraction
 * details' counts and offsets, which most records have: were they left
 * to jansson, nearly every record would be parsed twice. */
static bool mr_number(meta_reader_t *r)
{
    if (mr_at(r, '-'))
        r->p++;
    if (mr_at(r, '0'))
        r->p++;
    else if (!mr_digits(r))
        return false;
    if (mr_at(r, '.')) {
        r->p++;
        if (!mr_digits(r))
            return false;
    }
    if (mr_at(r, 'e') || mr_at(r, 'E')) {
        r->p++;
        if (mr_at(r, '+') || mr_at(r, '-'))
            r->p++;
        if (!mr_digits(r))
            return false;
    }
    return true;
}

/* Checks the value at R->p and keeps nothing of it. */
static bool mr_skip(meta_reader_t *r)
{
    if (r->p >= r->end)
        return false;
    size_t mark = r->out_len, nitems = r->nitems;
    bool ok;
    switch (*r->p) {
    case '"': {
        const char *s;
        ok = mr_string(r, &s);
        break;
    }
    case '{': ok = mr_object(r, NULL, NULL); break;
    case '[': ok = mr_array(r, false, NULL, NULL); break;
    case 't': ok = mr_word(r, "true"); break;
    case 'f': ok = mr_word(r, "false"); break;
    case 'n': ok = mr_word(r, "null"); break;
    default: ok = mr_number(r);
    }
    r->out_len = mark;
    r->nitems = nitems;
    return ok;
}

typedef struct {
    const char *str[META_STRS];
    size_t first[META_LISTS], count[META_LISTS];
    const char *lead;
    bool lead_cut;
} meta_found_t;

static bool mr_extracted_member(meta_reader_t *r, const char *key, void *ud)
{
    meta_found_t *f = ud;
    for (size_t i = 0; i < sizeof extracted_keys / sizeof *extracted_keys; i++) {
        if (strcmp(key, extracted_keys[i]) != 0)
            continue;
        size_t k = META_TOP_LISTS + i;
        f->count[k] = 0;
        return mr_at(r, '[') ? mr_array(r, true, &f->first[k], &f->count[k]) : mr_skip(r);
    }
    return mr_skip(r);
}

static bool mr_member(meta_reader_t *r, const char *key, void *ud)
{
    meta_found_t *f = ud;
    if (strcmp(key, "lead") == 0) {
        f->lead = NULL;
        return mr_at(r, '"') ? mr_string(r, &f->lead) : mr_skip(r);
    }
    if (strcmp(key, "lead_cut") == 0) {
        f->lead_cut = mr_at(r, 't');
        return mr_skip(r);
    }
    if (strcmp(key, "extracted") == 0) {
        for (size_t k = META_TOP_LISTS; k < META_LISTS; k++)
            f->count[k] = 0;
        return mr_at(r, '{') ? mr_object(r, mr_extracted_member, f) : mr_skip(r);
    }
    for (size_t i = 0; i < sizeof meta_keys / sizeof *meta_keys; i++) {
        if (strcmp(key, meta_keys[i].key) != 0)
            continue;
        size_t k = meta_keys[i].index;
        if (meta_keys[i].kind == META_STR) {
            f->str[k] = NULL;
            return mr_at(r, '"') ? mr_string(r, &f->str[k]) : mr_skip(r);
        }
        f->count[k] = 0;
        return mr_at(r, '[') ? mr_array(r, true, &f->first[k], &f->count[k]) : mr_skip(r);
    }
    return mr_skip(r);
}

bool na_record_meta_read(const char *json, size_t len, na_record_meta_t *meta)
{
    memset(meta, 0, sizeof *meta);
    size_t max_items = len / 3 + 1;
    char *mem = na_xmalloc(max_items * sizeof(const char *) + len + 1);
    meta_reader_t r = { (const unsigned char *)json, (const unsigned char *)json + len,
                        mem + max_items * sizeof(const char *), 0, (const char **)(void *)mem, 0, 0 };
    meta_found_t f;
    memset(&f, 0, sizeof f);
    mr_blanks(&r);
    bool ok = mr_at(&r, '{') && mr_object(&r, mr_member, &f);
    mr_blanks(&r);
    if (!ok || r.p != r.end) {
        free(mem);
        return false;
    }
    meta->mem_ = mem;
    const char **strs[META_STRS] = { &meta->id,       &meta->title,    &meta->date,   &meta->source,
                                     &meta->url,      &meta->language, &meta->dateline, &meta->format,
                                     &meta->date_source };
    for (size_t i = 0; i < META_STRS; i++)
        *strs[i] = f.str[i];
    na_record_list_t *lists[META_LISTS] = { &meta->authors,   &meta->people,   &meta->places,
                                            &meta->orgs,      &meta->topics,   &meta->exchanges,
                                            &meta->sources,   &meta->extracted_people, &meta->extracted_places,
                                            &meta->extracted_orgs, &meta->mentioned };
    for (size_t i = 0; i < META_LISTS; i++) {
        lists[i]->items = f.count[i] ? r.items + f.first[i] : NULL;
        lists[i]->count = f.count[i];
    }
    meta->lead = f.lead;
    meta->lead_cut = f.lead_cut;
    return true;
}

/* What na_record_meta_load() adds to a reading. */
typedef struct {
    const char **lists[META_LISTS + 3]; /* jansson's lists, then the merged three */
    na_record_pair_t *extra;
    na_strlist_t owned;                 /* extra values that were not strings, as JSON */
} meta_more_t;

/* The strings of the array KEY of the object O, into *OUT (items kept in
 * SLOT of M). */
static void json_list(meta_more_t *m, size_t slot, json_t *o, const char *key, na_record_list_t *out)
{
    json_t *a = json_object_get(o, key);
    size_t count = json_is_array(a) ? json_array_size(a) : 0;
    const char **items = na_xcalloc(count ? count : 1, sizeof *items);
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
        const char *v = json_string_value(json_array_get(a, i));
        if (v)
            items[k++] = v;
    }
    m->lists[slot] = items;
    out->items = items;
    out->count = k;
}

/* LIST becomes itself followed by the items of EXTRACTED it lacks. */
static void merge_list(meta_more_t *m, size_t slot, na_record_list_t *list, const na_record_list_t *extracted)
{
    if (!extracted->count)
        return;
    const char **items = na_xcalloc(list->count + extracted->count, sizeof *items);
    size_t k = 0;
    for (size_t i = 0; i < list->count; i++)
        items[k++] = list->items[i];
    for (size_t i = 0; i < extracted->count; i++) {
        bool seen = false;
        for (size_t j = 0; j < list->count && !seen; j++)
            seen = strcmp(list->items[j], extracted->items[i]) == 0;
        if (!seen)
            items[k++] = extracted->items[i];
    }
    m->lists[slot] = items;
    list->items = items;
    list->count = k;
}

/* The jansson fallback: the same keys, from the same table. */
static bool meta_from_jansson(const char *json, size_t len, bool full, na_record_meta_t *meta, meta_more_t *m)
{
    json_t *o = json_loadb(json, len, 0, NULL);
    bool ok = json_is_object(o);
    if (!ok) {
        json_decref(o);
        o = json_object();
    }
    meta->json_ = o;
    const char **strs[META_STRS] = { &meta->id,       &meta->title,    &meta->date,   &meta->source,
                                     &meta->url,      &meta->language, &meta->dateline, &meta->format,
                                     &meta->date_source };
    na_record_list_t *lists[META_LISTS] = { &meta->authors,   &meta->people,   &meta->places,
                                            &meta->orgs,      &meta->topics,   &meta->exchanges,
                                            &meta->sources,   &meta->extracted_people, &meta->extracted_places,
                                            &meta->extracted_orgs, &meta->mentioned };
    for (size_t i = 0; i < sizeof meta_keys / sizeof *meta_keys; i++) {
        size_t k = meta_keys[i].index;
        if (meta_keys[i].kind == META_STR)
            *strs[k] = json_string_value(json_object_get(o, meta_keys[i].key));
        else
            json_list(m, k, o, meta_keys[i].key, lists[k]);
    }
    json_t *found = json_object_get(o, "extracted");
    for (size_t i = 0; i < META_LISTS - META_TOP_LISTS; i++)
        json_list(m, META_TOP_LISTS + i, found, extracted_keys[i], lists[META_TOP_LISTS + i]);
    meta->lead = json_string_value(json_object_get(o, "lead"));
    meta->lead_cut = json_is_true(json_object_get(o, "lead_cut"));
    json_t *extra = full ? json_object_get(o, "extra") : NULL;
    if (json_is_object(extra) && json_object_size(extra)) {
        m->extra = na_xcalloc(json_object_size(extra), sizeof *m->extra);
        const char *key;
        json_t *v;
        json_object_foreach(extra, key, v) {
            const char *text = json_string_value(v);
            if (!text) {
                char *dumped = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
                if (!dumped)
                    continue;
                na_strlist_take(&m->owned, dumped);
                text = dumped;
            }
            m->extra[meta->extra_count].key = key;
            m->extra[meta->extra_count++].value = text;
        }
        meta->extra = m->extra;
    }
    return ok;
}

bool na_record_meta_load(const char *json, size_t len, bool full, na_record_meta_t *meta)
{
    bool ok = !full && na_record_meta_read(json, len, meta);
    meta_more_t *m = na_xcalloc(1, sizeof *m);
    if (!ok)
        ok = meta_from_jansson(json, len, full, meta, m);
    meta->more_ = m;
    merge_list(m, META_LISTS, &meta->people, &meta->extracted_people);
    merge_list(m, META_LISTS + 1, &meta->places, &meta->extracted_places);
    merge_list(m, META_LISTS + 2, &meta->orgs, &meta->extracted_orgs);
    return ok;
}

void na_record_meta_release(na_record_meta_t *meta)
{
    if (!meta)
        return;
    free(meta->mem_);
    meta_more_t *m = meta->more_;
    if (m) {
        for (size_t i = 0; i < sizeof m->lists / sizeof *m->lists; i++)
            free(m->lists[i]);
        free(m->extra);
        na_strlist_clear(&m->owned);
        free(m);
    }
    json_decref(meta->json_);
    memset(meta, 0, sizeof *meta);
}

/* ---- stored articles ---- */

struct na_record_reader {
    na_xdb_t *db;
    unsigned dict_id; /* the one cached dictionary: blobs of one archive share it */
    char *dict;
    size_t dict_len;
    unsigned long dict_adler; /* computed once per dictionary, not per article */
    na_store_unpacker_t *unpacker; /* one inflate stream for every article read */
};

na_record_reader_t *na_record_reader_new(na_xdb_t *db)
{
    na_record_reader_t *r = na_xcalloc(1, sizeof *r);
    r->db = db;
    return r;
}

void na_record_reader_free(na_record_reader_t *r)
{
    if (!r)
        return;
    free(r->dict);
    na_store_unpacker_free(r->unpacker);
    free(r);
}

na_status_t na_record_reader_raw(na_record_reader_t *r, const na_record_view_t *view,
                                 na_buf_t *out, na_error_t *err)
{
    size_t raw_len;
    unsigned id;
    na_status_t st = na_store_blob_info(view->blob, view->blob_len, &raw_len, &id, err);
    if (st)
        return st;
    na_zdict_t dict = { 0, NULL, 0, 0 };
    if (id) {
        if (r->dict_id != id) {
            char key[64];
            snprintf(key, sizeof key, NA_META_ZDICT_FMT, id);
            free(r->dict);
            r->dict = NULL;
            r->dict_id = 0;
            st = na_xdb_get_metadata(r->db, key, &r->dict, &r->dict_len, err);
            if (st == NA_ERR_NOT_FOUND)
                return na_error_set(err, NA_ERR_CORRUPT,
                                    "stored article needs dictionary %u, which the database lacks", id);
            if (st)
                return st;
            r->dict_id = id;
            r->dict_adler = adler32(adler32(0L, Z_NULL, 0), (const Bytef *)r->dict, (uInt)r->dict_len);
        }
        dict.id = id;
        dict.data = (const unsigned char *)r->dict;
        dict.len = r->dict_len;
        dict.adler = r->dict_adler;
    }
    if (!r->unpacker)
        r->unpacker = na_store_unpacker_new();
    if (!r->unpacker) /* zlib cannot start now: the one-shot path says why */
        return na_store_unpack(view->blob, view->blob_len, id ? &dict : NULL, out, err);
    return na_store_unpacker_unpack(r->unpacker, view->blob, view->blob_len, id ? &dict : NULL, out, err);
}
