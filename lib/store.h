/* store.h - the compressed article store: one self-contained blob per
 * article, deflated with zlib, optionally against a preset dictionary.
 *
 * A blob is kept in the Xapian document's data, so it is committed in the
 * same transaction as the article's index entries.  Dictionaries are
 * trained from the archive's own articles and kept in the database's
 * metadata under an id that each blob records, so every blob stays
 * readable on its own once its dictionary is loaded, and dictionaries can
 * be replaced without rewriting old blobs.
 *
 * Blob layout (version 1), all integers unsigned LEB128 varints:
 *   byte    method: 0 = stored as is, 1 = zlib, 2 = zlib with dictionary
 *   varint  raw length
 *   varint  dictionary id (method 2 only; ids start at 1)
 *   bytes   payload (zlib stream for methods 1 and 2, with its Adler-32)
 * Method 0 is used when compression would not make the article smaller.
 */
#ifndef NA_STORE_H
#define NA_STORE_H

#include <stddef.h>

#include "status.h"
#include "util.h"

typedef struct {
    unsigned id;               /* >= 1; newsarc-index uses the dictionary's CRC-32 */
    const unsigned char *data; /* borrowed */
    size_t len;                /* at most NA_ZDICT_MAX */
} na_zdict_t;

/* zlib uses at most the last 32 KiB of a preset dictionary. */
#define NA_ZDICT_MAX 32768

/* Compresses the LEN bytes at RAW at zlib LEVEL (1..9) against DICT (may
 * be NULL) and appends the blob to OUT.  NA_ERR_INVALID for a bad level,
 * NA_ERR_INTERNAL if zlib fails. */
na_status_t na_store_pack(const void *raw, size_t len, const na_zdict_t *dict, int level,
                          na_buf_t *out, na_error_t *err);

/* A packer keeps one zlib stream for many articles, so that its memory is
 * allocated once rather than per article: the same blobs as
 * na_store_pack(), faster.  DICT is borrowed and must outlive the packer
 * (NULL: no dictionary).  NULL on a bad level or when zlib cannot start. */
typedef struct na_store_packer na_store_packer_t;
na_store_packer_t *na_store_packer_new(const na_zdict_t *dict, int level);
void na_store_packer_free(na_store_packer_t *packer);
na_status_t na_store_packer_pack(na_store_packer_t *packer, const void *raw, size_t len, na_buf_t *out,
                                 na_error_t *err);

/* Reads a blob's header: the raw length and the dictionary id it needs (0
 * for none).  NA_ERR_CORRUPT for a malformed header. */
na_status_t na_store_blob_info(const void *blob, size_t len, size_t *raw_len, unsigned *dict_id,
                               na_error_t *err);

/* Appends the original bytes of BLOB to OUT.  DICT must be the dictionary
 * whose id the blob names (ignored when it names none).  NA_ERR_CORRUPT
 * when the blob is damaged, its checksum or length does not match, or the
 * wrong dictionary is given; OUT is then left as it was. */
na_status_t na_store_unpack(const void *blob, size_t len, const na_zdict_t *dict, na_buf_t *out,
                            na_error_t *err);

/* Builds a preset dictionary of at most MAX_LEN bytes (<= NA_ZDICT_MAX)
 * from COUNT sample articles and appends it to OUT.  The most useful
 * material goes last, where zlib finds it nearest.  Deterministic: the
 * same samples give the same dictionary. */
void na_store_train(const unsigned char *const *samples, const size_t *lens, size_t count,
                    size_t max_len, na_buf_t *out);

#endif
