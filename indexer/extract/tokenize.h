/* tokenize.h - splitting article text into tokens and sentences the way
 * the CoNLL-2003 corpus does, for the named-entity tagger.
 *
 * Tokens are byte ranges [start, end) into the caller's text; the text is
 * never copied or changed.  The rules follow the Penn Treebank conventions
 * used by CoNLL-2003:
 *   - whitespace separates tokens; "(", ")", "[", "]", "{", "}", '"', ";",
 *     "!", "?", "`" and non-ASCII quotes, dashes and bullets are tokens of
 *     their own (a run of one such character, "!!!", is one token);
 *   - ",", ":" and "%" are split off unless they sit between two digits
 *     ("10,000" and "2:29.34" stay whole);
 *   - clitics are split: "Clinton's" -> "Clinton" "'s", "don't" -> "do"
 *     "n't" (also 're 've 'll 'd 'm, any case, ASCII or U+2019 apostrophe);
 *   - a final "." is split off unless the word is an abbreviation: letters
 *     joined by dots ("U.S.", "a.m."), an initial ("M."), a listed
 *     abbreviation ("Inc.", "Calif.", "Jan.", "vs.") or a number that
 *     opens a line ("1." in ranked lists); "U.S.." gives "U.S." ".";
 *     three or more dots are one token;
 *   - hyphens, apostrophes inside words, "&", "/", "+" and dots between
 *     letters or digits stay inside tokens ("all-rounder", "O'Neill",
 *     "S&P", "1996/97", "U.S.-led").
 * A sentence starts at the first token, after a line break (see
 * na_tokenize_flags_t) and after ".", "!" or "?" (and any closing quotes
 * or brackets) when the next token begins with a capital letter.
 *
 * Any byte sequence is accepted: bytes that are not valid UTF-8 are taken
 * as single letters, so a token never splits a valid UTF-8 character.
 * Time and memory are linear in the input.
 */
#ifndef NA_TOKENIZE_H
#define NA_TOKENIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bits of na_token_t.flags. */
enum {
    NA_TOKEN_SENT_START = 1u << 0 /* the token begins a sentence */
};

typedef struct {
    size_t start;   /* byte offset of the first byte */
    size_t end;     /* byte offset just past the last byte */
    unsigned flags; /* NA_TOKEN_* bits */
} na_token_t;

/* A growable array of tokens.  Initialise with NA_TOKENS_INIT;
 * na_tokens_release() frees it and leaves it empty and reusable. */
typedef struct {
    na_token_t *items;
    size_t count;
    size_t cap;
} na_tokens_t;

#define NA_TOKENS_INIT { NULL, 0, 0 }

void na_tokens_release(na_tokens_t *tokens);

typedef enum {
    /* Every line break ends a sentence (one sentence or headline a line). */
    NA_TOKENIZE_LINES = 0,
    /* Only a blank line ends a sentence; single line breaks are spaces.
     * For hard-wrapped text such as Reuters-21578 bodies. */
    NA_TOKENIZE_PARAGRAPHS = 1u << 0
} na_tokenize_flags_t;

/* Tokenizes the LEN bytes at TEXT (any bytes; need not be NUL-terminated)
 * into OUT, which is emptied first (its memory is reused).  FLAGS is a
 * combination of na_tokenize_flags_t.  Returns NA_OK, or NA_ERR_INVALID
 * when OUT is NULL or TEXT is NULL with LEN > 0.  Token offsets refer to
 * TEXT; OUT does not point into TEXT. */
na_status_t na_tokenize(const char *text, size_t len, unsigned flags, na_tokens_t *out,
                        na_error_t *err);

/* Character helpers shared with the tagger. */

/* Decodes the character at S (LEN > 0 bytes left) into *CP and returns its
 * length in bytes.  A byte that does not start a valid UTF-8 sequence is
 * returned as one character with *CP = NA_TOK_RAW_BYTE + the byte. */
#define NA_TOK_RAW_BYTE 0x110000u
size_t na_tok_decode(const unsigned char *s, size_t len, unsigned *cp);

#ifdef __cplusplus
}
#endif

#endif
