/* docbuild.c - building the Xapian document of one article (docbuild.h). */
#include "docbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "dates.h"
#include "display.h"
#include "extraction.h"
#include "normalise.h"
#include "record.h"
#include "utf8.h"

/* Articles in other languages get their own stemmer; a few suffice. */
#define MAX_STEMMERS 8

typedef struct {
    char *language;
    na_xindexer_t *ix;
} stemmer_slot_t;

struct na_docbuild {
    const na_config_t *cfg;
    const na_extractor_t *extractor;            /* NULL: no extraction */
    na_extract_mode_t modes[NA_EXTRACT_KINDS];
    na_extraction_t ex;                         /* the current article's findings */
    na_strlist_t merged[3];                     /* people, places, orgs: supplied then extracted */
    stemmer_slot_t stemmers[MAX_STEMMERS];
    size_t stemmer_count;
    const na_zdict_t *dict;
    na_store_packer_t *packer; /* for DICT; made when first needed */
    na_xdoc_t *doc;            /* being built */
    na_display_t *display;     /* the spellings of the keys this run stored */
    na_strlist_t keys;         /* the current field's keys in the article */
    na_buf_t blob, data;
    na_buf_t fold; /* free text accent-folded for indexing */
    na_strlist_t stopwords; /* the configuration's, folded as the text is */
};

/* TEXT accent-folded (na_utf8_fold()), in BUF unless folding changes
 * nothing; *LEN gets its length.  Words are indexed folded, and queries
 * folded the same way, so "grimsson" finds "Grímsson"; word positions
 * stay those of the text, so phrases match either way. */
static const char *folded(na_buf_t *buf, const char *text, size_t *len)
{
    size_t n = strlen(text);
    *len = n;
    if (!na_utf8_folds(text, n))
        return text;
    na_buf_reset(buf);
    na_buf_grow(buf, n + 1);
    *len = na_utf8_fold(text, n, buf->data);
    return buf->data;
}

/* The indexer for LANGUAGE, or NULL when there is no such stemmer. */
static na_xindexer_t *stemmer_for(na_docbuild_t *b, const char *language)
{
    for (size_t i = 0; i < b->stemmer_count; i++)
        if (strcmp(b->stemmers[i].language, language) == 0)
            return b->stemmers[i].ix;
    na_xindexer_t *t = NULL;
    if (b->stemmer_count == MAX_STEMMERS || na_xindexer_new(language, &t, NULL) != NA_OK)
        return NULL;
    na_xindexer_set_stopwords(t, (const char *const *)b->stopwords.items, b->stopwords.count);
    b->stemmers[b->stemmer_count].language = na_xstrdup(language);
    b->stemmers[b->stemmer_count].ix = t;
    b->stemmer_count++;
    return t;
}

na_status_t na_docbuild_new(const na_config_t *cfg, const na_extractor_t *extractor,
                            const na_extract_mode_t modes[NA_EXTRACT_KINDS], na_docbuild_t **out,
                            na_error_t *err)
{
    na_docbuild_t *b = na_xcalloc(1, sizeof *b);
    b->cfg = cfg;
    b->extractor = extractor;
    memcpy(b->modes, modes, sizeof b->modes);
    na_extraction_init(&b->ex);
    b->display = na_display_new();
    for (size_t i = 0; i < cfg->stopwords.count; i++) {
        char *w = na_xstrdup(cfg->stopwords.items[i]);
        na_utf8_fold(w, strlen(w), w);
        na_strlist_take(&b->stopwords, w);
    }
    if (!stemmer_for(b, cfg->language)) {
        na_docbuild_free(b);
        *out = NULL;
        return na_error_set(err, NA_ERR_INVALID, "no stemmer for language '%s'", cfg->language);
    }
    *out = b;
    return NA_OK;
}

void na_docbuild_free(na_docbuild_t *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->stemmer_count; i++) {
        free(b->stemmers[i].language);
        na_xindexer_free(b->stemmers[i].ix);
    }
    na_store_packer_free(b->packer);
    na_display_free(b->display);
    na_strlist_clear(&b->keys);
    na_extraction_release(&b->ex);
    for (int i = 0; i < 3; i++)
        na_strlist_clear(&b->merged[i]);
    na_buf_release(&b->blob);
    na_buf_release(&b->data);
    na_buf_release(&b->fold);
    na_strlist_clear(&b->stopwords);
    free(b);
}

