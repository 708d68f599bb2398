/* test-parse.c - the input formats: detection, a table of small inputs of
 * every format with what each must give (articles, fields, rejects with
 * their lines), the fixture files, re-parsing stored raw bytes, stopping
 * early, and the whole Reuters-21578 collection when the shared corpus is
 * there (skipped otherwise). */
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "parse-internal.h"
#include "parse.h"
#include "unit.h"
#include "utf8.h"

#define MAX_KEPT 64

/* S (at most 24 bytes of it) with line breaks and other controls escaped,
 * for a one-line test name; the result lives until the next call. */
static const char *shown(const char *s)
{
    static char out[128];
    size_t o = 0;
    for (size_t i = 0; s[i] && i < 24 && o + 5 < sizeof out; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\n')
            o += (size_t)snprintf(out + o, sizeof out - o, "\\n");
        else if (ch < 0x20 || ch >= 0x7f)
            o += (size_t)snprintf(out + o, sizeof out - o, "\\x%02x", ch);
        else
            out[o++] = (char)ch;
    }
    out[o] = '\0';
    return out;
}

typedef struct {
    na_article_t *arts[MAX_KEPT];
    size_t count;        /* articles kept in ARTS */
    size_t total;        /* articles seen */
    size_t reject_lines[8];
    char reasons[8][256];
    size_t rejects;
    int keep;            /* keep articles (else free them at once) */
    size_t stop_after;   /* ask the parser to stop after this many, 0 never */
} collect_t;

static int on_article(na_article_t *a, void *ud)
{
    collect_t *c = ud;
    c->total++;
    if (c->keep && c->count < MAX_KEPT)
        c->arts[c->count++] = a;
    else
        na_article_free(a);
    return c->stop_after && c->total >= c->stop_after;
}

static void on_reject(size_t line, const char *reason, void *ud)
{
    collect_t *c = ud;
    if (c->rejects < 8) {
        c->reject_lines[c->rejects] = line;
        snprintf(c->reasons[c->rejects], sizeof c->reasons[0], "%s", reason);
    }
    c->rejects++;
}

static void release(collect_t *c)
{
    for (size_t i = 0; i < c->count; i++)
        na_article_free(c->arts[i]);
    memset(c, 0, sizeof *c);
}

static na_status_t parse(na_format_t f, const char *input, size_t len, collect_t *c)
{
    memset(c, 0, sizeof *c);
    c->keep = 1;
    na_parse_sink_t sink = { on_article, on_reject, c, NULL };
    return na_parse_buffer(f, "test", (const unsigned char *)input, len, &sink, NULL);
}

/* ---- checks written as "N.field=value" ---- */

static void join_list(const na_strlist_t *l, na_buf_t *out)
{
    for (size_t i = 0; i < l->count; i++) {
        if (i)
            na_buf_addc(out, '|');
        na_buf_adds(out, l->items[i]);
    }
}

/* The value of FIELD of A as text ("(null)" for none): a string field,
 * a list joined with '|', "line", "raw", "extra.KEY" or "extras" (all
 * extra metadata as key=value joined with '|'). */
static char *field_value(const na_article_t *a, const char *field)
{
    static const struct { const char *name; size_t off; } strings[] = {
        { "id", offsetof(na_article_t, id) }, { "title", offsetof(na_article_t, title) },
        { "body", offsetof(na_article_t, body) }, { "date", offsetof(na_article_t, date) },
        { "source", offsetof(na_article_t, source) }, { "url", offsetof(na_article_t, url) },
        { "language", offsetof(na_article_t, language) }, { "dateline", offsetof(na_article_t, dateline) },
    };
    static const struct { const char *name; size_t off; } lists[] = {
        { "authors", offsetof(na_article_t, authors) }, { "people", offsetof(na_article_t, people) },
        { "places", offsetof(na_article_t, places) }, { "orgs", offsetof(na_article_t, orgs) },
        { "topics", offsetof(na_article_t, topics) }, { "exchanges", offsetof(na_article_t, exchanges) },
    };
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
        if (strcmp(field, strings[i].name) == 0) {
            const char *s = *(char *const *)((const char *)a + strings[i].off);
            return na_xstrdup(s ? s : "(null)");
        }
    na_buf_t out = NA_BUF_INIT;
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        if (strcmp(field, lists[i].name) == 0)
            join_list((const na_strlist_t *)((const char *)a + lists[i].off), &out);
    if (strcmp(field, "line") == 0)
        na_buf_addf(&out, "%zu", a->line);
    if (strcmp(field, "format") == 0)
        na_buf_adds(&out, na_format_name(a->format));
    if (strcmp(field, "raw") == 0)
        na_buf_add(&out, a->raw, a->raw_len);
    if (strcmp(field, "extras") == 0)
        for (size_t i = 0; i < a->extra_count; i++)
            na_buf_addf(&out, "%s%s=%s", i ? "|" : "", a->extra[i].key, a->extra[i].value);
    if (strncmp(field, "extra.", 6) == 0) {
        const char *v = "(null)";
        for (size_t i = 0; i < a->extra_count; i++)
            if (strcmp(a->extra[i].key, field + 6) == 0)
                v = a->extra[i].value;
        na_buf_adds(&out, v);
    }
    return na_buf_detach(&out, NULL);
}

/* Applies the check "N.field=value" to the articles in C. */
static void check_field(const collect_t *c, const char *check, const char *what)
{
    char *endp;
    size_t n = strtoul(check, &endp, 10);
    const char *eq = strchr(endp, '=');
    char label[200];
    snprintf(label, sizeof label, "%s: %.*s", what, eq ? (int)(eq - check) : 20, check);
    if (*endp != '.' || !eq || n >= c->count) {
        CHECK(0, label);
        printf("#   no article %zu for check \"%s\"\n", n, check);
        return;
    }
    char *field = na_xstrndup(endp + 1, (size_t)(eq - endp - 1));
    char *got = field_value(c->arts[n], field);
    CHECK_STR(got, eq + 1, label);
    free(got);
    free(field);
}

typedef struct {
    const char *what;
    na_format_t format;
    const char *input;
    size_t len;           /* 0: strlen(input) */
    int articles;
    int rejects;
    size_t reject_line;   /* of the first reject, when there is one */
    const char *reason;   /* a part of the first reason, or NULL */
    const char *expect[10];
} parse_case_t;

#define TXT NA_FORMAT_TEXT
#define MD NA_FORMAT_MARKDOWN
#define YML NA_FORMAT_YAML
#define JSL NA_FORMAT_JSONL
#define SGM NA_FORMAT_REUTERS

/* A Reuters element with NEWID N and the given inside. */
#define REU(n, inside) \
    "<REUTERS TOPICS=\"NO\" LEWISSPLIT=\"TEST\" OLDID=\"7\" NEWID=\"" n "\">\n" inside "\n</REUTERS>\n"

