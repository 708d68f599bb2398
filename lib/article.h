/* article.h - the article model every parser fills and the indexer reads.
 *
 * An article owns all of its strings.  Parsers create articles with
 * na_article_new(), fill what the source supplies and leave the rest NULL
 * or empty; na_article_free() releases everything.  Metadata values are
 * kept as the source wrote them; normalisation to canonical names happens
 * later (alias.h), so the same article can be re-normalised when alias
 * tables change.
 */
#ifndef NA_ARTICLE_H
#define NA_ARTICLE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Input formats.  The names ("text", "markdown", ...) are what
 * --input-format takes and what the stored metadata records. */
typedef enum {
    NA_FORMAT_AUTO = 0,
    NA_FORMAT_TEXT,     /* plain text; "Title\n\nBody" */
    NA_FORMAT_MARKDOWN, /* text or Markdown with a YAML front matter block */
    NA_FORMAT_YAML,     /* one article per YAML document */
    NA_FORMAT_JSONL,    /* one article object per line */
    NA_FORMAT_REUTERS   /* Reuters-21578 SGML, many articles per file */
} na_format_t;

const char *na_format_name(na_format_t format);
/* Returns the format named NAME, or NA_FORMAT_AUTO when NAME is unknown
 * (the caller reports the error). */
na_format_t na_format_from_name(const char *name);

/* A key/value pair for metadata the model has no field for. */
typedef struct {
    char *key;
    char *value; /* scalars as written; lists and maps as compact JSON */
} na_meta_t;

typedef struct na_article {
    char *id;       /* the source's id, or NULL: the indexer then derives one */
    char *title;    /* valid UTF-8 or NULL */
    char *body;     /* the text to index, valid UTF-8 or NULL */
    char *date;     /* "YYYY", "YYYY-MM", "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (see date.h), or NULL */
    bool date_unreadable; /* the source gave a date that does not parse (its text
                           * is the extra "date_raw"): the article stays undated */
    char *source;
    char *url;
    char *language; /* ISO 639-1 code such as "en", or NULL */
    char *dateline; /* a wire story's dateline ("LONDON, June 9"), or NULL */

    na_strlist_t authors;
    na_strlist_t people;
    na_strlist_t places;
    na_strlist_t orgs;
    na_strlist_t topics;
    na_strlist_t exchanges;

    na_meta_t *extra;   /* other keys, in source order */
    size_t extra_count;

    na_format_t format;
    unsigned char *raw; /* the article's original bytes, byte-exact */
    size_t raw_len;
    size_t line;        /* 1-based line in the file where the article starts */
    long long mtime;    /* the file's modification time (seconds since the
                         * epoch, UTC), 0 when unknown: a date of last resort */
} na_article_t;

/* Returns a zeroed article; caller owns it, free with na_article_free(). */
na_article_t *na_article_new(void);
/* Frees ARTICLE and everything it owns; NULL is ignored. */
void na_article_free(na_article_t *article);

/* Appends a copy of KEY and VALUE to ARTICLE's extra metadata. */
void na_article_add_extra(na_article_t *article, const char *key, const char *value);
/* Sets ARTICLE->raw to a copy of the LEN bytes at DATA. */
void na_article_set_raw(na_article_t *article, const void *data, size_t len);

#endif
