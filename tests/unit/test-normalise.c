/* test-normalise.c - alias tables and the fallback for codes, with the
 * shipped tables and with tables written here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalise.h"
#include "unit.h"

static const struct {
    na_field_t field;
    const char *in, *want;
} shipped[] = {
    { NA_FIELD_PLACE, "usa", "United States" },
    { NA_FIELD_PLACE, "US", "United States" },
    { NA_FIELD_PLACE, "U.S.", "United States" },
    { NA_FIELD_PLACE, "United States of America", "United States" },
    { NA_FIELD_PLACE, "  united   states ", "United States" },
    { NA_FIELD_PLACE, "uk", "United Kingdom" },
    { NA_FIELD_PLACE, "Britain", "United Kingdom" },
    { NA_FIELD_PLACE, "west-germany", "West Germany" },
    { NA_FIELD_PLACE, "West Germany", "West Germany" },
    { NA_FIELD_PLACE, "ussr", "Soviet Union" },
    { NA_FIELD_PLACE, "ivory-coast", "Ivory Coast" },
    { NA_FIELD_PLACE, "Z\xc3\xbcrich", "Z\xc3\xbcrich" },
    { NA_FIELD_PLACE, "el-salvador", "El Salvador" },
    { NA_FIELD_PERSON, "james-baker", "James Baker" },
    { NA_FIELD_PERSON, "reagan", "Ronald Reagan" },
    { NA_FIELD_PERSON, "volcker", "Paul Volcker" },
    { NA_FIELD_PERSON, "Tarc\xc3\xadsio de Freitas", "Tarc\xc3\xadsio de Freitas" },
    { NA_FIELD_ORG, "imf", "International Monetary Fund" },
    { NA_FIELD_ORG, "IMF", "International Monetary Fund" },
    { NA_FIELD_ORG, "opec", "OPEC" },
    { NA_FIELD_ORG, "ec", "European Community" },
    { NA_FIELD_TOPIC, "money-fx", "money-fx" },
    { NA_FIELD_TOPIC, "earn", "earn" },
    { NA_FIELD_SOURCE, "reuter", "Reuters" },
};

int main(void)
{
    na_config_t cfg;
    na_error_t err;
    char *path = unit_srcpath("config/newsarc.yaml");
    if (na_config_load_file(&cfg, path, &err) != NA_OK)
        unit_skip_all(err.message);
    free(path);
    na_normaliser_t *n = NULL;
    CHECK_INT(na_normaliser_load(&cfg, &n, &err), NA_OK, "the shipped tables load");
    for (size_t i = 0; i < sizeof shipped / sizeof *shipped; i++) {
        char *got = na_normalise(n, shipped[i].field, shipped[i].in);
        CHECK_STR(got, shipped[i].want, shipped[i].in);
        free(got);
    }
    CHECK(na_normalise(n, NA_FIELD_PLACE, "  ") == NULL, "blank is no value");
    na_normaliser_free(n);
    na_config_release(&cfg);

    n = na_normaliser_new();
    na_normaliser_add(n, NA_FIELD_ORG, "Nvidia Corp", "Nvidia");
    char *got = na_normalise(n, NA_FIELD_ORG, "NVIDIA CORP.");
    CHECK_STR(got, "Nvidia", "added entries ignore case and dots");
    free(got);
    got = na_normalise(n, NA_FIELD_ORG, "Nvidia");
    CHECK_STR(got, "Nvidia", "the canonical name maps to itself");
    free(got);
    got = na_normalise(n, NA_FIELD_ORG, "acme-holdings");
    CHECK_STR(got, "Acme Holdings", "codes become names without a table entry");
    free(got);
    got = na_normalise(n, NA_FIELD_SOURCE, "acme-wire");
    CHECK_STR(got, "acme-wire", "sources are not treated as codes");
    free(got);
    CHECK_INT(na_normaliser_add_file(n, NA_FIELD_PLACE, "/nonexistent.tsv", &err), NA_ERR_IO, "a missing table");
    CHECK(strstr(err.message, "/nonexistent.tsv") != NULL, "names the file");

    char bad[] = "/tmp/newsarc-alias.XXXXXX";
    int fd = mkstemp(bad);
    FILE *f = fdopen(fd, "w");
    fputs("# comment\nGood\tgood alias\n\torphan alias\n", f);
    fclose(f);
    CHECK_INT(na_normaliser_add_file(n, NA_FIELD_PLACE, bad, &err), NA_ERR_PARSE, "a line without a name");
    char *want = na_xasprintf("%s:3: ", bad);
    CHECK(strncmp(err.message, want, strlen(want)) == 0, "names file and line");
    free(want);
    remove(bad);
    na_normaliser_free(n);
    return unit_done();
}
