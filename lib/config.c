/* config.c - newsarc.yaml: where it is found, what it may say, and what
 * holds when it says nothing.
 *
 * One table, config_keys, lists every key with its type, default, bounds
 * and help; filling in defaults, reading a file, checking values and
 * releasing memory all walk that table, so a new key is one new row (as
 * in redis' config.c and tmux's options-table.c).  config/newsarc.yaml is
 * the same table written out for people, and a unit test keeps the two
 * in step.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "schema.h"
#include "xapian-c.h"

#ifndef NA_SYSCONFDIR
#define NA_SYSCONFDIR "/usr/local/etc/newsarc"
#endif
#ifndef NA_DATADIR
#define NA_DATADIR "/usr/local/share/newsarc"
#endif
#ifndef NA_DATABASE
#define NA_DATABASE "/usr/local/var/lib/newsarc/newsarc.db"
#endif

#define COUNT(a) (sizeof(a) / sizeof *(a))
#define OFF(field) offsetof(na_config_t, field)

typedef enum {
    KEY_STRING,  /* char *, non-empty */
    KEY_PATH,    /* char *, relative to the file's directory */
    KEY_LIST,    /* na_strlist_t of non-empty strings */
    KEY_FACETS,  /* na_strlist_t of field names */
    KEY_CHOICE,  /* an enum stored as int: the index of a name in CHOICES */
    KEY_INT,     /* int within MIN..MAX */
    KEY_COUNT,   /* size_t of at least MIN (MAX 0: no upper bound) */
    KEY_BOOL,    /* bool: true or false */
    KEY_EXTRACT, /* extract modes: one for all, or a mapping per kind */
    KEY_ALIASES, /* mapping of table name to path: the alias_* fields */
    KEY_SOURCES  /* list of paths or {path, format} mappings */
} key_type_t;

typedef struct {
    const char *name;
    key_type_t type;
    size_t offset;
    const char *def;             /* KEY_STRING, KEY_PATH (with DATA: in the data folder) */
    const char *const *def_list; /* KEY_LIST, KEY_FACETS: NULL-terminated; NULL: empty */
    const char *const *choices;  /* KEY_CHOICE: NULL-terminated, in enum order */
    long long def_num, min, max; /* KEY_CHOICE, KEY_BOOL, KEY_EXTRACT (def_num only), KEY_INT, KEY_COUNT */
    bool data;                   /* KEY_PATH: a data file, also looked for in the data folder */
    const char *help;
} config_key_t;

/* Frequent English function words: they get no stemmed term and a query
 * made only of them still matches (see newsarc.yaml). */
static const char *const default_stopwords[] = {
    "a", "about", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "he",
    "in", "is", "it", "its", "of", "on", "or", "said", "that", "the", "this", "to", "was", "were",
    "which", "will", "with", NULL,
};

/* Finds NAME among at most COUNT names spaced SIZE bytes apart, which
 * end early at a NULL name; -1 if absent. */
static int find_name(const char *name, const void *table, size_t count, size_t size)
{
    for (size_t i = 0; name && i < count; i++) {
        const char *entry = *(const char *const *)(const void *)((const char *)table + i * size);
        if (!entry)
            break;
        if (strcmp(entry, name) == 0)
            return (int)i;
    }
    return -1;
}

static const char *const extract_names[] = { "auto", "always", "never", NULL };
static const char *const shard_by_names[] = { "none", "year", "month", NULL };
static const char *const extract_kinds[] = { "people", "places", "orgs", "dates", NULL };

const char *na_extract_kind_name(na_extract_kind_t kind)
{
    return kind < NA_EXTRACT_KINDS ? extract_kinds[kind] : "?";
}

bool na_extract_mode_from_name(const char *name, na_extract_mode_t *out)
{
    int i = find_name(name, extract_names, SIZE_MAX, sizeof *extract_names);
    if (i >= 0)
        *out = (na_extract_mode_t)i;
    return i >= 0;
}

const char *na_shard_by_name(int kind)
{
    return kind >= NA_SHARD_BY_NONE && kind <= NA_SHARD_BY_MONTH ? shard_by_names[kind] : "?";
}

bool na_shard_by_from_name(const char *name, int *out)
{
    for (int i = 0; name && shard_by_names[i]; i++)
        if (strcmp(name, shard_by_names[i]) == 0) {
            *out = i;
            return true;
        }
    return false;
}

static const char *const shard_failure_names[] = { "fail", "partial", NULL };

bool na_shard_failure_from_name(const char *name, na_shard_failure_t *out)
{
    int i = find_name(name, shard_failure_names, SIZE_MAX, sizeof *shard_failure_names);
    if (i >= 0)
        *out = (na_shard_failure_t)i;
    return i >= 0;
}

