/* ner.h - a statistical named-entity tagger: people, places,
 * organisations and other names (PER, LOC, ORG, MISC as in CoNLL-2003).
 *
 * The tagger is an averaged structured perceptron over BILOU tags (a name
 * of one word is U-, a longer one B-, I-..., L-), decoded a sentence at a
 * time by a small beam that keeps every name well formed: after B- or I-
 * only I- or L- of the same type, B- and U- only after O, L-, U- or the
 * sentence start, and no name left open at its end (while tagging, the
 * beam's tags that trail the best by a wide margin are dropped, but for
 * the best one that closes a name).
 * Each token is described by hashed features: its lower-cased and original
 * forms, word shape, prefixes and suffixes of 1-4 bytes, its class
 * (Xx, XX, x, d, mixed, ...) with sentence-initial position and whether
 * the sentence is all capitals (a headline), the words and shapes two
 * tokens either side and some of their pairs, the first and last word,
 * the length and its place in the run of capitalised words it is in (and
 * whether the run is a gazetteer phrase), its place in runs joined by
 * "and", "of", "&", "for" or "de" and whether their last word marks an
 * organisation ("Bank of England"), gazetteer matches (its own and
 * its neighbours'), how the same word is capitalised elsewhere in the
 * document, the previous tag, the types already given to the same
 * word in the document, and prefixes of the Brown cluster paths of the
 * word and its neighbours (word clusters learned by ner-clusters from
 * unlabelled newswire, config/gazetteer/clusters.tsv).  A model trained
 * with a document pass (it lists "document-pass" among its classes) then
 * tags each chunk of a document again, adding to the same scores features
 * of how the first pass tagged the same word everywhere in the document,
 * later mentions included (a name in a headline of capitals and again in
 * the body, "Clinton" alone before "Bill Clinton").  Features are hashed into a fixed table of 2^bits
 * rows of one weight per tag, stored sparsely, so a lookup is one hash and
 * at most one row.  Tagging allocates only scratch memory, is
 * deterministic and runs at well over 5 MB of text a second on one core.
 *
 * Typical use:
 *     na_ner_model_t *model;
 *     na_ner_model_load("config/ner.model", &model, &err);
 *     na_gazetteer_t *gaz = na_gazetteer_create();
 *     na_gazetteer_load_dir(gaz, "config/gazetteer", NULL, &err);
 *     na_tokenize(text, len, NA_TOKENIZE_LINES, &toks, &err);
 *     na_ner_tag(model, gaz, text, len, toks.items, toks.count, &spans, &err);
 *     ... spans.items[i].type, .start, .end ...
 *     na_ner_spans_release(&spans); na_tokens_release(&toks);
 *     na_gazetteer_free(gaz); na_ner_model_free(model);
 * Use the gazetteer directory the model was trained with: the model knows
 * its gazetteer classes by name, works without them (less well: about 1.5
 * points of F1 on CoNLL-2003), and should be retrained (ner-train) when
 * the gazetteer files change much.  A model
 * and a gazetteer are never changed by tagging, so one of each may be
 * shared by any number of threads.  Functions that take an na_error_t *
 * accept NULL there.
 *
 * Model file format (version 2, which has BILOU tags; version 1 had BIO
 * tags and is refused with a message to retrain; every integer
 * little-endian):
 *     offset  size  field
 *     0       8     magic "NANERMDL"
 *     8       4     format version (2)
 *     12      4     feature version (NA_NER_FEATURE_VERSION of the build
 *                   that trained it; tagging needs the same features)
 *     16      4     number of tags L (17: O, then B-, I-, L- and U- of
 *                   PER, LOC, ORG and MISC in that order)
 *     20      4     hash bits b (rows = 2^b), 8..26
 *     24      4     weight scale, IEEE-754 single: weight = q * scale
 *     28      4     number G of gazetteer classes the model was trained with
 *     32      4     length I of the info text
 *     36      4     number R of stored (non-zero) rows
 *     40      ...   G class names, each one length byte and the bytes
 *                   ("clusters": trained with word clusters;
 *                   "document-pass": has document-pass weights)
 *             I     info text (UTF-8, not NUL-terminated): how it was made
 *             ...   R rows in increasing row order: varint (row - previous
 *                   row - 1, or the row itself for the first), varint
 *                   bitmask of tags with a non-zero weight, then each such
 *                   weight q as a zigzag varint (-32767..32767)
 *     end-4   4     CRC-32 (IEEE 802.3, as in zlib) of all earlier bytes
 * Varints are LEB128: 7 bits a byte, low bits first.  A row holds the
 * weights of every feature whose 64-bit hash has b top bits equal to the
 * row number; feature hashes are defined by the feature templates in
 * ner.c, which is why the feature version must match.
 */