static const parse_case_t cases[] = {
    /* plain text */
    { "text: title and body", TXT, "Title\n\nBody line one\nline two\n", 0, 1, 0, 0, NULL,
      { "0.title=Title", "0.body=Body line one\nline two", "0.line=1", "0.format=text",
        "0.raw=Title\n\nBody line one\nline two\n" } },
    { "text: no blank second line, no title", TXT, "No title\nstill body\n", 0, 1, 0, 0, NULL,
      { "0.title=(null)", "0.body=No title\nstill body" } },
    { "text: blank lines before the title", TXT, "\n \n  Title  \n \t\nBody\n", 0, 1, 0, 0, NULL,
      { "0.title=Title", "0.body=Body" } },
    { "text: a title alone", TXT, "Only a title\n\n", 0, 1, 0, 0, NULL,
      { "0.title=Only a title", "0.body=(null)" } },
    { "text: one line without newline", TXT, "One line", 0, 1, 0, 0, NULL,
      { "0.title=(null)", "0.body=One line" } },
    { "text: blank file gives nothing", TXT, "  \n\n\t\n", 0, 0, 0, 0, NULL, { NULL } },
    { "text: empty buffer gives nothing", TXT, "", 0, 0, 0, 0, NULL, { NULL } },
    { "text: CRLF line ends", TXT, "Title\r\n\r\nBody\r\n", 0, 1, 0, 0, NULL,
      { "0.title=Title", "0.body=Body" } },
    { "text: byte order mark", TXT, "\xef\xbb\xbfTitle\n\nBody", 0, 1, 0, 0, NULL,
      { "0.title=Title", "0.raw=\xef\xbb\xbfTitle\n\nBody" } },
    { "text: Latin-1 repaired, raw kept", TXT, "Caf\xe9\n\nna\xefve \x93quoted\x94", 0, 1, 0, 0, NULL,
      { "0.title=Caf\xc3\xa9", "0.body=na\xc3\xafve \xe2\x80\x9cquoted\xe2\x80\x9d",
        "0.raw=Caf\xe9\n\nna\xefve \x93quoted\x94" } },
    { "text: NUL and controls dropped", TXT, "A\0B\x01\n\nC", 7, 1, 0, 0, NULL,
      { "0.title=AB", "0.body=C" } },
    { "text: a '#' line is no heading in plain text", TXT, "# Heading\nBody\n", 0, 1, 0, 0, NULL,
      { "0.title=(null)", "0.body=# Heading\nBody" } },

    /* Markdown with front matter */
    { "markdown: fields, YAML timestamp, single author", MD,
      "---\ntitle: T\ndate: 2025-06-09 14:03:05 +2\nauthors: Jane Roe\nlanguage: en\n---\nBody\n", 0, 1, 0, 0, NULL,
      { "0.title=T", "0.date=2025-06-09T12:03:05", "0.authors=Jane Roe", "0.language=en", "0.body=Body",
        "0.format=markdown", "0.line=1" } },
    { "markdown: heading is the title", MD, "---\nid: x\n---\n# Heading ##\nBody\n", 0, 1, 0, 0, NULL,
      { "0.id=x", "0.title=Heading", "0.body=Body" } },
    { "markdown: no front matter", MD, "Just *markdown*\n", 0, 1, 0, 0, NULL,
      { "0.title=(null)", "0.body=Just *markdown*" } },
    { "markdown: empty block", MD, "---\n---\nTitle\n\nBody", 0, 1, 0, 0, NULL,
      { "0.title=Title", "0.body=Body" } },
    { "markdown: block closed with ...", MD, "---\ntitle: T\n...\nBody", 0, 1, 0, 0, NULL,
      { "0.title=T", "0.body=Body" } },
    { "markdown: title key wins over the first line", MD, "---\ntitle: Key\n---\nLine\n\nBody", 0, 1, 0, 0, NULL,
      { "0.title=Key", "0.body=Line\n\nBody" } },
    { "markdown: extras as written and as JSON", MD,
      "---\ntitle: T\nrank: 007\ntags: [1, two, null, 2.5, true, '3']\nempty:\nnested: {a: {b: c}}\n"
      "body: not the body\n---\nB",
      0, 1, 0, 0, NULL,
      { "0.extras=rank=007|tags=[1,\"two\",null,2.5,true,\"3\"]|empty=null|nested={\"a\":{\"b\":\"c\"}}|"
        "body=not the body",
        "0.body=B" } },
    { "markdown: a bad date keeps the article", MD, "---\ntitle: T\ndate: June 9th\n---\nB", 0, 1, 0, 0, NULL,
      { "0.date=(null)", "0.extra.date_raw=June 9th", "0.title=T" } },
    { "markdown: Latin-1 front matter", MD, "---\ntitle: Caf\xe9\n---\nB", 0, 1, 0, 0, NULL,
      { "0.title=Caf\xc3\xa9" } },
    { "markdown: a list is not front matter", MD, "---\n- a\n- b\n---\nBody", 0, 0, 1, 2,
      "front matter: expected an object", { NULL } },
    { "markdown: syntax error at libyaml's line", MD, "---\ntitle: T\nbad: [x\n---\nBody", 0, 0, 1, 4,
      "front matter: did not find expected ',' or ']'", { NULL } },
    { "markdown: title of the wrong shape", MD, "---\ntitle: [a, b]\n---\nB", 0, 0, 1, 2,
      "'title' should be a single value", { NULL } },
    { "markdown: duplicate key", MD, "---\ntitle: a\ntitle: b\n---\nB", 0, 0, 1, 3, "duplicate key 'title'",
      { NULL } },
    { "markdown: metadata without text", MD, "---\nid: x\n---\n\n", 0, 0, 1, 1, "neither a title nor a body",
      { NULL } },
    { "markdown: unclosed block", MD, "---\ntitle: T\nBody\n", 0, 0, 1, 1, "never closed", { NULL } },
    { "markdown: aliases that expand too far", MD,
      "---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n---\nB",
      0, 0, 1, 0, "aliases expand", { NULL } },

    /* YAML files */
    { "yaml: implicit first document, raw bytes", YML, "# wire\nid: a\ntitle: A\n---\nid: b\ntitle: B\n", 0, 2, 0,
      0, NULL,
      { "0.line=2", "1.line=4", "0.raw=# wire\nid: a\ntitle: A\n", "1.raw=---\nid: b\ntitle: B\n",
        "1.format=yaml" } },
    { "yaml: documents ended with ...", YML, "---\ntitle: A\n...\n---\ntitle: B", 0, 2, 0, 0, NULL,
      { "0.raw=---\ntitle: A\n...\n", "1.raw=---\ntitle: B" } },
    { "yaml: a syntax error costs one document", YML,
      "---\ntitle: A\n---\ntitle: [B\n---\ntitle: C\n", 0, 2, 1, 5, "did not find expected", { "0.title=A",
      "1.title=C", "1.line=5", "1.raw=---\ntitle: C\n" } },
    { "yaml: an unclosed quote costs one document", YML, "title: A\n---\ntitle: \"B\n---\ntitle: C\n", 0, 2, 1, 0,
      NULL, { "0.title=A", "1.title=C" } },
    { "yaml: a tab in indentation", YML, "---\ntitle: A\nbody:\n\tfoo\n---\ntitle: C\n", 0, 1, 1, 4, NULL,
      { "0.title=C" } },
    { "yaml: empty documents are skipped", YML, "---\n---\ntitle: A\n---\n", 0, 1, 0, 0, NULL,
      { "0.title=A", "0.line=2" } },
    { "yaml: a scalar document", YML, "---\njust text\n---\ntitle: B\n", 0, 1, 1, 1,
      "expected an object (a mapping of article fields), found a scalar", { "0.title=B" } },
    { "yaml: body wins over text", YML, "title: A\nbody: B\ntext: C\n", 0, 1, 0, 0, NULL,
      { "0.body=B", "0.extras=text=C" } },
    { "yaml: text is the body", YML, "title: A\ntext: |\n  C\n  D\n", 0, 1, 0, 0, NULL, { "0.body=C\nD" } },
    { "yaml: neither title nor body", YML, "id: x\n", 0, 0, 1, 1, "neither a title nor a body", { NULL } },
    { "yaml: Latin-1 repaired, raw kept", YML, "title: Caf\xe9\n---\ntitle: B\n", 0, 2, 0, 0, NULL,
      { "0.title=Caf\xc3\xa9", "0.raw=title: Caf\xe9\n" } },
    { "yaml: YAML timestamp", YML, "title: A\ndate: 2001-12-14t21:59:43.10-05:00\n", 0, 1, 0, 0, NULL,
      { "0.date=2001-12-15T02:59:43" } },
    { "yaml: values as written", YML, "id: 007\ntitle: 1987\nsource: yes\n", 0, 1, 0, 0, NULL,
      { "0.id=007", "0.title=1987", "0.source=yes" } },
    { "yaml: one-line fields lose line breaks", YML, "title: |\n  Two\n  lines\nplaces: [\"A\\nB\"]\n", 0, 1, 0,
      0, NULL, { "0.title=Two lines", "0.places=A B" } },
    { "yaml: an alias", YML, "p: &p [Ann, Bo]\ntitle: T\npeople: *p\n", 0, 1, 0, 0, NULL,
      { "0.people=Ann|Bo", "0.extras=p=[\"Ann\",\"Bo\"]" } },
    { "yaml: duplicate key", YML, "title: A\ntitle: B\n", 0, 0, 1, 2, "duplicate key", { NULL } },
    { "yaml: a form feed in a body", YML, "title: A\nbody: one\x0ctwo\n", 0, 1, 0, 0, NULL, { "0.body=onetwo" } },
    { "yaml: binary junk", YML, "\x01\x02\xff\xfe: [\n\x7f", 0, 0, 1, 0, NULL, { NULL } },

    /* JSON Lines */
    { "jsonl: good, blank, bad lines", JSL,
      "{\"title\":\"A\"}\n\n  \n{\"title\":\"B\"}\r\n{bad\n[1]\n\"s\"\n{\"title\":\"C\",\"title\":\"D\"}\n", 0, 2, 4,
      5, "invalid JSON at column",
      { "0.line=1", "1.line=4", "1.raw={\"title\":\"B\"}", "0.format=jsonl" } },
    { "jsonl: Latin-1 line", JSL, "{\"title\":\"Caf\xe9\"}", 0, 1, 0, 0, NULL,
      { "0.title=Caf\xc3\xa9", "0.raw={\"title\":\"Caf\xe9\"}" } },
    { "jsonl: scalars, nulls and lists", JSL,
      "{\"title\":\" A \",\"id\":7,\"score\":0.1,\"flag\":true,\"none\":null,\"date\":\"2025-06-09T14:03:05.5+02:00\","
      "\"topics\":\"single\",\"places\":[\"X\",null,\" \",\"Y\"],\"url\":null}",
      0, 1, 0, 0, NULL,
      { "0.title=A", "0.id=7", "0.extras=score=0.1|flag=true|none=null", "0.date=2025-06-09T12:03:05",
        "0.topics=single", "0.places=X|Y", "0.url=(null)" } },
    { "jsonl: a control character in a string", JSL, "{\"title\":\"A\\u0041\x01" "B\"}", 0, 1, 0, 0, NULL,
      { "0.title=AAB", "0.raw={\"title\":\"A\\u0041\x01" "B\"}" } },
    { "jsonl: a list inside a list field", JSL, "{\"title\":\"A\",\"people\":[[\"x\"]]}", 0, 0, 1, 1,
      "'people' should be a list of single values", { NULL } },
    { "jsonl: a number for a date", JSL, "{\"title\":\"A\",\"date\":20250609}", 0, 1, 0, 0, NULL,
      { "0.date=2025-06-09" } },
    { "jsonl: a number that is no date", JSL, "{\"title\":\"A\",\"date\":12345}", 0, 1, 0, 0, NULL,
      { "0.date=(null)", "0.extra.date_raw=12345" } },
    { "jsonl: byte order mark and no final newline", JSL, "\xef\xbb\xbf{\"title\":\"A\"}\n{\"title\":\"B\"}", 0, 2,
      0, 0, NULL, { "0.raw={\"title\":\"A\"}", "1.raw={\"title\":\"B\"}", "1.line=2" } },
    { "jsonl: not an object", JSL, "42\n", 0, 0, 1, 1, "expected an object, found a number", { NULL } },

    /* Reuters SGML */
    { "reuters: references decoded, controls dropped", SGM,
      REU("1", "<DATE> 5-MAR-1987 09:01:02.03&#5;&#5;</DATE>\n<TOPICS><D>acq</D></TOPICS>\n"
               "<TEXT>&#2;\n<TITLE>AT&amp;T &lt;ABC&gt; BUYS &#x41;&#66;&#233; &nbsp; AT&T</TITLE>\n"
               "<DATELINE>    NEW YORK, March 5 - </DATELINE>"
               "<BODY>Line one\n  line two &#3;&#127;\n Reuter\n&#3;</BODY></TEXT>"),
      0, 1, 0, 0, NULL,
      { "0.id=reuters-1", "0.date=1987-03-05T09:01:02", "0.topics=acq", "0.source=Reuters",
        "0.title=AT&T <ABC> BUYS AB\xc3\xa9 &nbsp; AT&T", "0.dateline=NEW YORK, March 5",
        "0.body=Line one\n  line two \n Reuter", "0.extras=topics_status=NO|lewissplit=TEST|oldid=7",
        "0.line=1" } },
    { "reuters: raw controls, DEL and references inside long runs of plain text", SGM,
      REU("2", "<DATE>5-MAR-1987 09:01:02.03</DATE>\n<TEXT>&#2;\n<TITLE>A TITLE</TITLE>\n"
               "<BODY>Long plain text here\x05 and more plain text\x7f, then &amp; the end; "
               "sixteen bytes..&lt;x&gt;\tand a tab</BODY></TEXT>"),
      0, 1, 0, 0, NULL,
      { "0.title=A TITLE",
        "0.body=Long plain text here and more plain text, then & the end; sixteen bytes..<x>\tand a tab" } },
    { "reuters: a title over two lines, an author", SGM,
      "<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n"
      REU("2", "<DATE>5-MAR-1987 09:01:02.03</DATE>\n<TEXT>&#2;\n<TITLE>FIRST HALF\n SECOND HALF</TITLE>\n"
               "<AUTHOR>    By Ann Example, Reuters</AUTHOR>\n<DATELINE>    PARIS, March 5 - </DATELINE>"
               "<BODY>Text.</BODY></TEXT>"),
      0, 1, 0, 0, NULL, { "0.title=FIRST HALF SECOND HALF", "0.authors=Ann Example", "0.line=2" } },
    { "reuters: BRIEF and UNPROC", SGM,
      REU("3", "<DATE>5-MAR-1987 09:01:02.03</DATE>\n<TEXT TYPE=\"BRIEF\">&#2;\n"
               "******<TITLE>SHORT ONE\n</TITLE>Blah blah blah.\n&#3;\n\n</TEXT>")
      REU("4", "<DATE>5-MAR-1987 09:01:02.03</DATE>\n<TEXT TYPE=\"UNPROC\">&#2;\n"
               "Raw wire text\nin two lines.\n&#3;\n\n</TEXT>"),
      0, 2, 0, 0, NULL,
      { "0.title=SHORT ONE", "0.body=(null)", "0.extra.text_type=BRIEF", "1.title=(null)",
        "1.body=Raw wire text\nin two lines.", "1.extra.text_type=UNPROC", "1.line=10" } },
    { "reuters: a Latin-1 byte", SGM, REU("5", "<TEXT><BODY>Z\xfcrich</BODY></TEXT>"), 0, 1, 0, 0, NULL,
      { "0.body=Z\xc3\xbcrich" } },
    { "reuters: a date that does not parse", SGM, REU("6", "<DATE>SOMETIME</DATE><TEXT><BODY>x</BODY></TEXT>"), 0,
      1, 0, 0, NULL, { "0.date=(null)", "0.extra.date_raw=SOMETIME" } },
    { "reuters: no NEWID, then unclosed", SGM,
      "<REUTERS OLDID=\"1\">\n<TEXT><BODY>x</BODY></TEXT>\n</REUTERS>\n" REU("8", "<TEXT><BODY>y</BODY></TEXT>")
      "<REUTERS NEWID=\"9\">\n<TEXT><BODY>z</BODY></TEXT>\n",
      0, 1, 2, 1, "without a NEWID attribute", { "0.id=reuters-8", "0.line=4" } },
    { "reuters: raw is the element", SGM, "junk\n" REU("10", "<TEXT><BODY>x</BODY></TEXT>") "trailer\n", 0, 1, 0,
      0, NULL, { "0.raw=<REUTERS TOPICS=\"NO\" LEWISSPLIT=\"TEST\" OLDID=\"7\" NEWID=\"10\">\n<TEXT><BODY>x</BODY>"
                 "</TEXT>\n</REUTERS>", "0.line=2" } },
    { "reuters: a stray '<' and unknown tags are text", SGM,
      REU("11", "<TEXT><BODY>a < b <FOO> c</BODY></TEXT>"), 0, 1, 0, 0, NULL, { "0.body=a < b <FOO> c" } },

    /* Hostile input: lines reported are lines of the file, wrong shapes
     * rejected, damaged elements reported once. */
    { "yaml: lone CRs are no line breaks", YML, "title: A\r\r\r\rdate: [open\n", 0, 0, 1, 1, NULL, { NULL } },
    { "yaml: U+2028 is no line break", YML, "title: A\xe2\x80\xa8\xe2\x80\xa8: [\n", 0, 0, 1, 1, NULL, { NULL } },
    { "yaml: a key cut by the end of the file", YML, "title: A\nbody: B\nsource\n", 0, 0, 1, 3, NULL, { NULL } },
    { "yaml: a key cut, no final newline", YML, "title: A\nsource", 0, 0, 1, 2, NULL, { NULL } },
    { "yaml: a quoted scalar cut by the end", YML, "title: A\nbody: \"open\n\n", 0, 0, 1, 3, NULL, { NULL } },
    { "markdown: lone CRs in front matter", MD, "---\ntitle: A\r\r\rdate: [open\n---\nBody.\n", 0, 0, 1, 2,
      NULL, { NULL } },
    { "yaml: a list for the date", YML, "title: A\nbody: B\n---\ntitle: C\ndate: [2025, 6]\n", 0, 1, 1, 3,
      "'date' should be a single value, found a list", { "0.title=A" } },
    { "jsonl: a map for the date", JSL, "{\"title\":\"A\",\"date\":{\"y\":2025}}\n{\"title\":\"B\"}\n", 0, 1, 1, 1,
      "'date' should be a single value, found an object", { "0.title=B" } },
    { "reuters: a start tag cut by the end of the file", SGM,
      REU("12", "<TEXT><BODY>x</BODY></TEXT>") "<REUTERS TOPICS=\"NO\" NEWID=\"1", 0, 1, 1, 4,
      "cut off by the end of the file", { "0.id=reuters-12" } },
    { "reuters: only a cut start tag", SGM, "<REUTERS", 0, 0, 1, 1, "cut off", { NULL } },
    { "reuters: an unclosed BODY ends at </TEXT>", SGM, REU("13", "<TEXT><TITLE>T</TITLE><BODY>B\n</TEXT>"), 0, 1, 0,
      0, NULL, { "0.title=T", "0.body=B" } },
    { "reuters: an unclosed TITLE ends at BODY", SGM, REU("14", "<TEXT><TITLE>T<BODY>B</BODY></TEXT>"), 0, 1, 0, 0,
      NULL, { "0.title=T", "0.body=B" } },
    { "reuters: an unclosed TEXT ends at </REUTERS>", SGM, REU("15", "<TEXT TYPE=\"UNPROC\">Raw text"), 0, 1, 0, 0,
      NULL, { "0.body=Raw text" } },
};

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const parse_case_t *k = &cases[i];
        collect_t c;
        size_t len = k->len ? k->len : strlen(k->input);
        na_status_t st = parse(k->format, k->input, len, &c);
        char label[200];
        snprintf(label, sizeof label, "%s: parses", k->what);
        CHECK_INT(st, NA_OK, label);
        snprintf(label, sizeof label, "%s: %d articles", k->what, k->articles);
        CHECK_INT(c.total, k->articles, label);
        snprintf(label, sizeof label, "%s: %d rejects", k->what, k->rejects);
        CHECK_INT(c.rejects, k->rejects, label);
        for (size_t r = 0; c.rejects != (size_t)k->rejects && r < c.rejects && r < 8; r++)
            printf("#   reject %zu: %s\n", c.reject_lines[r], c.reasons[r]);
        if (k->rejects && c.rejects) {
            if (k->reject_line) {
                snprintf(label, sizeof label, "%s: rejected at line %zu", k->what, k->reject_line);
                CHECK_INT(c.reject_lines[0], k->reject_line, label);
            }
            if (k->reason) {
                snprintf(label, sizeof label, "%s: reason says \"%s\"", k->what, k->reason);
                CHECK(strstr(c.reasons[0], k->reason) != NULL, label);
            }
        }
        for (size_t e = 0; e < sizeof k->expect / sizeof *k->expect && k->expect[e]; e++)
            check_field(&c, k->expect[e], k->what);
        /* Whatever the input, what comes out is valid UTF-8. */
        bool valid = true;
        for (size_t a = 0; a < c.count; a++) {
            const na_article_t *art = c.arts[a];
            const char *fields[] = { art->id, art->title, art->body, art->dateline };
            for (size_t f = 0; f < 4; f++)
                if (fields[f] && !na_utf8_valid(fields[f], strlen(fields[f])))
                    valid = false;
        }
        snprintf(label, sizeof label, "%s: text is valid UTF-8", k->what);
        CHECK(valid, label);
        release(&c);
    }
}

