/* ner-train.c - trains the named-entity model from CoNLL-2003 files.
 *
 *     ner-train --train eng.train [--dev eng.testa] --out config/ner.model
 *               [--epochs N] [--ensemble K] [--bits B] [--prune W] [--select]
 *               [--seed S] [--gazetteer DIR | --no-gazetteer]
 *               [--doc-pass K] [--doc-pass-epochs N] [-v]
 *
 * Reads CoNLL files (one "token POS chunk tag" line per token, a blank
 * line after each sentence, "-DOCSTART-" before each article; IOB1 tags,
 * where B-TYPE starts an entity right after another of the same type).
 * Training runs on the corpus tokens, each document's text being rebuilt
 * by joining them with spaces, one sentence a line, with the gazetteers of
 * config/gazetteer/ when they are there.  For each of K seeds (default 5)
 * it trains the averaged perceptron for N passes (default 20) in a fixed,
 * seeded order (a fifth of the documents of each pass without gazetteer
 * features, see ner.h) and keeps the last pass; with --dev it prints the
 * development span precision, recall and F1 per type after each pass, and
 * with --select too it keeps instead the pass with the best F1 over PER,
 * LOC and ORG there (which tunes the model on that file: a file chosen so
 * is no longer held out).  The K kept models are averaged into the one
 * written,
 * through a temporary file and a rename.  With --doc-pass K (K >= 2) the
 * document pass (ner.h) is then trained by stacking on K-fold
 * cross-fitting (tried with K = 5; it did not improve the cross-validated
 * figure, so the shipped model has none): the training documents are dealt into K
 * folds by position, a first-pass model (M members, default 1, the same
 * passes) is
 * trained on all folds but one and tags that fold, and the weights of the
 * document-pass features are trained for N passes (default 10) over those
 * tags and added to the written model.  The same inputs give the same
 * model, byte for byte.
 *
 * Exit status: 0 success; 1 a file could not be read or written or is
 * malformed; 2 usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conll.h"
#include "ner.h"
#include "tokenize.h"
#include "util.h"

#define PROG "ner-train"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

typedef struct {
    size_t tp[NA_NER_NTYPES], npred[NA_NER_NTYPES], ngold[NA_NER_NTYPES];
} score_t;

static void score_doc(score_t *s, const na_ner_spans_t *gold, const na_ner_spans_t *pred)
{
    size_t i = 0, j = 0;
    for (size_t k = 0; k < gold->count; k++)
        s->ngold[gold->items[k].type]++;
    for (size_t k = 0; k < pred->count; k++)
        s->npred[pred->items[k].type]++;
    while (i < gold->count && j < pred->count) {
        const na_ner_span_t *g = &gold->items[i], *p = &pred->items[j];
        if (g->tok_start == p->tok_start && g->tok_end == p->tok_end) {
            if (g->type == p->type)
                s->tp[g->type]++;
            i++, j++;
        } else if (g->tok_start < p->tok_start || (g->tok_start == p->tok_start && g->tok_end < p->tok_end)) {
            i++;
        } else {
            j++;
        }
    }
}

static double f1_of(size_t tp, size_t npred, size_t ngold, double *p, double *r)
{
    *p = npred ? (double)tp / (double)npred : 0;
    *r = ngold ? (double)tp / (double)ngold : 0;
    return *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
}

/* Tags the development corpus with M; returns the micro F1 over PER, LOC
 * and ORG and writes per-type figures to SUMMARY. */
static double evaluate(const na_ner_model_t *m, const na_gazetteer_t *gaz, const na_conll_corpus_t *dev, char *summary,
                       size_t summary_len)
{
    score_t s;
    memset(&s, 0, sizeof s);
    na_ner_spans_t pred = NA_NER_SPANS_INIT;
    for (size_t i = 0; i < dev->count; i++) {
        const na_conll_doc_t *d = &dev->items[i];
        na_ner_tag(m, gaz, d->text.data, d->text.len, d->toks.items, d->toks.count, &pred, NULL);
        score_doc(&s, &d->gold, &pred);
    }
    na_ner_spans_release(&pred);
    size_t len = 0;
    summary[0] = '\0';
    size_t tp = 0, np = 0, ng = 0;
    for (int t = 0; t < NA_NER_NTYPES; t++) {
        double p, r, f = f1_of(s.tp[t], s.npred[t], s.ngold[t], &p, &r);
        if (len < summary_len)
            len += (size_t)snprintf(summary + len, summary_len - len, "%s%s P %.4f R %.4f F1 %.4f",
                                    t ? ", " : "", na_ner_type_name((na_ner_type_t)t), p, r, f);
        if (t != NA_NER_MISC)
            tp += s.tp[t], np += s.npred[t], ng += s.ngold[t];
    }
    double p, r;
    return f1_of(tp, np, ng, &p, &r);
}

