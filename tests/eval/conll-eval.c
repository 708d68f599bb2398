/* conll-eval.c - scores the tokenizer and entity tagger on CoNLL-2003 text.
 *
 *     conll-eval [--corpus FILE] [--model MODEL] [--gazetteer DIR |
 *                --no-gazetteer] [--speed-mb N] [--errors] [--token-errors]
 *
 * Run from the top of the source tree.  For each article of the
 * development file (default ../shared/corpus/conll2003/eng.testa) it
 * rebuilds running text from the corpus tokens as the corpus README
 * describes (spaces between tokens, none before , . ; : ! ? % ) ] and
 * clitics or after ( [, paired double quotes, one sentence a line) and
 * records the byte span of each gold entity.  It then runs na_tokenize()
 * and na_ner_tag() on that text, as the indexer would, with the model
 * (default config/ner.model) and gazetteers (default config/gazetteer),
 * and scores exact-match spans per type: a found span counts only with the
 * same type, start and end.  MISC is shown but left out of the total.  It
 * also reports how many corpus tokens and sentence starts the tokenizer
 * reproduces, and the speed of tokenizer + tagger on the rebuilt text
 * repeated to about N MB (default 10; 0 skips it), per article and as one
 * single document, in CPU time and wall time.  --errors prints every
 * missed (FN) and spurious (FP) span with its line; --token-errors every
 * corpus token and sentence start the tokenizer does not reproduce.
 *
 * Exit status: 0 success; 1 the model, gazetteers or corpus could not be
 * read; 2 usage error; 77 the corpus is not present (skipped, as automake
 * counts it).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "conll.h"
#include "ner.h"
#include "tokenize.h"
#include "util.h"

#define PROG "conll-eval"

static double now(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void print_span(const char *what, const na_conll_doc_t *d, const na_ner_span_t *s)
{
    /* the whole line for context */
    size_t a = s->start, b = s->end;
    while (a > 0 && d->text.data[a - 1] != '\n')
        a--;
    while (b < d->text.len && d->text.data[b] != '\n')
        b++;
    printf("%s %-4s %-30.*s | %.*s[%.*s]%.*s\n", what, na_ner_type_name(s->type), (int)(s->end - s->start),
           d->text.data + s->start, (int)(s->start - a), d->text.data + a, (int)(s->end - s->start),
           d->text.data + s->start, (int)(b - s->end), d->text.data + s->end);
}

static void usage(FILE *out)
{
    fprintf(out, "usage: " PROG " [--corpus FILE] [--model MODEL] [--gazetteer DIR | --no-gazetteer]\n"
                 "                  [--speed-mb N] [--errors] [--token-errors]\n");
}

