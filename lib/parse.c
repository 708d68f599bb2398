/* parse.c - choosing a format, running a reader, and the helpers the
 * readers share: text clean-up, front matter location, and filling an
 * article from the JSON object that front matter, YAML documents and JSON
 * lines all become. */
#include "parse-internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "utf8.h"

/* ---- detection ---- */

static bool has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n >= s && strcasecmp(name + n - s, suffix) == 0;
}

static bool has_prefix(const unsigned char *buf, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(buf, prefix, n) == 0;
}

static bool only_blanks(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!na_is_space(s[i]))
            return false;
    return true;
}

static bool is_marker_line(const unsigned char *buf, size_t start, size_t end, bool dots_too);
static size_t line_end(const unsigned char *buf, size_t len, size_t i);

/* True when the YAML document [START, END) is a mapping holding a key an
 * article is made of, as every document of a stream of articles does. */
static bool article_document(const unsigned char *buf, size_t start, size_t end)
{
    json_t *obj = NULL;
    size_t line;
    char reason[64];
    if (!na__yaml_load(buf + start, end - start, 1, &obj, &line, reason, sizeof reason, NULL) || !obj)
        return false;
    bool ok = json_object_get(obj, "title") || json_object_get(obj, "body") || json_object_get(obj, "text");
    json_decref(obj);
    return ok;
}

/* True when the text from START is a stream of at least two YAML
 * documents split by "---" lines (the first "---" may be left out), each
 * an article's mapping.  Front matter is one such document followed by a
 * body, which is not a mapping of article keys; that is how the two are
 * told apart. */
static bool yaml_stream(const unsigned char *buf, size_t len, size_t start)
{
    size_t docs = 0, ds = start;
    size_t e = line_end(buf, len, ds);
    if (is_marker_line(buf, ds, e, false))
        ds = e < len ? e + 1 : len;
    for (;;) {
        size_t i = ds, de = len;
        while (i < len) {
            e = line_end(buf, len, i);
            if (is_marker_line(buf, i, e, false)) {
                de = i;
                break;
            }
            i = e + 1;
        }
        if (!only_blanks(buf + ds, de - ds)) {
            if (!article_document(buf, ds, de))
                return false;
            docs++;
        }
        if (de == len)
            break;
        e = line_end(buf, len, de);
        ds = e < len ? e + 1 : len;
    }
    return docs >= 2;
}

na_format_t na_parse_detect(const char *name, const unsigned char *buf, size_t len)
{
    size_t ys, ye, bs;
    if (!buf) {
        buf = (const unsigned char *)"";
        len = 0;
    }
    if (name) {
        if (has_suffix(name, ".txt") || has_suffix(name, ".text"))
            return na__front_matter(buf, len, &ys, &ye, &bs) == NA__FM_CLOSED ? NA_FORMAT_MARKDOWN
                                                                                : NA_FORMAT_TEXT;
        if (has_suffix(name, ".md") || has_suffix(name, ".markdown"))
            return NA_FORMAT_MARKDOWN;
        if (has_suffix(name, ".yaml") || has_suffix(name, ".yml"))
            return NA_FORMAT_YAML;
        if (has_suffix(name, ".jsonl") || has_suffix(name, ".ndjson"))
            return NA_FORMAT_JSONL;
        if (has_suffix(name, ".sgm") || has_suffix(name, ".sgml"))
            return NA_FORMAT_REUTERS;
    }
    /* A "---" block with text after it is front matter; without, it is
     * the first of a stream of YAML documents. */
    na__fm_t fm = na__front_matter(buf, len, &ys, &ye, &bs);
    size_t i = has_prefix(buf, len, "\xef\xbb\xbf") ? 3 : 0;
    if (fm == NA__FM_CLOSED) {
        if (only_blanks(buf + bs, len - bs))
            return NA_FORMAT_YAML;
        /* A block closed by "---" and followed by more such blocks is a
         * stream of documents, not front matter with a body. */
        if (has_prefix(buf + ye, len - ye, "---") && yaml_stream(buf, len, i))
            return NA_FORMAT_YAML;
        return NA_FORMAT_MARKDOWN;
    }
    if (fm == NA__FM_UNCLOSED)
        return NA_FORMAT_YAML;
    /* A stream whose first document has no "---" line: only worth a look
     * when the text opens like a mapping key and has a "---" line. */
    if (i < len && ((buf[i] >= 'a' && buf[i] <= 'z') || (buf[i] >= 'A' && buf[i] <= 'Z')) &&
        memmem(buf + i, len - i, "\n---", 4) && yaml_stream(buf, len, i))
        return NA_FORMAT_YAML;
    while (i < len && na_is_space(buf[i]))
        i++;
    if (has_prefix(buf + i, len - i, "<!DOCTYPE lewis") ||
        (has_prefix(buf + i, len - i, "<REUTERS") &&
         (len - i == 8 || buf[i + 8] == '>' || na_is_space(buf[i + 8]))))
        return NA_FORMAT_REUTERS;
    if (i < len && buf[i] == '{')
        return NA_FORMAT_JSONL;
    return NA_FORMAT_TEXT;
}