static const config_key_t config_keys[] = {
    { .name = "database", .type = KEY_PATH, .offset = OFF(database), .def = NA_DATABASE,
      .help = "the Xapian database newsarc-index writes and newsarc-search reads" },
    { .name = "language", .type = KEY_STRING, .offset = OFF(language), .def = "english",
      .help = "stemming language of article text and queries" },
    { .name = "stopwords", .type = KEY_LIST, .offset = OFF(stopwords), .def_list = default_stopwords,
      .help = "words that get no stemmed term and are dropped from queries" },
    { .name = "facets", .type = KEY_FACETS, .offset = OFF(facets),
      .help = "facets newsarc-search shows when none are asked for" },
    { .name = "extract", .type = KEY_EXTRACT, .offset = OFF(extract), .choices = extract_names,
      .def_num = NA_EXTRACT_AUTO, .help = "find people, places, organisations and dates in the text" },
    { .name = "extract_city_countries", .type = KEY_BOOL, .offset = OFF(extract_city_countries),
      .def_num = 1, .help = "a city or region found in the text also counts its country" },
    { .name = "ner_model", .type = KEY_PATH, .offset = OFF(ner_model), .def = "ner.model",
      .data = true, .help = "the entity tagger's model" },
    { .name = "gazetteer", .type = KEY_PATH, .offset = OFF(gazetteer), .def = "gazetteer",
      .data = true, .help = "the folder of gazetteers: places, names, titles" },
    { .name = "compression_level", .type = KEY_INT, .offset = OFF(compression_level), .def_num = 9,
      .min = 1, .max = 9, .help = "zlib level of the stored original articles" },
    { .name = "commit_every", .type = KEY_COUNT, .offset = OFF(commit_every), .def_num = 10000,
      .min = 1, .help = "articles indexed between two commits" },
    { .name = "max_article_bytes", .type = KEY_COUNT, .offset = OFF(max_article_bytes), .def_num = 64 << 20,
      .min = 1024, .max = 1LL << 32,
      .help = "largest input file (or standard input) read, in bytes: bigger ones are refused unread" },
    { .name = "commit_bytes", .type = KEY_COUNT, .offset = OFF(commit_bytes), .def_num = 64 << 20,
      .min = 1, .help = "article bytes indexed between two commits" },
    { .name = "prune", .type = KEY_BOOL, .offset = OFF(prune), .def_num = 0,
      .help = "remove sources whose file is gone, and articles left with none" },
    { .name = "prune_max", .type = KEY_INT, .offset = OFF(prune_max), .def_num = 10, .min = 0, .max = 100,
      .help = "percent of the articles a prune may remove without --force" },
    { .name = "lock_wait", .type = KEY_INT, .offset = OFF(lock_wait), .def_num = 0, .min = 0, .max = 86400,
      .help = "seconds newsarc-index waits for another writer's lock" },
    { .name = "shard_by", .type = KEY_CHOICE, .offset = OFF(shard_by), .choices = shard_by_names,
      .def_num = NA_SHARD_BY_NONE, .help = "time shards of a new archive: none, year or month" },
    { .name = "index_memory", .type = KEY_COUNT, .offset = OFF(index_memory), .def_num = 256,
      .min = 32, .max = 1 << 20, .help = "megabytes the indexer may use, most of it for documents not yet written" },
    { .name = "aliases", .type = KEY_ALIASES,
      .help = "alias table per field: places, people, orgs, topics, sources" },
    { .name = "sources", .type = KEY_SOURCES, .help = "paths newsarc-index reads when given none" },
    { .name = "max_query_bytes", .type = KEY_COUNT, .offset = OFF(max_query_bytes), .def_num = 4096, .min = 1,
      .help = "longest query newsarc-search accepts, in bytes" },
    { .name = "max_limit", .type = KEY_COUNT, .offset = OFF(max_limit), .def_num = 100, .min = 1,
      .help = "most results per page; a larger limit is cut to it" },
    { .name = "max_offset", .type = KEY_COUNT, .offset = OFF(max_offset), .def_num = 10000,
      .help = "deepest offset a search may ask for" },
    { .name = "time_budget_ms", .type = KEY_COUNT, .offset = OFF(time_budget_ms), .def_num = 2000,
      .help = "per query: past it the counting stops and the answer says it is incomplete; 0 none" },
    { .name = "shard_failure", .type = KEY_CHOICE, .offset = OFF(shard_failure), .choices = shard_failure_names,
      .def_num = NA_SHARD_FAIL, .help = "a shard that fails: fail the search, or answer from the others (partial)" },
    { .name = "remote_timeout", .type = KEY_COUNT, .offset = OFF(remote_timeout_ms), .def_num = 10000, .min = 1,
      .max = 3600000, .help = "milliseconds a remote shard may take to answer before it counts as failed" },
    { .name = "remote_connect_timeout", .type = KEY_COUNT, .offset = OFF(remote_connect_timeout_ms),
      .def_num = 10000, .min = 1, .max = 3600000, .help = "milliseconds to connect to a remote shard" },
    { .name = "server_threads", .type = KEY_COUNT, .offset = OFF(server_threads), .def_num = 4, .min = 1,
      .max = 256, .help = "worker threads of newsarc-search --serve" },
    { .name = "server_connections", .type = KEY_COUNT, .offset = OFF(server_connections), .def_num = 256,
      .min = 1, .max = 65536, .help = "most connections the server holds open at once" },
    { .name = "server_timeout", .type = KEY_COUNT, .offset = OFF(server_timeout), .def_num = 30, .min = 1,
      .help = "seconds an idle or slow connection is kept open" },
    { .name = "static_dir", .type = KEY_PATH, .offset = OFF(static_dir), .def = "www", .data = true,
      .help = "the search page's files, served at /" },
    { .name = "http_show_sources", .type = KEY_BOOL, .offset = OFF(http_show_sources), .def_num = 0,
      .help = "show source file paths through the HTTP API" },
    { .name = "cors_origins", .type = KEY_LIST, .offset = OFF(cors_origins),
      .help = "origins allowed to call the HTTP API from a browser (\"*\": any)" },
};

/* Alias tables by their key under "aliases"; the built-in default for
 * each is NAME.tsv in the installed data folder. */
static const struct {
    const char *name;
    size_t offset;
} alias_keys[] = {
    { "places", OFF(alias_places) }, { "people", OFF(alias_people) }, { "orgs", OFF(alias_orgs) },
    { "topics", OFF(alias_topics) }, { "sources", OFF(alias_sources) },
};

static char **str_field(na_config_t *cfg, size_t offset)
{
    return (char **)(void *)((char *)cfg + offset);
}

static na_strlist_t *list_field(na_config_t *cfg, size_t offset)
{
    return (na_strlist_t *)(void *)((char *)cfg + offset);
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

char *na_config_data_dir(void)
{
#if defined(NA_BUILDDIR) && defined(NA_SRCDATADIR)
    /* Only a program inside the build tree: an installed one must never
     * pick up a source tree that happens to still be there. */
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1); /* already canonical */
    exe[len > 0 ? len : 0] = '\0';
    char *build = realpath(NA_BUILDDIR, NULL);
    size_t n = build ? strlen(build) : 0;
    bool uninstalled = build && strncmp(exe, build, n) == 0 && exe[n] == '/';
    free(build);
    if (uninstalled && file_exists(NA_SRCDATADIR))
        return na_xstrdup(NA_SRCDATADIR);
#endif
    return na_xstrdup(NA_DATADIR);
}

/* ---- defaults and release ---- */

