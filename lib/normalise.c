/* normalise.c - metadata values to canonical names through alias tables.
 *
 * A normaliser is built from the table files or mapped compiled.  Built,
 * each field has one lib/strmap from a folded lookup key to an entry (its
 * canonical name); a table file is read whole at once, its canonical names
 * are tidied in place in that buffer, which the normaliser then keeps, and
 * folding is one pass over the bytes, with no locale and no Unicode
 * library.  Compiled (see "the compiled form" below), the same entries
 * are laid out in one file that newsarc-search maps instead of parsing
 * the tables again for each query it answers.
 */
#include "normalise.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/mman.h>

#include "hash.h"
#include "places.h"
#include "strmap.h"
#include "utf8.h"
#include "util.h"

/* Memory that lives as long as the normaliser: table files as read (then
 * edited in place) and canonical names added one by one. */
typedef struct block {
    struct block *next;
    size_t used, cap;
    char data[];
} block_t;

#define BLOCK_SIZE 8192

typedef struct {
    const char *canonical; /* shared by the entries of one line */
    bool is_name;          /* the key is the canonical name's own key */
    bool gazetteer;        /* from the gazetteers, not an alias table */
} entry_t;

/* A table being built: folded key -> entry number + 1 (lib/strmap), the
 * entries dense in the order added. */
typedef struct {
    na_strmap_t map;
    entry_t *entries;
    size_t count, room;
} table_t;

/* A table of the compiled form, as its directory in the file gives it. */
typedef struct {
    const uint32_t *slots;   /* CAP slots: entry number + 1, 0 free */
    const uint32_t *entries; /* COUNT x { key offset, key length, canonical offset, flags } */
    uint32_t cap, count;
} image_table_t;

struct na_normaliser {
    table_t tables[NA_FIELD_COUNT];
    block_t *blocks;
    na_strlist_t texts; /* gazetteer files as read: their names are canonical names */
    /* The compiled form when mapped (na_normaliser_map()): lookups go
     * there and TABLES stay empty. */
    const unsigned char *image;
    size_t image_size;
    image_table_t image_tables[NA_FIELD_COUNT];
    const char *pool;
    uint32_t pool_size;
};

static block_t *block_new(na_normaliser_t *n, size_t cap)
{
    block_t *b = na_xmalloc(sizeof *b + cap);
    b->used = 0;
    b->cap = cap;
    b->next = n->blocks;
    n->blocks = b;
    return b;
}

/* Returns room for LEN bytes that lives as long as N. */
static char *block_alloc(na_normaliser_t *n, size_t len)
{
    block_t *b = n->blocks;
    if (!b || b->cap - b->used < len)
        b = block_new(n, len > BLOCK_SIZE ? len : BLOCK_SIZE);
    char *p = b->data + b->used;
    b->used += len;
    return p;
}

/* ---- the lookup key ---- */

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Writes the lookup key of the LEN bytes at S to OUT (room for LEN + 1
 * bytes: a key is never longer than its value; OUT may be S, as the
 * key never gets ahead of the value it is made from) and returns its
 * length.
 * The key is lower-cased and accent-folded (na_utf8_fold_char: "Zürich"
 * and "ZURICH" are "zurich"), has no dots, treats "-", "_", blanks and
 * no-break spaces as one separator, keeps no separator at either end, and
 * reads the typographic apostrophe as "'". */
size_t na_normalise_key(const char *s, size_t len, char *out)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    size_t n = 0;
    bool sep = false;
    while (p < end) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
            if (c == '.')
                continue;
            if (c == '-' || c == '_' || is_blank((unsigned char)c)) {
                sep = n > 0;
                continue;
            }
            if (sep)
                out[n++] = ' ';
            sep = false;
            out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            continue;
        }
        unsigned cp;
        size_t k = na_utf8_decode((const char *)p, (size_t)(end - p), &cp);
        if (!k) { /* not UTF-8: kept as it is */
            if (sep)
                out[n++] = ' ';
            sep = false;
            out[n++] = (char)c;
            p++;
            continue;
        }
        p += k;
        if (cp == 0xa0) { /* no-break space */
            sep = n > 0;
            continue;
        }
        char folded[4];
        size_t m = na_utf8_fold_char(na_utf8_lower(cp), folded);
        if (!m)
            continue; /* a combining mark */
        if (sep)
            out[n++] = ' ';
        sep = false;
        if (cp == 0x2019) {
            out[n++] = '\'';
            continue;
        }
        for (size_t i = 0; i < m; i++) { /* "ẞ" folds to "SS" */
            unsigned char f = (unsigned char)folded[i];
            out[n++] = (char)(f >= 'A' && f <= 'Z' ? f + 32 : f);
        }
    }
    out[n] = '\0';
    return n;
}

/* ---- the tables being built ---- */

