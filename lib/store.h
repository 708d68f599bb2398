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
 * Blob layout (version 1), integers unsigned LEB128 varints unless said:
 *   byte    method: 0 = stored as is, 1 = zlib, 2 = zlib with dictionary
 *           (written by older versions, still read), 3 = raw deflate with
 *           dictionary
 *   varint  raw length
 *   varint  dictionary id (method 2 only; ids start at 1)
 *   4 bytes dictionary id, big-endian (method 3 only; not 0)
 *   bytes   payload: a zlib stream (RFC 1950, with its Adler-32) for
 *           methods 1 and 2, a raw deflate stream (RFC 1951) for method 3
 *   4 bytes method 3 only: the Adler-32, big-endian, of the dictionary
 *           followed by the raw bytes, which checks both
 * Method 0 is used when compression would not make the article smaller;
 * packing with a dictionary writes method 3, which spends 7 bytes less on
 * each article than method 2 did (a 2-byte zlib header and the
 * dictionary's Adler-32 that the id already names, and the id's fifth
 * varint byte).
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
    unsigned long adler;       /* Adler-32 of DATA, or 0 to have it computed when
                                * needed: readers that unpack many articles with
                                * one dictionary compute it once */
} na_zdict_t;

/* zlib uses at most the last 32 KiB of a preset dictionary, and its
 * window is 32 KiB too: deep into a long article, the dictionary's start
 * falls out of reach first, which is why training puts the most useful
 * material last. */
#define NA_ZDICT_MAX 32768

/* Compresses the LEN bytes at RAW at zlib LEVEL (1..9) against DICT (may
 * be NULL; an empty dictionary counts as none) and appends the blob to
 * OUT.  The blob is stored as is (method 0) unless compressing makes it
 * smaller.  NA_ERR_INVALID for a bad level, a dictionary with id 0 or
 * longer than NA_ZDICT_MAX; NA_ERR_INTERNAL if zlib fails.  On failure
 * OUT is left as it was. */
na_status_t na_store_pack(const void *raw, size_t len, const na_zdict_t *dict, int level,
                          na_buf_t *out, na_error_t *err);

/* A packer keeps one zlib stream for many articles, so that its memory is
 * allocated once rather than per article, and loads the dictionary once
 * rather than per article: the same blobs as na_store_pack(), faster.
 * DICT is borrowed and must outlive the packer (NULL: no dictionary).
 * NULL for the arguments na_store_pack() refuses or when zlib cannot
 * start.  Caller owns the packer; free with na_store_packer_free(), which
 * accepts NULL. */
typedef struct na_store_packer na_store_packer_t;
na_store_packer_t *na_store_packer_new(const na_zdict_t *dict, int level);
void na_store_packer_free(na_store_packer_t *packer);
na_status_t na_store_packer_pack(na_store_packer_t *packer, const void *raw, size_t len, na_buf_t *out,
                                 na_error_t *err);

/* Reads a blob's header: the raw length and the dictionary id it needs (0
 * for none); either pointer may be NULL.  NA_ERR_CORRUPT for a malformed
 * header, including a length the blob's size cannot hold (more than
 * zlib's 1032:1, or for method 0 anything but the bytes that follow). */
na_status_t na_store_blob_info(const void *blob, size_t len, size_t *raw_len, unsigned *dict_id,
                               na_error_t *err);

/* Appends the original bytes of BLOB to OUT.  DICT must be the dictionary
 * whose id the blob names (ignored when it names none).  NA_ERR_CORRUPT
 * when the blob is damaged or truncated, its checksum or length does not
 * match, or no dictionary or the wrong one is given; NA_ERR_INVALID for a
 * dictionary longer than NA_ZDICT_MAX; NA_ERR_NOMEM if zlib runs out of
 * memory.  On failure OUT is left as it was.  Never reads outside
 * BLOB[0..LEN) and never sets aside more than the 1032:1 bound allows. */
na_status_t na_store_unpack(const void *blob, size_t len, const na_zdict_t *dict, na_buf_t *out,
                            na_error_t *err);

/* An unpacker keeps one inflate stream for many blobs, so that reading a
 * page of articles back allocates zlib's state and 32 KiB window once
 * rather than per article: the same bytes and statuses as
 * na_store_unpack(), faster.  It holds no dictionary; each call is given
 * the one its blob names.  A failed call leaves the unpacker usable for
 * the next.  NULL when zlib cannot start.  Caller owns the unpacker; free
 * with na_store_unpacker_free(), which accepts NULL. */
typedef struct na_store_unpacker na_store_unpacker_t;
na_store_unpacker_t *na_store_unpacker_new(void);
void na_store_unpacker_free(na_store_unpacker_t *unpacker);
na_status_t na_store_unpacker_unpack(na_store_unpacker_t *unpacker, const void *blob, size_t len,
                                     const na_zdict_t *dict, na_buf_t *out, na_error_t *err);

/* Builds a preset dictionary of at most MAX_LEN bytes (clamped to
 * NA_ZDICT_MAX) from COUNT sample articles and appends it to OUT: the
 * substrings that recur in the most samples, the most useful last, where
 * zlib finds it nearest.  Appends nothing when there is nothing to learn
 * from (fewer than two samples, under 128 bytes in all, or nothing that
 * recurs).  Deterministic, on any machine: the same samples give the same
 * dictionary.  Takes about a tenth of a second for 2 MiB of samples. */
void na_store_train(const unsigned char *const *samples, const size_t *lens, size_t count,
                    size_t max_len, na_buf_t *out);

#endif