/* Flow nesting is bounded before libyaml reads a document (its scanner
 * is quadratic in the depth): 1,001 brackets, one a line, are refused at
 * the line of the last, and the documents around are read. */
static void test_deep_yaml(void)
{
    na_buf_t in = NA_BUF_INIT;
    na_buf_add(&in, "title: A\n---\nnest:\n", 20);
    for (int i = 0; i < 1001; i++)
        na_buf_add(&in, " [\n", 3);
    na_buf_add(&in, "---\ntitle: B\n", 14);
    collect_t c;
    CHECK_INT(parse(YML, in.data, in.len, &c), NA_OK, "deep yaml: parses");
    CHECK_INT(c.total, 2, "deep yaml: the documents around it are read");
    CHECK_INT(c.rejects, 1, "deep yaml: one reject");
    CHECK_INT(c.reject_lines[0], 1004, "deep yaml: at the line where the bound is passed");
    CHECK_STR(c.reasons[0], "values nested too deeply", "deep yaml: the reason");
    release(&c);
    na_buf_release(&in);
}

static void test_detect(void)
{
    static const struct {
        const char *name, *content;
        na_format_t want;
    } detect[] = {
        { "a.txt", "Title\n\nBody", NA_FORMAT_TEXT },
        { "a.TXT", "Title\n\nBody", NA_FORMAT_TEXT },
        { "a.txt", "---\ntitle: x\n---\nbody", NA_FORMAT_MARKDOWN },
        { "a.txt", "---\nnot closed\n", NA_FORMAT_TEXT },
        { "a.text", "---\ntitle: x\n...\n", NA_FORMAT_MARKDOWN },
        { "a.md", "body", NA_FORMAT_MARKDOWN },
        { "dir/a.markdown", "body", NA_FORMAT_MARKDOWN },
        { "a.yml", "title: x", NA_FORMAT_YAML },
        { "a.yaml", "{\"title\": 1}", NA_FORMAT_YAML },
        { "a.ndjson", "{}", NA_FORMAT_JSONL },
        { "a.jsonl", "", NA_FORMAT_JSONL },
        { "reut2-000.sgm", "<!DOCTYPE", NA_FORMAT_REUTERS },
        { "x.SGML", "", NA_FORMAT_REUTERS },
        { NULL, "  <REUTERS NEWID=\"1\">", NA_FORMAT_REUTERS },
        { "-", "<!DOCTYPE lewis SYSTEM \"lewis.dtd\">", NA_FORMAT_REUTERS },
        { "-", "<REUTERSX>", NA_FORMAT_TEXT },
        { "-", "<!DOCTYPE", NA_FORMAT_TEXT },
        { "-", "\n{\"title\": \"x\"}", NA_FORMAT_JSONL },
        { "-", "---\ntitle: x\n---\nbody\n", NA_FORMAT_MARKDOWN },
        { "-", "\xef\xbb\xbf---\ntitle: x\n---\nbody\n", NA_FORMAT_MARKDOWN },
        { "-", "---\ntitle: x\n---\n\n", NA_FORMAT_YAML },
        { "-", "---\ntitle: x\n", NA_FORMAT_YAML },
        { "-", "--- not a marker\n", NA_FORMAT_TEXT },
        { "noext", "Just text", NA_FORMAT_TEXT },
        { "-", "---\ntitle: A\n---\ntitle: B\nbody: b\n", NA_FORMAT_YAML },
        { "feed", "---\nid: a\ntitle: A\n---\nid: b\nbody: b\n---\n", NA_FORMAT_YAML },
        { "-", "title: A\n---\ntitle: B\n", NA_FORMAT_YAML },
        { "-", "\xef\xbb\xbf---\ntitle: A\n---\ntext: b\n", NA_FORMAT_YAML },
        { "-", "---\ntitle: A\n---\nSummary: the plan\n", NA_FORMAT_MARKDOWN },
        { "-", "---\ntitle: A\n---\nA paragraph.\n---\ntitle: B\n", NA_FORMAT_MARKDOWN },
        { "-", "---\ntitle: A\n...\ntitle: B\n", NA_FORMAT_MARKDOWN },
        { "-", "---\ntitle: A\n---\n- a list\n", NA_FORMAT_MARKDOWN },
        { "-", "Title: Harbour\n---\nBody text\n", NA_FORMAT_TEXT },
        { "a.txt", "---\ntitle: A\n---\ntitle: B\n", NA_FORMAT_MARKDOWN },
        { "-", "", NA_FORMAT_TEXT },
    };
    for (size_t i = 0; i < sizeof detect / sizeof *detect; i++) {
        char label[160];
        snprintf(label, sizeof label, "detect %s: %s", detect[i].name ? detect[i].name : "(no name)",
                 shown(detect[i].content));
        CHECK_INT(na_parse_detect(detect[i].name, (const unsigned char *)detect[i].content,
                                  strlen(detect[i].content)),
                  detect[i].want, label);
    }
}

