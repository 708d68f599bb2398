/* parse-yaml.c - YAML files with one article per document, and the loader
 * that front matter uses too.
 *
 * libyaml's document API loads one document at a time, so a file is read
 * as a stream: each document becomes a JSON object and then an article
 * (parse.c).  Values of the top-level mapping stay strings exactly as
 * written ("id: 007" is "007", a date is parsed by date.h, not by YAML's
 * timestamp rules); deeper plain scalars get YAML's core-schema types so
 * that a nested list or map is kept as faithful JSON.
 *
 * libyaml counts marks in characters, not bytes, and text that is not
 * valid UTF-8 or holds control characters is repaired before libyaml sees
 * it, so positions are mapped back to the file by line: repair never adds
 * or removes a line break.  libyaml also breaks lines at a lone CR and at
 * U+0085, U+2028 and U+2029, which editors and grep do not: those are
 * neutralised in the copy libyaml reads (same bytes, same characters), so
 * its lines are the file's lines.
 *
 * libyaml's scanner takes time quadratic in the depth of flow nesting, so
 * that depth is bounded before libyaml sees a document (flow_too_deep()).
 */
#include "parse-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "utf8.h"

/* Deeper nesting is not an article; the limit also bounds recursion. */
#define MAX_DEPTH 64

/* Open '[' and '{' a document may hold at once before libyaml is asked to
 * read it.  Every bracket counts, quoted, commented or in a block scalar
 * too, so the count can be too high but input cannot hide nesting from
 * it; no article comes near it (the 64 levels above reject far less),
 * and libyaml takes milliseconds at this depth. */
#define MAX_FLOW_OPEN 1000

/* The length of a line break libyaml sees and this file does not at I in
 * the LEN bytes at T (a CR not before LF, U+0085, U+2028, U+2029), or 0. */
static size_t odd_break(const unsigned char *t, size_t len, size_t i)
{
    if (t[i] == '\r')
        return i + 1 == len || t[i + 1] != '\n';
    if (t[i] == 0xc2 && i + 1 < len && t[i + 1] == 0x85)
        return 2;
    if (t[i] == 0xe2 && i + 2 < len && t[i + 1] == 0x80 && (t[i + 2] == 0xa8 || t[i + 2] == 0xa9))
        return 3;
    return 0;
}

/* Returns a malloc()ed copy of the LEN bytes at T (or T itself, changed
 * in place, when OWNED) whose odd line breaks became a blank, U+00A0 or
 * U+202F: the same number of bytes and characters, so libyaml's marks
 * still point at the file.  NULL, T untouched, when there are none. */
static unsigned char *neutral_breaks(unsigned char *t, size_t len, bool owned)
{
    unsigned char *out = NULL;
    for (size_t i = 0; i < len; i++) {
        size_t n = t[i] == '\r' || t[i] == 0xc2 || t[i] == 0xe2 ? odd_break(t, len, i) : 0;
        if (!n)
            continue;
        if (!out) {
            out = owned ? t : na_xmalloc(len + 1);
            if (!owned) {
                memcpy(out, t, len);
                out[len] = '\0';
            }
        }
        if (n == 1)
            out[i] = ' ';
        else if (n == 2)
            out[i + 1] = 0xa0;
        else
            out[i + 2] = 0xaf;
        i += n - 1;
    }
    return out;
}

/* Finds the first document at or after offset FROM of the LEN bytes at T
 * (FROM starts a line, and a document) that opens more than
 * MAX_FLOW_OPEN brackets at once.  Returns false when there is none;
 * else true with the offset of its first line in *DOC (FROM or a "---"
 * line), the line breaks from FROM to it in *DOC_LINES and to where the
 * bound is passed in *DEEP_LINES. */
