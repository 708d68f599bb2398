/* hash.c - 64-bit FNV-1a (hash.h). */
#include "hash.h"

#include <inttypes.h>
#include <stdio.h>

uint64_t na_hash64(uint64_t seed, const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = seed;
    for (size_t i = 0; i < len; i++)
        h = na_hash64_byte(h, p[i]);
    return h;
}

char *na_hash64_hex(uint64_t seed, const void *data, size_t len, char out[17])
{
    snprintf(out, 17, "%016" PRIx64, na_hash64(seed, data, len));
    return out;
}
