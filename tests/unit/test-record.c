/* test-record.c - document data layout, the metadata reader (checked
 * against jansson on written, hand-made and randomly damaged records),
 * the lead kept in the metadata, building a whole record, and reading stored articles back through
 * a real database with a dictionary in its metadata. */
#include <jansson.h>
#include <stdint.h>
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

/* ---- the metadata reader ---- */

#define STR_KEYS 9
static const char *const str_keys[STR_KEYS] = { "id", "title", "date", "source", "url", "language", "dateline",
                                                "format", "date_source" };
/* The last four are the lists of the "extracted" object. */
#define TOP_LISTS 7
#define LIST_KEYS (TOP_LISTS + 4)
static const char *const list_keys[LIST_KEYS] = { "authors", "people", "places", "orgs", "topics", "exchanges",
                                                  "sources", "people", "places", "orgs", "mentioned" };

static const char *meta_str_field(const na_record_meta_t *m, int i)
{
    const char *const v[STR_KEYS] = { m->id,       m->title,    m->date,   m->source,     m->url,
                                      m->language, m->dateline, m->format, m->date_source };
    return v[i];
}

static na_record_list_t meta_list_field(const na_record_meta_t *m, int i)
{
    const na_record_list_t v[LIST_KEYS] = { m->authors,          m->people,           m->places,         m->orgs,
                                            m->topics,           m->exchanges,        m->sources,
                                            m->extracted_people, m->extracted_places, m->extracted_orgs,
                                            m->mentioned };
    return v[i];
}

/* Does M hold what jansson reads from the LEN bytes at JSON, as
 * newsarc-search used to take it: strings, and the strings of lists? */
static bool same_as_jansson(const char *json, size_t len, const na_record_meta_t *m)
{
    json_t *o = json_loadb(json, len, 0, NULL);
    bool same = json_is_object(o);
    for (int i = 0; same && i < STR_KEYS; i++) {
        const char *want = json_string_value(json_object_get(o, str_keys[i]));
        const char *got = meta_str_field(m, i);
        same = want && got ? strcmp(want, got) == 0 : want == got;
    }
    for (int i = 0; same && i < LIST_KEYS; i++) {
        json_t *a = json_object_get(i < TOP_LISTS ? o : json_object_get(o, "extracted"), list_keys[i]);
        na_record_list_t l = meta_list_field(m, i);
        size_t k = 0;
        for (size_t j = 0; same && json_is_array(a) && j < json_array_size(a); j++) {
            const char *v = json_string_value(json_array_get(a, j));
            if (v)
                same = k < l.count && strcmp(l.items[k++], v) == 0;
        }
        same = same && k == l.count;
    }
    if (same) {
        const char *lead = json_string_value(json_object_get(o, "lead"));
        same = (lead && m->lead ? strcmp(lead, m->lead) == 0 : lead == m->lead) &&
               json_is_true(json_object_get(o, "lead_cut")) == m->lead_cut;
    }
    json_decref(o);
    return same;
}

