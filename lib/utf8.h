/* utf8.h - making text valid UTF-8 without losing it.
 *
 * Articles arrive in UTF-8, Latin-1 or a mixture.  The original bytes are
 * stored untouched; the text that is indexed and shown must be valid
 * UTF-8, so each byte that does not start a valid sequence is read as a
 * Windows-1252 character.  The five bytes 1252 leaves undefined (0x81,
 * 0x8d, 0x8f, 0x90, 0x9d) would be C1 controls in Latin-1 and are
 * dropped, like C0 controls.  A whole text that is not valid UTF-8 is
 * better read as 1252 throughout (na_cp1252_decode), so that a byte pair
 * that happens to form a UTF-8 sequence is not read as one.
 */
#ifndef NA_UTF8_H
#define NA_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* True when the LEN bytes at S are valid UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
bool na_utf8_valid(const char *s, size_t len);

/* Returns a malloc()ed, NUL-terminated, valid UTF-8 copy of the LEN bytes
 * at S, converting invalid bytes as described above and dropping NUL
 * bytes and C0 controls other than tab, newline and carriage return.
 * Caller frees. */
char *na_utf8_sanitize(const char *s, size_t len);

/* Returns a malloc()ed, NUL-terminated UTF-8 copy of the LEN bytes at S
 * read as Windows-1252 as a whole (what text that is not valid UTF-8
 * almost always is: Latin-1 with 1252's quotes and dashes), dropping
 * NUL bytes, C0 controls other than tab, newline and carriage return, and
 * the five bytes 1252 leaves undefined.  Caller frees. */
char *na_cp1252_decode(const char *s, size_t len);

/* Appends the LEN bytes of UTF-8 text at S to OUT as Windows-1252 (to
 * find decoded text in the original bytes).  Returns false, with OUT
 * holding part of it, when S is not valid UTF-8 or holds a character
 * 1252 has no byte for. */
bool na_cp1252_encode(const char *s, size_t len, na_buf_t *out);

/* Decodes one code point at S (at most LEN bytes).  Returns its length in
 * bytes (>= 1) and stores the code point in *CP, or returns 0, leaving
 * *CP alone, for an invalid sequence: an overlong form, a surrogate, a
 * value above U+10FFFF, a lead byte 0xc0, 0xc1 or 0xf5..0xff, a lone
 * continuation byte, or a sequence broken or truncated by LEN.  The one
 * UTF-8 decoder: every other reader of characters (tokenizer, date
 * finder, the Xapian shim's word reader) calls it. */
size_t na_utf8_decode(const char *s, size_t len, unsigned *cp);

/* Writes CP as UTF-8 into OUT (at least 4 bytes); returns the length. */
size_t na_utf8_encode(unsigned cp, char *out);

/* Simple case mapping, with no tables, for the letters of news names:
 * ASCII, Latin-1, Latin Extended-A and Additional, Greek and Cyrillic.
 * Other code points (and values above U+10FFFF) are returned unchanged,
 * or reported neither upper nor lower case.  Lower-casing never makes a
 * character's UTF-8 form longer (only U+0130 gets shorter: plain "i"). */
unsigned na_utf8_lower(unsigned cp);
bool na_utf8_is_upper(unsigned cp);
bool na_utf8_is_lower(unsigned cp);

/* Accent folding, for matching: "Zürich" and "Zurich", "São Tomé" and
 * "Sao Tome", "Grímsson" and "Grimsson" fold the same.  Latin letters lose
 * their marks (and ß, æ, ø, ł, đ, ð, þ, œ, ı, ħ become ss, ae, o, l, d,
 * d, th, oe, i, h), Greek vowels their tonos and dialytika, and combining
 * marks (U+0300..U+036F) are dropped; case is kept and every other
 * character is left alone.  A folded form is never longer than the text
 * it comes from. */

/* Writes the folded form of CP to OUT (room for 4 bytes; at most the
 * length of CP's UTF-8 form is used) and returns its length, 0 for a
 * combining mark. */
size_t na_utf8_fold_char(unsigned cp, char *out);

/* Writes the folded form of the LEN bytes at S to OUT (room for LEN + 1
 * bytes; OUT may be S), NUL-terminated, and returns its length.  Bytes
 * that are not valid UTF-8 are copied unchanged. */
size_t na_utf8_fold(const char *s, size_t len, char *out);

/* True when folding would change the LEN bytes at S: callers skip the
 * copy for the text that needs none. */
bool na_utf8_folds(const char *s, size_t len);

#endif