static bool flow_too_deep(const unsigned char *t, size_t len, size_t from, size_t *doc, size_t *doc_lines,
                          size_t *deep_lines)
{
    size_t depth = 0, lines = 0, start = from, start_lines = 0;
    for (size_t i = from; i < len; i++) {
        unsigned char c = t[i];
        if (c == '[' || c == '{') {
            if (++depth > MAX_FLOW_OPEN) {
                *doc = start;
                *doc_lines = start_lines;
                *deep_lines = lines;
                return true;
            }
        } else if (c == ']' || c == '}') {
            if (depth)
                depth--;
        } else if (c == '\n') {
            lines++;
            if (i + 3 < len && memcmp(t + i + 1, "---", 3) == 0 &&
                (i + 4 == len || t[i + 4] == ' ' || t[i + 4] == '\t' || t[i + 4] == '\r' || t[i + 4] == '\n')) {
                depth = 0;
                start = i + 1;
                start_lines = lines;
            }
        }
    }
    return false;
}

typedef struct {
    yaml_document_t *doc;
    size_t budget;     /* nodes left to convert: aliases can share nodes */
    size_t first_line; /* file line of the loaded text's first line */
    size_t bad_line;
    char *reason;
    size_t reason_size;
} conv_t;

static const char *node_kind(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_SEQUENCE_NODE: return "a sequence";
    case YAML_SCALAR_NODE: return "a scalar";
    case YAML_NO_NODE: break;
    }
    return "nothing";
}

static bool equals(const char *v, size_t n, const char *what)
{
    return strlen(what) == n && memcmp(v, what, n) == 0;
}

static bool is_plain_null(const yaml_node_t *node)
{
    if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = (const char *)node->data.scalar.value;
    size_t n = node->data.scalar.length;
    return n == 0 || equals(v, n, "~") || equals(v, n, "null") || equals(v, n, "Null") || equals(v, n, "NULL");
}

static bool all_digits(const char *v, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (v[i] < '0' || v[i] > '9')
            return false;
    return true;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool is_float(const char *v, size_t n)
{
    size_t i = 0, mant = 0;
    if (i < n && (v[i] == '-' || v[i] == '+'))
        i++;
    while (i < n && v[i] >= '0' && v[i] <= '9')
        i++, mant++;
    if (i < n && v[i] == '.') {
        i++;
        while (i < n && v[i] >= '0' && v[i] <= '9')
            i++, mant++;
    }
    if (!mant)
        return false;
    if (i < n && (v[i] == 'e' || v[i] == 'E')) {
        i++;
        if (i < n && (v[i] == '-' || v[i] == '+'))
            i++;
        size_t e = i;
        while (i < n && v[i] >= '0' && v[i] <= '9')
            i++;
        if (i == e)
            return false;
    }
    return i == n;
}

/* A scalar inside a list or map: a plain one typed as YAML's core schema
 * says, anything not clearly a number, boolean or null a string. */
static json_t *typed_scalar(const yaml_node_t *node)
{
    const char *v = (const char *)node->data.scalar.value;
    size_t n = node->data.scalar.length;
    if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return json_stringn(v, n); /* quoted or block: a string */
    if (is_plain_null(node))
        return json_null();
    if (equals(v, n, "true") || equals(v, n, "True") || equals(v, n, "TRUE"))
        return json_true();
    if (equals(v, n, "false") || equals(v, n, "False") || equals(v, n, "FALSE"))
        return json_false();
    if (n < 64 && (is_float(v, n) || all_digits(v + (n && (v[0] == '-' || v[0] == '+')),
                                                n - (n && (v[0] == '-' || v[0] == '+'))))) {
        char tmp[64], *end;
        memcpy(tmp, v, n);
        tmp[n] = '\0';
        bool integer = all_digits(tmp + (tmp[0] == '-' || tmp[0] == '+'), n - (tmp[0] == '-' || tmp[0] == '+'));
        errno = 0;
        if (integer) {
            long long i = strtoll(tmp, &end, 10);
            if (!errno && *end == '\0')
                return json_integer(i);
        } else {
            double d = strtod(tmp, &end);
            if (!errno && *end == '\0')
                return json_real(d);
        }
    }
    return json_stringn(v, n);
}

static json_t *fail(conv_t *c, const yaml_node_t *node, const char *reason)
{
    if (!c->bad_line) {
        c->bad_line = c->first_line + node->start_mark.line;
        snprintf(c->reason, c->reason_size, "%s", reason);
    }
    return NULL;
}

static json_t *to_json(conv_t *c, yaml_node_t *node, int depth)
{
    if (depth > MAX_DEPTH)
        return fail(c, node, "values nested too deeply");
    if (c->budget-- == 0)
        return fail(c, node, "aliases expand to too many values");
    switch (node->type) {
    case YAML_SCALAR_NODE:
        /* Values of the article mapping stay as written. */
        if (depth <= 1 && !is_plain_null(node))
            return json_stringn((const char *)node->data.scalar.value, node->data.scalar.length);
        return typed_scalar(node);
    case YAML_SEQUENCE_NODE: {
        json_t *arr = json_array();
        for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
            yaml_node_t *item = yaml_document_get_node(c->doc, *it);
            json_t *v = item ? to_json(c, item, depth + 1) : json_null();
            if (!v) {
                json_decref(arr);
                return NULL;
            }
            json_array_append_new(arr, v);
        }
        return arr;
    }
    case YAML_MAPPING_NODE: {
        json_t *obj = json_object();
        for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
            yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
            if (!k || k->type != YAML_SCALAR_NODE) {
                json_decref(obj);
                return fail(c, k ? k : node, "a key must be a single value, not a list or mapping");
            }
            char *key = na_xstrndup((const char *)k->data.scalar.value, k->data.scalar.length);
            if (json_object_get(obj, key)) {
                char msg[160];
                snprintf(msg, sizeof msg, "duplicate key '%.100s'", key);
                free(key);
                json_decref(obj);
                return fail(c, k, msg);
            }
            json_t *v = vn ? to_json(c, vn, depth + 1) : json_null();
            if (!v) {
                free(key);
                json_decref(obj);
                return NULL;
            }
            json_object_set_new(obj, key, v);
            free(key);
        }
        return obj;
    }
    case YAML_NO_NODE: break;
    }
    return fail(c, node, "empty node");
}