#ifndef NA_NER_H
#define NA_NER_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "tokenize.h"
#include "util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Changes whenever feature extraction changes; models record it. */
#define NA_NER_FEATURE_VERSION 3
#define NA_NER_FORMAT_VERSION 2

typedef enum {
    NA_NER_PER = 0, /* person */
    NA_NER_LOC,     /* location: country, region, city, geographic name */
    NA_NER_ORG,     /* organisation: company, institution, team, party */
    NA_NER_MISC,    /* other names: nationalities, events, products */
    NA_NER_NTYPES
} na_ner_type_t;

/* Returns "PER", "LOC", "ORG" or "MISC" (static; "?" for other values). */
const char *na_ner_type_name(na_ner_type_t type);

/* One entity mention. */
typedef struct {
    na_ner_type_t type;
    size_t tok_start, tok_end; /* token range [tok_start, tok_end) */
    size_t start, end;         /* byte range [start, end) of the text */
    float score;               /* mean margin of the span's tags over the
                                * runner-up tag, in the model's score units:
                                * higher is surer; compare within one model */
} na_ner_span_t;

/* A growable array of spans.  Initialise with NA_NER_SPANS_INIT;
 * na_ner_spans_release() frees it and leaves it empty and reusable. */
typedef struct {
    na_ner_span_t *items;
    size_t count;
    size_t cap;
} na_ner_spans_t;

#define NA_NER_SPANS_INIT { NULL, 0, 0 }

/* Appends SPAN to OUT, growing it as needed. */
void na_ner_spans_push(na_ner_spans_t *out, na_ner_span_t span);
void na_ner_spans_release(na_ner_spans_t *spans);

/* ---- gazetteers ----
 * Named lists of words and phrases ("countries", "first-names", ...) whose
 * matches become features.  Phrases are tokenized with na_tokenize() and
 * matched case-insensitively on whole tokens within a sentence, longest
 * match first (the features combine the match with the token's case, so
 * "us" and "US" are told apart by the model); at most
 * NA_GAZETTEER_MAX_CLASSES classes and phrases of at most
 * NA_GAZETTEER_MAX_WORDS tokens (longer ones are skipped).  A model refers
 * to classes by name: a class it was not trained with is ignored, and one
 * it was trained with but is missing gives no features. */
typedef struct na_gazetteer na_gazetteer_t;

#define NA_GAZETTEER_MAX_CLASSES 16
#define NA_GAZETTEER_MAX_WORDS 8

/* Returns a new empty gazetteer; caller owns, free with
 * na_gazetteer_free(). */
na_gazetteer_t *na_gazetteer_create(void);

/* Frees GAZ; NULL is accepted. */
void na_gazetteer_free(na_gazetteer_t *gaz);

/* Adds the LEN bytes at PHRASE to class CLS (a NUL-terminated name of
 * 1..64 bytes, copied; the class is created on first use).  Returns NA_OK
 * (also for a phrase of no tokens or too many, which is skipped), or
 * NA_ERR_INVALID for a bad class name or when a new class would exceed
 * NA_GAZETTEER_MAX_CLASSES. */
na_status_t na_gazetteer_add(na_gazetteer_t *gaz, const char *cls, const char *phrase, size_t len,
                             na_error_t *err);

/* Adds names from the tab-separated lines of the LEN bytes at DATA to
 * class CLS: field N (from 1) of a line is a name when bit N-1 of COLUMNS
 * is set or when ALIASES_FROM is not 0 and N >= ALIASES_FROM; COLUMNS 0
 * and ALIASES_FROM 0 mean the first field.  Lines starting with '#', empty
 * fields and fields that are just "-" are skipped.  Returns as
 * na_gazetteer_add(). */
na_status_t na_gazetteer_add_lines(na_gazetteer_t *gaz, const char *cls, const char *data, size_t len,
                                   uint32_t columns, unsigned aliases_from, na_error_t *err);

/* Loads the gazetteer files that exist in DIR (config/gazetteer/, format
 * in its README.md), each as the class named by the file name without its
 * extension, taking the name and alias columns: countries.tsv (name,
 * aliases from field 3), demonyms.tsv, regions.tsv (aliases from 5),
 * cities.tsv (aliases from 6), leaders.tsv (full name, family name,
 * aliases from 6), first-names.tsv, titles.txt, org-suffixes.txt and
 * org-words.txt, and the word clusters of clusters.tsv
 * (na_gazetteer_add_clusters()).  Missing files are skipped; *NFILES (may be NULL)
 * receives how many were read.  Returns NA_OK, or NA_ERR_IO when an
 * existing file cannot be read (the message names it). */