void na_docbuild_set_dict(na_docbuild_t *b, const na_zdict_t *dict)
{
    b->dict = dict;
    na_store_packer_free(b->packer);
    b->packer = NULL;
}

/* What extraction added to an article, for its metadata. */
typedef struct {
    const char *date;             /* the publication date in use, or NULL */
    const char *date_source;      /* where it came from, or NULL */
    const char *dateline;         /* the source's, else the one extraction read, or NULL */
    const na_strlist_t *sources;  /* where the article was read */
    const na_strlist_t *lists[4]; /* people, places, orgs, mentioned extracted; NULL: none */
    const na_extraction_t *names; /* every name extraction found, or NULL */
} found_t;

static na_record_list_t record_list(const na_strlist_t *list)
{
    return list ? (na_record_list_t){ (const char *const *)list->items, list->count } : (na_record_list_t){ NULL, 0 };
}

/* Appends to OUT the document data of A under ID: its metadata as
 * lib/record writes it, then the store blob BLOB. */
static void build_record(const na_article_t *a, const char *id, const found_t *found, const na_buf_t *blob,
                         na_buf_t *out)
{
    na_record_meta_t m;
    memset(&m, 0, sizeof m);
    m.id = id;
    m.title = a->title;
    m.date = found->date;
    m.date_source = found->date_source;
    m.source = a->source;
    m.url = a->url;
    m.language = a->language;
    m.dateline = found->dateline;
    m.format = na_format_name(a->format);
    m.sources = record_list(found->sources);
    m.authors = record_list(&a->authors);
    m.people = record_list(&a->people);
    m.places = record_list(&a->places);
    m.orgs = record_list(&a->orgs);
    m.topics = record_list(&a->topics);
    m.exchanges = record_list(&a->exchanges);
    m.extracted_people = record_list(found->lists[0]);
    m.extracted_places = record_list(found->lists[1]);
    m.extracted_orgs = record_list(found->lists[2]);
    m.mentioned = record_list(found->lists[3]);
    na_record_name_t *names = found->names ? na_extraction_record_names(found->names) : NULL;
    m.names = names;
    m.name_count = names ? found->names->name_count : 0;
    na_record_pair_t *extra = na_xcalloc(a->extra_count + 1, sizeof *extra);
    for (size_t i = 0; i < a->extra_count; i++)
        extra[i] = (na_record_pair_t){ a->extra[i].key, a->extra[i].value };
    m.extra = extra;
    m.extra_count = a->extra_count;
    na_record_build(&m, a->body, blob->data, blob->len, out);
    free(extra);
    free(names);
}

static void add_field_term(na_xdoc_t *doc, na_field_t field, const char *value)
{
    char *term = na_schema_field_term(&na_fields[field], value);
    if (term)
        na_xdoc_add_boolean_term(doc, term);
    free(term);
}

/* All of an article's keys of a multi-valued field go packed in its one
 * slot, so that one value read per article counts them all, exact also
 * through the stock spy xapian-tcpsrv knows.  Slot and terms hold the
 * value's key, so two spellings of one name ("DENVER", "Denver") are one
 * value; the spelling goes to the display table. */
static void add_multi_field(na_docbuild_t *b, na_xdoc_t *doc, na_field_t field, const na_strlist_t *values)
{
    const na_field_info_t *fi = &na_fields[field];
    na_strlist_clear(&b->keys);
    for (size_t i = 0; i < values->count; i++) {
        char *key = na_schema_value_key(fi, values->items[i]);
        if (!key || na_strlist_contains(&b->keys, key)) {
            free(key);
            continue;
        }
        char *term = na_xasprintf("%s%s", fi->prefix, key);
        na_xdoc_add_boolean_term(doc, term);
        free(term);
        na_display_add(b->display, field, key, values->items[i]);
        na_strlist_take(&b->keys, key);
    }
    na_xdoc_add_packed_value(doc, fi->slot, (const char *const *)b->keys.items, b->keys.count);
}

