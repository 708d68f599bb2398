/* test-config.c - configuration: built-in defaults, every key, where the
 * file comes from, relative paths, and each kind of error with its
 * file:line:column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"

#ifndef NA_SYSCONFDIR
#define NA_SYSCONFDIR "/usr/local/etc/newsarc"
#endif
#ifndef NA_DATADIR
#define NA_DATADIR "/usr/local/share/newsarc"
#endif
#ifndef NA_DATABASE
#define NA_DATABASE "/usr/local/var/lib/newsarc/newsarc.db"
#endif

static char dir[] = "/tmp/newsarc-config.XXXXXX";

/* Writes TEXT to NAME in the scratch directory; returns its path. */
static char *write_file(const char *name, const char *text)
{
    char *path = na_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        CHECK(0, path);
        return path;
    }
    fputs(text, f);
    fclose(f);
    return path;
}

static char *in_dir(const char *rel)
{
    return na_xasprintf("%s/%s", dir, rel);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static bool all_zero(const na_config_t *cfg)
{
    static const na_config_t zero;
    return memcmp(cfg, &zero, sizeof zero) == 0;
}

static void test_defaults(void)
{
    na_config_t cfg;
    na_config_defaults(&cfg);
    CHECK(cfg.file == NULL, "defaults: no file");
    CHECK_STR(cfg.database, NA_DATABASE, "defaults: the database under the installed state folder");
    CHECK(cfg.database[0] == '/', "... an absolute path, not one relative to the current directory");
    CHECK_STR(cfg.language, "english", "defaults: language");
    CHECK(cfg.stopwords.count > 20 && na_strlist_contains(&cfg.stopwords, "the"), "defaults: English stopwords");
    CHECK_INT(cfg.facets.count, 0, "defaults: no facets");
    for (int k = 0; k < NA_EXTRACT_KINDS; k++)
        CHECK_INT(cfg.extract[k], NA_EXTRACT_AUTO, "defaults: extract auto");
    CHECK(cfg.extract_city_countries, "defaults: a city counts its country");
    CHECK(strstr(cfg.ner_model, "/ner.model") && strstr(cfg.gazetteer, "/gazetteer"),
          "defaults: model and gazetteers in the data folder");
    CHECK_INT(cfg.compression_level, 9, "defaults: compression level 9");
    CHECK_INT(cfg.commit_every, 10000, "defaults: commit every 10000");
    CHECK_INT(cfg.max_article_bytes, 64 << 20, "defaults: inputs of up to 64 MiB");
    CHECK_INT(cfg.source_count, 0, "defaults: no sources");
    CHECK_INT(cfg.shard_failure, NA_SHARD_FAIL, "defaults: a failing shard fails the search");
    CHECK_INT(cfg.remote_timeout_ms, 10000, "defaults: remote shards get Xapian's 10 s to answer");
    CHECK_INT(cfg.remote_connect_timeout_ms, 10000, "defaults: ... and to connect");
    /* Alias tables: named in the data folder, even when missing, so that
     * na_config_check() can say so. */
    char *data = na_config_data_dir();
    char *places = na_xasprintf("%s/aliases/places.tsv", data);
    CHECK_STR(cfg.alias_places, places, "defaults: places table from the data folder");
    /* This test runs from the build tree: the source tree's data. */
    CHECK(exists(places), "... which, run from the build tree, is the source tree's config/");
    char *model = na_xasprintf("%s/ner.model", data);
    CHECK_STR(cfg.ner_model, model, "defaults: the model in the same data folder");
    CHECK(na_config_check(&cfg, NULL) == NA_OK, "defaults pass the check from the build tree");
    free(model);
    free(places);
    free(data);
    na_config_release(&cfg);
    CHECK(all_zero(&cfg), "release leaves nothing behind");
    na_config_release(&cfg);
    na_config_release(NULL);
    CHECK(1, "release twice and release of NULL are harmless");
}

static void test_keys(void)
{
    char *tables = in_dir("tables");
    mkdir(tables, 0755);
    free(tables);
    char *places = write_file("tables/p.tsv", "Somewhere\tsw\n");
    char *path = write_file("full.yaml",
                            "# every key\n"
                            "database: news.db\n"
                            "language: german\n"
                            "stopwords: [der, die, das]\n"
                            "facets: [place, person, year, mentioned:quarter]\n"
                            "extract: never\n"
                            "compression_level: 6\n"
                            "commit_every: 500\n"
                            "aliases:\n"
                            "  places: tables/p.tsv\n"
                            "  people: /abs/people.tsv\n"
                            "  orgs: ''\n"
                            "  topics:\n"
                            "  sources: missing/sources.tsv\n"
                            "sources:\n"
                            "  - incoming\n"
                            "  - path: /srv/reuters\n"
                            "    format: reuters\n"
                            "  - {path: feeds/today.jsonl, format: jsonl}\n"
                            "  - {path: x, format: auto}\n");
    na_config_t cfg;
    na_error_t err;
    na_status_t st = na_config_load_file(&cfg, path, &err);
    CHECK_INT(st, NA_OK, "a file with every key loads");
    if (st) {
        printf("# %s\n", err.message);
        free(path);
        free(places);
        return;
    }
    CHECK_STR(cfg.file, path, "the file read is recorded");
    char *want = in_dir("news.db");
    CHECK_STR(cfg.database, want, "database: relative to the file's directory");
    free(want);
    CHECK_STR(cfg.language, "german", "language");
    CHECK(cfg.stopwords.count == 3 && strcmp(cfg.stopwords.items[2], "das") == 0, "stopwords replace the default list");
    CHECK(cfg.facets.count == 4 && strcmp(cfg.facets.items[0], "place") == 0 &&
              strcmp(cfg.facets.items[2], "year") == 0 && strcmp(cfg.facets.items[3], "mentioned:quarter") == 0,
          "facets, in order, a grain of mentioned among them");
    CHECK_INT(cfg.extract[NA_EXTRACT_PLACES], NA_EXTRACT_NEVER, "extract");
    CHECK_INT(cfg.compression_level, 6, "compression_level");
    CHECK_INT(cfg.commit_every, 500, "commit_every");
    CHECK_STR(cfg.alias_places, places, "alias table found beside the file");
    CHECK_STR(cfg.alias_people, "/abs/people.tsv", "absolute alias path kept");
    CHECK(cfg.alias_orgs == NULL, "an empty alias path turns the table off");
    CHECK(cfg.alias_topics == NULL, "a null alias path turns the table off");
    want = in_dir("missing/sources.tsv");
    CHECK_STR(cfg.alias_sources, want, "a table found nowhere keeps the path beside the file, for the error");
    free(want);
    CHECK_INT(cfg.source_count, 4, "four sources");
    if (cfg.source_count == 4) {
        want = in_dir("incoming");
        CHECK_STR(cfg.sources[0].path, want, "a source given as a plain path, resolved");
        free(want);
        CHECK_INT(cfg.sources[0].format, NA_FORMAT_AUTO, "... with format auto");
        CHECK_STR(cfg.sources[1].path, "/srv/reuters", "an absolute source path is kept");
        CHECK_INT(cfg.sources[1].format, NA_FORMAT_REUTERS, "source format reuters");
        want = in_dir("feeds/today.jsonl");
        CHECK_STR(cfg.sources[2].path, want, "a flow-mapping source, resolved");
        free(want);
        CHECK_INT(cfg.sources[2].format, NA_FORMAT_JSONL, "source format jsonl");
        CHECK_INT(cfg.sources[3].format, NA_FORMAT_AUTO, "source format auto by name");
    }
    na_config_release(&cfg);

    /* Keys a file leaves out keep their defaults. */
    char *part = write_file("part.yaml", "language: french\n");
    CHECK_INT(na_config_load_file(&cfg, part, &err), NA_OK, "a file with one key loads");
    CHECK_STR(cfg.language, "french", "... its key is set");
    CHECK_STR(cfg.database, NA_DATABASE, "... the default database stays the installed one, not beside the file");
    CHECK_INT(cfg.compression_level, 9, "... other keys keep their defaults");
    CHECK(cfg.stopwords.count > 20, "... the default stopwords stay");
    na_config_release(&cfg);

    /* Empty lists, and every choice of extract. */
    static const struct {
        const char *text;
        na_extract_mode_t want;
    } extract[] = { { "extract: auto", NA_EXTRACT_AUTO }, { "extract: always", NA_EXTRACT_ALWAYS },
                    { "extract: \"never\"", NA_EXTRACT_NEVER } };
    for (size_t i = 0; i < sizeof extract / sizeof *extract; i++) {
        char *p = write_file("extract.yaml", extract[i].text);
        CHECK(na_config_load_file(&cfg, p, &err) == NA_OK && cfg.extract[NA_EXTRACT_PEOPLE] == extract[i].want &&
                  cfg.extract[NA_EXTRACT_DATES] == extract[i].want,
              extract[i].text);
        na_config_release(&cfg);
        free(p);
    }
    char *per_kind = write_file("per-kind.yaml", "extract:\n  places: always\n  dates: never\n"
                                                 "extract_city_countries: false\n");
    CHECK(na_config_load_file(&cfg, per_kind, &err) == NA_OK && cfg.extract[NA_EXTRACT_PLACES] == NA_EXTRACT_ALWAYS &&
              cfg.extract[NA_EXTRACT_DATES] == NA_EXTRACT_NEVER && cfg.extract[NA_EXTRACT_PEOPLE] == NA_EXTRACT_AUTO &&
              !cfg.extract_city_countries,
          "extract per kind; unnamed kinds keep the default");
    na_config_release(&cfg);
    free(per_kind);
    char *empty_lists = write_file("lists.yaml", "stopwords: []\nfacets: []\nsources: []\n");
    CHECK(na_config_load_file(&cfg, empty_lists, &err) == NA_OK && cfg.stopwords.count == 0 &&
              cfg.facets.count == 0 && cfg.source_count == 0, "[] empties a list");
    na_config_release(&cfg);
    char *big = write_file("big.yaml", "commit_every: 5000000000\ncompression_level: 1\n");
    CHECK(na_config_load_file(&cfg, big, &err) == NA_OK && cfg.commit_every == 5000000000ULL &&
              cfg.compression_level == 1, "bounds are inclusive; commit_every has no upper bound");
    na_config_release(&cfg);
    char *anchors = write_file("anchors.yaml", "---\nfacets: &f [topic, year]\nstopwords: *f\n...\n---\n");
    CHECK(na_config_load_file(&cfg, anchors, &err) == NA_OK && cfg.stopwords.count == 2 &&
              cfg.facets.count == 2, "document markers and anchors are fine");
    na_config_release(&cfg);

    free(empty_lists);
    free(big);
    free(anchors);
    free(part);
    free(path);
    free(places);
}

/* A relative configuration path: paths in it stay relative to the same
 * directory, from wherever the program runs. */
static void test_relative_file(void)
{
    char *sub = in_dir("sub");
    mkdir(sub, 0755);
    char *p = write_file("sub/rel.yaml", "database: db\naliases: {places: p.tsv}\n");
    char *cwd = getcwd(NULL, 0);
    if (!cwd || chdir(dir) != 0) {
        CHECK(0, "enter the scratch directory");
        free(cwd);
        free(sub);
        free(p);
        return;
    }
    na_config_t cfg;
    na_error_t err;
    CHECK_INT(na_config_load_file(&cfg, "sub/rel.yaml", &err), NA_OK, "a relative configuration path");
    CHECK_STR(cfg.database, "sub/db", "database relative to the file's directory");
    CHECK_STR(cfg.alias_places, "sub/p.tsv", "alias table relative to the file's directory");
    na_config_release(&cfg);
    if (chdir(cwd) != 0)
        CHECK(0, "leave the scratch directory");
    free(cwd);
    free(sub);
    free(p);
}

static const struct {
    const char *text;
    const char *want; /* the whole message after "DIR/bad.yaml:" */
} errors[] = {
    /* YAML syntax, reported by libyaml's marks */
    { "database: x.db\nlanguage: [oops\n",
      "3:1: did not find expected ',' or ']' while parsing a flow sequence started at line 2" },
    { "database: x.db\n  language: english\n",
      "2:11: mapping values are not allowed in this context" },
    { "stopwords: [a, b]\n\tfacets: []\n", "2:1: found character that cannot start any token while scanning for the next token started at line 2" },
    { "database: \"x.db\n", "2:1: found unexpected end of stream while scanning a quoted scalar started at line 1" },
    { "database: *nothing\n", "1:11: found undefined alias" },
    { "language: english\nlanguage: \xff\n", "2:11: invalid leading UTF-8 octet" },
    /* keys */
    { "databse: typo.db\n", "1:1: unknown key 'databse' (did you mean 'database'?)" },
    { "colour: blue\n", "1:1: unknown key 'colour'" },
    { "shard_failure: ignore\n", "1:16: 'shard_failure' should be fail or partial" },
    { "remote_timeout: 0\n", "1:17: 'remote_timeout' should be between 1 and 3600000, not 0" },
    { "language: english\nlanguage: german\n", "2:1: duplicate key 'language' (first at line 1)" },
    { "[a]: b\n", "1:1: a key should be a name, not a list" },
    { "- just\n- a list\n", "1:1: the configuration should be a mapping of keys to values, not a list" },
    { "database: a.db\n---\ndatabase: b.db\n", "2:1: a configuration is one YAML document, not several" },
    /* wrong types */
    { "database: [a, b]\n", "1:11: 'database' should be a single value, not a list" },
    { "database: ''\n", "1:11: 'database' should not be empty" },
    { "language:\n", "1:10: 'language' should be a single value, not empty" },
    { "stopwords: the\n", "1:12: 'stopwords' should be a list, not a single value" },
    { "stopwords:\n", "1:11: 'stopwords' should be a list, not empty (write [] for none)" },
    { "stopwords: [a, [b]]\n", "1:16: 'stopwords' should list single values, not a list" },
    { "facets: {place: 1}\n", "1:9: 'facets' should be a list, not a mapping" },
    { "facets: [place, weather]\n", "1:17: unknown facet 'weather' (person, place, org, topic, source, year, month, mentioned, author, day, mentioned:year, mentioned:quarter, mentioned:month, mentioned:day)" },
    { "facets: [mentioned:week]\n", "1:10: unknown facet 'mentioned:week' (person, place, org, topic, source, year, month, mentioned, author, day, mentioned:year, mentioned:quarter, mentioned:month, mentioned:day)" },
    { "extract: sometimes\n", "1:10: 'extract' should be auto, always or never" },
    { "extract: [auto]\n", "1:10: 'extract' should be auto, always or never" },
    { "extract:\n  people: maybe\n", "2:11: 'extract.people' should be auto, always or never" },
    { "extract:\n  names: auto\n", "2:3: unknown extraction 'names' (people, places, orgs, dates)" },
    { "extract_city_countries: 2\n", "1:25: 'extract_city_countries' should be true or false" },
    { "compression_level: high\n", "1:20: 'compression_level' should be a whole number, not 'high'" },
    { "compression_level: \"9\"\n", "1:20: 'compression_level' should be a whole number, not a quoted string" },
    { "compression_level: 4.5\n", "1:20: 'compression_level' should be a whole number, not '4.5'" },
    { "commit_every: [1]\n", "1:15: 'commit_every' should be a whole number, not a list" },
    /* out of range */
    { "compression_level: 12\n", "1:20: 'compression_level' should be between 1 and 9, not 12" },
    { "compression_level: 0\n", "1:20: 'compression_level' should be between 1 and 9, not 0" },
    { "commit_every: 0\n", "1:15: 'commit_every' should be 1 or more, not 0" },
    { "commit_every: -5\n", "1:15: 'commit_every' should be 1 or more, not -5" },
    { "commit_every: 99999999999999999999\n",
      "1:15: 'commit_every' should be 1 or more and fit in memory, not 99999999999999999999" },
    { "max_article_bytes: 1000\n", "1:20: 'max_article_bytes' should be between 1024 and 4294967296, not 1000" },
    { "max_article_bytes: 4294967297\n",
      "1:20: 'max_article_bytes' should be between 1024 and 4294967296, not 4294967297" },
    /* aliases */
    { "aliases: places.tsv\n", "1:10: 'aliases' should be a mapping of table name to file, not a single value" },
    { "aliases: {cities: c.tsv}\n", "1:11: unknown alias table 'cities' (places, people, orgs, topics, sources)" },
    { "aliases:\n  places: [a.tsv]\n", "2:11: alias table 'places' should be a file path, not a list" },
    { "aliases:\n  places: a.tsv\n  places: b.tsv\n", "3:3: duplicate key 'places' (first at line 2)" },
    /* sources */
    { "sources: /srv/news\n", "1:10: 'sources' should be a list, not a single value" },
    { "sources: [{path: x, format: pdf}]\n",
      "1:29: unknown format 'pdf' (auto, text, markdown, yaml, jsonl, reuters)" },
    { "sources:\n  - format: text\n", "2:5: a source needs a 'path'" },
    { "sources:\n  - path: x\n    kind: text\n", "3:5: unknown source key 'kind' (path, format)" },
    { "sources:\n  - path: ''\n", "2:11: a source path should not be empty" },
    { "sources:\n  - path: [x]\n", "2:11: source path should be a single value, not a list" },
    { "sources:\n  -\n", "2:4: a source should be a path or a {path, format} mapping, not empty" },
    { "sources: [[x]]\n", "1:11: a source should be a path or a {path, format} mapping, not a list" },
};

/* Configurations that load but cannot work: na_config_check() points at
 * the value. */
static const struct {
    const char *text;
    const char *want; /* the message after "DIR/check.yaml:" */
} check_errors[] = {
    { "language: klingon\n",
      "1:11: unknown language 'klingon' (a stemmer such as english, german or french, an ISO 639-1 code such as en, "
      "or none)" },
    { "database: x.db\naliases:\n  people: ''\n  places: no-such.tsv\n",
      "4:11: alias table 'places' cannot be read: 'DIR/no-such.tsv': no such file or directory "
      "(set aliases.places to \"\" to go without)" },
    { "aliases: {topics: .}\n",
      "1:19: alias table 'topics' cannot be read: 'DIR/.': is a directory (set aliases.topics to \"\" to go without)" },
};

static void test_check(void)
{
    for (size_t i = 0; i < sizeof check_errors / sizeof *check_errors; i++) {
        char *path = write_file("check.yaml", check_errors[i].text);
        na_config_t cfg;
        na_error_t err;
        na_error_clear(&err);
        CHECK_INT(na_config_load_file(&cfg, path, &err), NA_OK, "it loads");
        CHECK_INT(na_config_check(&cfg, &err), NA_ERR_PARSE, check_errors[i].want);
        /* DIR in the expected text is the scratch folder. */
        na_buf_t want = NA_BUF_INIT;
        na_buf_adds(&want, path);
        na_buf_addc(&want, ':');
        for (const char *w = check_errors[i].want; *w; w++) {
            if (strncmp(w, "DIR", 3) == 0) {
                na_buf_adds(&want, dir);
                w += 2;
            } else {
                na_buf_addc(&want, *w);
            }
        }
        CHECK_STR(err.message, want.data, "... with this message");
        na_buf_release(&want);
        na_config_release(&cfg);
        free(path);
    }
    char *good = write_file("good.yaml", "language: en\naliases: {places: '', people: ~}\n");
    na_config_t cfg;
    na_error_t err;
    CHECK(na_config_load_file(&cfg, good, &err) == NA_OK && na_config_check(&cfg, &err) == NA_OK,
          "an ISO code and tables turned off pass the check");
    na_config_release(&cfg);
    free(good);
    na_config_defaults(&cfg);
    free(cfg.language);
    cfg.language = na_xstrdup("klingon");
    CHECK_INT(na_config_check(&cfg, &err), NA_ERR_PARSE, "a default is checked too");
    CHECK(strncmp(err.message, "built-in defaults: unknown language", 35) == 0, "... naming the defaults");
    na_config_release(&cfg);
}

static void test_errors(void)
{
    for (size_t i = 0; i < sizeof errors / sizeof *errors; i++) {
        char *path = write_file("bad.yaml", errors[i].text);
        na_config_t cfg;
        na_error_t err;
        na_error_clear(&err);
        na_status_t st = na_config_load_file(&cfg, path, &err);
        char *want = na_xasprintf("%s:%s", path, errors[i].want);
        CHECK_INT(st, NA_ERR_PARSE, errors[i].want);
        CHECK_STR(err.message, want, "... with this message");
        CHECK(err.code == NA_ERR_PARSE && all_zero(&cfg), "... and nothing to release");
        free(want);
        free(path);
    }

    na_config_t cfg;
    na_error_t err;
    CHECK_INT(na_config_load(&cfg, "/nonexistent/newsarc.yaml", &err), NA_ERR_NOT_FOUND, "a missing --config file");
    CHECK(strstr(err.message, "/nonexistent/newsarc.yaml: ") == err.message, "... is named");
    CHECK(all_zero(&cfg), "... and nothing to release");
    CHECK_INT(na_config_load_file(&cfg, dir, &err), NA_ERR_IO, "a directory is not a configuration");
    CHECK(strstr(err.message, dir) == err.message, "... and is named");
    char *empty = write_file("empty.yaml", "");
    CHECK_INT(na_config_load_file(&cfg, empty, &err), NA_OK, "an empty file means all defaults");
    CHECK_STR(cfg.file, empty, "... read from that file");
    na_config_release(&cfg);
    char *comments = write_file("comments.yaml", "# nothing set\n---\n");
    CHECK_INT(na_config_load_file(&cfg, comments, &err), NA_OK, "comments and a bare document marker");
    na_config_release(&cfg);
    free(empty);
    free(comments);
}

static void test_precedence(void)
{
    char *work = in_dir("work");
    mkdir(work, 0755);
    char *a = write_file("a.yaml", "database: from-a.db\n");
    char *local = write_file("work/newsarc.yaml", "database: from-local.db\n");
    char *cwd = getcwd(NULL, 0);
    if (!cwd || chdir(work) != 0) {
        CHECK(0, "enter the scratch directory");
        free(cwd);
        free(work);
        free(a);
        free(local);
        return;
    }
    na_config_t cfg;
    na_error_t err;

    unsetenv("NEWSARC_CONFIG");
    CHECK_INT(na_config_load(&cfg, NULL, &err), NA_OK, "load with nothing named");
    CHECK_STR(cfg.file, "newsarc.yaml", "./newsarc.yaml is read when nothing is named");
    CHECK_STR(cfg.database, "from-local.db", "... and its paths are relative to the current directory");
    na_config_release(&cfg);

    setenv("NEWSARC_CONFIG", a, 1);
    CHECK_INT(na_config_load(&cfg, NULL, &err), NA_OK, "load with NEWSARC_CONFIG set");
    CHECK_STR(cfg.file, a, "NEWSARC_CONFIG wins over ./newsarc.yaml");
    na_config_release(&cfg);

    CHECK_INT(na_config_load(&cfg, local, &err), NA_OK, "load with an explicit path");
    CHECK_STR(cfg.file, local, "the explicit path wins over NEWSARC_CONFIG");
    na_config_release(&cfg);

    CHECK_INT(na_config_load(&cfg, "", &err), NA_OK, "an empty explicit path");
    CHECK_STR(cfg.file, a, "... counts as none given");
    na_config_release(&cfg);

    setenv("NEWSARC_CONFIG", "/nonexistent/env.yaml", 1);
    CHECK_INT(na_config_load(&cfg, NULL, &err), NA_ERR_NOT_FOUND, "a missing NEWSARC_CONFIG file is an error");
    CHECK(strstr(err.message, "/nonexistent/env.yaml") != NULL, "... naming it");

    setenv("NEWSARC_CONFIG", "", 1);
    CHECK_INT(na_config_load(&cfg, NULL, &err), NA_OK, "an empty NEWSARC_CONFIG");
    CHECK_STR(cfg.file, "newsarc.yaml", "... counts as unset");
    na_config_release(&cfg);
    unsetenv("NEWSARC_CONFIG");

    /* Without ./newsarc.yaml: the installed file, else built-in defaults. */
    remove(local);
    CHECK_INT(na_config_load(&cfg, NULL, &err), NA_OK, "load with no file here");
    const char *installed = NA_SYSCONFDIR "/newsarc.yaml";
    CHECK_STR(cfg.file, exists(installed) ? installed : NULL, "the installed file, else the built-in defaults");
    na_config_release(&cfg);

    char *bad = write_file("work/newsarc.yaml", "commit_every: 0\n");
    CHECK_INT(na_config_load(&cfg, NULL, &err), NA_ERR_PARSE, "a bad ./newsarc.yaml is an error, not skipped");
    CHECK_STR(err.message, "newsarc.yaml:1:15: 'commit_every' should be 1 or more, not 0", "... naming it as found");
    remove(bad);

    if (chdir(cwd) != 0)
        CHECK(0, "leave the scratch directory");
    free(cwd);
    free(work);
    free(a);
    free(local);
    free(bad);
}

static const char *const alias_names[] = { "places", "people", "orgs", "topics", "sources" };

/* config/newsarc.yaml documents the defaults: it must say what the
 * built-in table says. */
static void test_shipped(void)
{
    char *path = unit_srcpath("config/newsarc.yaml");
    na_config_t shipped, builtin;
    na_error_t err;
    na_status_t st = na_config_load_file(&shipped, path, &err);
    CHECK_INT(st, NA_OK, "config/newsarc.yaml loads");
    if (st) {
        printf("# %s\n", err.message);
        free(path);
        return;
    }
    na_config_defaults(&builtin);
    CHECK_STR(shipped.database, builtin.database, "shipped database is the default (its line commented out)");
    CHECK_STR(shipped.language, builtin.language, "shipped language is the default");
    bool same = shipped.stopwords.count == builtin.stopwords.count;
    for (size_t i = 0; same && i < shipped.stopwords.count; i++)
        same = strcmp(shipped.stopwords.items[i], builtin.stopwords.items[i]) == 0;
    CHECK(same, "shipped stopwords are the default list");
    CHECK_INT(shipped.facets.count, builtin.facets.count, "shipped facets are the default");
    CHECK(memcmp(shipped.extract, builtin.extract, sizeof shipped.extract) == 0, "shipped extract is the default");
    CHECK_INT(shipped.extract_city_countries, builtin.extract_city_countries,
              "shipped extract_city_countries is the default");
    CHECK(exists(shipped.ner_model), "shipped ner_model exists");
    CHECK(exists(shipped.gazetteer), "shipped gazetteer exists");
    CHECK_INT(shipped.compression_level, builtin.compression_level, "shipped compression_level is the default");
    CHECK_INT(shipped.commit_every, builtin.commit_every, "shipped commit_every is the default");
    CHECK_INT(shipped.source_count, builtin.source_count, "shipped sources are the default");
    char *tables[] = { shipped.alias_places, shipped.alias_people, shipped.alias_orgs, shipped.alias_topics,
                       shipped.alias_sources };
    for (size_t i = 0; i < 5; i++) {
        char *want = na_xasprintf("aliases/%s.tsv", alias_names[i]);
        const char *got = tables[i] ? strstr(tables[i], want) : NULL;
        CHECK(got && strcmp(got, want) == 0 && exists(tables[i]), want);
        free(want);
    }
    na_config_release(&builtin);
    na_config_release(&shipped);
    free(path);
}

/* Comment lines dropped before libyaml reads a file: only where libyaml
 * would read them as comments and nothing can change around them. */
static void test_drop_comments(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "# a\nkey: 1\n# b\n", "\nkey: 1\n\n" },
        { "#\n\n#x\t y\nk: v", "\n\n\nk: v" },
        { "k: v # not a line of its own\n", "k: v # not a line of its own\n" },
        { "  # indented\nk: v\n", "  # indented\nk: v\n" },
        /* the next line could continue a plain scalar */
        { "k: a\n# c\n  b\n", "k: a\n# c\n  b\n" },
        { "k: a\n# c\n\n# d\n  b\n", "k: a\n# c\n\n# d\n  b\n" },
        /* inside a flow collection, and after it */
        { "k: [a,\n# c\nb]\n# d\nj: 1\n", "k: [a,\n# c\nb]\n\nj: 1\n" },
        /* quotes and block scalars: the file as it is */
        { "# c\nk: \"a\n# not a comment\nb\"\n", "# c\nk: \"a\n# not a comment\nb\"\n" },
        { "# c\nk: |+\n  a\n# c\n", "# c\nk: |+\n  a\n# c\n" },
        { "# c\nk: it's\n", "# c\nk: it's\n" },
        /* bytes libyaml checks stay for it to check */
        { "# caf\xc3\xa9\nk: v\n", "# caf\xc3\xa9\nk: v\n" },
        { "# c\r\nk: v\r\n", "# c\r\nk: v\r\n" },
        { "", "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *buf = na_xstrdup(cases[i].in);
        size_t len = na__config_drop_comments(buf, strlen(buf));
        buf[len] = '\0';
        char *what = na_xasprintf("comments dropped, case %zu", i + 1);
        CHECK_STR(buf, cases[i].out, what);
        free(what);
        free(buf);
    }

    /* Line numbers of errors stay those of the file. */
    char *path = write_file("commented.yaml", "# one\n# two\n\nlanguage: english\n# four\nno_such_key: 1\n");
    na_config_t cfg;
    na_error_t err;
    CHECK_INT(na_config_load_file(&cfg, path, &err), NA_ERR_PARSE, "unknown key after comments refused");
    CHECK(strstr(err.message, "commented.yaml:6:1:") != NULL, err.message);
    free(path);

    /* The shipped file keeps to the form whose comments are dropped. */
    path = unit_srcpath("config/newsarc.yaml");
    na_buf_t text = NA_BUF_INIT;
    CHECK_INT(na_read_file(path, &text), 0, "config/newsarc.yaml read");
    if (text.data) {
        size_t len = na__config_drop_comments(text.data, text.len);
        CHECK(len < text.len / 2, "config/newsarc.yaml: its comments are dropped before parsing");
    }
    na_buf_release(&text);
    free(path);
}

/* ./quickstart keeps its database in the top folder, through its own
 * configuration, and finds the data in config/. */
static void test_quickstart(void)
{
    char *path = unit_srcpath("quickstart.yaml");
    char *want = unit_srcpath("newsarc.db");
    na_config_t cfg;
    na_error_t err;
    CHECK_INT(na_config_load_file(&cfg, path, &err), NA_OK, "quickstart.yaml loads");
    if (cfg.database) {
        CHECK_STR(cfg.database, want, "quickstart's database is ./newsarc.db beside it");
        CHECK(na_config_check(&cfg, &err) == NA_OK, "... and passes the check");
        CHECK(exists(cfg.ner_model) && exists(cfg.gazetteer), "... with the model and gazetteers of config/");
    }
    na_config_release(&cfg);
    free(want);
    free(path);
}

int main(void)
{
    if (!mkdtemp(dir))
        unit_skip_all("cannot make a scratch directory");
    test_defaults();
    test_keys();
    test_relative_file();
    test_errors();
    test_check();
    test_precedence();
    test_shipped();
    test_drop_comments();
    test_quickstart();
    char *cmd = na_xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        CHECK(0, "clean up");
    free(cmd);
    return unit_done();
}
