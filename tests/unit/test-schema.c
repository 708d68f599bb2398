/* test-schema.c - the keys facet slots and field terms share, the
 * display metadata names, and the spelling tallies behind display forms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "display.h"
#include "schema.h"
#include "unit.h"

typedef struct {
    na_field_t field;
    const char *value, *key; /* key NULL: no key */
} key_case_t;

static const key_case_t keys[] = {
    { NA_FIELD_PLACE, "DENVER", "denver" },
    { NA_FIELD_PLACE, "Denver", "denver" },
    { NA_FIELD_PLACE, "  Denver ", "denver" },
    { NA_FIELD_ORG, "REUTER", "reuter" },
    { NA_FIELD_ORG, "Ecu", "ecu" },
    { NA_FIELD_PLACE, "U.S.", "us" },
    { NA_FIELD_PLACE, "West-Germany", "west germany" },
    { NA_FIELD_PLACE, "west_germany", "west germany" },
    { NA_FIELD_PLACE, "West  Germany", "west germany" },
    { NA_FIELD_PERSON, "Björn Ek", "bjorn ek" },
    { NA_FIELD_PERSON, "BJÖRN EK", "bjorn ek" },
    { NA_FIELD_SOURCE, "Test Wire", "test wire" },
    { NA_FIELD_TOPIC, "earn", "earn" },
    { NA_FIELD_PLACE, "...", NULL },
    { NA_FIELD_PLACE, "", NULL },
    /* Dates are kept as written: they are their own canonical form. */
    { NA_FIELD_MONTH, "1987-03", "1987-03" },
    { NA_FIELD_YEAR, "1987", "1987" },
    { NA_FIELD_MENTIONED, "1987-Q1", "1987-Q1" },
    { NA_FIELD_MENTIONED, "", NULL },
};

static void test_keys(void)
{
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const key_case_t *c = &keys[i];
        char what[128];
        snprintf(what, sizeof what, "key of %s '%s'", na_fields[c->field].name, c->value);
        char *k = na_schema_value_key(&na_fields[c->field], c->value);
        CHECK_STR(k, c->key, what);
        free(k);
        /* The term is the prefix and the same key. */
        char *t = na_schema_field_term(&na_fields[c->field], c->value);
        char *want = NULL;
        if (c->key && na_schema_folded(&na_fields[c->field]))
            want = na_xasprintf("%s%s", na_fields[c->field].prefix, c->key);
        else if (c->key)
            want = na_schema_term(na_fields[c->field].prefix, c->value);
        snprintf(what, sizeof what, "  term of %s '%s'", na_fields[c->field].name, c->value);
        CHECK_STR(t, want, what);
        free(t);
        free(want);
    }
}

/* A long value: the key is cut so that prefix and key fit a term, at a
 * character boundary, and the term is exactly prefix + key. */
static void test_long_key(void)
{
    na_buf_t b = NA_BUF_INIT;
    /* A two-byte letter that folding keeps (accented letters fold to one byte). */
    for (int i = 0; i < 150; i++)
        na_buf_adds(&b, "ж");
    const na_field_info_t *f = &na_fields[NA_FIELD_PLACE];
    char *k = na_schema_value_key(f, b.data);
    char *t = na_schema_field_term(f, b.data);
    CHECK(k && strlen(f->prefix) + strlen(k) <= 240, "a long key fits a term with its prefix");
    CHECK(k && strlen(k) % 2 == 0, "  cut between characters");
    CHECK(k && t && strcmp(t + strlen(f->prefix), k) == 0, "  the term holds the same key");
    char *mk = na_schema_display_meta_key(f, k);
    CHECK(strlen(mk) <= NA_META_DISPLAY_MAX_KEY && strncmp(mk, "newsarc:display:place:#", 23) == 0,
          "  its display entry name is hashed");
    char *mk2 = na_schema_display_meta_key(f, k);
    CHECK_STR(mk, mk2, "  the same way each time");
    char *short_mk = na_schema_display_meta_key(f, "denver");
    CHECK_STR(short_mk, "newsarc:display:place:denver", "a short key names its entry itself");
    free(k);
    free(t);
    free(mk);
    free(mk2);
    free(short_mk);
    na_buf_release(&b);
}