/* Converts the root of DOC, which must be a mapping, into *OUT; a root
 * of another kind is reported at DOC_LINE (the document's first line). */
static bool convert_root(yaml_document_t *doc, yaml_node_t *root, size_t first_line, size_t doc_line,
                         json_t **out, size_t *line, char *reason, size_t reason_size)
{
    if (root->type != YAML_MAPPING_NODE) {
        *line = doc_line;
        snprintf(reason, reason_size, "expected an object (a mapping of article fields), found %s",
                 node_kind(root));
        return false;
    }
    size_t nodes = (size_t)(doc->nodes.top - doc->nodes.start);
    conv_t c = { doc, 16 * nodes + 1024, first_line, 0, reason, reason_size };
    *out = to_json(&c, root, 0);
    if (!*out)
        *line = c.bad_line ? c.bad_line : first_line + root->start_mark.line;
    return *out != NULL;
}

/* LINE (0-based in the LEN bytes at TEXT), or the text's last line when
 * LINE is past it: libyaml moves to a new line at the end of a stream
 * that ends with a break.  Costs the bytes up to LINE. */
static size_t last_line_at_most(const unsigned char *text, size_t len, size_t line)
{
    size_t off = 0;
    for (size_t n = 0; n < line; n++) {
        const unsigned char *nl = off < len ? memchr(text + off, '\n', len - off) : NULL;
        if (!nl)
            return n; /* fewer breaks than LINE: the last line is N */
        off = (size_t)(nl - text) + 1;
    }
    return off == len && line > 0 ? line - 1 : line;
}

/* libyaml's complaint as one line, and the line (0-based within the
 * loaded TEXT, whose first line is file line FIRST_LINE) where it was
 * found; AT_END says TEXT ends the file, so no line may be past it. */
