/* test-parse.c - every input format on the fixtures, rejects with their
 * lines, raw bytes, detection, and the whole Reuters collection when the
 * shared corpus is there. */
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "unit.h"

typedef struct {
    na_article_t *arts[16];
    size_t count;
    size_t reject_lines[8];
    char reasons[8][256];
    size_t rejects;
    size_t total; /* when counting only */
    int keep;
} collect_t;

static int on_article(na_article_t *a, void *ud)
{
    collect_t *c = ud;
    c->total++;
    if (c->keep && c->count < 16)
        c->arts[c->count++] = a;
    else
        na_article_free(a);
    return 0;
}

static void on_reject(size_t line, const char *reason, void *ud)
{
    collect_t *c = ud;
    if (c->rejects < 8) {
        c->reject_lines[c->rejects] = line;
        snprintf(c->reasons[c->rejects], 256, "%s", reason);
    }
    c->rejects++;
}

static void release(collect_t *c)
{
    for (size_t i = 0; i < c->count; i++)
        na_article_free(c->arts[i]);
    memset(c, 0, sizeof *c);
}

/* Parses the fixture REL (under tests/fixtures) into C. */
static na_status_t parse_fixture(const char *rel, collect_t *c, na_buf_t *buf)
{
    char *path = na_xasprintf("tests/fixtures/%s", rel);
    char *full = unit_srcpath(path);
    free(path);
    na_buf_reset(buf);
    int e = na_read_file(full, buf);
    free(full);
    if (e)
        return NA_ERR_IO;
    memset(c, 0, sizeof *c);
    c->keep = 1;
    na_parse_sink_t sink = { on_article, on_reject, c };
    na_format_t f = na_parse_detect(rel, (const unsigned char *)buf->data, buf->len);
    return na_parse_buffer(f, rel, (const unsigned char *)buf->data, buf->len, &sink, NULL);
}

