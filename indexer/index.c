/* index.c - building one Xapian document per article: free text with
 * positions, exact boolean terms for every metadata field, a sortable date
 * value, facet values, and the metadata plus the compressed original as
 * the document data (see lib/schema.h and lib/record.h for the layout). */
#include "index.h"

#include <dirent.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "date.h"
#include "record.h"
#include "schema.h"
#include "store.h"
#include "utf8.h"
#include "xapian-c.h"

/* Articles sampled to train the compression dictionary of a new archive.
 * Smaller archives are stored with plain zlib until a later run has seen
 * this much. */
#define TRAIN_SAMPLE_BYTES (2u << 20)

/* Bump when the document layout changes, so unchanged articles are
 * reindexed by the next run. */
#define INDEX_LAYOUT_VERSION "newsarc-layout-1"

typedef struct {
    char *language;
    na_xindexer_t *ix;
} stemmer_slot_t;

struct na_indexer {
    na_indexer_options_t opts;
    na_xwdb_t *db;
    na_xdoc_t *doc;
    stemmer_slot_t stemmers[8];
    size_t stemmer_count;

    unsigned slots_used[NA_FIELD_COUNT]; /* value slots a multi-valued field uses */
    bool slots_dirty;

    /* Compression: the dictionary in use (id 0 = none yet). */
    unsigned dict_id;
    na_buf_t dict;
    na_zdict_t zdict;
    na_store_packer_t *packer; /* for the current dictionary */
    bool training;        /* holding articles back to train a dictionary */
    na_article_t **held;
    char **held_ids;
    size_t held_count;
    size_t held_bytes;

    size_t since_commit;
    na_index_counts_t counts;
    na_buf_t data, blob, term;
};

/* ---- small helpers ---- */

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static void content_hash(const na_article_t *a, char out[17])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv1a(h, INDEX_LAYOUT_VERSION, sizeof INDEX_LAYOUT_VERSION);
    const char *fmt = na_format_name(a->format);
    h = fnv1a(h, fmt, strlen(fmt) + 1);
    h = fnv1a(h, a->raw, a->raw_len);
    snprintf(out, 17, "%016" PRIx64, h);
}

static na_status_t read_meta_uint(na_xwdb_t *db, const char *key, unsigned *out, na_error_t *err)
{
    char *val = NULL;
    size_t len = 0;
    na_status_t st = na_xwdb_get_metadata(db, key, &val, &len, err);
    *out = 0;
    if (st == NA_ERR_NOT_FOUND) {
        na_error_clear(err);
        return NA_OK;
    }
    if (st == NA_OK && val)
        *out = (unsigned)strtoul(val, NULL, 10);
    free(val);
    return st;
}

static na_status_t write_meta_uint(na_xwdb_t *db, const char *key, unsigned v, na_error_t *err)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%u", v);
    return na_xwdb_set_metadata(db, key, buf, (size_t)n, err);
}

static na_xindexer_t *stemmer_for(na_indexer_t *ix, const char *language)
{
    for (size_t i = 0; i < ix->stemmer_count; i++)
        if (strcmp(ix->stemmers[i].language, language) == 0)
            return ix->stemmers[i].ix;
    na_xindexer_t *t = NULL;
    if (na_xindexer_new(language, &t, NULL) != NA_OK)
        return NULL; /* unknown language: the caller falls back */
    if (ix->stemmer_count == sizeof ix->stemmers / sizeof *ix->stemmers) {
        na_xindexer_free(t);
        return NULL;
    }
    const na_config_t *cfg = ix->opts.config;
    na_xindexer_set_stopwords(t, (const char *const *)cfg->stopwords.items, cfg->stopwords.count);
    ix->stemmers[ix->stemmer_count].language = na_xstrdup(language);
    ix->stemmers[ix->stemmer_count].ix = t;
    ix->stemmer_count++;
    return t;
}

/* ---- open and close ---- */