static size_t yaml_problem(const yaml_parser_t *p, const unsigned char *text, size_t len, size_t first_line,
                           bool at_end, char *reason, size_t reason_size)
{
    const char *problem = p->problem ? p->problem : "invalid YAML";
    if (p->error == YAML_MEMORY_ERROR) {
        snprintf(reason, reason_size, "out of memory while reading YAML");
        return 0;
    }
    if (p->error == YAML_READER_ERROR) {
        if (p->problem_value != -1)
            snprintf(reason, reason_size, "%s (#x%X)", problem, (unsigned)p->problem_value);
        else
            snprintf(reason, reason_size, "%s", problem);
        return na__count_lines(text, p->problem_offset < len ? p->problem_offset : len);
    }
    size_t line = at_end ? last_line_at_most(text, len, p->problem_mark.line) : p->problem_mark.line;
    if (p->context && p->context_mark.line != line)
        snprintf(reason, reason_size, "%s %s started on line %zu", problem, p->context,
                 first_line + p->context_mark.line);
    else if (p->context)
        snprintf(reason, reason_size, "%s %s", problem, p->context);
    else
        snprintf(reason, reason_size, "%s", problem);
    return line;
}

/* Finds byte offsets of lines, moving forward only, so that mapping every
 * document of a file costs one pass over it. */
typedef struct {
    const unsigned char *buf;
    size_t len;
    size_t line; /* 1-based line that starts at OFF */
    size_t off;
} line_cursor_t;

/* The offset where LINE starts (LEN when the buffer ends first). */
static size_t line_offset(line_cursor_t *c, size_t line)
{
    while (c->line < line && c->off < c->len) {
        const unsigned char *nl = memchr(c->buf + c->off, '\n', c->len - c->off);
        c->off = nl ? (size_t)(nl - c->buf) + 1 : c->len;
        c->line++;
    }
    return c->off;
}

/* The byte offset in C's buffer of a libyaml mark at 0-based COLUMN (in
 * characters) of the 1-based LINE.  Text read as Windows-1252 has one
 * character per byte; valid UTF-8 is walked character by character. */
static size_t mark_offset(line_cursor_t *c, size_t line, size_t column, bool legacy)
{
    size_t off = line_offset(c, line);
    if (legacy)
        return off + column < c->len ? off + column : c->len;
    while (column > 0 && off < c->len && c->buf[off] != '\n') {
        off++;
        while (off < c->len && (c->buf[off] & 0xc0) == 0x80)
            off++;
        column--;
    }
    return off;
}

/* Records in PL where the values of the keys title, dateline, body and
 * text of ROOT lie in C's buffer, less BASE; the document's line 0 is
 * C's line FIRST_LINE.  "body" wins over "text" unless it is null, as in
 * na__article_from_json. */
static void root_places(yaml_document_t *doc, yaml_node_t *root, line_cursor_t *c, size_t first_line,
                        size_t base, na__places_t *pl)
{
    if (root->type != YAML_MAPPING_NODE)
        return;
    na_range_t body = { 0, 0 }, text = { 0, 0 };
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        yaml_node_t *v = yaml_document_get_node(doc, p->value);
        if (!k || !v || k->type != YAML_SCALAR_NODE)
            continue;
        const char *key = (const char *)k->data.scalar.value;
        size_t n = k->data.scalar.length;
        na_range_t *r = equals(key, n, "title") ? &pl->title
                        : equals(key, n, "dateline") ? &pl->dateline
                        : equals(key, n, "body") ? &body
                        : equals(key, n, "text") ? &text : NULL;
        if (!r || (r == &body && is_plain_null(v)))
            continue;
        size_t s = mark_offset(c, first_line + v->start_mark.line, v->start_mark.column, pl->legacy);
        size_t e = mark_offset(c, first_line + v->end_mark.line, v->end_mark.column, pl->legacy);
        if (s >= base && e > s) {
            r->start = s - base;
            r->end = e - base;
        }
    }
    pl->body = body.end ? body : text;
}