na_status_t na_gazetteer_load_dir(na_gazetteer_t *gaz, const char *dir, unsigned *nfiles,
                                  na_error_t *err);

/* Adds the word clusters of the LEN bytes at DATA (clusters.tsv, made by
 * ner-clusters: "PATH TAB WORD [TAB COUNT]" lines, PATH of 0s and 1s,
 * '#' lines skipped; a word given twice keeps its last path).  A model
 * trained with clusters lists "clusters" among its gazetteer classes and
 * uses prefixes of the paths of a word and its neighbours as features; a
 * model trained without them ignores them.  Returns NA_OK, NA_ERR_INVALID
 * without GAZ, or NA_ERR_PARSE naming the first malformed line (the lines
 * before it are kept). */
na_status_t na_gazetteer_add_clusters(na_gazetteer_t *gaz, const char *data, size_t len, na_error_t *err);

/* Number of phrases added to class CLS (0 when there is no such class);
 * for "clusters", the number of words with a cluster. */
size_t na_gazetteer_count(const na_gazetteer_t *gaz, const char *cls);

/* ---- models ---- */
typedef struct na_ner_model na_ner_model_t;

/* Reads and checks the model file at PATH and stores a new model in *OUT
 * (caller owns; free with na_ner_model_free()).  Returns NA_OK;
 * NA_ERR_INVALID without PATH or OUT; NA_ERR_IO when the file cannot be
 * read; NA_ERR_PARSE when it is not a model or has a format or feature
 * version this build does not support (retrain it); NA_ERR_CORRUPT when
 * its checksum or structure is wrong.  *OUT is NULL on failure. */
na_status_t na_ner_model_load(const char *path, na_ner_model_t **out, na_error_t *err);

/* As na_ner_model_load(), from the LEN bytes at DATA (borrowed for the
 * duration of the call only). */
na_status_t na_ner_model_load_mem(const void *data, size_t len, na_ner_model_t **out, na_error_t *err);

/* Appends the file form of MODEL to OUT. */
void na_ner_model_serialize(const na_ner_model_t *model, na_buf_t *out);

/* Frees MODEL; NULL is accepted. */
void na_ner_model_free(na_ner_model_t *model);

/* Returns a model whose weights are the mean of the weights of the N
 * MODELS (borrowed for the call), which must have the same hash bits and
 * gazetteer classes: an ensemble at the cost of one model.  Caller owns;
 * free with na_ner_model_free().  NULL when N is 0 or the bits differ. */
na_ner_model_t *na_ner_model_average(const na_ner_model_t *const *models, size_t n);

/* The info text recorded at training (borrowed; valid until the model is
 * freed or its info replaced; never NULL). */
const char *na_ner_model_info(const na_ner_model_t *model);

/* Replaces the info text of MODEL with a copy of INFO (NULL: empty). */
void na_ner_model_set_info(na_ner_model_t *model, const char *info);

/* Number of gazetteer classes the model was trained with; *NAMES (may be
 * NULL) receives their names (borrowed; valid until the model is freed). */
size_t na_ner_model_gazetteer_classes(const na_ner_model_t *model, const char *const **names);

/* Number of stored (non-zero) rows; *TABLE_ROWS (may be NULL) receives
 * the size of the hashed table, 2^bits. */
size_t na_ner_model_rows(const na_ner_model_t *model, size_t *table_rows);

/* ---- tagging ---- */

/* Finds the entities in one document.  TEXT (LEN bytes, borrowed for the
 * call) is the text that the NTOKS tokens at TOKS index, as produced by
 * na_tokenize(); sentences start at tokens flagged NA_TOKEN_SENT_START
 * (sentences over 1000 tokens are cut into pieces, and a document over
 * 20000 tokens is read in pieces of whole sentences of about that size).
 * Pass the whole article in one call: how a word is written and tagged
 * elsewhere in the document is part of the evidence.  GAZ may be NULL.
 * OUT is emptied first and receives the spans in text order, never
 * overlapping and never crossing a sentence start.  Returns NA_OK, or
 * NA_ERR_INVALID (and no spans) when MODEL or OUT is NULL, TEXT or TOKS is
 * NULL with tokens, or a token is empty or lies outside TEXT. */
na_status_t na_ner_tag(const na_ner_model_t *model, const na_gazetteer_t *gaz, const char *text,
                       size_t len, const na_token_t *toks, size_t ntoks, na_ner_spans_t *out,
                       na_error_t *err);