na_status_t na_indexer_open(const na_indexer_options_t *opts, na_indexer_t **out, na_error_t *err)
{
    *out = NULL;
    na_indexer_t *ix = na_xcalloc(1, sizeof *ix);
    ix->opts = *opts;
    na_status_t st = na_xwdb_open(opts->db_path, true, &ix->db, err);
    if (st) {
        free(ix);
        return st;
    }
    if (!stemmer_for(ix, opts->config->language)) {
        na_error_set(err, NA_ERR_INVALID, "no stemmer for language '%s'", opts->config->language);
        na_indexer_close(ix, NULL);
        return NA_ERR_INVALID;
    }
    ix->doc = na_xdoc_new();

    char key[64];
    for (int f = 0; f < NA_FIELD_COUNT && st == NA_OK; f++) {
        if (!na_fields[f].multi)
            continue;
        snprintf(key, sizeof key, NA_META_SLOTS_FMT, na_fields[f].name);
        st = read_meta_uint(ix->db, key, &ix->slots_used[f], err);
    }
    if (st == NA_OK)
        st = read_meta_uint(ix->db, NA_META_ZDICT_LATEST, &ix->dict_id, err);
    if (st == NA_OK && ix->dict_id) {
        char *d = NULL;
        size_t dlen = 0;
        snprintf(key, sizeof key, NA_META_ZDICT_FMT, ix->dict_id);
        st = na_xwdb_get_metadata(ix->db, key, &d, &dlen, err);
        if (st == NA_OK)
            na_buf_add(&ix->dict, d, dlen);
        free(d);
    }
    if (st == NA_OK)
        st = na_xwdb_set_metadata(ix->db, NA_META_SCHEMA, NA_SCHEMA_VERSION,
                                  strlen(NA_SCHEMA_VERSION), err);
    if (st) {
        na_indexer_close(ix, NULL);
        return st;
    }
    ix->training = ix->dict_id == 0;
    *out = ix;
    return NA_OK;
}

na_status_t na_indexer_close(na_indexer_t *ix, na_error_t *err)
{
    if (!ix)
        return NA_OK;
    na_status_t st = ix->db ? na_indexer_commit(ix, err) : NA_OK;
    na_status_t st2 = na_xwdb_close(ix->db, st ? NULL : err);
    if (st == NA_OK)
        st = st2;
    for (size_t i = 0; i < ix->held_count; i++) {
        na_article_free(ix->held[i]);
        free(ix->held_ids[i]);
    }
    free(ix->held);
    free(ix->held_ids);
    for (size_t i = 0; i < ix->stemmer_count; i++) {
        free(ix->stemmers[i].language);
        na_xindexer_free(ix->stemmers[i].ix);
    }
    na_xdoc_free(ix->doc);
    na_store_packer_free(ix->packer);
    na_buf_release(&ix->dict);
    na_buf_release(&ix->data);
    na_buf_release(&ix->blob);
    na_buf_release(&ix->term);
    free(ix);
    return st;
}

const na_index_counts_t *na_indexer_counts(const na_indexer_t *ix)
{
    return &ix->counts;
}

/* ---- building a document ---- */

static void json_set_str(json_t *obj, const char *key, const char *value)
{
    if (value && *value)
        json_object_set_new(obj, key, json_stringn_nocheck(value, strlen(value)));
}

static void json_set_list(json_t *obj, const char *key, const na_strlist_t *list)
{
    if (!list->count)
        return;
    json_t *arr = json_array();
    for (size_t i = 0; i < list->count; i++)
        json_array_append_new(arr, json_stringn_nocheck(list->items[i], strlen(list->items[i])));
    json_object_set_new(obj, key, arr);
}

/* Normalises VALUES in place for FIELD, dropping empties and duplicates. */
static void normalise_list(const na_indexer_t *ix, na_field_t field, na_strlist_t *values)
{
    na_strlist_t out = NA_STRLIST_INIT;
    for (size_t i = 0; i < values->count; i++) {
        char *c = na_normalise(ix->opts.norm, field, values->items[i]);
        if (c && !na_strlist_contains(&out, c))
            na_strlist_take(&out, c);
        else
            free(c);
    }
    na_strlist_clear(values);
    *values = out;
}

