/* ner-clusters.c - learns word clusters for the tagger from unlabelled
 * newswire (Brown clustering).
 *
 *     ner-clusters [--reuters DIR] [--conll FILE]... --out FILE
 *                  [--min-count N] [--window C] [--max-bits B] [-v]
 *
 * Reads the titles and bodies of the Reuters-21578 files (DIR, .sgm)
 * (tokenized as the indexer tokenizes them) and the tokens of CoNLL-2003
 * files (their words only: the tags are never read), keeps the words seen
 * at least N times (default 3; digits count as 0, as the tagger reads
 * them) and clusters them by the class-bigram model of Brown et al.
 * (1992), with the windowed approximation of Liang (2005): the words, most
 * frequent first, enter a window of C+1 clusters (default 100) one at a
 * time, and after each the two clusters whose merge loses the least
 * mutual information between adjacent clusters are merged; at the end the
 * C left are merged down to one.  The merges form a binary tree, and a
 * word's cluster is its path from the root (0 left, 1 right, at most B
 * bits, default 32): similar words share long prefixes, and the tagger
 * uses prefixes of several lengths as features (ner.h).
 *
 * Bigrams are counted within sentences only.  The cost is about C^2 for
 * each word of the vocabulary; nothing is random, so the same inputs
 * give the same file, byte for byte.  It is written through a temporary
 * file and a rename, one "PATH TAB WORD TAB COUNT" line a word, most
 * frequent first, after comment lines saying how it was made.
 *
 * Exit status: 0 success; 1 a file could not be read or written; 2 usage
 * error.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conll.h"
#include "hash.h"
#include "tokenize.h"
#include "util.h"

#define PROG "ner-clusters"
#define BOUNDARY UINT32_MAX
#define MAX_WORD 64 /* bytes of a word that count, as in the tagger */

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* ---- the vocabulary and the running text ---- */

typedef struct {
    char **words;
    uint64_t *counts;
    size_t n, cap;
    uint32_t *slot; /* open addressing over word ids + 1; 0 is empty */
    size_t mask;
    uint32_t *text; /* word ids, BOUNDARY between sentences */
    size_t ntext, captext;
} corpus_t;

static void corpus_init(corpus_t *c)
{
    memset(c, 0, sizeof *c);
    c->mask = (1u << 16) - 1;
    c->slot = na_xcalloc(c->mask + 1, sizeof *c->slot);
}

static void push_text(corpus_t *c, uint32_t id)
{
    if (id == BOUNDARY && (c->ntext == 0 || c->text[c->ntext - 1] == BOUNDARY))
        return;
    if (c->ntext == c->captext) {
        c->captext = c->captext ? c->captext * 2 : 1u << 20;
        c->text = na_xrealloc(c->text, c->captext * sizeof *c->text);
    }
    c->text[c->ntext++] = id;
}

static uint32_t *find_slot(uint32_t *slot, size_t mask, char **words, const char *w, size_t n, uint64_t h)
{
    size_t i = (size_t)h & mask;
    while (slot[i] && !(strlen(words[slot[i] - 1]) == n && memcmp(words[slot[i] - 1], w, n) == 0))
        i = (i + 1) & mask;
    return &slot[i];
}

/* Adds one occurrence of the N bytes at W (digits read as 0). */
static void add_word(corpus_t *c, const char *w, size_t n)
{
    char buf[MAX_WORD];
    if (n > MAX_WORD)
        n = MAX_WORD;
    for (size_t i = 0; i < n; i++)
        buf[i] = w[i] >= '0' && w[i] <= '9' ? '0' : w[i];
    uint64_t h = na_hash64(NA_HASH_SEED, buf, n);
    uint32_t *s = find_slot(c->slot, c->mask, c->words, buf, n, h);
    if (!*s) {
        if (c->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 4096;
            c->words = na_xrealloc(c->words, c->cap * sizeof *c->words);
            c->counts = na_xrealloc(c->counts, c->cap * sizeof *c->counts);
        }
        c->words[c->n] = na_xstrndup(buf, n);
        c->counts[c->n] = 0;
        *s = (uint32_t)++c->n;
        if (c->n * 2 > c->mask) {
            size_t nmask = c->mask * 2 + 1;
            uint32_t *ns = na_xcalloc(nmask + 1, sizeof *ns);
            for (size_t i = 0; i <= c->mask; i++)
                if (c->slot[i]) {
                    const char *x = c->words[c->slot[i] - 1];
                    *find_slot(ns, nmask, c->words, x, strlen(x), na_hash64(NA_HASH_SEED, x, strlen(x))) = c->slot[i];
                }
            free(c->slot);
            c->slot = ns;
            c->mask = nmask;
            s = NULL;
        }
    }
    uint32_t id = s ? *s - 1 : (uint32_t)(c->n - 1);
    c->counts[id]++;
    push_text(c, id);
}

