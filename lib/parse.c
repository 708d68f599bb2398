/* parse.c - choosing a format and the article-building helpers that the
 * front matter, YAML and JSON Lines readers share. */
#include "parse-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "utf8.h"

static bool has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n >= s && strcasecmp(name + n - s, suffix) == 0;
}

static bool starts_with_marker(const unsigned char *buf, size_t len)
{
    if (len >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf) {
        buf += 3;
        len -= 3;
    }
    return len >= 4 && memcmp(buf, "---", 3) == 0 && (buf[3] == '\n' || buf[3] == '\r');
}

na_format_t na_parse_detect(const char *name, const unsigned char *buf, size_t len)
{
    if (name) {
        if (has_suffix(name, ".sgm") || has_suffix(name, ".sgml"))
            return NA_FORMAT_REUTERS;
        if (has_suffix(name, ".jsonl") || has_suffix(name, ".ndjson"))
            return NA_FORMAT_JSONL;
        if (has_suffix(name, ".yaml") || has_suffix(name, ".yml"))
            return NA_FORMAT_YAML;
        if (has_suffix(name, ".md") || has_suffix(name, ".markdown"))
            return NA_FORMAT_MARKDOWN;
        if (has_suffix(name, ".txt") || has_suffix(name, ".text"))
            return starts_with_marker(buf, len) ? NA_FORMAT_MARKDOWN : NA_FORMAT_TEXT;
    }
    size_t i = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
        i++;
    if (starts_with_marker(buf, len))
        return NA_FORMAT_MARKDOWN;
    if (len - i >= 8 && (memcmp(buf + i, "<REUTERS", 8) == 0 || memcmp(buf + i, "<!DOCTYPE lewis", 15 <= len - i ? 15 : 8) == 0))
        return NA_FORMAT_REUTERS;
    if (i < len && buf[i] == '{')
        return NA_FORMAT_JSONL;
    return NA_FORMAT_TEXT;
}

na_status_t na_parse_buffer(na_format_t format, const char *name, const unsigned char *buf, size_t len,
                            const na_parse_sink_t *sink, na_error_t *err)
{
    (void)name;
    switch (format) {
    case NA_FORMAT_TEXT: return na__parse_text(buf, len, false, sink, err);
    case NA_FORMAT_MARKDOWN: return na__parse_text(buf, len, true, sink, err);
    case NA_FORMAT_YAML: return na__parse_yaml(buf, len, sink, err);
    case NA_FORMAT_JSONL: return na__parse_jsonl(buf, len, sink, err);
    case NA_FORMAT_REUTERS: return na__parse_reuters(buf, len, sink, err);
    case NA_FORMAT_AUTO: break;
    }
    return na_error_set(err, NA_ERR_INVALID, "no input format chosen");
}

typedef struct {
    na_article_t *first;
    char reason[256];
    size_t line;
} one_t;

static int take_first(na_article_t *a, void *ud)
{
    ((one_t *)ud)->first = a;
    return 1;
}

static void note_reject(size_t line, const char *reason, void *ud)
{
    one_t *one = ud;
    if (!one->reason[0]) {
        one->line = line;
        snprintf(one->reason, sizeof one->reason, "%s", reason);
    }
}

na_status_t na_parse_one(na_format_t format, const unsigned char *raw, size_t len, na_article_t **out,
                         na_error_t *err)
{
    one_t one = { NULL, "", 0 };
    na_parse_sink_t sink = { take_first, note_reject, &one };
    *out = NULL;
    na_status_t st = na_parse_buffer(format, NULL, raw, len, &sink, err);
    if (st)
        return st;
    if (!one.first)
        return na_error_set(err, NA_ERR_PARSE, "%zu: %s", one.line,
                            one.reason[0] ? one.reason : "no article found");
    *out = one.first;
    return NA_OK;
}

