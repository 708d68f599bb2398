/* parse-internal.h - what the parser files share; not for other modules. */
#ifndef NA_PARSE_INTERNAL_H
#define NA_PARSE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "parse.h"

na_status_t na__parse_text(const unsigned char *buf, size_t len, bool front_matter,
                           const na_parse_sink_t *sink, na_error_t *err);
na_status_t na__parse_yaml(const unsigned char *buf, size_t len, const na_parse_sink_t *sink,
                           na_error_t *err);
na_status_t na__parse_jsonl(const unsigned char *buf, size_t len, const na_parse_sink_t *sink,
                            na_error_t *err);
na_status_t na__parse_reuters(const unsigned char *buf, size_t len, const na_parse_sink_t *sink,
                              na_error_t *err);

/* Parses one YAML document of LEN bytes into *OUT (caller decrefs), every
 * scalar as a JSON string.  On failure returns false with the 1-based line
 * within BUF in *LINE and a reason. */
bool na__yaml_load(const unsigned char *buf, size_t len, json_t **out, size_t *line, char *reason,
                   size_t reason_size);

/* Fills A from the keys of OBJ (see README: id, title, date, source, url,
 * authors, people, places, orgs, topics, language, body or text; others
 * go to A's extra metadata).  Returns false with a reason when OBJ cannot
 * be an article. */
bool na__article_from_json(json_t *obj, na_article_t *a, bool want_body, char *reason,
                           size_t reason_size);

/* A trimmed, valid UTF-8 copy of LEN bytes at S, or NULL when blank. */
char *na__text_dup(const char *s, size_t len);

/* Number of newlines in the LEN bytes at S. */
size_t na__count_lines(const unsigned char *s, size_t len);

#endif