void na_config_defaults(na_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    char *data = na_config_data_dir();
    for (size_t i = 0; i < COUNT(config_keys); i++) {
        const config_key_t *k = &config_keys[i];
        switch (k->type) {
        case KEY_STRING:
        case KEY_PATH:
            *str_field(cfg, k->offset) = k->data ? na_xasprintf("%s/%s", data, k->def) : na_xstrdup(k->def);
            break;
        case KEY_LIST:
        case KEY_FACETS:
            for (const char *const *w = k->def_list; w && *w; w++)
                na_strlist_add(list_field(cfg, k->offset), *w);
            break;
        case KEY_CHOICE:
        case KEY_INT:
            *(int *)(void *)((char *)cfg + k->offset) = (int)k->def_num;
            break;
        case KEY_BOOL:
            *(bool *)(void *)((char *)cfg + k->offset) = k->def_num != 0;
            break;
        case KEY_EXTRACT:
            for (int kind = 0; kind < NA_EXTRACT_KINDS; kind++)
                cfg->extract[kind] = (na_extract_mode_t)k->def_num;
            break;
        case KEY_COUNT:
            *(size_t *)(void *)((char *)cfg + k->offset) = (size_t)k->def_num;
            break;
        case KEY_ALIASES:
            /* Named even when missing: na_config_check() says so, rather
             * than every run going on without aliases. */
            for (size_t a = 0; a < COUNT(alias_keys); a++)
                *str_field(cfg, alias_keys[a].offset) = na_xasprintf("%s/aliases/%s.tsv", data, alias_keys[a].name);
            break;
        case KEY_SOURCES:
            break;
        }
    }
    free(data);
}

void na_config_release(na_config_t *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < COUNT(config_keys); i++) {
        const config_key_t *k = &config_keys[i];
        switch (k->type) {
        case KEY_STRING:
        case KEY_PATH:
            free(*str_field(cfg, k->offset));
            break;
        case KEY_LIST:
        case KEY_FACETS:
            na_strlist_clear(list_field(cfg, k->offset));
            break;
        case KEY_ALIASES:
            for (size_t a = 0; a < COUNT(alias_keys); a++)
                free(*str_field(cfg, alias_keys[a].offset));
            break;
        case KEY_SOURCES:
            for (size_t s = 0; s < cfg->source_count; s++)
                free(cfg->sources[s].path);
            free(cfg->sources);
            break;
        case KEY_CHOICE:
        case KEY_BOOL:
        case KEY_EXTRACT:
        case KEY_INT:
        case KEY_COUNT:
            break;
        }
    }
    for (size_t i = 0; i < cfg->mark_count; i++)
        free(cfg->marks[i].key);
    free(cfg->marks);
    free(cfg->file);
    memset(cfg, 0, sizeof *cfg);
}

/* ---- reading a file ---- */

typedef struct {
    const char *path;
    char *dir; /* the file's directory, or NULL for the current one */
    yaml_document_t *doc;
    na_error_t *err;
    na_strlist_t *probes; /* NULL, or each file looked for: "1PATH" found, "0PATH" not */
} loader_t;

/* Whether PATH exists, noted in L's probes: a cached form of the file
 * stays good only while each answer does. */
static bool probe(const loader_t *l, const char *path)
{
    bool found = file_exists(path);
    if (l->probes) {
        char *p = na_xasprintf("%c%s", found ? '1' : '0', path);
        na_strlist_add(l->probes, p);
        free(p);
    }
    return found;
}

__attribute__((format(printf, 3, 4)))
static na_status_t fail_at(const loader_t *l, const yaml_node_t *node, const char *fmt, ...)
{
    char reason[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return na_error_set(l->err, NA_ERR_PARSE, "%s:%zu:%zu: %s", l->path, node->start_mark.line + 1,
                        node->start_mark.column + 1, reason);
}

static yaml_node_t *node_at(const loader_t *l, int index)
{
    return yaml_document_get_node(l->doc, index);
}

/* A plain empty, "~" or "null" scalar: YAML's null, as in "key:". */
static bool is_null(const yaml_node_t *node)
{
    if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = (const char *)node->data.scalar.value;
    return !*v || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
           strcmp(v, "NULL") == 0;
}

static const char *scalar(const yaml_node_t *node)
{
    return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

/* What NODE is, for "should be a list, not a mapping". */
static const char *kind(const yaml_node_t *node)
{
    if (is_null(node))
        return "empty";
    switch (node->type) {
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "a single value";
    }
}

static char *resolve(const loader_t *l, const char *path)
{
    if (path[0] == '/' || !l->dir)
        return na_xstrdup(path);
    return na_xasprintf("%s%s%s", l->dir, strcmp(l->dir, "/") == 0 ? "" : "/", path);
}

/* Data files: beside the configuration, else in the installed data
 * folder, so an installed newsarc.yaml can say "aliases/places.tsv". */
static char *resolve_data(const loader_t *l, const char *path)
{
    char *p = resolve(l, path);
    if (path[0] == '/' || probe(l, p))
        return p;
    char *data = na_config_data_dir();
    char *q = na_xasprintf("%s/%s", data, path);
    free(data);
    if (probe(l, q)) {
        free(p);
        return q;
    }
    free(q);
    return p; /* reported when loaded, under the name the user expects */
}

/* Remembers where the file set KEY, for na_config_check(). */
static void add_mark(na_config_t *cfg, const char *key, const yaml_node_t *value)
{
    cfg->marks = na_xrealloc(cfg->marks, (cfg->mark_count + 1) * sizeof *cfg->marks);
    cfg->marks[cfg->mark_count++] =
        (na_config_mark_t){ na_xstrdup(key), value->start_mark.line + 1, value->start_mark.column + 1 };
}

/* Levenshtein distance, capped: for "did you mean" on misspelt keys. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40)
        return SIZE_MAX;
    size_t row[41];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static na_status_t unknown_key(const loader_t *l, const yaml_node_t *k, const char *name)
{
    const char *best = NULL;
    size_t best_d = 3; /* suggest only close misspellings */
    for (size_t i = 0; i < COUNT(config_keys); i++) {
        size_t d = distance(name, config_keys[i].name);
        if (d < best_d) {
            best_d = d;
            best = config_keys[i].name;
        }
    }
    if (best)
        return fail_at(l, k, "unknown key '%s' (did you mean '%s'?)", name, best);
    return fail_at(l, k, "unknown key '%s'", name);
}

/* Reads a list of non-empty plain values into OUT, replacing it. */
static na_status_t read_list(const loader_t *l, const config_key_t *key, yaml_node_t *node,
                             na_strlist_t *out)
{
    if (node->type != YAML_SEQUENCE_NODE)
        return fail_at(l, node, "'%s' should be a list, not %s%s", key->name, kind(node),
                       is_null(node) ? " (write [] for none)" : "");
    na_strlist_t list = NA_STRLIST_INIT;
    for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
        yaml_node_t *item = node_at(l, *it);
        const char *v = scalar(item);
        na_status_t st = NA_OK;
        if (!v || is_null(item) || !*v)
            st = fail_at(l, item, "'%s' should list single values, not %s", key->name, kind(item));
        else if (key->type == KEY_FACETS && !na_schema_facet_parse(v, NULL)) {
            char names[256];
            na_schema_facet_names(names, sizeof names);
            st = fail_at(l, item, "unknown facet '%s' (%s)", v, names);
        }
        if (st) {
            na_strlist_clear(&list);
            return st;
        }
        na_strlist_add(&list, v);
    }
    na_strlist_clear(out);
    *out = list;
    return NA_OK;
}