static void add_single_field(na_docbuild_t *b, na_xdoc_t *doc, na_field_t field, const char *value)
{
    const na_field_info_t *fi = &na_fields[field];
    char *key = value ? na_schema_value_key(fi, value) : NULL;
    if (!key)
        return;
    add_field_term(doc, field, value);
    na_xdoc_add_value(doc, fi->slot, key, strlen(key));
    if (na_schema_folded(fi))
        na_display_add(b->display, field, key, value);
    free(key);
}

/* A mentioned period is a term for itself and for each period that holds
 * it, so that mentioned:2025-05 finds an article that names 9 May 2025.
 * For counting, each of those periods is also a key packed in its grain's
 * slot (schema.h), once per article: the count of a month is then the
 * articles mentioned:MONTH finds. */
static void add_mentioned(na_xdoc_t *doc, const na_strlist_t *values)
{
    na_strlist_t seen[NA_MENTIONED_GRAINS] = { NA_STRLIST_INIT, NA_STRLIST_INIT, NA_STRLIST_INIT, NA_STRLIST_INIT };
    for (size_t i = 0; i < values->count; i++) {
        na_period_t p;
        if (!na_period_parse(values->items[i], &p))
            continue;
        char forms[4][12];
        size_t n = na_period_enclosing(&p, forms);
        for (size_t k = 0; k < n; k++) {
            int grain = (int)p.grain - (int)k; /* finest first */
            if (grain < 0 || na_strlist_contains(&seen[grain], forms[k]))
                continue;
            add_field_term(doc, NA_FIELD_MENTIONED, forms[k]);
            na_strlist_add(&seen[grain], forms[k]);
        }
    }
    for (int g = 0; g < NA_MENTIONED_GRAINS; g++) {
        na_xdoc_add_packed_value(doc, na_mentioned_grains[g].slot, (const char *const *)seen[g].items, seen[g].count);
        na_strlist_clear(&seen[g]);
    }
}

/* Whether extraction should fill KIND for an article whose source gave
 * SUPPLIED values of it. */
static bool wanted(const na_docbuild_t *b, na_extract_kind_t kind, size_t supplied)
{
    return b->extractor && (b->modes[kind] == NA_EXTRACT_ALWAYS ||
                            (b->modes[kind] == NA_EXTRACT_AUTO && supplied == 0));
}

static const na_strlist_t *merge(na_strlist_t *out, const na_strlist_t *supplied, const na_strlist_t *found)
{
    na_strlist_clear(out);
    for (size_t i = 0; i < supplied->count; i++)
        na_strlist_add_unique(out, supplied->items[i]);
    for (size_t i = 0; found && i < found->count; i++)
        na_strlist_add_unique(out, found->items[i]);
    return out;
}

/* NA_SLOT_SORT: the sortable date (or NA_SORT_UNDATED) then ID. */
static void add_sort_key(na_xdoc_t *doc, const char *iso, const char *id)
{
    na_date_t d;
    char sortable[15] = NA_SORT_UNDATED;
    if (iso && na_date_parse_iso(iso, &d))
        na_date_format_sortable(&d, sortable);
    na_buf_t key = NA_BUF_INIT;
    na_buf_add(&key, sortable, 14);
    na_buf_adds(&key, id);
    na_xdoc_add_value(doc, NA_SLOT_SORT, key.data, key.len);
    na_buf_release(&key);
}

/* A date as precise as the source gave it: a month-precise date has its
 * year and month terms and facet values but no day term, and sorts as
 * day 00 of its month; an undated article has none of these. */
static void add_date(na_xdoc_t *doc, const char *iso)
{
    na_date_t d;
    if (!iso || !na_date_parse_iso(iso, &d))
        return;
    char sortable[15], year[8], month[12], terms[3][NA_DATE_TERM_SIZE];
    na_date_format_sortable(&d, sortable);
    na_xdoc_add_value(doc, NA_SLOT_DATE, sortable, 14);
    size_t n = na_schema_date_terms(d.year, d.month, d.day, terms);
    for (size_t i = 0; i < n; i++)
        na_xdoc_add_boolean_term(doc, terms[i]);
    snprintf(year, sizeof year, "%04d", d.year);
    na_xdoc_add_value(doc, na_fields[NA_FIELD_YEAR].slot, year, strlen(year));
    if (d.month) {
        /* The month's value reads "1987-03"; its term is M198703. */
        snprintf(month, sizeof month, "%04d-%02d", d.year, d.month);
        na_xdoc_add_value(doc, na_fields[NA_FIELD_MONTH].slot, month, strlen(month));
    }
}

