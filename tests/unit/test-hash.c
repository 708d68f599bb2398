/* test-hash.c - lib/hash.c's FNV-1a against published vectors, hashing in
 * pieces, and the terms lib/schema.c makes from ids and paths too long
 * for Xapian. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "schema.h"
#include "strmap.h"
#include "unit.h"
#include "util.h"

static void test_vectors(void)
{
    /* The FNV reference vectors (Fowler, Noll, Vo: test_fnv.c). */
    static const struct {
        const char *in;
        const char *hex;
    } cases[] = {
        { "", "cbf29ce484222325" },
        { "a", "af63dc4c8601ec8c" },
        { "b", "af63df4c8601f1a5" },
        { "foobar", "85944171f73967e8" },
        { "chongo was here!\n", "46810940eff5f915" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[17];
        char what[64];
        snprintf(what, sizeof what, "fnv1a-64 of \"%.20s\"", cases[i].in);
        CHECK_STR(na_hash64_hex(NA_HASH_SEED, cases[i].in, strlen(cases[i].in), out), cases[i].hex, what);
    }
    CHECK(na_hash64(NA_HASH_SEED, NULL, 0) == NA_HASH_SEED, "no bytes leave the seed");
    /* MurmurHash3's fmix64, which the tagger's model features depend on. */
    CHECK(na_hash64_mix(0) == 0, "mix of 0 is 0");
    CHECK(na_hash64_mix(1) == 0xb456bcfc34c2cb2cULL, "mix of 1 is fmix64's");
    CHECK(na_hash64_mix(NA_HASH_SEED) == 0xefd01f60ba992926ULL, "mix of the seed is fmix64's");
    /* The date finder keeps only 32 bits of the state while it hashes. */
    uint32_t h32 = (uint32_t)NA_HASH_SEED;
    for (const char *p = "september"; *p; p++)
        h32 = (uint32_t)na_hash64_byte(h32, (unsigned char)*p);
    CHECK(h32 == (uint32_t)na_hash64(NA_HASH_SEED, "september", 9), "32 bits of state give the hash's low 32 bits");
}

static void test_pieces(void)
{
    uint64_t whole = na_hash64(NA_HASH_SEED, "foobar", 6);
    uint64_t parts = na_hash64(na_hash64(NA_HASH_SEED, "foo", 3), "bar", 3);
    CHECK(whole == parts, "hashing in pieces is hashing the whole");
    CHECK(na_hash64(1, "foobar", 6) != whole, "another seed gives another hash");
    CHECK(na_hash64(NA_HASH_SEED, "a\0b", 3) != na_hash64(NA_HASH_SEED, "a\0c", 3), "bytes after a NUL count");
}

