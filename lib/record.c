/* record.c - packing an article's metadata and stored bytes into one
 * Xapian document data string, writing and reading the metadata by one
 * table of its keys, and reading stored articles back. */
#include "record.h"

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "schema.h"
#include "store.h"
#include "utf8.h"

/* The keys of the metadata beside those of the tables below. */
#define KEY_EXTRACTED "extracted"
#define KEY_NAMES "names"
#define KEY_EXTRA "extra"
#define KEY_LEAD "lead"
#define KEY_LEAD_CUT "lead_cut"
/* A key of the table below that na_record_meta_with_sources() also writes. */
#define KEY_SOURCES "sources"
/* The keys of a "names" object. */
#define NAME_TYPE "type"
#define NAME_NAME "name"
#define NAME_COUNT "count"
#define NAME_FIRST "first"
#define NAME_SALIENT "salient"

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
    json_object_set_new(meta, KEY_LEAD, lead);
    if (n < len)
        json_object_set_new(meta, KEY_LEAD_CUT, json_true());
}

/* ---- metadata: the keys, one table for writing and reading ---- */

typedef enum { META_STR, META_LIST } meta_kind_t;

typedef struct {
    const char *key;
    meta_kind_t kind;
    size_t offset; /* of the field in na_record_meta_t */
} meta_key_t;

#define KEY_STR(key, field) { key, META_STR, offsetof(na_record_meta_t, field) }
#define KEY_LIST(key, field) { key, META_LIST, offsetof(na_record_meta_t, field) }

/* The top-level keys with a string or a list of strings, in the order
 * they are written; "extracted", "extra", "lead" and "lead_cut" follow. */
static const meta_key_t meta_keys[] = {
    KEY_STR("id", id),          KEY_STR("title", title),
    KEY_STR("date", date),      KEY_STR("date_source", date_source),
    KEY_STR("source", source),  KEY_STR("url", url),
    KEY_STR("language", language), KEY_STR("dateline", dateline),
    KEY_STR("format", format),  KEY_LIST(KEY_SOURCES, sources),
    KEY_LIST("authors", authors), KEY_LIST("people", people),
    KEY_LIST("places", places), KEY_LIST("orgs", orgs),
    KEY_LIST("topics", topics), KEY_LIST("exchanges", exchanges),
};

/* The lists of the "extracted" object, in order; "names" follows. */
static const meta_key_t extracted_keys[] = {
    KEY_LIST("people", extracted_people),
    KEY_LIST("places", extracted_places),
    KEY_LIST("orgs", extracted_orgs),
    KEY_LIST("mentioned", mentioned),
};

#define COUNT_OF(a) (sizeof(a) / sizeof *(a))
/* Every list of the table: top-level ones, then extracted ones. */
#define META_LISTS 11

static const char **meta_str(na_record_meta_t *m, const meta_key_t *k)
{
    return (const char **)(void *)((char *)m + k->offset);
}

static na_record_list_t *meta_list(na_record_meta_t *m, const meta_key_t *k)
{
    return (na_record_list_t *)(void *)((char *)m + k->offset);
}

static const char *meta_cstr(const na_record_meta_t *m, const meta_key_t *k)
{
    return *(const char *const *)(const void *)((const char *)m + k->offset);
}

static const na_record_list_t *meta_clist(const na_record_meta_t *m, const meta_key_t *k)
{
    return (const na_record_list_t *)(const void *)((const char *)m + k->offset);
}

/* ---- writing ---- */

static void put_str(json_t *obj, const char *key, const char *value)
{
    if (value && *value)
        json_object_set_new(obj, key, json_stringn_nocheck(value, strlen(value)));
}

static void put_list(json_t *obj, const char *key, const na_record_list_t *list)
{
    if (!list->count)
        return;
    json_t *arr = json_array();
    for (size_t i = 0; i < list->count; i++)
        json_array_append_new(arr, json_stringn_nocheck(list->items[i], strlen(list->items[i])));
    json_object_set_new(obj, key, arr);
}

json_t *na_record_names_json(const na_record_name_t *names, size_t count)
{
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++) {
        const na_record_name_t *n = &names[i];
        json_t *j = json_object();
        json_object_set_new(j, NAME_TYPE, json_string(n->type));
        json_object_set_new(j, NAME_NAME, json_string(n->name));
        json_object_set_new(j, NAME_COUNT, json_integer(n->count));
        json_object_set_new(j, NAME_FIRST,
                            n->first == NA_RECORD_NO_OFFSET ? json_null() : json_integer((json_int_t)n->first));
        json_object_set_new(j, NAME_SALIENT, json_boolean(n->salient));
        json_array_append_new(list, j);
    }
    return list;
}