int main(int argc, char **argv)
{
    const char *corpus_path = "../shared/corpus/conll2003/eng.testa";
    const char *model_path = "config/ner.model";
    const char *gaz_dir = "config/gazetteer";
    bool use_gaz = true, errors = false, token_errors = false;
    double speed_mb = 10;
    static const struct option opts[] = {
        { "corpus", required_argument, NULL, 'c' }, { "model", required_argument, NULL, 'm' },
        { "gazetteer", required_argument, NULL, 'g' }, { "no-gazetteer", no_argument, NULL, 'G' },
        { "speed-mb", required_argument, NULL, 's' }, { "errors", no_argument, NULL, 'e' },
        { "token-errors", no_argument, NULL, 'T' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'c': corpus_path = optarg; break;
        case 'm': model_path = optarg; break;
        case 'g': gaz_dir = optarg; use_gaz = true; break;
        case 'G': use_gaz = false; break;
        case 's': speed_mb = atof(optarg); break;
        case 'e': errors = true; break;
        case 'T': token_errors = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    struct stat st;
    if (stat(corpus_path, &st) != 0) {
        printf(PROG ": skip: %s not found\n", corpus_path);
        return 77;
    }
    na_error_t err;
    na_ner_model_t *model = NULL;
    if (na_ner_model_load(model_path, &model, &err) != NA_OK) {
        fprintf(stderr, PROG ": error: %s\n", err.message);
        return 1;
    }
    na_gazetteer_t *gaz = NULL;
    if (use_gaz) {
        unsigned nfiles = 0;
        gaz = na_gazetteer_create();
        if (na_gazetteer_load_dir(gaz, gaz_dir, &nfiles, &err) != NA_OK) {
            fprintf(stderr, PROG ": error: %s\n", err.message);
            na_gazetteer_free(gaz);
            na_ner_model_free(model);
            return 1;
        }
        if (!nfiles) {
            na_gazetteer_free(gaz);
            gaz = NULL;
        }
    }
    na_conll_corpus_t corpus = NA_CONLL_CORPUS_INIT;
    if (na_conll_read(corpus_path, NA_CONLL_RUNNING_TEXT, &corpus, &err) != NA_OK) {
        fprintf(stderr, PROG ": error: %s\n", err.message);
        na_conll_release(&corpus);
        na_ner_model_free(model);
        na_gazetteer_free(gaz);
        return 1;
    }

    size_t tp[NA_NER_NTYPES] = { 0 }, npred[NA_NER_NTYPES] = { 0 }, ngold[NA_NER_NTYPES] = { 0 };
    size_t gold_toks = 0, same_toks = 0, got_toks = 0, gold_sents = 0, same_sents = 0, got_sents = 0;
    size_t bytes = 0;
    na_tokens_t toks = NA_TOKENS_INIT;
    na_ner_spans_t pred = NA_NER_SPANS_INIT;
    for (size_t di = 0; di < corpus.count; di++) {
        const na_conll_doc_t *d = &corpus.items[di];
        bytes += d->text.len;
        na_tokenize(d->text.data, d->text.len, NA_TOKENIZE_LINES, &toks, NULL);
        /* tokenizer agreement */
        size_t i = 0, j = 0;
        gold_toks += d->toks.count;
        got_toks += toks.count;
        for (size_t k = 0; k < d->toks.count; k++)
            gold_sents += (d->toks.items[k].flags & NA_TOKEN_SENT_START) != 0;
        for (size_t k = 0; k < toks.count; k++)
            got_sents += (toks.items[k].flags & NA_TOKEN_SENT_START) != 0;
        while (i < d->toks.count && j < toks.count) {
            const na_token_t *g = &d->toks.items[i], *t = &toks.items[j];
            if (g->start == t->start && g->end == t->end) {
                same_toks++;
                if ((g->flags & NA_TOKEN_SENT_START) && (t->flags & NA_TOKEN_SENT_START))
                    same_sents++;
                else if (token_errors && ((g->flags ^ t->flags) & NA_TOKEN_SENT_START))
                    printf("SENT %s '%.*s' | %.*s\n", (t->flags & NA_TOKEN_SENT_START) ? "extra" : "missed",
                           (int)(t->end - t->start), d->text.data + t->start,
                           (int)(t->start > 40 ? 40 : t->start), d->text.data + t->start - (t->start > 40 ? 40 : t->start));
                i++, j++;
            } else if (g->start < t->start || (g->start == t->start && g->end < t->end)) {
                if (token_errors)
                    printf("TOK corpus '%.*s' got '%.*s'\n", (int)(g->end - g->start), d->text.data + g->start,
                           (int)(t->end - t->start), d->text.data + t->start);
                i++;
            } else {
                j++;
            }
        }
        na_ner_tag(model, gaz, d->text.data, d->text.len, toks.items, toks.count, &pred, NULL);
        for (size_t k = 0; k < d->gold.count; k++)
            ngold[d->gold.items[k].type]++;
        for (size_t k = 0; k < pred.count; k++)
            npred[pred.items[k].type]++;
        i = j = 0;
        while (i < d->gold.count || j < pred.count) {
            const na_ner_span_t *g = i < d->gold.count ? &d->gold.items[i] : NULL;
            const na_ner_span_t *p = j < pred.count ? &pred.items[j] : NULL;
            if (g && p && g->start == p->start && g->end == p->end) {
                if (g->type == p->type) {
                    tp[g->type]++;
                } else if (errors) {
                    print_span("FN", d, g);
                    print_span("FP", d, p);
                }
                i++, j++;
            } else if (g && (!p || g->start < p->start || (g->start == p->start && g->end < p->end))) {
                if (errors)
                    print_span("FN", d, g);
                i++;
            } else {
                if (errors)
                    print_span("FP", d, p);
                j++;
            }
        }
    }

    printf("CoNLL-2003 %s: %zu articles, %zu bytes of rebuilt text\n", corpus_path, corpus.count, bytes);
    printf("model %s: %s\n", model_path, na_ner_model_info(model));
    printf("gazetteer: %s\n", gaz ? gaz_dir : "none");
    printf("tokens: %zu of %zu corpus tokens reproduced (%.2f%%), %zu produced; sentence starts: %zu of %zu, "
           "%zu produced\n",
           same_toks, gold_toks, 100.0 * (double)same_toks / (double)(gold_toks ? gold_toks : 1), got_toks,
           same_sents, gold_sents, got_sents);
    printf("\n%-8s %6s %6s %6s %9s %9s %9s\n", "type", "gold", "found", "right", "precision", "recall", "F1");
    size_t ttp = 0, tpred = 0, tgold = 0;
    for (int t = 0; t <= NA_NER_NTYPES; t++) {
        size_t a, b, c;
        const char *name;
        if (t < NA_NER_NTYPES) {
            a = tp[t], b = npred[t], c = ngold[t];
            name = t == NA_NER_PER ? "PER" : t == NA_NER_LOC ? "LOC" : t == NA_NER_ORG ? "ORG" : "(MISC)";
            if (t != NA_NER_MISC)
                ttp += a, tpred += b, tgold += c;
        } else {
            a = ttp, b = tpred, c = tgold;
            name = "PER+LOC+ORG";
        }
        double p = b ? (double)a / (double)b : 0, r = c ? (double)a / (double)c : 0;
        double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
        printf("%-8s %6zu %6zu %6zu %9.4f %9.4f %9.4f\n", name, c, b, a, p, r, f);
    }

    if (speed_mb > 0 && bytes > 0) {
        /* Per article, over the corpus repeated to about SPEED_MB. */
        size_t target = (size_t)(speed_mb * 1e6);
        size_t reps = (target + bytes - 1) / bytes;
        double c0 = now(CLOCK_PROCESS_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
        size_t done = 0, nspans = 0;
        for (size_t r = 0; r < reps; r++)
            for (size_t di = 0; di < corpus.count; di++) {
                const na_conll_doc_t *d = &corpus.items[di];
                na_tokenize(d->text.data, d->text.len, NA_TOKENIZE_LINES, &toks, NULL);
                na_ner_tag(model, gaz, d->text.data, d->text.len, toks.items, toks.count, &pred, NULL);
                done += d->text.len;
                nspans += pred.count;
            }
        double c1 = now(CLOCK_PROCESS_CPUTIME_ID), w1 = now(CLOCK_MONOTONIC);
        printf("\nspeed, tokenizer + tagger, one core: %.1f MB in %zu articles: %.2f MB/s cpu (%.2f MB/s wall), "
               "%zu spans\n",
               (double)done / 1e6, reps * corpus.count, (double)done / 1e6 / (c1 - c0),
               (double)done / 1e6 / (w1 - w0), nspans);
        /* The same text as one document. */
        na_buf_t big = NA_BUF_INIT;
        while (big.len < target)
            for (size_t di = 0; di < corpus.count && big.len < target; di++) {
                na_buf_add(&big, corpus.items[di].text.data, corpus.items[di].text.len);
                na_buf_addc(&big, '\n');
            }
        c0 = now(CLOCK_PROCESS_CPUTIME_ID);
        w0 = now(CLOCK_MONOTONIC);
        na_tokenize(big.data, big.len, NA_TOKENIZE_LINES, &toks, NULL);
        double ct = now(CLOCK_PROCESS_CPUTIME_ID);
        na_ner_tag(model, gaz, big.data, big.len, toks.items, toks.count, &pred, NULL);
        c1 = now(CLOCK_PROCESS_CPUTIME_ID);
        w1 = now(CLOCK_MONOTONIC);
        printf("speed, one %.1f MB document: %.2f MB/s cpu (%.2f MB/s wall; tokenizer alone %.1f MB/s), "
               "%zu tokens, %zu spans\n",
               (double)big.len / 1e6, (double)big.len / 1e6 / (c1 - c0), (double)big.len / 1e6 / (w1 - w0),
               (double)big.len / 1e6 / (ct - c0), toks.count, pred.count);
        na_buf_release(&big);
    }
    na_tokens_release(&toks);
    na_ner_spans_release(&pred);
    na_conll_release(&corpus);
    na_gazetteer_free(gaz);
    na_ner_model_free(model);
    return 0;
}
