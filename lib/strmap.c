/* strmap.c - string-keyed open-addressing hash table (strmap.h).
 *
 * Linear probing in a power-of-two table kept at most half full, so a
 * lookup touches few slots and needs no tombstones (nothing is removed). */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "util.h"

static size_t slot_of(const na_strmap_t *m, const char *key)
{
    size_t i = (size_t)na_hash64(NA_HASH_SEED, key, strlen(key)) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

void *na_strmap_get(const na_strmap_t *m, const char *key)
{
    return m->cap ? m->values[slot_of(m, key)] : NULL;
}

bool na_strmap_contains(const na_strmap_t *m, const char *key)
{
    return m->cap && m->keys[slot_of(m, key)] != NULL;
}

static void grow(na_strmap_t *m)
{
    na_strmap_t bigger = { NULL, NULL, m->cap ? m->cap * 2 : 64, 0 };
    bigger.keys = na_xcalloc(bigger.cap, sizeof *bigger.keys);
    bigger.values = na_xcalloc(bigger.cap, sizeof *bigger.values);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t j = slot_of(&bigger, m->keys[i]);
            bigger.keys[j] = m->keys[i];
            bigger.values[j] = m->values[i];
            bigger.count++;
        }
    free(m->keys);
    free(m->values);
    *m = bigger;
}

void **na_strmap_ref(na_strmap_t *m, const char *key)
{
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    size_t i = slot_of(m, key);
    if (!m->keys[i]) {
        m->keys[i] = na_xstrdup(key);
        m->values[i] = NULL;
        m->count++;
    }
    return &m->values[i];
}

void *na_strmap_put(na_strmap_t *m, const char *key, void *value)
{
    void **slot = na_strmap_ref(m, key);
    void *old = *slot;
    *slot = value;
    return old;
}

bool na_strmap_next(const na_strmap_t *m, size_t *pos, const char **key, void **value)
{
    for (; *pos < m->cap; (*pos)++)
        if (m->keys[*pos]) {
            if (key)
                *key = m->keys[*pos];
            if (value)
                *value = m->values[*pos];
            (*pos)++;
            return true;
        }
    return false;
}

void na_strmap_clear(na_strmap_t *m, void (*free_value)(void *))
{
    if (!m || !m->count)
        return;
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            free(m->keys[i]);
            m->keys[i] = NULL;
            if (free_value)
                free_value(m->values[i]);
            m->values[i] = NULL;
        }
    m->count = 0;
}

void na_strmap_release(na_strmap_t *m, void (*free_value)(void *))
{
    if (!m)
        return;
    na_strmap_clear(m, free_value);
    free(m->keys);
    free(m->values);
    *m = (na_strmap_t)NA_STRMAP_INIT;
}
