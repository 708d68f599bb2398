/* conll.h - reading CoNLL-2003 files: the tagger's training and
 * evaluation data.
 *
 * A file has one "token POS chunk tag" line per token, a blank line after
 * each sentence and "-DOCSTART-" before each article; tags are IOB1
 * (B-TYPE starts an entity right after another of the same type).  Each
 * article becomes running text rebuilt from its tokens, with the corpus
 * tokens placed in that text and the byte spans of its entities, so that
 * what the tagger finds can be scored span for span.
 */
#ifndef NA_CONLL_H
#define NA_CONLL_H

#include <stddef.h>

#include "ner.h"
#include "status.h"
#include "tokenize.h"
#include "util.h"

typedef struct {
    na_buf_t text;        /* the article's text, one sentence a line */
    na_tokens_t toks;     /* the corpus tokens, placed in TEXT */
    na_ner_spans_t gold;  /* the annotated entities (MISC too) */
} na_conll_doc_t;

typedef struct {
    na_conll_doc_t *items;
    size_t count, cap;
    size_t ntokens;
} na_conll_corpus_t;

#define NA_CONLL_CORPUS_INIT { NULL, 0, 0, 0 }

typedef enum {
    /* Tokens joined by single spaces: the text the model is trained on. */
    NA_CONLL_SPACED = 0,
    /* Tokens written as running text, as the corpus README describes: no
     * space before , . ; : ! ? % ) ] and clitics ('s n't) or after ( [
     * and an opening double quote.  The text an indexer would see. */
    NA_CONLL_RUNNING_TEXT = 1
} na_conll_layout_t;

/* Appends the articles of the CoNLL file at PATH to C.  Returns NA_OK;
 * NA_ERR_IO when the file cannot be read; NA_ERR_PARSE with "PATH:LINE:
 * reason" for a line that is not "token ... tag" or has an unknown tag
 * (C then holds the articles before it). */
na_status_t na_conll_read(const char *path, na_conll_layout_t layout, na_conll_corpus_t *c,
                          na_error_t *err);

/* Frees what C holds and leaves it empty. */
void na_conll_release(na_conll_corpus_t *c);

#endif