bool na__yaml_load(const unsigned char *buf, size_t len, size_t first_line, json_t **out, size_t *line,
                   char *reason, size_t reason_size, na__places_t *places)
{
    char *fixed = NULL;
    line_cursor_t in_buf = { buf, len, 1, 0 };
    if (places)
        places->legacy = false;
    if (na__needs_repair((const char *)buf, len)) {
        fixed = na__repair((const char *)buf, len, places ? &places->legacy : NULL);
        buf = (const unsigned char *)fixed;
        len = strlen(fixed);
    }
    unsigned char *calm = neutral_breaks((unsigned char *)buf, len, fixed != NULL);
    if (calm) {
        fixed = (char *)calm;
        buf = calm;
    }
    *out = NULL;
    *line = first_line;
    size_t deep_doc, deep_doc_lines, deep_lines;
    if (flow_too_deep(buf, len, 0, &deep_doc, &deep_doc_lines, &deep_lines)) {
        *line = first_line + deep_lines;
        snprintf(reason, reason_size, "values nested too deeply");
        free(fixed);
        return false;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    bool ok = false;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(reason, reason_size, "out of memory while reading YAML");
        free(fixed);
        return false;
    }
    yaml_parser_set_input_string(&parser, buf, len);
    if (!yaml_parser_load(&parser, &doc)) {
        /* Front matter is followed by its closing line, which libyaml
         * may name: it is a line of the file. */
        *line = first_line + yaml_problem(&parser, buf, len, first_line, false, reason, reason_size);
    } else {
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root || is_plain_null(root))
            ok = true; /* an empty block: no metadata */
        else
            ok = convert_root(&doc, root, first_line, first_line + doc.start_mark.line, out, line, reason,
                              reason_size);
        if (ok && root && places)
            root_places(&doc, root, &in_buf, 1, 0, places);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    free(fixed);
    return ok;
}

/* The first line at or after line FROM that starts a document ("---"
 * followed by a blank or the line's end), or 0 when there is none. */
static size_t next_marker(line_cursor_t *c, size_t from)
{
    size_t off = line_offset(c, from);
    while (off < c->len) {
        const unsigned char *s = c->buf + off;
        size_t left = c->len - off;
        if (left >= 3 && memcmp(s, "---", 3) == 0 &&
            (left == 3 || s[3] == ' ' || s[3] == '\t' || s[3] == '\r' || s[3] == '\n'))
            return c->line;
        off = line_offset(c, c->line + 1);
    }
    return 0;
}

/* Builds and hands on the article of one loaded document; returns the
 * sink's "stop" answer. */
static int take_document(yaml_document_t *doc, yaml_node_t *root, size_t line, const unsigned char *raw,
                         size_t raw_len, size_t first_line, const na__places_t *places,
                         const na_parse_sink_t *sink)
{
    char reason[256];
    size_t bad = line;
    json_t *obj = NULL;
    if (!convert_root(doc, root, first_line, line, &obj, &bad, reason, sizeof reason)) {
        na__reject(sink, bad, "%s", reason);
        return 0;
    }
    return na__emit_record(sink, obj, NA_FORMAT_YAML, line, raw, raw_len, places);
}

