/* parse.h - reading articles from the input formats.
 *
 * A parser reads one buffer (a whole file, or standard input) and hands
 * each article it finds to the sink, in order.  A record that cannot be
 * read (a bad JSON line, a YAML document that is not a mapping, a Reuters
 * element without NEWID) is reported to the sink's reject callback with
 * its 1-based line and a one-line reason, and parsing goes on with the
 * next record.  Only when the buffer as a whole cannot be read (YAML
 * that does not scan, no articles at all in an SGML file) does the parser
 * return NA_ERR_PARSE with the line in ERR's message.
 *
 * Each article's raw bytes are exactly its bytes in BUF: the whole buffer
 * for text and Markdown, the document for YAML (from its "---" line), the
 * line for JSON Lines (without the newline), the <REUTERS ...>...</REUTERS>
 * element for Reuters.  Text fields are made valid UTF-8 (utf8.h); the raw
 * bytes are never changed.
 */
#ifndef NA_PARSE_H
#define NA_PARSE_H

#include <stddef.h>

#include "article.h"
#include "status.h"

typedef struct {
    /* Takes ownership of ARTICLE.  Returns 0 to go on, non-zero to stop
     * parsing (the parser then returns NA_OK). */
    int (*article)(na_article_t *article, void *ud);
    /* A record was skipped: LINE is where it starts, REASON says why
     * (borrowed for the call). */
    void (*reject)(size_t line, const char *reason, void *ud);
    void *ud;
} na_parse_sink_t;

/* Chooses the format of a file from NAME's extension (.txt .text -> text;
 * .md .markdown -> markdown; .yaml .yml -> yaml; .jsonl .ndjson -> jsonl;
 * .sgm .sgml -> reuters) or, when that says nothing, from the first bytes
 * of BUF ("---" -> markdown if a body follows the block, "<!DOCTYPE lewis"
 * or "<REUTERS" -> reuters, "{" -> jsonl, else text).  Text files that
 * start with a front matter block are read as markdown. */
na_format_t na_parse_detect(const char *name, const unsigned char *buf, size_t len);

/* Parses BUF as FORMAT (not NA_FORMAT_AUTO).  NAME is used only in
 * messages and to derive nothing else. */
na_status_t na_parse_buffer(na_format_t format, const char *name, const unsigned char *buf,
                            size_t len, const na_parse_sink_t *sink, na_error_t *err);

/* Parses one stored article's raw bytes again (for display); *OUT gets
 * the first article found (caller frees with na_article_free).
 * NA_ERR_PARSE if there is none. */
na_status_t na_parse_one(na_format_t format, const unsigned char *raw, size_t len,
                         na_article_t **out, na_error_t *err);

#endif
