/* parse-jsonl.c - JSON Lines: one article object per line. */
#include "parse-internal.h"

#include <stdio.h>
#include <string.h>

na_status_t na__parse_jsonl(const unsigned char *buf, size_t len, const na_parse_sink_t *sink, na_error_t *err)
{
    (void)err;
    size_t i = 0, line = 0;
    while (i < len) {
        line++;
        const unsigned char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) : len;
        size_t next = nl ? end + 1 : len;
        size_t e = end;
        if (e > i && buf[e - 1] == '\r')
            e--;
        size_t s = i;
        while (s < e && (buf[s] == ' ' || buf[s] == '\t'))
            s++;
        if (s == e) {
            i = next;
            continue;
        }
        json_error_t jerr;
        json_t *obj = json_loadb((const char *)buf + i, e - i, JSON_REJECT_DUPLICATES, &jerr);
        char reason[300];
        if (!obj) {
            snprintf(reason, sizeof reason, "invalid JSON at column %d: %s", jerr.column, jerr.text);
            sink->reject(line, reason, sink->ud);
            i = next;
            continue;
        }
        na_article_t *a = na_article_new();
        a->format = NA_FORMAT_JSONL;
        a->line = line;
        na_article_set_raw(a, buf + i, end - i);
        bool ok = na__article_from_json(obj, a, true, reason, sizeof reason);
        json_decref(obj);
        if (!ok) {
            sink->reject(line, reason, sink->ud);
            na_article_free(a);
        } else if (sink->article(a, sink->ud)) {
            break;
        }
        i = next;
    }
    return NA_OK;
}