na_status_t na__parse_yaml(const unsigned char *buf, size_t len, const na_parse_sink_t *sink, na_error_t *err)
{
    char *fixed = NULL;
    const unsigned char *text = buf;
    size_t text_len = len;
    bool legacy = false;
    if (na__needs_repair((const char *)buf, len)) {
        /* A file that is not UTF-8 is Windows-1252 as a whole. */
        fixed = na__repair((const char *)buf, len, &legacy);
        text = (const unsigned char *)fixed;
        text_len = strlen(fixed);
    }
    unsigned char *calm = neutral_breaks((unsigned char *)text, text_len, fixed != NULL);
    if (calm) {
        fixed = (char *)calm;
        text = calm;
    }
    line_cursor_t in_buf = { buf, len, 1, 0 }, in_text = { text, text_len, 1, 0 };
    line_cursor_t in_marks = { buf, len, 1, 0 };
    size_t chunk_line = 1; /* the file line where the current parser starts */
    size_t raw_from = 0;   /* offset in BUF where the next document's bytes start */
    size_t reported = 0; /* line of the last syntax error reported */
    int stop = 0;
    /* The next document nested too deeply: known from a scan that starts
     * where a parser did, redone only once that document is behind. */
    bool deep_known = false, deep = false;
    size_t deep_doc = 0, deep_doc_line = 0, deep_line = 0;

    while (!stop) {
        size_t chunk = line_offset(&in_text, chunk_line);
        if (!deep_known) {
            size_t doc_lines = 0, lines = 0;
            deep = flow_too_deep(text, text_len, chunk, &deep_doc, &doc_lines, &lines);
            deep_doc_line = chunk_line + doc_lines;
            deep_line = chunk_line + lines;
            deep_known = true;
        }
        if (deep && deep_doc == chunk) {
            if (deep_line != reported)
                na__reject(sink, deep_line, "values nested too deeply");
            reported = deep_line;
            deep_known = false;
            size_t next = next_marker(&in_text, chunk_line + 1);
            if (!next)
                break;
            raw_from = line_offset(&in_buf, next);
            chunk_line = next;
            continue;
        }
        size_t chunk_end = deep ? deep_doc : text_len;
        yaml_parser_t parser;
        if (!yaml_parser_initialize(&parser)) {
            free(fixed);
            return na_error_set(err, NA_ERR_NOMEM, "out of memory while reading YAML");
        }
        yaml_parser_set_input_string(&parser, text + chunk, chunk_end - chunk);
        size_t resume = 0;
        for (;;) {
            yaml_document_t doc;
            if (!yaml_parser_load(&parser, &doc)) {
                char reason[256];
                size_t rel = yaml_problem(&parser, text + chunk, chunk_end - chunk, chunk_line,
                                          chunk_end == text_len, reason, sizeof reason);
                /* Resuming at the "---" line where a problem showed can
                 * meet the same problem again: report it once. */
                if (chunk_line + rel != reported)
                    na__reject(sink, chunk_line + rel, "%s", reason);
                reported = chunk_line + rel;
                /* Go on with the next document after the damage (which
                 * may start on the problem's own line); a problem on the
                 * parser's first line must not find that line again. */
                resume = next_marker(&in_text, chunk_line + (rel ? rel : 1));
                if (resume)
                    raw_from = line_offset(&in_buf, resume);
                break;
            }
            yaml_node_t *root = yaml_document_get_root_node(&doc);
            if (!root) { /* the end of the stream */
                yaml_document_delete(&doc);
                break;
            }
            /* A document ends where the next "---" line starts, or after
             * its "..." line, or at the end of the file. */
            size_t end_line = chunk_line + doc.end_mark.line + (doc.end_mark.column ? 1 : 0);
            size_t raw_to = line_offset(&in_buf, end_line);
            if (!is_plain_null(root)) { /* an empty document is no article */
                na__places_t places = { { 0, 0 }, { 0, 0 }, { 0, 0 }, legacy };
                root_places(&doc, root, &in_marks, chunk_line, raw_from, &places);
                stop = take_document(&doc, root, chunk_line + doc.start_mark.line, buf + raw_from,
                                     raw_to - raw_from, chunk_line, &places, sink);
            }
            raw_from = raw_to;
            yaml_document_delete(&doc);
            if (stop)
                break;
        }
        yaml_parser_delete(&parser);
        if (!resume && !stop && deep) {
            /* The parser read up to the deep document: it is next. */
            resume = deep_doc_line;
            raw_from = line_offset(&in_buf, resume);
        }
        if (!resume)
            break;
        chunk_line = resume;
    }
    free(fixed);
    return NA_OK;
}
