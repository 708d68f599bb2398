/* test-config.c - defaults, every key, where the file comes from, relative
 * paths and the errors with file:line:column. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"

static char dir[] = "/tmp/newsarc-config.XXXXXX";

static char *write_file(const char *name, const char *text)
{
    char *path = na_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_defaults(void)
{
    na_config_t cfg;
    na_config_defaults(&cfg);
    CHECK_STR(cfg.database, "newsarc.db", "default database");
    CHECK_STR(cfg.language, "english", "default language");
    CHECK(cfg.stopwords.count > 10, "default stopwords");
    CHECK_INT(cfg.compression_level, 9, "default compression level");
    CHECK_INT(cfg.commit_every, 10000, "default commit interval");
    CHECK_INT(cfg.extract, NA_EXTRACT_AUTO, "default extraction");
    na_config_release(&cfg);
}

static void test_keys(void)
{
    char *path = write_file("full.yaml",
                            "database: news.db\n"
                            "language: german\n"
                            "stopwords: [der, die]\n"
                            "facets: [place, person]\n"
                            "extract: never\n"
                            "compression_level: 6\n"
                            "commit_every: 500\n"
                            "aliases:\n  places: tables/p.tsv\n  people: /abs/people.tsv\n  orgs: ''\n"
                            "sources:\n  - path: incoming\n  - {path: /srv/reuters, format: reuters}\n");
    na_config_t cfg;
    na_error_t err;
    CHECK_INT(na_config_load_file(&cfg, path, &err), NA_OK, "a full file loads");
    char *want = na_xasprintf("%s/news.db", dir);
    CHECK_STR(cfg.database, want, "database is relative to the file");
    free(want);
    CHECK_STR(cfg.language, "german", "language");
    CHECK(cfg.stopwords.count == 2 && strcmp(cfg.stopwords.items[1], "die") == 0, "stopwords replace the default");
    CHECK(cfg.facets.count == 2 && strcmp(cfg.facets.items[0], "place") == 0, "facets");
    CHECK_INT(cfg.extract, NA_EXTRACT_NEVER, "extract");
    CHECK_INT(cfg.compression_level, 6, "compression_level");
    CHECK_INT(cfg.commit_every, 500, "commit_every");
    want = na_xasprintf("%s/tables/p.tsv", dir);
    CHECK_STR(cfg.alias_places, want, "alias table relative to the file");
    free(want);
    CHECK_STR(cfg.alias_people, "/abs/people.tsv", "absolute alias path kept");
    CHECK(cfg.alias_orgs == NULL, "an empty path turns a table off");
    CHECK_INT(cfg.source_count, 2, "two sources");
    CHECK_INT(cfg.sources[1].format, NA_FORMAT_REUTERS, "source format");
    CHECK_STR(cfg.file, path, "the file read is recorded");
    na_config_release(&cfg);
    free(path);
}

static void test_errors(void)
{
    static const struct { const char *text, *want; } cases[] = {
        { "database: x\nlanguage: [oops\n", "bad.yaml:3:1: " },
        { "databse: x\n", "bad.yaml:1:1: unknown key 'databse'" },
        { "compression_level: 12\n", "bad.yaml:1:20: 'compression_level' should be between 1 and 9" },
        { "commit_every: many\n", "bad.yaml:1:15: 'commit_every' should be a whole number" },
        { "extract: sometimes\n", "bad.yaml:1:10: 'extract' should be auto, always or never" },
        { "facets: [place, weather]\n", "bad.yaml:1:17: unknown facet 'weather'" },
        { "stopwords: the\n", "bad.yaml:1:12: 'stopwords' should be a list" },
        { "aliases: {cities: c.tsv}\n", "bad.yaml:1:11: unknown alias table 'cities'" },
        { "sources: [{path: x, format: pdf}]\n", "bad.yaml:1:11: unknown format 'pdf'" },
        { "- just\n- a list\n", "bad.yaml:1:1: the configuration should be a mapping" },
        { "database: ''\n", "bad.yaml:1:11: 'database' should be a non-empty value" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *path = write_file("bad.yaml", cases[i].text);
        na_config_t cfg;
        na_error_t err;
        CHECK_INT(na_config_load_file(&cfg, path, &err), NA_ERR_PARSE, cases[i].want);
        char *want = na_xasprintf("%s/%s", dir, cases[i].want);
        CHECK(strncmp(err.message, want, strlen(want)) == 0, err.message);
        free(want);
        free(path);
    }
    na_config_t cfg;
    na_error_t err;
    CHECK_INT(na_config_load(&cfg, "/nonexistent/newsarc.yaml", &err), NA_ERR_NOT_FOUND, "a missing --config file");
    char *empty = write_file("empty.yaml", "");
    CHECK_INT(na_config_load_file(&cfg, empty, &err), NA_OK, "an empty file means all defaults");
    na_config_release(&cfg);
    free(empty);
}

static void test_precedence(void)
{
    char *a = write_file("a.yaml", "database: from-a.db\n");
    char *b = write_file("newsarc.yaml", "database: from-local.db\n");
    na_config_t cfg;
    na_error_t err;
    char *cwd = getcwd(NULL, 0);
    if (chdir(dir) != 0)
        CHECK(0, "enter the scratch directory");

    unsetenv("NEWSARC_CONFIG");
    na_config_load(&cfg, NULL, &err);
    CHECK(strstr(cfg.database, "from-local.db") != NULL, "./newsarc.yaml is read");
    na_config_release(&cfg);

    setenv("NEWSARC_CONFIG", a, 1);
    na_config_load(&cfg, NULL, &err);
    CHECK(strstr(cfg.database, "from-a.db") != NULL, "NEWSARC_CONFIG wins over ./newsarc.yaml");
    na_config_release(&cfg);

    na_config_load(&cfg, b, &err);
    CHECK(strstr(cfg.database, "from-local.db") != NULL, "--config wins over NEWSARC_CONFIG");
    na_config_release(&cfg);
    unsetenv("NEWSARC_CONFIG");

    if (chdir(cwd) != 0)
        CHECK(0, "leave the scratch directory");
    free(cwd);
    free(a);
    free(b);
}

int main(void)
{
    if (!mkdtemp(dir))
        unit_skip_all("cannot make a scratch directory");
    test_defaults();
    test_keys();
    test_errors();
    test_precedence();
    char *cmd = na_xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        CHECK(0, "clean up");
    free(cmd);
    return unit_done();
}