/* Maps KEY (already folded, KLEN bytes, NUL-terminated; copied) to
 * CANONICAL, which lives as long as the normaliser.  The first mapping of
 * a key wins, except that a canonical name always maps to itself, so
 * normalising a canonical name never changes it; a gazetteer's mapping
 * (GAZETTEER) never replaces one. */
static void table_put(table_t *t, const char *key, size_t klen, const char *canonical, bool is_name,
                      bool gazetteer)
{
    if (!klen)
        return; /* only dots and separators: no key to find it by */
    if (t->count >= UINT32_MAX - 1)
        NA_BUG("alias table too large");
    uintptr_t i = (uintptr_t)na_strmap_get(&t->map, key);
    if (i) {
        entry_t *e = &t->entries[i - 1];
        if (!gazetteer && is_name && !e->is_name) {
            e->canonical = canonical;
            e->is_name = true;
        }
        return;
    }
    if (t->count == t->room) {
        t->room = t->room ? 2 * t->room : 64;
        t->entries = na_xrealloc(t->entries, t->room * sizeof *t->entries);
    }
    t->entries[t->count] = (entry_t){ canonical, is_name, gazetteer };
    na_strmap_put(&t->map, key, (void *)(uintptr_t)++t->count);
}

/* Maps the key of the LEN bytes at S to CANONICAL (table_put()). */
static void put_value(table_t *t, const char *s, size_t len, const char *canonical, bool is_name, bool gazetteer)
{
    char small[256];
    char *key = len < sizeof small ? small : na_xmalloc(len + 1);
    size_t klen = na_normalise_key(s, len, key);
    table_put(t, key, klen, canonical, is_name, gazetteer);
    if (key != small)
        free(key);
}

/* Trims blanks at both ends of the LEN bytes at S and makes inner runs of
 * blanks one space, writing to OUT (room for LEN + 1).  Returns the new
 * length. */
static size_t tidy(const char *s, size_t len, char *out)
{
    size_t n = 0;
    bool space = false;
    for (size_t i = 0; i < len; i++) {
        if (is_blank((unsigned char)s[i])) {
            space = n > 0;
            continue;
        }
        if (space)
            out[n++] = ' ';
        space = false;
        out[n++] = s[i];
    }
    out[n] = '\0';
    return n;
}

na_normaliser_t *na_normaliser_new(void)
{
    return na_xcalloc(1, sizeof(na_normaliser_t));
}

void na_normaliser_free(na_normaliser_t *n)
{
    if (!n)
        return;
    for (int f = 0; f < NA_FIELD_COUNT; f++) {
        free(n->tables[f].entries);
        na_strmap_release(&n->tables[f].map, NULL);
    }
    if (n->image)
        munmap((void *)n->image, n->image_size);
    for (block_t *b = n->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    na_strlist_clear(&n->texts);
    free(n);
}

static bool field_ok(na_field_t field)
{
    return (unsigned)field < NA_FIELD_COUNT;
}

/* Authors are people: one table serves both fields. */
static na_field_t table_field(na_field_t field)
{
    return field == NA_FIELD_AUTHOR ? NA_FIELD_PERSON : field;
}

void na_normaliser_add(na_normaliser_t *n, na_field_t field, const char *alias, const char *canonical)
{
    if (!field_ok(field))
        NA_BUG("na_normaliser_add: no such field");
    if (n->image)
        NA_BUG("na_normaliser_add: a mapped normaliser cannot change");
    size_t len = strlen(canonical);
    char *name = block_alloc(n, len + 1);
    len = tidy(canonical, len, name);
    if (!len)
        return;
    table_t *t = &n->tables[table_field(field)];
    put_value(t, name, len, name, true, false);
    put_value(t, alias, strlen(alias), name, false, false);
}

/* Adds one line of a table file: the canonical name, then aliases, all
 * separated by tabs.  LINE is LEN bytes in a buffer the normaliser keeps; the name is
 * tidied and the aliases folded where they are. */
static bool add_line(table_t *t, char *line, size_t len)
{
    char *tab = memchr(line, '\t', len);
    size_t first = tab ? (size_t)(tab - line) : len, klen;
    size_t name_len = tidy(line, first, line);
    if (!name_len)
        return false;
    put_value(t, line, name_len, line, true, false);
    while (tab) {
        char *alias = tab + 1;
        size_t rest = len - (size_t)(alias - line);
        tab = memchr(alias, '\t', rest);
        size_t alias_len = tab ? (size_t)(tab - alias) : rest;
        klen = na_normalise_key(alias, alias_len, alias);
        table_put(t, alias, klen, line, false, false);
    }
    return true;
}

/* Reads the whole file at PATH into a new block, NUL-terminated: for a
 * regular file, one read() into a block of its size and one that finds
 * the end.  Returns 0 or an errno. */
static int read_block(const char *path, block_t **out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return e;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return EISDIR;
    }
    size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, len = 0;
    block_t *b = na_xmalloc(sizeof *b + cap);
    for (;;) {
        char one;
        bool full = len + 1 == cap;
        /* When the block is full, read one byte before growing it: a
         * file of the size fstat() gave ends here. */
        ssize_t r = full ? read(fd, &one, 1) : read(fd, b->data + len, cap - 1 - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(b);
            close(fd);
            return e;
        }
        if (r == 0)
            break;
        if (full) {
            b = na_xrealloc(b, sizeof *b + (cap *= 2));
            b->data[len] = one;
        }
        len += (size_t)r;
    }
    close(fd);
    b->data[len] = '\0';
    b->used = b->cap = len; /* full: small allocations go elsewhere */
    b->next = NULL;
    *out = b;
    return 0;
}

