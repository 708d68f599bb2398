/* strmap.h - the one string-keyed hash table: keys copied, values
 * borrowed pointers, open addressing over na_hash64(), no removal (the
 * tables newsarc keeps grow for a run and are dropped whole).
 */
#ifndef NA_STRMAP_H
#define NA_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

/* Caller-owned; start from NA_STRMAP_INIT, end with na_strmap_release().
 * Read count directly; the other fields are private. */
typedef struct {
    char **keys;   /* cap slots, NULL when empty */
    void **values;
    size_t cap, count;
} na_strmap_t;

#define NA_STRMAP_INIT { NULL, NULL, 0, 0 }

/* The value under KEY, or NULL when there is none. */
void *na_strmap_get(const na_strmap_t *map, const char *key);

/* True when KEY is in MAP (whatever its value, NULL too). */
bool na_strmap_contains(const na_strmap_t *map, const char *key);

/* Sets KEY (copied) to VALUE (borrowed; may be NULL) and returns the
 * value it replaces, or NULL for a new key. */
void *na_strmap_put(na_strmap_t *map, const char *key, void *value);

/* The value slot under KEY, added (KEY copied, value NULL) when KEY is
 * new, for a caller that reads and sets a value with one lookup.
 * Borrowed; valid until the next na_strmap_put(), na_strmap_ref(),
 * na_strmap_clear() or na_strmap_release(). */
void **na_strmap_ref(na_strmap_t *map, const char *key);

/* Iterates in no particular order: start *POS at 0; each call sets *KEY
 * (borrowed until release) and *VALUE (either may be NULL) and returns
 * true, or returns false when there is no more.  MAP must not change
 * meanwhile. */
bool na_strmap_next(const na_strmap_t *map, size_t *pos, const char **key, void **value);

/* Frees the keys and, when FREE_VALUE is not NULL, calls it on every
 * value; MAP is then empty and can be used again.  NULL is ignored. */
void na_strmap_release(na_strmap_t *map, void (*free_value)(void *));

/* As na_strmap_release(), but MAP keeps its room: for a map emptied and
 * filled again many times (once per article).  NULL is ignored. */
void na_strmap_clear(na_strmap_t *map, void (*free_value)(void *));

#endif