/* The dateline extraction reads at the start of A's text (the file for
 * plain text, else the body), without its dash, or NULL (caller frees). */
static char *read_dateline(const na_article_t *a)
{
    const char *text = a->format == NA_FORMAT_TEXT ? (const char *)a->raw : a->body;
    size_t len = a->format == NA_FORMAT_TEXT ? a->raw_len : a->body ? strlen(a->body) : 0;
    na_dateline_t dl;
    if (!text || !na_dateline_find(text, len, &dl) || dl.end <= dl.city_start)
        return NULL;
    size_t end = dl.end;
    /* Back over the dash (" - ", " -- ", an en or em dash) and blanks. */
    while (end > dl.city_start) {
        unsigned char c = (unsigned char)text[end - 1];
        if (c == ' ' || c == '\t' || c == '-')
            end--;
        else if (end - dl.city_start >= 3 && (unsigned char)text[end - 3] == 0xe2 &&
                 (unsigned char)text[end - 2] == 0x80 && (c == 0x93 || c == 0x94))
            end -= 3;
        else
            break;
    }
    if (end <= dl.city_start || !na_utf8_valid(text + dl.city_start, end - dl.city_start))
        return NULL;
    return na_xstrndup(text + dl.city_start, end - dl.city_start);
}

/* The mentions: terms: every person, place and organisation the article
 * names, supplied (the merged lists, as the fields hold them) or found
 * anywhere in its text (NAMES, when extraction ran). */
static void add_mentions(na_docbuild_t *b, na_xdoc_t *doc, const na_extraction_t *names)
{
    for (int l = 0; l < 3; l++)
        for (size_t i = 0; i < b->merged[l].count; i++) {
            char *term = na_schema_field_term(&na_mentions_field, b->merged[l].items[i]);
            if (term)
                na_xdoc_add_boolean_term(doc, term);
            free(term);
        }
    for (size_t i = 0; names && i < names->name_count; i++) {
        char *term = na_schema_field_term(&na_mentions_field, names->names[i].name);
        if (term)
            na_xdoc_add_boolean_term(doc, term);
        free(term);
    }
}

