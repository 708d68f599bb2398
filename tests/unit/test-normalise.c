/* test-normalise.c - alias lookups and the code fallback, with the
 * shipped tables (config/aliases/) and with tables made here; and a check
 * that every shipped table says what the loader does with it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "normalise.h"
#include "unit.h"

typedef struct {
    na_field_t field;
    const char *in, *want; /* want NULL: no value */
} norm_case_t;

/* The shipped tables: what queries and Reuters metadata rely on. */
static const norm_case_t shipped[] = {
    { NA_FIELD_PLACE, "usa", "United States" },
    { NA_FIELD_PLACE, "US", "United States" },
    { NA_FIELD_PLACE, "U.S.", "United States" },
    { NA_FIELD_PLACE, "u.s.a.", "United States" },
    { NA_FIELD_PLACE, "United States", "United States" },
    { NA_FIELD_PLACE, "united  states", "United States" },
    { NA_FIELD_PLACE, "  UNITED STATES OF AMERICA ", "United States" },
    { NA_FIELD_PLACE, "America", "United States" },
    { NA_FIELD_PLACE, "uk", "United Kingdom" },
    { NA_FIELD_PLACE, "UK", "United Kingdom" },
    { NA_FIELD_PLACE, "U.K.", "United Kingdom" },
    { NA_FIELD_PLACE, "Britain", "United Kingdom" },
    { NA_FIELD_PLACE, "great_britain", "United Kingdom" },
    { NA_FIELD_PLACE, "ussr", "Soviet Union" },
    { NA_FIELD_PLACE, "U.S.S.R.", "Soviet Union" },
    { NA_FIELD_PLACE, "west-germany", "West Germany" },
    { NA_FIELD_PLACE, "West Germany", "West Germany" },
    { NA_FIELD_PLACE, "east-germany", "East Germany" },
    { NA_FIELD_PLACE, "germany", "Germany" },
    { NA_FIELD_PLACE, "burma", "Myanmar" },
    { NA_FIELD_PLACE, "zaire", "Democratic Republic of the Congo" },
    { NA_FIELD_PLACE, "congo", "Republic of the Congo" },
    { NA_FIELD_PLACE, "ivory-coast", "Ivory Coast" },
    { NA_FIELD_PLACE, "C\xc3\xb4te d'Ivoire", "Ivory Coast" },
    { NA_FIELD_PLACE, "C\xc3\x94TE D\xe2\x80\x99IVOIRE", "Ivory Coast" },
    { NA_FIELD_PLACE, "T\xc3\xbcrkiye", "Turkey" },
    { NA_FIELD_PLACE, "yemen-demo-republic", "South Yemen" },
    { NA_FIELD_PLACE, "uae", "United Arab Emirates" },
    { NA_FIELD_PLACE, "hong-kong", "Hong Kong" },
    { NA_FIELD_PLACE, "el-salvador", "El Salvador" },
    { NA_FIELD_PLACE, "us-virgin-islands", "U.S. Virgin Islands" },
    { NA_FIELD_PLACE, "St. Lucia", "Saint Lucia" },
    { NA_FIELD_PLACE, "Russian Federation", "Russia" },
    { NA_FIELD_PLACE, "Korea, Republic of", "South Korea" },
    /* The gazetteers after the alias tables: a city over a region of its
     * name, and a city's alternate names. */
    { NA_FIELD_PLACE, "new-york", "New York City" },
    { NA_FIELD_PLACE, "Kiev", "Kyiv" },
    { NA_FIELD_PLACE, "KYIV", "Kyiv" },
    { NA_FIELD_PLACE, "Zurich", "Z\xc3\xbcrich" },
    { NA_FIELD_PLACE, "ZURICH", "Z\xc3\xbcrich" },
    { NA_FIELD_PLACE, "Zuerich", "Z\xc3\xbcrich" },
    { NA_FIELD_PLACE, "DENVER", "Denver" },
    { NA_FIELD_PLACE, "S\xc3\xa3o Tom\xc3\xa9 and Pr\xc3\xadncipe", "Sao Tome and Principe" },
    { NA_FIELD_PLACE, "Sao Tome and Principe", "Sao Tome and Principe" },
    { NA_FIELD_PLACE, "sao tome", "S\xc3\xa3o Tom\xc3\xa9" },
    { NA_FIELD_PLACE, "Mexico", "Mexico" },
    { NA_FIELD_PLACE, "Georgia", "Georgia" },
    /* Accents folded in the key of every table. */
    { NA_FIELD_PERSON, "Karl Otto Pohl", "Karl Otto Poehl" },
    { NA_FIELD_PLACE, "Cote d'Ivoire", "Ivory Coast" },
    { NA_FIELD_PLACE, "TURKIYE", "Turkey" },
    /* Authors are people. */
    { NA_FIELD_AUTHOR, "reagan", "Ronald Reagan" },
    { NA_FIELD_AUTHOR, "jane-doe", "Jane Doe" },
    { NA_FIELD_AUTHOR, "  Gr\xc3\xadmsson ", "Gr\xc3\xadmsson" },
    { NA_FIELD_PLACE, "Z\xc3\xbcrich", "Z\xc3\xbcrich" },
    { NA_FIELD_PLACE, "  S\xc3\xa3o   Paulo ", "S\xc3\xa3o Paulo" },
    { NA_FIELD_PLACE, "", NULL },
    { NA_FIELD_PLACE, " \t\n ", NULL },
    { NA_FIELD_PERSON, "james-baker", "James Baker" },
    { NA_FIELD_PERSON, "reagan", "Ronald Reagan" },
    { NA_FIELD_PERSON, "REAGAN", "Ronald Reagan" },
    { NA_FIELD_PERSON, "Ronald Reagan", "Ronald Reagan" },
    { NA_FIELD_PERSON, "volcker", "Paul Volcker" },
    { NA_FIELD_PERSON, "poehl", "Karl Otto Poehl" },
    { NA_FIELD_PERSON, "Karl Otto P\xc3\xb6hl", "Karl Otto Poehl" },
    { NA_FIELD_PERSON, "de-la-madrid", "Miguel de la Madrid" },
    { NA_FIELD_PERSON, "lee-teng-hui", "Lee Teng-hui" },
    { NA_FIELD_PERSON, "deng-xiaoping", "Deng Xiaoping" },
    { NA_FIELD_PERSON, "hawke", "Bob Hawke" },
    { NA_FIELD_PERSON, "king-fahd", "King Fahd" },
    { NA_FIELD_PERSON, "Tarc\xc3\xadsio de Freitas", "Tarc\xc3\xadsio de Freitas" },
    { NA_FIELD_PERSON, "\xd0\x92\xd0\xbb\xd0\xb0\xd0\xb4\xd0\xb8\xd0\xbc\xd0\xb8\xd1\x80", "\xd0\x92\xd0\xbb\xd0\xb0\xd0\xb4\xd0\xb8\xd0\xbc\xd0\xb8\xd1\x80" },
    { NA_FIELD_ORG, "imf", "International Monetary Fund" },
    { NA_FIELD_ORG, "IMF", "International Monetary Fund" },
    { NA_FIELD_ORG, "international monetary fund", "International Monetary Fund" },
    { NA_FIELD_ORG, "opec", "OPEC" },
    { NA_FIELD_ORG, "Organization of the Petroleum Exporting Countries", "OPEC" },
    { NA_FIELD_ORG, "gatt", "GATT" },
    { NA_FIELD_ORG, "ec", "European Community" },
    { NA_FIELD_ORG, "EEC", "European Community" },
    { NA_FIELD_ORG, "worldbank", "World Bank" },
    { NA_FIELD_ORG, "ecafe", "ESCAP" },
    { NA_FIELD_ORG, "acme-holdings", "Acme Holdings" },
    /* Topics go by readable names; the Reuters codes are aliases. */
    { NA_FIELD_TOPIC, "money-fx", "Money and foreign exchange" },
    { NA_FIELD_TOPIC, "earn", "Earnings" },
    { NA_FIELD_TOPIC, "EARN", "Earnings" },
    { NA_FIELD_TOPIC, "Earnings", "Earnings" },
    { NA_FIELD_TOPIC, "acq", "Mergers and acquisitions" },
    { NA_FIELD_TOPIC, "Mergers/Acquisitions", "Mergers and acquisitions" },
    { NA_FIELD_TOPIC, "interest", "Interest rates" },
    { NA_FIELD_TOPIC, "Crude Oil", "Crude oil" },
    { NA_FIELD_TOPIC, "crude", "Crude oil" },
    { NA_FIELD_TOPIC, "dlr", "U.S. dollar" },
    { NA_FIELD_TOPIC, "barley", "Barley" },
    { NA_FIELD_TOPIC, "veg-oil", "Vegetable oils" },
    { NA_FIELD_TOPIC, "climate-change", "climate-change" },
    { NA_FIELD_TOPIC, "  Local   politics ", "Local politics" },
    { NA_FIELD_SOURCE, "reuter", "Reuters" },
    { NA_FIELD_SOURCE, "REUTERS", "Reuters" },
    { NA_FIELD_SOURCE, "AP", "Associated Press" },
    { NA_FIELD_SOURCE, "acme-wire", "acme-wire" },
    { NA_FIELD_YEAR, "1987", "1987" },
};