static void test_meta(void)
{
    static const struct {
        const char *json;
        int handled; /* 1: read here; 0: left to jansson (or not JSON) */
        const char *what;
    } cases[] = {
        { "{\"id\":\"reuters-313\",\"title\":\"DUTCH OILSEEDS/FATS IMPORTS\",\"date\":\"1987-03-02T05:43:35\","
          "\"source\":\"Reuters\",\"dateline\":\"THE HAGUE, March 2\",\"format\":\"reuters\","
          "\"places\":[\"Netherlands\"],\"topics\":[\"oilseed\",\"sunseed\"],"
          "\"extracted\":{\"people\":[\"Ruud Lubbers\"],\"mentioned\":[]},\"date_source\":\"source\","
          "\"extra\":{\"topics_status\":\"YES\",\"oldid\":\"12496\"}}",
          1, "a record as the indexer writes it" },
        { "{}", 1, "an empty object" },
        { "{\"id\":\"d-0123456789abcdef\",\"sources\":[\"/srv/news/a.jsonl#3\",\"stdin\"]}", 1,
          "the sources of an article" },
        { "{\"sources\":\"/srv/a.txt\",\"file\":\"x\"}", 1, "sources that is not a list" },
        { " \t\r\n{ \"id\" : \"a\" , \"places\" : [ \"x\" , \"y\" ] }\n ", 1, "blanks around every token" },
        { "{\"title\":\"Q\\\"A \\\\ \\/ \\b\\f\\n\\r\\t end\"}", 1, "every short escape" },
        { "{\"title\":\"Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xb0\"}", 1, "UTF-8 of two, three and four bytes" },
        { "{\"id\":\"a\",\"id\":\"b\"}", 1, "a key given twice: the last counts" },
        { "{\"places\":[\"a\"],\"places\":[\"b\",\"c\"]}", 1, "a list given twice" },
        { "{\"id\":\"a\",\"id\":null}", 1, "a string key last given null" },
        { "{\"title\":[\"a\"],\"url\":{\"x\":\"y\"},\"date\":true,\"file\":false}", 1,
          "string keys with other values" },
        { "{\"places\":\"usa\",\"people\":{},\"orgs\":null}", 1, "list keys with other values" },
        { "{\"topics\":[null,\"a\",true,[\"b\"],{\"c\":\"d\"},\"e\",false]}", 1, "lists keep their strings" },
        { "{\"topics\":[],\"people\":[ ]}", 1, "empty lists" },
        { "{\"extra\":{\"a\":{\"b\":[[[{}]]]}},\"\":\"\"}", 1, "nesting and an empty key" },
        { "{\"lead\":\"Oil rose.\\nThen\",\"lead_cut\":true}", 1, "a lead, cut" },
        { "{\"lead\":\"Oil rose.\",\"lead_cut\":false}", 1, "a lead, whole" },
        { "{\"extracted\":{\"places\":[\"Oslo\"],\"orgs\":[\"Nvidia\",null],\"mentioned\":[\"2025-Q2\"],"
          "\"other\":[\"x\"]},\"date_source\":\"dateline\"}", 1, "the extracted lists and the date source" },
        { "{\"extracted\":[\"Oslo\"],\"people\":[\"A\"]}", 1, "extracted that is not an object" },
        { "{\"lead\":[\"x\"],\"lead_cut\":\"yes\"}", 1, "a lead of the wrong types" },
        { "{\"lead_cut\":true,\"lead_cut\":null}", 1, "lead_cut given twice" },
        { "{\"id\":\"a\",\"n\":12}", 1, "a number: skipped" },
        { "{\"id\":\"a\",\"x\":-1.5e3,\"y\":[0,0.25,7E+2,-0,1e-9],\"title\":3}", 1, "numbers of every form" },
        { "{\"extracted\":{\"names\":[{\"type\":\"org\",\"name\":\"Bahia Cocoa\",\"count\":4,\"first\":420,"
          "\"salient\":true}],\"orgs\":[\"Bahia Cocoa\"]},\"id\":\"r-1\"}", 1, "extraction details with numbers" },
        { "{\"n\":01}", 0, "a leading zero" },
        { "{\"n\":+1}", 0, "a plus sign" },
        { "{\"n\":1.}", 0, "a point without digits after it" },
        { "{\"n\":.5}", 0, "a point without digits before it" },
        { "{\"n\":1e}", 0, "an exponent without digits" },
        { "{\"n\":-}", 0, "a minus alone" },
        { "{\"id\":\"\\u00e9\"}", 0, "a \\u escape: left to jansson" },
        { "{\"id\":\"\\ud800\"}", 0, "a lone surrogate escape" },
        { "{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", 0,
          "nesting deeper than 32" },
        { "", 0, "nothing" },
        { "   ", 0, "blanks only" },
        { "[\"a\"]", 0, "an array" },
        { "\"a\"", 0, "a string" },
        { "{\"id\":\"a\"", 0, "an object not closed" },
        { "{\"id\":\"a\"}}", 0, "a brace too many" },
        { "{\"id\":\"a\"} x", 0, "text after the object" },
        { "{\"id\" \"a\"}", 0, "no colon" },
        { "{\"id\":\"a\",}", 0, "a comma before the brace" },
        { "{\"places\":[\"a\",]}", 0, "a comma before the bracket" },
        { "{\"places\":[\"a\" \"b\"]}", 0, "no comma between items" },
        { "{id:\"a\"}", 0, "a key without quotes" },
        { "{'id':'a'}", 0, "single quotes" },
        { "{\"id\":\"a\\x\"}", 0, "an unknown escape" },
        { "{\"id\":\"a\tb\"}", 0, "a raw tab in a string" },
        { "{\"id\":\"caf\xe9\"}", 0, "Latin-1, not UTF-8" },
        { "{\"id\":\"\\nab\\tcaf\xc3\xa9\\\\\"}", 1, "escapes around runs of UTF-8" },
        { "{\"id\":\"a\\n\xe9\"}", 0, "Latin-1 after an escape" },
        { "{\"id\":\"abc", 0, "a string not closed" },
        { "{\"id\":\"abcdefghijklmnopqrstuvw\xc3\xa9xyz0123456789ABCDEFGHIJ\\\"KLMNOPQRSTUV\"}", 1,
          "a long string: UTF-8 and an escape inside its runs" },
        { "{\"id\":\"abcdefghijklmnopqrstuvw\xe9xyz0123456789ABCDEFGHIJ\"}", 0, "Latin-1 inside a long run" },
        { "{\"id\":\"abcdefghijklmnopqrstuvw\x01xyz0123456789ABCDEFGHIJ\"}", 0, "a control byte inside a long run" },
        { "{\"id\":\"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ", 0, "a long string not closed" },
        { "{\"id\":\"\xed\xa0\x80\"}", 0, "an encoded surrogate" },
        { "{\"id\":\"\xc0\xaf\"}", 0, "an overlong sequence" },
        { "\xef\xbb\xbf{}", 0, "a byte order mark" },
        { "{\"a\":tru}", 0, "a literal cut short" },
        { "{\"a\":truex}", 0, "a literal run on" },
        { "{\"a\":nul}", 0, "null cut short" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        na_record_meta_t m;
        bool handled = na_record_meta_read(cases[i].json, strlen(cases[i].json), &m);
        CHECK_INT(handled, cases[i].handled, cases[i].what);
        if (handled)
            CHECK(same_as_jansson(cases[i].json, strlen(cases[i].json), &m), "... as jansson reads it");
        else
            CHECK(m.id == NULL && m.places.count == 0 && m.mem_ == NULL, "... leaving the fields empty");
        na_record_meta_release(&m);
    }

    /* The hand-made record field by field, and a length that stops early:
     * the text need not end with a NUL. */
    na_record_meta_t m;
    const char *json = cases[0].json;
    CHECK(na_record_meta_read(json, strlen(json), &m), "the record is read");
    CHECK_STR(m.id, "reuters-313", "... its id");
    CHECK_STR(m.format, "reuters", "... its format");
    CHECK(m.url == NULL && m.people.count == 0, "... nothing for what it lacks, extracted people not taken");
    CHECK(m.topics.count == 2 && strcmp(m.topics.items[1], "sunseed") == 0, "... its topics");
    na_record_meta_release(&m);
    json = cases[2].json;
    CHECK(na_record_meta_read(json, strlen(json), &m), "a record with sources is read");
    CHECK(m.sources.count == 2 && strcmp(m.sources.items[0], "/srv/news/a.jsonl#3") == 0 &&
              strcmp(m.sources.items[1], "stdin") == 0,
          "... its sources, in order");
    na_record_meta_release(&m);
    const char *two = "{\"id\":\"a\"}{\"id\":\"b\"}";
    CHECK(na_record_meta_read(two, 10, &m) && strcmp(m.id, "a") == 0, "only LEN bytes are read");
    na_record_meta_release(&m);
    na_record_meta_release(NULL);

    /* Damage: any byte changed, any length cut.  Whatever the reader
     * takes, jansson must read the same. */
    uint32_t x = 2463534242u;
    int wrong = 0, taken = 0;
    for (int round = 0; round < 20000; round++) {
        const char *src = cases[round % 13].json;
        size_t len = strlen(src);
        char *copy = malloc(len + 1);
        memcpy(copy, src, len + 1);
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        if (x % 4 == 0) {
            len = x % (len + 1);
        } else {
            for (int k = 0; k <= (int)(x % 3); k++) {
                x ^= x << 13, x ^= x >> 17, x ^= x << 5;
                static const char pick[] = "{}[]\",:\\ntu0\x80\xc3\xff a";
                copy[x % len] = x & 1 ? pick[(x >> 8) % (sizeof pick - 1)] : (char)(x >> 16);
            }
        }
        na_record_meta_t d;
        if (na_record_meta_read(copy, len, &d)) {
            taken++;
            if (!same_as_jansson(copy, len, &d))
                wrong++;
        }
        na_record_meta_release(&d);
        free(copy);
    }
    CHECK_INT(wrong, 0, "20000 damaged records: what the reader takes, jansson reads the same");
    CHECK(taken > 500, "... and it still takes some of them");
}

static void test_lead(void)
{
    char text[1200];
    for (size_t i = 0; i < sizeof text - 1; i++)
        text[i] = (char)('a' + i % 7);
    text[sizeof text - 1] = '\0';
    CHECK_INT(na_record_lead_len("", 0), 0, "the lead of nothing is nothing");
    CHECK_INT(na_record_lead_len("Oil rose.", 9), 9, "a short text is its own lead");
    CHECK_INT(na_record_lead_len(text, NA_RECORD_LEAD_MAX), NA_RECORD_LEAD_MAX, "... up to NA_RECORD_LEAD_MAX");
    text[100] = ' ';
    text[NA_RECORD_LEAD_MAX - 10] = '\n';
    CHECK_INT(na_record_lead_len(text, sizeof text - 1), NA_RECORD_LEAD_MAX - 10,
              "a longer text is cut at its last blank in reach");
    text[NA_RECORD_LEAD_MAX] = ' ';
    CHECK_INT(na_record_lead_len(text, sizeof text - 1), NA_RECORD_LEAD_MAX, "... which may be right after it");
    text[NA_RECORD_LEAD_MAX] = 'x';
    text[100] = 'x';
    text[NA_RECORD_LEAD_MAX - 10] = 'x';
    CHECK_INT(na_record_lead_len(text, sizeof text - 1), NA_RECORD_LEAD_MAX, "no blank: cut at the limit");
    /* "\xc3\xa9" straddling the limit: never cut inside a character */
    text[NA_RECORD_LEAD_MAX - 1] = '\xc3';
    text[NA_RECORD_LEAD_MAX] = '\xa9';
    CHECK_INT(na_record_lead_len(text, sizeof text - 1), NA_RECORD_LEAD_MAX - 1, "... before a character, not inside");

    json_t *m = json_object();
    na_record_meta_add_lead(m, NULL);
    na_record_meta_add_lead(m, "");
    CHECK_INT(json_object_size(m), 0, "no text: no lead");
    na_record_meta_add_lead(m, "Oil rose.\nThen fell.");
    CHECK_STR(json_string_value(json_object_get(m, "lead")), "Oil rose.\nThen fell.", "a short text is the lead");
    CHECK(json_object_get(m, "lead_cut") == NULL, "... and not cut");
    text[100] = ' ';
    na_record_meta_add_lead(m, text);
    const char *lead = json_string_value(json_object_get(m, "lead"));
    CHECK(lead && strlen(lead) == 100 && strncmp(lead, text, 100) == 0, "a long text's lead is its start");
    CHECK(json_is_true(json_object_get(m, "lead_cut")), "... marked cut");
    char *dumped = json_dumps(m, JSON_COMPACT);
    na_record_meta_t r;
    CHECK(na_record_meta_read(dumped, strlen(dumped), &r), "the reader reads it back");
    CHECK(r.lead && strcmp(r.lead, lead) == 0 && r.lead_cut, "... lead and cut mark");
    na_record_meta_release(&r);
    free(dumped);
    json_decref(m);
    m = json_object();
    na_record_meta_add_lead(m, "caf\xe9");
    CHECK_INT(json_object_size(m), 0, "text that is not UTF-8 gets no lead");
    json_decref(m);
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
    CHECK_INT(na_xwdb_open(path, NA_XWDB_CREATE, &w, &err), NA_OK, "create a database");
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

/* na_record_meta_load(): the reader or jansson, the same struct either
 * way, lists merged as shown, the extra keys only when asked for. */
static const struct {
    const char *json;
    bool full;
    bool ok;
    const char *id, *people, *places, *extra; /* lists joined with "|"; extra "k=v|..." */
} loads[] = {
    /* The reader vouches for this one... */
    { "{\"id\":\"a\",\"people\":[\"X\"],\"extracted\":{\"people\":[\"X\",\"Y\"],\"places\":[\"Oslo\"]}}",
      false, true, "a", "X|Y", "Oslo", "" },
    /* ...a \u escape it leaves to jansson: the same answer. */
    { "{\"id\":\"\\u0061\",\"n\":1,\"people\":[\"X\"],\"extracted\":{\"people\":[\"X\",\"Y\"],\"places\":[\"Oslo\"]}}",
      false, true, "a", "X|Y", "Oslo", "" },
    /* Full: the extra keys in order, non-strings as JSON. */
    { "{\"id\":\"b\",\"extra\":{\"desk\":\"metro\",\"pages\":3,\"tags\":[\"x\"]}}",
      true, true, "b", "", "", "desk=metro|pages=3|tags=[\"x\"]" },
    { "{\"id\":\"b\",\"extra\":{\"desk\":\"metro\"}}", false, true, "b", "", "", "" },
    /* Not an object: empty, usable, false. */
    { "[1,2]", false, false, NULL, "", "", "" },
    { "{\"id\":", true, false, NULL, "", "", "" },
};

static void join(const na_record_list_t *l, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < l->count && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, "%s%s", i ? "|" : "", l->items[i]);
}

static void test_meta_load(void)
{
    for (size_t i = 0; i < sizeof loads / sizeof *loads; i++) {
        na_record_meta_t m;
        char what[64], got[256];
        bool ok = na_record_meta_load(loads[i].json, strlen(loads[i].json), loads[i].full, &m);
        snprintf(what, sizeof what, "load %zu: readable", i);
        CHECK(ok == loads[i].ok, what);
        snprintf(what, sizeof what, "load %zu: id", i);
        CHECK_STR(m.id, loads[i].id, what);
        join(&m.people, got, sizeof got);
        snprintf(what, sizeof what, "load %zu: people, extracted merged in", i);
        CHECK_STR(got, loads[i].people, what);
        join(&m.places, got, sizeof got);
        snprintf(what, sizeof what, "load %zu: places", i);
        CHECK_STR(got, loads[i].places, what);
        size_t n = 0;
        got[0] = '\0';
        for (size_t k = 0; k < m.extra_count; k++)
            n += (size_t)snprintf(got + n, sizeof got - n, "%s%s=%s", k ? "|" : "", m.extra[k].key, m.extra[k].value);
        snprintf(what, sizeof what, "load %zu: extra", i);
        CHECK_STR(got, loads[i].extra, what);
        na_record_meta_release(&m);
        CHECK(m.id == NULL && m.more_ == NULL, "released and emptied");
    }
}

/* A record with every key, built, decoded and loaded back whole: the
 * exact bytes the indexer stores (key order, compact JSON, what is left
 * out), and every field as it went in. */
static void test_build(void)
{
    const char *sources[] = { "/news/a.sgm#3", "stdin" };
    const char *authors[] = { "Ann Lee" };
    const char *people[] = { "Paul Volcker" };
    const char *places[] = { "Canada", "Brazil" };
    const char *orgs[] = { "OPEC" };
    const char *topics[] = { "crude" };
    const char *exchanges[] = { "NYSE" };
    const char *x_people[] = { "James Baker", "Paul Volcker" };
    const char *x_places[] = { "Ottawa" };
    const char *x_orgs[] = { "IMF" };
    const char *mentioned[] = { "1987", "1987-03" };
    const na_record_name_t names[] = { { "person", "James Baker", 2, 14, false },
                                       { "place", "Ottawa", 1, NA_RECORD_NO_OFFSET, true } };
    const na_record_pair_t extra[] = { { "desk", "energy" }, { "empty", "" }, { "tags", "[\"a\"]" } };
#define L(a) { a, sizeof a / sizeof *a }
    na_record_meta_t in = { .id = "a1", .title = "Oil \"up\"", .date = "1987-03-02", .source = "Reuters",
                            .url = "", .language = "en", .dateline = "OTTAWA, March 2", .format = "reuters",
                            .date_source = "source+dateline", .authors = L(authors), .people = L(people),
                            .places = L(places), .orgs = L(orgs), .topics = L(topics), .exchanges = L(exchanges),
                            .sources = L(sources), .extracted_people = L(x_people), .extracted_places = L(x_places),
                            .extracted_orgs = L(x_orgs), .mentioned = L(mentioned), .lead = "ignored",
                            .extra = extra, .extra_count = 3, .names = names, .name_count = 2 };
#undef L
    const char *want =
        "{\"id\":\"a1\",\"title\":\"Oil \\\"up\\\"\",\"date\":\"1987-03-02\",\"date_source\":\"source+dateline\","
        "\"source\":\"Reuters\",\"language\":\"en\",\"dateline\":\"OTTAWA, March 2\",\"format\":\"reuters\","
        "\"sources\":[\"/news/a.sgm#3\",\"stdin\"],\"authors\":[\"Ann Lee\"],\"people\":[\"Paul Volcker\"],"
        "\"places\":[\"Canada\",\"Brazil\"],\"orgs\":[\"OPEC\"],\"topics\":[\"crude\"],\"exchanges\":[\"NYSE\"],"
        "\"extracted\":{\"people\":[\"James Baker\",\"Paul Volcker\"],\"places\":[\"Ottawa\"],\"orgs\":[\"IMF\"],"
        "\"mentioned\":[\"1987\",\"1987-03\"],\"names\":[{\"type\":\"person\",\"name\":\"James Baker\",\"count\":2,"
        "\"first\":14,\"salient\":false},{\"type\":\"place\",\"name\":\"Ottawa\",\"count\":1,\"first\":null,"
        "\"salient\":true}]},\"extra\":{\"desk\":\"energy\",\"tags\":\"[\\\"a\\\"]\"},\"lead\":\"Oil rose.\"}";
    na_buf_t data = NA_BUF_INIT;
    na_buf_adds(&data, "x"); /* appended to, not replaced */
    na_record_build(&in, "Oil rose.", "BLOB", 4, &data);
    na_record_view_t v;
    CHECK_INT(na_record_decode(data.data + 1, data.len - 1, &v, NULL), NA_OK, "a built record decodes");
    CHECK(data.data[0] == 'x', "... after what OUT held");
    CHECK(v.blob_len == 4 && memcmp(v.blob, "BLOB", 4) == 0, "... with its blob");
    char *meta = na_xstrndup(v.meta, v.meta_len);
    CHECK_STR(meta, want, "... and exactly the metadata bytes the format says");

    na_record_meta_t out;
    CHECK(na_record_meta_load(v.meta, v.meta_len, true, &out), "the full record loads");
    const char *const *got_strs[] = { &out.id, &out.title, &out.date, &out.source, &out.language,
                                      &out.dateline, &out.format, &out.date_source };
    const char *const *in_strs[] = { &in.id, &in.title, &in.date, &in.source, &in.language,
                                     &in.dateline, &in.format, &in.date_source };
    for (size_t i = 0; i < sizeof got_strs / sizeof *got_strs; i++)
        CHECK_STR(*got_strs[i], *in_strs[i], "a string field comes back");
    CHECK(out.url == NULL, "an empty string is left out");
    const na_record_list_t *got_lists[] = { &out.authors, &out.topics, &out.exchanges, &out.sources,
                                            &out.extracted_people, &out.extracted_places, &out.extracted_orgs,
                                            &out.mentioned };
    const na_record_list_t *in_lists[] = { &in.authors, &in.topics, &in.exchanges, &in.sources,
                                           &in.extracted_people, &in.extracted_places, &in.extracted_orgs,
                                           &in.mentioned };
    for (size_t i = 0; i < sizeof got_lists / sizeof *got_lists; i++) {
        bool same = got_lists[i]->count == in_lists[i]->count;
        for (size_t k = 0; same && k < in_lists[i]->count; k++)
            same = strcmp(got_lists[i]->items[k], in_lists[i]->items[k]) == 0;
        CHECK(same, "a list comes back");
    }
    CHECK(out.people.count == 2 && strcmp(out.people.items[1], "James Baker") == 0,
          "people shown: supplied, then the extracted ones they lack");
    CHECK_STR(out.lead, "Oil rose.", "the lead is the body's");
    CHECK(!out.lead_cut, "... not cut");
    CHECK_INT(out.extra_count, 2, "extra keys with a value come back");
    CHECK(out.extra_count == 2 && strcmp(out.extra[1].key, "tags") == 0 && strcmp(out.extra[1].value, "[\"a\"]") == 0,
          "... as text, in order");
    CHECK_INT(out.name_count, 2, "the names come back");
    for (size_t i = 0; i < out.name_count && i < 2; i++)
        CHECK(strcmp(out.names[i].type, names[i].type) == 0 && strcmp(out.names[i].name, names[i].name) == 0 &&
                  out.names[i].count == names[i].count && out.names[i].first == names[i].first &&
                  out.names[i].salient == names[i].salient,
              "... each as it went in");
    na_record_meta_release(&out);
    na_record_meta_t fast;
    CHECK(na_record_meta_read(v.meta, v.meta_len, &fast) && fast.name_count == 0,
          "the fast reader skips the names (numbers and all): a result shows none");
    na_record_meta_release(&fast);
    CHECK(na_record_meta_load(v.meta, v.meta_len, false, &fast), "... which a shown record is read by then");
    CHECK(fast.sources.count == 2 && strcmp(fast.title, in.title) == 0 && fast.name_count == 0,
          "... with its fields, the names only when full");
    na_record_meta_release(&fast);

    /* New sources: every other byte stays as it was. */
    const char *moved[] = { "/news/b.sgm#1" };
    na_record_list_t ms = { moved, 1 };
    char *re = na_record_meta_with_sources(v.meta, v.meta_len, &ms);
    char *expect = na_xstrdup(want);
    char *at = strstr(expect, "[\"/news/a.sgm#3\",\"stdin\"]");
    memcpy(at, "[\"/news/b.sgm#1\"]", strlen("[\"/news/b.sgm#1\"]"));
    memmove(at + strlen("[\"/news/b.sgm#1\"]"), at + strlen("[\"/news/a.sgm#3\",\"stdin\"]"),
            strlen(at + strlen("[\"/news/a.sgm#3\",\"stdin\"]")) + 1);
    CHECK_STR(re, expect, "sources replaced where they were, nothing else changed");
    free(re);
    free(expect);
    re = na_record_meta_with_sources("{\"id\":\"b\"}", 10, &ms);
    CHECK_STR(re, "{\"id\":\"b\",\"sources\":[\"/news/b.sgm#1\"]}", "sources added last when missing");
    free(re);
    CHECK(na_record_meta_with_sources("[1]", 3, &ms) == NULL, "not an object: NULL");

    /* Nothing but an id: no "extracted", no "extra", no lead. */
    na_record_meta_t bare = { .id = "b" };
    na_buf_reset(&data);
    na_record_build(&bare, NULL, "", 0, &data);
    CHECK_INT(na_record_decode(data.data, data.len, &v, NULL), NA_OK, "a bare record decodes");
    free(meta);
    meta = na_xstrndup(v.meta, v.meta_len);
    CHECK_STR(meta, "{\"id\":\"b\"}", "... and holds only its id");
    CHECK(na_record_meta_read(v.meta, v.meta_len, &fast) && strcmp(fast.id, "b") == 0, "... which the fast reader reads");
    na_record_meta_release(&fast);
    free(meta);
    na_buf_release(&data);
}

int main(void)
{
    test_meta_load();
    test_round_trip();
    test_build();
    test_corrupt();
    test_meta();
    test_lead();
    test_reader();
    return unit_done();
}