static void test_one(void)
{
    static const struct {
        na_format_t format;
        const char *raw;
        na_status_t want;
        const char *title;
        const char *message; /* a part of ERR's message */
    } one[] = {
        { NA_FORMAT_JSONL, "not json", NA_ERR_PARSE, NULL, "1: invalid JSON" },
        { NA_FORMAT_JSONL, "{\"title\": \"J\"}", NA_OK, "J", NULL },
        { NA_FORMAT_YAML, "---\ntitle: Y\n", NA_OK, "Y", NULL },
        { NA_FORMAT_MARKDOWN, "---\ntitle: M\n---\nbody", NA_OK, "M", NULL },
        { NA_FORMAT_TEXT, "", NA_ERR_PARSE, NULL, "no article found" },
        { NA_FORMAT_REUTERS, REU("1", "<TEXT><TITLE>R</TITLE></TEXT>"), NA_OK, "R", NULL },
        { NA_FORMAT_REUTERS, "nothing", NA_ERR_PARSE, NULL, "no <REUTERS> elements" },
        { NA_FORMAT_AUTO, "x", NA_ERR_INVALID, NULL, "no input format" },
    };
    for (size_t i = 0; i < sizeof one / sizeof *one; i++) {
        na_article_t sentinel, *a = &sentinel; /* must be reset */
        na_error_t err;
        na_error_clear(&err);
        char label[160];
        snprintf(label, sizeof label, "parse_one %s: %s", na_format_name(one[i].format), shown(one[i].raw));
        na_status_t st = na_parse_one(one[i].format, (const unsigned char *)one[i].raw, strlen(one[i].raw), &a, &err);
        CHECK_INT(st, one[i].want, label);
        if (st == NA_OK) {
            CHECK_STR(a ? a->title : NULL, one[i].title, label);
        } else {
            CHECK(a == NULL, "no article on failure");
            CHECK(strstr(err.message, one[i].message) != NULL, one[i].message);
        }
        na_article_free(st == NA_OK ? a : NULL);
    }
}