static void test_detect(void)
{
    static const struct { const char *name, *content; na_format_t want; } cases[] = {
        { "a.txt", "Title\n\nBody", NA_FORMAT_TEXT },
        { "a.txt", "---\ntitle: x\n---\nbody", NA_FORMAT_MARKDOWN },
        { "a.md", "body", NA_FORMAT_MARKDOWN },
        { "a.yml", "title: x", NA_FORMAT_YAML },
        { "a.ndjson", "{}", NA_FORMAT_JSONL },
        { "reut2-000.sgm", "<!DOCTYPE", NA_FORMAT_REUTERS },
        { "stdin", "  <REUTERS NEWID=\"1\">", NA_FORMAT_REUTERS },
        { "stdin", "{\"title\": \"x\"}", NA_FORMAT_JSONL },
        { "stdin", "---\ntitle: x\n---\n", NA_FORMAT_MARKDOWN },
        { "stdin", "Just text", NA_FORMAT_TEXT },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK_INT(na_parse_detect(cases[i].name, (const unsigned char *)cases[i].content,
                                  strlen(cases[i].content)),
                  cases[i].want, cases[i].name);
}

static void test_good(void)
{
    collect_t c;
    na_buf_t buf = NA_BUF_INIT;

    CHECK_INT(parse_fixture("articles/harbour-plan.txt", &c, &buf), NA_OK, "text parses");
    CHECK_INT(c.count, 1, "text is one article");
    CHECK_STR(c.arts[0]->title, "Port authority unveils harbour expansion plan", "first line is the title");
    CHECK(strncmp(c.arts[0]->body, "The port authority", 18) == 0, "the body follows the blank line");
    CHECK(c.arts[0]->raw_len == buf.len && memcmp(c.arts[0]->raw, buf.data, buf.len) == 0,
          "raw bytes are the whole file");
    release(&c);

    parse_fixture("articles/untitled-note.txt", &c, &buf);
    CHECK(c.count == 1 && c.arts[0]->title == NULL, "text without a title line has no title");
    release(&c);

    CHECK_INT(parse_fixture("articles/lisbon-summit.md", &c, &buf), NA_OK, "front matter parses");
    na_article_t *a = c.arts[0];
    CHECK_STR(a->id, "fixture-lisbon-summit", "id");
    CHECK_STR(a->date, "2025-03-14T09:30:00", "date-time normalised, zone dropped");
    CHECK_INT(a->authors.count, 2, "two authors");
    CHECK_STR(a->authors.items[0], "In\xc3\xaas Carvalho", "non-ASCII author");
    CHECK_STR(a->people.items[0], "Tarc\xc3\xadsio de Freitas", "non-ASCII person");
    CHECK_INT(a->places.count, 3, "three places, kept as written");
    CHECK_STR(a->language, "en", "language");
    CHECK_INT(a->extra_count, 2, "other keys kept as extra metadata");
    CHECK_STR(a->extra[1].value, "{\"until\":\"2025-03-14T08:00:00Z\"}", "a mapping is kept as JSON");
    CHECK(strncmp(a->body, "LISBON, March 14", 16) == 0, "body after the front matter");
    release(&c);

    parse_fixture("articles/zurich-bank.md", &c, &buf);
    CHECK(c.count == 1 && c.arts[0]->people.count == 1, "a single value for a list field");
    release(&c);

    CHECK_INT(parse_fixture("articles/briefs.yaml", &c, &buf), NA_OK, "YAML parses");
    CHECK_INT(c.count, 3, "three YAML documents");
    CHECK_INT(c.arts[1]->line, 10, "second document starts at its --- line");
    CHECK(c.arts[1]->raw_len > 0 && memcmp(c.arts[1]->raw, "---\nid: fixture-brief-2", 23) == 0,
          "a document's raw bytes start at its marker");
    CHECK_STR(c.arts[2]->places.items[0], "S\xc3\xa3o Paulo", "scalar place");
    release(&c);

    CHECK_INT(parse_fixture("articles/wire.jsonl", &c, &buf), NA_OK, "JSON Lines parse");
    CHECK_INT(c.count, 4, "four records, blank line skipped");
    CHECK_INT(c.arts[2]->line, 4, "line numbers count the blank line");
    CHECK_STR(c.arts[2]->body, "Australia raised its wheat harvest forecast.", "'text' is the body too");
    CHECK(c.arts[0]->raw[c.arts[0]->raw_len - 1] == '}', "raw is the line without its newline");
    release(&c);

    CHECK_INT(parse_fixture("articles/newswire.sgm", &c, &buf), NA_OK, "Reuters SGML parses");
    CHECK_INT(c.count, 3, "three elements");
    a = c.arts[0];
    CHECK_STR(a->id, "reuters-90001", "id from NEWID");
    CHECK_STR(a->title, "GRAIN TALKS & TARIFFS <XYZ> RESUME", "entities decoded");
    CHECK_STR(a->date, "1987-03-02T10:15:00", "date with a leading blank");
    CHECK_STR(a->dateline, "BONN, March 2", "dateline without the dash");
    CHECK_STR(a->places.items[1], "west-germany", "codes kept as written");
    CHECK_STR(a->source, "Reuters", "source");
    CHECK(memcmp(a->raw, "<REUTERS", 8) == 0 && memcmp(a->raw + a->raw_len - 10, "</REUTERS>", 10) == 0,
          "raw bytes are the element");
    CHECK(strstr(a->body, "Reuter") != NULL && !strchr(a->body, '\3'), "control characters dropped");
    CHECK_STR(c.arts[1]->date, "1987-03-27T00:03:35", "date with trailing codes");
    CHECK_STR(c.arts[1]->title, "TOKYO STOCKS CLOSE HIGHER", "a BRIEF has a title");
    CHECK(c.arts[1]->body == NULL, "and no body");
    CHECK_STR(c.arts[2]->date, "1987-03-31", "impossible hour: the day is kept");
    CHECK(c.arts[2]->body && strstr(c.arts[2]->body, "coffee exports"), "UNPROC text is the body");
    release(&c);
    na_buf_release(&buf);
}

static void test_broken(void)
{
    collect_t c;
    na_buf_t buf = NA_BUF_INIT;
    parse_fixture("broken/bad-front-matter.md", &c, &buf);
    CHECK(c.count == 0 && c.rejects == 1, "bad front matter is rejected");
    CHECK_INT(c.reject_lines[0], 4, "at the line where the error shows");
    CHECK(strstr(c.reasons[0], "front matter") != NULL, "the reason says front matter");
    release(&c);

    parse_fixture("broken/unclosed-front-matter.md", &c, &buf);
    CHECK(c.count == 0 && c.rejects == 1 && strstr(c.reasons[0], "never closed"), "unclosed front matter");
    release(&c);

    parse_fixture("broken/mixed.yaml", &c, &buf);
    CHECK_INT(c.count, 2, "good YAML documents around a bad one are kept");
    CHECK(c.rejects == 1 && c.reject_lines[0] == 5, "the list document is rejected at its line");
    release(&c);

    parse_fixture("broken/mixed.jsonl", &c, &buf);
    CHECK_INT(c.count, 2, "good JSON lines are kept");
    CHECK_INT(c.rejects, 2, "two bad lines");
    CHECK(c.reject_lines[0] == 2 && c.reject_lines[1] == 3, "rejected at lines 2 and 3");
    release(&c);

    parse_fixture("broken/bad-elements.sgm", &c, &buf);
    CHECK_INT(c.count, 1, "the good element is kept");
    CHECK_INT(c.rejects, 2, "missing NEWID and unclosed are rejected");
    CHECK(strstr(c.reasons[0], "NEWID") && c.reject_lines[0] == 5, "missing NEWID at its line");
    CHECK(strstr(c.reasons[1], "not closed") && c.reject_lines[1] == 9, "unclosed element at its line");
    release(&c);

    parse_fixture("broken/latin1.txt", &c, &buf);
    CHECK_INT(c.count, 1, "Latin-1 text is still an article");
    CHECK_STR(c.arts[0]->title, "Caf\xc3\xa9 owners protest", "its text is made UTF-8");
    CHECK(c.arts[0]->raw_len == buf.len && memcmp(c.arts[0]->raw, buf.data, buf.len) == 0,
          "its raw bytes are kept as they are");
    release(&c);

    CHECK_INT(parse_fixture("broken/empty.txt", &c, &buf), NA_OK, "an empty file does not fail");
    CHECK(c.count == 0 && c.rejects == 1, "but gives no article");
    release(&c);

    na_article_t *one = NULL;
    CHECK_INT(na_parse_one(NA_FORMAT_JSONL, (const unsigned char *)"not json", 8, &one, NULL), NA_ERR_PARSE,
              "parse_one reports a record it cannot read");
    na_buf_release(&buf);
}

static void test_corpus(void)
{
    const char *shared = getenv("NEWSARC_SHARED");
    char *pattern = shared ? na_xasprintf("%s/corpus/reuters21578/reut2-*.sgm", shared)
                           : unit_srcpath("../shared/corpus/reuters21578/reut2-*.sgm");
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc != 22) {
        printf("ok %d # SKIP Reuters-21578 not found at %s\n", ++unit_count, pattern);
        free(pattern);
        return;
    }
    collect_t c;
    memset(&c, 0, sizeof c);
    na_parse_sink_t sink = { on_article, on_reject, &c };
    for (size_t i = 0; i < g.gl_pathc; i++) {
        na_buf_t buf = NA_BUF_INIT;
        na_read_file(g.gl_pathv[i], &buf);
        na_parse_buffer(NA_FORMAT_REUTERS, g.gl_pathv[i], (const unsigned char *)buf.data, buf.len, &sink, NULL);
        na_buf_release(&buf);
    }
    CHECK_INT(c.total, 21578, "the whole collection parses to 21,578 articles");
    CHECK_INT(c.rejects, 0, "with nothing rejected");
    globfree(&g);
    free(pattern);
}

int main(void)
{
    test_detect();
    test_good();
    test_broken();
    test_corpus();
    return unit_done();
}
