/* config.c - reading newsarc.yaml.  One table (config_keys) names every
 * key with its type, default, bounds and help; loading, defaults and
 * validation are driven from it. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "schema.h"

#ifndef NA_SYSCONFDIR
#define NA_SYSCONFDIR "/usr/local/etc/newsarc"
#endif
#ifndef NA_DATADIR
#define NA_DATADIR "/usr/local/share/newsarc"
#endif

typedef enum { T_PATH, T_STRING, T_STRINGS, T_FACETS, T_EXTRACT, T_INT, T_ALIASES, T_SOURCES } key_type_t;

typedef struct {
    const char *name;
    key_type_t type;
    size_t offset; /* into na_config_t */
    long min, max; /* T_INT bounds */
    const char *help;
} config_key_t;

#define OFF(f) offsetof(na_config_t, f)

static const config_key_t config_keys[] = {
    { "database", T_PATH, OFF(database), 0, 0, "the database path" },
    { "language", T_STRING, OFF(language), 0, 0, "stemming language of text and queries" },
    { "stopwords", T_STRINGS, OFF(stopwords), 0, 0, "words that are not stemmed or searched alone" },
    { "facets", T_FACETS, OFF(facets), 0, 0, "facets shown when none are asked for" },
    { "extract", T_EXTRACT, OFF(extract), 0, 0, "auto, always or never" },
    { "compression_level", T_INT, OFF(compression_level), 1, 9, "zlib level of stored articles" },
    { "commit_every", T_INT, OFF(commit_every), 1, 100000000, "articles per commit" },
    { "aliases", T_ALIASES, 0, 0, 0, "alias tables by field" },
    { "sources", T_SOURCES, 0, 0, 0, "paths to index when none are given" },
};

/* Alias table keys, with the default file names under the data folder. */
static const struct {
    const char *key;
    size_t offset;
} alias_keys[] = {
    { "places", OFF(alias_places) }, { "people", OFF(alias_people) }, { "orgs", OFF(alias_orgs) },
    { "topics", OFF(alias_topics) }, { "sources", OFF(alias_sources) },
};

static const char *const default_stopwords[] = {
    "a", "about", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "he",
    "in", "is", "it", "its", "of", "on", "or", "said", "that", "the", "this", "to", "was", "were",
    "which", "will", "with",
};

static char **str_at(na_config_t *cfg, size_t off) { return (char **)((char *)cfg + off); }

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void na_config_defaults(na_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->database = na_xstrdup("newsarc.db");
    cfg->language = na_xstrdup("english");
    for (size_t i = 0; i < sizeof default_stopwords / sizeof *default_stopwords; i++)
        na_strlist_add(&cfg->stopwords, default_stopwords[i]);
    cfg->extract = NA_EXTRACT_AUTO;
    cfg->compression_level = 9;
    cfg->commit_every = 10000;
    for (size_t i = 0; i < sizeof alias_keys / sizeof *alias_keys; i++) {
        char *path = na_xasprintf("%s/aliases/%s.tsv", NA_DATADIR, alias_keys[i].key);
        if (file_exists(path))
            *str_at(cfg, alias_keys[i].offset) = path;
        else
            free(path);
    }
}

void na_config_release(na_config_t *cfg)
{
    free(cfg->file);
    free(cfg->database);
    free(cfg->language);
    na_strlist_clear(&cfg->stopwords);
    na_strlist_clear(&cfg->facets);
    for (size_t i = 0; i < sizeof alias_keys / sizeof *alias_keys; i++)
        free(*str_at(cfg, alias_keys[i].offset));
    for (size_t i = 0; i < cfg->source_count; i++)
        free(cfg->sources[i].path);
    free(cfg->sources);
    memset(cfg, 0, sizeof *cfg);
}

/* ---- reading a file ---- */

typedef struct {
    const char *path;
    char *dir; /* the file's directory, for relative paths */
    yaml_document_t doc;
    na_error_t *err;
} loader_t;

__attribute__((format(printf, 3, 4)))
static na_status_t fail_at(loader_t *l, yaml_node_t *node, const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return na_error_set(l->err, NA_ERR_PARSE, "%s:%zu:%zu: %s", l->path, node->start_mark.line + 1,
                        node->start_mark.column + 1, reason);
}

