/* parse-internal.h - what the parser files share; not for other modules.
 *
 * The front matter, YAML and JSON Lines readers all turn a record into a
 * jansson object first and fill the article from it with one function,
 * so the three agree on keys, list handling, dates and extras.
 */
#ifndef NA_PARSE_INTERNAL_H
#define NA_PARSE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "parse.h"

/* Where a record's text fields are in its raw bytes, and how they were
 * decoded (see na_article_t). */
typedef struct {
    na_range_t title, dateline, body;
    bool legacy;
} na__places_t;

/* The format readers behind na_parse_buffer().  FRONT_MATTER selects
 * Markdown (a leading YAML block is metadata) over plain text. */
na_status_t na__parse_text(const unsigned char *buf, size_t len, bool front_matter,
                           const na_parse_sink_t *sink, na_error_t *err);
na_status_t na__parse_yaml(const unsigned char *buf, size_t len, const na_parse_sink_t *sink,
                           na_error_t *err);
na_status_t na__parse_jsonl(const unsigned char *buf, size_t len, const na_parse_sink_t *sink,
                            na_error_t *err);
na_status_t na__parse_reuters(const unsigned char *buf, size_t len, const na_parse_sink_t *sink,
                              na_error_t *err);

/* Loads the one YAML document in the LEN bytes at BUF, whose first line
 * is line FIRST_LINE of the file.  On success *OUT is the root mapping as
 * a JSON object (caller decrefs) or NULL for an empty document.  On
 * failure returns false with the file line in *LINE and a one-line reason
 * (a syntax error, or a root that is not a mapping).  PLACES (may be
 * NULL) gets where the text fields' values lie in BUF and whether BUF was
 * read as Windows-1252. */
bool na__yaml_load(const unsigned char *buf, size_t len, size_t first_line, json_t **out,
                   size_t *line, char *reason, size_t reason_size, na__places_t *places);

/* Fills A from the keys of the object OBJ: id, title, date, source, url,
 * language, dateline, authors, people, places, orgs, topics, exchanges
 * and, when WANT_BODY, body or text; every other key goes to A's extra
 * metadata, scalars as written and lists or maps as compact JSON.  A date
 * that does not parse is dropped, kept as the extra "date_raw" and marks
 * A date_unreadable (na__emit() warns of it).
 * Returns false with a reason when OBJ cannot be an article (a field of
 * the wrong shape, a list or map for the date too, or neither title nor
 * body when WANT_BODY). */
bool na__article_from_json(json_t *obj, na_article_t *a, bool want_body, char *reason,
                           size_t reason_size);

/* True when the LEN bytes at S are not valid UTF-8 or hold a NUL or a C0
 * control other than tab and line ends: what na_utf8_sanitize() changes.
 * Such input is repaired before a YAML or JSON parser sees it (both
 * refuse it); repair keeps every line break, so lines still count. */
bool na__needs_repair(const char *s, size_t len);

/* A malloc()ed, NUL-terminated copy of the LEN bytes at S made valid
 * UTF-8: text that is not valid UTF-8 is read as Windows-1252 as a whole
 * (na_cp1252_decode), valid text only loses NULs and C0 controls.  Both
 * keep every line break.  *LEGACY (may be NULL) is set to whether 1252
 * was used. */
char *na__repair(const char *s, size_t len, bool *legacy);

/* A malloc()ed copy of the LEN bytes at S made valid UTF-8 (utf8.h) with
 * surrounding blanks trimmed, or NULL when nothing is left.  ONE_LINE
 * also turns each run of blanks holding a line break into one space, for
 * titles and other one-line fields; otherwise line breaks are kept. */
char *na__clean_text(const char *s, size_t len, bool one_line);

/* Where a front matter block is: "---" on the first line (after any
 * byte order mark), then YAML, then a "---" or "..." line.  Returns
 * NA__FM_NONE when BUF does not open with "---", NA__FM_UNCLOSED when no
 * closing line follows, else NA__FM_CLOSED with the YAML in
 * [*YAML_START, *YAML_END) and the text after the closing line from
 * *BODY_START. */
typedef enum { NA__FM_NONE, NA__FM_UNCLOSED, NA__FM_CLOSED } na__fm_t;
na__fm_t na__front_matter(const unsigned char *buf, size_t len, size_t *yaml_start,
                          size_t *yaml_end, size_t *body_start);

/* Number of newlines in the LEN bytes at S. */
size_t na__count_lines(const unsigned char *s, size_t len);

/* Hands A to the sink, first warning at A's line when its date could
 * not be read; returns the sink's "stop" answer. */
int na__emit(const na_parse_sink_t *sink, na_article_t *a);

/* Makes the record OBJ (a JSON object; its reference is taken) of FORMAT,
 * starting at LINE, whose bytes in the file are the RAW_LEN at RAW, into
 * an article and hands it to the sink, or reports why it is not one.
 * PLACES (may be NULL: not known) is copied into the article.
 * Returns the sink's "stop" answer (0 after a rejection). */
int na__emit_record(const na_parse_sink_t *sink, json_t *obj, na_format_t format, size_t line,
                    const void *raw, size_t raw_len, const na__places_t *places);

/* Reports a skipped record at LINE with a printf-style reason. */
void na__reject(const na_parse_sink_t *sink, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports something ignored in a record that is still read, at LINE. */
void na__warn(const na_parse_sink_t *sink, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
