/* extraction.c - extraction applied to one article (extraction.h). */
#include "extraction.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "utf8.h"

na_status_t na_extraction_load(const na_config_t *cfg, const na_normaliser_t *norm, na_extractor_t **out,
                               na_error_t *err)
{
    na_extractor_options_t opts = { cfg->ner_model, cfg->gazetteer, norm, cfg->extract_city_countries };
    return na_extractor_new(&opts, out, err);
}

/* A stretch of the text extraction read, and the raw bytes it came from
 * (an empty RAW range: not known, nothing in it is placed). */
typedef struct {
    size_t text_start, text_end;
    na_range_t raw;
    size_t cursor; /* where the next search in RAW starts */
} part_t;

/* Places each span of EX, found in TEXT, in the original bytes RAW: only
 * inside the raw bytes of the field it was read from, so that a name in
 * the title or body is never placed in other metadata that happens to
 * hold the same words.  Text read as Windows-1252 is looked for as 1252
 * bytes. */
static void place_spans(na_extraction_t *ex, const char *text, const na_article_t *a, part_t *parts,
                        size_t nparts)
{
    na_buf_t enc = NA_BUF_INIT;
    for (size_t i = 0; i < ex->span_count; i++) {
        na_extract_span_t *s = &ex->spans[i];
        part_t *p = NULL;
        for (size_t k = 0; k < nparts && !p; k++)
            if (s->start >= parts[k].text_start && s->end <= parts[k].text_end)
                p = &parts[k];
        const char *needle = text + s->start;
        size_t n = s->end - s->start;
        if (p && a->legacy) {
            na_buf_reset(&enc);
            if (na_cp1252_encode(needle, n, &enc)) {
                needle = enc.data;
                n = enc.len;
            } else {
                p = NULL;
            }
        }
        const unsigned char *hit = NULL;
        if (p && p->raw.end > p->raw.start && p->raw.end <= a->raw_len && n > 0) {
            const unsigned char *base = a->raw + p->raw.start;
            size_t len = p->raw.end - p->raw.start;
            if (p->cursor < len)
                hit = memmem(base + p->cursor, len - p->cursor, needle, n);
            if (!hit)
                hit = memmem(base, len, needle, n);
            if (hit)
                p->cursor = (size_t)(hit - base) + n;
        }
        if (hit) {
            s->start = (size_t)(hit - a->raw);
            s->end = s->start + n;
        } else {
            s->start = s->end = NA_EXTRACTION_NO_OFFSET;
        }
    }
    na_buf_release(&enc);
}

na_record_name_t *na_extraction_record_names(const na_extraction_t *ex)
{
    na_record_name_t *names = na_xcalloc(ex->name_count + 1, sizeof *names);
    for (size_t i = 0; i < ex->name_count; i++) {
        const na_extract_name_t *n = &ex->names[i];
        names[i] = (na_record_name_t){ na_entity_name(n->type), n->name, n->count,
                                       n->first == NA_EXTRACTION_NO_OFFSET ? NA_RECORD_NO_OFFSET : n->first,
                                       n->salient };
    }
    return names;
}

json_t *na_extraction_names_json(const na_extraction_t *ex)
{
    na_record_name_t *names = na_extraction_record_names(ex);
    json_t *list = na_record_names_json(names, ex->name_count);
    free(names);
    return list;
}

/* The dates IN reads from A: its source's and its file's time. */
static void input_dates(const na_article_t *a, na_extract_input_t *in, na_date_t *source_date,
                        na_date_t *file_time)
{
    *in = (na_extract_input_t){ NULL, 0, NULL, NULL, a->date_unreadable, a->dateline };
    if (a->date && na_date_parse_iso(a->date, source_date))
        in->source_date = source_date;
    if (a->mtime > 0) {
        time_t t = (time_t)a->mtime;
        struct tm tm;
        if (gmtime_r(&t, &tm)) {
            *file_time = (na_date_t){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, -1, -1, -1 };
            in->file_time = file_time;
        }
    }
}

