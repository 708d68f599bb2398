/* test-record.c - document data layout and reading stored articles back
 * through a real database with a dictionary in its metadata. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"
#include "schema.h"
#include "store.h"
#include "unit.h"
#include "xapian-c.h"

static void test_round_trip(void)
{
    static const struct { const char *meta; const char *blob; size_t blob_len; } cases[] = {
        { "{}", "", 0 },
        { "{\"id\":\"a\"}", "xyz", 3 },
        { "", "\0\1\2", 3 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        na_buf_t buf = NA_BUF_INIT;
        na_record_encode(cases[i].meta, strlen(cases[i].meta), cases[i].blob, cases[i].blob_len, &buf);
        na_record_view_t v;
        CHECK_INT(na_record_decode(buf.data, buf.len, &v, NULL), NA_OK, "decode what was encoded");
        CHECK(v.meta_len == strlen(cases[i].meta) && memcmp(v.meta, cases[i].meta, v.meta_len) == 0,
              "metadata comes back");
        CHECK(v.blob_len == cases[i].blob_len && memcmp(v.blob, cases[i].blob, v.blob_len) == 0,
              "blob comes back");
        na_buf_release(&buf);
    }

    /* A long metadata object needs a multi-byte length. */
    na_buf_t meta = NA_BUF_INIT, buf = NA_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        na_buf_adds(&meta, "0123456789");
    na_record_encode(meta.data, meta.len, "b", 1, &buf);
    na_record_view_t v;
    CHECK_INT(na_record_decode(buf.data, buf.len, &v, NULL), NA_OK, "long metadata decodes");
    CHECK_INT(v.meta_len, 10000, "long metadata length");
    CHECK_INT(v.blob_len, 1, "blob after long metadata");
    na_buf_release(&meta);
    na_buf_release(&buf);
}

static void test_corrupt(void)
{
    static const struct { const char *data; size_t len; const char *what; } cases[] = {
        { "", 0, "empty data" },
        { "\x05" "abc", 4, "metadata longer than the data" },
        { "\x80\x80\x80\x80\x80\x80", 6, "unterminated length" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        na_record_view_t v;
        na_error_t err;
        CHECK_INT(na_record_decode(cases[i].data, cases[i].len, &v, &err), NA_ERR_CORRUPT, cases[i].what);
    }
}

static void test_reader(void)
{
    char dir[] = "/tmp/newsarc-record.XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "make a scratch directory");
        return;
    }
    char *path = na_xasprintf("%s/db", dir);
    const char *article = "<REUTERS NEWID=\"1\">a story about cocoa and cocoa prices</REUTERS>";
    const char *dict_text = "cocoa prices <REUTERS NEWID=\"";

    na_xwdb_t *w = NULL;
    na_error_t err;
    CHECK_INT(na_xwdb_open(path, true, &w, &err), NA_OK, "create a database");
    char key[64];
    snprintf(key, sizeof key, NA_META_ZDICT_FMT, 7u);
    na_xwdb_set_metadata(w, key, dict_text, strlen(dict_text), &err);

    na_zdict_t dict = { 7, (const unsigned char *)dict_text, strlen(dict_text), 0 };
    na_buf_t blob = NA_BUF_INIT, data = NA_BUF_INIT, with_missing = NA_BUF_INIT;
    na_store_pack(article, strlen(article), &dict, 9, &blob, &err);
    na_record_encode("{}", 2, blob.data, blob.len, &data);
    na_xdoc_t *doc = na_xdoc_new();
    na_xdoc_set_data(doc, data.data, data.len);
    CHECK_INT(na_xwdb_replace(w, "Qa", doc, &err), NA_OK, "add a document");

    /* The same article packed against a dictionary the database lacks. */
    na_buf_reset(&blob);
    dict.id = 8;
    na_store_pack(article, strlen(article), &dict, 9, &blob, &err);
    na_record_encode("{}", 2, blob.data, blob.len, &with_missing);
    na_xdoc_clear(doc);
    na_xdoc_set_data(doc, with_missing.data, with_missing.len);
    na_xwdb_replace(w, "Qb", doc, &err);
    na_xdoc_free(doc);
    CHECK_INT(na_xwdb_close(w, &err), NA_OK, "commit and close");

    const char *specs[] = { path };
    na_xdb_t *db = NULL;
    CHECK_INT(na_xdb_open(specs, 1, &db, &err), NA_OK, "open for reading");
    na_record_reader_t *reader = na_record_reader_new(db);
    na_record_view_t v;
    na_buf_t raw = NA_BUF_INIT;
    na_record_decode(data.data, data.len, &v, &err);
    CHECK_INT(na_record_reader_raw(reader, &v, &raw, &err), NA_OK, "read an article with its dictionary");
    CHECK_STR(raw.data, article, "original bytes come back exactly");
    na_buf_reset(&raw);
    CHECK_INT(na_record_reader_raw(reader, &v, &raw, &err), NA_OK, "second read uses the cached dictionary");
    na_record_decode(with_missing.data, with_missing.len, &v, &err);
    na_buf_reset(&raw);
    CHECK_INT(na_record_reader_raw(reader, &v, &raw, &err), NA_ERR_CORRUPT, "a missing dictionary is corruption");
    CHECK(strstr(err.message, "dictionary 8") != NULL, "the message names the dictionary");

    na_buf_release(&raw);
    na_buf_release(&blob);
    na_buf_release(&data);
    na_buf_release(&with_missing);
    na_record_reader_free(reader);
    na_xdb_close(db);
    char *cmd = na_xasprintf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        CHECK(0, "remove the scratch directory");
    free(cmd);
    free(path);
}

int main(void)
{
    test_round_trip();
    test_corrupt();
    test_reader();
    return unit_done();
}
