/* test-ner.c - the tokenizer's tokens, offsets and sentences, and the
 * committed entity model on hand-written sentences, bad input and damaged
 * model files, and the decoder's tag constraints on models made by hand. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ner.h"
#include "tokenize.h"
#include "unit.h"
#include "util.h"

/* Renders tokens as "tok tok |tok": a bar marks a sentence start after the
 * first token.  Caller frees. */
static char *render(const char *text, const na_tokens_t *t)
{
    na_buf_t b = NA_BUF_INIT;
    for (size_t i = 0; i < t->count; i++) {
        if (i)
            na_buf_addc(&b, ' ');
        if (i && (t->items[i].flags & NA_TOKEN_SENT_START))
            na_buf_addc(&b, '|');
        na_buf_add(&b, text + t->items[i].start, t->items[i].end - t->items[i].start);
    }
    return na_buf_detach(&b, NULL);
}

/* Tokens are non-empty, inside the text, in order and not overlapping. */
static int well_formed(const na_tokens_t *t, size_t len)
{
    size_t prev = 0;
    for (size_t i = 0; i < t->count; i++) {
        const na_token_t *k = &t->items[i];
        if (k->start >= k->end || k->end > len || k->start < prev)
            return 0;
        if (i == 0 && !(k->flags & NA_TOKEN_SENT_START))
            return 0;
        prev = k->end;
    }
    return 1;
}

static void test_tokenizer_table(void)
{
    static const struct {
        const char *in;
        unsigned flags;
        const char *want;
    } cases[] = {
        { "", 0, "" },
        { "  \n\n \t ", 0, "" },
        { "Clinton's aides don't like it.", 0, "Clinton 's aides do n't like it ." },
        { "I'm sure they're here; we'll see.", 0, "I 'm sure they 're here ; we 'll see ." },
        { "The U.S. economy grew in the U.S.", 0, "The U.S. economy grew in the U.S." },
        { "Policy of the U.S.. Next", 0, "Policy of the U.S. . |Next" },
        { "(Reuters) - Shares, bonds; 5% up: 10,000 and 2:29.34 $5", 0,
          "( Reuters ) - Shares , bonds ; 5 % up : 10,000 and 2:29.34 $ 5" },
        { "an all-rounder, O'Neill of S&P in 1996/97 and U.S.-led talks", 0,
          "an all-rounder , O'Neill of S&P in 1996/97 and U.S.-led talks" },
        { "Mr. Smith met Gen. Lee on Jan. 5. Then he left!", 0,
          "Mr. Smith met Gen. Lee on Jan. 5 . |Then he left !" },
        { "He works for Foo Co.\nShe works for Bar Inc. now.", 0,
          "He works for Foo Co . |She works for Bar Inc. now ." },
        { "J. R. R. Tolkien wrote it.", 0, "J. R. R. Tolkien wrote it ." },
        { "He said: \"Yes.\" Then he went (to Rome.) Later", 0,
          "He said : \" Yes . \" |Then he went ( to Rome . ) |Later" },
        { "players' union and rock 'n' roll", 0, "players ' union and rock ' n ' roll" },
        { "WASHINGTON'S PLAN WON'T PASS -- SENATE", 0, "WASHINGTON 'S PLAN WO N'T PASS -- SENATE" },
        { "LONDON 1996-08-30\nWest Indian all-rounder", 0, "LONDON 1996-08-30 |West Indian all-rounder" },
        { "line one\ncontinues here.\n\nNew para\r\nsame", NA_TOKENIZE_PARAGRAPHS,
          "line one continues here . |New para same" },
        { "1. Ann Smith (U.S.) 10.5 2. Bob Jones 11.0\n3. Cy Twombly", 0,
          "1. Ann Smith ( U.S. ) 10.5 |2. Bob Jones 11.0 |3. Cy Twombly" },
        { "rose 5. The index", 0, "rose 5 . |The index" },
        { "Wait... what?! Really", 0, "Wait ... what ?! |Really" },
        /* non-ASCII letters, quotes, dashes, apostrophes */
        { "Tarc\xc3\xadsio de Freitas met Lee Jae-yong in S\xc3\xa3o Paulo.", 0,
          "Tarc\xc3\xadsio de Freitas met Lee Jae-yong in S\xc3\xa3o Paulo ." },
        { "\xe2\x80\x9cQuoted,\xe2\x80\x9d he said\xe2\x80\x94then left\xe2\x80\xa6 ok", 0,
          "\xe2\x80\x9c Quoted , \xe2\x80\x9d he said \xe2\x80\x94 then left \xe2\x80\xa6 ok" },
        { "Clinton\xe2\x80\x99s aides didn\xe2\x80\x99t", 0, "Clinton \xe2\x80\x99s aides did n\xe2\x80\x99t" },
        { "\xc5\x81\xc3\xb3" "d\xc5\xba and \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0\xc2\xa0today", 0,
          "\xc5\x81\xc3\xb3" "d\xc5\xba and \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 today" },
        /* invalid UTF-8: each bad byte is a letter of its own */
        { "caf\xe9 \xff\xfe x\xc3(y \xe2\x80", 0, "caf\xe9 \xff\xfe x\xc3 ( y \xe2\x80" },
    };
    na_tokens_t toks = NA_TOKENS_INIT;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len = strlen(cases[i].in);
        na_error_t err;
        CHECK_INT(na_tokenize(cases[i].in, len, cases[i].flags, &toks, &err), NA_OK, "tokenize succeeds");
        char *got = render(cases[i].in, &toks);
        char what[160];
        snprintf(what, sizeof what, "tokens of \"%s\"", cases[i].in);
        for (char *p = what; *p; p++)
            if (*p == '\n' || *p == '\r' || *p == '\t')
                *p = ' ';
        CHECK_STR(got, cases[i].want, what);
        CHECK(well_formed(&toks, len), "tokens are in order, inside the text, the first starts a sentence");
        free(got);
    }
    na_tokens_release(&toks);
}

