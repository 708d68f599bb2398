/* parse.h - reading articles from the input formats.
 *
 * A parser reads one buffer (a whole file, or standard input) and hands
 * each article it finds to the sink, in order.  A record that cannot be
 * read (a bad JSON line, a YAML document that is not a mapping or does
 * not scan, a Reuters element without NEWID or never closed, bad front
 * matter, a YAML document with more than 1000 brackets open at once,
 * refused before libyaml reads it, a <REUTERS start tag cut off) is
 * reported to the sink's reject callback with its 1-based line and a
 * one-line reason, and parsing goes on with the next record (for YAML,
 * the next "---" line after the problem).  Lines are the file's lines,
 * counted at "\n" only (libyaml's breaks at a lone CR, U+0085, U+2028
 * and U+2029 are not counted), and never past its last line.  Only when the buffer as
 * a whole cannot be read (no <REUTERS> element at all in an SGML file)
 * does the parser return NA_ERR_PARSE with the reason in ERR's message.
 * A blank text or Markdown file gives no article and no reject: the
 * program decides how to report an input without articles.
 *
 * Each article's raw bytes are exactly its bytes in BUF: the whole buffer
 * for text and Markdown, the document for YAML (from its "---" line to
 * the next one, or from the file's start for the first document), the
 * line for JSON Lines (without "\n" or "\r\n"), the
 * <REUTERS ...>...</REUTERS> element for Reuters.  Text fields are made
 * valid UTF-8 (utf8.h) with surrounding blanks trimmed; one-line fields
 * (title, id, list items ...) have line breaks turned into spaces, bodies
 * keep theirs.  Text that is not valid UTF-8 (a text or Markdown file, a
 * YAML file, a JSON line, a Reuters element) is read as Windows-1252 as
 * a whole, and its articles have "legacy" set.  YAML and JSON that is
 * not valid UTF-8 or holds control characters is repaired that way
 * before it is parsed, so neither costs a record.  The raw bytes are
 * never changed; raw_title, raw_dateline and raw_body say where in them
 * each field was read, when the parser can tell (text lines, Markdown
 * headings and body, YAML values, JSON string values whose keys have no
 * escapes, Reuters elements).
 *
 * Plain text: a first line followed by a blank line is the title, the
 * rest the body; otherwise the whole text is the body.  Markdown: a
 * "---" line, a YAML mapping, a "---" or "..." line, then the body; with
 * no "title" key the plain-text rule applies to the body, and a first
 * line that is a heading ("# Title") is the title without needing the
 * blank line.  A body that opens with another front matter block is
 * read as text and reported to the sink's warn callback.
 *
 * Front matter, YAML documents and JSON objects share one set of keys:
 * id, title, date, source, url, language, dateline (single values);
 * authors, people, places, orgs, topics, exchanges (a value or a list);
 * body, or text when there is no body (not in front matter, where the
 * body is the text after the block).  Every other key is kept in the
 * article's extra metadata, scalars as written and lists or maps as
 * compact JSON.  A record whose known key has the wrong shape (a list
 * for "title") is rejected; one with neither title nor body is rejected.
 * A date is read by na_date_parse() and stored as date.h says, at the
 * precision the source gave; a date that does not parse does not cost
 * the article: it is dropped, its text kept as the extra "date_raw",
 * the article marked date_unreadable, and the sink's warn callback told
 * at the record's line ("cannot read the date '...'; ...").
 *
 * Reuters-21578 articles get the id "reuters-<NEWID>", source "Reuters",
 * DATE, TITLE, DATELINE (without its trailing " - "), BODY (the whole
 * TEXT for TYPE="UNPROC"), AUTHOR (as an author, without "By" and
 * ", Reuters") and the category codes as written; the extras
 * "topics_status" (the TOPICS attribute), "lewissplit", "cgisplit",
 * "oldid", "csecs" where present, and "text_type" (BRIEF or UNPROC).
 * Character references are decoded and control characters dropped.  A
 * TITLE, DATELINE, BODY or TEXT never closed ends at the next field's
 * tag, </TEXT> or </REUTERS>, with a warning.
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
    /* A record was skipped: LINE is where it starts or, for a syntax
     * error, where the YAML or JSON parser found the problem; REASON says
     * why (borrowed for the call). */
    void (*reject)(size_t line, const char *reason, void *ud);
    void *ud;
    /* Something in the record at LINE was ignored or guessed, but the
     * article is still handed on (an unparsable date, a body that opens
     * with another front matter block): REASON says what (borrowed for
     * the call).  May be NULL. */
    void (*warn)(size_t line, const char *reason, void *ud);
} na_parse_sink_t;

/* Chooses the format of a file from NAME's extension, case ignored
 * (.txt .text -> text; .md .markdown -> markdown; .yaml .yml -> yaml;
 * .jsonl .ndjson -> jsonl; .sgm .sgml -> reuters) or, when NAME is NULL
 * or its extension says nothing, from the first bytes of BUF ("---" ->
 * markdown if a closed block is followed by non-blank text, else yaml;
 * "<!DOCTYPE lewis" or "<REUTERS" -> reuters; "{" -> jsonl; else text),
 * after any byte order mark (and any leading blanks, except before
 * "---").  Text files that start with a closed front matter block are
 * read as markdown.  Without a telling extension, a YAML stream is yaml,
 * not markdown: two or more documents split by "---" lines (the first
 * "---" may be left out), each a mapping with a title, body or text key.
 * Whether BUF is text at all is sniff.h's question, asked first. */
na_format_t na_parse_detect(const char *name, const unsigned char *buf, size_t len);

/* Parses BUF as FORMAT.  NAME is not used to derive anything (it may be
 * NULL).  Returns NA_OK, also when records were rejected or the sink
 * asked to stop; NA_ERR_PARSE as described above; NA_ERR_INVALID for
 * NA_FORMAT_AUTO or a NULL BUF with a length; NA_ERR_NOMEM when libyaml
 * cannot start. */
na_status_t na_parse_buffer(na_format_t format, const char *name, const unsigned char *buf,
                            size_t len, const na_parse_sink_t *sink, na_error_t *err);

/* Parses one stored article's raw bytes again (for display); *OUT gets
 * the first article found (caller frees with na_article_free()) and is
 * NULL on failure.  NA_ERR_PARSE if there is none, with the first
 * reject's "line: reason" or "no article found" in ERR; otherwise as
 * na_parse_buffer(). */
na_status_t na_parse_one(na_format_t format, const unsigned char *raw, size_t len,
                         na_article_t **out, na_error_t *err);

#endif
