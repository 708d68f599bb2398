/* normalise.c - metadata values to canonical names through alias tables.
 *
 * Each field has one open-addressing hash table from a folded lookup key
 * to a canonical name.  The search program loads every table for each
 * query it answers, so loading is built to touch little memory and make
 * few calls: a table file is read whole at once, its canonical
 * names are tidied and its aliases folded in place in that buffer, which
 * the normaliser then keeps; the hash table is sized once from the file;
 * and folding is one pass over the bytes, with no locale and no Unicode
 * library.
 */
#include "normalise.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "places.h"
#include "utf8.h"
#include "util.h"

/* Memory that lives as long as the normaliser: table files as read (then
 * edited in place) and the keys of canonical names. */
typedef struct block {
    struct block *next;
    size_t used, cap;
    char data[];
} block_t;

#define BLOCK_SIZE 8192

typedef struct {
    const char *key;       /* folded alias */
    const char *canonical; /* shared by the entries of one line */
    uint32_t hash;
    bool is_name;          /* KEY is the canonical name's own key */
    bool gazetteer;        /* from the gazetteers, not an alias table */
} entry_t;

/* Entries are kept dense, in the order added, and found through an index
 * of 32-bit slots (entry number + 1; 0 is free), a power of two in size
 * and at most 3/4 full: a sparse table of whole entries would touch
 * several times the memory, which a program that loads the tables for
 * each query pays for in page faults. */
typedef struct {
    entry_t *entries;
    size_t count, room;
    uint32_t *index;
    size_t cap;
} table_t;