/* ---- training (used by ner-train) ----
 * Documents are added once with their gold spans; each call to
 * na_ner_trainer_epoch() makes one pass over them in a shuffled order that
 * depends only on the seed and the epoch number, so training is
 * reproducible.  In each pass a fifth of the documents, drawn from the
 * same seed, are seen without their gazetteer features ("gazetteer
 * dropout"), so that the model does not lean on the lists alone and still
 * works, somewhat less well, when they are missing or have changed. */
typedef struct na_ner_trainer na_ner_trainer_t;

/* Returns a new trainer with a table of 2^HASH_BITS rows (8..26; NULL
 * otherwise) that computes gazetteer features from GAZ (may be NULL;
 * borrowed until the trainer is freed).  Memory: 2^HASH_BITS * 108 bytes
 * plus about 300 bytes a training token.  Caller owns; free with
 * na_ner_trainer_free(). */
na_ner_trainer_t *na_ner_trainer_create(unsigned hash_bits, const na_gazetteer_t *gaz, uint64_t seed);

/* Frees TR; NULL is accepted. */
void na_ner_trainer_free(na_ner_trainer_t *tr);

/* Forgets all training (the documents stay) and starts again with SEED,
 * for another member of an ensemble. */
void na_ner_trainer_reseed(na_ner_trainer_t *tr, uint64_t seed);

/* Adds one document of at most 20000 tokens: TEXT, LEN, TOKS and NTOKS as
 * for na_ner_tag(), and its NGOLD entities GOLD (type and token range are
 * used; they must be in order and not overlap).  Everything is copied or
 * digested.  Returns NA_OK or NA_ERR_INVALID for bad tokens or spans. */
na_status_t na_ner_trainer_add(na_ner_trainer_t *tr, const char *text, size_t len,
                               const na_token_t *toks, size_t ntoks, const na_ner_span_t *gold,
                               size_t ngold, na_error_t *err);

/* Makes training pass number EPOCH (from 1) and returns the number of
 * tokens tagged wrongly during it. */
size_t na_ner_trainer_epoch(na_ner_trainer_t *tr, unsigned epoch);

/* Returns the averaged weights so far as a model (caller owns; free with
 * na_ner_model_free()).  Weights whose magnitude is below PRUNE are
 * dropped; INFO (may be NULL) is recorded in the model. */
na_ner_model_t *na_ner_trainer_model(const na_ner_trainer_t *tr, float prune, const char *info);

/* ---- training the document pass (used by ner-train) ----
 * The document pass is trained by stacking: each training document is
 * tagged by a first-pass model that did not see it (cross-fitting: one
 * trained on the other folds), so that its first-pass tags are as wrong
 * as they will be on new text; then only the weights of the document-pass
 * features are trained, by the averaged perceptron, on top of that model's
 * fixed scores, and na_ner_stacker_model() adds them to the shipped
 * first-pass model. */
typedef struct na_ner_stacker na_ner_stacker_t;

/* Returns a new stacker for models of 2^HASH_BITS rows (8..26; NULL
 * otherwise), shuffling with SEED.  Memory: 2^HASH_BITS * 108 bytes plus
 * about 100 bytes a training token.  Caller owns; free with
 * na_ner_stacker_free(). */
na_ner_stacker_t *na_ner_stacker_create(unsigned hash_bits, uint64_t seed);

/* Frees ST; NULL is accepted. */
void na_ner_stacker_free(na_ner_stacker_t *st);

/* Tags one training document (arguments as for na_ner_trainer_add()) with
 * the first-pass model FIRST (borrowed until ST is freed; it must have
 * ST's hash bits) and gazetteer GAZ (may be NULL; borrowed for the call),
 * and keeps what the document pass needs.  Returns NA_OK or
 * NA_ERR_INVALID for bad tokens, spans or hash bits. */
na_status_t na_ner_stacker_add(na_ner_stacker_t *st, const na_ner_model_t *first, const na_gazetteer_t *gaz,
                               const char *text, size_t len, const na_token_t *toks, size_t ntoks,
                               const na_ner_span_t *gold, size_t ngold, na_error_t *err);

/* Makes pass number EPOCH (from 1) over the documents, in an order that
 * depends only on the seed and EPOCH; returns the tokens tagged wrongly. */
size_t na_ner_stacker_epoch(na_ner_stacker_t *st, unsigned epoch);

/* Returns BASE (borrowed for the call; ST's hash bits) with the averaged
 * document-pass weights added, listing "document-pass" among its classes
 * so that na_ner_tag() makes the second pass.  Caller owns; free with
 * na_ner_model_free().  NULL when the bits differ. */
na_ner_model_t *na_ner_stacker_model(const na_ner_stacker_t *st, const na_ner_model_t *base);

#ifdef __cplusplus
}
#endif

#endif