/* Writes LEN bytes to PATH through a temporary file and a rename. */
static int write_file(const char *path, const char *data, size_t len)
{
    int e = na_write_file(path, data, len);
    if (e) {
        fprintf(stderr, PROG ": %s: error: cannot write: %s\n", path, na_strerror(e));
        return -1;
    }
    return 0;
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The document pass: see the opening comment.  Returns BEST with the
 * document-pass weights added (caller owns), or NULL after a message. */
static na_ner_model_t *train_doc_pass(const na_conll_corpus_t *train, const na_gazetteer_t *gaz,
                                      const na_ner_model_t *best, unsigned bits, double prune, unsigned epochs,
                                      unsigned folds, unsigned doc_epochs, unsigned nmembers,
                                      unsigned long long seed, const na_conll_corpus_t *dev)
{
    na_ner_model_t **firsts = na_xcalloc(folds, sizeof *firsts);
    na_ner_stacker_t *st = na_ner_stacker_create(bits, seed);
    na_ner_model_t *out = NULL;
    na_error_t err;
    for (unsigned j = 0; j < folds; j++) {
        na_ner_trainer_t *tr = na_ner_trainer_create(bits, gaz, seed);
        for (size_t i = 0; i < train->count; i++) {
            const na_conll_doc_t *d = &train->items[i];
            if (i % folds != j &&
                na_ner_trainer_add(tr, d->text.data, d->text.len, d->toks.items, d->toks.count, d->gold.items,
                                   d->gold.count, &err) != NA_OK) {
                fprintf(stderr, PROG ": error: document %zu: %s\n", i + 1, err.message);
                na_ner_trainer_free(tr);
                goto done;
            }
        }
        na_ner_model_t **members = na_xcalloc(nmembers, sizeof *members);
        for (unsigned k = 0; k < nmembers; k++) {
            na_ner_trainer_reseed(tr, seed + k);
            for (unsigned ep = 1; ep <= epochs; ep++)
                na_ner_trainer_epoch(tr, ep);
            members[k] = na_ner_trainer_model(tr, (float)prune, NULL);
        }
        na_ner_trainer_free(tr);
        if (nmembers > 1) {
            firsts[j] = na_ner_model_average((const na_ner_model_t *const *)members, nmembers);
            for (unsigned k = 0; k < nmembers; k++)
                na_ner_model_free(members[k]);
        } else {
            firsts[j] = members[0];
        }
        free(members);
        printf("document pass: first-pass model %u of %u trained\n", j + 1, folds);
        fflush(stdout);
    }
    for (size_t i = 0; i < train->count; i++) {
        const na_conll_doc_t *d = &train->items[i];
        if (na_ner_stacker_add(st, firsts[i % folds], gaz, d->text.data, d->text.len, d->toks.items,
                               d->toks.count, d->gold.items, d->gold.count, &err) != NA_OK) {
            fprintf(stderr, PROG ": error: document %zu: %s\n", i + 1, err.message);
            goto done;
        }
    }
    for (unsigned ep = 1; ep <= doc_epochs; ep++)
        printf("document pass epoch %2u: %6zu train errors\n", ep, na_ner_stacker_epoch(st, ep));
    out = na_ner_stacker_model(st, best);
    if (dev) {
        char before[512], after[512];
        double fb = evaluate(best, gaz, dev, before, sizeof before);
        double fa = evaluate(out, gaz, dev, after, sizeof after);
        printf("dev without the document pass: %s; PER+LOC+ORG F1 %.4f\n", before, fb);
        printf("dev with the document pass:    %s; PER+LOC+ORG F1 %.4f\n", after, fa);
    }
done:
    na_ner_stacker_free(st);
    for (unsigned j = 0; j < folds; j++)
        na_ner_model_free(firsts[j]);
    free(firsts);
    return out;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: " PROG " --train FILE [--dev FILE] --out MODEL [options]\n"
            "  --train FILE       CoNLL-2003 training file (eng.train)\n"
            "  --dev FILE         score each pass on this file (eng.testa)\n"
            "  --out MODEL        where to write the model (config/ner.model)\n"
            "  --epochs N         training passes (default 15); the last is kept\n"
            "  --select           keep each member's best pass on --dev instead\n"

            "  --ensemble K       average K models trained from seeds S..S+K-1 (default 5)\n"
            "  --bits B           weight table of 2^B rows (default 18)\n"
            "  --prune W          drop averaged weights smaller than W (default 0.05)\n"
            "  --seed S           shuffling seed (default 1)\n"
            "  --doc-pass K       train the document pass on K-fold cross-fitting (default 0: none)\n"
            "  --doc-pass-epochs N  its training passes (default 10)\n"
            "  --doc-pass-members M  members of each cross-fitted first-pass model (default 1)\n"
            "  --gazetteer DIR    gazetteer files (default config/gazetteer, if present)\n"
            "  --no-gazetteer     train without gazetteer features\n"
            "  -v, --verbose      print timings\n"
            "  --help, --version\n");
}