static void add_tokens(corpus_t *c, const char *text, const na_token_t *toks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (toks[i].flags & NA_TOKEN_SENT_START)
            push_text(c, BOUNDARY);
        add_word(c, text + toks[i].start, toks[i].end - toks[i].start);
    }
    push_text(c, BOUNDARY);
}

/* The text between <TAG> and </TAG> after *P in [*P, END), entities
 * decoded, appended to OUT; false when there is none before LIMIT. */
static bool sgm_field(const char *p, const char *limit, const char *tag, na_buf_t *out)
{
    char open[32], close[32];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *a = strstr(p, open);
    if (!a || a >= limit)
        return false;
    a += strlen(open);
    const char *b = strstr(a, close);
    if (!b || b > limit)
        return false;
    for (const char *q = a; q < b; q++) {
        if (*q == '&') {
            static const struct { const char *ent; char c; } ents[] = { { "&lt;", '<' }, { "&gt;", '>' },
                                                                     { "&amp;", '&' }, { "&quot;", '"' } };
            bool done = false;
            for (size_t k = 0; k < sizeof ents / sizeof *ents && !done; k++)
                if (strncmp(q, ents[k].ent, strlen(ents[k].ent)) == 0) {
                    na_buf_addc(out, ents[k].c);
                    q += strlen(ents[k].ent) - 1;
                    done = true;
                }
            if (!done && q[1] == '#') {
                const char *e = strchr(q, ';');
                if (e && e - q < 8) {
                    q = e; /* control characters such as &#3; */
                    done = true;
                }
            }
            if (done)
                continue;
        }
        na_buf_addc(out, *q);
    }
    na_buf_addc(out, '\n');
    na_buf_addc(out, '\n');
    return true;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static bool read_reuters(corpus_t *c, const char *dir, size_t *narticles)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s: %s: error: cannot open the folder: %s\n", PROG, dir, na_strerror(errno));
        return false;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".sgm") == 0) {
            names = na_xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = na_xasprintf("%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    na_tokens_t toks = NA_TOKENS_INIT;
    na_buf_t text = NA_BUF_INIT;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        na_buf_t file = NA_BUF_INIT;
        int err = na_read_file(names[i], &file);
        if (err) {
            fprintf(stderr, "%s: %s: error: cannot read: %s\n", PROG, names[i], na_strerror(err));
            ok = false;
        }
        na_buf_addc(&file, '\0');
        const char *p = file.data;
        while (ok && (p = strstr(p, "<REUTERS "))) {
            const char *end = strstr(p, "</REUTERS>");
            if (!end)
                break;
            text.len = 0;
            sgm_field(p, end, "TITLE", &text);
            sgm_field(p, end, "BODY", &text);
            if (text.len) {
                na_tokenize(text.data, text.len, NA_TOKENIZE_PARAGRAPHS, &toks, NULL);
                add_tokens(c, text.data, toks.items, toks.count);
                (*narticles)++;
            }
            p = end;
        }
        na_buf_release(&file);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    na_tokens_release(&toks);
    na_buf_release(&text);
    return ok;
}

/* ---- clustering ---- */

typedef struct {
    uint32_t to, n;
} edge_t;

typedef struct {
    size_t C1;        /* slots: window + 1 */
    double N;         /* bigrams counted */
    double *P;        /* C1 x C1 bigram counts between the slots' clusters */
    double *q;        /* C1 x C1 their terms of the mutual information */
    double *L;        /* C1 x C1 (upper half) gain of merging two slots */
    double *cnt;      /* unigram counts of the slots */
    bool *active;
    uint32_t *node;   /* tree node a slot holds */
    uint32_t *parent; /* union-find over tree nodes (words are nodes 0..V-1) */
    uint32_t *slot_of; /* slot of a root node */
    uint32_t (*child)[2]; /* children of merge nodes V.. */
    uint32_t nnodes;
    uint32_t V;
} brown_t;

static inline double qf(const brown_t *b, double p, double na, double nb)
{
    return p > 0 ? p / b->N * log(p * b->N / (na * nb)) : 0;
}

static uint32_t uf_find(brown_t *b, uint32_t x)
{
    uint32_t r = x;
    while (b->parent[r] != r)
        r = b->parent[r];
    while (b->parent[x] != r) {
        uint32_t nx = b->parent[x];
        b->parent[x] = r;
        x = nx;
    }
    return r;
}

#define IX(b, s, t) ((size_t)(s) * (b)->C1 + (t))

/* What having slot E beside them adds to the gain of merging C and D. */
static inline double contrib(const brown_t *b, size_t c, size_t d, size_t e)
{
    double ncd = b->cnt[c] + b->cnt[d];
    return qf(b, b->P[IX(b, c, e)] + b->P[IX(b, d, e)], ncd, b->cnt[e]) +
           qf(b, b->P[IX(b, e, c)] + b->P[IX(b, e, d)], b->cnt[e], ncd) - b->q[IX(b, c, e)] - b->q[IX(b, e, c)] -
           b->q[IX(b, d, e)] - b->q[IX(b, e, d)];
}

/* The gain of merging slots S and T, from scratch. */
static double gain(const brown_t *b, size_t s, size_t t)
{
    double ns = b->cnt[s] + b->cnt[t];
    double self = b->P[IX(b, s, s)] + b->P[IX(b, s, t)] + b->P[IX(b, t, s)] + b->P[IX(b, t, t)];
    double g = qf(b, self, ns, ns) - b->q[IX(b, s, s)] - b->q[IX(b, s, t)] - b->q[IX(b, t, s)] - b->q[IX(b, t, t)];
    for (size_t u = 0; u < b->C1; u++)
        if (b->active[u] && u != s && u != t)
            g += contrib(b, s, t, u);
    return g;
}

static void set_q(brown_t *b, size_t s)
{
    for (size_t u = 0; u < b->C1; u++)
        if (b->active[u]) {
            b->q[IX(b, s, u)] = qf(b, b->P[IX(b, s, u)], b->cnt[s], b->cnt[u]);
            b->q[IX(b, u, s)] = qf(b, b->P[IX(b, u, s)], b->cnt[u], b->cnt[s]);
        }
}

/* Takes the new counts of slot S, just filled or merged into, into Q, into
 * the gains L of the pairs without S (its old part in them was taken out
 * before it changed), and recomputes the gains of the pairs with S. */
static void settle(brown_t *b, size_t s)
{
    set_q(b, s);
    for (size_t c = 0; c < b->C1; c++) {
        if (!b->active[c] || c == s)
            continue;
        for (size_t d = c + 1; d < b->C1; d++)
            if (b->active[d] && d != s)
                b->L[IX(b, c, d)] += contrib(b, c, d, s);
    }
    for (size_t u = 0; u < b->C1; u++)
        if (b->active[u] && u != s)
            b->L[IX(b, u < s ? u : s, u < s ? s : u)] = gain(b, u, s);
}

/* Puts word W (counts COUNT, bigrams RIGHT and LEFT) into the free slot E. */
static void enter(brown_t *b, size_t e, uint32_t w, double count, const edge_t *right, size_t nr,
                  const edge_t *left, size_t nl)
{
    for (size_t u = 0; u < b->C1; u++)
        b->P[IX(b, e, u)] = b->P[IX(b, u, e)] = b->q[IX(b, e, u)] = b->q[IX(b, u, e)] = 0;
    b->active[e] = true;
    b->node[e] = w;
    b->slot_of[w] = (uint32_t)e;
    b->cnt[e] = count;
    for (size_t k = 0; k < nr; k++)
        if (right[k].to <= w)
            b->P[IX(b, e, b->slot_of[uf_find(b, right[k].to)])] += right[k].n;
    for (size_t k = 0; k < nl; k++)
        if (left[k].to < w) /* the bigram (w, w) is counted once, above */
            b->P[IX(b, b->slot_of[uf_find(b, left[k].to)], e)] += left[k].n;
    settle(b, e);
}

/* Merges the best pair of active slots; returns the slot freed. */
static size_t merge_best(brown_t *b)
{
    size_t ba = 0, bb = 0;
    double best = -INFINITY;
    for (size_t c = 0; c < b->C1; c++) {
        if (!b->active[c])
            continue;
        for (size_t d = c + 1; d < b->C1; d++)
            if (b->active[d] && b->L[IX(b, c, d)] > best)
                best = b->L[IX(b, c, d)], ba = c, bb = d;
    }
    size_t a = ba, x = bb;
    for (size_t c = 0; c < b->C1; c++) {
        if (!b->active[c] || c == a || c == x)
            continue;
        for (size_t d = c + 1; d < b->C1; d++)
            if (b->active[d] && d != a && d != x)
                b->L[IX(b, c, d)] -= contrib(b, c, d, a) + contrib(b, c, d, x);
    }
    double self = b->P[IX(b, a, a)] + b->P[IX(b, a, x)] + b->P[IX(b, x, a)] + b->P[IX(b, x, x)];
    for (size_t u = 0; u < b->C1; u++) {
        b->P[IX(b, a, u)] += b->P[IX(b, x, u)];
        b->P[IX(b, u, a)] += b->P[IX(b, u, x)];
    }
    b->P[IX(b, a, a)] = self;
    b->cnt[a] += b->cnt[x];
    b->active[x] = false;
    for (size_t u = 0; u < b->C1; u++)
        b->P[IX(b, x, u)] = b->P[IX(b, u, x)] = 0;
    uint32_t m = b->nnodes++;
    b->child[m - b->V][0] = b->node[a];
    b->child[m - b->V][1] = b->node[x];
    b->parent[b->node[a]] = m;
    b->parent[b->node[x]] = m;
    b->parent[m] = m;
    b->node[a] = m;
    b->slot_of[m] = (uint32_t)a;
    settle(b, a);
    return x;
}

static int cmp_edge(const void *x, const void *y)
{
    const edge_t *a = x, *b = y;
    return a->to < b->to ? -1 : a->to > b->to;
}

/* Sorts and sums the edges [*FROM, N) of one word in place. */
static size_t squash(edge_t *e, size_t n)
{
    qsort(e, n, sizeof *e, cmp_edge);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && e[k - 1].to == e[i].to)
            e[k - 1].n += e[i].n;
        else
            e[k++] = e[i];
    }
    return k;
}