static void add_field_term(na_indexer_t *ix, na_field_t field, const char *value)
{
    char *term = na_schema_term(na_fields[field].prefix, value);
    na_xdoc_add_boolean_term(ix->doc, term);
    free(term);
}

static void add_multi_field(na_indexer_t *ix, na_field_t field, const na_strlist_t *values)
{
    const na_field_info_t *fi = &na_fields[field];
    for (size_t i = 0; i < values->count; i++) {
        add_field_term(ix, field, values->items[i]);
        if (i < NA_MAX_FIELD_VALUES)
            na_xdoc_add_value(ix->doc, fi->slot + (na_slot_t)i, values->items[i],
                              strlen(values->items[i]));
    }
    unsigned used = values->count < NA_MAX_FIELD_VALUES ? (unsigned)values->count : NA_MAX_FIELD_VALUES;
    if (used > ix->slots_used[field]) {
        ix->slots_used[field] = used;
        ix->slots_dirty = true;
    }
}

static void add_single_field(na_indexer_t *ix, na_field_t field, const char *value)
{
    if (!value || !*value)
        return;
    add_field_term(ix, field, value);
    na_xdoc_add_value(ix->doc, na_fields[field].slot, value, strlen(value));
}

static char *metadata_json(const na_article_t *a, const char *id)
{
    json_t *m = json_object();
    json_set_str(m, "id", id);
    json_set_str(m, "title", a->title);
    json_set_str(m, "date", a->date);
    json_set_str(m, "source", a->source);
    json_set_str(m, "url", a->url);
    json_set_str(m, "language", a->language);
    json_set_str(m, "dateline", a->dateline);
    json_set_str(m, "format", na_format_name(a->format));
    json_set_list(m, "authors", &a->authors);
    json_set_list(m, "people", &a->people);
    json_set_list(m, "places", &a->places);
    json_set_list(m, "orgs", &a->orgs);
    json_set_list(m, "topics", &a->topics);
    json_set_list(m, "exchanges", &a->exchanges);
    if (a->extra_count) {
        json_t *x = json_object();
        for (size_t i = 0; i < a->extra_count; i++)
            json_set_str(x, a->extra[i].key, a->extra[i].value);
        json_object_set_new(m, "extra", x);
    }
    char *s = json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(m);
    return s;
}

/* Makes every text field valid UTF-8, whatever the parser left. */
static void sanitize_strings(na_article_t *a)
{
    char **fields[] = { &a->id, &a->title, &a->body, &a->date, &a->source, &a->url,
                        &a->language, &a->dateline };
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        char *s = *fields[i];
        if (s && !na_utf8_valid(s, strlen(s))) {
            *fields[i] = na_utf8_sanitize(s, strlen(s));
            free(s);
        }
    }
    na_strlist_t *lists[] = { &a->authors, &a->people, &a->places, &a->orgs, &a->topics, &a->exchanges };
    for (size_t l = 0; l < sizeof lists / sizeof *lists; l++)
        for (size_t i = 0; i < lists[l]->count; i++) {
            char *s = lists[l]->items[i];
            if (!na_utf8_valid(s, strlen(s))) {
                lists[l]->items[i] = na_utf8_sanitize(s, strlen(s));
                free(s);
            }
        }
}