static na_status_t read_number(const loader_t *l, const config_key_t *key, yaml_node_t *node,
                               long long *out)
{
    const char *s = scalar(node);
    if (!s || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || is_null(node))
        return fail_at(l, node, "'%s' should be a whole number, not %s", key->name,
                       s && !is_null(node) ? "a quoted string" : kind(node));
    char *end = NULL;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (end == s || *end)
        return fail_at(l, node, "'%s' should be a whole number, not '%s'", key->name, s);
    bool too_big = errno == ERANGE || (key->max && n > key->max);
#if SIZE_MAX < LLONG_MAX
    too_big = too_big || (key->type == KEY_COUNT && n > (long long)SIZE_MAX);
#endif
    if (n < key->min || too_big) {
        if (key->max)
            return fail_at(l, node, "'%s' should be between %lld and %lld, not %s", key->name, key->min,
                           key->max, s);
        return fail_at(l, node, "'%s' should be %lld or more%s, not %s", key->name, key->min,
                       too_big ? " and fit in memory" : "", s);
    }
    *out = n;
    return NA_OK;
}

/* The node of each key of a mapping, for "duplicate key" messages. */
static na_status_t check_duplicate(const loader_t *l, yaml_node_t **seen, yaml_node_t *k, const char *name)
{
    if (*seen)
        return fail_at(l, k, "duplicate key '%s' (first at line %zu)", name, (*seen)->start_mark.line + 1);
    *seen = k;
    return NA_OK;
}

static na_status_t read_extract_mode(const loader_t *l, const char *name, yaml_node_t *v,
                                     na_extract_mode_t *out)
{
    if (is_null(v) || !na_extract_mode_from_name(scalar(v), out))
        return fail_at(l, v, "'%s' should be auto, always or never", name);
    return NA_OK;
}

/* "extract: never" sets every kind; "extract: {places: always}" those it
 * names, the others keeping their default. */
static na_status_t read_extract(const loader_t *l, na_config_t *cfg, const config_key_t *key, yaml_node_t *node)
{
    if (node->type != YAML_MAPPING_NODE) {
        na_extract_mode_t mode;
        na_status_t st = read_extract_mode(l, key->name, node, &mode);
        for (int kind = 0; st == NA_OK && kind < NA_EXTRACT_KINDS; kind++)
            cfg->extract[kind] = mode;
        return st;
    }
    yaml_node_t *seen[NA_EXTRACT_KINDS] = { NULL };
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(l, p->key), *v = node_at(l, p->value);
        const char *name = scalar(k);
        int i = find_name(name, extract_kinds, SIZE_MAX, sizeof *extract_kinds);
        if (i < 0)
            return fail_at(l, k, "unknown extraction '%s' (people, places, orgs, dates)", name ? name : "");
        na_status_t st = check_duplicate(l, &seen[i], k, name);
        if (!st) {
            char full[32];
            snprintf(full, sizeof full, "extract.%s", name);
            st = read_extract_mode(l, full, v, &cfg->extract[i]);
        }
        if (st)
            return st;
    }
    return NA_OK;
}

static na_status_t read_aliases(const loader_t *l, na_config_t *cfg, yaml_node_t *node)
{
    if (node->type != YAML_MAPPING_NODE)
        return fail_at(l, node, "'aliases' should be a mapping of table name to file, not %s", kind(node));
    yaml_node_t *seen[COUNT(alias_keys)] = { NULL };
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(l, p->key), *v = node_at(l, p->value);
        const char *name = scalar(k);
        int i = find_name(name, alias_keys, COUNT(alias_keys), sizeof *alias_keys);
        if (i < 0)
            return fail_at(l, k, "unknown alias table '%s' (places, people, orgs, topics, sources)",
                           name ? name : "");
        na_status_t st = check_duplicate(l, &seen[i], k, name);
        if (st)
            return st;
        const char *path = scalar(v);
        if (!path)
            return fail_at(l, v, "alias table '%s' should be a file path, not %s", name, kind(v));
        char **slot = str_field(cfg, alias_keys[i].offset);
        char mark[32];
        snprintf(mark, sizeof mark, "aliases.%s", name);
        add_mark(cfg, mark, v);
        free(*slot);
        /* Empty or null turns the table off. */
        *slot = is_null(v) || !*path ? NULL : resolve_data(l, path);
    }
    return NA_OK;
}

static na_status_t read_source(const loader_t *l, yaml_node_t *item, na_config_source_t *out)
{
    const char *path = NULL;
    yaml_node_t *path_node = item, *format_node = NULL;
    if (item->type == YAML_MAPPING_NODE) {
        yaml_node_t *seen[2] = { NULL, NULL };
        for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++) {
            yaml_node_t *k = node_at(l, p->key), *v = node_at(l, p->value);
            const char *name = scalar(k);
            int i = name && strcmp(name, "path") == 0 ? 0 : name && strcmp(name, "format") == 0 ? 1 : -1;
            if (i < 0)
                return fail_at(l, k, "unknown source key '%s' (path, format)", name ? name : "");
            na_status_t st = check_duplicate(l, &seen[i], k, name);
            if (st)
                return st;
            if (!scalar(v) || is_null(v))
                return fail_at(l, v, "source %s should be a single value, not %s", name, kind(v));
            if (i == 0)
                path_node = v;
            else
                format_node = v;
        }
        if (!seen[0])
            return fail_at(l, item, "a source needs a 'path'");
    } else if (is_null(item) || !scalar(item)) {
        return fail_at(l, item, "a source should be a path or a {path, format} mapping, not %s", kind(item));
    }
    path = scalar(path_node);
    if (!*path)
        return fail_at(l, path_node, "a source path should not be empty");
    na_format_t format = NA_FORMAT_AUTO;
    if (format_node) {
        const char *name = scalar(format_node);
        format = na_format_from_name(name);
        if (format == NA_FORMAT_AUTO && strcmp(name, "auto") != 0)
            return fail_at(l, format_node, "unknown format '%s' (auto, text, markdown, yaml, jsonl, reuters)",
                           name);
    }
    out->path = resolve(l, path);
    out->format = format;
    return NA_OK;
}