/* ---- running a reader ---- */

na_status_t na_parse_buffer(na_format_t format, const char *name, const unsigned char *buf, size_t len,
                            const na_parse_sink_t *sink, na_error_t *err)
{
    (void)name;
    if (!buf && len)
        return na_error_set(err, NA_ERR_INVALID, "no input buffer");
    if (!buf)
        buf = (const unsigned char *)"";
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
    size_t line;
    char reason[256];
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
    one_t one = { NULL, 0, "" };
    na_parse_sink_t sink = { take_first, note_reject, &one, NULL };
    *out = NULL;
    na_status_t st = na_parse_buffer(format, NULL, raw, len, &sink, err);
    if (st != NA_OK) {
        na_article_free(one.first);
        return st;
    }
    if (!one.first) {
        if (one.reason[0])
            return na_error_set(err, NA_ERR_PARSE, "%zu: %s", one.line, one.reason);
        return na_error_set(err, NA_ERR_PARSE, "no article found");
    }
    *out = one.first;
    return NA_OK;
}

/* ---- helpers for the readers ---- */

int na__emit(const na_parse_sink_t *sink, na_article_t *a)
{
    /* Said here, once for every format, so that no reader can forget. */
    if (a->date_unreadable) {
        const char *raw = "";
        for (size_t i = 0; i < a->extra_count; i++)
            if (strcmp(a->extra[i].key, "date_raw") == 0)
                raw = a->extra[i].value;
        size_t n = strlen(raw) > 80 ? 80 : strlen(raw);
        while (n && ((unsigned char)raw[n] & 0xc0) == 0x80)
            n--; /* cut between characters */
        na__warn(sink, a->line, "cannot read the date '%.*s%s'; the article is indexed undated", (int)n, raw,
                 raw[n] ? "..." : "");
    }
    if (!sink->article) {
        na_article_free(a);
        return 0;
    }
    return sink->article(a, sink->ud);
}

int na__emit_record(const na_parse_sink_t *sink, json_t *obj, na_format_t format, size_t line,
                    const void *raw, size_t raw_len, const na__places_t *places)
{
    na_article_t *a = na_article_new();
    a->format = format;
    a->line = line;
    if (places) {
        a->raw_title = places->title;
        a->raw_dateline = places->dateline;
        a->raw_body = places->body;
        a->legacy = places->legacy;
    }
    na_article_set_raw(a, raw, raw_len);
    char reason[256];
    bool ok = na__article_from_json(obj, a, true, reason, sizeof reason);
    json_decref(obj);
    if (!ok) {
        na__reject(sink, line, "%s", reason);
        na_article_free(a);
        return 0;
    }
    return na__emit(sink, a);
}

