/* conll.c - reading CoNLL-2003 files (conll.h). */
#include "conll.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void na_conll_release(na_conll_corpus_t *c)
{
    for (size_t i = 0; i < c->count; i++) {
        na_buf_release(&c->items[i].text);
        na_tokens_release(&c->items[i].toks);
        na_ner_spans_release(&c->items[i].gold);
    }
    free(c->items);
    memset(c, 0, sizeof *c);
}

static na_conll_doc_t *new_doc(na_conll_corpus_t *c)
{
    if (c->count == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->items = na_xrealloc(c->items, c->cap * sizeof *c->items);
    }
    na_conll_doc_t *d = &c->items[c->count++];
    memset(d, 0, sizeof *d);
    return d;
}

/* The type of the tag "B-PER", "I-LOC", ... of N bytes at TAG; -1 for O. */
static int type_of(const char *tag, size_t n)
{
    if (n < 3 || tag[1] != '-' || (tag[0] != 'B' && tag[0] != 'I'))
        return -1;
    for (int t = 0; t < NA_NER_NTYPES; t++) {
        const char *name = na_ner_type_name((na_ner_type_t)t);
        if (n - 2 == strlen(name) && memcmp(tag + 2, name, n - 2) == 0)
            return t;
    }
    return -1;
}

static bool tok_is(const char *t, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(t, s, n) == 0;
}

/* Clitics are written against the word before: 's n't 're 've 'll 'd 'm. */
static bool is_clitic(const char *t, size_t n)
{
    if (n == 3 && (t[0] == 'n' || t[0] == 'N') && t[1] == '\'' && (t[2] == 't' || t[2] == 'T'))
        return true;
    if (n < 2 || n > 3 || t[0] != '\'')
        return false;
    for (size_t i = 1; i < n; i++)
        if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z')))
            return false;
    return true;
}

static bool no_space_before(const char *t, size_t n)
{
    static const char *const p[] = { ",", ".", ";", ":", "!", "?", "%", ")", "]" };
    for (size_t i = 0; i < sizeof p / sizeof *p; i++)
        if (tok_is(t, n, p[i]))
            return true;
    return is_clitic(t, n);
}

static void push_tok(na_tokens_t *tk, na_token_t t)
{
    if (tk->count == tk->cap) {
        tk->cap = tk->cap ? tk->cap * 2 : 256;
        tk->items = na_xrealloc(tk->items, tk->cap * sizeof *tk->items);
    }
    tk->items[tk->count++] = t;
}

na_status_t na_conll_read(const char *path, na_conll_layout_t layout, na_conll_corpus_t *c,
                          na_error_t *err)
{
    na_buf_t buf = NA_BUF_INIT;
    int e = na_read_file(path, &buf);
    if (e) {
        na_buf_release(&buf);
        return na_error_set(err, NA_ERR_IO, "%s: cannot read: %s", path, na_strerror(e));
    }
    na_conll_doc_t *d = NULL;
    bool new_sentence = true, glue = false, in_quote = false;
    int open_type = -1; /* type of the entity the previous token is in */
    size_t i = 0, line = 0;
    while (i < buf.len) {
        size_t eol = i;
        while (eol < buf.len && buf.data[eol] != '\n')
            eol++;
        const char *l = buf.data + i;
        size_t n = eol - i;
        line++;
        i = eol + 1;
        while (n && (l[n - 1] == '\r' || l[n - 1] == ' '))
            n--;
        if (n == 0) {
            new_sentence = true;
            open_type = -1;
            continue;
        }
        if (n >= 10 && memcmp(l, "-DOCSTART-", 10) == 0) {
            d = new_doc(c);
            new_sentence = true;
            in_quote = false;
            open_type = -1;
            continue;
        }
        if (!d)
            d = new_doc(c);
        size_t tl = 0;
        while (tl < n && l[tl] != ' ')
            tl++;
        size_t ts = n;
        while (ts > 0 && l[ts - 1] != ' ')
            ts--;
        const char *tag = l + ts;
        size_t tagn = n - ts;
        int type = tl && ts > tl ? type_of(tag, tagn) : -1;
        if (tl == 0 || ts <= tl || (type < 0 && !tok_is(tag, tagn, "O"))) {
            na_buf_release(&buf);
            return na_error_set(err, NA_ERR_PARSE, "%s:%zu: expected 'token ... tag' with a tag O, B-TYPE or I-TYPE",
                                path, line);
        }

        bool quote = tok_is(l, tl, "\"");
        bool opening = quote && !in_quote;
        if (d->toks.count > 0) {
            if (new_sentence)
                na_buf_addc(&d->text, '\n');
            else if (layout == NA_CONLL_SPACED ||
                     (!glue && !no_space_before(l, tl) && !(quote && !opening)))
                na_buf_addc(&d->text, ' ');
        }
        if (quote)
            in_quote = !in_quote;
        glue = tok_is(l, tl, "(") || tok_is(l, tl, "[") || opening;

        size_t start = d->text.len;
        na_buf_add(&d->text, l, tl);
        size_t k = d->toks.count;
        push_tok(&d->toks, (na_token_t){ start, d->text.len, new_sentence ? NA_TOKEN_SENT_START : 0u });
        c->ntokens++;
        if (type >= 0) {
            if (type == open_type && tag[0] == 'I') {
                na_ner_span_t *sp = &d->gold.items[d->gold.count - 1];
                sp->tok_end = k + 1;
                sp->end = d->text.len;
            } else {
                na_ner_spans_push(&d->gold, (na_ner_span_t){ (na_ner_type_t)type, k, k + 1, start, d->text.len, 0 });
            }
        }
        open_type = type;
        new_sentence = false;
    }
    na_buf_release(&buf);
    return NA_OK;
}