size_t na__count_lines(const unsigned char *s, size_t len)
{
    size_t n = 0;
    const unsigned char *end = s + len;
    while ((s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
        n++;
        s++;
    }
    return n;
}

char *na__text_dup(const char *s, size_t len)
{
    while (len && (unsigned char)*s <= ' ') {
        s++;
        len--;
    }
    while (len && (unsigned char)s[len - 1] <= ' ')
        len--;
    if (!len)
        return NULL;
    return na_utf8_valid(s, len) ? na_xstrndup(s, len) : na_utf8_sanitize(s, len);
}

/* ---- JSON objects (from JSON Lines or converted YAML) to articles ---- */

static char *json_scalar_text(json_t *v)
{
    if (json_is_string(v))
        return na__text_dup(json_string_value(v), json_string_length(v));
    if (json_is_integer(v))
        return na_xasprintf("%lld", (long long)json_integer_value(v));
    if (json_is_real(v))
        return na_xasprintf("%g", json_real_value(v));
    if (json_is_boolean(v))
        return na_xstrdup(json_is_true(v) ? "true" : "false");
    return NULL;
}

/* A list field may be one string or an array of strings. */
static bool add_list(na_strlist_t *list, json_t *v)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            char *s = json_scalar_text(item);
            if (!s && !json_is_null(item))
                return false;
            if (s)
                na_strlist_take(list, s);
        }
        return true;
    }
    if (json_is_null(v))
        return true;
    char *s = json_scalar_text(v);
    if (!s)
        return false;
    na_strlist_take(list, s);
    return true;
}

bool na__article_from_json(json_t *obj, na_article_t *a, bool want_body, char *reason, size_t reason_size)
{
    if (!json_is_object(obj)) {
        snprintf(reason, reason_size, "expected an object of article fields, found %s",
                 json_is_array(obj) ? "a list" : "a single value");
        return false;
    }
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        char **scalar = NULL;
        na_strlist_t *list = NULL;
        if (strcmp(key, "id") == 0) scalar = &a->id;
        else if (strcmp(key, "title") == 0) scalar = &a->title;
        else if (strcmp(key, "source") == 0) scalar = &a->source;
        else if (strcmp(key, "url") == 0) scalar = &a->url;
        else if (strcmp(key, "language") == 0) scalar = &a->language;
        else if (strcmp(key, "dateline") == 0) scalar = &a->dateline;
        else if (want_body && (strcmp(key, "body") == 0 || strcmp(key, "text") == 0)) scalar = &a->body;
        else if (strcmp(key, "authors") == 0 || strcmp(key, "author") == 0) list = &a->authors;
        else if (strcmp(key, "people") == 0) list = &a->people;
        else if (strcmp(key, "places") == 0) list = &a->places;
        else if (strcmp(key, "orgs") == 0) list = &a->orgs;
        else if (strcmp(key, "topics") == 0) list = &a->topics;

        if (scalar) {
            if (json_is_null(v))
                continue;
            char *s = json_scalar_text(v);
            if (!s && !json_is_string(v)) {
                snprintf(reason, reason_size, "'%s' should be a single value", key);
                return false;
            }
            free(*scalar);
            *scalar = s;
        } else if (list) {
            if (!add_list(list, v)) {
                snprintf(reason, reason_size, "'%s' should be a value or a list of values", key);
                return false;
            }
        } else if (strcmp(key, "date") == 0) {
            char *s = json_scalar_text(v);
            na_date_t d;
            if (s && na_date_parse_iso(s, &d)) {
                char iso[20];
                na_date_format_iso(&d, iso);
                a->date = na_xstrdup(iso);
            } else if (s) {
                /* Keep the article: a date nobody can read is kept as
                 * metadata rather than losing the whole story. */
                na_article_add_extra(a, "date_unparsed", s);
            }
            free(s);
        } else {
            char *s = json_is_string(v) ? na__text_dup(json_string_value(v), json_string_length(v))
                                        : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            if (s)
                na_article_add_extra(a, key, s);
            free(s);
        }
    }
    if (want_body && !a->title && !a->body) {
        snprintf(reason, reason_size, "article has neither a title nor a body");
        return false;
    }
    return true;
}