static void test_tally(void)
{
    na_display_tally_t t = NA_DISPLAY_TALLY_INIT;
    CHECK(na_display_tally_best(&t) == NULL, "an empty tally has no form");
    na_display_tally_add(&t, "DENVER", 19);
    na_display_tally_add(&t, "Denver", 2);
    CHECK_STR(na_display_tally_best(&t), "DENVER", "the most frequent spelling wins");
    na_display_tally_add(&t, "Denver", 20);
    CHECK_STR(na_display_tally_best(&t), "Denver", "  counts add up");
    na_display_tally_add(&t, "bad\tone", 100);
    CHECK_STR(na_display_tally_best(&t), "Denver", "  a spelling with a tab is refused");

    na_buf_t out = NA_BUF_INIT;
    na_display_tally_format(&t, "denver", &out);
    CHECK_STR(out.data, "denver\n22\tDenver\n19\tDENVER\n", "the stored form: key, then most frequent first");

    /* Two shards: the counts are summed before choosing. */
    na_display_tally_t sum = NA_DISPLAY_TALLY_INIT;
    static const char shard2[] = "denver\n30\tDENVER\n";
    CHECK(na_display_tally_add_stored(&sum, "denver", out.data, out.len), "a stored value reads back");
    CHECK(na_display_tally_add_stored(&sum, "denver", shard2, strlen(shard2)), "  and another shard's");
    CHECK_STR(na_display_tally_best(&sum), "DENVER", "  summed over shards: 49 against 22");
    CHECK(!na_display_tally_add_stored(&sum, "boulder", shard2, strlen(shard2)),
          "a value written for another key is refused");
    CHECK(!na_display_tally_add_stored(&sum, "denver", "denver", 6), "  and one without its newline");
    CHECK_STR(na_display_tally_best(&sum), "DENVER", "  adding nothing");

    na_display_tally_t tie = NA_DISPLAY_TALLY_INIT;
    na_display_tally_add(&tie, "Ecu", 3);
    na_display_tally_add(&tie, "ECU", 3);
    CHECK_STR(na_display_tally_best(&tie), "ECU", "a tie goes to the first in byte order");

    na_display_tally_t many = NA_DISPLAY_TALLY_INIT;
    char s[16];
    for (int i = 0; i < NA_DISPLAY_MAX_SPELLINGS + 4; i++) {
        snprintf(s, sizeof s, "s%02d", i);
        na_display_tally_add(&many, s, (unsigned long)(i + 1));
    }
    na_display_tally_format(&many, "k", &out);
    size_t lines = 0;
    for (const char *p = out.data; *p; p++)
        lines += *p == '\n';
    CHECK_INT(lines, NA_DISPLAY_MAX_SPELLINGS + 1, "at most NA_DISPLAY_MAX_SPELLINGS are kept");
    CHECK(strstr(out.data, "s11") && !strstr(out.data, "s00"), "  the rarest are dropped");

    na_display_tally_release(&t);
    na_display_tally_release(&sum);
    na_display_tally_release(&tie);
    na_display_tally_release(&many);
    na_buf_release(&out);
}

static void test_grains(void)
{
    /* The grains' slots apart from one another and from every other
     * field's and fixed slot. */
    for (int g = 0; g < NA_MENTIONED_GRAINS; g++)
        for (int h = 0; h < NA_MENTIONED_GRAINS; h++)
            if (g != h)
                CHECK(na_mentioned_grains[g].slot != na_mentioned_grains[h].slot, "grain slots apart");
    for (int g = 0; g < NA_MENTIONED_GRAINS; g++) {
        na_slot_t a = na_mentioned_grains[g].slot;
        CHECK(a != NA_SLOT_DATE && a != NA_SLOT_HASH, "grain slot apart from the fixed ones");
        for (int f = 0; f < NA_FIELD_COUNT; f++)
            if (f != NA_FIELD_MENTIONED)
                CHECK(a != na_fields[f].slot, "grain slot apart from fields");
    }
    /* One slot a field: no two fields share one, but the day (its
     * values are the dates'). */
    for (int f = 0; f < NA_FIELD_COUNT; f++)
        for (int h = f + 1; h < NA_FIELD_COUNT; h++)
            if (f != NA_FIELD_DAY && h != NA_FIELD_DAY)
                CHECK(na_fields[f].slot != na_fields[h].slot, "field slots apart");
    CHECK_INT(na_mentioned_grains[NA_MENTIONED_DEFAULT_GRAIN].slot, na_fields[NA_FIELD_MENTIONED].slot,
              "the default grain is the field's own range");
    CHECK_STR(na_mentioned_grains[NA_MENTIONED_DEFAULT_GRAIN].name, "month", "  and is the month");
}

/* Facet names: every field, and mentioned:GRAIN for each grain only. */
static void test_facet_names(void)
{
    static const struct {
        const char *name;
        int field; /* -1: refused */
        int grain;
    } cases[] = {
        { "place", NA_FIELD_PLACE, NA_MENTIONED_DEFAULT_GRAIN },
        { "mentioned", NA_FIELD_MENTIONED, NA_MENTIONED_DEFAULT_GRAIN },
        { "mentioned:year", NA_FIELD_MENTIONED, 0 },
        { "mentioned:quarter", NA_FIELD_MENTIONED, 1 },
        { "mentioned:month", NA_FIELD_MENTIONED, 2 },
        { "mentioned:day", NA_FIELD_MENTIONED, 3 },
        { "day", NA_FIELD_DAY, NA_MENTIONED_DEFAULT_GRAIN },
        { "mentioned:week", -1, 0 },
        { "mentioned:", -1, 0 },
        { "place:year", -1, 0 },
        { "mention", -1, 0 },
        { "mentionedx", -1, 0 },
        { "", -1, 0 },
        { ":year", -1, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int grain = -7;
        const na_field_info_t *f = na_schema_facet_parse(cases[i].name, &grain);
        if (cases[i].field < 0) {
            CHECK(f == NULL, cases[i].name);
        } else {
            CHECK(f == &na_fields[cases[i].field], cases[i].name);
            CHECK_INT(grain, cases[i].grain, cases[i].name);
        }
    }
    CHECK(na_schema_facet_parse(NULL, NULL) == NULL, "no name: none");
    char names[512];
    na_schema_facet_names(names, sizeof names);
    CHECK_STR(names,
              "person, place, org, topic, source, year, month, mentioned, author, day, mentioned:year, "
              "mentioned:quarter, mentioned:month, mentioned:day",
              "every facet name, from the tables");
    char small[12];
    na_schema_facet_names(small, sizeof small);
    CHECK_STR(small, "person, pla", "cut to fit");
}

int main(void)
{
    test_keys();
    test_long_key();
    test_tally();
    test_grains();
    test_facet_names();
    return unit_done();
}