static const char *scalar(yaml_node_t *node)
{
    return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

static char *resolve(const loader_t *l, const char *path)
{
    if (path[0] == '/' || !l->dir)
        return na_xstrdup(path);
    return na_xasprintf("%s/%s", l->dir, path);
}

/* Data files: beside the configuration, else in the installed data dir. */
static char *resolve_data(const loader_t *l, const char *path)
{
    char *p = resolve(l, path);
    if (path[0] == '/' || file_exists(p))
        return p;
    char *q = na_xasprintf("%s/%s", NA_DATADIR, path);
    if (file_exists(q)) {
        free(p);
        return q;
    }
    free(q);
    return p; /* reported, with the path the user would expect, when loaded */
}

static na_status_t read_strings(loader_t *l, yaml_node_t *node, const char *key, na_strlist_t *out,
                                bool facets)
{
    if (node->type != YAML_SEQUENCE_NODE)
        return fail_at(l, node, "'%s' should be a list", key);
    na_strlist_clear(out);
    for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(&l->doc, *it);
        const char *v = scalar(item);
        if (!v)
            return fail_at(l, item, "'%s' should list plain values", key);
        if (facets && !na_field_by_name(v))
            return fail_at(l, item, "unknown facet '%s' (person, place, org, topic, source, year, month)", v);
        na_strlist_add(out, v);
    }
    return NA_OK;
}

static na_status_t read_aliases(loader_t *l, na_config_t *cfg, yaml_node_t *node)
{
    if (node->type != YAML_MAPPING_NODE)
        return fail_at(l, node, "'%s' should be a mapping of field to file", "aliases");
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&l->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(&l->doc, p->value);
        const char *name = scalar(k);
        size_t i = 0;
        while (name && i < sizeof alias_keys / sizeof *alias_keys && strcmp(alias_keys[i].key, name) != 0)
            i++;
        if (!name || i == sizeof alias_keys / sizeof *alias_keys)
            return fail_at(l, k, "unknown alias table '%s' (places, people, orgs, topics, sources)",
                           name ? name : "?");
        const char *path = scalar(v);
        if (!path)
            return fail_at(l, v, "alias table '%s' should be a file path", name);
        char **slot = str_at(cfg, alias_keys[i].offset);
        free(*slot);
        *slot = *path ? resolve_data(l, path) : NULL; /* "" turns a table off */
    }
    return NA_OK;
}

static na_status_t read_sources(loader_t *l, na_config_t *cfg, yaml_node_t *node)
{
    if (node->type != YAML_SEQUENCE_NODE)
        return fail_at(l, node, "'%s' should be a list", "sources");
    for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(&l->doc, *it);
        const char *path = scalar(item), *format = "auto";
        if (item->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++) {
                yaml_node_t *k = yaml_document_get_node(&l->doc, p->key);
                const char *name = scalar(k), *value = scalar(yaml_document_get_node(&l->doc, p->value));
                if (name && value && strcmp(name, "path") == 0)
                    path = value;
                else if (name && value && strcmp(name, "format") == 0)
                    format = value;
                else
                    return fail_at(l, k, "unknown source key '%s' (path, format)", name ? name : "?");
            }
        }
        if (!path || !*path)
            return fail_at(l, item, "a source needs a %s", "path");
        na_format_t f = na_format_from_name(format);
        if (f == NA_FORMAT_AUTO && strcmp(format, "auto") != 0)
            return fail_at(l, item, "unknown format '%s' (auto, text, markdown, yaml, jsonl, reuters)", format);
        cfg->sources = na_xrealloc(cfg->sources, (cfg->source_count + 1) * sizeof *cfg->sources);
        cfg->sources[cfg->source_count].path = resolve(l, path);
        cfg->sources[cfg->source_count].format = f;
        cfg->source_count++;
    }
    return NA_OK;
}