/* Line number (from 1) of the first line of the LEN bytes at TEXT that is
 * not valid UTF-8 or holds a NUL byte; 0 when there is none. */
static size_t bad_line(const char *text, size_t len)
{
    if (na_utf8_valid(text, len) && !memchr(text, '\0', len))
        return 0;
    size_t lineno = 1;
    for (const char *p = text, *end = text + len; p < end; lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (!na_utf8_valid(p, n) || memchr(p, '\0', n))
            return lineno;
        p += n + 1;
    }
    return 0;
}

na_status_t na_normaliser_add_file(na_normaliser_t *n, na_field_t field, const char *path, na_error_t *err)
{
    if (!field_ok(field))
        return na_error_set(err, NA_ERR_INVALID, "%s: no such field for an alias table", path);
    if (n->image)
        NA_BUG("na_normaliser_add_file: a mapped normaliser cannot change");
    block_t *b = NULL;
    int e = read_block(path, &b);
    if (e)
        return na_error_set(err, NA_ERR_IO, "%s: cannot read alias table: %s", path, na_strerror(e));
    char *text = b->data;
    size_t len = b->used, lineno = bad_line(text, len);
    if (lineno) {
        free(b);
        return na_error_set(err, NA_ERR_PARSE, "%s:%zu: not valid UTF-8 text", path, lineno);
    }
    /* The entries of the file live in its text: N owns it from here on,
     * behind the current block so that small allocations keep going
     * there. */
    if (n->blocks) {
        b->next = n->blocks->next;
        n->blocks->next = b;
    } else {
        b->next = NULL;
        n->blocks = b;
    }

    table_t *t = &n->tables[table_field(field)];

    const char *end = text + len;
    char *p = text;
    for (lineno = 1; p < end; lineno++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n_line = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char *line = p;
        p = nl ? nl + 1 : (char *)end;
        if (n_line && line[n_line - 1] == '\r')
            n_line--;
        size_t i = 0;
        while (i < n_line && is_blank((unsigned char)line[i]))
            i++;
        if (i == n_line || line[0] == '#')
            continue;
        if (!add_line(t, line, n_line))
            return na_error_set(err, NA_ERR_PARSE, "%s:%zu: no canonical name before the first tab", path,
                                lineno);
    }
    return NA_OK;
}

/* ---- the gazetteers' places ---- */

/* The names of one place table and their aliases, kept apart so that all
 * names go in before any alias: a name is read as its own place before it
 * is read as another place's alternate name. */
typedef struct {
    na_normaliser_t *n;
    char **aliases; /* alias, canonical, alias, canonical, ... */
    size_t count, cap;
} gaz_load_t;

static void gaz_entry(const na_place_entry_t *e, void *ud)
{
    gaz_load_t *l = ud;
    put_value(&l->n->tables[NA_FIELD_PLACE], e->name, strlen(e->name), e->name, true, true);
    if (l->count + 2 * e->alias_count > l->cap) {
        l->cap = 2 * (l->count + 2 * e->alias_count) + 64;
        l->aliases = na_xrealloc(l->aliases, l->cap * sizeof *l->aliases);
    }
    for (size_t i = 0; i < e->alias_count; i++) {
        l->aliases[l->count++] = e->aliases[i];
        l->aliases[l->count++] = (char *)e->name;
    }
}

/* Adds the countries, cities and regions of the gazetteer folder DIR to
 * the place table, after the alias tables, in that order: a country's
 * name stands for the country ("Mexico"), a city's for the city over a
 * region of that name ("Zurich" is Zürich, "Kiev" is Kyiv, not the
 * province), each table's names before its alternate names. */
static na_status_t add_gazetteer(na_normaliser_t *n, const char *dir, na_error_t *err)
{
    static const na_place_kind_t order[] = { NA_PLACE_COUNTRY, NA_PLACE_CITY, NA_PLACE_REGION };
    gaz_load_t l = { n, NULL, 0, 0 };
    na_status_t st = NA_OK;
    table_t *t = &n->tables[NA_FIELD_PLACE];
    for (size_t i = 0; st == NA_OK && i < sizeof order / sizeof *order; i++) {
        char *text = NULL;
        l.count = 0;
        st = na_places_read(dir, order[i], gaz_entry, &l, &text, err);
        if (!text)
            continue;
        na_strlist_take(&n->texts, text);
        /* The text is the normaliser's now: aliases are folded where
         * they are, as those of a table file are. */
        for (size_t k = 0; k < l.count; k += 2) {
            size_t klen = na_normalise_key(l.aliases[k], strlen(l.aliases[k]), l.aliases[k]);
            table_put(t, l.aliases[k], klen, l.aliases[k + 1], true, true);
        }
    }
    free(l.aliases);
    return st;
}