struct na_normaliser {
    table_t tables[NA_FIELD_COUNT];
    block_t *blocks;
    na_strlist_t texts; /* gazetteer files as read: their names are canonical names */
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

static uint32_t hash_key(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* ---- the tables ---- */

/* The index slot for KEY: the one holding its entry, or the free one
 * where it would go. */
static uint32_t *find_slot(const table_t *t, uint32_t hash, const char *key)
{
    size_t mask = t->cap - 1, i = hash & mask;
    for (;; i = (i + 1) & mask) {
        uint32_t *slot = &t->index[i];
        if (!*slot)
            return slot;
        const entry_t *e = &t->entries[*slot - 1];
        if (e->hash == hash && strcmp(e->key, key) == 0)
            return slot;
    }
}

/* Makes room in T for WANT more entries, each array growing at most once. */
static void table_reserve(table_t *t, size_t want)
{
    size_t need = t->count + want;
    if (need > t->room) {
        t->room = need > 2 * t->room ? need : 2 * t->room;
        t->entries = na_xrealloc(t->entries, t->room * sizeof *t->entries);
    }
    size_t cap = t->cap ? t->cap : 16;
    while (need * 4 > cap * 3)
        cap *= 2;
    if (cap == t->cap)
        return;
    free(t->index);
    t->index = na_xcalloc(cap, sizeof *t->index);
    t->cap = cap;
    for (size_t i = 0; i < t->count; i++)
        *find_slot(t, t->entries[i].hash, t->entries[i].key) = (uint32_t)(i + 1);
}

/* Maps KEY (already folded, KLEN bytes, living as long as the normaliser)
 * to CANONICAL.  The first mapping of a key wins, except that a canonical
 * name always maps to itself, so normalising a canonical name never
 * changes it. */
static void table_put(table_t *t, const char *key, size_t klen, const char *canonical, bool is_name)
{
    if (!klen)
        return; /* only dots and separators: no key to find it by */
    if (t->count >= UINT32_MAX - 1)
        NA_BUG("alias table too large");
    table_reserve(t, 1);
    uint32_t h = hash_key(key, klen);
    uint32_t *slot = find_slot(t, h, key);
    if (!*slot) {
        t->entries[t->count] = (entry_t){ key, canonical, h, is_name, false };
        *slot = (uint32_t)++t->count;
        return;
    }
    entry_t *e = &t->entries[*slot - 1];
    if (is_name && !e->is_name) {
        e->canonical = canonical;
        e->is_name = true;
    }
}

/* Puts the key of the LEN bytes at S in a block and returns it. */
static const char *block_key(na_normaliser_t *n, const char *s, size_t len, size_t *klen)
{
    char *key = block_alloc(n, len + 1);
    *klen = na_normalise_key(s, len, key);
    n->blocks->used -= len - *klen; /* give back what folding saved */
    return key;
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
        free(n->tables[f].index);
    }
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
    size_t len = strlen(canonical), klen;
    char *name = block_alloc(n, len + 1);
    len = tidy(canonical, len, name);
    if (!len)
        return;
    table_t *t = &n->tables[table_field(field)];
    const char *key = block_key(n, name, len, &klen);
    table_put(t, key, klen, name, true);
    key = block_key(n, alias, strlen(alias), &klen);
    table_put(t, key, klen, name, false);
}

/* Adds one line of a table file: the canonical name, then aliases, all
 * separated by tabs.  LINE is LEN bytes in a buffer N keeps; the name is
 * tidied and the aliases folded where they are. */
static bool add_line(na_normaliser_t *n, table_t *t, char *line, size_t len)
{
    char *tab = memchr(line, '\t', len);
    size_t first = tab ? (size_t)(tab - line) : len, klen;
    size_t name_len = tidy(line, first, line);
    if (!name_len)
        return false;
    const char *key = block_key(n, line, name_len, &klen);
    table_put(t, key, klen, line, true);
    while (tab) {
        char *alias = tab + 1;
        size_t rest = len - (size_t)(alias - line);
        tab = memchr(alias, '\t', rest);
        size_t alias_len = tab ? (size_t)(tab - alias) : rest;
        klen = na_normalise_key(alias, alias_len, alias);
        table_put(t, alias, klen, line, false);
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
    block_t *b = NULL;
    int e = read_block(path, &b);
    if (e)
        return na_error_set(err, NA_ERR_IO, "%s: cannot read alias table: %s", path, strerror(e));
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

    /* One entry per name or alias at most: size the table once. */
    table_t *t = &n->tables[table_field(field)];
    size_t fields = 0;
    for (const char *p = text; (p = strpbrk(p, "\t\n")); p++)
        fields++;
    table_reserve(t, fields + 1);

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
        if (!add_line(n, t, line, n_line))
            return na_error_set(err, NA_ERR_PARSE, "%s:%zu: no canonical name before the first tab", path,
                                lineno);
    }
    return NA_OK;
}

/* ---- the gazetteers' places ---- */

/* Maps KEY to CANONICAL unless the table has KEY already: what the alias
 * tables (read first) and the earlier gazetteer entries say stands. */
static void table_put_new(table_t *t, const char *key, size_t klen, const char *canonical)
{
    if (!klen)
        return;
    table_reserve(t, 1);
    uint32_t h = hash_key(key, klen);
    uint32_t *slot = find_slot(t, h, key);
    if (*slot)
        return;
    t->entries[t->count] = (entry_t){ key, canonical, h, true, true };
    *slot = (uint32_t)++t->count;
}

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
    size_t klen;
    const char *key = block_key(l->n, e->name, strlen(e->name), &klen);
    table_put_new(&l->n->tables[NA_FIELD_PLACE], key, klen, e->name);
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
        table_reserve(t, l.count / 2);
        /* The text is the normaliser's now: aliases are folded where
         * they are, as those of a table file are. */
        for (size_t k = 0; k < l.count; k += 2) {
            size_t klen = na_normalise_key(l.aliases[k], strlen(l.aliases[k]), l.aliases[k]);
            table_put_new(t, l.aliases[k], klen, l.aliases[k + 1]);
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

/* The entry of FIELD's table for the LEN bytes at VALUE, or NULL. */
static const entry_t *find_entry(const na_normaliser_t *n, na_field_t field, const char *value, size_t len)
{
    if (!n || !field_ok(field) || !len)
        return NULL;
    const table_t *t = &n->tables[table_field(field)];
    if (!t->count)
        return NULL;
    char small[256];
    char *key = len < sizeof small ? small : na_xmalloc(len + 1);
    size_t klen = na_normalise_key(value, len, key);
    const uint32_t *slot = klen ? find_slot(t, hash_key(key, klen), key) : NULL;
    const entry_t *e = slot && *slot ? &t->entries[*slot - 1] : NULL;
    if (key != small)
        free(key);
    return e;
}

const char *na_normalise_find(const na_normaliser_t *n, na_field_t field, const char *value, size_t len)
{
    const entry_t *e = find_entry(n, field, value, len);
    return e ? e->canonical : NULL;
}

const char *na_normalise_find_alias(const na_normaliser_t *n, na_field_t field, const char *value, size_t len)
{
    const entry_t *e = find_entry(n, field, value, len);
    return e && !e->gazetteer ? e->canonical : NULL;
}