/* A sink that asks to stop gets no more articles. */
static void test_stop(void)
{
    static const struct { na_format_t format; const char *input; } stop[] = {
        { NA_FORMAT_YAML, "title: A\n---\ntitle: B\n" },
        { NA_FORMAT_JSONL, "{\"title\": \"A\"}\n{\"title\": \"B\"}\n" },
        { NA_FORMAT_REUTERS, REU("1", "<TEXT><TITLE>A</TITLE></TEXT>") REU("2", "<TEXT><TITLE>B</TITLE></TEXT>") },
    };
    for (size_t i = 0; i < sizeof stop / sizeof *stop; i++) {
        collect_t c;
        memset(&c, 0, sizeof c);
        c.stop_after = 1;
        na_parse_sink_t sink = { on_article, on_reject, &c, NULL };
        na_status_t st = na_parse_buffer(stop[i].format, NULL, (const unsigned char *)stop[i].input,
                                         strlen(stop[i].input), &sink, NULL);
        char label[100];
        snprintf(label, sizeof label, "%s: stopping after one article", na_format_name(stop[i].format));
        CHECK(st == NA_OK && c.total == 1, label);
        release(&c);
    }
}

/* ---- the fixture files ---- */

typedef struct {
    const char *file;     /* under tests/fixtures */
    na_format_t format;   /* what detection must say */
    int articles;
    int rejects;
    size_t reject_lines[3];
    const char *reasons[3];
    const char *expect[16];
} fixture_case_t;