na_status_t na_normaliser_load(const na_config_t *cfg, na_normaliser_t **out, na_error_t *err)
{
    const struct {
        na_field_t field;
        const char *path;
    } files[] = {
        { NA_FIELD_PLACE, cfg->alias_places }, { NA_FIELD_PERSON, cfg->alias_people },
        { NA_FIELD_ORG, cfg->alias_orgs },     { NA_FIELD_TOPIC, cfg->alias_topics },
        { NA_FIELD_SOURCE, cfg->alias_sources },
    };
    na_normaliser_t *n = na_normaliser_new();
    na_status_t st = NA_OK;
    for (size_t i = 0; st == NA_OK && i < sizeof files / sizeof *files; i++)
        if (files[i].path)
            st = na_normaliser_add_file(n, files[i].field, files[i].path, err);
    if (st == NA_OK && cfg->gazetteer)
        st = add_gazetteer(n, cfg->gazetteer, err);
    if (st) {
        na_normaliser_free(n);
        *out = NULL;
        return st;
    }
    *out = n;
    return NA_OK;
}

na_status_t na_normaliser_add_gazetteer(na_normaliser_t *n, const char *dir, na_error_t *err)
{
    return add_gazetteer(n, dir, err);
}

/* ---- lookups ---- */

/* A code as Reuters writes them: lower-case ASCII letters, digits, "-",
 * "_", blanks and dots only, with at least one letter. */
