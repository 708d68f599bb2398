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

/* Reads the record on LINE; returns the sink's "stop" answer. */
static int parse_line(const unsigned char *s, size_t n, size_t line, const na_parse_sink_t *sink)
{
    char *fixed = NULL;
    const char *text = (const char *)s;
    size_t text_len = n;
    if (na__needs_repair(text, n)) {
        fixed = na_utf8_sanitize(text, n);
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
    return na__emit_record(sink, obj, NA_FORMAT_JSONL, line, s, n);
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