static const fixture_case_t fixtures[] = {
    { "articles/harbour-plan.txt", TXT, 1, 0, { 0 }, { NULL },
      { "0.title=Port authority unveils harbour expansion plan", "0.line=1" } },
    { "articles/untitled-note.txt", TXT, 1, 0, { 0 }, { NULL }, { "0.title=(null)" } },
    { "articles/lisbon-summit.md", MD, 1, 0, { 0 }, { NULL },
      { "0.id=fixture-lisbon-summit", "0.date=2025-03-14T09:30:00", "0.authors=In\xc3\xaas Carvalho|Tom Becker",
        "0.people=Tarc\xc3\xadsio de Freitas|Lee Jae-yong", "0.places=Lisbon|Portugal|uk", "0.orgs=European Union",
        "0.topics=fishing|trade", "0.language=en", "0.source=Fixture Wire",
        "0.url=https://example.org/lisbon-summit",
        "0.extras=desk=europe|embargo={\"until\":\"2025-03-14T08:00:00Z\"}" } },
    { "articles/zurich-bank.md", MD, 1, 0, { 0 }, { NULL },
      { "0.title=Z\xc3\xbcrich lender posts record profit", "0.people=J\xc3\xbcrg M\xc3\xbcller",
        "0.places=Z\xc3\xbcrich|Switzerland", "0.topics=banking", "0.date=2025-04-02" } },
    { "articles/briefs.yaml", YML, 3, 0, { 0 }, { NULL },
      { "0.line=1", "1.line=10", "2.line=16", "1.id=fixture-brief-2", "2.places=S\xc3\xa3o Paulo",
        "0.body=Union leaders called off a planned rail strike after a late-night\n"
        "agreement on wages, the transport ministry said.",
        "1.raw=---\nid: fixture-brief-2\ntitle: Heatwave warning for the south\ndate: 2025-07-01\n"
        "places: [Seville, Spain]\nbody: Forecasters issued a heatwave warning for southern Spain.\n" } },
    { "articles/wire.jsonl", JSL, 4, 0, { 0 }, { NULL },
      { "2.line=4", "3.line=5", "2.body=Australia raised its wheat harvest forecast.", "3.places=Singapore",
        "3.extras=extra_note={\"source_system\":\"feed-b\"}" } },
    { "articles/newswire.sgm", SGM, 3, 0, { 0 }, { NULL },
      { "0.id=reuters-90001", "0.title=GRAIN TALKS & TARIFFS <XYZ> RESUME", "0.date=1987-03-02T10:15:00",
        "0.dateline=BONN, March 2", "0.places=usa|west-germany", "0.people=james-baker", "0.orgs=ec",
        "0.line=2", "1.date=1987-03-27T00:03:35", "1.title=TOKYO STOCKS CLOSE HIGHER", "1.body=(null)",
        "1.exchanges=tse", "2.date=1987-03-31", "2.extra.topics_status=BYPASS", "2.extra.text_type=UNPROC" } },
    { "broken/bad-front-matter.md", MD, 0, 1, { 4 }, { "front matter: " }, { NULL } },
    { "broken/unclosed-front-matter.md", MD, 0, 1, { 1 }, { "front matter opened with '---' is never closed" },
      { NULL } },
    { "broken/mixed.yaml", YML, 2, 1, { 5 }, { "expected an object" }, { "1.id=broken-good-two", "1.line=8" } },
    { "broken/mixed.jsonl", JSL, 2, 2, { 2, 3 }, { "invalid JSON", "expected an object, found an array" },
      { "1.id=broken-jsonl-4" } },
    { "broken/bad-elements.sgm", SGM, 1, 2, { 5, 9 }, { "NEWID", "not closed" }, { "0.id=reuters-95001" } },
    { "broken/latin1.txt", TXT, 1, 0, { 0 }, { NULL },
      { "0.title=Caf\xc3\xa9 owners protest", "0.body=Owners of caf\xc3\xa9s in the old town protested against "
        "new terrace fees, na\xc3\xafve as it may seem." } },
    { "broken/empty.txt", TXT, 0, 0, { 0 }, { NULL }, { NULL } },
};

static bool contains(const char *hay, size_t n, const unsigned char *needle, size_t k)
{
    for (size_t i = 0; k && i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return true;
    return false;
}

static void test_fixtures(void)
{
    na_buf_t buf = NA_BUF_INIT;
    for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++) {
        const fixture_case_t *f = &fixtures[i];
        char *rel = na_xasprintf("tests/fixtures/%s", f->file);
        char *path = unit_srcpath(rel);
        free(rel);
        na_buf_reset(&buf);
        char label[200];
        snprintf(label, sizeof label, "%s: readable", f->file);
        CHECK(na_read_file(path, &buf) == 0, label);
        free(path);

        const unsigned char *bytes = (const unsigned char *)buf.data;
        na_format_t format = na_parse_detect(f->file, bytes, buf.len);
        snprintf(label, sizeof label, "%s: detected as %s", f->file, na_format_name(f->format));
        CHECK_INT(format, f->format, label);

        collect_t c;
        memset(&c, 0, sizeof c);
        c.keep = 1;
        na_parse_sink_t sink = { on_article, on_reject, &c, NULL };
        na_status_t st = na_parse_buffer(format, f->file, bytes, buf.len, &sink, NULL);
        snprintf(label, sizeof label, "%s: parses", f->file);
        CHECK_INT(st, NA_OK, label);
        snprintf(label, sizeof label, "%s: %d articles", f->file, f->articles);
        CHECK_INT(c.total, f->articles, label);
        snprintf(label, sizeof label, "%s: %d rejects", f->file, f->rejects);
        CHECK_INT(c.rejects, f->rejects, label);
        for (size_t r = 0; r < (size_t)f->rejects && r < c.rejects && r < 3; r++) {
            snprintf(label, sizeof label, "%s: reject %zu at line %zu", f->file, r + 1, f->reject_lines[r]);
            CHECK_INT(c.reject_lines[r], f->reject_lines[r], label);
            snprintf(label, sizeof label, "%s: reject %zu says \"%s\"", f->file, r + 1, f->reasons[r]);
            CHECK(strstr(c.reasons[r], f->reasons[r]) != NULL, label);
        }
        for (size_t e = 0; e < sizeof f->expect / sizeof *f->expect && f->expect[e]; e++)
            check_field(&c, f->expect[e], f->file);

        /* Raw bytes are the file's own, and parse again to the same
         * article. */
        bool raw_ok = true, again_ok = true;
        for (size_t a = 0; a < c.count; a++) {
            const na_article_t *art = c.arts[a];
            bool whole_file = f->format == TXT || f->format == MD;
            if (!contains(buf.data, buf.len, art->raw, art->raw_len) || (whole_file && art->raw_len != buf.len))
                raw_ok = false;
            na_article_t *again = NULL;
            if (na_parse_one(art->format, art->raw, art->raw_len, &again, NULL) != NA_OK ||
                strcmp(again->title ? again->title : "", art->title ? art->title : "") != 0 ||
                strcmp(again->body ? again->body : "", art->body ? art->body : "") != 0)
                again_ok = false;
            na_article_free(again);
        }
        snprintf(label, sizeof label, "%s: raw bytes come from the file", f->file);
        CHECK(raw_ok, label);
        snprintf(label, sizeof label, "%s: raw bytes parse to the same article", f->file);
        CHECK(again_ok, label);
        release(&c);
    }
    na_buf_release(&buf);
}

/* ---- the Reuters-21578 collection ---- */

typedef struct {
    size_t total, rejects, dated, places, people, orgs, yes, no, bypass, brief, unproc, bad_text, bad_raw;
    unsigned char *seen; /* NEWIDs seen, 1..21578 */
    size_t duplicate_or_odd_ids;
} corpus_t;

static bool clean_field(const char *s, bool one_line)
{
    if (!s)
        return true;
    size_t n = strlen(s);
    if (!na_utf8_valid(s, n) || strstr(s, "&#") || strstr(s, "&lt;") || strstr(s, "&amp;"))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f || (one_line && ch == '\n'))
            return false;
    }
    return n && !na_is_space((unsigned char)s[0]) && !na_is_space((unsigned char)s[n - 1]);
}

static int corpus_article(na_article_t *a, void *ud)
{
    corpus_t *c = ud;
    c->total++;
    long id = a->id && strncmp(a->id, "reuters-", 8) == 0 ? strtol(a->id + 8, NULL, 10) : 0;
    if (id < 1 || id > 21578 || c->seen[id])
        c->duplicate_or_odd_ids++;
    else
        c->seen[id] = 1;
    if (a->date && strncmp(a->date, "1987-", 5) == 0)
        c->dated++;
    c->places += a->places.count;
    c->people += a->people.count;
    c->orgs += a->orgs.count;
    for (size_t i = 0; i < a->extra_count; i++) {
        const char *k = a->extra[i].key, *v = a->extra[i].value;
        if (strcmp(k, "topics_status") == 0) {
            c->yes += strcmp(v, "YES") == 0;
            c->no += strcmp(v, "NO") == 0;
            c->bypass += strcmp(v, "BYPASS") == 0;
        } else if (strcmp(k, "text_type") == 0) {
            c->brief += strcmp(v, "BRIEF") == 0;
            c->unproc += strcmp(v, "UNPROC") == 0;
        }
    }
    if (!clean_field(a->title, true) || !clean_field(a->body, false) || !clean_field(a->dateline, true))
        c->bad_text++;
    if (a->raw_len < 20 || memcmp(a->raw, "<REUTERS ", 9) != 0 ||
        memcmp(a->raw + a->raw_len - 10, "</REUTERS>", 10) != 0 || a->format != NA_FORMAT_REUTERS)
        c->bad_raw++;
    na_article_free(a);
    return 0;
}