na_status_t na_docbuild_run(na_docbuild_t *b, const na_article_t *a, const char *id, const char *hash,
                            const na_strlist_t *sources, na_xdoc_t **out, na_error_t *err)
{
    *out = NULL;
    if (!b->packer) {
        b->packer = na_store_packer_new(b->dict, b->cfg->compression_level);
        if (!b->packer)
            return na_error_set(err, NA_ERR_INTERNAL, "zlib: cannot start compressing");
    }
    na_buf_reset(&b->blob);
    na_status_t st = na_store_packer_pack(b->packer, a->raw, a->raw_len, &b->blob, err);
    if (st)
        return st;

    /* Extraction first: it may give the date and more metadata. */
    found_t found = { a->date, a->date ? "source" : NULL, a->dateline, sources, { NULL, NULL, NULL, NULL }, NULL };
    char *dateline = NULL;
    bool want_people = wanted(b, NA_EXTRACT_PEOPLE, a->people.count);
    bool want_places = wanted(b, NA_EXTRACT_PLACES, a->places.count);
    bool want_orgs = wanted(b, NA_EXTRACT_ORGS, a->orgs.count);
    bool want_dates = wanted(b, NA_EXTRACT_DATES, 0);
    char date[20];
    if (want_people || want_places || want_orgs || want_dates) {
        st = na_extraction_run(b->extractor, a, &b->ex, err);
        if (st)
            return st;
        found.lists[0] = want_people ? &b->ex.people : NULL;
        found.lists[1] = want_places ? &b->ex.places : NULL;
        found.lists[2] = want_orgs ? &b->ex.orgs : NULL;
        found.lists[3] = want_dates ? &b->ex.mentioned : NULL;
        found.names = want_people || want_places || want_orgs ? &b->ex : NULL;
        if (!a->dateline)
            found.dateline = dateline = read_dateline(a);
        /* Extraction's date when the source gave none, or when a
         * dateline said the day of a coarser one. */
        if (want_dates && b->ex.date.year && b->ex.date_source != NA_DATE_SOURCE_SOURCE) {
            na_date_format_iso(&b->ex.date, date);
            found.date = date;
            found.date_source = na_date_source_name(b->ex.date_source);
        }
    }

    na_xdoc_t *doc = na_xdoc_new();
    /* Free text: the title counts in both the title field and the text. */
    const char *lang = a->language && *a->language ? a->language : b->cfg->language;
    na_xindexer_t *tg = stemmer_for(b, lang);
    if (!tg)
        tg = stemmer_for(b, b->cfg->language);
    na_xindexer_begin(tg, doc);
    if (a->title) {
        size_t n;
        const char *title = folded(&b->fold, a->title, &n);
        na_xindexer_index(tg, title, n, NA_PREFIX_TITLE, 1);
        na_xindexer_gap(tg);
        na_xindexer_index(tg, title, n, "", 1);
        na_xindexer_gap(tg);
    }
    if (a->body) {
        size_t n;
        const char *body = folded(&b->fold, a->body, &n);
        na_xindexer_index(tg, body, n, "", 1);
    }
    na_xindexer_end(tg);

    char *id_term = na_schema_id_term(id);
    na_xdoc_add_boolean_term(doc, id_term);
    free(id_term);
    for (size_t i = 0; sources && i < sources->count; i++) {
        char *file = na_schema_source_file(sources->items[i], na_format_name(a->format));
        if (file) {
            char *t = na_schema_file_term(file);
            na_xdoc_add_boolean_term(doc, t);
            free(t);
        }
        free(file);
    }
    add_multi_field(b, doc, NA_FIELD_PERSON, merge(&b->merged[0], &a->people, found.lists[0]));
    add_multi_field(b, doc, NA_FIELD_PLACE, merge(&b->merged[1], &a->places, found.lists[1]));
    add_multi_field(b, doc, NA_FIELD_ORG, merge(&b->merged[2], &a->orgs, found.lists[2]));
    if (found.lists[3])
        add_mentioned(doc, found.lists[3]);
    add_multi_field(b, doc, NA_FIELD_TOPIC, &a->topics);
    add_multi_field(b, doc, NA_FIELD_AUTHOR, &a->authors);
    add_mentions(b, doc, found.names);
    add_single_field(b, doc, NA_FIELD_SOURCE, a->source);
    char term[64];
    snprintf(term, sizeof term, "%s%s", NA_PREFIX_FORMAT, na_format_name(a->format));
    na_xdoc_add_boolean_term(doc, term);
    add_date(doc, found.date);
    add_sort_key(doc, found.date, id);
    na_xdoc_add_value(doc, NA_SLOT_HASH, hash, 16);

    na_buf_reset(&b->data);
    build_record(a, id, &found, &b->blob, &b->data);
    free(dateline);
    na_xdoc_set_data(doc, b->data.data, b->data.len);
    *out = doc;
    return NA_OK;
}

na_display_t *na_docbuild_display(na_docbuild_t *b)
{
    return b->display;
}

/* ---- preparing an article: valid UTF-8, canonical names ---- */

/* Normalises VALUES in place for FIELD, dropping empties and duplicates. */
static void normalise_list(const na_normaliser_t *norm, na_field_t field, na_strlist_t *values)
{
    na_strlist_t out = NA_STRLIST_INIT;
    for (size_t i = 0; i < values->count; i++) {
        char *c = na_normalise(norm, field, values->items[i]);
        if (c && !na_strlist_contains(&out, c))
            na_strlist_take(&out, c);
        else
            free(c);
    }
    na_strlist_clear(values);
    *values = out;
}

void na_docbuild_sanitize(na_article_t *a)
{
    char **fields[] = { &a->id, &a->title, &a->body, &a->date, &a->source, &a->url, &a->language, &a->dateline };
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

void na_docbuild_normalise(const na_normaliser_t *norm, na_article_t *a)
{
    normalise_list(norm, NA_FIELD_PERSON, &a->people);
    normalise_list(norm, NA_FIELD_PLACE, &a->places);
    normalise_list(norm, NA_FIELD_ORG, &a->orgs);
    normalise_list(norm, NA_FIELD_TOPIC, &a->topics);
    normalise_list(norm, NA_FIELD_AUTHOR, &a->authors);
    if (a->source) {
        char *s = na_normalise(norm, NA_FIELD_SOURCE, a->source);
        free(a->source);
        a->source = s;
    }
}