static na_status_t write_article(na_indexer_t *ix, na_article_t *a, const char *id, na_error_t *err)
{
    const na_config_t *cfg = ix->opts.config;
    na_xdoc_t *doc = ix->doc;
    na_xdoc_clear(doc);

    /* Free text: the title counts in both the title field and the text. */
    const char *lang = a->language && *a->language ? a->language : cfg->language;
    na_xindexer_t *tg = stemmer_for(ix, lang);
    if (!tg)
        tg = stemmer_for(ix, cfg->language);
    na_xindexer_begin(tg, doc);
    if (a->title) {
        size_t n = strlen(a->title);
        na_xindexer_index(tg, a->title, n, NA_PREFIX_TITLE, 1);
        na_xindexer_gap(tg);
        na_xindexer_index(tg, a->title, n, "", 1);
        na_xindexer_gap(tg);
    }
    if (a->body)
        na_xindexer_index(tg, a->body, strlen(a->body), "", 1);

    /* Exact terms and facet values. */
    na_buf_reset(&ix->term);
    na_buf_addf(&ix->term, "%s%s", NA_PREFIX_ID, id);
    char *id_term = na_buf_detach(&ix->term, NULL);
    na_xdoc_add_boolean_term(doc, id_term);

    add_multi_field(ix, NA_FIELD_PERSON, &a->people);
    add_multi_field(ix, NA_FIELD_PLACE, &a->places);
    add_multi_field(ix, NA_FIELD_ORG, &a->orgs);
    add_multi_field(ix, NA_FIELD_TOPIC, &a->topics);
    add_single_field(ix, NA_FIELD_SOURCE, a->source);

    char tbuf[64];
    snprintf(tbuf, sizeof tbuf, "%s%s", NA_PREFIX_FORMAT, na_format_name(a->format));
    na_xdoc_add_boolean_term(doc, tbuf);

    na_date_t d;
    if (a->date && na_date_parse_iso(a->date, &d)) {
        char sortable[15], year[8], month[12];
        na_date_format_sortable(&d, sortable);
        na_xdoc_add_value(doc, NA_SLOT_DATE, sortable, 14);
        snprintf(year, sizeof year, "%04d", d.year);
        add_single_field(ix, NA_FIELD_YEAR, year);
        if (d.month) {
            /* The month's value reads "1987-03"; its term follows Xapian's
             * convention, M198703. */
            snprintf(month, sizeof month, "%04d-%02d", d.year, d.month);
            na_xdoc_add_value(doc, na_fields[NA_FIELD_MONTH].slot, month, strlen(month));
            snprintf(tbuf, sizeof tbuf, "%s%04d%02d", NA_PREFIX_MONTH, d.year, d.month);
            na_xdoc_add_boolean_term(doc, tbuf);
        }
        if (d.day) {
            snprintf(tbuf, sizeof tbuf, "%s%04d%02d%02d", NA_PREFIX_DAY, d.year, d.month, d.day);
            na_xdoc_add_boolean_term(doc, tbuf);
        }
    }

    char hash[17];
    content_hash(a, hash);
    na_xdoc_add_value(doc, NA_SLOT_HASH, hash, 16);

    /* Data: metadata and the compressed original. */
    na_buf_reset(&ix->blob);
    if (!ix->packer) {
        ix->zdict = (na_zdict_t){ ix->dict_id, (const unsigned char *)ix->dict.data, ix->dict.len };
        ix->packer = na_store_packer_new(ix->dict_id ? &ix->zdict : NULL, cfg->compression_level);
        if (!ix->packer)
            return na_error_set(err, NA_ERR_INTERNAL, "zlib: cannot start compressing");
    }
    na_status_t st = na_store_packer_pack(ix->packer, a->raw, a->raw_len, &ix->blob, err);
    if (st == NA_OK) {
        char *meta = metadata_json(a, id);
        na_buf_reset(&ix->data);
        na_record_encode(meta, strlen(meta), ix->blob.data, ix->blob.len, &ix->data);
        free(meta);
        na_xdoc_set_data(doc, ix->data.data, ix->data.len);
        st = na_xwdb_replace(ix->db, id_term, doc, err);
    }
    free(id_term);
    if (st == NA_OK)
        ix->since_commit++;
    return st;
}

/* ---- the dictionary of a new archive ---- */

