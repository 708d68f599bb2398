/* parse-jsonl.c - JSON Lines: one article object per line.
 *
 * Each line is read on its own, so a bad line costs only its record.
 * A line that is not valid UTF-8 or holds control characters is repaired
 * before jansson sees it (jansson refuses both), which keeps Latin-1
 * exports and stray control codes from costing whole records.
 */
#include "parse-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    case JSON_OBJECT: break;
    }
    return "an object";
}

/* The end of the JSON string whose opening quote is at I (just after its
 * closing quote), or N when it is not closed. */
static size_t skip_string(const unsigned char *s, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return n;
}

/* The end of the JSON value starting at I: a string, an object or array
 * (brackets counted outside strings), or a literal up to the next
 * delimiter.  Nothing is checked; jansson has already accepted the line. */
static size_t skip_value(const unsigned char *s, size_t n, size_t i)
{
    if (i < n && s[i] == '"')
        return skip_string(s, n, i);
    if (i < n && (s[i] == '{' || s[i] == '[')) {
        size_t depth = 0;
        while (i < n) {
            if (s[i] == '"') {
                i = skip_string(s, n, i);
                continue;
            }
            if (s[i] == '{' || s[i] == '[')
                depth++;
            else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
                return i + 1;
            i++;
        }
        return n;
    }
    while (i < n && s[i] != ',' && s[i] != '}' && !na_is_space(s[i]))
        i++;
    return i;
}

static bool key_is(const unsigned char *s, size_t ks, size_t ke, const char *key)
{
    size_t k = strlen(key);
    return ke - ks == k + 2 && memcmp(s + ks + 1, key, k) == 0;
}

/* Finds the values of the top-level keys title, dateline, body and text
 * in the object on one line, so that what is found in an article's text
 * is placed in its own field's bytes, never in other metadata.  The
 * last occurrence counts, as in jansson; a key written with escapes is
 * not recognised (its field is then not placed). */
static void value_places(const unsigned char *s, size_t n, na__places_t *pl)
{
    na_range_t body = { 0, 0 }, text = { 0, 0 };
    bool body_null = true;
    size_t i = 0;
    while (i < n && na_is_space(s[i]))
        i++;
    if (i >= n || s[i] != '{')
        return;
    i++;
    for (;;) {
        while (i < n && (na_is_space(s[i]) || s[i] == ','))
            i++;
        if (i >= n || s[i] != '"')
            break;
        size_t ks = i;
        i = skip_string(s, n, i);
        size_t ke = i;
        while (i < n && (na_is_space(s[i]) || s[i] == ':'))
            i++;
        size_t vs = i;
        i = skip_value(s, n, i);
        na_range_t r = { vs, i };
        if (key_is(s, ks, ke, "title"))
            pl->title = r;
        else if (key_is(s, ks, ke, "dateline"))
            pl->dateline = r;
        else if (key_is(s, ks, ke, "body")) {
            body = r;
            body_null = i - vs == 4 && memcmp(s + vs, "null", 4) == 0;
        } else if (key_is(s, ks, ke, "text"))
            text = r;
    }
    /* As in na__article_from_json: "body" wins unless it is null. */
    pl->body = body.end && !body_null ? body : text;
}

/* Reads the record on LINE; returns the sink's "stop" answer. */
static int parse_line(const unsigned char *s, size_t n, size_t line, const na_parse_sink_t *sink)
{
    char *fixed = NULL;
    const char *text = (const char *)s;
    size_t text_len = n;
    na__places_t places = { { 0, 0 }, { 0, 0 }, { 0, 0 }, false };
    if (na__needs_repair(text, n)) {
        /* A record that is not UTF-8 is Windows-1252 as a whole. */
        fixed = na__repair(text, n, &places.legacy);
        text = fixed;
        text_len = strlen(fixed);
    }
    json_error_t jerr;
    json_t *obj = json_loadb(text, text_len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    free(fixed);
    if (!obj) {
        na__reject(sink, line, "invalid JSON at column %d: %s", jerr.column, jerr.text);
        return 0;
    }
    if (!json_is_object(obj)) {
        na__reject(sink, line, "expected an object, found %s", json_kind(obj));
        json_decref(obj);
        return 0;
    }
    value_places(s, n, &places);
    return na__emit_record(sink, obj, NA_FORMAT_JSONL, line, s, n, &places);
}

na_status_t na__parse_jsonl(const unsigned char *buf, size_t len, const na_parse_sink_t *sink, na_error_t *err)
{
    (void)err;
    size_t i = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    for (size_t line = 1; i < len; line++) {
        const unsigned char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) : len;
        size_t next = nl ? end + 1 : len;
        /* The record's bytes exclude its line break, "\r\n" included. */
        if (end > i && buf[end - 1] == '\r')
            end--;
        size_t s = i;
        while (s < end && na_is_space(buf[s]))
            s++;
        if (s < end && parse_line(buf + i, end - i, line, sink))
            break;
        i = next;
    }
    return NA_OK;
}