/* The text extraction reads from A when it is not A's raw bytes (a
 * UTF-8 text file), into TEXT, with where each field lies in it and in
 * A->raw into PARTS (*NPARTS of them, at most three). */
static void build_text(const na_article_t *a, na_buf_t *text, part_t parts[3], size_t *nparts)
{
    *nparts = 0;
    if (a->format == NA_FORMAT_TEXT) {
        /* A plain text file that is not UTF-8: the file read as 1252,
         * so that the extractor sees the same lines and blank lines. */
        char *decoded = na_cp1252_decode((const char *)a->raw, a->raw_len);
        na_buf_adds(text, decoded);
        free(decoded);
        parts[(*nparts)++] = (part_t){ 0, text->len, { 0, a->raw_len }, 0 };
        return;
    }
    if (a->title) {
        na_buf_adds(text, a->title);
        parts[(*nparts)++] = (part_t){ 0, text->len, a->raw_title, 0 };
        na_buf_adds(text, "\n\n");
    }
    if (a->dateline) {
        const char *d = a->dateline;
        while (na_is_space((unsigned char)*d))
            d++;
        size_t from = text->len;
        na_buf_adds(text, d);
        while (text->len && na_is_space((unsigned char)text->data[text->len - 1]))
            text->data[--text->len] = '\0';
        parts[(*nparts)++] = (part_t){ from, text->len, a->raw_dateline, 0 };
        na_buf_addc(text, ' ');
    }
    if (a->body) {
        size_t from = text->len;
        na_buf_adds(text, a->body);
        parts[(*nparts)++] = (part_t){ from, text->len, a->raw_body, 0 };
    }
}

na_status_t na_extraction_pubdate(const na_extractor_t *x, const na_article_t *a, na_extraction_t *ex,
                                  na_error_t *err)
{
    na_date_t source_date, file_time;
    na_extract_input_t in;
    input_dates(a, &in, &source_date, &file_time);
    /* The text as na_extraction_run() gives it. */
    na_buf_t text = NA_BUF_INIT;
    part_t parts[3];
    size_t nparts;
    if (a->format == NA_FORMAT_TEXT && !a->legacy) {
        in.text = (const char *)a->raw;
        in.len = a->raw_len;
    } else {
        build_text(a, &text, parts, &nparts);
        in.text = text.data ? text.data : "";
        in.len = text.len;
    }
    na_status_t st = na_extract_pubdate(x, &in, ex, err);
    na_buf_release(&text);
    return st;
}

na_status_t na_extraction_run(const na_extractor_t *x, const na_article_t *a, na_extraction_t *ex,
                              na_error_t *err)
{
    na_date_t source_date, file_time;
    na_extract_input_t in;
    input_dates(a, &in, &source_date, &file_time);
    if (a->format == NA_FORMAT_TEXT && !a->legacy) {
        in.text = (const char *)a->raw;
        in.len = a->raw_len;
        return na_extract(x, &in, ex, err);
    }

    na_buf_t text = NA_BUF_INIT;
    part_t parts[3];
    size_t nparts;
    build_text(a, &text, parts, &nparts);
    in.text = text.data ? text.data : "";
    in.len = text.len;
    na_status_t st = na_extract(x, &in, ex, err);
    if (st == NA_OK) {
        /* A name's first mention is a span: it moves with it. */
        size_t *at = na_xcalloc(ex->name_count + 1, sizeof *at);
        for (size_t k = 0; k < ex->name_count; k++) {
            size_t lo = 0, hi = ex->span_count; /* spans are in text order */
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (ex->spans[mid].start < ex->names[k].first)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            at[k] = ex->span_count;
            for (size_t i = lo; i < ex->span_count && ex->spans[i].start == ex->names[k].first; i++)
                if (ex->spans[i].type == ex->names[k].type) {
                    at[k] = i;
                    break;
                }
        }
        place_spans(ex, in.text, a, parts, nparts);
        for (size_t k = 0; k < ex->name_count; k++)
            ex->names[k].first = at[k] < ex->span_count ? ex->spans[at[k]].start : NA_EXTRACTION_NO_OFFSET;
        free(at);
    }
    na_buf_release(&text);
    return st;
}