static na_status_t read_sources(const loader_t *l, na_config_t *cfg, yaml_node_t *node)
{
    if (node->type != YAML_SEQUENCE_NODE)
        return fail_at(l, node, "'sources' should be a list, not %s%s", kind(node),
                       is_null(node) ? " (write [] for none)" : "");
    size_t count = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    na_config_source_t *sources = na_xcalloc(count ? count : 1, sizeof *sources);
    for (size_t i = 0; i < count; i++) {
        na_status_t st = read_source(l, node_at(l, node->data.sequence.items.start[i]), &sources[i]);
        if (st) {
            for (size_t j = 0; j < i; j++)
                free(sources[j].path);
            free(sources);
            return st;
        }
    }
    for (size_t i = 0; i < cfg->source_count; i++)
        free(cfg->sources[i].path);
    free(cfg->sources);
    cfg->sources = sources;
    cfg->source_count = count;
    return NA_OK;
}

static na_status_t read_key(const loader_t *l, na_config_t *cfg, const config_key_t *key, yaml_node_t *v)
{
    switch (key->type) {
    case KEY_STRING:
    case KEY_PATH: {
        const char *s = scalar(v);
        if (!s || is_null(v))
            return fail_at(l, v, "'%s' should be a single value, not %s", key->name, kind(v));
        if (!*s)
            return fail_at(l, v, "'%s' should not be empty", key->name);
        char **slot = str_field(cfg, key->offset);
        free(*slot);
        *slot = key->type == KEY_STRING ? na_xstrdup(s) : key->data ? resolve_data(l, s) : resolve(l, s);
        return NA_OK;
    }
    case KEY_LIST:
    case KEY_FACETS:
        return read_list(l, key, v, list_field(cfg, key->offset));
    case KEY_CHOICE: {
        int i = find_name(scalar(v), key->choices, SIZE_MAX, sizeof *key->choices);
        if (i < 0 || is_null(v)) {
            char names[128] = "";
            for (const char *const *c = key->choices; *c; c++)
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                         c == key->choices ? "" : c[1] ? ", " : " or ", *c);
            return fail_at(l, v, "'%s' should be %s", key->name, names);
        }
        *(int *)(void *)((char *)cfg + key->offset) = i;
        return NA_OK;
    }
    case KEY_INT:
    case KEY_COUNT: {
        long long n = 0;
        na_status_t st = read_number(l, key, v, &n);
        if (st)
            return st;
        if (key->type == KEY_INT)
            *(int *)(void *)((char *)cfg + key->offset) = (int)n;
        else
            *(size_t *)(void *)((char *)cfg + key->offset) = (size_t)n;
        return NA_OK;
    }
    case KEY_BOOL: {
        const char *s = scalar(v);
        static const char *const yes[] = { "true", "yes", "on", NULL }, *const no[] = { "false", "no", "off", NULL };
        if (s && find_name(s, yes, SIZE_MAX, sizeof *yes) >= 0)
            *(bool *)(void *)((char *)cfg + key->offset) = true;
        else if (s && find_name(s, no, SIZE_MAX, sizeof *no) >= 0)
            *(bool *)(void *)((char *)cfg + key->offset) = false;
        else
            return fail_at(l, v, "'%s' should be true or false", key->name);
        return NA_OK;
    }
    case KEY_EXTRACT:
        return read_extract(l, cfg, key, v);
    case KEY_ALIASES:
        return read_aliases(l, cfg, v);
    case KEY_SOURCES:
        return read_sources(l, cfg, v);
    }
    NA_BUG("unknown configuration key type");
}

static na_status_t read_root(const loader_t *l, na_config_t *cfg, yaml_node_t *root)
{
    if (!root || is_null(root))
        return NA_OK; /* an empty file: every default holds */
    if (root->type != YAML_MAPPING_NODE)
        return fail_at(l, root, "the configuration should be a mapping of keys to values, not %s", kind(root));
    yaml_node_t *seen[COUNT(config_keys)] = { NULL };
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(l, p->key), *v = node_at(l, p->value);
        const char *name = scalar(k);
        if (!name)
            return fail_at(l, k, "a key should be a name, not %s", kind(k));
        int i = find_name(name, config_keys, COUNT(config_keys), sizeof *config_keys);
        if (i < 0)
            return unknown_key(l, k, name);
        na_status_t st = check_duplicate(l, &seen[i], k, name);
        if (!st)
            st = read_key(l, cfg, &config_keys[i], v);
        if (st)
            return st;
        add_mark(cfg, name, v);
    }
    return NA_OK;
}

/* Reports libyaml's error with the place it happened.  Reader errors (bad
 * encoding) carry only a byte offset, turned into a line and column here
 * the way libyaml counts them: characters, from 1. */
static na_status_t yaml_failure(const char *path, const yaml_parser_t *parser, const na_buf_t *text,
                                na_error_t *err)
{
    if (parser->error == YAML_MEMORY_ERROR)
        return na_error_set(err, NA_ERR_NOMEM, "%s: out of memory reading the configuration", path);
    size_t line, column;
    if (parser->error == YAML_READER_ERROR) {
        line = column = 1;
        for (size_t i = 0; i < parser->problem_offset && i < text->len; i++) {
            unsigned char c = (unsigned char)text->data[i];
            if (c == '\n') {
                line++;
                column = 1;
            } else if ((c & 0xc0) != 0x80) {
                column++;
            }
        }
    } else {
        line = parser->problem_mark.line + 1;
        column = parser->problem_mark.column + 1;
    }
    const char *problem = parser->problem ? parser->problem : "not valid YAML";
    if (parser->context)
        return na_error_set(err, NA_ERR_PARSE, "%s:%zu:%zu: %s %s started at line %zu", path, line, column,
                            problem, parser->context, parser->context_mark.line + 1);
    return na_error_set(err, NA_ERR_PARSE, "%s:%zu:%zu: %s", path, line, column, problem);
}