static void test_terms(void)
{
    char *t = na_schema_id_term("reuters-42");
    CHECK_STR(t, "Qreuters-42", "a short id is its Q term as written");
    free(t);
    t = na_schema_id_term("Mixed-Case");
    CHECK_STR(t, "QMixed-Case", "an id term keeps its case");
    free(t);

    char long_id[400];
    memset(long_id, 'x', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    char *a = na_schema_id_term(long_id);
    CHECK(strlen(a) <= 245, "a long id's term fits Xapian's limit");
    CHECK(strncmp(a, "Qxxx", 4) == 0, "a long id's term starts with the id");
    long_id[398] = 'y'; /* differs only past the cut */
    char *b = na_schema_id_term(long_id);
    CHECK(strcmp(a, b) != 0, "long ids that differ past the cut get different terms");
    char *b2 = na_schema_id_term(long_id);
    CHECK_STR(b2, b, "the same long id always gets the same term");
    free(a);
    free(b);
    free(b2);

    t = na_schema_file_term("/srv/news/a.txt");
    CHECK_STR(t, "XFILE/srv/news/a.txt", "a path's term is XFILE and the path as written");
    free(t);
    char long_path[600];
    memset(long_path, 'p', sizeof long_path - 1);
    long_path[0] = '/';
    long_path[sizeof long_path - 1] = '\0';
    a = na_schema_file_term(long_path);
    CHECK(strlen(a) <= 245, "a long path's term fits Xapian's limit");
    long_path[500] = 'q';
    b = na_schema_file_term(long_path);
    CHECK(strcmp(a, b) != 0, "long paths that differ get different terms");
    free(a);
    free(b);
}

static void test_source_files(void)
{
    static const struct {
        const char *source, *format, *file;
        const char *what;
    } cases[] = {
        { "stdin", "jsonl", NULL, "standard input has no file" },
        { "/srv/a.jsonl#3", "jsonl", "/srv/a.jsonl", "PATH#N of a JSON Lines file is record N of PATH" },
        { "/srv/a.sgm#1000", "reuters", "/srv/a.sgm", "... of a Reuters file too" },
        { "/srv/a.yaml", "yaml", "/srv/a.yaml", "a path without #N is the file" },
        { "/srv/notes#2", "text", "/srv/notes#2", "a text file holds one article: # is part of its name" },
        { "/srv/x.md#7", "markdown", "/srv/x.md#7", "... a Markdown file too" },
        { "/srv/a#b.jsonl#2", "jsonl", "/srv/a#b.jsonl", "only the last #N counts" },
        { "/srv/a.jsonl#", "jsonl", "/srv/a.jsonl#", "# with no number is part of the name" },
        { "/srv/a.jsonl#2x", "jsonl", "/srv/a.jsonl#2x", "# with more than digits too" },
        { "/srv/a.jsonl#4", NULL, "/srv/a.jsonl", "no format: read as a file of several" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *f = na_schema_source_file(cases[i].source, cases[i].format);
        CHECK_STR(f, cases[i].file, cases[i].what);
        free(f);
    }
}

/* lib/strmap.c: the string-keyed table, across growth. */
static void test_strmap(void)
{
    na_strmap_t m = NA_STRMAP_INIT;
    CHECK(na_strmap_get(&m, "x") == NULL && !na_strmap_contains(&m, "x"), "strmap: empty map has nothing");
    static int vals[1000];
    char key[32];
    bool fresh = true;
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "key-%d", i);
        fresh &= na_strmap_put(&m, key, &vals[i]) == NULL;
    }
    CHECK(fresh && m.count == 1000, "strmap: 1000 new keys, through several growths");
    bool found = true;
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "key-%d", i);
        found &= na_strmap_get(&m, key) == &vals[i];
    }
    CHECK(found, "strmap: each key finds its value");
    CHECK(na_strmap_put(&m, "key-7", &vals[8]) == &vals[7] && m.count == 1000 && na_strmap_get(&m, "key-7") == &vals[8],
          "strmap: putting a key again replaces its value and returns the old one");
    CHECK(na_strmap_put(&m, "null", NULL) == NULL && na_strmap_contains(&m, "null") && !na_strmap_contains(&m, "nul"),
          "strmap: a key with a NULL value is there; a prefix of it is not");
    size_t pos = 0, n = 0;
    const char *k;
    void *v;
    while (na_strmap_next(&m, &pos, &k, &v))
        n++;
    CHECK_INT(n, 1001, "strmap: iteration visits every key once");
    void **ref = na_strmap_ref(&m, "key-9");
    CHECK(ref && *ref == &vals[9] && m.count == 1001, "strmap: ref of a key finds its value slot");
    *ref = &vals[10];
    CHECK(na_strmap_get(&m, "key-9") == &vals[10], "strmap: setting through a ref sets the value");
    ref = na_strmap_ref(&m, "fresh");
    CHECK(ref && *ref == NULL && m.count == 1002 && na_strmap_contains(&m, "fresh"),
          "strmap: ref of a new key adds it with a NULL value");
    size_t cap = m.cap;
    na_strmap_clear(&m, NULL);
    CHECK(m.count == 0 && m.cap == cap && !na_strmap_contains(&m, "key-1") && !na_strmap_contains(&m, "fresh"),
          "strmap: clear empties it and keeps its room");
    pos = 0;
    CHECK(!na_strmap_next(&m, &pos, &k, &v), "strmap: a cleared map iterates over nothing");
    CHECK(na_strmap_put(&m, "key-1", &vals[1]) == NULL && na_strmap_get(&m, "key-1") == &vals[1] && m.count == 1,
          "strmap: a cleared map takes keys again");
    na_strmap_t freed = NA_STRMAP_INIT;
    na_strmap_put(&freed, "a", na_xstrdup("one"));
    na_strmap_put(&freed, "b", na_xstrdup("two"));
    na_strmap_clear(&freed, free);
    CHECK(freed.count == 0 && !na_strmap_contains(&freed, "a"), "strmap: clear frees the values it is given to");
    na_strmap_release(&freed, NULL);
    na_strmap_clear(NULL, NULL);
    na_strmap_release(&m, NULL);
    CHECK(m.count == 0 && na_strmap_get(&m, "key-1") == NULL, "strmap: release empties it");
    na_strmap_release(NULL, NULL);
}

int main(void)
{
    test_strmap();
    test_vectors();
    test_pieces();
    test_terms();
    test_source_files();
    return unit_done();
}