static void corpus_reject(size_t line, const char *reason, void *ud)
{
    printf("#   corpus reject at %zu: %s\n", line, reason);
    ((corpus_t *)ud)->rejects++;
}

static void test_corpus(void)
{
    const char *shared = getenv("NEWSARC_SHARED");
    char *dir = shared ? na_xasprintf("%s/corpus/reuters21578", shared)
                       : unit_srcpath("../shared/corpus/reuters21578");
    char *pattern = na_xasprintf("%s/reut2-*.sgm", dir);
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc != 22) {
        printf("ok %d # SKIP Reuters-21578 not found at %s\n", ++unit_count, dir);
        if (g.gl_pathc)
            globfree(&g);
        free(pattern);
        free(dir);
        return;
    }
    corpus_t c;
    memset(&c, 0, sizeof c);
    c.seen = na_xcalloc(21579, 1);
    na_parse_sink_t sink = { corpus_article, corpus_reject, &c, NULL };
    bool per_file = true;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        na_buf_t buf = NA_BUF_INIT;
        size_t before = c.total;
        if (na_read_file(g.gl_pathv[i], &buf) != 0 ||
            na_parse_buffer(na_parse_detect(g.gl_pathv[i], (const unsigned char *)buf.data, buf.len),
                            g.gl_pathv[i], (const unsigned char *)buf.data, buf.len, &sink, NULL) != NA_OK)
            per_file = false;
        if (c.total - before != (i == 21 ? 578u : 1000u)) {
            printf("#   %s: %zu articles\n", g.gl_pathv[i], c.total - before);
            per_file = false;
        }
        na_buf_release(&buf);
    }
    CHECK(per_file, "every file has 1,000 articles, the last 578");
    CHECK_INT(c.total, 21578, "the whole collection parses to 21,578 articles");
    CHECK_INT(c.rejects, 0, "with nothing rejected");
    CHECK_INT(c.duplicate_or_odd_ids, 0, "ids are reuters-1 to reuters-21578, each once");
    CHECK_INT(c.dated, 21578, "every article has a 1987 date");
    CHECK_INT(c.places, 22791, "22,791 place tags");
    CHECK_INT(c.people, 1391, "1,391 people tags");
    CHECK_INT(c.orgs, 986, "986 organisation tags");
    CHECK(c.yes == 13476 && c.no == 7059 && c.bypass == 1043, "TOPICS attribute kept: YES, NO, BYPASS counts");
    CHECK(c.brief == 1798 && c.unproc == 737, "text types kept: BRIEF and UNPROC counts");
    CHECK_INT(c.bad_text, 0, "titles, bodies and datelines are decoded, trimmed, valid UTF-8");
    CHECK_INT(c.bad_raw, 0, "raw bytes are whole REUTERS elements");
    free(c.seen);
    globfree(&g);
    free(pattern);
    free(dir);
}

/* ---- dates: read in every form, or warned of and left out ---- */

typedef struct {
    size_t count, line;
    char reason[256];
    char date[32];
    bool unreadable;
} date_seen_t;

static int on_dated(na_article_t *a, void *ud)
{
    date_seen_t *d = ud;
    snprintf(d->date, sizeof d->date, "%s", a->date ? a->date : "(null)");
    d->unreadable = a->date_unreadable;
    na_article_free(a);
    return 0;
}

static void on_date_warn(size_t line, const char *reason, void *ud)
{
    date_seen_t *d = ud;
    if (!d->count++) {
        d->line = line;
        snprintf(d->reason, sizeof d->reason, "%s", reason);
    }
}

static void test_dates(void)
{
    static const struct {
        na_format_t format;
        const char *input;
        const char *date; /* "(null)" when undated */
        size_t warn_line; /* 0: no warning */
        const char *warning;
    } date_cases[] = {
        { NA_FORMAT_JSONL, "{\"title\":\"A\",\"date\":\"2023-03\"}", "2023-03", 0, NULL },
        { NA_FORMAT_JSONL, "{\"title\":\"A\",\"date\":2023}", "2023", 0, NULL },
        { NA_FORMAT_JSONL, "{\"title\":\"A\",\"date\":\"March 5, 2023\"}", "2023-03-05", 0, NULL },
        { NA_FORMAT_JSONL, "{\"title\":\"A\",\"date\":\"Sun, 05 Mar 2023 23:30:00 -0500\"}",
          "2023-03-06T04:30:00", 0, NULL },
        { NA_FORMAT_JSONL, "{\"title\":\"A\",\"date\":\"\"}", "(null)", 0, NULL },
        { NA_FORMAT_JSONL, "{\"title\":\"A\"}\n{\"title\":\"B\",\"date\":\"03/05/2023\"}", "(null)", 2,
          "cannot read the date '03/05/2023'; the article is indexed undated" },
        { NA_FORMAT_YAML, "title: A\ndate: 2023/03/05\n", "2023-03-05", 0, NULL },
        { NA_FORMAT_YAML, "title: A\ndate: 20230305\n", "2023-03-05", 0, NULL },
        { NA_FORMAT_YAML, "---\ntitle: A\n---\ntitle: B\ndate: 2023-02-30\n", "(null)", 3,
          "cannot read the date '2023-02-30'; the article is indexed undated" },
        { NA_FORMAT_MARKDOWN, "---\ntitle: A\ndate: not a date\n---\nBody\n", "(null)", 1,
          "cannot read the date 'not a date'; the article is indexed undated" },
        { NA_FORMAT_MARKDOWN, "---\ntitle: A\ndate: 5 March 2023\n---\nBody\n", "2023-03-05", 0, NULL },
        { NA_FORMAT_REUTERS,
          "<REUTERS NEWID=\"1\">\n<DATE>99-XYZ-1987</DATE>\n<TEXT><TITLE>T</TITLE><BODY>B</BODY></TEXT>\n</REUTERS>\n",
          "(null)", 1, "cannot read the date '99-XYZ-1987'; the article is indexed undated" },
    };
    for (size_t i = 0; i < sizeof date_cases / sizeof *date_cases; i++) {
        date_seen_t seen = { 0 };
        na_parse_sink_t sink = { on_dated, NULL, &seen, on_date_warn };
        const char *in = date_cases[i].input;
        CHECK_INT(na_parse_buffer(date_cases[i].format, NULL, (const unsigned char *)in, strlen(in), &sink, NULL), NA_OK,
                  shown(in));
        CHECK_STR(seen.date, date_cases[i].date, "the date of the last article");
        CHECK_INT(seen.unreadable, date_cases[i].warning != NULL, "marked unreadable when it did not parse");
        CHECK_INT(seen.count, date_cases[i].warning ? 1 : 0, "one warning for an unreadable date, none otherwise");
        if (date_cases[i].warning) {
            CHECK_INT(seen.line, date_cases[i].warn_line, "the warning names the record's line");
            CHECK_STR(seen.reason, date_cases[i].warning, "the warning names the value");
        }
    }
}

/* Warnings of the Markdown reader: a body that opens with another block. */
typedef struct {
    size_t articles, warnings, line;
} warned_t;

static int count_article(na_article_t *a, void *ud)
{
    ((warned_t *)ud)->articles++;
    na_article_free(a);
    return 0;
}

static void count_warning(size_t line, const char *reason, void *ud)
{
    warned_t *w = ud;
    (void)reason;
    w->warnings++;
    w->line = line;
}