static int dump_to_buf(const char *text, size_t size, void *ud)
{
    na_buf_add(ud, text, size);
    return 0;
}

/* Appends the compact JSON of O to OUT; jansson fails only when it runs
 * out of memory, which the na_x allocators treat as fatal too. */
static void dump_json(const json_t *o, na_buf_t *out)
{
    size_t was = out->len;
    if (json_dump_callback(o, dump_to_buf, out, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0 || out->len == was)
        abort();
}

void na_record_build(const na_record_meta_t *meta, const char *body, const void *blob, size_t blob_len,
                     na_buf_t *out)
{
    json_t *m = json_object();
    for (size_t i = 0; i < COUNT_OF(meta_keys); i++) {
        if (meta_keys[i].kind == META_STR)
            put_str(m, meta_keys[i].key, meta_cstr(meta, &meta_keys[i]));
        else
            put_list(m, meta_keys[i].key, meta_clist(meta, &meta_keys[i]));
    }
    json_t *extracted = json_object();
    for (size_t i = 0; i < COUNT_OF(extracted_keys); i++)
        put_list(extracted, extracted_keys[i].key, meta_clist(meta, &extracted_keys[i]));
    if (meta->name_count)
        json_object_set_new(extracted, KEY_NAMES, na_record_names_json(meta->names, meta->name_count));
    if (json_object_size(extracted))
        json_object_set_new(m, KEY_EXTRACTED, extracted);
    else
        json_decref(extracted);
    if (meta->extra_count) {
        json_t *x = json_object();
        for (size_t i = 0; i < meta->extra_count; i++)
            put_str(x, meta->extra[i].key, meta->extra[i].value);
        json_object_set_new(m, KEY_EXTRA, x);
    }
    /* The start of the text, so that a result's snippet seldom needs the
     * stored original. */
    if (body)
        na_record_meta_add_lead(m, body);
    na_buf_t text = NA_BUF_INIT;
    dump_json(m, &text);
    json_decref(m);
    na_record_encode(text.data, text.len, blob, blob_len, out);
    na_buf_release(&text);
}

char *na_record_meta_with_sources(const char *json, size_t len, const na_record_list_t *sources)
{
    json_t *m = json_loadb(json, len, 0, NULL);
    if (!json_is_object(m)) {
        json_decref(m);
        return NULL;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < sources->count; i++)
        json_array_append_new(arr, json_string(sources->items[i]));
    json_object_set_new(m, KEY_SOURCES, arr);
    na_buf_t text = NA_BUF_INIT;
    dump_json(m, &text);
    json_decref(m);
    return text.data;
}

/* ---- reading ----
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
    unsigned char high = 0; /* the OR of the raw bytes: 0x80 set when not ASCII */
    for (;;) {
        /* Copy the run up to the next quote, escape or control byte in
         * one go: byte by byte, strings were most of a record's reading. */
        const unsigned char *q = r->p;
        while (r->end - q >= 8) { /* eight bytes at a time while none is special */
            uint64_t w = na_load8(q);
            if (na_has_byte(w, '"') | na_has_byte(w, '\\') | na_has_below(w, 0x20))
                break;
            if (na_has_high(w))
                high = 0x80;
            q += 8;
        }
        while (q < r->end && *q != '"' && *q != '\\' && *q >= 0x20)
            high |= *q++;
        memcpy(r->out + r->out_len, r->p, (size_t)(q - r->p));
        r->out_len += (size_t)(q - r->p);
        r->p = q;
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
    if ((high & 0x80) && !na_utf8_valid(r->out + start, r->out_len - start))
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

/* A list the reader keeps: R->items from FIRST on, COUNT of them; the
 * items array is allocated once, so the pointer stays valid. */
static bool mr_list(meta_reader_t *r, na_record_list_t *out)
{
    *out = (na_record_list_t){ NULL, 0 };
    if (!mr_at(r, '['))
        return mr_skip(r);
    size_t first = 0, count = 0;
    if (!mr_array(r, true, &first, &count))
        return false;
    if (count)
        *out = (na_record_list_t){ r->items + first, count };
    return true;
}

static bool mr_extracted_member(meta_reader_t *r, const char *key, void *ud)
{
    na_record_meta_t *f = ud;
    for (size_t i = 0; i < COUNT_OF(extracted_keys); i++)
        if (strcmp(key, extracted_keys[i].key) == 0)
            return mr_list(r, meta_list(f, &extracted_keys[i]));
    return mr_skip(r);
}

static bool mr_member(meta_reader_t *r, const char *key, void *ud)
{
    na_record_meta_t *f = ud;
    if (strcmp(key, KEY_LEAD) == 0) {
        f->lead = NULL;
        return mr_at(r, '"') ? mr_string(r, &f->lead) : mr_skip(r);
    }
    if (strcmp(key, KEY_LEAD_CUT) == 0) {
        f->lead_cut = mr_at(r, 't');
        return mr_skip(r);
    }
    if (strcmp(key, KEY_EXTRACTED) == 0) {
        for (size_t i = 0; i < COUNT_OF(extracted_keys); i++)
            *meta_list(f, &extracted_keys[i]) = (na_record_list_t){ NULL, 0 };
        return mr_at(r, '{') ? mr_object(r, mr_extracted_member, f) : mr_skip(r);
    }
    for (size_t i = 0; i < COUNT_OF(meta_keys); i++) {
        if (strcmp(key, meta_keys[i].key) != 0)
            continue;
        if (meta_keys[i].kind == META_LIST)
            return mr_list(r, meta_list(f, &meta_keys[i]));
        const char **str = meta_str(f, &meta_keys[i]);
        *str = NULL;
        return mr_at(r, '"') ? mr_string(r, str) : mr_skip(r);
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
    mr_blanks(&r);
    bool ok = mr_at(&r, '{') && mr_object(&r, mr_member, meta);
    mr_blanks(&r);
    if (!ok || r.p != r.end) {
        free(mem);
        memset(meta, 0, sizeof *meta);
        return false;
    }
    meta->mem_ = mem;
    return true;
}

/* What na_record_meta_load() adds to a reading. */
typedef struct {
    const char **lists[META_LISTS + 3]; /* jansson's lists, then the merged three */
    na_record_pair_t *extra;
    na_record_name_t *names;
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
    size_t slot = 0;
    for (size_t i = 0; i < COUNT_OF(meta_keys); i++) {
        if (meta_keys[i].kind == META_STR)
            *meta_str(meta, &meta_keys[i]) = json_string_value(json_object_get(o, meta_keys[i].key));
        else
            json_list(m, slot++, o, meta_keys[i].key, meta_list(meta, &meta_keys[i]));
    }
    json_t *found = json_object_get(o, KEY_EXTRACTED);
    for (size_t i = 0; i < COUNT_OF(extracted_keys); i++)
        json_list(m, slot++, found, extracted_keys[i].key, meta_list(meta, &extracted_keys[i]));
    if (slot != META_LISTS)
        abort(); /* META_LISTS does not count the tables' lists: a bug here */
    meta->lead = json_string_value(json_object_get(o, KEY_LEAD));
    meta->lead_cut = json_is_true(json_object_get(o, KEY_LEAD_CUT));
    json_t *names = full ? json_object_get(found, KEY_NAMES) : NULL;
    if (json_array_size(names)) {
        m->names = na_xcalloc(json_array_size(names), sizeof *m->names);
        for (size_t i = 0; i < json_array_size(names); i++) {
            json_t *n = json_array_get(names, i);
            if (!json_is_object(n))
                continue;
            json_t *first = json_object_get(n, NAME_FIRST);
            json_int_t count = json_integer_value(json_object_get(n, NAME_COUNT));
            m->names[meta->name_count++] = (na_record_name_t){
                json_string_value(json_object_get(n, NAME_TYPE)), json_string_value(json_object_get(n, NAME_NAME)),
                count > 0 && count <= UINT_MAX ? (unsigned)count : 0,
                json_integer_value(first) >= 0 && json_is_integer(first) ? (size_t)json_integer_value(first)
                                                                         : NA_RECORD_NO_OFFSET,
                json_is_true(json_object_get(n, NAME_SALIENT)) };
        }
        meta->names = m->names;
    }
    json_t *extra = full ? json_object_get(o, KEY_EXTRA) : NULL;
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
    memset(meta, 0, sizeof *meta);
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
        free(m->names);
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