static bool is_code(const char *s)
{
    bool letter = false;
    for (; *s; s++) {
        if (*s >= 'a' && *s <= 'z')
            letter = true;
        else if (!((*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == ' ' || *s == '.'))
            return false;
    }
    return letter;
}

/* Turns the code S into a name in place: "james-baker" -> "James Baker",
 * "u.s." -> "U.S.".  Separators become one space, none at the ends. */
static void code_to_name(char *s)
{
    size_t n = 0;
    bool space = false, start = true;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (c == '-' || c == '_' || c == ' ') {
            space = n > 0;
            start = true;
            continue;
        }
        if (space)
            s[n++] = ' ';
        space = false;
        s[n++] = (start && c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
        start = c == '.';
    }
    s[n] = '\0';
}

char *na_normalise(const na_normaliser_t *n, na_field_t field, const char *value)
{
    if (!value || !field_ok(field))
        return NULL;
    size_t len = strlen(value);
    char *tidied = na_xmalloc(len + 1);
    len = tidy(value, len, tidied);
    if (!len) {
        free(tidied);
        return NULL;
    }
    const char *canonical = na_normalise_find(n, field, tidied, len);
    if (canonical) {
        free(tidied);
        return na_xstrdup(canonical);
    }
    if ((field == NA_FIELD_PERSON || field == NA_FIELD_AUTHOR || field == NA_FIELD_PLACE || field == NA_FIELD_ORG) &&
        is_code(tidied))
        code_to_name(tidied); /* never empty: a code has a letter */
    return tidied;
}

/* The image's entry for KEY (KLEN bytes) in T: its canonical name and
 * whether it comes from a gazetteer, or NULL.  Every offset read from the
 * file is checked against the pool, so a damaged body gives no answer
 * rather than a read outside the mapping. */
static const char *image_find(const na_normaliser_t *n, const image_table_t *t, const char *key, size_t klen,
                              bool *gazetteer)
{
    if (!t->cap)
        return NULL;
    uint32_t mask = t->cap - 1, i = (uint32_t)na_hash64(NA_HASH_SEED, key, klen) & mask;
    for (uint32_t probes = 0; probes < t->cap; probes++, i = (i + 1) & mask) {
        uint32_t v = t->slots[i];
        if (!v)
            return NULL;
        if (v > t->count)
            return NULL;
        const uint32_t *e = t->entries + 4 * (size_t)(v - 1);
        if (e[0] >= n->pool_size || e[1] >= n->pool_size - e[0] || e[2] >= n->pool_size)
            return NULL;
        if (e[1] == klen && memcmp(n->pool + e[0], key, klen) == 0) {
            *gazetteer = e[3] & 1;
            return n->pool + e[2];
        }
    }
    return NULL;
}

/* The canonical name FIELD's table gives the LEN bytes at VALUE, or
 * NULL; *GAZETTEER says whether a gazetteer gave it. */
static const char *find_entry(const na_normaliser_t *n, na_field_t field, const char *value, size_t len,
                              bool *gazetteer)
{
    if (!n || !field_ok(field) || !len)
        return NULL;
    na_field_t tf = table_field(field);
    if (!n->image && !n->tables[tf].count)
        return NULL;
    char small[256];
    char *key = len < sizeof small ? small : na_xmalloc(len + 1);
    size_t klen = na_normalise_key(value, len, key);
    const char *canonical = NULL;
    if (!klen) {
        /* nothing to find it by */
    } else if (n->image) {
        canonical = image_find(n, &n->image_tables[tf], key, klen, gazetteer);
    } else {
        uintptr_t i = (uintptr_t)na_strmap_get(&n->tables[tf].map, key);
        if (i) {
            canonical = n->tables[tf].entries[i - 1].canonical;
            *gazetteer = n->tables[tf].entries[i - 1].gazetteer;
        }
    }
    if (key != small)
        free(key);
    return canonical;
}

const char *na_normalise_find(const na_normaliser_t *n, na_field_t field, const char *value, size_t len)
{
    bool gazetteer = false;
    return find_entry(n, field, value, len, &gazetteer);
}

const char *na_normalise_find_alias(const na_normaliser_t *n, na_field_t field, const char *value, size_t len)
{
    bool gazetteer = false;
    const char *canonical = find_entry(n, field, value, len, &gazetteer);
    return gazetteer ? NULL : canonical;
}

/* ---- the compiled form ----
 *
 * One file, written by na_normaliser_compile() and mapped by
 * na_normaliser_map(), in the byte order of the machine that wrote it
 * (another order reads as another version and is refused):
 *
 *   header     tab_header_t
 *   sources    TAB_SOURCES x tab_source_t: each table file the tables
 *              came from, with its stat stamps and content digest
 *   directory  NA_FIELD_COUNT x { slots offset, slot count, entries
 *              offset, entry count }
 *   per table  slots (uint32: entry number + 1, 0 free; open addressing
 *              over na_hash64() of the key, linear probing, a power of
 *              two at most 3/4 full) and entries (4 x uint32: key
 *              offset, key length, canonical name offset, flags: 1 =
 *              from a gazetteer)
 *   pool       NUL-terminated keys, names and source paths
 *
 * The header's check covers the header, sources and directory, which is
 * what opening reads; the body is only read through bounds-checked
 * offsets.  Opening costs a few stat() calls and one mmap(), and a lookup
 * touches a few pages: nothing is parsed. */

#define TAB_MAGIC "NAtabs\r\n"
/* Bump when the file layout, na_normalise_key() or the rules of what an
 * entry maps to change: files of another version are refused. */
#define TAB_VERSION 1u
/* The five alias tables (NA_FIELD_PLACE, PERSON, ORG, TOPIC, SOURCE) and
 * the three place gazetteers (countries, cities, regions). */
#define TAB_SOURCES 8
#define TAB_MISSING UINT64_MAX

typedef struct {
    char magic[8];
    uint32_t version;
    uint32_t fields;   /* NA_FIELD_COUNT */
    uint64_t size;     /* of the whole file */
    uint32_t sources;  /* TAB_SOURCES */
    uint32_t pool_off, pool_size;
    uint32_t reserved;
    uint64_t check;    /* na_hash64() of header (check 0), sources and directory */
} tab_header_t;

typedef struct {
    uint32_t path_off; /* in the pool; "" for no table */
    uint32_t reserved;
    uint64_t size;     /* TAB_MISSING: the file did not exist */
    int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
    uint64_t ino, dev;
    uint64_t digest;   /* na_hash64() of its bytes */
} tab_source_t;

typedef struct {
    uint32_t slots_off, cap, entries_off, count;
} tab_dir_t;

/* PATH made absolute against CWD (NULL: as it is), malloc()ed. */
static char *absolute(const char *cwd, const char *path, const char *name)
{
    bool rel = path[0] != '/' && cwd;
    return na_xasprintf("%s%s%s%s%s", rel ? cwd : "", rel ? "/" : "", path, name ? "/" : "", name ? name : "");
}

/* The table files CFG's normaliser is made from, in the sources' order
 * (see na_normaliser_load()), absolute so that a compiled file names the
 * same files from any folder: PATHS[i] is malloc()ed, NULL for none. */
static void source_paths(const na_config_t *cfg, char *paths[TAB_SOURCES])
{
    const char *tables[] = { cfg->alias_places, cfg->alias_people, cfg->alias_orgs, cfg->alias_topics,
                             cfg->alias_sources };
    char cwd_buf[4096];
    const char *cwd = getcwd(cwd_buf, sizeof cwd_buf);
    for (int i = 0; i < 5; i++)
        paths[i] = tables[i] ? absolute(cwd, tables[i], NULL) : NULL;
    static const na_place_kind_t kinds[] = { NA_PLACE_COUNTRY, NA_PLACE_CITY, NA_PLACE_REGION };
    for (int i = 0; i < 3; i++)
        paths[5 + i] = cfg->gazetteer ? absolute(cwd, cfg->gazetteer, na_places_file(kinds[i])) : NULL;
}

static void free_paths(char *paths[TAB_SOURCES])
{
    for (int i = 0; i < TAB_SOURCES; i++)
        free(paths[i]);
}

/* The digest of the bytes of the file at PATH; false when it cannot be
 * read. */
static bool digest_file(const char *path, uint64_t *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    uint64_t h = NA_HASH_SEED;
    char buf[65536];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            close(fd);
            return false;
        }
        if (r == 0)
            break;
        h = na_hash64(h, buf, (size_t)r);
    }
    close(fd);
    *out = h;
    return true;
}