/* True when the LEN bytes at S are a line libyaml reads as nothing but a
 * comment: '#' in column 0, then printable ASCII or tabs (anything else
 * is left for libyaml to accept or refuse). */
static bool plain_comment_line(const char *s, size_t len)
{
    if (!len || s[0] != '#')
        return false;
    for (size_t i = 1; i < len; i++)
        if (s[i] != '\t' && (s[i] < 0x20 || s[i] > 0x7e))
            return false;
    return true;
}

/* The end of the line that starts at I in the LEN bytes at TEXT. */
static size_t line_end(const char *text, size_t len, size_t i)
{
    const char *nl = memchr(text + i, '\n', len - i);
    return nl ? (size_t)(nl - text) : len;
}

size_t na__config_drop_comments(char *text, size_t len)
{
    /* Quotes and block scalars can hold a '#' line as content: those
     * files go to libyaml whole.  Any other line with '#' in column 0 is
     * a comment to libyaml, whatever follows. */
    for (size_t i = 0; i < len; i++) {
        size_t end = line_end(text, len, i);
        if (text[i] != '#')
            for (size_t k = i; k < end; k++)
                if (text[k] == '"' || text[k] == '\'' || text[k] == '|' || text[k] == '>')
                    return len;
        i = end;
    }
    size_t out = 0;
    long depth = 0;        /* [ and { less ] and }: inside a flow collection */
    size_t decided = 0;    /* comment lines before this offset are... */
    bool decision = false; /* ...dropped, or not */
    for (size_t i = 0; i < len;) {
        size_t end = line_end(text, len, i);
        bool comment = plain_comment_line(text + i, end - i);
        bool drop = false;
        if (comment && depth == 0) {
            if (i >= decided) {
                /* The next line with content must start in column 0,
                 * where it cannot continue a scalar the comment would
                 * have ended, or an indented one the comment ends. */
                size_t j = end;
                decision = true;
                while (j < len) {
                    j++;
                    size_t e2 = line_end(text, len, j);
                    size_t k = j;
                    while (k < e2 && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r'))
                        k++;
                    if (k < e2 && text[j] != '#') {
                        decision = k == j;
                        break;
                    }
                    j = e2;
                }
                decided = j;
            }
            drop = decision;
        } else if (!comment) {
            for (size_t k = i; k < end; k++)
                depth += (text[k] == '[' || text[k] == '{') - (text[k] == ']' || text[k] == '}');
        }
        if (!drop) {
            memmove(text + out, text + i, end - i);
            out += end - i;
        }
        if (end < len)
            text[out++] = '\n';
        i = end + 1;
    }
    return out;
}

/* Reads the file at PATH into TEXT; on failure sets ERR, zeroes CFG. */
static na_status_t read_config_file(const char *path, na_buf_t *text, na_config_t *cfg, na_error_t *err)
{
    int e = na_read_file(path, text);
    if (!e)
        return NA_OK;
    na_buf_release(text);
    memset(cfg, 0, sizeof *cfg);
    return na_error_set(err, e == ENOENT ? NA_ERR_NOT_FOUND : NA_ERR_IO, "%s: cannot read the configuration: %s",
                        path, na_strerror(e));
}

/* Fills CFG from TEXT, the contents of PATH (changed in place; released),
 * noting in PROBES (may be NULL) the files looked for. */
static na_status_t load_text(na_config_t *cfg, const char *path, na_buf_t text, na_strlist_t *probes,
                             na_error_t *err)
{
    na_config_defaults(cfg);

    loader_t l = { .path = path, .err = err, .probes = probes };
    const char *slash = strrchr(path, '/');
    if (slash)
        l.dir = na_xstrndup(path, slash == path ? 1 : (size_t)(slash - path));

    yaml_parser_t parser;
    yaml_document_t doc, next;
    na_status_t st = NA_OK;
    if (!yaml_parser_initialize(&parser))
        NA_BUG("libyaml cannot initialise a parser");
    /* Most of a shipped file is comments, and libyaml reads them a
     * character at a time: a query's start-up skips them here. */
    if (text.data)
        text.len = na__config_drop_comments(text.data, text.len);
    yaml_parser_set_input_string(&parser, (const unsigned char *)(text.data ? text.data : ""), text.len);
    if (!yaml_parser_load(&parser, &doc)) {
        st = yaml_failure(path, &parser, &text, err);
    } else {
        l.doc = &doc;
        st = read_root(&l, cfg, yaml_document_get_root_node(&doc));
        yaml_document_delete(&doc);
        /* A second document would be silently ignored: refuse it, unless
         * it is empty (a stray "---" at the end). */
        if (!st && !yaml_parser_load(&parser, &next)) {
            st = yaml_failure(path, &parser, &text, err);
        } else if (!st) {
            yaml_node_t *root = yaml_document_get_root_node(&next);
            if (root && !is_null(root))
                st = na_error_set(err, NA_ERR_PARSE, "%s:%zu:%zu: a configuration is one YAML document, not several",
                                  path, next.start_mark.line + 1, next.start_mark.column + 1);
            yaml_document_delete(&next);
        }
    }
    yaml_parser_delete(&parser);
    na_buf_release(&text);
    free(l.dir);
    if (st) {
        na_config_release(cfg);
        return st;
    }
    cfg->file = na_xstrdup(path);
    return NA_OK;
}

na_status_t na_config_load_file(na_config_t *cfg, const char *path, na_error_t *err)
{
    na_buf_t text = NA_BUF_INIT;
    na_status_t st = read_config_file(path, &text, cfg, err);
    return st ? st : load_text(cfg, path, text, NULL, err);
}

const char *na_config_find(const char *explicit_path)
{
    const char *path = explicit_path;
    if (!path || !*path)
        path = getenv("NEWSARC_CONFIG");
    if (path && *path)
        return path;
    if (file_exists("newsarc.yaml"))
        return "newsarc.yaml";
    if (file_exists(NA_SYSCONFDIR "/newsarc.yaml"))
        return NA_SYSCONFDIR "/newsarc.yaml";
    return NULL;
}

na_status_t na_config_load(na_config_t *cfg, const char *explicit_path, na_error_t *err)
{
    const char *path = na_config_find(explicit_path);
    if (path)
        return na_config_load_file(cfg, path, err);
    na_config_defaults(cfg);
    return NA_OK;
}

/* ---- the loaded form, kept in a cache ---- */

/* A cache file: CACHE_MAGIC, then length-prefixed strings and 64-bit
 * numbers (little end first): what the load depended on (the program
 * file, the data folder, the current folder, the file's path and whole
 * contents, each file looked for and whether it was there), then every
 * field of the configuration in the order of config_keys.  Any
 * difference, or anything that does not read back whole, and the file
 * is read again. */
#define CACHE_MAGIC "newsarc config cache 1\n"
#define NO_STRING UINT64_MAX

static void put_num(na_buf_t *b, uint64_t v)
{
    unsigned char bytes[8];
    for (int i = 0; i < 8; i++)
        bytes[i] = (unsigned char)(v >> (8 * i));
    na_buf_add(b, bytes, 8);
}

static void put_bytes(na_buf_t *b, const void *data, size_t len)
{
    put_num(b, len);
    na_buf_add(b, data, len);
}

static void put_str(na_buf_t *b, const char *s)
{
    if (s)
        put_bytes(b, s, strlen(s));
    else
        put_num(b, NO_STRING);
}

static void put_list(na_buf_t *b, const na_strlist_t *l)
{
    put_num(b, l->count);
    for (size_t i = 0; i < l->count; i++)
        put_str(b, l->items[i]);
}

typedef struct {
    const unsigned char *p, *end;
    bool bad;
} cache_reader_t;

static uint64_t get_num(cache_reader_t *r)
{
    if (r->bad || r->end - r->p < 8) {
        r->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += 8;
    return v;
}

/* The next string, borrowed (not NUL-terminated; *LEN bytes); NULL for
 * NO_STRING or when the data is cut short (R->bad). */
static const char *get_bytes(cache_reader_t *r, size_t *len)
{
    uint64_t n = get_num(r);
    *len = 0;
    if (r->bad || n == NO_STRING)
        return NULL;
    if ((uint64_t)(r->end - r->p) < n) {
        r->bad = true;
        return NULL;
    }
    const char *s = (const char *)r->p;
    r->p += n;
    *len = (size_t)n;
    return s;
}

static char *get_str(cache_reader_t *r)
{
    size_t len;
    const char *s = get_bytes(r, &len);
    return s ? na_xstrndup(s, len) : NULL;
}

static void get_list(cache_reader_t *r, na_strlist_t *l)
{
    uint64_t n = get_num(r);
    for (uint64_t i = 0; !r->bad && i < n; i++) {
        char *s = get_str(r);
        if (s)
            na_strlist_add(l, s);
        free(s);
    }
}

/* The fields of CFG, by the key table. */
static void pack_config(const na_config_t *cfg, na_buf_t *b)
{
    put_str(b, cfg->file);
    for (size_t i = 0; i < COUNT(config_keys); i++) {
        const config_key_t *k = &config_keys[i];
        const char *base = (const char *)cfg + k->offset;
        switch (k->type) {
        case KEY_STRING:
        case KEY_PATH: put_str(b, *(char *const *)(const void *)base); break;
        case KEY_LIST:
        case KEY_FACETS: put_list(b, (const na_strlist_t *)(const void *)base); break;
        case KEY_CHOICE:
        case KEY_INT: put_num(b, (uint64_t)(int64_t) * (const int *)(const void *)base); break;
        case KEY_BOOL: put_num(b, *(const bool *)(const void *)base); break;
        case KEY_COUNT: put_num(b, *(const size_t *)(const void *)base); break;
        case KEY_EXTRACT:
            for (int kind = 0; kind < NA_EXTRACT_KINDS; kind++)
                put_num(b, cfg->extract[kind]);
            break;
        case KEY_ALIASES:
            for (size_t a = 0; a < COUNT(alias_keys); a++)
                put_str(b, *(char *const *)(const void *)((const char *)cfg + alias_keys[a].offset));
            break;
        case KEY_SOURCES:
            put_num(b, cfg->source_count);
            for (size_t s = 0; s < cfg->source_count; s++) {
                put_str(b, cfg->sources[s].path);
                put_num(b, cfg->sources[s].format);
            }
            break;
        }
    }
    put_num(b, cfg->mark_count);
    for (size_t i = 0; i < cfg->mark_count; i++) {
        put_str(b, cfg->marks[i].key);
        put_num(b, cfg->marks[i].line);
        put_num(b, cfg->marks[i].column);
    }
}

/* Reads back what pack_config() wrote into CFG (zeroed first); false, CFG
 * released, when R does not hold it whole. */
static bool unpack_config(cache_reader_t *r, na_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->file = get_str(r);
    for (size_t i = 0; !r->bad && i < COUNT(config_keys); i++) {
        const config_key_t *k = &config_keys[i];
        char *base = (char *)cfg + k->offset;
        switch (k->type) {
        case KEY_STRING:
        case KEY_PATH: *str_field(cfg, k->offset) = get_str(r); break;
        case KEY_LIST:
        case KEY_FACETS: get_list(r, list_field(cfg, k->offset)); break;
        case KEY_CHOICE:
        case KEY_INT: *(int *)(void *)base = (int)(int64_t)get_num(r); break;
        case KEY_BOOL: *(bool *)(void *)base = get_num(r) != 0; break;
        case KEY_COUNT: *(size_t *)(void *)base = (size_t)get_num(r); break;
        case KEY_EXTRACT:
            for (int kind = 0; kind < NA_EXTRACT_KINDS; kind++)
                cfg->extract[kind] = (na_extract_mode_t)get_num(r);
            break;
        case KEY_ALIASES:
            for (size_t a = 0; a < COUNT(alias_keys); a++)
                *str_field(cfg, alias_keys[a].offset) = get_str(r);
            break;
        case KEY_SOURCES: {
            uint64_t n = get_num(r);
            if (r->bad || n > (uint64_t)(r->end - r->p) / 16) { /* each at least 16 bytes */
                r->bad = true;
                break;
            }
            cfg->sources = na_xcalloc(n ? n : 1, sizeof *cfg->sources);
            for (; cfg->source_count < n && !r->bad; cfg->source_count++) {
                cfg->sources[cfg->source_count].path = get_str(r);
                cfg->sources[cfg->source_count].format = (na_format_t)get_num(r);
            }
            break;
        }
        }
    }
    uint64_t marks = get_num(r);
    if (!r->bad && marks <= (uint64_t)(r->end - r->p) / 24) {
        cfg->marks = na_xcalloc(marks ? marks : 1, sizeof *cfg->marks);
        for (; cfg->mark_count < marks && !r->bad; cfg->mark_count++) {
            na_config_mark_t *m = &cfg->marks[cfg->mark_count];
            m->key = get_str(r);
            m->line = (size_t)get_num(r);
            m->column = (size_t)get_num(r);
            if (!m->key)
                r->bad = true;
        }
    } else {
        r->bad = true;
    }
    if (r->bad || r->p != r->end || !cfg->file) {
        na_config_release(cfg);
        return false;
    }
    return true;
}

/* What loading PATH depends on besides its contents and the files it
 * looks for: this program (a new build may read keys otherwise), the data
 * folder, and for a relative PATH the current folder. */
static char *load_context(const char *path)
{
    struct stat st;
    char *data = na_config_data_dir(), cwd[PATH_MAX] = "", exe[PATH_MAX];
    /* The program by its name: the link itself, under valgrind, would
     * name valgrind's. */
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    if (!exe[0] || stat(exe, &st) != 0)
        memset(&st, 0, sizeof st);
    if (path[0] != '/' && !getcwd(cwd, sizeof cwd))
        cwd[0] = '\0';
    char *ctx = na_xasprintf("exe %llu %llu %lld %lld.%09ld\ndata %s\ncwd %s\npath %s\n", (unsigned long long)st.st_dev,
                             (unsigned long long)st.st_ino, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                             st.st_mtim.tv_nsec, data, cwd, path);
    free(data);
    return ctx;
}

/* Fills CFG from the cache file's DATA when it was written for CONTEXT
 * and TEXT and every file it looked for is as it was. */
static bool load_cached(na_config_t *cfg, const na_buf_t *cache, const char *context, const na_buf_t *text)
{
    size_t magic = strlen(CACHE_MAGIC), len;
    if (cache->len < magic || memcmp(cache->data, CACHE_MAGIC, magic) != 0)
        return false;
    cache_reader_t r = { (const unsigned char *)cache->data + magic, (const unsigned char *)cache->data + cache->len,
                         false };
    const char *s = get_bytes(&r, &len);
    if (!s || len != strlen(context) || memcmp(s, context, len) != 0)
        return false;
    s = get_bytes(&r, &len);
    if (!s || len != text->len || (len && memcmp(s, text->data, len) != 0))
        return false;
    uint64_t probes = get_num(&r);
    for (uint64_t i = 0; !r.bad && i < probes; i++) {
        char *p = get_str(&r);
        bool same = p && (p[0] == '1') == file_exists(p + 1);
        free(p);
        if (!same)
            return false;
    }
    return !r.bad && unpack_config(&r, cfg);
}

na_status_t na_config_load_file_cached(na_config_t *cfg, const char *path, const char *cache, na_error_t *err)
{
    na_buf_t text = NA_BUF_INIT;
    na_status_t st = read_config_file(path, &text, cfg, err);
    if (st || !cache)
        return st ? st : load_text(cfg, path, text, NULL, err);
    char *context = load_context(path);
    na_buf_t old = NA_BUF_INIT;
    bool hit = na_read_file(cache, &old) == 0 && load_cached(cfg, &old, context, &text);
    na_buf_release(&old);
    if (hit) {
        na_buf_release(&text);
        free(context);
        return NA_OK;
    }
    /* Kept before load_text() takes the text apart. */
    na_buf_t out = NA_BUF_INIT;
    na_buf_adds(&out, CACHE_MAGIC);
    put_str(&out, context);
    put_bytes(&out, text.data ? text.data : "", text.len);
    free(context);
    na_strlist_t probes = NA_STRLIST_INIT;
    st = load_text(cfg, path, text, &probes, err);
    if (st == NA_OK) {
        put_list(&out, &probes);
        pack_config(cfg, &out);
        (void)na_write_file(cache, out.data, out.len); /* a cache: without it, the next run parses again */
    }
    na_strlist_clear(&probes);
    na_buf_release(&out);
    return st;
}

/* ---- checking what loaded ---- */

/* Sets ERR to "WHERE: reason", WHERE the place the file wrote KEY, else
 * the file, else the built-in defaults. */
__attribute__((format(printf, 4, 5)))
static na_status_t fail_key(const na_config_t *cfg, const char *key, na_error_t *err, const char *fmt, ...)
{
    char reason[768], where[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    snprintf(where, sizeof where, "%s", cfg->file ? cfg->file : "built-in defaults");
    for (size_t i = 0; i < cfg->mark_count; i++)
        if (strcmp(cfg->marks[i].key, key) == 0)
            snprintf(where, sizeof where, "%s:%zu:%zu", cfg->file ? cfg->file : "?", cfg->marks[i].line,
                     cfg->marks[i].column);
    return na_error_set(err, NA_ERR_PARSE, "%s: %s", where, reason);
}

na_status_t na_config_check(const na_config_t *cfg, na_error_t *err)
{
    if (!na_x_language_known(cfg->language))
        return fail_key(cfg, "language", err,
                        "unknown language '%s' (a stemmer such as english, german or french, "
                        "an ISO 639-1 code such as en, or none)",
                        cfg->language);
    for (size_t a = 0; a < COUNT(alias_keys); a++) {
        const char *path = *str_field((na_config_t *)cfg, alias_keys[a].offset);
        if (!path)
            continue;
        char key[32];
        snprintf(key, sizeof key, "aliases.%s", alias_keys[a].name);
        struct stat st;
        FILE *f = fopen(path, "r");
        int e = !f ? errno : fstat(fileno(f), &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
        if (f)
            fclose(f);
        if (e)
            return fail_key(cfg, key, err, "alias table '%s' cannot be read: '%s': %s (set %s to \"\" to go without)",
                            alias_keys[a].name, path, na_strerror(e), key);
    }
    return NA_OK;
}
