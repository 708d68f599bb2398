/* normalise.c - alias tables: every way of writing a value maps to one
 * canonical name (see normalise.h).  One open-addressing hash table per
 * field, keyed by a folded form of the value. */
#include "normalise.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xapian-c.h"

typedef struct {
    char *key;       /* folded alias */
    char *canonical; /* shared with other entries of the same line: see names */
} entry_t;

typedef struct {
    entry_t *slots;
    size_t cap, count;
} table_t;

struct na_normaliser {
    table_t tables[NA_FIELD_COUNT];
    na_strlist_t names; /* owns every canonical string */
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* The lookup form: lower case, no dots, "-" "_" and blanks alike, one
 * space between words.  Caller frees. */
static char *fold(const char *value)
{
    char *lower = na_x_utf8_lower(value, strlen(value));
    char *out = na_xmalloc(strlen(lower) + 1);
    size_t n = 0;
    bool space = false;
    for (const char *p = lower; *p; p++) {
        char c = *p;
        if (c == '.')
            continue;
        if (c == '-' || c == '_' || c == ' ' || c == '\t') {
            space = n > 0;
            continue;
        }
        if (space)
            out[n++] = ' ';
        space = false;
        out[n++] = c;
    }
    out[n] = '\0';
    free(lower);
    return out;
}

static entry_t *find_slot(table_t *t, const char *key)
{
    size_t mask = t->cap - 1, i = (size_t)hash_str(key) & mask;
    while (t->slots[i].key && strcmp(t->slots[i].key, key) != 0)
        i = (i + 1) & mask;
    return &t->slots[i];
}

static void grow(table_t *t)
{
    table_t bigger = { na_xcalloc(t->cap ? t->cap * 2 : 256, sizeof(entry_t)), t->cap ? t->cap * 2 : 256, 0 };
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].key) {
            *find_slot(&bigger, t->slots[i].key) = t->slots[i];
            bigger.count++;
        }
    free(t->slots);
    *t = bigger;
}

static void table_put(table_t *t, char *key, char *canonical)
{
    if ((t->count + 1) * 2 > t->cap)
        grow(t);
    entry_t *e = find_slot(t, key);
    if (e->key) {
        free(key); /* the first entry for an alias wins */
        return;
    }
    e->key = key;
    e->canonical = canonical;
    t->count++;
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
        for (size_t i = 0; i < n->tables[f].cap; i++)
            free(n->tables[f].slots[i].key);
        free(n->tables[f].slots);
    }
    na_strlist_clear(&n->names);
    free(n);
}

/* Trims VALUE and makes inner runs of blanks one space; NULL if empty. */
static char *tidy(const char *value)
{
    na_buf_t out = NA_BUF_INIT;
    bool space = false;
    for (const char *p = value; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = out.len > 0;
            continue;
        }
        if (space)
            na_buf_addc(&out, ' ');
        space = false;
        na_buf_addc(&out, *p);
    }
    if (!out.len) {
        na_buf_release(&out);
        return NULL;
    }
    return na_buf_detach(&out, NULL);
}

static char *keep_name(na_normaliser_t *n, const char *canonical)
{
    na_strlist_add(&n->names, canonical);
    return n->names.items[n->names.count - 1];
}

void na_normaliser_add(na_normaliser_t *n, na_field_t field, const char *alias, const char *canonical)
{
    char *c = tidy(canonical);
    if (!c)
        return;
    char *name = keep_name(n, c);
    free(c);
    table_put(&n->tables[field], fold(alias), name);
    table_put(&n->tables[field], fold(name), name);
}

na_status_t na_normaliser_add_file(na_normaliser_t *n, na_field_t field, const char *path, na_error_t *err)
{
    na_buf_t buf = NA_BUF_INIT;
    int e = na_read_file(path, &buf);
    if (e) {
        na_buf_release(&buf);
        return na_error_set(err, NA_ERR_IO, "alias table %s: %s", path, strerror(e));
    }
    if (!na_utf8_valid(buf.data, buf.len)) {
        na_buf_release(&buf);
        return na_error_set(err, NA_ERR_PARSE, "alias table %s: not valid UTF-8", path);
    }
    size_t line = 0;
    char *save = NULL;
    for (char *l = strtok_r(buf.data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        size_t len = strlen(l);
        if (len && l[len - 1] == '\r')
            l[--len] = '\0';
        if (!len || l[0] == '#')
            continue;
        char *tab = strchr(l, '\t');
        if (tab)
            *tab = '\0';
        char *canonical = tidy(l);
        if (!canonical) {
            na_buf_release(&buf);
            return na_error_set(err, NA_ERR_PARSE, "%s:%zu: line starts with a tab: the canonical name is missing",
                                path, line);
        }
        char *name = keep_name(n, canonical);
        free(canonical);
        table_put(&n->tables[field], fold(name), name);
        for (char *a = tab ? tab + 1 : NULL; a;) {
            char *next = strchr(a, '\t');
            if (next)
                *next++ = '\0';
            if (*a)
                table_put(&n->tables[field], fold(a), name);
            a = next;
        }
    }
    na_buf_release(&buf);
    return NA_OK;
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
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        if (!files[i].path)
            continue;
        na_status_t st = na_normaliser_add_file(n, files[i].field, files[i].path, err);
        if (st) {
            na_normaliser_free(n);
            *out = NULL;
            return st;
        }
    }
    *out = n;
    return NA_OK;
}

/* Reuters-style codes: lower-case letters, digits and separators only. */
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

/* "james-baker" -> "James Baker". */
static char *code_to_name(const char *code)
{
    char *out = na_xstrdup(code);
    bool start = true;
    for (char *p = out; *p; p++) {
        if (*p == '-' || *p == '_')
            *p = ' ';
        if (*p == ' ') {
            start = true;
        } else {
            if (start && *p >= 'a' && *p <= 'z')
                *p = (char)(*p - 32);
            start = false;
        }
    }
    char *tidied = tidy(out);
    free(out);
    return tidied;
}

char *na_normalise(const na_normaliser_t *n, na_field_t field, const char *value)
{
    char *tidied = tidy(value);
    if (!tidied)
        return NULL;
    const table_t *t = &n->tables[field];
    if (t->count) {
        char *key = fold(tidied);
        const entry_t *e = find_slot((table_t *)t, key);
        free(key);
        if (e->key) {
            free(tidied);
            return na_xstrdup(e->canonical);
        }
    }
    if ((field == NA_FIELD_PERSON || field == NA_FIELD_PLACE || field == NA_FIELD_ORG) && is_code(tidied)) {
        char *name = code_to_name(tidied);
        free(tidied);
        return name;
    }
    return tidied;
}