/* Fills S with what PATH is now: its stat stamps and, when WITH_DIGEST,
 * its digest.  A file that does not exist is TAB_MISSING; false when it
 * exists but cannot be read. */
static bool source_now(const char *path, bool with_digest, tab_source_t *s)
{
    memset(s, 0, sizeof *s);
    struct stat st;
    if (!path || stat(path, &st) != 0) {
        s->size = TAB_MISSING;
        return !path || errno == ENOENT;
    }
    s->size = (uint64_t)st.st_size;
    s->mtime_sec = st.st_mtim.tv_sec;
    s->mtime_nsec = st.st_mtim.tv_nsec;
    s->ctime_sec = st.st_ctim.tv_sec;
    s->ctime_nsec = st.st_ctim.tv_nsec;
    s->ino = st.st_ino;
    s->dev = st.st_dev;
    return !with_digest || digest_file(path, &s->digest);
}

/* Adds the NUL-terminated S to POOL; returns its offset. */
static uint32_t pool_add(na_buf_t *pool, const char *s, size_t len)
{
    uint32_t off = (uint32_t)pool->len;
    na_buf_add(pool, s, len);
    na_buf_addc(pool, '\0');
    return off;
}

/* Lays out N's tables with the sources SRC (paths PATHS) as the file's
 * bytes in OUT. */
static void image_build(const na_normaliser_t *n, char *const paths[TAB_SOURCES], tab_source_t src[TAB_SOURCES],
                        na_buf_t *out)
{
    na_buf_t body = NA_BUF_INIT, pool = NA_BUF_INIT;
    na_strmap_t names = NA_STRMAP_INIT; /* canonical name -> pool offset + 1 */
    tab_dir_t dir[NA_FIELD_COUNT];
    memset(dir, 0, sizeof dir);
    for (int i = 0; i < TAB_SOURCES; i++)
        src[i].path_off = pool_add(&pool, paths[i] ? paths[i] : "", paths[i] ? strlen(paths[i]) : 0);
    size_t fixed = sizeof(tab_header_t) + TAB_SOURCES * sizeof(tab_source_t) + sizeof dir;
    for (int f = 0; f < NA_FIELD_COUNT; f++) {
        const table_t *t = &n->tables[f];
        if (!t->count)
            continue;
        uint32_t cap = 16;
        while ((size_t)t->count * 4 > (size_t)cap * 3)
            cap *= 2;
        uint32_t *slots = na_xcalloc(cap, sizeof *slots);
        uint32_t *entries = na_xmalloc((size_t)t->count * 4 * sizeof *entries);
        size_t pos = 0, k = 0;
        const char *key;
        void *value;
        while (na_strmap_next(&t->map, &pos, &key, &value)) {
            const entry_t *e = &t->entries[(uintptr_t)value - 1];
            size_t klen = strlen(key);
            uintptr_t name = (uintptr_t)na_strmap_get(&names, e->canonical);
            if (!name) {
                name = (uintptr_t)pool_add(&pool, e->canonical, strlen(e->canonical)) + 1;
                na_strmap_put(&names, e->canonical, (void *)name);
            }
            uint32_t *ent = entries + 4 * k;
            ent[0] = pool_add(&pool, key, klen);
            ent[1] = (uint32_t)klen;
            ent[2] = (uint32_t)(name - 1);
            ent[3] = e->gazetteer ? 1u : 0u;
            uint32_t i = (uint32_t)na_hash64(NA_HASH_SEED, key, klen) & (cap - 1);
            while (slots[i])
                i = (i + 1) & (cap - 1);
            slots[i] = (uint32_t)++k;
        }
        dir[f] = (tab_dir_t){ (uint32_t)(fixed + body.len), cap, 0, (uint32_t)k };
        na_buf_add(&body, slots, cap * sizeof *slots);
        dir[f].entries_off = (uint32_t)(fixed + body.len);
        na_buf_add(&body, entries, k * 4 * sizeof *entries);
        free(slots);
        free(entries);
    }
    na_strmap_release(&names, NULL);

    tab_header_t h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, TAB_MAGIC, 8);
    h.version = TAB_VERSION;
    h.fields = NA_FIELD_COUNT;
    h.sources = TAB_SOURCES;
    h.pool_off = (uint32_t)(fixed + body.len);
    h.pool_size = (uint32_t)pool.len;
    h.size = fixed + body.len + pool.len;
    uint64_t check = na_hash64(NA_HASH_SEED, &h, sizeof h);
    check = na_hash64(check, src, TAB_SOURCES * sizeof *src);
    h.check = na_hash64(check, dir, sizeof dir);
    na_buf_add(out, &h, sizeof h);
    na_buf_add(out, src, TAB_SOURCES * sizeof *src);
    na_buf_add(out, dir, sizeof dir);
    na_buf_add(out, body.data, body.len);
    na_buf_add(out, pool.data, pool.len);
    na_buf_release(&body);
    na_buf_release(&pool);
}