/* IN as a test name: control characters would break the TAP line. */
static char *shown(const char *in)
{
    na_buf_t b = NA_BUF_INIT;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (*p < 0x20)
            na_buf_addf(&b, "\\x%02x", *p);
        else
            na_buf_addc(&b, (char)*p);
    }
    return na_buf_detach(&b, NULL);
}

static void run_cases(const na_normaliser_t *n, const norm_case_t *cases, size_t count, const char *what)
{
    for (size_t i = 0; i < count; i++) {
        char *got = na_normalise(n, cases[i].field, cases[i].in);
        char *in = shown(cases[i].in);
        char *name = na_xasprintf("%s: %s \"%s\"", what, na_fields[cases[i].field].name, in);
        free(in);
        CHECK_STR(got, cases[i].want, name);
        free(name);
        free(got);
    }
}

/* Every line of a shipped table must come back as written: the canonical
 * name maps to itself and each alias to its own line's name.  A line that
 * does not is one the generator let through by mistake. */
static void check_table(const na_normaliser_t *n, na_field_t field, const char *path)
{
    na_buf_t buf = NA_BUF_INIT;
    if (na_read_file(path, &buf) != 0) {
        CHECK(0, path);
        na_buf_release(&buf);
        return;
    }
    size_t lines = 0, bad = 0;
    char *save = NULL;
    for (char *line = strtok_r(buf.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        lines++;
        char *tab = strchr(line, '\t');
        char *canonical = tab ? na_xstrndup(line, (size_t)(tab - line)) : na_xstrdup(line);
        for (char *item = line; item;) {
            char *next = strchr(item, '\t');
            if (next)
                *next++ = '\0';
            char *got = na_normalise(n, field, item);
            if (!got || strcmp(got, canonical) != 0) {
                if (bad++ < 5)
                    printf("#   %s: \"%s\" gives \"%s\", not \"%s\"\n", path, item, got ? got : "(null)",
                           canonical);
            }
            free(got);
            item = next;
        }
        free(canonical);
    }
    char *what = na_xasprintf("every entry of %s (%zu lines) maps to its own line's name",
                              strrchr(path, '/') + 1, lines);
    CHECK(lines > 0 && bad == 0, what);
    free(what);
    na_buf_release(&buf);
}

/* Loads the shipped configuration into CFG; a failure is a failed check. */
static bool load_shipped(na_config_t *cfg, na_error_t *err)
{
    char *path = unit_srcpath("config/newsarc.yaml");
    bool ok = na_config_load_file(cfg, path, err) == NA_OK;
    if (!ok)
        CHECK(0, err->message);
    free(path);
    return ok;
}

static void test_shipped(void)
{
    na_config_t cfg;
    na_error_t err;
    if (!load_shipped(&cfg, &err))
        return;
    na_normaliser_t *n = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    na_status_t st = na_normaliser_load(&cfg, &n, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK_INT(st, NA_OK, "the shipped tables load");
    if (st) {
        printf("# %s\n", err.message);
        na_config_release(&cfg);
        return;
    }
    /* A figure for people reading the log, not a pass mark. */
    printf("# loading the shipped tables took %.0f microseconds\n",
           (double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3);
    run_cases(n, shipped, sizeof shipped / sizeof *shipped, "shipped");

    const struct {
        na_field_t field;
        const char *path;
    } tables[] = {
        { NA_FIELD_PLACE, cfg.alias_places }, { NA_FIELD_PERSON, cfg.alias_people },
        { NA_FIELD_ORG, cfg.alias_orgs },     { NA_FIELD_TOPIC, cfg.alias_topics },
        { NA_FIELD_SOURCE, cfg.alias_sources },
    };
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
        check_table(n, tables[i].field, tables[i].path);

    /* Every Reuters-21578 place code has a proper name: one the tables
     * know, not a code turned into words. */
    static const char *const reuters_places[] = {
        "usa", "uk", "ussr", "west-germany", "east-germany", "uae", "kampuchea", "zaire",
        "yemen-arab-republic", "trinidad-tobago", "netherlands-antilles", "macao", "vatican",
        "western-samoa", "swaziland", "antigua", "burma", "czechoslovakia", "yugoslavia", "ivory-coast",
    };
    size_t unknown = 0;
    for (size_t i = 0; i < sizeof reuters_places / sizeof *reuters_places; i++) {
        char *got = na_normalise(n, NA_FIELD_PLACE, reuters_places[i]);
        char *again = na_normalise(n, NA_FIELD_PLACE, got);
        if (!got || !again || strcmp(got, again) != 0 || strchr(got, '-') || got[0] < 'A' || got[0] > 'Z')
            unknown++;
        free(got);
        free(again);
    }
    CHECK_INT(unknown, 0, "Reuters place codes map to canonical names that map to themselves");
    na_normaliser_free(n);
    na_config_release(&cfg);
}

/* Tables made here: the lookup rules one by one. */
static const norm_case_t made[] = {
    /* the key: case, dots, separators, runs of blanks */
    { NA_FIELD_ORG, "NVIDIA CORP.", "Nvidia" },
    { NA_FIELD_ORG, "nvidia-corp", "Nvidia" },
    { NA_FIELD_ORG, "Nvidia_Corp", "Nvidia" },
    { NA_FIELD_ORG, "  nvidia \t corp  ", "Nvidia" },
    { NA_FIELD_ORG, "N.V.I.D.I.A. Corp", "Nvidia" },
    { NA_FIELD_ORG, "Nvidia", "Nvidia" },
    { NA_FIELD_ORG, "nvidiacorp", "Nvidiacorp" },
    /* Latin, Greek and Cyrillic letters fold like ASCII ones */
    { NA_FIELD_PLACE, "Z\xc3\x9cRICH", "Z\xc3\xbcrich" },
    { NA_FIELD_PLACE, "\xc5\x81\xc3\x93" "D\xc5\xb9", "\xc5\x81\xc3\xb3" "d\xc5\xba" },
    { NA_FIELD_PLACE, "\xce\x91\xce\x98\xce\x97\xce\x9d\xce\x91", "Athens" },
    { NA_FIELD_PLACE, "\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90", "Moscow" },
    { NA_FIELD_PLACE, "Mos\xc2\xa0" "cow", "Mos\xc2\xa0" "cow" },
    /* no entry: codes become names in person, place and org only */
    { NA_FIELD_PERSON, "james-baker", "James Baker" },
    { NA_FIELD_PERSON, "james_baker", "James Baker" },
    { NA_FIELD_PERSON, "-james--baker-", "James Baker" },
    { NA_FIELD_PERSON, "o'neill", "o'neill" },
    { NA_FIELD_PERSON, "James baker", "James baker" },
    { NA_FIELD_PERSON, "3m", "3m" },
    { NA_FIELD_PLACE, "u.s.", "U.S." },
    { NA_FIELD_PLACE, "g7", "G7" },
    { NA_FIELD_PLACE, "1987", "1987" },
    { NA_FIELD_ORG, "acme-holdings", "Acme Holdings" },
    { NA_FIELD_TOPIC, "money-fx", "money-fx" },
    { NA_FIELD_SOURCE, "acme-wire", "acme-wire" },
    { NA_FIELD_MONTH, "1987-02", "1987-02" },
    /* blanks only, or nothing */
    { NA_FIELD_PERSON, "", NULL },
    { NA_FIELD_PERSON, "   ", NULL },
    { NA_FIELD_PERSON, "\r\n\t", NULL },
    /* a key of nothing but dots and separators matches nothing */
    { NA_FIELD_PERSON, "...", "..." },
    { NA_FIELD_PERSON, " - ", "-" },
};

static char *write_table(const char *text)
{
    char path[] = "/tmp/newsarc-alias.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return na_xstrdup(path);
}

static void test_made(void)
{
    na_normaliser_t *n = na_normaliser_new();
    na_normaliser_add(n, NA_FIELD_ORG, "Nvidia Corp", "Nvidia");
    na_normaliser_add(n, NA_FIELD_PLACE, "Zurich", "Z\xc3\xbcrich");
    na_normaliser_add(n, NA_FIELD_PLACE, "\xc5\x81\xc3\xb3" "d\xc5\xba", "\xc5\x81\xc3\xb3" "d\xc5\xba");
    na_normaliser_add(n, NA_FIELD_PLACE, "\xce\xb1\xce\xb8\xce\xb7\xce\xbd\xce\xb1", "Athens");
    na_normaliser_add(n, NA_FIELD_PLACE, "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", "Moscow");
    na_normaliser_add(n, NA_FIELD_PERSON, "", "Nobody");
    na_normaliser_add(n, NA_FIELD_PERSON, "Somebody", "  ");
    run_cases(n, made, sizeof made / sizeof *made, "made");

    /* The first line to claim an alias keeps it ... */
    na_normaliser_add(n, NA_FIELD_ORG, "Big Co", "First");
    na_normaliser_add(n, NA_FIELD_ORG, "big-co", "Second");
    char *got = na_normalise(n, NA_FIELD_ORG, "BIG CO");
    CHECK_STR(got, "First", "the first entry for an alias wins");
    free(got);
    /* ... except that a canonical name always maps to itself. */
    na_normaliser_add(n, NA_FIELD_ORG, "Big Co", "Big Co");
    got = na_normalise(n, NA_FIELD_ORG, "big co");
    CHECK_STR(got, "Big Co", "a canonical name is never another name's alias");
    free(got);
    na_normaliser_add(n, NA_FIELD_ORG, "Nvidia", "Something Else");
    got = na_normalise(n, NA_FIELD_ORG, "nvidia");
    CHECK_STR(got, "Nvidia", "... nor can an alias take it over later");
    free(got);
    /* Fields are separate tables. */
    got = na_normalise(n, NA_FIELD_PERSON, "Nvidia Corp");
    CHECK_STR(got, "Nvidia Corp", "an alias of one field means nothing in another");
    free(got);
    got = na_normalise(NULL, NA_FIELD_PLACE, "west-germany");
    CHECK_STR(got, "West Germany", "no normaliser: codes still become names");
    free(got);
    CHECK(na_normalise(n, NA_FIELD_PLACE, NULL) == NULL, "NULL is no value");
    CHECK(na_normalise(n, NA_FIELD_COUNT, "x") == NULL, "no such field: no value");

    /* A long value (past any fixed-size buffer). */
    char long_value[1200];
    memset(long_value, 'a', sizeof long_value - 1);
    long_value[sizeof long_value - 1] = '\0';
    long_value[3] = '-';
    na_normaliser_add(n, NA_FIELD_TOPIC, long_value, "long");
    long_value[3] = ' ';
    got = na_normalise(n, NA_FIELD_TOPIC, long_value);
    CHECK_STR(got, "long", "long values are looked up too");
    free(got);

    /* Many entries: the table grows and keeps every one. */
    for (int i = 0; i < 5000; i++) {
        char alias[32], name[32];
        snprintf(alias, sizeof alias, "alias-%d", i);
        snprintf(name, sizeof name, "Name %d", i);
        na_normaliser_add(n, NA_FIELD_SOURCE, alias, name);
    }
    int wrong = 0;
    for (int i = 0; i < 5000; i++) {
        char alias[32], name[32];
        snprintf(alias, sizeof alias, "ALIAS %d", i);
        snprintf(name, sizeof name, "Name %d", i);
        char *c = na_normalise(n, NA_FIELD_SOURCE, alias);
        wrong += !c || strcmp(c, name) != 0;
        free(c);
    }
    CHECK_INT(wrong, 0, "5000 entries are all found after the table grows");
    na_normaliser_free(n);
    na_normaliser_free(NULL);
}

static void test_files(void)
{
    na_normaliser_t *n = na_normaliser_new();
    na_error_t err;
    char *good = write_table("# places\r\n"
                             "\n"
                             "   \n"
                             "Good Place\tgp\t\tgood_place_alias\r\n"
                             "  Spaced   Name  \tsn\n"
                             "Alone\n"
                             "Last\tno newline at the end");
    CHECK_INT(na_normaliser_add_file(n, NA_FIELD_PLACE, good, &err), NA_OK, "a table with comments, CRLF and blanks");
    static const norm_case_t cases[] = {
        { NA_FIELD_PLACE, "GP", "Good Place" },
        { NA_FIELD_PLACE, "good place alias", "Good Place" },
        { NA_FIELD_PLACE, "good-place", "Good Place" },
        { NA_FIELD_PLACE, "sn", "Spaced Name" },
        { NA_FIELD_PLACE, "alone", "Alone" },
        { NA_FIELD_PLACE, "No Newline At The End", "Last" },
        { NA_FIELD_PLACE, "# places", "# places" },
    };
    run_cases(n, cases, sizeof cases / sizeof *cases, "file");

    CHECK_INT(na_normaliser_add_file(n, NA_FIELD_PLACE, "/nonexistent/t.tsv", &err), NA_ERR_IO, "a missing table");
    CHECK(strstr(err.message, "/nonexistent/t.tsv: ") == err.message, "... names the file");
    CHECK_INT(err.code, NA_ERR_IO, "... and sets the error code");

    static const struct {
        const char *text;
        size_t len;
        const char *want; /* after "FILE:" */
    } bad[] = {
#define TEXT(s) s, sizeof s - 1
        { TEXT("# comment\nGood\tgood alias\n\torphan alias\n"), "3: no canonical name before the first tab" },
        { TEXT("Good\n  \tspaces then a tab\n"), "2: no canonical name before the first tab" },
        { TEXT("Good\nBad \xff byte\n"), "2: not valid UTF-8 text" },
        { TEXT("Good\nBad\0nul\n"), "2: not valid UTF-8 text" },
#undef TEXT
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *path = write_table("");
        FILE *f = fopen(path, "wb");
        fwrite(bad[i].text, 1, bad[i].len, f);
        fclose(f);
        char *want = na_xasprintf("%s:%s", path, bad[i].want);
        CHECK_INT(na_normaliser_add_file(n, NA_FIELD_PLACE, path, &err), NA_ERR_PARSE, bad[i].want);
        CHECK_STR(err.message, want, "... with file and line");
        free(want);
        remove(path);
        free(path);
    }

    /* na_normaliser_load stops at the first table it cannot read. */
    na_config_t cfg;
    na_config_defaults(&cfg);
    free(cfg.alias_places);
    cfg.alias_places = na_xstrdup(good);
    free(cfg.alias_people);
    cfg.alias_people = na_xstrdup("/nonexistent/people.tsv");
    static char sentinel;
    na_normaliser_t *loaded = (na_normaliser_t *)(void *)&sentinel; /* must be overwritten */
    CHECK_INT(na_normaliser_load(&cfg, &loaded, &err), NA_ERR_IO, "load fails on a missing table");
    CHECK(loaded == NULL, "... and returns no normaliser");
    CHECK(strstr(err.message, "/nonexistent/people.tsv") != NULL, "... naming the table");
    free(cfg.alias_people);
    cfg.alias_people = NULL;
    free(cfg.alias_orgs);
    cfg.alias_orgs = NULL;
    free(cfg.alias_topics);
    cfg.alias_topics = NULL;
    free(cfg.alias_sources);
    cfg.alias_sources = NULL;
    CHECK_INT(na_normaliser_load(&cfg, &loaded, &err), NA_OK, "load with one table and the rest off");
    char *got = na_normalise(loaded, NA_FIELD_PLACE, "gp");
    CHECK_STR(got, "Good Place", "... reads it");
    free(got);
    na_normaliser_free(loaded);
    na_config_release(&cfg);

    remove(good);
    free(good);
    na_normaliser_free(n);
}

static void write_in(const char *dir, const char *name, const char *text)
{
    char *path = na_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    free(path);
}

/* The pipeline with a gazetteer made here: alias tables first, then
 * countries, cities and regions, names before alternate names, nothing
 * replacing what is mapped already. */
static void test_gazetteer(void)
{
    char dir[] = "/tmp/newsarc-gaz.XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    write_in(dir, "countries.tsv", "# name, code, aliases\nUkraine\tUA\tUkrainian SSR\nLuxembourg\tLU\n");
    write_in(dir, "cities.tsv",
             "Kyiv\tUkraine\tKyiv City\t2797553\tPPLC\tKiev\tKyjiw\n"
             "Luxembourg\tLuxembourg\t-\t100000\tPPLC\n"
             "Tomsk\t-\t-\t500000\tPPL\tKyjiw\n"
             "Z\xc3\xbcrich\tSwitzerland\tZurich\t415367\tPPLA\tZuerich\n");
    write_in(dir, "regions.tsv",
             "Kiev\tUkraine\tprovince\tUA.13\n"
             "Zurich\tSwitzerland\tcanton\tCH.ZH\tZH\n"
             "Some Region\tUkraine\tprovince\tUA.99\tTomsk\n");
    na_normaliser_t *n = na_normaliser_new();
    na_normaliser_add(n, NA_FIELD_PLACE, "Kyjiw", "Kyiv (table)");
    na_error_t err;
    CHECK_INT(na_normaliser_add_gazetteer(n, dir, &err), NA_OK, "a gazetteer folder loads");
    static const norm_case_t cases[] = {
        { NA_FIELD_PLACE, "Kiev", "Kyiv" },                  /* a city's alias over a region's name */
        { NA_FIELD_PLACE, "kyiv", "Kyiv" },
        { NA_FIELD_PLACE, "Kyjiw", "Kyiv (table)" },         /* the alias table first */
        { NA_FIELD_PLACE, "Ukrainian SSR", "Ukraine" },
        { NA_FIELD_PLACE, "LUXEMBOURG", "Luxembourg" },
        { NA_FIELD_PLACE, "Zurich", "Z\xc3\xbcrich" },     /* the city over the canton */
        { NA_FIELD_PLACE, "ZH", "Zurich" },                  /* the canton's own alias */
        { NA_FIELD_PLACE, "zuerich", "Z\xc3\xbcrich" },
        { NA_FIELD_PLACE, "tomsk", "Tomsk" },                /* a name before an alias */
        { NA_FIELD_PLACE, "Some Region", "Some Region" },
        { NA_FIELD_PERSON, "Kiev", "Kiev" },                 /* places only */
    };
    run_cases(n, cases, sizeof cases / sizeof *cases, "gazetteer");
    CHECK(na_normalise_find_alias(n, NA_FIELD_PLACE, "Kiev", 4) == NULL,
          "na_normalise_find_alias: not what only the gazetteers say");
    CHECK_STR(na_normalise_find_alias(n, NA_FIELD_PLACE, "kyjiw", 5), "Kyiv (table)", "... but the alias tables");
    CHECK_STR(na_normalise_find(n, NA_FIELD_PLACE, "Kiev", 4), "Kyiv", "na_normalise_find: the gazetteers too");
    na_normaliser_free(n);

    /* A missing table is skipped, as the extractor skips it; a bad line
     * is an error with file and line. */
    char *cities = na_xasprintf("%s/cities.tsv", dir);
    remove(cities);
    n = na_normaliser_new();
    CHECK_INT(na_normaliser_add_gazetteer(n, dir, &err), NA_OK, "a folder without cities.tsv loads");
    char *got = na_normalise(n, NA_FIELD_PLACE, "kiev");
    CHECK_STR(got, "Kiev", "... and the region is read then");
    free(got);
    na_normaliser_free(n);
    write_in(dir, "regions.tsv", "# comment\nGood\tUkraine\tprovince\tUA.1\nBad \xff\tUkraine\n");
    n = na_normaliser_new();
    CHECK_INT(na_normaliser_add_gazetteer(n, dir, &err), NA_ERR_PARSE, "a gazetteer line that is not UTF-8");
    char *want = na_xasprintf("%s/regions.tsv:3: not valid UTF-8 text", dir);
    CHECK_STR(err.message, want, "... is refused with file and line");
    free(want);
    write_in(dir, "regions.tsv", "Lonely\n");
    CHECK_INT(na_normaliser_add_gazetteer(n, dir, &err), NA_ERR_PARSE, "a region line without its country");
    na_normaliser_free(n);
    n = na_normaliser_new();
    CHECK_INT(na_normaliser_add_gazetteer(n, "/nonexistent/gazetteer", &err), NA_OK, "no folder: nothing to add");
    na_normaliser_free(n);

    static const char *const files[] = { "countries.tsv", "regions.tsv" };
    for (size_t i = 0; i < 2; i++) {
        char *path = na_xasprintf("%s/%s", dir, files[i]);
        remove(path);
        free(path);
    }
    free(cities);
    rmdir(dir);
}

/* ---- the compiled form ---- */

static char *read_all(const char *path, size_t *len)
{
    na_buf_t b = NA_BUF_INIT;
    if (na_read_file(path, &b) != 0) {
        na_buf_release(&b);
        return NULL;
    }
    return na_buf_detach(&b, len);
}

static void write_bytes(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
}

/* Every name and alias of the table file PATH (each tab-separated
 * field), and its upper-case form, finds the same in A and B. */
static size_t compare_file(const na_normaliser_t *a, const na_normaliser_t *b, na_field_t field, const char *path)
{
    size_t len, diffs = 0;
    char *text = read_all(path, &len);
    if (!text)
        return 1;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (*line == '#')
            continue;
        char *save = NULL;
        for (char *f = strtok_r(line, "\t", &save); f; f = strtok_r(NULL, "\t", &save)) {
            for (int upper = 0; upper < 2; upper++) {
                if (upper)
                    for (char *c = f; *c; c++)
                        *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
                size_t n = strlen(f);
                const char *x = na_normalise_find(a, field, f, n), *y = na_normalise_find(b, field, f, n);
                const char *xa = na_normalise_find_alias(a, field, f, n);
                const char *ya = na_normalise_find_alias(b, field, f, n);
                if ((x ? !y || strcmp(x, y) : y != NULL) || (xa ? !ya || strcmp(xa, ya) : ya != NULL)) {
                    if (diffs++ < 5)
                        printf("# %s: '%s': parsed '%s', mapped '%s'\n", path, f, x ? x : "(null)",
                               y ? y : "(null)");
                }
            }
        }
    }
    free(text);
    return diffs;
}

/* The shipped tables, compiled and mapped, answer as parsed. */
static void test_compiled_round_trip(const char *dir)
{
    na_config_t cfg;
    na_error_t err;
    if (!load_shipped(&cfg, &err))
        return;
    char *tab = na_xasprintf("%s/shipped.tab", dir);
    na_normaliser_t *parsed = NULL, *mapped = NULL;
    CHECK_INT(na_normaliser_load(&cfg, &parsed, &err), NA_OK, "compiled: the shipped tables load");
    CHECK_INT(na_normaliser_compile(&cfg, tab, &err), NA_OK, "compiled: they compile");
    CHECK_INT(na_normaliser_map(&cfg, tab, &mapped, &err), NA_OK, "compiled: the file maps");
    if (!parsed || !mapped) {
        printf("# %s\n", err.message);
    } else {
        const struct {
            na_field_t field;
            const char *path;
        } files[] = {
            { NA_FIELD_PLACE, cfg.alias_places }, { NA_FIELD_PERSON, cfg.alias_people },
            { NA_FIELD_AUTHOR, cfg.alias_people }, { NA_FIELD_ORG, cfg.alias_orgs },
            { NA_FIELD_TOPIC, cfg.alias_topics }, { NA_FIELD_SOURCE, cfg.alias_sources },
        };
        size_t diffs = 0;
        for (size_t i = 0; i < sizeof files / sizeof *files; i++)
            diffs += compare_file(parsed, mapped, files[i].field, files[i].path);
        static const char *const gaz[] = { "countries.tsv", "cities.tsv", "regions.tsv" };
        for (size_t i = 0; i < 3; i++) {
            char *g = na_xasprintf("%s/%s", cfg.gazetteer, gaz[i]);
            diffs += compare_file(parsed, mapped, NA_FIELD_PLACE, g);
            diffs += compare_file(parsed, mapped, NA_FIELD_ORG, g); /* names no other table has */
            free(g);
        }
        CHECK_INT(diffs, 0, "compiled: every name and alias of every table finds what the parsed tables find");
        static const norm_case_t cases[] = {
            { NA_FIELD_PLACE, "usa", "United States" },   { NA_FIELD_PLACE, "  west-germany ", "West Germany" },
            { NA_FIELD_PLACE, "Kiev", "Kyiv" },           { NA_FIELD_PLACE, "Zurich", "Z\xc3\xbcrich" },
            { NA_FIELD_TOPIC, "earn", "Earnings" },       { NA_FIELD_PERSON, "james-baker", "James Baker" },
            { NA_FIELD_PLACE, "no-such-place", "No Such Place" },
        };
        run_cases(mapped, cases, sizeof cases / sizeof *cases, "compiled");
        CHECK(na_normalise_find(mapped, NA_FIELD_PLACE, "..", 2) == NULL, "compiled: a key of nothing finds nothing");
    }
    na_normaliser_free(parsed);
    na_normaliser_free(mapped);
    remove(tab);
    free(tab);
    na_config_release(&cfg);
}

/* A configuration of the tables in DIR: places.tsv and a gazetteer
 * folder gaz/ with countries.tsv (no cities or regions). */
static void small_config(na_config_t *cfg, const char *dir)
{
    na_config_defaults(cfg);
    char **tables[] = { &cfg->alias_places, &cfg->alias_people, &cfg->alias_orgs, &cfg->alias_topics,
                        &cfg->alias_sources, &cfg->gazetteer };
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        free(*tables[i]);
        *tables[i] = NULL;
    }
    cfg->alias_places = na_xasprintf("%s/places.tsv", dir);
    cfg->gazetteer = na_xasprintf("%s/gaz", dir);
}

/* Damaged, cut short, stale: refused, each with its status. */
static void test_compiled_refused(const char *dir)
{
    char *gaz = na_xasprintf("%s/gaz", dir);
    mkdir(gaz, 0700);
    write_in(dir, "places.tsv", "United States\tusa\tU.S.\n");
    write_in(gaz, "countries.tsv", "Ukraine\tUA\tUkrainian SSR\n");
    na_config_t cfg;
    small_config(&cfg, dir);
    char *tab = na_xasprintf("%s/small.tab", dir);
    na_error_t err;
    na_normaliser_t *n = NULL;
    CHECK_INT(na_normaliser_compile(&cfg, tab, &err), NA_OK, "compiled: small tables compile");
    CHECK_INT(na_normaliser_map(&cfg, tab, &n, &err), NA_OK, "compiled: and map");
    CHECK_STR(na_normalise_find(n, NA_FIELD_PLACE, "USA", 3), "United States", "compiled: an alias");
    CHECK_STR(na_normalise_find(n, NA_FIELD_PLACE, "ukrainian ssr", 13), "Ukraine", "compiled: a gazetteer's alias");
    CHECK(na_normalise_find_alias(n, NA_FIELD_PLACE, "ukrainian ssr", 13) == NULL,
          "compiled: ... which is no alias table's");
    na_normaliser_free(n);

    size_t len;
    char *good = read_all(tab, &len);
    char *bad = na_xasprintf("%s/bad.tab", dir);
    static const struct {
        const char *what;
        long at;      /* byte to change; -1: none */
        long cut;     /* bytes to keep; -1: all */
        na_status_t want;
        const char *message;
    } cases[] = {
        { "compiled: a file that is not compiled tables", 0, -1, NA_ERR_CORRUPT, "not compiled tables" },
        { "compiled: another version", 8, -1, NA_ERR_CORRUPT, "another version" },
        { "compiled: a changed header", 28, -1, NA_ERR_CORRUPT, "fail their check" },
        { "compiled: a changed source record", 60, -1, NA_ERR_CORRUPT, "fail their check" },
        { "compiled: a file cut short", -1, 1, NA_ERR_CORRUPT, "cut short" },
        { "compiled: a file cut to its header", -1, 48, NA_ERR_CORRUPT, "wrong size" },
        { "compiled: an empty file", -1, -2, NA_ERR_CORRUPT, "too short" },
    };
    for (size_t i = 0; good && i < sizeof cases / sizeof *cases; i++) {
        char *copy = na_xmalloc(len);
        memcpy(copy, good, len);
        if (cases[i].at >= 0)
            copy[cases[i].at] ^= 0x5a;
        size_t keep = cases[i].cut == -1 ? len : cases[i].cut == -2 ? 0 : cases[i].cut == 1 ? len - 1 : (size_t)cases[i].cut;
        write_bytes(bad, copy, keep);
        free(copy);
        n = (na_normaliser_t *)(void *)&err; /* must be overwritten */
        CHECK_INT(na_normaliser_map(&cfg, bad, &n, &err), cases[i].want, cases[i].what);
        CHECK(n == NULL && strstr(err.message, cases[i].message) && strstr(err.message, bad),
              "compiled: ... with no normaliser and a message naming the file and why");
        if (!strstr(err.message, cases[i].message))
            printf("# got: %s\n", err.message);
    }
    /* A damaged body is never read outside the file: every slot made
     * to point past the entries finds nothing. */
    if (good) {
        char *copy = na_xmalloc(len);
        memcpy(copy, good, len);
        size_t body = 48 + 8 * 72 + NA_FIELD_COUNT * 16; /* header, sources, directory */
        memset(copy + body, 0xff, 64);
        write_bytes(bad, copy, len);
        free(copy);
        n = NULL;
        CHECK_INT(na_normaliser_map(&cfg, bad, &n, &err), NA_OK, "compiled: a damaged body is not seen on opening");
        CHECK(na_normalise_find(n, NA_FIELD_PLACE, "usa", 3) == NULL,
              "compiled: ... and slots pointing past the entries find nothing");
        na_normaliser_free(n);
    }
    CHECK_INT(na_normaliser_map(&cfg, "/nonexistent/x.tab", &n, &err), NA_ERR_NOT_FOUND, "compiled: no file");

    /* Stale: other content, another table file, a table that appears. */
    struct timespec pause = { 0, 20 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    write_in(dir, "places.tsv", "United Statez\tusa\tU.S.\n"); /* the same size */
    CHECK_INT(na_normaliser_map(&cfg, tab, &n, &err), NA_ERR_NOT_FOUND, "compiled: stale after a table changed");
    char *want = na_xasprintf("%s: stale compiled tables: '%s/places.tsv' changed", tab, dir);
    CHECK(strncmp(err.message, want, strlen(want)) == 0, "compiled: ... naming the file and the table");
    if (strncmp(err.message, want, strlen(want)) != 0)
        printf("# got: %s\n", err.message);
    free(want);
    na_tables_form_t form;
    na_error_t why;
    CHECK_INT(na_normaliser_open(&cfg, tab, &n, &form, &why, &err), NA_OK, "compiled: open parses stale tables");
    CHECK_INT(form, NA_TABLES_COMPILED, "compiled: ... and compiles them again");
    CHECK_STR(na_normalise_find(n, NA_FIELD_PLACE, "usa", 3), "United Statez", "compiled: ... with the new content");
    na_normaliser_free(n);
    CHECK_INT(na_normaliser_open(&cfg, tab, &n, &form, &why, &err), NA_OK, "compiled: open again");
    CHECK_INT(form, NA_TABLES_MAPPED, "compiled: ... maps the fresh file");
    CHECK_STR(na_normalise_find(n, NA_FIELD_PLACE, "usa", 3), "United Statez", "compiled: ... with the new content");
    na_normaliser_free(n);

    /* The same content under new stamps is fresh, and stamped again. */
    nanosleep(&pause, NULL);
    write_in(dir, "places.tsv", "United Statez\tusa\tU.S.\n");
    CHECK_INT(na_normaliser_map(&cfg, tab, &n, &err), NA_OK, "compiled: a table rewritten as it was is fresh");
    na_normaliser_free(n);
    CHECK_INT(na_normaliser_open(&cfg, tab, &n, &form, &why, &err), NA_OK, "compiled: open a touched table");
    CHECK_INT(form, NA_TABLES_COMPILED, "compiled: ... compiles the stamps again");
    na_normaliser_free(n);

    write_in(gaz, "cities.tsv", "Kyiv\tUkraine\t-\t2797553\tPPLC\tKiev\n");
    CHECK_INT(na_normaliser_map(&cfg, tab, &n, &err), NA_ERR_NOT_FOUND, "compiled: stale when a gazetteer appears");
    na_config_t other;
    small_config(&other, dir);
    free(other.alias_people);
    other.alias_people = na_xasprintf("%s/places.tsv", dir);
    CHECK_INT(na_normaliser_compile(&cfg, tab, &err), NA_OK, "compiled: compiled again");
    CHECK_INT(na_normaliser_map(&other, tab, &n, &err), NA_ERR_NOT_FOUND,
              "compiled: stale for a configuration naming other tables");
    na_config_release(&other);

    /* No cache that can be written: parsed, and said why. */
    CHECK_INT(na_normaliser_open(&cfg, "/nonexistent/dir/x.tab", &n, &form, &why, &err), NA_OK,
              "compiled: open without a cache");
    CHECK_INT(form, NA_TABLES_PARSED, "compiled: ... parses");
    CHECK(strstr(why.message, "/nonexistent/dir/x.tab") != NULL, "compiled: ... and says why");
    CHECK_STR(na_normalise_find(n, NA_FIELD_PLACE, "Kiev", 4), "Kyiv", "compiled: ... with every table");
    na_normaliser_free(n);

    char *cities = na_xasprintf("%s/cities.tsv", gaz);
    char *countries = na_xasprintf("%s/countries.tsv", gaz);
    remove(cities);
    remove(countries);
    remove(bad);
    remove(tab);
    remove(cfg.alias_places);
    rmdir(gaz);
    free(cities);
    free(countries);
    free(good);
    free(bad);
    free(tab);
    free(gaz);
    na_config_release(&cfg);
}

static void test_compiled(void)
{
    char dir[] = "/tmp/newsarc-tab.XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    test_compiled_round_trip(dir);
    test_compiled_refused(dir);
    rmdir(dir);
}

int main(void)
{
    test_shipped();
    test_gazetteer();
    test_made();
    test_files();
    test_compiled();
    return unit_done();
}