typedef struct {
    const uint64_t *counts;
    char *const *words;
} order_t;

static const order_t *g_order;

static int cmp_freq(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    if (g_order->counts[a] != g_order->counts[b])
        return g_order->counts[a] > g_order->counts[b] ? -1 : 1;
    return strcmp(g_order->words[a], g_order->words[b]);
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROG " [--reuters DIR] [--conll FILE]... --out FILE [--min-count N]\n"
            "       [--window C] [--max-bits B] [-v]\n"
            "Learns Brown word clusters for the entity tagger from unlabelled newswire.\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "reuters", required_argument, NULL, 'r' }, { "conll", required_argument, NULL, 'c' },
        { "out", required_argument, NULL, 'o' },     { "min-count", required_argument, NULL, 'm' },
        { "window", required_argument, NULL, 'w' },  { "max-bits", required_argument, NULL, 'b' },
        { "verbose", no_argument, NULL, 'v' },       { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *reuters = NULL, *out = NULL;
    const char *conll[8];
    size_t nconll = 0;
    long min_count = 3, window = 100, max_bits = 32;
    bool verbose = false;
    int ch;
    while ((ch = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
        switch (ch) {
        case 'r': reuters = optarg; break;
        case 'c':
            if (nconll == sizeof conll / sizeof *conll) {
                fprintf(stderr, "%s: error: too many --conll files\n", PROG);
                return EXIT_USAGE;
            }
            conll[nconll++] = optarg;
            break;
        case 'o': out = optarg; break;
        case 'm': min_count = strtol(optarg, NULL, 10); break;
        case 'w': window = strtol(optarg, NULL, 10); break;
        case 'b': max_bits = strtol(optarg, NULL, 10); break;
        case 'v': verbose = true; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (!out || optind != argc || (!reuters && !nconll) || min_count < 1 || window < 2 || window > 2000 ||
        max_bits < 1 || max_bits > 63) {
        usage(stderr);
        return EXIT_USAGE;
    }
    clock_t t0 = clock();
    corpus_t c;
    corpus_init(&c);
    size_t narticles = 0;
    if (reuters && !read_reuters(&c, reuters, &narticles))
        return EXIT_FAIL;
    for (size_t i = 0; i < nconll; i++) {
        na_conll_corpus_t cc = NA_CONLL_CORPUS_INIT;
        na_error_t err;
        if (na_conll_read(conll[i], NA_CONLL_SPACED, &cc, &err) != NA_OK) {
            fprintf(stderr, "%s: %s\n", PROG, err.message);
            return EXIT_FAIL;
        }
        for (size_t k = 0; k < cc.count; k++)
            add_tokens(&c, cc.items[k].text.data, cc.items[k].toks.items, cc.items[k].toks.count);
        narticles += cc.count;
        na_conll_release(&cc);
    }
    /* The kept words, most frequent first, get ids 0..V-1. */
    uint32_t *order = na_xmalloc((c.n ? c.n : 1) * sizeof *order);
    uint32_t V = 0;
    for (uint32_t i = 0; i < c.n; i++)
        if (c.counts[i] >= (uint64_t)min_count)
            order[V++] = i;
    order_t ord = { c.counts, c.words };
    g_order = &ord;
    qsort(order, V, sizeof *order, cmp_freq);
    uint32_t *newid = na_xmalloc((c.n ? c.n : 1) * sizeof *newid);
    for (uint32_t i = 0; i < c.n; i++)
        newid[i] = BOUNDARY;
    for (uint32_t i = 0; i < V; i++)
        newid[order[i]] = i;
    /* Bigram lists of each kept word, both ways. */
    size_t *rn = na_xcalloc(V + 1, sizeof *rn), *ln = na_xcalloc(V + 1, sizeof *ln);
    double N = 0;
    for (size_t i = 0; i + 1 < c.ntext; i++) {
        uint32_t a = c.text[i], b2 = c.text[i + 1];
        if (a == BOUNDARY || b2 == BOUNDARY || newid[a] == BOUNDARY || newid[b2] == BOUNDARY)
            continue;
        rn[newid[a] + 1]++;
        ln[newid[b2] + 1]++;
        N++;
    }
    for (uint32_t i = 0; i < V; i++)
        rn[i + 1] += rn[i], ln[i + 1] += ln[i];
    edge_t *right = na_xmalloc((rn[V] ? rn[V] : 1) * sizeof *right);
    edge_t *left = na_xmalloc((ln[V] ? ln[V] : 1) * sizeof *left);
    size_t *rfill = na_xmalloc((V + 1) * sizeof *rfill), *lfill = na_xmalloc((V + 1) * sizeof *lfill);
    memcpy(rfill, rn, (V + 1) * sizeof *rfill);
    memcpy(lfill, ln, (V + 1) * sizeof *lfill);
    for (size_t i = 0; i + 1 < c.ntext; i++) {
        uint32_t a = c.text[i], b2 = c.text[i + 1];
        if (a == BOUNDARY || b2 == BOUNDARY || newid[a] == BOUNDARY || newid[b2] == BOUNDARY)
            continue;
        right[rfill[newid[a]]++] = (edge_t){ newid[b2], 1 };
        left[lfill[newid[b2]]++] = (edge_t){ newid[a], 1 };
    }
    size_t *rlen = na_xmalloc((V ? V : 1) * sizeof *rlen), *llen = na_xmalloc((V ? V : 1) * sizeof *llen);
    for (uint32_t i = 0; i < V; i++) {
        rlen[i] = squash(right + rn[i], rn[i + 1] - rn[i]);
        llen[i] = squash(left + ln[i], ln[i + 1] - ln[i]);
    }
    if (verbose)
        fprintf(stderr, "%s: %zu articles, %zu tokens, %zu words, %u kept (seen %ld times or more), %.0f bigrams\n",
                PROG, narticles, c.ntext, c.n, V, min_count, N);
    if (V < 2 || N == 0) {
        fprintf(stderr, "%s: error: too little text to cluster\n", PROG);
        return EXIT_FAIL;
    }

    brown_t b;
    memset(&b, 0, sizeof b);
    size_t C = (size_t)window < V ? (size_t)window : V - 1;
    b.C1 = C + 1;
    b.N = N;
    b.V = V;
    b.P = na_xcalloc(b.C1 * b.C1, sizeof *b.P);
    b.q = na_xcalloc(b.C1 * b.C1, sizeof *b.q);
    b.L = na_xcalloc(b.C1 * b.C1, sizeof *b.L);
    b.cnt = na_xcalloc(b.C1, sizeof *b.cnt);
    b.active = na_xcalloc(b.C1, sizeof *b.active);
    b.node = na_xcalloc(b.C1, sizeof *b.node);
    b.parent = na_xmalloc(2 * (size_t)V * sizeof *b.parent);
    b.slot_of = na_xcalloc(2 * (size_t)V, sizeof *b.slot_of);
    b.child = na_xcalloc(V, sizeof *b.child);
    b.nnodes = V;
    for (uint32_t i = 0; i < V; i++)
        b.parent[i] = i;
    size_t free_slot = 0;
    for (uint32_t w = 0; w < V; w++) {
        enter(&b, free_slot, w, (double)c.counts[order[w]], right + rn[w], rlen[w], left + ln[w], llen[w]);
        free_slot = w + 1 < b.C1 ? w + 1 : merge_best(&b);
        if (verbose && w % 2000 == 0)
            fprintf(stderr, "%s: %u of %u words in, %.0f s\n", PROG, w, V, (double)(clock() - t0) / CLOCKS_PER_SEC);
    }
    size_t left_active = 0;
    for (size_t s = 0; s < b.C1; s++)
        left_active += b.active[s];
    while (left_active-- > 1)
        merge_best(&b);
    uint32_t root = b.nnodes - 1;

    /* Paths from the root, depth first. */
    char (*path)[64] = na_xcalloc(b.nnodes, sizeof *path);
    uint32_t *stack = na_xmalloc(b.nnodes * sizeof *stack);
    size_t sp = 0;
    stack[sp++] = root;
    while (sp) {
        uint32_t x = stack[--sp];
        if (x < V)
            continue;
        size_t l = strlen(path[x]);
        for (int k = 0; k < 2; k++) {
            uint32_t y = b.child[x - V][k];
            memcpy(path[y], path[x], l);
            if (l < (size_t)max_bits)
                path[y][l] = (char)('0' + k);
            stack[sp++] = y;
        }
    }
    char *tmp = na_xasprintf("%s.tmp", out);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "%s: %s: error: cannot write: %s\n", PROG, tmp, na_strerror(errno));
        return EXIT_FAIL;
    }
    fprintf(f, "# Brown word clusters for the entity tagger, made by ner-clusters (make ner-model):\n"
               "# %zu articles, %u words seen %ld times or more, window %zu, paths of at most %ld bits.\n"
               "# PATH\tWORD\tCOUNT (digits read as 0)\n",
            narticles, V, min_count, C, max_bits);
    for (uint32_t w = 0; w < V; w++)
        fprintf(f, "%s\t%s\t%llu\n", path[w][0] ? path[w] : "0", c.words[order[w]],
                (unsigned long long)c.counts[order[w]]);
    if (fflush(f) != 0 || ferror(f) || fclose(f) != 0 || rename(tmp, out) != 0) {
        fprintf(stderr, "%s: %s: error: cannot write: %s\n", PROG, out, na_strerror(errno));
        return EXIT_FAIL;
    }
    if (verbose)
        fprintf(stderr, "%s: wrote %s in %.0f s\n", PROG, out, (double)(clock() - t0) / CLOCKS_PER_SEC);
    free(tmp);
    free(path);
    free(stack);
    free(b.P), free(b.q), free(b.L), free(b.cnt), free(b.active), free(b.node);
    free(b.parent), free(b.slot_of), free(b.child);
    free(right), free(left), free(rn), free(ln), free(rfill), free(lfill), free(rlen), free(llen);
    free(order), free(newid);
    for (size_t i = 0; i < c.n; i++)
        free(c.words[i]);
    free(c.words), free(c.counts), free(c.slot), free(c.text);
    return EXIT_OK;
}