int main(int argc, char **argv)
{
    const char *train_path = NULL, *dev_path = NULL, *out_path = NULL;
    const char *gaz_dir = "config/gazetteer";
    unsigned epochs = 15, bits = 18, ensemble = 5;
    double prune = 0.05;
    unsigned long long seed = 1;
    bool use_gaz = true, verbose = false, select = false;
    unsigned doc_folds = 0, doc_epochs = 10, doc_members = 1;
    static const struct option opts[] = {
        { "train", required_argument, NULL, 't' }, { "dev", required_argument, NULL, 'd' },
        { "out", required_argument, NULL, 'o' },   { "epochs", required_argument, NULL, 'e' },
        { "bits", required_argument, NULL, 'b' },  { "prune", required_argument, NULL, 'p' },
        { "seed", required_argument, NULL, 's' },  { "gazetteer", required_argument, NULL, 'g' },
        { "no-gazetteer", no_argument, NULL, 'G' }, { "verbose", no_argument, NULL, 'v' },
        { "ensemble", required_argument, NULL, 'n' }, { "select", no_argument, NULL, 'S' },
        { "doc-pass", required_argument, NULL, 'D' }, { "doc-pass-epochs", required_argument, NULL, 'E' },
        { "doc-pass-members", required_argument, NULL, 'M' },
        { "help", no_argument, NULL, 'h' },        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int o;
    while ((o = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
        char *end = NULL;
        switch (o) {
        case 't': train_path = optarg; break;
        case 'd': dev_path = optarg; break;
        case 'o': out_path = optarg; break;
        case 'e':
            epochs = (unsigned)strtoul(optarg, &end, 10);
            if (*end || epochs < 1 || epochs > 1000) {
                fprintf(stderr, PROG ": error: bad --epochs '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'n':
            ensemble = (unsigned)strtoul(optarg, &end, 10);
            if (*end || ensemble < 1 || ensemble > 100) {
                fprintf(stderr, PROG ": error: --ensemble must be 1..100\n");
                return EXIT_USAGE;
            }
            break;
        case 'D':
            doc_folds = (unsigned)strtoul(optarg, &end, 10);
            if (*end || doc_folds == 1 || doc_folds > 20) {
                fprintf(stderr, PROG ": error: --doc-pass must be 0 or 2..20\n");
                return EXIT_USAGE;
            }
            break;
        case 'M':
            doc_members = (unsigned)strtoul(optarg, &end, 10);
            if (*end || doc_members < 1 || doc_members > 100) {
                fprintf(stderr, PROG ": error: --doc-pass-members must be 1..100\n");
                return EXIT_USAGE;
            }
            break;
        case 'E':
            doc_epochs = (unsigned)strtoul(optarg, &end, 10);
            if (*end || doc_epochs < 1 || doc_epochs > 1000) {
                fprintf(stderr, PROG ": error: bad --doc-pass-epochs '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'b':
            bits = (unsigned)strtoul(optarg, &end, 10);
            if (*end || bits < 8 || bits > 26) {
                fprintf(stderr, PROG ": error: --bits must be 8..26\n");
                return EXIT_USAGE;
            }
            break;
        case 'p':
            prune = strtod(optarg, &end);
            if (*end || prune < 0) {
                fprintf(stderr, PROG ": error: bad --prune '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 's':
            seed = strtoull(optarg, &end, 10);
            if (*end) {
                fprintf(stderr, PROG ": error: bad --seed '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'g': gaz_dir = optarg; use_gaz = true; break;
        case 'G': use_gaz = false; break;
        case 'v': verbose = true; break;
        case 'S': select = true; break;
        case 'h': usage(stdout); return EXIT_OK;
        case 'V': printf(PROG " (newsarc) model format %d, features %d\n", NA_NER_FORMAT_VERSION,
                         NA_NER_FEATURE_VERSION);
            return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc || !train_path || !out_path || (select && !dev_path)) {
        usage(stderr);
        return EXIT_USAGE;
    }

    int rc = EXIT_FAIL;
    na_conll_corpus_t train = NA_CONLL_CORPUS_INIT, dev = NA_CONLL_CORPUS_INIT;
    na_gazetteer_t *gaz = NULL;
    na_ner_trainer_t *tr = NULL;
    na_error_t err;
    if (na_conll_read(train_path, NA_CONLL_SPACED, &train, &err) != NA_OK ||
        (dev_path && na_conll_read(dev_path, NA_CONLL_SPACED, &dev, &err) != NA_OK)) {
        fprintf(stderr, PROG ": error: %s\n", err.message);
        goto out;
    }
    if (use_gaz) {
        unsigned nfiles = 0;
        gaz = na_gazetteer_create();
        if (na_gazetteer_load_dir(gaz, gaz_dir, &nfiles, &err) != NA_OK) {
            fprintf(stderr, PROG ": error: %s\n", err.message);
            goto out;
        }
        if (nfiles == 0) {
            na_gazetteer_free(gaz);
            gaz = NULL;
        }
        printf("gazetteer: %u files from %s\n", nfiles, gaz_dir);
    }
    printf("train: %zu documents, %zu tokens; dev: %zu documents, %zu tokens\n", train.count, train.ntokens,
           dev.count, dev.ntokens);
    fflush(stdout);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tr = na_ner_trainer_create(bits, gaz, seed);
    for (size_t i = 0; i < train.count; i++) {
        na_conll_doc_t *d = &train.items[i];
        if (na_ner_trainer_add(tr, d->text.data, d->text.len, d->toks.items, d->toks.count, d->gold.items,
                               d->gold.count, &err) != NA_OK) {
            fprintf(stderr, PROG ": %s: error: document %zu: %s\n", train_path, i + 1, err.message);
            goto out;
        }
    }
    /* Each member of the ensemble is trained from its own seed; its last
     * epoch (or with --select its best on the development set) is kept,
     * and the members' weights are averaged. */
    double best_f = -1;
    char summary[512], best_summary[512] = "";
    na_ner_model_t *best = NULL;
    na_ner_model_t **members = na_xcalloc(ensemble, sizeof *members);
    char epochs_used[128] = "";
    size_t eu = 0;
    for (unsigned k = 0; k < ensemble; k++) {
        double member_f = -1;
        unsigned member_epoch = 0;
        na_ner_trainer_reseed(tr, seed + k);
        for (unsigned ep = 1; ep <= epochs; ep++) {
            size_t errors = na_ner_trainer_epoch(tr, ep);
            if (!dev_path && ep < epochs) {
                printf("seed %llu epoch %2u: %6zu train errors\n", seed + k, ep, errors);
                fflush(stdout);
                continue;
            }
            na_ner_model_t *m = na_ner_trainer_model(tr, (float)prune, NULL);
            double f = dev_path ? evaluate(m, gaz, &dev, summary, sizeof summary) : 0;
            if (dev_path)
                printf("seed %llu epoch %2u: %6zu train errors; dev %s; PER+LOC+ORG F1 %.4f%s\n", seed + k, ep,
                       errors, summary, f, select && f > member_f ? " *" : "");
            else
                printf("seed %llu epoch %2u: %6zu train errors\n", seed + k, ep, errors);
            if (verbose)
                printf("  %.1f s elapsed\n", elapsed(&t0));
            fflush(stdout);
            if (select ? f > member_f : ep == epochs) {
                member_f = f;
                member_epoch = ep;
                na_ner_model_free(members[k]);
                members[k] = m;
                if (f > best_f) {
                    best_f = f;
                    snprintf(best_summary, sizeof best_summary, "%s", summary);
                }
            } else {
                na_ner_model_free(m);
            }
        }
        if (eu < sizeof epochs_used)
            eu += (size_t)snprintf(epochs_used + eu, sizeof epochs_used - eu, "%s%u", k ? "," : "", member_epoch);
    }
    if (ensemble > 1) {
        best = na_ner_model_average((const na_ner_model_t *const *)members, ensemble);
        if (dev_path) {
            best_f = evaluate(best, gaz, &dev, best_summary, sizeof best_summary);
            printf("average of %u: dev %s; PER+LOC+ORG F1 %.4f\n", ensemble, best_summary, best_f);
        }
        for (unsigned k = 0; k < ensemble; k++)
            na_ner_model_free(members[k]);
    } else {
        best = members[0];
    }
    free(members);
    if (doc_folds > 1 && train.count >= doc_folds) {
        na_ner_model_t *stacked = train_doc_pass(&train, gaz, best, bits, prune, epochs, doc_folds, doc_epochs,
                                                 doc_members, seed, dev_path ? &dev : NULL);
        if (!stacked)
            goto out;
        na_ner_model_free(best);
        best = stacked;
        if (dev_path)
            evaluate(best, gaz, &dev, best_summary, sizeof best_summary);
    }
    char gazlist[256] = "";
    size_t gl = 0;
    const char *const *names;
    size_t ng = na_ner_model_gazetteer_classes(best, &names);
    for (size_t i = 0; i < ng && gl < sizeof gazlist; i++)
        gl += (size_t)snprintf(gazlist + gl, sizeof gazlist - gl, "%s%s", i ? " " : "", names[i]);
    char docinfo[96] = "";
    if (doc_folds > 1 && train.count >= doc_folds)
        snprintf(docinfo, sizeof docinfo, "; document pass stacked on %u-fold cross-fitting, %u epochs", doc_folds,
                 doc_epochs);
    char *info = na_xasprintf("newsarc entity model: averaged structured perceptron over BILOU tags, "
                              "beam-decoded, %u hash bits, prune %g; "
                              "mean of %u members from seed %llu, %s epochs %s of %u%s; "
                              "trained on %zu documents (%zu tokens); gazetteer classes: %s%s%s",
                              bits, prune, ensemble, seed, select ? "best" : "kept", epochs_used, epochs, docinfo,
                              train.count, train.ntokens, ng ? gazlist : "none",
                              dev_path ? "; dev span " : "", dev_path ? best_summary : "");
    na_ner_model_set_info(best, info);
    free(info);
    na_buf_t out = NA_BUF_INIT;
    na_ner_model_serialize(best, &out);
    int wr = write_file(out_path, out.data, out.len);
    if (!wr)
        printf("kept: %s%s%s; wrote %s (%zu bytes) in %.1f s\n",
               ensemble > 1 ? "the average" : select ? "the best epoch" : "the last epoch",
               dev_path ? ": dev " : "", dev_path ? best_summary : "", out_path, out.len, elapsed(&t0));
    na_buf_release(&out);
    na_ner_model_free(best);
    if (wr)
        goto out;
    rc = EXIT_OK;
out:
    na_ner_trainer_free(tr);
    na_gazetteer_free(gaz);
    na_conll_release(&train);
    na_conll_release(&dev);
    return rc;
}
