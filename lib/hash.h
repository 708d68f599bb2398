/* hash.h - the one hash newsarc uses: 64-bit FNV-1a over bytes.
 *
 * It names articles that have no id of their own (a digest of their
 * bytes), stands in for terms too long for Xapian, spots unchanged
 * articles, and places keys in the in-memory tables (strmap.h, the stem
 * cache, the date finder's keywords, the tagger's features, mixed by
 * na_hash64_mix()).  (The store's dictionary trainer buckets 6-byte
 * words by one multiplication: an integer's bucket, not a hash of text.)
 * It is not cryptographic: it guards against accidents, not against
 * someone crafting collisions.
 */
#ifndef NA_HASH_H
#define NA_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The FNV-1a offset basis: the seed of a fresh hash. */
#define NA_HASH_SEED 0xcbf29ce484222325ULL

/* One byte of the hash: na_hash64(h, &c, 1), inline for the tagger's
 * word features, which hash a word while they read it. */
static inline uint64_t na_hash64_byte(uint64_t h, unsigned char c)
{
    return (h ^ c) * 0x100000001b3ULL;
}

/* Mixes the 64 bits of H so that each bit of the result depends on all
 * of them (MurmurHash3's finaliser).  FNV-1a spreads its last bytes
 * poorly into the low bits, which a power-of-two table uses; the tagger's
 * features are mixed the same way, so its models depend on this
 * arithmetic staying as it is. */
static inline uint64_t na_hash64_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* Returns the FNV-1a hash of the LEN bytes at DATA continued from SEED
 * (NA_HASH_SEED to start), so that several pieces can be hashed as one
 * stream: na_hash64(na_hash64(s, a, n), b, m) is the hash of a then b.
 * DATA may be NULL when LEN is 0. */
uint64_t na_hash64(uint64_t seed, const void *data, size_t len);

/* Writes na_hash64(SEED, DATA, LEN) as 16 lower-case hex digits and a
 * NUL to OUT and returns OUT. */
char *na_hash64_hex(uint64_t seed, const void *data, size_t len, char out[17]);

#endif