static na_status_t read_key(loader_t *l, na_config_t *cfg, const config_key_t *key, yaml_node_t *v)
{
    const char *s = scalar(v);
    switch (key->type) {
    case T_PATH:
    case T_STRING: {
        if (!s || !*s)
            return fail_at(l, v, "'%s' should be a non-empty value", key->name);
        char **slot = str_at(cfg, key->offset);
        free(*slot);
        *slot = key->type == T_PATH ? resolve(l, s) : na_xstrdup(s);
        return NA_OK;
    }
    case T_STRINGS:
    case T_FACETS:
        return read_strings(l, v, key->name, (na_strlist_t *)((char *)cfg + key->offset), key->type == T_FACETS);
    case T_EXTRACT:
        if (s && strcmp(s, "auto") == 0)
            cfg->extract = NA_EXTRACT_AUTO;
        else if (s && strcmp(s, "always") == 0)
            cfg->extract = NA_EXTRACT_ALWAYS;
        else if (s && strcmp(s, "never") == 0)
            cfg->extract = NA_EXTRACT_NEVER;
        else
            return fail_at(l, v, "'%s' should be auto, always or never", key->name);
        return NA_OK;
    case T_INT: {
        char *end = NULL;
        errno = 0;
        long n = s ? strtol(s, &end, 10) : 0;
        if (!s || !*s || *end || errno)
            return fail_at(l, v, "'%s' should be a whole number", key->name);
        if (n < key->min || n > key->max) {
            char range[96];
            snprintf(range, sizeof range, "'%s' should be between %ld and %ld", key->name, key->min, key->max);
            return fail_at(l, v, "%s", range);
        }
        if (key->offset == OFF(compression_level))
            cfg->compression_level = (int)n;
        else
            cfg->commit_every = (size_t)n;
        return NA_OK;
    }
    case T_ALIASES: return read_aliases(l, cfg, v);
    case T_SOURCES: return read_sources(l, cfg, v);
    }
    return NA_OK;
}

na_status_t na_config_load_file(na_config_t *cfg, const char *path, na_error_t *err)
{
    na_config_defaults(cfg);
    FILE *f = fopen(path, "rb");
    if (!f) {
        na_status_t code = errno == ENOENT ? NA_ERR_NOT_FOUND : NA_ERR_IO;
        na_error_set(err, code, "%s: %s", path, strerror(errno));
        na_config_release(cfg);
        return code;
    }
    loader_t l;
    memset(&l, 0, sizeof l);
    l.path = path;
    l.err = err;
    const char *slash = strrchr(path, '/');
    l.dir = slash ? na_xstrndup(path, (size_t)(slash - path ? slash - path : 1)) : NULL;

    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    na_status_t st = NA_OK;
    if (!yaml_parser_load(&parser, &l.doc)) {
        st = na_error_set(err, NA_ERR_PARSE, "%s:%zu:%zu: %s", path, parser.problem_mark.line + 1,
                          parser.problem_mark.column + 1, parser.problem ? parser.problem : "bad YAML");
    } else {
        yaml_node_t *root = yaml_document_get_root_node(&l.doc);
        if (root && root->type != YAML_MAPPING_NODE && !(root->type == YAML_SCALAR_NODE && !*scalar(root))) {
            st = fail_at(&l, root, "%s", "the configuration should be a mapping of keys to values");
        } else if (root && root->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top && !st; p++) {
                yaml_node_t *k = yaml_document_get_node(&l.doc, p->key);
                yaml_node_t *v = yaml_document_get_node(&l.doc, p->value);
                const char *name = scalar(k);
                const config_key_t *key = NULL;
                for (size_t i = 0; name && i < sizeof config_keys / sizeof *config_keys; i++)
                    if (strcmp(config_keys[i].name, name) == 0)
                        key = &config_keys[i];
                st = key ? read_key(&l, cfg, key, v) : fail_at(&l, k, "unknown key '%s'", name ? name : "?");
            }
        }
        yaml_document_delete(&l.doc);
    }
    yaml_parser_delete(&parser);
    fclose(f);
    free(l.dir);
    if (st) {
        na_config_release(cfg);
        return st;
    }
    cfg->file = na_xstrdup(path);
    return NA_OK;
}

na_status_t na_config_load(na_config_t *cfg, const char *explicit_path, na_error_t *err)
{
    const char *path = explicit_path;
    if (!path || !*path)
        path = getenv("NEWSARC_CONFIG");
    if (path && *path)
        return na_config_load_file(cfg, path, err);
    if (file_exists("newsarc.yaml"))
        return na_config_load_file(cfg, "newsarc.yaml", err);
    if (file_exists(NA_SYSCONFDIR "/newsarc.yaml"))
        return na_config_load_file(cfg, NA_SYSCONFDIR "/newsarc.yaml", err);
    na_config_defaults(cfg);
    return NA_OK;
}