static void test_tokenizer_offsets(void)
{
    /* Byte offsets, not characters: "é" is two bytes, "’" three. */
    const char *s = "Jos\xc3\xa9's caf\xc3\xa9 \xe2\x80\x9cok\xe2\x80\x9d";
    static const size_t want[][2] = { { 0, 5 }, { 5, 7 }, { 8, 13 }, { 14, 17 }, { 17, 19 }, { 19, 22 } };
    na_tokens_t toks = NA_TOKENS_INIT;
    na_tokenize(s, strlen(s), 0, &toks, NULL);
    CHECK_INT(toks.count, 6, "six tokens");
    for (size_t i = 0; i < toks.count && i < 6; i++) {
        CHECK_INT(toks.items[i].start, want[i][0], "token start");
        CHECK_INT(toks.items[i].end, want[i][1], "token end");
    }
    /* Text need not be NUL-terminated: only LEN bytes are read. */
    char buf[6] = { 'A', 'b', 'c', ' ', 'd', 'X' };
    na_tokenize(buf, 5, 0, &toks, NULL);
    CHECK(toks.count == 2 && toks.items[1].end == 5, "LEN bounds the text");
    na_error_t err;
    CHECK_INT(na_tokenize(NULL, 3, 0, &toks, &err), NA_ERR_INVALID, "NULL text with a length is refused");
    CHECK_INT(na_tokenize("x", 1, 0, NULL, &err), NA_ERR_INVALID, "no output is refused");
    CHECK_INT(na_tokenize(NULL, 0, 0, &toks, NULL), NA_OK, "empty NULL text is fine");
    CHECK_INT(toks.count, 0, "and gives no tokens");
    na_tokens_release(&toks);
}