/* Writes the compiled tables to PATH; see na_write_file(). */
static na_status_t write_whole(const char *path, const char *data, size_t len, na_error_t *err)
{
    int e = na_write_file(path, data, len);
    if (e)
        return na_error_set(err, NA_ERR_IO, "%s: cannot write compiled tables: %s", path, na_strerror(e));
    return NA_OK;
}

/* Loads CFG's tables into *OUT and lays them out with their sources in
 * IMAGE, which stays empty when a source cannot be stamped (loading
 * then says why, or the tables are only loaded).  The sources are
 * stamped before they are read: one that changes meanwhile makes the
 * file stale, never wrongly fresh. */
static na_status_t compile_tables(const na_config_t *cfg, na_normaliser_t **out, na_buf_t *image, na_error_t *err)
{
    char *paths[TAB_SOURCES];
    source_paths(cfg, paths);
    tab_source_t src[TAB_SOURCES];
    bool stamped = true;
    for (int i = 0; stamped && i < TAB_SOURCES; i++)
        stamped = source_now(paths[i], true, &src[i]);
    na_status_t st = na_normaliser_load(cfg, out, err);
    if (st == NA_OK && stamped)
        image_build(*out, paths, src, image);
    free_paths(paths);
    return st;
}

na_status_t na_normaliser_compile(const na_config_t *cfg, const char *path, na_error_t *err)
{
    na_normaliser_t *n = NULL;
    na_buf_t image = NA_BUF_INIT;
    na_status_t st = compile_tables(cfg, &n, &image, err);
    if (st == NA_OK && !image.len)
        st = na_error_set(err, NA_ERR_IO, "%s: cannot compile tables: a table file cannot be read", path);
    if (st == NA_OK)
        st = write_whole(path, image.data, image.len, err);
    na_normaliser_free(n);
    na_buf_release(&image);
    return st;
}

/* Checks the directory entry D of a file of SIZE bytes. */
static bool dir_ok(const tab_dir_t *d, uint64_t size, uint32_t pool_off)
{
    if (!d->cap)
        return !d->count;
    if ((d->cap & (d->cap - 1)) || d->count >= d->cap || d->slots_off % 4 || d->entries_off % 4)
        return false;
    return (uint64_t)d->slots_off + (uint64_t)d->cap * 4 <= pool_off &&
           (uint64_t)d->entries_off + (uint64_t)d->count * 16 <= pool_off && pool_off <= size;
}

/* Whether source S, as recorded, is the file at PATH as it is now.  Equal
 * stat stamps are enough (any write changes the change time); otherwise
 * the content decides, and *RESTAMP is set when it is the same. */
static bool source_fresh(const tab_source_t *s, const char *path, bool *restamp)
{
    tab_source_t now;
    if (!source_now(*path ? path : NULL, false, &now))
        return false;
    if (now.size != s->size)
        return false;
    if (s->size == TAB_MISSING)
        return true;
    if (now.ino == s->ino && now.dev == s->dev && now.mtime_sec == s->mtime_sec && now.mtime_nsec == s->mtime_nsec &&
        now.ctime_sec == s->ctime_sec && now.ctime_nsec == s->ctime_nsec)
        return true;
    uint64_t digest;
    if (!digest_file(path, &digest) || digest != s->digest)
        return false;
    *restamp = true;
    return true;
}

