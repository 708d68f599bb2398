/* parse-text.c - plain text ("Title\n\nBody") and text or Markdown with a
 * YAML front matter block.  One article per file. */
#include "parse-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The end of the line starting at I (the index of its '\n', or LEN). */
static size_t line_end(const unsigned char *buf, size_t len, size_t i)
{
    const unsigned char *nl = memchr(buf + i, '\n', len - i);
    return nl ? (size_t)(nl - buf) : len;
}

static bool line_is(const unsigned char *buf, size_t start, size_t end, const char *what)
{
    size_t n = strlen(what);
    while (end > start && (buf[end - 1] == '\r' || buf[end - 1] == ' ' || buf[end - 1] == '\t'))
        end--;
    return end - start == n && memcmp(buf + start, what, n) == 0;
}

static bool line_blank(const unsigned char *buf, size_t start, size_t end)
{
    for (size_t i = start; i < end; i++)
        if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r')
            return false;
    return true;
}

/* Plain text: a first line followed by a blank line is the title. */
static void split_title(na_article_t *a, const unsigned char *buf, size_t len, size_t start)
{
    while (start < len && (buf[start] == '\n' || buf[start] == '\r'))
        start++;
    size_t first_end = line_end(buf, len, start);
    if (first_end < len) {
        size_t second_end = line_end(buf, len, first_end + 1);
        if (line_blank(buf, first_end + 1, second_end) && !line_blank(buf, start, first_end)) {
            a->title = na__text_dup((const char *)buf + start, first_end - start);
            start = second_end < len ? second_end + 1 : len;
        }
    }
    a->body = na__text_dup((const char *)buf + start, len - start);
}

na_status_t na__parse_text(const unsigned char *buf, size_t len, bool front_matter, const na_parse_sink_t *sink,
                           na_error_t *err)
{
    na_article_t *a = na_article_new();
    a->format = front_matter ? NA_FORMAT_MARKDOWN : NA_FORMAT_TEXT;
    a->line = 1;
    na_article_set_raw(a, buf, len);

    size_t pos = 0;
    if (len >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
        pos = 3; /* a byte order mark */
    if (front_matter && line_is(buf, pos, line_end(buf, len, pos), "---")) {
        size_t yaml_start = line_end(buf, len, pos) + 1, i = yaml_start, end = len, line = 2;
        bool closed = false;
        while (i < len) {
            size_t e = line_end(buf, len, i);
            if (line_is(buf, i, e, "---") || line_is(buf, i, e, "...")) {
                end = i;
                i = e < len ? e + 1 : len;
                closed = true;
                break;
            }
            i = e < len ? e + 1 : len;
            line++;
        }
        if (!closed) {
            sink->reject(1, "front matter opened with '---' is never closed", sink->ud);
            na_article_free(a);
            return NA_OK;
        }
        json_t *meta = NULL;
        size_t bad_line = 0;
        char reason[256];
        if (end > yaml_start) {
            if (!na__yaml_load(buf + yaml_start, end - yaml_start, &meta, &bad_line, reason, sizeof reason)) {
                char msg[300];
                snprintf(msg, sizeof msg, "front matter: %s", reason);
                sink->reject(bad_line + 1, msg, sink->ud);
                na_article_free(a);
                return NA_OK;
            }
        }
        if (meta && !json_is_null(meta)) {
            bool ok = na__article_from_json(meta, a, false, reason, sizeof reason);
            json_decref(meta);
            if (!ok) {
                char msg[300];
                snprintf(msg, sizeof msg, "front matter: %s", reason);
                sink->reject(2, msg, sink->ud);
                na_article_free(a);
                return NA_OK;
            }
        } else {
            json_decref(meta);
        }
        (void)line;
        if (a->title)
            a->body = na__text_dup((const char *)buf + i, len - i);
        else
            split_title(a, buf, len, i);
    } else {
        split_title(a, buf, len, pos);
    }
    if (!a->title && !a->body) {
        sink->reject(1, "no text", sink->ud);
        na_article_free(a);
        return NA_OK;
    }
    (void)err;
    sink->article(a, sink->ud);
    return NA_OK;
}
