/* parse-text.c - plain text ("Title\n\nBody") and text or Markdown with a
 * YAML front matter block.  One article per file; its raw bytes are the
 * whole file.
 *
 * Plain text: a first line followed by a blank line is the title, the
 * rest the body; otherwise the whole text is the body.  Markdown: the
 * front matter's keys (parse.c) and the text after the block as the body;
 * without a "title" key the plain-text rule applies, and a first line
 * that is an ATX heading ("# Title") is the title even without a blank
 * line after it.
 */
#include "parse-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* The end of the line starting at I: the index of its '\n', or LEN. */
static size_t line_end(const unsigned char *buf, size_t len, size_t i)
{
    const unsigned char *nl = memchr(buf + i, '\n', len - i);
    return nl ? (size_t)(nl - buf) : len;
}

static bool blank(const unsigned char *buf, size_t start, size_t end)
{
    for (size_t i = start; i < end; i++)
        if (!na_is_space(buf[i]))
            return false;
    return true;
}

/* The text of an ATX heading line ("## Title ##"), or false. */
static bool heading(const unsigned char *buf, size_t start, size_t end, size_t *ts, size_t *te)
{
    size_t i = start;
    while (i < end && i - start < 6 && buf[i] == '#')
        i++;
    if (i == start || (i < end && buf[i] != ' ' && buf[i] != '\t'))
        return false;
    while (end > i && na_is_space(buf[end - 1]))
        end--;
    size_t e = end;
    while (e > i && buf[e - 1] == '#')
        e--;
    /* A closing run of '#' counts only after a blank ("# C#" keeps it). */
    if (e < end && (e == i || buf[e - 1] == ' ' || buf[e - 1] == '\t'))
        end = e;
    *ts = i;
    *te = end;
    return true;
}

/* Sets A's title (unless it has one) and body from the text at START. */
static void title_and_body(na_article_t *a, const unsigned char *buf, size_t len, size_t start, bool markdown)
{
    /* Blank lines before the first line are not a title's business. */
    for (;;) {
        size_t e = line_end(buf, len, start);
        if (e == len || !blank(buf, start, e))
            break;
        start = e + 1;
    }
    if (!a->title && start < len) {
        size_t first_end = line_end(buf, len, start);
        size_t ts, te;
        if (markdown && heading(buf, start, first_end, &ts, &te) && !blank(buf, ts, te)) {
            a->title = na__clean_text((const char *)buf + ts, te - ts, true);
            a->raw_title = (na_range_t){ ts, te };
            start = first_end < len ? first_end + 1 : len;
        } else if (first_end + 1 < len && !blank(buf, start, first_end)) {
            size_t second_end = line_end(buf, len, first_end + 1);
            if (blank(buf, first_end + 1, second_end)) {
                a->title = na__clean_text((const char *)buf + start, first_end - start, true);
                a->raw_title = (na_range_t){ start, first_end };
                start = second_end < len ? second_end + 1 : len;
            }
        }
    }
    a->body = na__clean_text((const char *)buf + start, len - start, false);
    if (a->body)
        a->raw_body = (na_range_t){ start, len };
}

/* A body that opens with another metadata block is most likely a stream
 * of YAML documents read as Markdown (a file without a .yaml name); the
 * article is still read, but say so. */
static void warn_second_block(const unsigned char *buf, size_t len, size_t from, const na_parse_sink_t *sink)
{
    for (;;) {
        size_t e = line_end(buf, len, from);
        if (e == len || !blank(buf, from, e))
            break;
        from = e + 1;
    }
    size_t ys, ye, bs;
    if (from >= len || na__front_matter(buf + from, len - from, &ys, &ye, &bs) != NA__FM_CLOSED)
        return;
    json_t *meta = NULL;
    size_t line;
    char reason[64];
    if (na__yaml_load(buf + from + ys, ye - ys, 1, &meta, &line, reason, sizeof reason, NULL) &&
        json_is_object(meta))
        na__warn(sink, na__count_lines(buf, from) + 1,
                 "the body starts with another front matter block, read as text (a stream of YAML "
                 "documents needs a .yaml name or --input-format yaml)");
    json_decref(meta);
}

na_status_t na__parse_text(const unsigned char *buf, size_t len, bool front_matter, const na_parse_sink_t *sink,
                           na_error_t *err)
{
    (void)err;
    size_t start = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    na_article_t *a = na_article_new();
    a->format = front_matter ? NA_FORMAT_MARKDOWN : NA_FORMAT_TEXT;
    a->line = 1;

    bool had_block = false;
    if (front_matter) {
        size_t ys = 0, ye = 0, bs = 0;
        switch (na__front_matter(buf, len, &ys, &ye, &bs)) {
        case NA__FM_NONE:
            break;
        case NA__FM_UNCLOSED:
            na__reject(sink, 1, "front matter opened with '---' is never closed");
            na_article_free(a);
            return NA_OK;
        case NA__FM_CLOSED: {
            json_t *meta = NULL;
            size_t line = 2;
            char reason[256];
            /* The YAML starts on line 2, after the opening "---". */
            na__places_t fm_places;
            if (!na__yaml_load(buf + ys, ye - ys, 2, &meta, &line, reason, sizeof reason, &fm_places) ||
                (meta && !na__article_from_json(meta, a, false, reason, sizeof reason))) {
                na__reject(sink, line, "front matter: %s", reason);
                json_decref(meta);
                na_article_free(a);
                return NA_OK;
            }
            json_decref(meta);
            if (fm_places.title.end)
                a->raw_title = (na_range_t){ ys + fm_places.title.start, ys + fm_places.title.end };
            if (fm_places.dateline.end)
                a->raw_dateline = (na_range_t){ ys + fm_places.dateline.start, ys + fm_places.dateline.end };
            had_block = true;
            start = bs;
            warn_second_block(buf, len, bs, sink);
            break;
        }
        }
    }
    title_and_body(a, buf, len, start, front_matter);
    if (!a->title && !a->body) {
        /* A blank file holds no article, which the program reports; a
         * block of metadata with no text is a record that failed. */
        if (had_block)
            na__reject(sink, 1, "article has neither a title nor a body");
        na_article_free(a);
        return NA_OK;
    }
    na_article_set_raw(a, buf, len);
    a->legacy = !na_utf8_valid((const char *)buf, len);
    na__emit(sink, a);
    return NA_OK;
}