static void test_second_block(void)
{
    static const struct {
        const char *in;
        size_t warnings, line;
        const char *what;
    } blocks[] = {
        { "---\ntitle: A\n---\n---\ntitle: B\n---\nbody\n", 1, 4, "a second block right after the first" },
        { "---\ntitle: A\n---\n\n---\nid: b\n---\n", 1, 5, "a second block after a blank line" },
        { "---\ntitle: A\n---\nText.\n---\ntitle: B\n---\n", 0, 0, "a block later in the body" },
        { "---\ntitle: A\n---\n---\n- not a mapping\n---\n", 0, 0, "a rule and a list, not a block" },
        { "---\ntitle: A\n---\nJust a body\n", 0, 0, "an ordinary body" },
    };
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++) {
        warned_t w = { 0, 0, 0 };
        na_parse_sink_t sink = { count_article, NULL, &w, count_warning };
        na_parse_buffer(NA_FORMAT_MARKDOWN, "test", (const unsigned char *)blocks[i].in, strlen(blocks[i].in),
                        &sink, NULL);
        CHECK_INT(w.articles, 1, blocks[i].what);
        CHECK_INT(w.warnings, blocks[i].warnings, blocks[i].what);
        CHECK_INT(w.line, blocks[i].line, blocks[i].what);
    }
}

/* Where each format says an article's title, dateline and body lie in its
 * raw bytes (what --extract-only places spans in), and whether it was
 * read as Windows-1252. */
static const char *range_text(const na_article_t *a, na_range_t r, char *out, size_t size)
{
    if (!r.end)
        return NULL;
    if (r.end > a->raw_len || r.start > r.end)
        return "(out of bounds)";
    snprintf(out, size, "%.*s", (int)(r.end - r.start), (const char *)a->raw + r.start);
    return out;
}

static void test_places(void)
{
    static const struct {
        na_format_t format;
        const char *in;
        size_t article; /* which of the input's articles, from 0 */
        const char *title, *dateline, *body;
        int legacy;
        const char *what;
    } places[] = {
        { NA_FORMAT_TEXT, "Title here\n\nBody text.\n", 0, "Title here", NULL, "Body text.\n", 0, "text" },
        { NA_FORMAT_TEXT, "Caf\xe9\n\nCr\xe8me.\n", 0, "Caf\xe9", NULL, "Cr\xe8me.\n", 1, "Latin-1 text" },
        { NA_FORMAT_MARKDOWN, "# Heading\nBody.\n", 0, " Heading", NULL, "Body.\n", 0, "markdown heading" },
        { NA_FORMAT_MARKDOWN, "---\nplaces: [Lisbon]\ntitle: Talks in Lisbon\n---\nIn Lisbon.\n", 0,
          "Talks in Lisbon", NULL, "In Lisbon.\n", 0, "front matter title after other keys" },
        { NA_FORMAT_MARKDOWN, "---\ntitle: Z\xfcrich talks\n---\nIn Z\xfcrich.\n", 0, "Z\xfcrich talks", NULL,
          "In Z\xfcrich.\n", 1, "Latin-1 front matter" },
        { NA_FORMAT_JSONL,
          "{\"places\": [\"S\xc3\xa3o Tom\xc3\xa9\"], \"title\": \"S\xc3\xa3o Tom\xc3\xa9 vote\", "
          "\"dateline\": \"LISBON\", \"body\": \"Voters in S\xc3\xa3o Tom\xc3\xa9.\"}",
          0, "\"S\xc3\xa3o Tom\xc3\xa9 vote\"", "\"LISBON\"", "\"Voters in S\xc3\xa3o Tom\xc3\xa9.\"", 0,
          "JSON values, not the places list" },
        { NA_FORMAT_JSONL, "{\"text\": \"Only text\", \"body\": null, \"meta\": {\"title\": \"x\"}}", 0,
          NULL, NULL, "\"Only text\"", 0, "JSON text when body is null; nested keys ignored" },
        { NA_FORMAT_JSONL, "{\"title\": \"Caf\xe9\"}", 0, "\"Caf\xe9\"", NULL, NULL, 1, "Latin-1 JSON line" },
        { NA_FORMAT_YAML, "---\ntitle: One\nbody: First body\n---\nplaces: [Oslo]\ntitle: Oslo news\nbody: |\n  In Oslo.\n",
          1, "Oslo news", NULL, "|\n  In Oslo.\n", 0, "second YAML document" },
        { NA_FORMAT_YAML, "title: Gen\xe8" "ve\nbody: In Gen\xe8" "ve.\n", 0, "Gen\xe8" "ve", NULL, "In Gen\xe8" "ve.", 1,
          "Latin-1 YAML" },
        { NA_FORMAT_YAML, "{st\xc3\xa4" "dte: [Z\xc3\xbcrich], title: \xc3\x9c" "ber, body: Z\xc3\xbcrich}\n", 0,
          "\xc3\x9c" "ber", NULL, "Z\xc3\xbcrich", 0, "UTF-8 YAML columns counted in characters" },
        { NA_FORMAT_REUTERS,
          "<REUTERS NEWID=\"7\"><TEXT><TITLE>OIL UP</TITLE><DATELINE>LONDON, March 2 - </DATELINE>"
          "<BODY>Oil rose.</BODY></TEXT></REUTERS>",
          0, "OIL UP", "LONDON, March 2 - ", "Oil rose.", 0, "Reuters elements" },
    };
    for (size_t i = 0; i < sizeof places / sizeof *places; i++) {
        collect_t c;
        parse(places[i].format, places[i].in, strlen(places[i].in), &c);
        CHECK(c.count > places[i].article, places[i].what);
        if (c.count <= places[i].article) {
            release(&c);
            continue;
        }
        const na_article_t *a = c.arts[places[i].article];
        char buf[256];
        CHECK_STR(range_text(a, a->raw_title, buf, sizeof buf), places[i].title, places[i].what);
        CHECK_STR(range_text(a, a->raw_dateline, buf, sizeof buf), places[i].dateline, places[i].what);
        CHECK_STR(range_text(a, a->raw_body, buf, sizeof buf), places[i].body, places[i].what);
        CHECK_INT(a->legacy, places[i].legacy, places[i].what);
        release(&c);
    }
}

/* na__needs_repair() as it read a byte at a time: a control character
 * other than a blank, or bytes that are not UTF-8. */
static bool needs_repair_ref(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return true;
    }
    return !na_utf8_valid(s, len);
}

static void test_needs_repair(void)
{
    static const struct {
        const char *s;
        bool want;
    } cases[] = {
        { "", false },
        { "plain words of a wire, long enough for eight", false },
        { "line one\nline two\r\n\ttabbed", false },
        { "caf\xc3\xa9 and Z\xc3\xbcrich, then more text", false },
        { "seventeen bytes!\x01", true },
        { "\x02start of text", true },
        { "a Latin-1 caf\xe9 in the middle of a sentence", true },
        { "cut short \xc3", true },
        { "\x7f is no control character here", false },
        { "twelve bytes\x1f", true },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char label[120];
        snprintf(label, sizeof label, "needs_repair: case %zu", i);
        CHECK(na__needs_repair(cases[i].s, strlen(cases[i].s)) == cases[i].want, label);
    }
    /* Every position of every kind of byte in text of several lengths. */
    static const unsigned char kinds[] = { 0x00, 0x01, '\t', '\n', '\r', 0x1f, ' ', 'a', 0x7f, 0x80, 0xc3, 0xff };
    bool same = true;
    char buf[40];
    for (size_t len = 1; len < sizeof buf && same; len++)
        for (size_t at = 0; at < len && same; at++)
            for (size_t k = 0; k < sizeof kinds && same; k++) {
                memset(buf, 'x', len);
                buf[at] = (char)kinds[k];
                if (kinds[k] == 0xc3 && at + 1 < len)
                    buf[at + 1] = (char)0xa9; /* a whole character too */
                same = na__needs_repair(buf, len) == needs_repair_ref(buf, len);
            }
    CHECK(same, "needs_repair: the same as a byte at a time for every byte at every place");
}

int main(void)
{
    test_needs_repair();
    test_places();
    test_second_block();
    test_detect();
    test_cases();
    test_deep_yaml();
    test_dates();
    test_one();
    test_stop();
    test_fixtures();
    test_corpus();
    return unit_done();
}