static na_status_t train_dictionary(na_indexer_t *ix, na_error_t *err)
{
    const unsigned char **samples = na_xmalloc(ix->held_count * sizeof *samples);
    size_t *lens = na_xmalloc(ix->held_count * sizeof *lens);
    for (size_t i = 0; i < ix->held_count; i++) {
        samples[i] = ix->held[i]->raw;
        lens[i] = ix->held[i]->raw_len;
    }
    na_buf_reset(&ix->dict);
    na_store_train(samples, lens, ix->held_count, NA_ZDICT_MAX, &ix->dict);
    free(samples);
    free(lens);
    if (ix->dict.len == 0)
        return NA_OK;

    /* The id is the dictionary's checksum, so that shards indexed apart
     * never give two dictionaries one id (search reads any shard's). */
    unsigned id = (unsigned)crc32(0L, (const Bytef *)ix->dict.data, (uInt)ix->dict.len);
    if (id == 0 || id == ix->dict_id)
        id ^= 0x9e3779b9u;
    char key[64];
    snprintf(key, sizeof key, NA_META_ZDICT_FMT, id);
    na_status_t st = na_xwdb_set_metadata(ix->db, key, ix->dict.data, ix->dict.len, err);
    if (st == NA_OK)
        st = write_meta_uint(ix->db, NA_META_ZDICT_LATEST, id, err);
    if (st == NA_OK) {
        ix->dict_id = id;
        na_store_packer_free(ix->packer); /* the next article starts one with the new dictionary */
        ix->packer = NULL;
    }
    return st;
}

/* Writes the held articles, training a dictionary first when enough
 * material was seen. */
static na_status_t flush_held(na_indexer_t *ix, na_error_t *err)
{
    na_status_t st = NA_OK;
    if (ix->training && ix->held_bytes >= TRAIN_SAMPLE_BYTES)
        st = train_dictionary(ix, err);
    ix->training = false;
    size_t i = 0;
    for (; i < ix->held_count && st == NA_OK; i++) {
        st = write_article(ix, ix->held[i], ix->held_ids[i], err);
        na_article_free(ix->held[i]);
        free(ix->held_ids[i]);
    }
    for (; i < ix->held_count; i++) {
        na_article_free(ix->held[i]);
        free(ix->held_ids[i]);
    }
    ix->held_count = 0;
    ix->held_bytes = 0;
    return st;
}

/* ---- the public calls ---- */

na_status_t na_indexer_add(na_indexer_t *ix, na_article_t *a, const char *default_id, na_error_t *err)
{
    sanitize_strings(a);
    char *id = na_xstrdup(a->id && *a->id ? a->id : default_id);

    normalise_list(ix, NA_FIELD_PERSON, &a->people);
    normalise_list(ix, NA_FIELD_PLACE, &a->places);
    normalise_list(ix, NA_FIELD_ORG, &a->orgs);
    normalise_list(ix, NA_FIELD_TOPIC, &a->topics);
    if (a->source) {
        char *s = na_normalise(ix->opts.norm, NA_FIELD_SOURCE, a->source);
        free(a->source);
        a->source = s;
    }

    /* Skip an article whose stored bytes are what we would store again. */
    char *id_term = na_xasprintf("%s%s", NA_PREFIX_ID, id);
    na_docid_t docid;
    na_status_t st = na_xwdb_find(ix->db, id_term, &docid, err);
    free(id_term);
    bool exists = st == NA_OK;
    if (st == NA_ERR_NOT_FOUND) {
        na_error_clear(err);
        st = NA_OK;
    }
    if (st == NA_OK && exists && !ix->opts.force) {
        char *old = NULL;
        size_t len = 0;
        char hash[17];
        content_hash(a, hash);
        st = na_xwdb_get_value(ix->db, docid, NA_SLOT_HASH, &old, &len, err);
        bool same = st == NA_OK && len == 16 && memcmp(old, hash, 16) == 0;
        free(old);
        if (same) {
            ix->counts.unchanged++;
            na_article_free(a);
            free(id);
            return NA_OK;
        }
    }
    if (st) {
        na_article_free(a);
        free(id);
        return st;
    }
    if (exists)
        ix->counts.replaced++;
    else
        ix->counts.added++;

    if (ix->training) {
        ix->held = na_xrealloc(ix->held, (ix->held_count + 1) * sizeof *ix->held);
        ix->held_ids = na_xrealloc(ix->held_ids, (ix->held_count + 1) * sizeof *ix->held_ids);
        ix->held[ix->held_count] = a;
        ix->held_ids[ix->held_count] = id;
        ix->held_count++;
        ix->held_bytes += a->raw_len;
        if (ix->held_bytes < TRAIN_SAMPLE_BYTES)
            return NA_OK;
        st = flush_held(ix, err);
    } else {
        st = write_article(ix, a, id, err);
        na_article_free(a);
        free(id);
    }
    if (st == NA_OK && ix->since_commit >= ix->opts.config->commit_every)
        st = na_indexer_commit(ix, err);
    return st;
}