/* Formats a diagnostic onto one line, whatever a source message held. */
static void one_line_reason(char *reason, size_t size, const char *fmt, va_list ap)
{
    vsnprintf(reason, size, fmt, ap);
    for (char *p = reason; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
}

void na__reject(const na_parse_sink_t *sink, size_t line, const char *fmt, ...)
{
    if (!sink->reject)
        return;
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    one_line_reason(reason, sizeof reason, fmt, ap);
    va_end(ap);
    sink->reject(line, reason, sink->ud);
}

void na__warn(const na_parse_sink_t *sink, size_t line, const char *fmt, ...)
{
    if (!sink->warn)
        return;
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    one_line_reason(reason, sizeof reason, fmt, ap);
    va_end(ap);
    sink->warn(line, reason, sink->ud);
}

size_t na__count_lines(const unsigned char *s, size_t len)
{
    size_t n = 0;
    const unsigned char *end = s + len;
    while (s < end && (s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
        n++;
        s++;
    }
    return n;
}

/* True when [START, END) is "---" (or "...") with nothing but blanks
 * after it; END is the index of the line's '\n' or the buffer's end. */
static bool is_marker_line(const unsigned char *buf, size_t start, size_t end, bool dots_too)
{
    if (end - start < 3)
        return false;
    if (memcmp(buf + start, "---", 3) != 0 && !(dots_too && memcmp(buf + start, "...", 3) == 0))
        return false;
    for (size_t i = start + 3; i < end; i++)
        if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r')
            return false;
    return true;
}

static size_t line_end(const unsigned char *buf, size_t len, size_t i)
{
    const unsigned char *nl = memchr(buf + i, '\n', len - i);
    return nl ? (size_t)(nl - buf) : len;
}

na__fm_t na__front_matter(const unsigned char *buf, size_t len, size_t *yaml_start, size_t *yaml_end,
                          size_t *body_start)
{
    size_t i = has_prefix(buf, len, "\xef\xbb\xbf") ? 3 : 0;
    size_t e = line_end(buf, len, i);
    if (!is_marker_line(buf, i, e, false))
        return NA__FM_NONE;
    *yaml_start = i = e < len ? e + 1 : len;
    while (i < len) {
        e = line_end(buf, len, i);
        if (is_marker_line(buf, i, e, true)) {
            *yaml_end = i;
            *body_start = e < len ? e + 1 : len;
            return NA__FM_CLOSED;
        }
        i = e + 1;
    }
    return NA__FM_UNCLOSED;
}

bool na__needs_repair(const char *s, size_t len)
{
    /* Text is mostly printable ASCII: eight bytes at a time skip when
     * none is below 0x20 or above 0x7f (the classic "has less than"
     * test, exact for a byte below 0x80), and ASCII alone is valid UTF-8.
     * Every line break sends its eight bytes the slow way. */
    bool high = false;
    size_t i = 0;
    while (i < len) {
        if (len - i >= 8) {
            uint64_t w = na_load8(s + i);
            if (!na_has_high(w) && !na_has_below(w, 0x20)) {
                i += 8;
                continue;
            }
        }
        unsigned char c = (unsigned char)s[i++];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return true;
        high |= c >= 0x80;
    }
    return high && !na_utf8_valid(s, len);
}

char *na__repair(const char *s, size_t len, bool *legacy)
{
    bool utf8 = na_utf8_valid(s, len);
    if (legacy)
        *legacy = !utf8;
    return utf8 ? na_utf8_sanitize(s, len) : na_cp1252_decode(s, len);
}

char *na__clean_text(const char *s, size_t len, bool one_line)
{
    char *fixed = NULL;
    if (na__needs_repair(s, len)) {
        fixed = na__repair(s, len, NULL);
        s = fixed;
        len = strlen(fixed);
    }
    while (len && na_is_space((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && na_is_space((unsigned char)s[len - 1]))
        len--;
    char *out = NULL;
    if (len && !one_line) {
        out = na_xstrndup(s, len);
    } else if (len) {
        out = na_xmalloc(len + 1);
        size_t o = 0;
        for (size_t i = 0; i < len;) {
            if (!one_line || !na_is_space((unsigned char)s[i])) {
                out[o++] = s[i++];
                continue;
            }
            size_t j = i;
            bool breaks = false;
            while (j < len && na_is_space((unsigned char)s[j])) {
                if (s[j] == '\n' || s[j] == '\r')
                    breaks = true;
                j++;
            }
            if (breaks) {
                out[o++] = ' ';
            } else {
                memcpy(out + o, s + i, j - i);
                o += j - i;
            }
            i = j;
        }
        out[o] = '\0';
    }
    free(fixed);
    return out;
}

/* ---- JSON objects (JSON Lines, YAML documents, front matter) to articles ---- */

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "a list";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

/* The text of a scalar as written (numbers as JSON writes them), or NULL
 * for null, lists and objects.  Not trimmed; caller frees. */
static char *scalar_text(const json_t *v)
{
    if (json_is_string(v))
        return na_xstrndup(json_string_value(v), json_string_length(v));
    if (json_is_integer(v))
        return na_xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    if (json_is_boolean(v))
        return na_xstrdup(json_is_true(v) ? "true" : "false");
    if (json_is_real(v)) {
        /* 15 digits, so 0.1 reads "0.1" rather than its binary value. */
        char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
        char *copy = na_xstrdup(s ? s : "");
        free(s);
        return copy;
    }
    return NULL;
}

/* A cleaned scalar for a model field; NULL when it is blank. */
static char *field_text(const json_t *v, bool one_line)
{
    if (json_is_string(v))
        return na__clean_text(json_string_value(v), json_string_length(v), one_line);
    char *s = scalar_text(v);
    char *clean = s ? na__clean_text(s, strlen(s), one_line) : NULL;
    free(s);
    return clean;
}

/* A list field holds one scalar or a list of scalars; nulls and blank
 * items are skipped. */
static bool add_list(na_strlist_t *list, const char *key, const json_t *v, char *reason, size_t reason_size)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            if (json_is_null(item))
                continue;
            if (json_is_array(item) || json_is_object(item)) {
                snprintf(reason, reason_size, "'%s' should be a list of single values, found %s in it", key,
                         json_kind(item));
                return false;
            }
            char *s = field_text(item, true);
            if (s)
                na_strlist_take(list, s);
        }
        return true;
    }
    if (json_is_object(v)) {
        snprintf(reason, reason_size, "'%s' should be a value or a list of values, found an object", key);
        return false;
    }
    char *s = field_text(v, true);
    if (s)
        na_strlist_take(list, s);
    return true;
}

static void set_date(na_article_t *a, const json_t *v)
{
    char *s = scalar_text(v);
    na_date_t d;
    if (s && na_date_parse(s, &d)) {
        char iso[20];
        na_date_format_iso(&d, iso);
        free(a->date);
        a->date = na_xstrdup(iso);
    } else {
        /* A date nobody can read costs the article its date, not the
         * whole article; the original stays visible as metadata.  A
         * blank one is no date at all. */
        char *raw = s ? s : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        char *clean = raw ? na__clean_text(raw, strlen(raw), true) : NULL;
        if (clean) {
            na_article_add_extra(a, "date_raw", clean);
            a->date_unreadable = true;
        }
        free(clean);
        if (raw != s)
            free(raw);
    }
    free(s);
}

static void add_extra(na_article_t *a, const char *key, const json_t *v)
{
    char *s = NULL;
    if (json_is_string(v)) {
        const char *str = json_string_value(v);
        size_t n = json_string_length(v);
        s = na_utf8_valid(str, n) ? na_xstrndup(str, n) : na_utf8_sanitize(str, n);
    } else if (json_is_array(v) || json_is_object(v) || json_is_null(v)) {
        s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    } else {
        s = scalar_text(v);
    }
    na_article_add_extra(a, key, s ? s : "");
    free(s);
}

typedef enum { K_SCALAR, K_LINE, K_LIST, K_DATE, K_BODY } key_kind_t;

static const struct {
    const char *key;
    key_kind_t kind;
    size_t offset; /* of the char * or na_strlist_t in na_article_t */
} article_keys[] = {
    { "id", K_LINE, offsetof(na_article_t, id) },
    { "title", K_LINE, offsetof(na_article_t, title) },
    { "date", K_DATE, 0 },
    { "source", K_LINE, offsetof(na_article_t, source) },
    { "url", K_LINE, offsetof(na_article_t, url) },
    { "language", K_LINE, offsetof(na_article_t, language) },
    { "dateline", K_LINE, offsetof(na_article_t, dateline) },
    { "authors", K_LIST, offsetof(na_article_t, authors) },
    { "people", K_LIST, offsetof(na_article_t, people) },
    { "places", K_LIST, offsetof(na_article_t, places) },
    { "orgs", K_LIST, offsetof(na_article_t, orgs) },
    { "topics", K_LIST, offsetof(na_article_t, topics) },
    { "exchanges", K_LIST, offsetof(na_article_t, exchanges) },
    { "body", K_BODY, 0 },
    { "text", K_BODY, 0 },
};

bool na__article_from_json(json_t *obj, na_article_t *a, bool want_body, char *reason, size_t reason_size)
{
    if (!json_is_object(obj)) {
        snprintf(reason, reason_size, "expected an object, found %s", json_kind(obj));
        return false;
    }
    /* "body" wins over "text" when a record has both; the other is kept
     * as metadata like any unknown key. */
    const char *body_key = NULL;
    if (want_body)
        body_key = json_object_get(obj, "body") && !json_is_null(json_object_get(obj, "body")) ? "body" : "text";

    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t k = 0, nkeys = sizeof article_keys / sizeof *article_keys;
        while (k < nkeys && strcmp(article_keys[k].key, key) != 0)
            k++;
        key_kind_t kind = k < nkeys ? article_keys[k].kind : K_SCALAR;
        if (kind == K_BODY && (!body_key || strcmp(key, body_key) != 0))
            kind = K_SCALAR;
        if (k == nkeys || kind == K_SCALAR) {
            add_extra(a, key, v);
            continue;
        }
        if (json_is_null(v))
            continue;
        switch (kind) {
        case K_LINE:
        case K_BODY: {
            if (json_is_array(v) || json_is_object(v)) {
                snprintf(reason, reason_size, "'%s' should be a single value, found %s", key, json_kind(v));
                return false;
            }
            char **field = kind == K_BODY ? &a->body : (char **)((char *)a + article_keys[k].offset);
            free(*field);
            *field = field_text(v, kind == K_LINE);
            break;
        }
        case K_LIST:
            if (!add_list((na_strlist_t *)((char *)a + article_keys[k].offset), key, v, reason, reason_size))
                return false;
            break;
        case K_DATE:
            /* An unreadable date costs the article its date; a list or
             * map is a record of the wrong shape, like any other key. */
            if (json_is_array(v) || json_is_object(v)) {
                snprintf(reason, reason_size, "'%s' should be a single value, found %s", key, json_kind(v));
                return false;
            }
            set_date(a, v);
            break;
        case K_SCALAR: break;
        }
    }
    if (want_body && !a->title && !a->body) {
        snprintf(reason, reason_size, "article has neither a title nor a body");
        return false;
    }
    return true;
}
