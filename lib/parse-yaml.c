/* parse-yaml.c - YAML files with one article per document, and the YAML
 * loader that front matter uses too.  Every scalar is read as a string:
 * the article model decides what a value means (dates are parsed later),
 * so "id: 007" stays "007". */
#include "parse-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Nesting deeper than this is not an article; it also bounds recursion. */
#define MAX_DEPTH 32

static json_t *node_to_json(yaml_document_t *doc, yaml_node_t *node, int depth)
{
    if (!node || depth > MAX_DEPTH)
        return NULL;
    switch (node->type) {
    case YAML_SCALAR_NODE: {
        const char *v = (const char *)node->data.scalar.value;
        size_t n = node->data.scalar.length;
        /* A plain "~" or "null" or empty scalar is YAML's null. */
        if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
            (n == 0 || (n == 1 && v[0] == '~') || (n == 4 && memcmp(v, "null", 4) == 0)))
            return json_null();
        return json_stringn_nocheck(v, n);
    }
    case YAML_SEQUENCE_NODE: {
        json_t *arr = json_array();
        for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
            json_t *v = node_to_json(doc, yaml_document_get_node(doc, *it), depth + 1);
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
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            json_t *v = node_to_json(doc, yaml_document_get_node(doc, p->value), depth + 1);
            if (!k || k->type != YAML_SCALAR_NODE || !v) {
                json_decref(v);
                json_decref(obj);
                return NULL;
            }
            char *key = na_xstrndup((const char *)k->data.scalar.value, k->data.scalar.length);
            json_object_set_new_nocheck(obj, key, v);
            free(key);
        }
        return obj;
    }
    case YAML_NO_NODE: break;
    }
    return NULL;
}

bool na__yaml_load(const unsigned char *buf, size_t len, json_t **out, size_t *line, char *reason,
                   size_t reason_size)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    *out = NULL;
    *line = 1;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(reason, reason_size, "cannot start the YAML parser");
        return false;
    }
    yaml_parser_set_input_string(&parser, buf, len);
    bool ok = yaml_parser_load(&parser, &doc) != 0;
    if (!ok) {
        *line = parser.problem_mark.line + 1;
        snprintf(reason, reason_size, "%s%s%s", parser.problem ? parser.problem : "bad YAML",
                 parser.context ? " " : "", parser.context ? parser.context : "");
    } else {
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root) {
            *out = json_null();
        } else {
            *out = node_to_json(&doc, root, 0);
            if (!*out) {
                *line = root->start_mark.line + 1;
                snprintf(reason, reason_size, "unsupported YAML (complex keys or nesting deeper than %d)",
                         MAX_DEPTH);
                ok = false;
            }
        }
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    return ok;
}

static bool is_marker(const unsigned char *buf, size_t len, size_t i, const char *m)
{
    return len - i >= 3 && memcmp(buf + i, m, 3) == 0 &&
           (len - i == 3 || buf[i + 3] == '\n' || buf[i + 3] == '\r' || buf[i + 3] == ' ' || buf[i + 3] == '\t');
}

/* One document: the bytes from its "---" line (or the file's start) up to
 * the next "---" line. */
static void parse_document(const unsigned char *buf, size_t start, size_t end, size_t line,
                           const na_parse_sink_t *sink, int *stop)
{
    json_t *obj = NULL;
    size_t bad = 0;
    char reason[256];
    if (!na__yaml_load(buf + start, end - start, &obj, &bad, reason, sizeof reason)) {
        sink->reject(line + bad - 1, reason, sink->ud);
        return;
    }
    if (json_is_null(obj)) { /* an empty document, e.g. before the first "---" */
        json_decref(obj);
        return;
    }
    na_article_t *a = na_article_new();
    a->format = NA_FORMAT_YAML;
    a->line = line;
    na_article_set_raw(a, buf + start, end - start);
    bool ok = na__article_from_json(obj, a, true, reason, sizeof reason);
    json_decref(obj);
    if (!ok) {
        sink->reject(line, reason, sink->ud);
        na_article_free(a);
        return;
    }
    *stop = sink->article(a, sink->ud);
}

na_status_t na__parse_yaml(const unsigned char *buf, size_t len, const na_parse_sink_t *sink, na_error_t *err)
{
    (void)err;
    size_t start = 0, start_line = 1, line = 1, i = 0;
    int stop = 0;
    while (i < len && !stop) {
        const unsigned char *nl = memchr(buf + i, '\n', len - i);
        size_t next = nl ? (size_t)(nl - buf) + 1 : len;
        if (i > start && is_marker(buf, len, i, "---")) {
            parse_document(buf, start, i, start_line, sink, &stop);
            start = i;
            start_line = line;
        }
        i = next;
        line++;
    }
    if (!stop && start < len)
        parse_document(buf, start, len, start_line, sink, &stop);
    return NA_OK;
}