/* Deterministic pseudo-random bytes. */
static uint64_t rnd(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* The tokenizer reads characters with lib/utf8's strict decoder; a byte
 * that starts no valid character is one character of its own. */
static void test_tokenizer_decode(void)
{
    static const struct {
        const char *in;
        size_t len, want_len;
        unsigned want_cp;
        const char *what;
    } cases[] = {
        { "a", 1, 1, 'a', "tok_decode: ASCII" },
        { "\xc3\xa9", 2, 2, 0xe9, "tok_decode: two bytes" },
        { "\xe2\x80\x99", 3, 3, 0x2019, "tok_decode: three bytes" },
        { "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff, "tok_decode: U+10FFFF" },
        { "\xc0\xaf", 2, 1, NA_TOK_RAW_BYTE + 0xc0, "tok_decode: an overlong form is a raw byte" },
        { "\xed\xa0\x80", 3, 1, NA_TOK_RAW_BYTE + 0xed, "tok_decode: a surrogate is a raw byte" },
        { "\xf4\x90\x80\x80", 4, 1, NA_TOK_RAW_BYTE + 0xf4, "tok_decode: above U+10FFFF is a raw byte" },
        { "\xe2\x80", 2, 1, NA_TOK_RAW_BYTE + 0xe2, "tok_decode: a truncated form is a raw byte" },
        { "\x80", 1, 1, NA_TOK_RAW_BYTE + 0x80, "tok_decode: a lone continuation byte is a raw byte" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        unsigned cp = 0;
        size_t n = na_tok_decode((const unsigned char *)cases[i].in, cases[i].len, &cp);
        CHECK(n == cases[i].want_len && cp == cases[i].want_cp, cases[i].what);
    }
}

static void test_tokenizer_robust(void)
{
    size_t n = 10u << 20;
    char *s = malloc(n);
    uint64_t x = 88172645463325252ULL;
    na_tokens_t toks = NA_TOKENS_INIT;
    /* random bytes, biased to letters, spaces and punctuation */
    static const char alphabet[] = "aB .,'\"()-\n\xc3\xa9\xe2\x80\x99\xff" "0";
    for (size_t i = 0; i < n; i++) {
        uint64_t r = rnd(&x);
        s[i] = (r & 1) ? (char)(r >> 8) : alphabet[(r >> 8) % (sizeof alphabet - 1)];
    }
    CHECK_INT(na_tokenize(s, n, 0, &toks, NULL), NA_OK, "10 MB of random bytes");
    CHECK(well_formed(&toks, n) && toks.count > 100000, "give well-formed tokens");
    /* one 10 MB line without spaces, then one of dots */
    memset(s, 'a', n);
    na_tokenize(s, n, 0, &toks, NULL);
    CHECK(toks.count == 1 && toks.items[0].end == n, "a 10 MB word is one token");
    memset(s, '.', n);
    na_tokenize(s, n, 0, &toks, NULL);
    CHECK(toks.count == 1, "10 MB of dots are one token");
    for (size_t i = 0; i < n; i++)
        s[i] = "ABC'S U.S.. WON'T (X), "[i % 23];
    na_tokenize(s, n, NA_TOKENIZE_PARAGRAPHS, &toks, NULL);
    CHECK(well_formed(&toks, n), "a 10 MB capitals line gives well-formed tokens");
    free(s);
    na_tokens_release(&toks);
}

/* ---- the model ---- */

typedef struct {
    const char *type;
    const char *text;
} want_t;

/* Tags TEXT and checks that each span of WANT comes out, and that no other
 * span overlaps one of them ("ORG:Treasury" may come with "PER:Scott
 * Bessent", as CoNLL-2003 annotates it, but "ORG:Treasury Secretary Scott
 * Bessent" may not). */
static void check_tags(const na_ner_model_t *m, const na_gazetteer_t *gaz, const char *text, const want_t *want,
                       size_t nwant)
{
    na_tokens_t toks = NA_TOKENS_INIT;
    na_ner_spans_t spans = NA_NER_SPANS_INIT;
    na_tokenize(text, strlen(text), 0, &toks, NULL);
    CHECK_INT(na_ner_tag(m, gaz, text, strlen(text), toks.items, toks.count, &spans, NULL), NA_OK, "tag");
    na_buf_t got = NA_BUF_INIT, exp = NA_BUF_INIT;
    for (size_t i = 0; i < spans.count; i++) {
        const na_ner_span_t *sp = &spans.items[i];
        bool keep = false;
        for (size_t j = 0; j < nwant; j++) {
            const char *at = strstr(text, want[j].text);
            size_t ws = at ? (size_t)(at - text) : 0, we = ws + strlen(want[j].text);
            if (at && sp->start < we && ws < sp->end)
                keep = true;
        }
        if (keep || nwant == 0)
            na_buf_addf(&got, "%s%s:%.*s", got.len ? " | " : "", na_ner_type_name(sp->type),
                        (int)(sp->end - sp->start), text + sp->start);
    }
    for (size_t i = 0; i < nwant; i++)
        na_buf_addf(&exp, "%s%s:%s", i ? " | " : "", want[i].type, want[i].text);
    CHECK_STR(got.data ? got.data : "", exp.data ? exp.data : "", text);
    na_buf_release(&got);
    na_buf_release(&exp);
    na_tokens_release(&toks);
    na_ner_spans_release(&spans);
}

static void test_model(void)
{
    char *path = unit_srcpath("config/ner.model");
    char *gdir = unit_srcpath("config/gazetteer");
    na_ner_model_t *m = NULL;
    na_error_t err;
    CHECK_INT(na_ner_model_load(path, &m, &err), NA_OK, "the committed model loads");
    if (!m) {
        printf("# %s\n", err.message);
        free(path);
        free(gdir);
        return;
    }
    na_gazetteer_t *gaz = na_gazetteer_create();
    CHECK_INT(na_gazetteer_load_dir(gaz, gdir, NULL, &err), NA_OK, "the gazetteers load");
    const char *const *names;
    size_t ng = na_ner_model_gazetteer_classes(m, &names);
    for (size_t i = 0; i < ng; i++)
        CHECK(na_gazetteer_count(gaz, names[i]) > 0, "each gazetteer class of the model is there");
    CHECK(strlen(na_ner_model_info(m)) > 0, "the model says how it was trained");

    static const want_t w1[] = { { "PER", "Scott Bessent" }, { "LOC", "Geneva" } };
    check_tags(m, gaz, "Treasury Secretary Scott Bessent met officials in Geneva on Monday.", w1, 2);
    static const want_t w2[] = { { "ORG", "European Central Bank" }, { "PER", "Christine Lagarde" },
                                 { "LOC", "Frankfurt" } };
    check_tags(m, gaz, "The European Central Bank will keep rates on hold, Christine Lagarde told reporters in "
                       "Frankfurt on Thursday.", w2, 3);
    static const want_t w3[] = { { "ORG", "Toyota Motor Corp" }, { "LOC", "Tokyo" }, { "LOC", "Japan" } };
    check_tags(m, gaz, "Shares of Toyota Motor Corp fell 3 percent in Tokyo after the yen rose against the "
                       "dollar, traders in Japan said.", w3, 3);
    static const want_t w4[] = { { "PER", "Maria Fernandes" }, { "LOC", "Lisbon" }, { "ORG", "Banco Atlantico" } };
    check_tags(m, gaz, "Maria Fernandes, who was born in Lisbon, joined Banco Atlantico as chief economist "
                       "last year.", w4, 3);
    static const want_t w5[] = { { "PER", "Lee Jae-yong" }, { "PER", "Tarc\xc3\xadsio de Freitas" },
                                 { "LOC", "Seoul" } };
    check_tags(m, gaz, "Samsung chairman Lee Jae-yong met Brazilian governor Tarc\xc3\xadsio de Freitas in Seoul "
                       "on Friday.", w5, 3);
    static const want_t w7[] = { { "PER", "Jos\xc3\xa9 Luis Rodr\xc3\xadguez Zapatero" },
                                 { "LOC", "M\xc3\xa1laga" } };
    check_tags(m, gaz, "Jos\xc3\xa9 Luis Rodr\xc3\xadguez Zapatero visited M\xc3\xa1laga on Sunday.", w7, 2);
    static const want_t w6[] = { { "LOC", "LONDON" }, { "PER", "Keir Starmer" }, { "LOC", "Britain" },
                                 { "ORG", "European Union" } };
    check_tags(m, gaz, "LONDON, June 9 (Reuters) - British Prime Minister Keir Starmer said on Monday that "
                       "Britain would not rejoin the European Union.", w6, 4);
    check_tags(m, gaz, "prices rose slightly in early trade and were steady by the close.", NULL, 0);
    check_tags(m, gaz, "", NULL, 0);

    /* Errors and bad input. */
    na_ner_spans_t spans = NA_NER_SPANS_INIT;
    na_token_t bad = { 3, 9, NA_TOKEN_SENT_START };
    CHECK_INT(na_ner_tag(m, gaz, "abc", 3, &bad, 1, &spans, &err), NA_ERR_INVALID, "a token past the text");
    CHECK_INT(na_ner_tag(NULL, gaz, "abc", 3, NULL, 0, &spans, &err), NA_ERR_INVALID, "no model");
    size_t n = 10u << 20;
    char *s = malloc(n);
    uint64_t x = 2463534242ULL;
    static const char *const words[] = { "the ", "Smith ", "said ", "in ", "London ", "IBM ", ", ", ".\n",
                                         "\xff ", "BANK ", "of ", "\xc3\xa9t\xc3\xa9 ", "'s ", "(", ") " };
    size_t used = 0;
    while (used < n) {
        const char *w = words[rnd(&x) % (sizeof words / sizeof *words)];
        size_t l = strlen(w);
        if (used + l > n)
            l = n - used;
        memcpy(s + used, w, l);
        used += l;
    }
    na_tokens_t toks = NA_TOKENS_INIT;
    na_tokenize(s, n, 0, &toks, NULL);
    CHECK_INT(na_ner_tag(m, gaz, s, n, toks.items, toks.count, &spans, NULL), NA_OK, "a 10 MB document");
    int ok = 1;
    for (size_t i = 0; i < spans.count; i++) {
        const na_ner_span_t *sp = &spans.items[i];
        if (sp->tok_start >= sp->tok_end || sp->tok_end > toks.count || sp->start != toks.items[sp->tok_start].start ||
            sp->end != toks.items[sp->tok_end - 1].end || (i && sp->tok_start < spans.items[i - 1].tok_end))
            ok = 0;
    }
    CHECK(ok && spans.count > 0, "gives ordered spans that match their tokens");
    memset(s, 'x', n);
    for (size_t i = 7; i < n; i += 8)
        s[i] = ' ';
    na_tokenize(s, n, 0, &toks, NULL);
    CHECK_INT(na_ner_tag(m, gaz, s, n, toks.items, toks.count, &spans, NULL), NA_OK,
              "a 10 MB line with no capitals");
    CHECK_INT(spans.count, 0, "has no entities");
    free(s);
    na_tokens_release(&toks);
    na_ner_spans_release(&spans);

    /* The file form round-trips; damage is detected. */
    na_buf_t file = NA_BUF_INIT;
    na_ner_model_serialize(m, &file);
    na_ner_model_t *m2 = NULL;
    CHECK_INT(na_ner_model_load_mem(file.data, file.len, &m2, &err), NA_OK, "a serialized model loads");
    na_buf_t again = NA_BUF_INIT;
    if (m2)
        na_ner_model_serialize(m2, &again);
    CHECK(again.len == file.len && memcmp(again.data, file.data, file.len) == 0, "and serializes the same");
    na_ner_model_free(m2);
    m2 = NULL;
    file.data[file.len / 2] ^= 0x10;
    CHECK_INT(na_ner_model_load_mem(file.data, file.len, &m2, &err), NA_ERR_CORRUPT, "a flipped bit is caught");
    CHECK(m2 == NULL, "and gives no model");
    file.data[file.len / 2] ^= 0x10;
    CHECK_INT(na_ner_model_load_mem(file.data, file.len - 100, &m2, &err), NA_ERR_CORRUPT, "truncation is caught");
    CHECK_INT(na_ner_model_load_mem(file.data, 20, &m2, &err), NA_ERR_PARSE, "a stub is not a model");
    CHECK_INT(na_ner_model_load_mem("not a model at all, just some text here", 40, &m2, &err), NA_ERR_PARSE,
              "text is not a model");
    file.data[12] ^= 0x7f; /* feature version; then fix the checksum */
    CHECK_INT(na_ner_model_load_mem(file.data, file.len, &m2, &err), NA_ERR_CORRUPT,
              "a changed header fails the checksum");
    na_buf_release(&file);
    na_buf_release(&again);
    CHECK_INT(na_ner_model_load("/nonexistent/ner.model", &m2, &err), NA_ERR_IO, "a missing file");
    CHECK(strstr(err.message, "/nonexistent/ner.model") != NULL, "is named in the message");
    na_ner_model_free(NULL);
    na_ner_model_free(m);
    na_gazetteer_free(gaz);
    free(path);
    free(gdir);
}

static void test_gazetteer(void)
{
    na_gazetteer_t *g = na_gazetteer_create();
    na_error_t err;
    const char *lines = "# comment\nUnited States\tUS\tU.S.\tAmerica\n\nNew  York\t-\tNYC\n";
    CHECK_INT(na_gazetteer_add_lines(g, "countries", lines, strlen(lines), 1u << 0, 3, &err), NA_OK, "add lines");
    CHECK_INT(na_gazetteer_count(g, "countries"), 5, "names and aliases, not '-' or the code");
    CHECK_INT(na_gazetteer_add(g, "", "x", 1, &err), NA_ERR_INVALID, "an empty class name is refused");
    for (int i = 0; i < NA_GAZETTEER_MAX_CLASSES; i++) {
        char name[16];
        snprintf(name, sizeof name, "c%d", i);
        na_gazetteer_add(g, name, "x", 1, NULL);
    }
    CHECK_INT(na_gazetteer_add(g, "one-too-many", "x", 1, &err), NA_ERR_INVALID, "the class limit holds");
    CHECK_INT(na_gazetteer_count(g, "nothing"), 0, "an unknown class has no phrases");
    unsigned nfiles = 9;
    CHECK_INT(na_gazetteer_load_dir(g, "/nonexistent", &nfiles, &err), NA_OK, "a missing directory is empty");
    CHECK_INT(nfiles, 0, "with no files");
    na_gazetteer_free(g);
    na_gazetteer_free(NULL);
}

/* A made-up capitalised word of 5 to 7 letters, from *X. */
static void made_up_word(uint64_t *x, char *out)
{
    size_t n = 5 + rnd(x) % 3;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)((i ? 'a' : 'A') + rnd(x) % 26);
    out[n] = '\0';
}

/* Word clusters: the file form, and a model that learns from them what it
 * could not from the words alone.  Made-up words in the sentence "W said
 * ." are people when their cluster path starts 1110 and organisations
 * when it starts 0001; at test time Quelp and Tarsk, never seen in
 * training, share those prefixes. */
static void test_clusters(void)
{
    na_gazetteer_t *g = na_gazetteer_create();
    na_error_t err;
    const char *table = "# PATH\tWORD\tCOUNT\n111000\tZorbu\t9\n111001\tMirka\t9\n111010\tTrovin\t9\n"
                        "111011\tQuelp\t3\n000100\tBrindle\t9\n000101\tKaspo\t9\n000110\tVelmar\t9\n"
                        "000111\tTarsk\t3\n01\tsaid\t40\n";
    CHECK_INT(na_gazetteer_add_clusters(g, table, strlen(table), &err), NA_OK, "a cluster table loads");
    CHECK_INT(na_gazetteer_count(g, "clusters"), 9, "one cluster a word, comments skipped");
    const char *dup = "1\tsaid\n";
    CHECK_INT(na_gazetteer_add_clusters(g, dup, strlen(dup), &err), NA_OK, "a word again");
    CHECK_INT(na_gazetteer_count(g, "clusters"), 9, "keeps one entry");
    const char *bad = "0101\tfine\n01x1\tbroken\n";
    CHECK_INT(na_gazetteer_add_clusters(g, bad, strlen(bad), &err), NA_ERR_PARSE, "a path of other characters");
    CHECK(strstr(err.message, "line 2") != NULL, "names its line");
    const char *nopath = "\tword\n";
    CHECK_INT(na_gazetteer_add_clusters(g, nopath, strlen(nopath), &err), NA_ERR_PARSE, "an empty path");
    CHECK_INT(na_gazetteer_add_clusters(g, dup, 0, &err), NA_OK, "no data");
    CHECK_INT(na_gazetteer_count(g, "clusters"), 10, "the good line before a bad one is kept");

    enum { NWORDS = 40 };
    char words[NWORDS][8];
    uint64_t x = 88172645463325252ULL;
    na_buf_t more = NA_BUF_INIT;
    for (int i = 0; i < NWORDS; i++) {
        made_up_word(&x, words[i]);
        char bits[8]; /* the word's number, so that paths differ past the prefix */
        for (int k = 0; k < 6; k++)
            bits[k] = (char)('0' + ((i >> (5 - k)) & 1));
        bits[6] = '\0';
        na_buf_addf(&more, "%s%s\t%s\n", i % 2 ? "0001" : "1110", bits, words[i]);
    }
    CHECK_INT(na_gazetteer_add_clusters(g, more.data, more.len, &err), NA_OK, "made-up words get clusters");
    na_gazetteer_t *plain = na_gazetteer_create();
    na_ner_model_t *models[2];
    for (int with = 0; with < 2; with++) {
        na_ner_trainer_t *tr = na_ner_trainer_create(16, with ? g : plain, 7);
        for (int i = 0; i < NWORDS; i++) {
            char doc[32];
            snprintf(doc, sizeof doc, "%s said .", words[i]);
            na_tokens_t toks = NA_TOKENS_INIT;
            na_tokenize(doc, strlen(doc), 0, &toks, NULL);
            na_ner_span_t gold = { i % 2 ? NA_NER_ORG : NA_NER_PER, 0, 1, 0, 0, 0 };
            na_ner_trainer_add(tr, doc, strlen(doc), toks.items, toks.count, &gold, 1, NULL);
            na_tokens_release(&toks);
        }
        for (unsigned e = 1; e <= 5; e++)
            na_ner_trainer_epoch(tr, e);
        models[with] = na_ner_trainer_model(tr, 0, "test");
        na_ner_trainer_free(tr);
    }
    na_buf_release(&more);
    const char *const *names;
    size_t ng = na_ner_model_gazetteer_classes(models[1], &names);
    CHECK(ng == 1 && strcmp(names[0], "clusters") == 0, "a model trained with clusters lists them");
    CHECK_INT(na_ner_model_gazetteer_classes(models[0], NULL), 0, "one trained without does not");
    static const want_t per[] = { { "PER", "Quelp" } }, org[] = { { "ORG", "Tarsk" } };
    check_tags(models[1], g, "Quelp said .", per, 1);
    check_tags(models[1], g, "Tarsk said .", org, 1);
    /* The model without clusters cannot tell the two apart. */
    na_tokens_t toks = NA_TOKENS_INIT;
    na_ner_spans_t a = NA_NER_SPANS_INIT, b = NA_NER_SPANS_INIT;
    na_tokenize("Quelp said .", 12, 0, &toks, NULL);
    na_ner_tag(models[0], g, "Quelp said .", 12, toks.items, toks.count, &a, NULL);
    na_tokenize("Tarsk said .", 12, 0, &toks, NULL);
    na_ner_tag(models[0], g, "Tarsk said .", 12, toks.items, toks.count, &b, NULL);
    CHECK(!(a.count == 1 && b.count == 1 && a.items[0].type == NA_NER_PER && b.items[0].type == NA_NER_ORG),
          "without clusters the unseen words are not both right");
    na_tokens_release(&toks);
    na_ner_spans_release(&a);
    na_ner_spans_release(&b);
    na_ner_model_free(models[0]);
    na_ner_model_free(models[1]);
    na_gazetteer_free(plain);
    na_gazetteer_free(g);
}

/* The document pass.  In each training document a made-up word first
 * comes in "W said ." (no evidence of its type) and then in a context
 * that says it: "Mr W left ." (a person) or "They flew to W ." (a place).
 * The first pass tags the first mention the same way in both kinds of
 * document; the document pass, stacked on a first-pass model that never
 * saw the documents it learns from, takes the type of the later mention. */
static void add_doc(na_ner_trainer_t *tr, na_ner_stacker_t *st, const na_ner_model_t *first, const char *w,
                    bool person)
{
    char doc[96];
    if (person)
        snprintf(doc, sizeof doc, "%s said . Mr %s left .", w, w);
    else
        snprintf(doc, sizeof doc, "%s said . They flew to %s .", w, w);
    na_tokens_t toks = NA_TOKENS_INIT;
    na_tokenize(doc, strlen(doc), 0, &toks, NULL);
    na_ner_type_t type = person ? NA_NER_PER : NA_NER_LOC;
    size_t second = person ? 4 : 6;
    na_ner_span_t gold[2] = { { type, 0, 1, 0, 0, 0 }, { type, second, second + 1, 0, 0, 0 } };
    if (tr)
        na_ner_trainer_add(tr, doc, strlen(doc), toks.items, toks.count, gold, 2, NULL);
    if (st)
        CHECK_INT(na_ner_stacker_add(st, first, NULL, doc, strlen(doc), toks.items, toks.count, gold, 2, NULL),
                  NA_OK, "a document is stacked");
    na_tokens_release(&toks);
}

/* ---- decoding ---- */

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static void put32(na_buf_t *b, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        na_buf_addc(b, (char)(v >> (8 * k)));
}

static void put_var(na_buf_t *b, uint64_t v)
{
    do {
        na_buf_addc(b, (char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
        v >>= 7;
    } while (v);
}

enum { NTAGS = 17 };

/* A model file (format VERSION, the layout of ner.h) of 2^8 rows, every
 * one of them holding the weights W of the 17 tags: whatever the
 * features, each adds W, so the tags' local scores are W times the number
 * of features.  Caller releases OUT. */
static void uniform_model(na_buf_t *out, uint32_t version, const int w[NTAGS])
{
    put32(out, 0); /* room for the magic */
    out->len = 0;
    na_buf_add(out, "NANERMDL", 8);
    put32(out, version);
    put32(out, NA_NER_FEATURE_VERSION);
    put32(out, NTAGS);
    put32(out, 8);
    float scale = 1e-4f; /* small: the weights dwarf the decoder's pruning margin */
    uint32_t sc;
    memcpy(&sc, &scale, 4);
    put32(out, sc);
    put32(out, 0);    /* gazetteer classes */
    put32(out, 7);    /* info */
    put32(out, 256);  /* rows */
    na_buf_add(out, "uniform", 7);
    unsigned mask = 0;
    for (int l = 0; l < NTAGS; l++)
        if (w[l])
            mask |= 1u << l;
    for (unsigned r = 0; r < 256; r++) {
        put_var(out, 0);
        put_var(out, mask);
        for (int l = 0; l < NTAGS; l++)
            if (w[l])
                put_var(out, w[l] < 0 ? ((uint64_t)-w[l] << 1) - 1 : (uint64_t)w[l] << 1);
    }
    put32(out, crc32_of((const unsigned char *)out->data, out->len));
}

/* Tags 0 O; then B, I, L, U of PER (1-4), LOC (5-8), ORG (9-12), MISC. */
static void test_decoding(void)
{
    na_error_t err;
    na_buf_t file = NA_BUF_INIT;
    na_ner_model_t *m = NULL;
    const char *text = "Alpha Beta Gamma Delta Epsilon Zeta";
    na_tokens_t toks = NA_TOKENS_INIT;
    na_ner_spans_t spans = NA_NER_SPANS_INIT;
    na_tokenize(text, strlen(text), 0, &toks, NULL);

    /* Every token would rather be I-PER or L-PER than anything: tagged one
     * at a time, no name would have a start.  The decoder opens the name
     * at the first word and closes it at the last: one name, whole. */
    int inside[NTAGS] = { 0 };
    inside[2] = 90, inside[3] = 100;
    uniform_model(&file, NA_NER_FORMAT_VERSION, inside);
    CHECK_INT(na_ner_model_load_mem(file.data, file.len, &m, &err), NA_OK, "a uniform model loads");
    if (m) {
        CHECK_INT(na_ner_tag(m, NULL, text, strlen(text), toks.items, toks.count, &spans, NULL), NA_OK,
                  "tags with it");
        CHECK_INT(spans.count, 1, "tags I- and L- best everywhere make one name");
        if (spans.count == 1) {
            CHECK(spans.items[0].type == NA_NER_PER && spans.items[0].tok_start == 0 &&
                      spans.items[0].tok_end == toks.count,
                  "a long name is kept whole, opened at its first word and closed at its last");
        }
    }
    na_ner_model_free(m);
    m = NULL;
    na_buf_release(&file);

    /* L- alone best: B- L- pairs beat one long name (B + 4 I + L). */
    int last[NTAGS] = { 0 };
    last[3] = 100;
    uniform_model(&file, NA_NER_FORMAT_VERSION, last);
    CHECK_INT(na_ner_model_load_mem(file.data, file.len, &m, &err), NA_OK, "another uniform model loads");
    if (m) {
        na_ner_tag(m, NULL, text, strlen(text), toks.items, toks.count, &spans, NULL);
        bool pairs = spans.count == 3;
        for (size_t i = 0; pairs && i < spans.count; i++)
            pairs = spans.items[i].tok_start == 2 * i && spans.items[i].tok_end == 2 * i + 2;
        CHECK(pairs, "L- best everywhere gives names of two words, each with its B-");
        /* An odd count of words: the last cannot be L- without a B-. */
        na_tokens_t t5 = NA_TOKENS_INIT;
        const char *five = "Alpha Beta Gamma Delta Epsilon";
        na_tokenize(five, strlen(five), 0, &t5, NULL);
        na_ner_tag(m, NULL, five, strlen(five), t5.items, t5.count, &spans, NULL);
        bool ok = spans.count >= 1;
        for (size_t i = 0; ok && i < spans.count; i++)
            ok = spans.items[i].tok_end > spans.items[i].tok_start && (i == 0 || spans.items[i].tok_start >=
                                                                                     spans.items[i - 1].tok_end);
        CHECK(ok && spans.items[spans.count - 1].tok_end <= t5.count, "an odd count of words stays well formed");
        na_tokens_release(&t5);
    }
    na_ner_model_free(m);
    m = NULL;
    na_buf_release(&file);

    /* A name is never left open at a sentence end: B- best everywhere. */
    int open[NTAGS] = { 0 };
    open[1] = 100;
    uniform_model(&file, NA_NER_FORMAT_VERSION, open);
    CHECK_INT(na_ner_model_load_mem(file.data, file.len, &m, &err), NA_OK, "a third uniform model loads");
    if (m) {
        const char *two = "Alpha beta. Gamma delta epsilon.";
        na_tokenize(two, strlen(two), 0, &toks, NULL);
        na_ner_tag(m, NULL, two, strlen(two), toks.items, toks.count, &spans, NULL);
        bool ok = true;
        size_t second = 0;
        for (size_t i = 0; i < toks.count; i++)
            if (i && (toks.items[i].flags & NA_TOKEN_SENT_START))
                second = i;
        for (size_t i = 0; i < spans.count; i++)
            ok &= !(spans.items[i].tok_start < second && spans.items[i].tok_end > second);
        CHECK(second > 0 && ok, "no name crosses a sentence start");
    }
    na_ner_model_free(m);
    m = NULL;

    /* A model of the BIO format before this one is refused, saying why. */
    na_buf_release(&file);
    uniform_model(&file, 1, inside);
    CHECK_INT(na_ner_model_load_mem(file.data, file.len, &m, &err), NA_ERR_PARSE, "a version 1 model is refused");
    CHECK(strstr(err.message, "retrain") != NULL && strstr(err.message, "BILOU") != NULL,
          "with a message to retrain it");
    CHECK(m == NULL, "and gives no model");
    na_buf_release(&file);
    na_tokens_release(&toks);
    na_ner_spans_release(&spans);
}

static void test_doc_pass(void)
{
    enum { NWORDS = 60 };
    char words[NWORDS][8];
    uint64_t x = 1442695040888963407ULL;
    for (int i = 0; i < NWORDS; i++)
        made_up_word(&x, words[i]);
    na_ner_trainer_t *tr = na_ner_trainer_create(16, NULL, 3);
    for (int i = 0; i < NWORDS / 2; i++)
        add_doc(tr, NULL, NULL, words[i], i % 2);
    for (unsigned e = 1; e <= 5; e++)
        na_ner_trainer_epoch(tr, e);
    na_ner_model_t *first = na_ner_trainer_model(tr, 0, "first pass");
    na_ner_trainer_free(tr);
    na_ner_stacker_t *st = na_ner_stacker_create(16, 3);
    for (int i = NWORDS / 2; i < NWORDS; i++)
        add_doc(NULL, st, first, words[i], i % 2);
    for (unsigned e = 1; e <= 10; e++)
        na_ner_stacker_epoch(st, e);
    na_ner_model_t *two = na_ner_stacker_model(st, first);
    CHECK(two != NULL, "the document pass makes a model");
    if (!two) {
        na_ner_stacker_free(st);
        na_ner_model_free(first);
        return;
    }
    const char *const *names;
    size_t ng = na_ner_model_gazetteer_classes(two, &names);
    CHECK(ng == 1 && strcmp(names[0], "document-pass") == 0, "and lists it among its classes");
    CHECK_INT(na_ner_model_gazetteer_classes(first, NULL), 0, "the first-pass model does not");
    CHECK_STR(na_ner_model_info(two), "first pass", "keeps the base model's info");

    static const want_t per[] = { { "PER", "Quelp" } }, loc[] = { { "LOC", "Quelp" } };
    const char *pdoc = "Quelp said . Mr Quelp left .", *ldoc = "Quelp said . They flew to Quelp .";
    check_tags(two, NULL, pdoc, per, 1);
    check_tags(two, NULL, ldoc, loc, 1);
    /* Without the document pass the first mention reads the same in both. */
    na_tokens_t toks = NA_TOKENS_INIT;
    na_ner_spans_t a = NA_NER_SPANS_INIT, b = NA_NER_SPANS_INIT;
    na_tokenize(pdoc, strlen(pdoc), 0, &toks, NULL);
    na_ner_tag(first, NULL, pdoc, strlen(pdoc), toks.items, toks.count, &a, NULL);
    na_tokenize(ldoc, strlen(ldoc), 0, &toks, NULL);
    na_ner_tag(first, NULL, ldoc, strlen(ldoc), toks.items, toks.count, &b, NULL);
    bool pa = a.count && a.items[0].tok_start == 0 && a.items[0].type == NA_NER_PER;
    bool lb = b.count && b.items[0].tok_start == 0 && b.items[0].type == NA_NER_LOC;
    CHECK(!(pa && lb), "the first pass alone is not right in both");

    /* The file form keeps the document pass. */
    na_error_t err;
    na_buf_t file = NA_BUF_INIT;
    na_ner_model_serialize(two, &file);
    na_ner_model_t *back = NULL;
    CHECK_INT(na_ner_model_load_mem(file.data, file.len, &back, &err), NA_OK, "a stacked model loads");
    if (!back)
        printf("# %s\n", err.message);
    if (back) {
        check_tags(back, NULL, pdoc, per, 1);
        check_tags(back, NULL, ldoc, loc, 1);
    }
    na_buf_release(&file);

    /* Misuse. */
    na_ner_stacker_t *other = na_ner_stacker_create(17, 3);
    na_tokenize(pdoc, strlen(pdoc), 0, &toks, NULL);
    CHECK_INT(na_ner_stacker_add(other, first, NULL, pdoc, strlen(pdoc), toks.items, toks.count, NULL, 0, &err),
              NA_ERR_INVALID, "a first-pass model of other hash bits");
    CHECK(na_ner_stacker_model(other, first) == NULL, "gives no stacked model");
    CHECK(na_ner_stacker_create(7, 1) == NULL, "too few hash bits");
    na_ner_stacker_free(NULL);
    na_ner_stacker_free(other);
    na_tokens_release(&toks);
    na_ner_spans_release(&a);
    na_ner_spans_release(&b);
    na_ner_model_free(back);
    na_ner_model_free(two);
    na_ner_stacker_free(st);
    na_ner_model_free(first);
}

int main(void)
{
    test_tokenizer_table();
    test_tokenizer_offsets();
    test_tokenizer_decode();
    test_tokenizer_robust();
    test_gazetteer();
    test_clusters();
    test_decoding();
    test_doc_pass();
    test_model();
    return unit_done();
}
