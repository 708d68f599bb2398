/* extraction.c - extraction applied to one article (extraction.h). */
#include "extraction.h"

#include <string.h>
#include <time.h>

#include "date.h"

na_status_t na_extraction_load(const na_config_t *cfg, const na_normaliser_t *norm, na_extractor_t **out,
                               na_error_t *err)
{
    na_extractor_options_t opts = { cfg->ner_model, cfg->gazetteer, norm, cfg->extract_city_countries };
    return na_extractor_new(&opts, out, err);
}

/* Places each span of EX, found in TEXT, in the original bytes RAW. */
static void place_spans(na_extraction_t *ex, const char *text, const unsigned char *raw, size_t raw_len)
{
    size_t cursor = 0;
    for (size_t i = 0; i < ex->span_count; i++) {
        na_extract_span_t *s = &ex->spans[i];
        const char *needle = text + s->start;
        size_t n = s->end - s->start;
        const unsigned char *hit = cursor < raw_len ? memmem(raw + cursor, raw_len - cursor, needle, n) : NULL;
        if (!hit)
            hit = memmem(raw, raw_len, needle, n);
        if (hit) {
            s->start = (size_t)(hit - raw);
            s->end = s->start + n;
            cursor = s->end;
        } else {
            s->start = s->end = NA_EXTRACTION_NO_OFFSET;
        }
    }
}

na_status_t na_extraction_run(const na_extractor_t *x, const na_article_t *a, na_extraction_t *ex,
                              na_error_t *err)
{
    na_date_t source_date, file_time;
    na_extract_input_t in = { NULL, 0, NULL, NULL, a->date_unreadable, a->dateline };
    if (a->date && na_date_parse_iso(a->date, &source_date))
        in.source_date = &source_date;
    if (a->mtime > 0) {
        time_t t = (time_t)a->mtime;
        struct tm tm;
        if (gmtime_r(&t, &tm)) {
            file_time = (na_date_t){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, -1, -1, -1 };
            in.file_time = &file_time;
        }
    }
    if (a->format == NA_FORMAT_TEXT) {
        in.text = (const char *)a->raw;
        in.len = a->raw_len;
        return na_extract(x, &in, ex, err);
    }

    na_buf_t text = NA_BUF_INIT;
    if (a->title) {
        na_buf_adds(&text, a->title);
        na_buf_adds(&text, "\n\n");
    }
    if (a->dateline) {
        const char *d = a->dateline;
        while (na_is_space((unsigned char)*d))
            d++;
        na_buf_adds(&text, d);
        while (text.len && na_is_space((unsigned char)text.data[text.len - 1]))
            text.data[--text.len] = '\0';
        na_buf_addc(&text, ' ');
    }
    if (a->body)
        na_buf_adds(&text, a->body);
    in.text = text.data ? text.data : "";
    in.len = text.len;
    na_status_t st = na_extract(x, &in, ex, err);
    if (st == NA_OK)
        place_spans(ex, in.text, a->raw, a->raw_len);
    na_buf_release(&text);
    return st;
}