na_status_t na_indexer_commit(na_indexer_t *ix, na_error_t *err)
{
    na_status_t st = NA_OK;
    if (ix->held_count) {
        /* Keep training across commits only while nothing is lost by
         * waiting: a periodic commit inside the sample just writes. */
        st = flush_held(ix, err);
    }
    if (st == NA_OK && ix->slots_dirty) {
        char key[64];
        for (int f = 0; f < NA_FIELD_COUNT && st == NA_OK; f++) {
            if (!na_fields[f].multi)
                continue;
            snprintf(key, sizeof key, NA_META_SLOTS_FMT, na_fields[f].name);
            st = write_meta_uint(ix->db, key, ix->slots_used[f], err);
        }
        if (st == NA_OK)
            ix->slots_dirty = false;
    }
    if (st == NA_OK)
        st = na_xwdb_commit(ix->db, err);
    ix->since_commit = 0;
    return st;
}

/* ---- figures ---- */

static size_t dir_bytes(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
    DIR *d = opendir(path);
    if (!d)
        return 0;
    size_t total = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char *child = na_xasprintf("%s/%s", path, de->d_name);
        total += dir_bytes(child);
        free(child);
    }
    closedir(d);
    return total;
}

typedef struct {
    na_xdb_t *db;
    na_index_stats_t *stats;
    na_status_t st;
    na_error_t *err;
} stats_walk_t;

static bool stats_visit(const char *term, size_t len, unsigned freq, void *ud)
{
    stats_walk_t *w = ud;
    char *t = na_xstrndup(term, len);
    na_docid_t docid;
    char *data = NULL;
    size_t dlen = 0;
    w->st = na_xdb_find(w->db, t, &docid, w->err);
    free(t);
    if (w->st == NA_OK)
        w->st = na_xdb_get_data(w->db, docid, &data, &dlen, w->err);
    na_record_view_t view;
    size_t raw_len = 0;
    unsigned dict;
    if (w->st == NA_OK)
        w->st = na_record_decode(data, dlen, &view, w->err);
    if (w->st == NA_OK)
        w->st = na_store_blob_info(view.blob, view.blob_len, &raw_len, &dict, w->err);
    if (w->st == NA_OK) {
        w->stats->articles++;
        w->stats->raw_bytes += raw_len;
        w->stats->stored_bytes += view.blob_len;
    }
    free(data);
    return w->st == NA_OK;
}

na_status_t na_index_stats(const char *path, na_index_stats_t *out, na_error_t *err)
{
    memset(out, 0, sizeof *out);
    na_xdb_t *db = NULL;
    na_status_t st = na_xdb_open(&path, 1, &db, err);
    if (st)
        return st;
    stats_walk_t w = { db, out, NA_OK, err };
    st = na_xdb_each_term(db, NA_PREFIX_ID, stats_visit, &w, err);
    if (st == NA_OK)
        st = w.st;
    na_xdb_close(db);
    out->db_bytes = dir_bytes(path);
    return st;
}