/* Maps PATH and checks it against CFG's sources (na_normaliser_map()). */
static na_status_t map_tables(const na_config_t *cfg, const char *path, na_normaliser_t **out, bool *restamp,
                              na_error_t *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return na_error_set(err, e == ENOENT ? NA_ERR_NOT_FOUND : NA_ERR_IO, "%s: cannot open compiled tables: %s",
                            path, na_strerror(e));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return na_error_set(err, NA_ERR_IO, "%s: cannot open compiled tables: %s", path, na_strerror(e));
    }
    size_t fixed = sizeof(tab_header_t) + TAB_SOURCES * sizeof(tab_source_t) + NA_FIELD_COUNT * sizeof(tab_dir_t);
    if ((uint64_t)st.st_size < fixed || (uint64_t)st.st_size > UINT32_MAX) {
        close(fd);
        return na_error_set(err, NA_ERR_CORRUPT, "%s: not compiled tables (%s)", path,
                            st.st_size < (off_t)sizeof(tab_header_t) ? "too short" : "wrong size");
    }
    size_t size = (size_t)st.st_size;
    void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (map == MAP_FAILED)
        return na_error_set(err, NA_ERR_IO, "%s: cannot map compiled tables: %s", path, na_strerror(e));
    const unsigned char *img = map;
    tab_header_t h;
    memcpy(&h, img, sizeof h);
    const tab_source_t *src = (const tab_source_t *)(img + sizeof h);
    const tab_dir_t *dir = (const tab_dir_t *)(img + sizeof h + TAB_SOURCES * sizeof *src);
    const char *why = NULL;
    if (memcmp(h.magic, TAB_MAGIC, 8) != 0)
        why = "not compiled tables";
    else if (h.version != TAB_VERSION || h.fields != NA_FIELD_COUNT || h.sources != TAB_SOURCES)
        why = "compiled tables of another version of newsarc";
    else if (h.size != size)
        why = h.size > size ? "compiled tables cut short" : "compiled tables with bytes after their end";
    if (!why) {
        uint64_t want = h.check;
        h.check = 0;
        uint64_t check = na_hash64(NA_HASH_SEED, &h, sizeof h);
        check = na_hash64(check, src, TAB_SOURCES * sizeof *src);
        if (na_hash64(check, dir, NA_FIELD_COUNT * sizeof *dir) != want)
            why = "compiled tables fail their check";
    }
    if (!why && ((uint64_t)h.pool_off + h.pool_size != size || h.pool_off < fixed || !h.pool_size ||
                 img[size - 1] != '\0'))
        why = "compiled tables fail their check";
    for (int f = 0; !why && f < NA_FIELD_COUNT; f++)
        if (!dir_ok(&dir[f], size, h.pool_off))
            why = "compiled tables fail their check";
    for (int i = 0; !why && i < TAB_SOURCES; i++)
        if (src[i].path_off >= h.pool_size)
            why = "compiled tables fail their check";
    if (why) {
        munmap(map, size);
        return na_error_set(err, NA_ERR_CORRUPT, "%s: %s", path, why);
    }

    /* Fresh only when made from exactly the files CFG names, as they are
     * now. */
    const char *pool = (const char *)img + h.pool_off;
    char *paths[TAB_SOURCES];
    source_paths(cfg, paths);
    bool touched = false;
    const char *stale = NULL;
    for (int i = 0; !stale && i < TAB_SOURCES; i++) {
        const char *was = pool + src[i].path_off, *is = paths[i] ? paths[i] : "";
        if (strcmp(was, is) != 0 || !source_fresh(&src[i], is, &touched))
            stale = *is ? is : was;
    }
    na_status_t status = NA_OK;
    if (stale)
        status = na_error_set(err, NA_ERR_NOT_FOUND, "%s: stale compiled tables: '%s' changed since they were compiled",
                              path, stale);
    free_paths(paths);
    if (status) {
        munmap(map, size);
        return status;
    }
    na_normaliser_t *n = na_normaliser_new();
    n->image = img;
    n->image_size = size;
    n->pool = pool;
    n->pool_size = h.pool_size;
    for (int f = 0; f < NA_FIELD_COUNT; f++) {
        n->image_tables[f].cap = dir[f].cap;
        n->image_tables[f].count = dir[f].count;
        n->image_tables[f].slots = dir[f].cap ? (const uint32_t *)(img + dir[f].slots_off) : NULL;
        n->image_tables[f].entries = dir[f].cap ? (const uint32_t *)(img + dir[f].entries_off) : NULL;
    }
    if (restamp)
        *restamp = touched;
    *out = n;
    return NA_OK;
}

na_status_t na_normaliser_map(const na_config_t *cfg, const char *path, na_normaliser_t **out, na_error_t *err)
{
    return map_tables(cfg, path, out, NULL, err);
}

na_status_t na_normaliser_open(const na_config_t *cfg, const char *cache, na_normaliser_t **out,
                               na_tables_form_t *form, na_error_t *why, na_error_t *err)
{
    *out = NULL;
    na_error_clear(why);
    bool restamp = false;
    if (map_tables(cfg, cache, out, &restamp, why) == NA_OK) {
        *form = NA_TABLES_MAPPED;
        if (!restamp)
            return NA_OK;
        /* The same content under new stamps (a copy, a touch): compiled
         * again so that the next run need not read the sources. */
        na_normaliser_free(*out);
        *out = NULL;
        na_error_set(why, NA_ERR_NOT_FOUND, "%s: the sources were touched", cache);
    }
    na_buf_t image = NA_BUF_INIT;
    na_status_t st = compile_tables(cfg, out, &image, err);
    if (st == NA_OK) {
        na_error_t werr;
        na_error_set(&werr, NA_ERR_IO, "%s: not compiled: a table file cannot be read", cache);
        *form = image.len && write_whole(cache, image.data, image.len, &werr) == NA_OK ? NA_TABLES_COMPILED
                                                                                      : NA_TABLES_PARSED;
        if (*form == NA_TABLES_PARSED && why)
            *why = werr;
    }
    na_buf_release(&image);
    return st;
}
