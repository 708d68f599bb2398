/* ner.c - the named-entity tagger: token analysis, gazetteer matching,
 * hashed features, beam decoding of an averaged structured perceptron
 * over BILOU tags, training and the model file.
 *
 * A document is processed in chunks of whole sentences (all of it, unless
 * it is very long).  A first pass over a chunk records how each word is
 * capitalised where capitals are informative (not sentence-initial, not in
 * an all-capitals line).  Then, one sentence at a time, every token is
 * analysed once (lower-cased form, shape, affixes, class, gazetteer
 * matches), the weights of its static features are summed, and the tags
 * of the sentence are chosen together by a beam (decode()) that adds the
 * features of the previous tag and the types this word was given in the
 * sentences before.  The tag constraints of tag_allowed() keep spans well
 * formed.
 */
#include "ner.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "utf8.h"

#define NLABELS 17        /* O, then B-, I-, L-, U- of PER, LOC, ORG and MISC */
#define TAG_START NLABELS /* the "tag" before the first token of a sentence */
#define WSTRIDE 32        /* weights a row takes in memory: NLABELS padded so that a
                           * row of int16 (as in the file) is one 64-byte cache
                           * line, rows aligned to lines: a lookup touches one line */
#define ROW_BYTES (WSTRIDE * sizeof(int16_t))
_Static_assert(NLABELS == 17 && WSTRIDE >= 17, "add_rows() sums labels 0-15 as two vectors, then label 16");

/* Where label L's weight sits in a row: labels 0-15 interleaved, L and
 * L + 8 in the low and high halves of one 32-bit lane (see add_rows()),
 * label 16 after them. */
static inline unsigned wslot(unsigned l) { return l < 16 ? 2 * (l % 8) + l / 8 : l; }

/* The low halves (labels 0-7) are stored biased by 32768, as unsigned. */
static inline int16_t wstore(unsigned l, int v) { return (int16_t)(uint16_t)(l < 8 ? v + 32768 : v); }
static inline int wread(const int16_t *w, unsigned l)
{
    return l < 8 ? (int)(uint16_t)w[wslot(l)] - 32768 : w[wslot(l)];
}
#ifndef NER_PRUNE
#define NER_PRUNE 50.0f   /* tagging drops the tags of the beam that trail the
                           * best by more than this, in weight units */
#endif
#ifndef NER_BEAM
#define NER_BEAM 4        /* tags kept at each token by the decoder */
#endif
#define MAX_SENT 1000     /* longer sentences are cut into pieces */
#define MAX_CHUNK 20000   /* tokens of a document considered together */
#define MAX_WORD 64       /* bytes of a token that are analysed */
#define MAX_FEATS 128     /* features of one token, at most */
#define PAD 2             /* context window either side */
#ifndef GAZ_DROPOUT_PERMILLE
#define GAZ_DROPOUT_PERMILLE 200 /* training documents seen without gazetteers */
#endif

const char *na_ner_type_name(na_ner_type_t type)
{
    static const char *const names[] = { "PER", "LOC", "ORG", "MISC" };
    return (unsigned)type < NA_NER_NTYPES ? names[type] : "?";
}

void na_ner_spans_push(na_ner_spans_t *out, na_ner_span_t span)
{
    if (out->count == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 16;
        out->items = na_xrealloc(out->items, out->cap * sizeof *out->items);
    }
    out->items[out->count++] = span;
}

void na_ner_spans_release(na_ner_spans_t *spans)
{
    if (!spans)
        return;
    free(spans->items);
    spans->items = NULL;
    spans->count = spans->cap = 0;
}

/* ---- tags ---- */

/* BILOU: a name of one token is U-, a longer one B- I-... L-.  Telling
 * the last word of a name from the inside ones lets the model learn how
 * names end ("Corp", "Inc", a family name) apart from how they go on. */
enum { P_B, P_I, P_L, P_U };

static inline int label_type(int label) { return label > 0 && label < NLABELS ? (label - 1) / 4 : -1; }
static inline int label_of(int type, int part) { return 1 + 4 * type + part; }
/* Whether LABEL goes on from the tag before it (I- or L-). */
static inline bool label_cont(int label)
{
    return label > 0 && label < NLABELS && ((label - 1) % 4 == P_I || (label - 1) % 4 == P_L);
}
/* Whether LABEL leaves a name open (B- or I-): the next tag must go on. */
static inline bool label_open(int label)
{
    return label > 0 && label < NLABELS && ((label - 1) % 4 == P_B || (label - 1) % 4 == P_I);
}

/* Whether tag CAND may follow tag PREV (TAG_START at a sentence start):
 * after B-X or I-X only I-X or L-X; O, B- and U- only after O, L-, U- or
 * the start.  A sentence may not end on an open tag. */
static inline bool tag_allowed(int prev, int cand)
{
    if (label_open(prev))
        return label_cont(cand) && label_type(cand) == label_type(prev);
    return !label_cont(cand);
}

/* ---- hashing ---- */

static uint64_t hash_bytes(const void *p, size_t n)
{
    return na_hash64_mix(na_hash64(NA_HASH_SEED, p, n));
}

/* A feature: a template number and one to three values, hashed. */
static inline uint64_t f1(uint64_t tpl, uint64_t a) { return na_hash64_mix(a + tpl * 0x9e3779b97f4a7c15ULL); }
static inline uint64_t f2(uint64_t tpl, uint64_t a, uint64_t b)
{
    return na_hash64_mix(f1(tpl, a) ^ (b + 0x632be59bd9b4e019ULL));
}
static inline uint64_t f3(uint64_t tpl, uint64_t a, uint64_t b, uint64_t c)
{
    return na_hash64_mix(f2(tpl, a, b) + c * 0x94d049bb133111ebULL);
}

/* Feature templates.  Never renumber without raising
 * NA_NER_FEATURE_VERSION. */
enum {
    T_BIAS = 1, T_W, T_WO, T_SHAPE, T_SHORT, T_PRE, T_SUF, T_CLS, T_WCAPS,
    T_WM2, T_WM1, T_WP1, T_WP2, T_SM2, T_SM1, T_SP1, T_SP2, T_CLS3, T_BIM, T_BIP,
    T_WM1C, T_WP1C, T_DOC, T_GAZ, T_GAZC, T_GAZM1, T_GAZP1,
    T_T1, T_T2_RETIRED, T_T1W, T_T1S, T_HIST, T_HISTC, T_GAZKEY,
    T_RUNFIRST, T_RUNLAST, T_RUNPOS, T_CLU, T_CLUM1, T_CLUP1, T_D2, T_D2O, T_D2X, T_D2M,
    T_RUNLEN, T_RUNGAZ, T_JRUN, T_JRUNLAST, T_JCONN, T_CLUM2, T_CLUP2, T_CLUBI
};

/* The name a model lists among its gazetteer classes when it was trained
 * with word clusters (it is no file's class). */
static const char CLUSTERS_CLASS[] = "clusters";

/* Likewise for a model with weights for the document pass (ner.h). */
static const char DOCPASS_CLASS[] = "document-pass";

/* Cluster path prefixes used as features, in bits. */
static const unsigned CLU_PREFIX[] = { 4, 6, 10, 20 };

/* ---- token analysis ---- */

enum {
    K_PUNCT, K_LOWER, K_TITLE, K_CAPS, K_CAP1, K_DIGIT, K_ALNUM, K_CAMEL, K_MIXED, K_ABBR,
    K_BOUND
};

enum { CB_LOWER = 1, CB_UPPER = 2, CB_DIGIT = 4, CB_ALPHA = 8 };

/* Bits of the document case map: how a word is written where its case
 * means something. */
enum { DC_LOWER = 1, DC_TITLE = 2, DC_CAPS = 4 };

typedef struct {
    uint64_t hl;     /* lower-cased form, digits as 0 */
    uint64_t ho;     /* original form, digits as 0 */
    uint64_t hshape; /* shape, first 16 characters */
    uint64_t hshort; /* shape with runs collapsed */
    uint64_t hpre[4], hsuf[4];
    uint8_t naffix;  /* prefixes/suffixes of 1..naffix bytes are set */
    uint8_t cls;     /* K_* */
    uint8_t caseb;   /* CB_* */
    uint8_t initial; /* no word before it in the sentence */
    uint8_t doccase; /* DC_* seen for this word in the document */
    uint8_t runpos;  /* in a run of capitalised words: 1 B, 2 I, 3 L, 4 U */
    uint16_t runfirst, runlast; /* offsets back to its first / on to its last word */
    uint8_t jpos;    /* in runs joined by connectors ("Bank of England"): 1 B, 2 I, 3 L */
    uint8_t jorg;    /* that joined run ends in an organisation word or suffix */
    uint16_t jlast;  /* offset on to the joined run's last word */
    uint8_t gpos[NA_GAZETTEER_MAX_CLASSES]; /* 0, or 1 B, 2 I, 3 L, 4 U */
    uint8_t clen;    /* bits of its word cluster path; 0: no cluster */
    uint64_t cpath;  /* the path, first bit highest */
} tinfo_t;

static const uint64_t H_BOS = 0x5bd1e9955bd1e995ULL;
static const uint64_t H_EOS = 0x27d4eb2f165667c5ULL;

/* Analyses the N bytes at S into T; FULL adds shape and affix hashes. */
static void analyse(const unsigned char *s, size_t n, tinfo_t *t, bool full)
{
    unsigned char low[MAX_WORD];
    size_t nl = 0;
    if (n > MAX_WORD)
        n = MAX_WORD;
    uint64_t hl = NA_HASH_SEED, ho = NA_HASH_SEED, hsh = NA_HASH_SEED, hss = NA_HASH_SEED;
    unsigned upper = 0, lower = 0, digit = 0, letters = 0, dots = 0, nshape = 0;
    int last = -1;
    bool first_upper = false;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        unsigned char sc;
        size_t k = 1;
        if (c < 0x80) {
            unsigned char lc = c, oc = c;
            if (c >= 'A' && c <= 'Z') {
                upper++, letters++, sc = 'X', lc = (unsigned char)(c + 32);
            } else if (c >= 'a' && c <= 'z') {
                lower++, letters++, sc = 'x';
            } else if (c >= '0' && c <= '9') {
                digit++, sc = 'd', lc = oc = '0';
            } else {
                sc = c;
                if (c == '.')
                    dots++;
            }
            low[nl++] = lc;
            hl = na_hash64_byte(hl, lc);
            ho = na_hash64_byte(ho, oc);
        } else {
            unsigned cp;
            k = na_tok_decode(s + i, n - i, &cp);
            if (cp >= NA_TOK_RAW_BYTE) {
                letters++, sc = 'u';
                low[nl++] = c;
                hl = na_hash64_byte(hl, c);
                ho = na_hash64_byte(ho, c);
            } else if (cp == 0x2019 || cp == 0x2018 || cp == 0x2bc) {
                sc = '\'';
                low[nl++] = '\'';
                hl = na_hash64_byte(hl, '\'');
                ho = na_hash64_byte(ho, '\'');
            } else {
                unsigned lcp = cp;
                if (na_utf8_is_upper(cp)) {
                    upper++, sc = 'X';
                    lcp = na_utf8_lower(cp);
                } else if (na_utf8_is_lower(cp)) {
                    lower++, sc = 'x';
                } else {
                    sc = 'u';
                }
                letters++;
                char enc[4];
                size_t m = na_utf8_encode(lcp, enc);
                for (size_t j = 0; j < m && nl < MAX_WORD; j++) {
                    low[nl++] = (unsigned char)enc[j];
                    hl = na_hash64_byte(hl, (unsigned char)enc[j]);
                }
                for (size_t j = 0; j < k; j++)
                    ho = na_hash64_byte(ho, s[i + j]);
            }
        }
        if (i == 0)
            first_upper = sc == 'X';
        if (nshape < 16) {
            hsh = na_hash64_byte(hsh, sc);
            nshape++;
        } else if (nshape == 16) {
            hsh = na_hash64_byte(hsh, '+');
            nshape++;
        }
        if (sc != last)
            hss = na_hash64_byte(hss, sc);
        last = sc;
        i += k;
    }
    t->hl = na_hash64_mix(hl);
    t->ho = na_hash64_mix(ho);
    t->caseb = (uint8_t)((lower ? CB_LOWER : 0) | (upper ? CB_UPPER : 0) | (digit ? CB_DIGIT : 0) |
                         (letters ? CB_ALPHA : 0));
    if (letters == 0)
        t->cls = digit ? K_DIGIT : K_PUNCT;
    else if (digit)
        t->cls = K_ALNUM;
    else if (upper == 0)
        t->cls = K_LOWER;
    else if (lower == 0)
        t->cls = dots ? K_ABBR : letters == 1 ? K_CAP1 : K_CAPS;
    else if (first_upper)
        t->cls = upper == 1 ? K_TITLE : K_CAMEL;
    else
        t->cls = K_MIXED;
    if (!full)
        return;
    t->hshape = na_hash64_mix(hsh);
    t->hshort = na_hash64_mix(hss);
    unsigned na = 0;
    while (na < 4 && nl > na + 1) {
        t->hpre[na] = hash_bytes(low, na + 1);
        t->hsuf[na] = hash_bytes(low + nl - (na + 1), na + 1);
        na++;
    }
    t->naffix = (uint8_t)na;
}

/* ---- gazetteers ---- */

typedef struct {
    uint64_t key;
    uint16_t match;  /* classes with a phrase ending here */
    uint16_t prefix; /* classes with a longer phrase going on */
} gent_t;

/* Most words open no phrase; a small Bloom filter (two bits a word, in
 * cache) answers for them without probing the table. */
#define GAZ_FILTER_BITS (1u << 18)

/* The filter's two bits for KEY. */
static inline uint32_t gaz_filter_a(uint64_t key) { return (uint32_t)key & (GAZ_FILTER_BITS - 1); }
static inline uint32_t gaz_filter_b(uint64_t key) { return (uint32_t)(key >> 40) & (GAZ_FILTER_BITS - 1); }

static inline bool gaz_filter_has(const uint64_t *filter, uint64_t key)
{
    uint32_t a = gaz_filter_a(key), b = gaz_filter_b(key);
    return (filter[a >> 6] >> (a & 63) & 1) && (filter[b >> 6] >> (b & 63) & 1);
}

static inline void gaz_filter_add(uint64_t *filter, uint64_t key)
{
    uint32_t a = gaz_filter_a(key), b = gaz_filter_b(key);
    filter[a >> 6] |= 1ULL << (a & 63);
    filter[b >> 6] |= 1ULL << (b & 63);
}

typedef struct {
    uint64_t key;
    uint64_t path; /* the path from its highest bit, its length (CLU_MAX_BITS at most) in the low bits */
} cent_t;

#define CLU_LEN_BITS 6
#define CLU_MAX_BITS (64 - CLU_LEN_BITS)

struct na_gazetteer {
    char *names[NA_GAZETTEER_MAX_CLASSES];
    uint64_t name_hash[NA_GAZETTEER_MAX_CLASSES];
    size_t counts[NA_GAZETTEER_MAX_CLASSES];
    unsigned nclasses;
    gent_t *e; /* open addressing; key 0 is empty */
    size_t mask, used;
    uint64_t first[GAZ_FILTER_BITS / 64]; /* Bloom filter of phrase-opening words */
    na_tokens_t toks; /* scratch for adding */
    /* Word clusters: open addressing on the tagger's hash of the original
     * form (key 0 is empty).  A word's key and cluster share one entry,
     * so that a lookup, one per token, takes one cache miss, not three. */
    cent_t *clu;
    size_t cmask, cused;
};

na_gazetteer_t *na_gazetteer_create(void)
{
    na_gazetteer_t *g = na_xcalloc(1, sizeof *g);
    g->mask = 1023;
    g->e = na_xcalloc(g->mask + 1, sizeof *g->e);
    return g;
}

void na_gazetteer_free(na_gazetteer_t *g)
{
    if (!g)
        return;
    for (unsigned i = 0; i < g->nclasses; i++)
        free(g->names[i]);
    free(g->e);
    free(g->clu);
    na_tokens_release(&g->toks);
    free(g);
}

static gent_t *gaz_slot(gent_t *e, size_t mask, uint64_t key)
{
    size_t i = (size_t)key & mask;
    while (e[i].key && e[i].key != key)
        i = (i + 1) & mask;
    return &e[i];
}

static const gent_t *gaz_find(const na_gazetteer_t *g, uint64_t key)
{
    const gent_t *s = gaz_slot(g->e, g->mask, key);
    return s->key ? s : NULL;
}

static gent_t *gaz_insert(na_gazetteer_t *g, uint64_t key)
{
    if ((g->used + 1) * 2 > g->mask + 1) {
        size_t nmask = g->mask * 2 + 1;
        gent_t *ne = na_xcalloc(nmask + 1, sizeof *ne);
        for (size_t i = 0; i <= g->mask; i++)
            if (g->e[i].key)
                *gaz_slot(ne, nmask, g->e[i].key) = g->e[i];
        free(g->e);
        g->e = ne;
        g->mask = nmask;
    }
    gent_t *s = gaz_slot(g->e, g->mask, key);
    if (!s->key) {
        s->key = key;
        g->used++;
    }
    return s;
}

static inline uint64_t gaz_key(uint64_t prev, uint64_t hl)
{
    uint64_t k = f2(T_GAZKEY, prev, hl);
    return k ? k : 1;
}

static int gaz_class(na_gazetteer_t *g, const char *cls, na_error_t *err)
{
    size_t n = cls ? strlen(cls) : 0;
    if (n == 0 || n > 64) {
        na_error_set(err, NA_ERR_INVALID, "bad gazetteer class name");
        return -1;
    }
    for (unsigned i = 0; i < g->nclasses; i++)
        if (strcmp(g->names[i], cls) == 0)
            return (int)i;
    if (g->nclasses == NA_GAZETTEER_MAX_CLASSES) {
        na_error_set(err, NA_ERR_INVALID, "too many gazetteer classes at '%s'", cls);
        return -1;
    }
    g->names[g->nclasses] = na_xstrdup(cls);
    g->name_hash[g->nclasses] = hash_bytes(cls, n);
    return (int)g->nclasses++;
}

static void gaz_add_phrase(na_gazetteer_t *g, int c, const char *phrase, size_t len)
{
    if (na_tokenize(phrase, len, NA_TOKENIZE_LINES, &g->toks, NULL) != NA_OK)
        return;
    size_t n = g->toks.count;
    if (n == 0 || n > NA_GAZETTEER_MAX_WORDS)
        return;
    uint64_t key = 0;
    for (size_t i = 0; i < n; i++) {
        tinfo_t t;
        const na_token_t *tk = &g->toks.items[i];
        analyse((const unsigned char *)phrase + tk->start, tk->end - tk->start, &t, false);
        key = gaz_key(key, t.hl);
        if (i == 0)
            gaz_filter_add(g->first, key);
        gent_t *s = gaz_insert(g, key);
        if (i + 1 < n)
            s->prefix |= (uint16_t)(1u << c);
        else
            s->match |= (uint16_t)(1u << c);
    }
    g->counts[c]++;
}

na_status_t na_gazetteer_add(na_gazetteer_t *g, const char *cls, const char *phrase, size_t len,
                             na_error_t *err)
{
    if (!g || (!phrase && len))
        return na_error_set(err, NA_ERR_INVALID, "no gazetteer or phrase given");
    int c = gaz_class(g, cls, err);
    if (c < 0)
        return NA_ERR_INVALID;
    gaz_add_phrase(g, c, phrase, len);
    return NA_OK;
}

na_status_t na_gazetteer_add_lines(na_gazetteer_t *g, const char *cls, const char *data, size_t len,
                                   uint32_t columns, unsigned aliases_from, na_error_t *err)
{
    if (!g || (!data && len))
        return na_error_set(err, NA_ERR_INVALID, "no gazetteer or data given");
    int c = gaz_class(g, cls, err);
    if (c < 0)
        return NA_ERR_INVALID;
    if (!columns && !aliases_from)
        columns = 1;
    size_t i = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && data[e] != '\n')
            e++;
        if (data[i] == '#') {
            i = e + 1;
            continue;
        }
        unsigned col = 1;
        size_t f = i;
        while (f <= e) {
            size_t fe = f;
            while (fe < e && data[fe] != '\t')
                fe++;
            size_t a = f, b = fe;
            while (a < b && data[a] == ' ')
                a++;
            while (b > a && (data[b - 1] == '\r' || data[b - 1] == ' '))
                b--;
            bool wanted = (col <= 32 && (columns & (1u << (col - 1)))) || (aliases_from && col >= aliases_from);
            if (wanted && b > a && !(b - a == 1 && data[a] == '-'))
                gaz_add_phrase(g, c, data + a, b - a);
            col++;
            f = fe + 1;
        }
        i = e + 1;
    }
    return NA_OK;
}

na_status_t na_gazetteer_load_dir(na_gazetteer_t *g, const char *dir, unsigned *nfiles, na_error_t *err)
{
    /* The files of config/gazetteer/ and which of their columns are names
     * (see config/gazetteer/README.md). */
    static const struct {
        const char *file;
        uint32_t columns;
        unsigned aliases_from;
    } files[] = {
        { "countries.tsv", 1u << 0, 3 },
        { "demonyms.tsv", 1u << 0, 0 },
        { "regions.tsv", 1u << 0, 5 },
        { "cities.tsv", 1u << 0, 6 },
        { "leaders.tsv", 1u << 0 | 1u << 4, 6 },
        { "first-names.tsv", 1u << 0, 0 },
        { "titles.txt", 1u << 0, 0 },
        { "org-suffixes.txt", 1u << 0, 0 },
        { "org-words.txt", 1u << 0, 0 },
        { "clusters.tsv", 0, 0 }, /* word clusters, not a class */
    };
    if (nfiles)
        *nfiles = 0;
    if (!g || !dir)
        return na_error_set(err, NA_ERR_INVALID, "no gazetteer or directory given");
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *path = na_xasprintf("%s/%s", dir, files[i].file);
        na_buf_t buf = NA_BUF_INIT;
        int e = na_read_file(path, &buf);
        if (e == ENOENT) {
            free(path);
            na_buf_release(&buf);
            continue;
        }
        if (e) {
            na_error_set(err, NA_ERR_IO, "%s: cannot read the gazetteer: %s", path, na_strerror(e));
            free(path);
            na_buf_release(&buf);
            return NA_ERR_IO;
        }
        char cls[64];
        snprintf(cls, sizeof cls, "%s", files[i].file);
        *strrchr(cls, '.') = '\0';
        na_status_t st;
        if (strcmp(cls, CLUSTERS_CLASS) == 0) {
            st = na_gazetteer_add_clusters(g, buf.data, buf.len, err);
            if (st != NA_OK && err) {
                char why[sizeof err->message];
                snprintf(why, sizeof why, "%s", err->message);
                na_error_set(err, st, "%s: %s", path, why);
            }
        } else {
            st = na_gazetteer_add_lines(g, cls, buf.data, buf.len, files[i].columns, files[i].aliases_from, err);
        }
        free(path);
        na_buf_release(&buf);
        if (st != NA_OK)
            return st;
        if (nfiles)
            (*nfiles)++;
    }
    return NA_OK;
}

static inline size_t clu_home(uint64_t key, size_t mask) { return (size_t)(key >> 17) & mask; }

static size_t clu_slot(const cent_t *e, size_t mask, uint64_t key)
{
    size_t i = clu_home(key, mask);
    while (e[i].key && e[i].key != key)
        i = (i + 1) & mask;
    return i;
}

static void clu_grow(na_gazetteer_t *g)
{
    size_t nmask = g->cmask ? g->cmask * 2 + 1 : 4095;
    cent_t *ne = na_xcalloc(nmask + 1, sizeof *ne);
    for (size_t i = 0; g->clu && i <= g->cmask; i++)
        if (g->clu[i].key)
            ne[clu_slot(ne, nmask, g->clu[i].key)] = g->clu[i];
    free(g->clu);
    g->clu = ne, g->cmask = nmask;
}

na_status_t na_gazetteer_add_clusters(na_gazetteer_t *g, const char *data, size_t len, na_error_t *err)
{
    if (!g || (len && !data))
        return na_error_set(err, NA_ERR_INVALID, "no gazetteer or cluster data given");
    size_t lineno = 0;
    for (size_t pos = 0; pos < len;) {
        const char *line = data + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + 1;
        lineno++;
        if (n == 0 || line[0] == '#')
            continue;
        const char *tab = memchr(line, '\t', n);
        const char *word = tab ? tab + 1 : NULL;
        const char *tab2 = word ? memchr(word, '\t', n - (size_t)(word - line)) : NULL;
        size_t wl = word ? (size_t)((tab2 ? tab2 : line + n) - word) : 0;
        size_t pl = tab ? (size_t)(tab - line) : 0;
        uint64_t path = 0;
        bool ok = pl > 0 && wl > 0;
        for (size_t i = 0; ok && i < pl; i++) {
            ok = line[i] == '0' || line[i] == '1';
            if (i < CLU_MAX_BITS && line[i] == '1')
                path |= 1ULL << (63 - i);
        }
        if (!ok)
            return na_error_set(err, NA_ERR_PARSE, "line %zu: not \"PATH TAB WORD\" with a path of 0s and 1s",
                                lineno);
        tinfo_t t;
        analyse((const unsigned char *)word, wl, &t, false);
        uint64_t key = t.ho ? t.ho : 1;
        if ((g->cused + 1) * 2 > g->cmask)
            clu_grow(g);
        cent_t *e = &g->clu[clu_slot(g->clu, g->cmask, key)];
        if (!e->key) {
            g->cused++;
            e->key = key;
        }
        e->path = path | (pl < CLU_MAX_BITS ? pl : CLU_MAX_BITS);
    }
    return NA_OK;
}

/* The cluster of the word whose original-form hash is HO into T. */
static inline void clu_lookup(const na_gazetteer_t *g, tinfo_t *t)
{
    t->clen = 0;
    t->cpath = 0;
    if (!g || !g->cused)
        return;
    uint64_t key = t->ho ? t->ho : 1;
    const cent_t *e = &g->clu[clu_slot(g->clu, g->cmask, key)];
    if (e->key) {
        uint64_t lenmask = (1u << CLU_LEN_BITS) - 1;
        t->clen = (uint8_t)(e->path & lenmask);
        t->cpath = e->path & ~lenmask;
    }
}

size_t na_gazetteer_count(const na_gazetteer_t *g, const char *cls)
{
    if (!g || !cls)
        return 0;
    if (strcmp(cls, CLUSTERS_CLASS) == 0)
        return g->cused;
    for (unsigned i = 0; i < g->nclasses; i++)
        if (strcmp(g->names[i], cls) == 0)
            return g->counts[i];
    return 0;
}

/* Marks gazetteer positions on the N tokens at T (longest match from the
 * earliest start wins for each class). */
static void gaz_mark(const na_gazetteer_t *g, tinfo_t *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        memset(t[i].gpos, 0, sizeof t[i].gpos);
    if (!g || g->nclasses == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        if (!(t[i].caseb & (CB_ALPHA | CB_DIGIT)))
            continue;
        size_t best[NA_GAZETTEER_MAX_CLASSES] = { 0 };
        uint16_t any = 0;
        uint64_t key = 0;
        for (size_t j = i; j < n && j - i < NA_GAZETTEER_MAX_WORDS; j++) {
            key = gaz_key(key, t[j].hl);
            if (j == i && !gaz_filter_has(g->first, key))
                break;
            const gent_t *s = gaz_find(g, key);
            if (!s)
                break;
            if (s->match) {
                any |= s->match;
                for (unsigned c = 0; c < g->nclasses; c++)
                    if (s->match & (1u << c))
                        best[c] = j - i + 1;
            }
            if (!s->prefix)
                break;
        }
        if (!any)
            continue;
        for (unsigned c = 0; c < g->nclasses; c++) {
            size_t m = best[c];
            if (!m || t[i].gpos[c])
                continue;
            if (m == 1) {
                t[i].gpos[c] = 4;
                continue;
            }
            for (size_t k = 0; k < m; k++)
                if (!t[i + k].gpos[c])
                    t[i + k].gpos[c] = (uint8_t)(k == 0 ? 1 : k + 1 == m ? 3 : 2);
        }
    }
}

/* ---- the document map: case evidence and tag history per word ---- */

typedef struct {
    uint64_t key;      /* hl; 0 is empty */
    uint16_t hist[NA_NER_NTYPES + 1]; /* times tagged O, PER, LOC, ORG, MISC */
    uint8_t conf[NA_NER_NTYPES + 1];  /* document pass: the surest of those tags, margin_bucket() */
    uint8_t dcase;     /* DC_* */
} dent_t;

typedef struct {
    dent_t *e;
    size_t mask, used;
} docmap_t;

/* Empties M, sized for a document of NTOKS tokens (it grows as needed). */
static void docmap_reset(docmap_t *m, size_t ntoks)
{
    size_t want = 64;
    while (want < 2 * ntoks && want < 2048)
        want *= 2;
    if (!m->e || m->mask + 1 != want) {
        free(m->e);
        m->mask = want - 1;
        m->e = na_xcalloc(want, sizeof *m->e);
    } else {
        memset(m->e, 0, want * sizeof *m->e);
    }
    m->used = 0;
}

static dent_t *docmap_slot(dent_t *e, size_t mask, uint64_t key)
{
    size_t i = (size_t)key & mask;
    while (e[i].key && e[i].key != key)
        i = (i + 1) & mask;
    return &e[i];
}

static const dent_t *docmap_find(const docmap_t *m, uint64_t key)
{
    key = key ? key : 1;
    const dent_t *s = docmap_slot(m->e, m->mask, key);
    return s->key ? s : NULL;
}

static dent_t *docmap_get(docmap_t *m, uint64_t key)
{
    key = key ? key : 1;
    if ((m->used + 1) * 2 > m->mask + 1) {
        size_t nmask = m->mask * 2 + 1;
        dent_t *ne = na_xcalloc(nmask + 1, sizeof *ne);
        for (size_t i = 0; i <= m->mask; i++)
            if (m->e[i].key)
                *docmap_slot(ne, nmask, m->e[i].key) = m->e[i];
        free(m->e);
        m->e = ne;
        m->mask = nmask;
    }
    dent_t *s = docmap_slot(m->e, m->mask, key);
    if (!s->key) {
        s->key = key;
        m->used++;
    }
    return s;
}

/* What the decisions about a token need of it, kept for every token of a
 * chunk for the document pass. */
typedef struct {
    uint64_t hl, hshort;
    uint8_t cls, caseb;
    uint8_t start; /* starts a sentence piece */
    uint8_t where; /* 1 sentence-initial, 2 in a sentence of capitals */
} ptok_t;

static inline ptok_t ptok_of(const tinfo_t *t, bool start, bool caps)
{
    ptok_t p = { t->hl, t->hshort, t->cls, t->caseb, start, (uint8_t)(t->initial + 2 * caps) };
    return p;
}

/* History value for a word: 0 no evidence, 1 only ever O, 2 + type of the
 * most frequent type. */
static unsigned hist_value(const docmap_t *m, const ptok_t *t)
{
    if (!(t->caseb & CB_UPPER))
        return 0;
    const dent_t *d = docmap_find(m, t->hl);
    if (!d)
        return 0;
    unsigned best = 0, bc = 0;
    for (unsigned k = 1; k <= NA_NER_NTYPES; k++)
        if (d->hist[k] > bc)
            bc = d->hist[k], best = k;
    if (bc)
        return 1 + best;
    return d->hist[0] ? 1 : 0;
}

static void hist_record(docmap_t *m, const ptok_t *t, int label)
{
    if (!(t->caseb & CB_UPPER))
        return;
    dent_t *d = docmap_get(m, t->hl);
    unsigned k = (unsigned)(label_type(label) + 1);
    if (d->hist[k] < 65535)
        d->hist[k]++;
}

/* The decoder's scratch for sentences of up to CAP tokens. */
typedef struct {
    uint8_t *bp;   /* cap * NLABELS back pointers */
    float *mg;     /* cap * NLABELS local margins */
    float *stat;   /* cap * NLABELS static scores, for callers */
    unsigned *hv;  /* cap history values, for callers */
    size_t cap;
} dec_t;

static void dec_init(dec_t *d, size_t cap)
{
    cap = cap ? cap : 1;
    d->cap = cap;
    d->bp = na_xmalloc(cap * NLABELS);
    d->mg = na_xmalloc(cap * NLABELS * sizeof *d->mg);
    d->stat = na_xmalloc(cap * NLABELS * sizeof *d->stat);
    d->hv = na_xmalloc(cap * sizeof *d->hv);
}

static void dec_release(dec_t *d)
{
    free(d->bp);
    free(d->mg);
    free(d->stat);
    free(d->hv);
}

/* ---- sentences and features ---- */

typedef struct {
    const na_gazetteer_t *gaz;
    docmap_t map;
    tinfo_t *ti; /* PAD + longest sentence + PAD entries; ti[PAD] is the first token */
    tinfo_t *an; /* analyse() of every token of the chunk, made once by doc_prepass() */
    bool caps;   /* the current sentence is in capitals */
    bool clusters; /* word cluster features are computed */
    dec_t dec;     /* the decoder's scratch */
    uint64_t conn[5]; /* lower-cased hashes of the words that join runs */
    uint16_t orgcls;  /* gazetteer classes of organisation words and suffixes */
} ctx_t;

/* Prepares C for documents of up to NTOKS tokens. */
static void ctx_init(ctx_t *c, const na_gazetteer_t *gaz, size_t ntoks, size_t chunk_cap)
{
    memset(c, 0, sizeof *c);
    c->gaz = gaz;
    c->clusters = gaz && gaz->cused;
    /* Not cleared: sentence_prepare() sets what is read of a sentence's
     * tokens and of the PAD after it, and the PAD before it is set here. */
    c->ti = na_xmalloc(((ntoks < MAX_SENT ? ntoks : MAX_SENT) + 2 * PAD) * sizeof *c->ti);
    c->an = na_xmalloc((chunk_cap ? chunk_cap : 1) * sizeof *c->an);
    dec_init(&c->dec, ntoks < MAX_SENT ? ntoks : MAX_SENT);
    static const char *const conn[] = { "and", "of", "&", "for", "de" };
    for (size_t i = 0; i < sizeof conn / sizeof *conn; i++) {
        tinfo_t t;
        analyse((const unsigned char *)conn[i], strlen(conn[i]), &t, false);
        c->conn[i] = t.hl;
    }
    for (unsigned k = 0; gaz && k < gaz->nclasses; k++)
        if (strcmp(gaz->names[k], "org-suffixes") == 0 || strcmp(gaz->names[k], "org-words") == 0)
            c->orgcls |= (uint16_t)(1u << k);
    for (size_t i = 0; i < PAD; i++) {
        memset(&c->ti[i], 0, sizeof c->ti[i]);
        c->ti[i].hl = c->ti[i].hshort = H_BOS;
        c->ti[i].cls = K_BOUND;
    }
}

static void ctx_release(ctx_t *c)
{
    free(c->ti);
    free(c->an);
    free(c->map.e);
    dec_release(&c->dec);
}

/* End of the sentence piece that starts at token A. */
static size_t sentence_end(const na_token_t *toks, size_t ntoks, size_t a)
{
    size_t b = a + 1;
    while (b < ntoks && !(toks[b].flags & NA_TOKEN_SENT_START) && b - a < MAX_SENT)
        b++;
    return b;
}

static bool sentence_in_caps(const tinfo_t *t, size_t n)
{
    unsigned up = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i].caseb & CB_LOWER)
            return false;
        if (t[i].caseb & CB_UPPER)
            up++;
    }
    return up > 0;
}

/* First pass over a document: how each word is written where case is
 * informative.  It analyses every token into c->an in full, for
 * sentence_prepare() to copy rather than read each word twice. */
static void doc_prepass(ctx_t *c, const unsigned char *text, const na_token_t *toks, size_t ntoks)
{
    docmap_reset(&c->map, ntoks);
    for (size_t a = 0; a < ntoks;) {
        size_t b = sentence_end(toks, ntoks, a);
        tinfo_t *t = c->an + a;
        for (size_t i = a; i < b; i++)
            analyse(text + toks[i].start, toks[i].end - toks[i].start, &t[i - a], true);
        if (!sentence_in_caps(t, b - a)) {
            bool initial = true;
            for (size_t i = 0; i < b - a; i++) {
                const tinfo_t *p = &t[i];
                if (!(p->caseb & CB_ALPHA)) {
                    if (p->caseb & CB_DIGIT)
                        initial = false;
                    continue;
                }
                if (!initial) {
                    uint8_t bit = p->cls == K_LOWER ? DC_LOWER
                                : (p->cls == K_TITLE || p->cls == K_CAMEL) ? DC_TITLE
                                : (p->cls == K_CAPS || p->cls == K_ABBR) ? DC_CAPS : 0;
                    if (bit)
                        docmap_get(&c->map, p->hl)->dcase |= bit;
                }
                initial = false;
            }
        }
        a = b;
    }
}

/* Prepares the N tokens of a sentence in c->ti from their analyses AN
 * (doc_prepass()). */
static void sentence_prepare(ctx_t *c, const tinfo_t *an, size_t n)
{
    tinfo_t *t = c->ti + PAD;
    bool initial = true;
    /* The word clusters and the gazetteer's filter bits looked up below
     * are asked of the cache first: the tables are larger than L1 or L2,
     * and one token's lookups would wait for the last's.  (Here, not in
     * a function of their own: GCC takes a function that only prefetches
     * for one without effects, and drops its calls.) */
    const na_gazetteer_t *g = c->gaz;
    for (size_t i = 0; g && c->clusters && i < n; i++)
        __builtin_prefetch(&g->clu[clu_home(an[i].ho ? an[i].ho : 1, g->cmask)]);
    for (size_t i = 0; g && g->nclasses && i < n; i++) {
        uint64_t key = gaz_key(0, an[i].hl);
        __builtin_prefetch(&g->first[gaz_filter_a(key) >> 6]);
        __builtin_prefetch(&g->first[gaz_filter_b(key) >> 6]);
    }
    for (size_t i = 0; i < n; i++) {
        tinfo_t *p = &t[i];
        /* What analyse() sets, the fields before initial. */
        memcpy(p, &an[i], offsetof(tinfo_t, initial));
        p->initial = initial && (p->caseb & CB_ALPHA);
        if (p->caseb & (CB_ALPHA | CB_DIGIT))
            initial = false;
        const dent_t *d = (p->caseb & CB_ALPHA) ? docmap_find(&c->map, p->hl) : NULL;
        p->doccase = d ? d->dcase : 0;
        if (c->clusters)
            clu_lookup(c->gaz, p);
    }
    for (size_t i = n; i < n + PAD; i++) {
        memset(&t[i], 0, sizeof t[i]);
        t[i].hl = t[i].hshort = H_EOS;
        t[i].cls = K_BOUND;
    }
    c->caps = sentence_in_caps(t, n);
    gaz_mark(c->gaz, t, n);
    /* Runs of capitalised words ("Kansai Electric Power"): every word of a
     * run sees the run's first and last word. */
    for (size_t i = 0; i < n;) {
        if (c->caps || !(t[i].caseb & CB_UPPER) || t[i].cls == K_ALNUM) {
            t[i].runpos = 0;
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && (t[j].caseb & CB_UPPER) && t[j].cls != K_ALNUM)
            j++;
        for (size_t k = i; k < j; k++) {
            t[k].runpos = (uint8_t)(j - i == 1 ? 4 : k == i ? 1 : k + 1 == j ? 3 : 2);
            t[k].runfirst = (uint16_t)(k - i);
            t[k].runlast = (uint16_t)(j - 1 - k);
        }
        i = j;
    }
    /* Runs joined across connectors ("Standard and Poor's", "Bank of
     * England", "AT & T"): every word of the joined run, connectors
     * included, sees its place in it and whether it ends in an
     * organisation word, so that the model can keep such a name whole
     * where the end tells it is one. */
    for (size_t i = 0; i < n; i++)
        t[i].jpos = 0;
    for (size_t i = 0; i < n;) {
        if (t[i].runpos != 1 && t[i].runpos != 4) {
            i++;
            continue;
        }
        size_t j = i + t[i].runlast + 1, end = j;
        while (end + 1 < n && end - i < 12) {
            bool conn = false;
            for (size_t k = 0; k < sizeof c->conn / sizeof *c->conn; k++)
                conn |= t[end].hl == c->conn[k];
            if (!conn || !(t[end + 1].runpos == 1 || t[end + 1].runpos == 4))
                break;
            end = end + 1 + t[end + 1].runlast + 1;
        }
        if (end > j) {
            bool org = false;
            for (unsigned k = 0; c->gaz && k < c->gaz->nclasses; k++)
                if ((c->orgcls >> k & 1) && t[end - 1].gpos[k])
                    org = true;
            for (size_t k = i; k < end; k++) {
                t[k].jpos = (uint8_t)(k == i ? 1 : k + 1 == end ? 3 : 2);
                t[k].jorg = org;
                t[k].jlast = (uint16_t)(end - 1 - k);
            }
        }
        i = end;
    }
}

/* The first BITS bits of T's cluster path, marked with their length; 0
 * for a word with no cluster. */
static inline uint64_t clu_prefix(const tinfo_t *t, unsigned bits)
{
    unsigned l = t->clen < bits ? t->clen : bits;
    return l ? (t->cpath >> (64 - l)) | (1ULL << l) : 0;
}

/* Static features of token I of the prepared sentence, as hashes; the
 * gazetteer features come last, *NGAZ (may be NULL) of them. */
static size_t static_feats(const ctx_t *c, size_t i, uint64_t *f, size_t *ngaz)
{
    const tinfo_t *t = c->ti + PAD + i;
    const tinfo_t *m1 = t - 1, *m2 = t - 2, *p1 = t + 1, *p2 = t + 2;
    size_t n = 0;
    f[n++] = f1(T_BIAS, 0);
    f[n++] = f1(T_W, t->hl);
    f[n++] = f1(T_WO, t->ho);
    f[n++] = f1(T_SHAPE, t->hshape);
    f[n++] = f1(T_SHORT, t->hshort);
    for (unsigned k = 0; k < t->naffix; k++) {
        f[n++] = f2(T_PRE, k, t->hpre[k]);
        f[n++] = f2(T_SUF, k, t->hsuf[k]);
    }
    f[n++] = f3(T_CLS, t->cls, t->initial, c->caps);
    if (c->caps)
        f[n++] = f1(T_WCAPS, t->hl);
    f[n++] = f1(T_WM2, m2->hl);
    f[n++] = f1(T_WM1, m1->hl);
    f[n++] = f1(T_WP1, p1->hl);
    f[n++] = f1(T_WP2, p2->hl);
    f[n++] = f1(T_SM2, m2->hshort);
    f[n++] = f1(T_SM1, m1->hshort);
    f[n++] = f1(T_SP1, p1->hshort);
    f[n++] = f1(T_SP2, p2->hshort);
    f[n++] = f3(T_CLS3, m1->cls, t->cls, p1->cls);
    f[n++] = f2(T_BIM, m1->hl, t->hl);
    f[n++] = f2(T_BIP, t->hl, p1->hl);
    f[n++] = f2(T_WM1C, m1->hl, t->cls);
    f[n++] = f2(T_WP1C, p1->hl, t->cls);
    if (t->caseb & CB_ALPHA)
        f[n++] = f3(T_DOC, t->doccase, t->cls, c->caps + 2u * t->initial);
    if (t->runpos) {
        f[n++] = f2(T_RUNPOS, t->runpos, t->cls);
        if (t->runpos != 4) {
            f[n++] = f2(T_RUNFIRST, (t - t->runfirst)->hl, t->runpos);
            f[n++] = f2(T_RUNLAST, (t + t->runlast)->hl, t->runpos);
        }
        unsigned len = t->runfirst + t->runlast + 1u;
        f[n++] = f3(T_RUNLEN, len < 6 ? len : 6, t->runfirst < 4 ? t->runfirst : 4, t->runlast < 4 ? t->runlast : 4);
        /* The whole run is a gazetteer phrase: it starts a match where
         * the run starts and one ends where the run ends. */
        const na_gazetteer_t *g = c->gaz;
        const tinfo_t *rf = t - t->runfirst, *rl = t + t->runlast;
        for (unsigned k = 0; g && k < g->nclasses; k++) {
            uint8_t a = rf->gpos[k], b = rl->gpos[k];
            if ((a == 1 || a == 4) && (b == 3 || b == 4) && (len == 1) == (a == 4))
                f[n++] = f2(T_RUNGAZ, g->name_hash[k], t->runpos);
        }
    }
    if (t->jpos) {
        f[n++] = f3(T_JRUN, t->jpos, t->jorg, t->cls);
        f[n++] = f3(T_JRUNLAST, (t + t->jlast)->hl, t->jpos, t->cls);
        if (!t->runpos)
            f[n++] = f2(T_JCONN, t->hl, t->jorg);
    }
    if (c->clusters) {
        /* Prefixes of the word's cluster path (a path shorter than a
         * prefix stands for itself), and of its neighbours'. */
        if (t->clen)
            for (unsigned k = 0; k < sizeof CLU_PREFIX / sizeof *CLU_PREFIX; k++)
                f[n++] = f2(T_CLU, k, clu_prefix(t, CLU_PREFIX[k]));
        else
            f[n++] = f2(T_CLU, 99, t->cls);
        f[n++] = f2(T_CLUM1, 0, clu_prefix(m1, CLU_PREFIX[0]));
        f[n++] = f2(T_CLUM1, 2, clu_prefix(m1, CLU_PREFIX[2]));
        f[n++] = f2(T_CLUP1, 0, clu_prefix(p1, CLU_PREFIX[0]));
        f[n++] = f2(T_CLUP1, 2, clu_prefix(p1, CLU_PREFIX[2]));
    }
    size_t before_gaz = n;
    const na_gazetteer_t *g = c->gaz;
    if (g) {
        for (unsigned k = 0; k < g->nclasses; k++) {
            uint64_t h = g->name_hash[k];
            if (t->gpos[k]) {
                f[n++] = f2(T_GAZ, h, t->gpos[k]);
                f[n++] = f3(T_GAZC, h, t->gpos[k], t->cls);
            }
            if (m1->cls != K_BOUND && m1->gpos[k])
                f[n++] = f2(T_GAZM1, h, m1->gpos[k]);
            if (p1->cls != K_BOUND && p1->gpos[k])
                f[n++] = f2(T_GAZP1, h, p1->gpos[k]);
        }
    }
    if (ngaz)
        *ngaz = n - before_gaz;
    return n;
}

/* The features that depend on the previous tag T1, other than T1 alone,
 * whose weights the model keeps in a table (model_transitions()). */
static inline size_t prev_word_feats(const ptok_t *t, int t1, uint64_t *f)
{
    f[0] = f2(T_T1W, (uint64_t)t1, t->hl);
    f[1] = f2(T_T1S, (uint64_t)t1, t->hshort);
    return 2;
}

/* The features of the word's history HIST in the document. */
static inline size_t hist_feats(const ptok_t *t, unsigned hist, uint64_t *f)
{
    if (!hist)
        return 0;
    f[0] = f1(T_HIST, hist);
    f[1] = f2(T_HISTC, hist, t->cls);
    return 2;
}

/* Features of token T that depend on the decisions before it: the
 * previous tag T1 and the history HIST of the word in the document.  (The
 * tag before that, tried as well, made greedy decoding worse: it carries
 * an early mistake further.)  Tagging adds the same three parts apart:
 * T1's from the model's table, the others by prev_word_feats() and
 * hist_feats(). */
static size_t dynamic_feats(const ptok_t *t, int t1, unsigned hist, uint64_t *f)
{
    f[0] = f1(T_T1, (uint64_t)t1);
    size_t n = 1 + prev_word_feats(t, t1, f + 1);
    return n + hist_feats(t, hist, f + n);
}

/* A margin of the model's scores in 8 steps, about doubling. */
static inline unsigned margin_bucket(float m)
{
    unsigned b = 0;
    for (float x = 0.5f; b < 7 && m >= x; x *= 2)
        b++;
    return b;
}

/* Features of the document pass for token T, whose first-pass tag was
 * OWN: how the first pass tagged the same word everywhere else in the
 * document, later mentions as well as earlier ones (CNT holds the counts
 * of its first-pass tags, OWN included). */
static size_t doc_feats(const docmap_t *cnt, const ptok_t *t, int own, float own_margin, uint64_t *f)
{
    if (!(t->caseb & CB_UPPER))
        return 0;
    const dent_t *d = docmap_find(cnt, t->hl);
    if (!d)
        return 0;
    unsigned o = (unsigned)(label_type(own) + 1);
    unsigned c[NA_NER_NTYPES + 1], tot = 0, best = 0, bc = 0;
    for (unsigned k = 0; k <= NA_NER_NTYPES; k++) {
        c[k] = d->hist[k] - (k == o);
        tot += c[k];
        if (k && c[k] > bc)
            bc = c[k], best = k;
    }
    if (!tot)
        return 0;
    unsigned v = bc ? 1 + best : 1;
    /* 0: the most frequent type is a minority of the other mentions, 1: a
     * majority, 2: all of them. */
    unsigned share = bc ? (2 * bc >= tot) + (bc == tot) : 2;
    size_t n = 0;
    f[n++] = f3(T_D2, v, share, tot < 3 ? tot : 3);
    f[n++] = f3(T_D2O, v, o, t->cls);
    f[n++] = f3(T_D2X, v, o, t->where + 4u * share);
    /* The surest tag of the other mentions ("Mr Quelp" after a doubtful
     * "Quelp said"), against how sure the first pass was of this one. */
    unsigned sure = 0, sb = 0;
    for (unsigned k = 0; k <= NA_NER_NTYPES; k++)
        if (c[k] && d->conf[k] > sb)
            sb = d->conf[k], sure = k;
    f[n++] = f3(T_D2M, sure, o, sb * 16u + margin_bucket(own_margin));
    return n;
}

static inline uint32_t bucket(uint64_t h, unsigned bits) { return (uint32_t)(h >> (64 - bits)); }

/* ---- the weight table and models ---- */

/* The weight table is sparse: a bitmap over the 2^bits rows says which
 * rows are stored, and the stored rows sit packed in row order.  A lookup
 * of an absent row touches only the bitmap (2^bits / 8 bytes, which stays
 * in cache); a present row is found by counting bits. */
typedef struct {
    uint64_t present; /* bit r: row 64 * k + r is stored */
    uint32_t rank;    /* stored rows before this block */
    uint32_t pad;
} block_t;

struct na_ner_model {
    unsigned bits;
    float scale;         /* weight = stored value * scale */
    block_t *blocks;     /* 2^bits / 64 */
    int16_t *w;          /* nonzero_rows rows of WSTRIDE, NLABELS used, ROW_BYTES-aligned */
    int32_t trans[NLABELS + 1][NLABELS]; /* weights of the previous-tag feature T_T1 */
    size_t nonzero_rows;
    char **gnames;       /* gazetteer classes seen in training */
    size_t ngnames;
    bool clusters;       /* trained with word clusters (CLUSTERS_CLASS in gnames) */
    bool docpass;        /* has document-pass weights (DOCPASS_CLASS in gnames) */
    char *info;
};

static void model_transitions(na_ner_model_t *m);

static inline unsigned popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

/* N rows of zeros (at least one), each aligned to its cache line. */
static int16_t *rows_alloc(size_t n) { return na_xaligned_calloc(ROW_BYTES, (n ? n : 1) * ROW_BYTES); }

/* Sets the N rows at W to weights of zero (the low halves biased). */
static void rows_bias(int16_t *w, size_t n)
{
    for (size_t i = 0; i < (n ? n : 1); i++)
        for (unsigned l = 0; l < 8; l++)
            w[i * WSTRIDE + wslot(l)] = wstore(l, 0);
}

static inline const int16_t *model_row(const na_ner_model_t *m, uint32_t r)
{
    const block_t *b = &m->blocks[r >> 6];
    uint64_t bit = 1ULL << (r & 63);
    if (!(b->present & bit))
        return NULL;
    return m->w + (size_t)(b->rank + popcount64(b->present & (bit - 1))) * WSTRIDE;
}

void na_ner_model_free(na_ner_model_t *m)
{
    if (!m)
        return;
    free(m->blocks);
    free(m->w);
    for (size_t i = 0; i < m->ngnames; i++)
        free(m->gnames[i]);
    free(m->gnames);
    free(m->info);
    free(m);
}

const char *na_ner_model_info(const na_ner_model_t *m)
{
    return m && m->info ? m->info : "";
}

void na_ner_model_set_info(na_ner_model_t *m, const char *info)
{
    if (!m)
        return;
    free(m->info);
    m->info = na_xstrdup(info ? info : "");
}

size_t na_ner_model_gazetteer_classes(const na_ner_model_t *m, const char *const **names)
{
    if (names)
        *names = m ? (const char *const *)m->gnames : NULL;
    return m ? m->ngnames : 0;
}

size_t na_ner_model_rows(const na_ner_model_t *m, size_t *table_rows)
{
    if (table_rows)
        *table_rows = m ? (size_t)1 << m->bits : 0;
    return m ? m->nonzero_rows : 0;
}

/* CRC-32 as in zlib (reflected polynomial 0xedb88320), four bits a step. */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
    static const uint32_t t[16] = {
        0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
        0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
    };
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ t[crc & 15];
        crc = (crc >> 4) ^ t[crc & 15];
    }
    return ~crc;
}

static void put_u32(na_buf_t *b, uint32_t v)
{
    unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 24) };
    na_buf_add(b, x, 4);
}

static void put_varint(na_buf_t *b, uint64_t v)
{
    unsigned char x[10];
    size_t n = 0;
    do {
        x[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            x[n] |= 0x80;
        n++;
    } while (v);
    na_buf_add(b, x, n);
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Reads a varint at *POS (< END); false on overrun or overflow. */
static bool get_varint(const unsigned char *p, size_t end, size_t *pos, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*pos >= end)
            return false;
        unsigned char c = p[(*pos)++];
        r |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = r;
            return true;
        }
    }
    return false;
}

void na_ner_model_serialize(const na_ner_model_t *m, na_buf_t *b)
{
    size_t base = b->len;
    na_buf_add(b, "NANERMDL", 8);
    put_u32(b, NA_NER_FORMAT_VERSION);
    put_u32(b, NA_NER_FEATURE_VERSION);
    put_u32(b, NLABELS);
    put_u32(b, m->bits);
    uint32_t sc;
    memcpy(&sc, &m->scale, 4);
    put_u32(b, sc);
    put_u32(b, (uint32_t)m->ngnames);
    size_t ilen = m->info ? strlen(m->info) : 0;
    put_u32(b, (uint32_t)ilen);
    put_u32(b, (uint32_t)m->nonzero_rows);
    for (size_t i = 0; i < m->ngnames; i++) {
        size_t l = strlen(m->gnames[i]);
        na_buf_addc(b, (char)l);
        na_buf_add(b, m->gnames[i], l);
    }
    na_buf_add(b, m->info ? m->info : "", ilen);
    size_t rows = (size_t)1 << m->bits, prev = 0;
    bool first = true;
    for (size_t r = 0; r < rows; r++) {
        const int16_t *w = model_row(m, (uint32_t)r);
        if (!w)
            continue;
        unsigned mask = 0;
        for (unsigned l = 0; l < NLABELS; l++)
            if (wread(w, l))
                mask |= 1u << l;
        put_varint(b, first ? r : r - prev - 1);
        first = false;
        prev = r;
        put_varint(b, mask);
        for (unsigned l = 0; l < NLABELS; l++)
            if (wread(w, l)) {
                int v = wread(w, l);
                put_varint(b, v < 0 ? ((uint64_t)(-(int64_t)v) << 1) - 1 : (uint64_t)v << 1);
            }
    }
    put_u32(b, crc32_update(0, (const unsigned char *)b->data + base, b->len - base));
}

na_status_t na_ner_model_load_mem(const void *data, size_t len, na_ner_model_t **out, na_error_t *err)
{
    if (!out)
        return na_error_set(err, NA_ERR_INVALID, "no model pointer given");
    *out = NULL;
    const unsigned char *p = data;
    if (!p || len < 44 || memcmp(p, "NANERMDL", 8) != 0)
        return na_error_set(err, NA_ERR_PARSE, "not a newsarc entity model");
    uint32_t version = get_u32(p + 8), fversion = get_u32(p + 12);
    if (version != NA_NER_FORMAT_VERSION)
        return na_error_set(err, NA_ERR_PARSE,
                            "model format version %u is not supported (this build reads %u%s): retrain it "
                            "(make ner-model)",
                            version, NA_NER_FORMAT_VERSION, version == 1 ? ", with BILOU tags, not BIO" : "");
    if (crc32_update(0, p, len - 4) != get_u32(p + len - 4))
        return na_error_set(err, NA_ERR_CORRUPT, "model checksum mismatch");
    if (fversion != NA_NER_FEATURE_VERSION)
        return na_error_set(err, NA_ERR_PARSE,
                            "model has feature version %u but this build computes version %u: retrain it",
                            fversion, NA_NER_FEATURE_VERSION);
    uint32_t nlabels = get_u32(p + 16), bits = get_u32(p + 20), sc = get_u32(p + 24);
    uint32_t ng = get_u32(p + 28), ilen = get_u32(p + 32), nrows = get_u32(p + 36);
    float scale;
    memcpy(&scale, &sc, 4);
    size_t rows = (size_t)1 << (bits <= 26 ? bits : 0);
    if (nlabels != NLABELS || bits < 8 || bits > 26 || ng > NA_GAZETTEER_MAX_CLASSES || !isfinite(scale) ||
        scale <= 0 || nrows > rows)
        return na_error_set(err, NA_ERR_CORRUPT, "model header is inconsistent");
    size_t end = len - 4, pos = 40;
    na_ner_model_t *m = na_xcalloc(1, sizeof *m);
    m->bits = bits;
    m->scale = scale;
    m->gnames = na_xcalloc(ng ? ng : 1, sizeof *m->gnames);
    for (uint32_t i = 0; i < ng; i++) {
        if (pos >= end || p[pos] == 0 || end - pos - 1 < p[pos])
            goto corrupt;
        m->gnames[i] = na_xstrndup((const char *)p + pos + 1, p[pos]);
        m->clusters |= strcmp(m->gnames[i], CLUSTERS_CLASS) == 0;
        m->docpass |= strcmp(m->gnames[i], DOCPASS_CLASS) == 0;
        m->ngnames++;
        pos += 1 + (size_t)p[pos];
    }
    if (end - pos < ilen)
        goto corrupt;
    m->info = na_xstrndup((const char *)p + pos, ilen);
    pos += ilen;
    size_t nblocks = rows / 64;
    m->blocks = na_xcalloc(nblocks, sizeof *m->blocks);
    m->w = rows_alloc(nrows);
    rows_bias(m->w, nrows);
    size_t r = 0, next_block = 0;
    for (uint32_t i = 0; i < nrows; i++) {
        uint64_t delta, mask;
        if (!get_varint(p, end, &pos, &delta) || delta >= rows)
            goto corrupt;
        r = i == 0 ? delta : r + 1 + delta;
        if (r >= rows || !get_varint(p, end, &pos, &mask) || mask == 0 || mask >= (1u << NLABELS))
            goto corrupt;
        while (next_block <= (r >> 6))
            m->blocks[next_block++].rank = i;
        m->blocks[r >> 6].present |= 1ULL << (r & 63);
        for (unsigned l = 0; l < NLABELS; l++) {
            if (!(mask & (1u << l)))
                continue;
            uint64_t z;
            if (!get_varint(p, end, &pos, &z) || z > 65534) /* zigzag of -32767..32767 */
                goto corrupt;
            m->w[(size_t)i * WSTRIDE + wslot(l)] = wstore(l, (z & 1) ? -(int)((z + 1) >> 1) : (int)(z >> 1));
        }
    }
    while (next_block < nblocks)
        m->blocks[next_block++].rank = nrows;
    if (pos != end)
        goto corrupt;
    m->nonzero_rows = nrows;
    model_transitions(m);
    *out = m;
    na_error_clear(err);
    return NA_OK;
corrupt:
    na_ner_model_free(m);
    return na_error_set(err, NA_ERR_CORRUPT, "model data is truncated or inconsistent");
}

na_status_t na_ner_model_load(const char *path, na_ner_model_t **out, na_error_t *err)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return na_error_set(err, NA_ERR_INVALID, "no model path given");
    na_buf_t buf = NA_BUF_INIT;
    int e = na_read_file(path, &buf);
    if (e) {
        na_buf_release(&buf);
        return na_error_set(err, NA_ERR_IO, "%s: cannot read the model: %s", path, na_strerror(e));
    }
    na_status_t st = na_ner_model_load_mem(buf.data, buf.len, out, err);
    na_buf_release(&buf);
    if (st != NA_OK && err) {
        char msg[sizeof err->message];
        snprintf(msg, sizeof msg, "%s", err->message);
        na_error_set(err, st, "%s: %s", path, msg);
    }
    return st;
}

static inline int16_t clamp16(long v) { return (int16_t)(v > 32767 ? 32767 : v < -32767 ? -32767 : v); }

/* Fills Q with row R of SRC quantised at SCALE. */
typedef void quantise_fn(const void *src, size_t r, float scale, int16_t q[NLABELS]);

/* A model of 2^BITS rows of 16-bit weights, scaled so that MAXABS, the
 * largest weight kept, is the largest value; row R as QUANTISE gives it
 * from SRC, rows all zero left out.  No classes or info. */
static na_ner_model_t *model_pack(unsigned bits, double maxabs, quantise_fn *quantise, const void *src)
{
    size_t rows = (size_t)1 << bits;
    na_ner_model_t *m = na_xcalloc(1, sizeof *m);
    m->bits = bits;
    m->scale = maxabs > 0 ? (float)(maxabs / 32767.0) : 1.0f;
    m->blocks = na_xcalloc(rows / 64, sizeof *m->blocks);
    size_t cap = 1024, nr = 0;
    m->w = rows_alloc(cap);
    rows_bias(m->w, cap);
    for (size_t r = 0; r < rows; r++) {
        if ((r & 63) == 0)
            m->blocks[r >> 6].rank = (uint32_t)nr;
        int16_t q[NLABELS];
        quantise(src, r, m->scale, q);
        bool any = false;
        for (int l = 0; l < NLABELS; l++)
            any |= q[l] != 0;
        if (!any)
            continue;
        if (nr == cap) {
            int16_t *w = rows_alloc(cap * 2);
            rows_bias(w, cap * 2);
            memcpy(w, m->w, cap * ROW_BYTES);
            free(m->w);
            m->w = w;
            cap *= 2;
        }
        for (unsigned l = 0; l < NLABELS; l++)
            m->w[nr * WSTRIDE + wslot(l)] = wstore(l, q[l]);
        m->blocks[r >> 6].present |= 1ULL << (r & 63);
        nr++;
    }
    m->nonzero_rows = nr;
    m->info = na_xstrdup("");
    model_transitions(m);
    return m;
}

static void quantise_dense(const void *src, size_t r, float scale, int16_t q[NLABELS])
{
    const float *sum = src;
    for (int l = 0; l < NLABELS; l++)
        q[l] = clamp16(lrint(sum[r * NLABELS + l] / scale));
}

/* A model of 2^BITS rows whose weights are the dense table SUM (rows of
 * NLABELS), quantised to 16 bits with one scale; no classes or info. */
static na_ner_model_t *model_from_dense(unsigned bits, const float *sum)
{
    size_t rows = (size_t)1 << bits;
    double maxabs = 0;
    for (size_t i = 0; i < rows * NLABELS; i++)
        if (fabs(sum[i]) > maxabs)
            maxabs = fabs(sum[i]);
    return model_pack(bits, maxabs, quantise_dense, sum);
}

/* Adds the weights of M, scaled by 1/N, to the dense table SUM. */
static void model_add_dense(const na_ner_model_t *m, size_t n, float *sum)
{
    size_t rows = (size_t)1 << m->bits;
    for (size_t r = 0; r < rows; r++) {
        const int16_t *w = model_row(m, (uint32_t)r);
        if (w)
            for (int l = 0; l < NLABELS; l++)
                sum[r * NLABELS + l] += (float)wread(w, l) * m->scale / (float)n;
    }
}

static void model_copy_classes(na_ner_model_t *to, const na_ner_model_t *from)
{
    to->ngnames = from->ngnames;
    to->gnames = na_xcalloc(to->ngnames + 1, sizeof *to->gnames);
    for (size_t i = 0; i < to->ngnames; i++)
        to->gnames[i] = na_xstrdup(from->gnames[i]);
    to->clusters = from->clusters;
    to->docpass = from->docpass;
}

na_ner_model_t *na_ner_model_average(const na_ner_model_t *const *models, size_t n)
{
    if (n == 0 || !models || !models[0])
        return NULL;
    unsigned bits = models[0]->bits;
    for (size_t k = 1; k < n; k++)
        if (!models[k] || models[k]->bits != bits)
            return NULL;
    size_t rows = (size_t)1 << bits;
    float *sum = na_xcalloc(rows * NLABELS, sizeof *sum);
    for (size_t k = 0; k < n; k++)
        model_add_dense(models[k], n, sum);
    na_ner_model_t *m = model_from_dense(bits, sum);
    free(sum);
    model_copy_classes(m, models[0]);
    return m;
}

/* ---- tagging ---- */

/* Whether the token summarised by P is a word in lower case. */
static inline bool lower_word(const ptok_t *p) { return (p->caseb & CB_ALPHA) && !(p->caseb & CB_UPPER); }

/* Whether the token T of TEXT is a comma, a colon or a semicolon. */
static inline bool separator(const unsigned char *text, const na_token_t *t)
{
    return t->end - t->start == 1 && (text[t->start] == ',' || text[t->start] == ':' || text[t->start] == ';');
}

/* Appends the spans of the tags LAB (margins MARGIN) of tokens [A, B) of
 * TEXT, summarised by P. */

static void collect_spans(const unsigned char *text, const na_token_t *toks, size_t a, size_t b, const uint8_t *lab,
                          const float *margin, const ptok_t *p, na_ner_spans_t *out)
{
    size_t i = a;
    while (i < b) {
        int l = lab[i - a];
        if (l == 0) {
            i++;
            continue;
        }
        int type = label_type(l);
        size_t j = i + 1;
        float sum = margin[i - a];
        /* The decoder keeps the tags well formed; a stray I- or L- would
         * still only continue an open name of its type. */
        while (j < b && label_open(lab[j - 1 - a]) && label_cont(lab[j - a]) && label_type(lab[j - a]) == type)
            sum += margin[j++ - a];
        /* A name does not end on a word in lower case, or on a comma, a
         * colon or a semicolon: a tag sequence that must close a name
         * somewhere can close it one token late ("Connecticut and",
         * "Butcher and Singer said", "Nexa, the alliance").  (A full stop
         * or a bracket may end one: "Colo.", "Mladost (L)".) */
        size_t e = j;
        while (e > i + 1 && (lower_word(&p[e - 1 - a]) || separator(text, &toks[e - 1])))
            sum -= margin[--e - a];
        na_ner_span_t s = { (na_ner_type_t)type, i, e, toks[i].start, toks[e - 1].end, sum / (float)(e - i) };
        na_ner_spans_push(out, s);
        i = j;
    }
}

/* ---- decoding ----
 * The tags of a sentence are chosen together, by a beam over the
 * decoder's states (the last tag): at each token the NER_BEAM best tags
 * so far are extended by every tag allowed after them, each scored by the
 * token's static scores plus the scores of the features that depend on
 * the previous tag.  Choosing left to right one tag at a time cannot see
 * that a name goes on ("José Luis Rodríguez Zapatero" closed after
 * "Rodríguez"), and the constraints of tag_allowed() keep every name
 * whole: no I- or L- without its B-, and none left open at the end.
 * Tagging also drops the tags that trail the best by more than NER_PRUNE
 * (most tokens of prose then expand one tag), keeping the best tag that
 * closes a name: a beam of open names alone could only run on. */

/* The number of the lowest bit set of X (not 0). */
static inline int lowest_bit(uint32_t x)
{
#if defined(__GNUC__)
    return __builtin_ctz(x);
#else
    int b = 0;
    while (!(x & 1))
        x >>= 1, b++;
    return b;
#endif
}

/* Adds to SCORE (NLABELS) the scores of the features of token I of the
 * sentence that depend on the previous tag PREV. */
typedef void dyn_fn(void *ud, size_t i, int prev, float *score);

/* Tags the N tokens (1..d->cap) whose static scores are STAT (N rows of
 * NLABELS) into OUT, with each tag's margin over the best other tag
 * allowed after its predecessor (negative where the sequence overruled
 * the local choice) into MARGIN, in score units. */
static void decode(size_t n, const float *stat, dyn_fn *dyn, void *ud, float prune, dec_t *d, uint8_t *out,
                   float *margin)
{
    int cur[NLABELS];
    float cs[NLABELS], best[NLABELS];
    size_t nc = 1;
    cur[0] = TAG_START;
    cs[0] = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t *bp = d->bp + i * NLABELS;
        float *mg = d->mg + i * NLABELS;
        /* Bit l: best[l] is set (scores are finite, so this is what
         * best[l] > -INFINITY would say). */
        uint32_t set = 0;
        for (size_t k = 0; k < nc; k++) {
            int p = cur[k];
            float sc[NLABELS];
            memcpy(sc, stat + i * NLABELS, sizeof sc);
            dyn(ud, i, p, sc);
            /* The tags allowed after P (tag_allowed()). */
            static const uint8_t after_closed[] = { 0, 1, 4, 5, 8, 9, 12, 13, 16 };
            uint8_t after_open[2];
            const uint8_t *next = after_closed;
            size_t nn = sizeof after_closed;
            if (label_open(p)) {
                after_open[0] = (uint8_t)label_of(label_type(p), P_I);
                after_open[1] = (uint8_t)label_of(label_type(p), P_L);
                next = after_open, nn = 2;
            }
            float b1 = -INFINITY, b2 = -INFINITY;
            int l1 = -1;
            for (size_t j = 0; j < nn; j++) {
                int l = next[j];
                if (sc[l] > b1)
                    b2 = b1, b1 = sc[l], l1 = l;
                else if (sc[l] > b2)
                    b2 = sc[l];
            }
            for (size_t j = 0; j < nn; j++) {
                int l = next[j];
                if (i + 1 == n && label_open(l))
                    continue;
                float v = cs[k] + sc[l];
                if (!(set >> l & 1) || v > best[l]) {
                    set |= 1u << l;
                    best[l] = v;
                    bp[l] = (uint8_t)p;
                    mg[l] = l == l1 ? sc[l] - b2 : sc[l] - b1;
                }
            }
        }
        /* The next beam: the best NER_BEAM tags, best first. */
        nc = 0;
        for (; set; set &= set - 1) {
            int l = lowest_bit(set);
            size_t at = nc < NER_BEAM ? nc++ : NER_BEAM;
            if (at == NER_BEAM && best[l] <= cs[NER_BEAM - 1])
                continue;
            if (at == NER_BEAM)
                at = NER_BEAM - 1;
            while (at > 0 && cs[at - 1] < best[l]) {
                cur[at] = cur[at - 1], cs[at] = cs[at - 1];
                at--;
            }
            cur[at] = l, cs[at] = best[l];
        }
        /* Tags trailing the best by more than PRUNE are dropped, but for
         * the best one that closes a name: without it a beam of open
         * names could only go on. */
        size_t keep = 1;
        bool closed = !label_open(cur[0]);
        for (size_t k = 1; k < nc; k++) {
            bool c = !label_open(cur[k]);
            if (cs[k] >= cs[0] - prune || (c && !closed)) {
                cur[keep] = cur[k], cs[keep] = cs[k];
                keep++;
            }
            closed |= c;
        }
        nc = keep;

    }
    int l = cur[0];
    for (size_t i = n; i-- > 0;) {
        out[i] = (uint8_t)l;
        margin[i] = d->mg[i * NLABELS + l];
        l = d->bp[i * NLABELS + l];
    }
}

/* A row of weights of zero, biased as stored (wstore()). */
static const int16_t zero_row[WSTRIDE] __attribute__((aligned(ROW_BYTES))) = {
    INT16_MIN, 0, INT16_MIN, 0, INT16_MIN, 0, INT16_MIN, 0, INT16_MIN, 0, INT16_MIN, 0, INT16_MIN, 0, INT16_MIN, 0
};

/* The row of feature F, or zero_row when it is not stored: a lookup that
 * does not branch on it, so that the loads of successive features
 * overlap. */
static inline const int16_t *row_or_zero(const na_ner_model_t *m, uint64_t f)
{
    uint32_t rr = bucket(f, m->bits);
    const block_t *b = &m->blocks[rr >> 6];
    uint64_t bit = 1ULL << (rr & 63);
    return (b->present & bit) ? m->w + (size_t)(b->rank + popcount64(b->present & (bit - 1))) * WSTRIDE : zero_row;
}

/* Finds the rows of the N features F into ROWS and asks the cache for
 * them, so that the sum_rows() that follows finds them there: most rows
 * of a rare word's features are beyond L2, and the first pass sums one
 * token's rows before it knows the next token's features, so without
 * this their loads would not overlap. */
static inline void find_rows(const na_ner_model_t *m, const uint64_t *f, size_t n, const int16_t **rows)
{
    for (size_t k = 0; k < n; k++) {
        rows[k] = row_or_zero(m, f[k]);
        __builtin_prefetch(rows[k]);
    }
}

/* Adds the N rows ROWS to ACC. */
static inline void sum_rows(const int16_t *const *rows, size_t n, int32_t *acc)
{
    /* A row is one aligned cache line of int16.  Read as 32-bit lanes,
     * lane x holds label L in its low half and L + 8 in its high half:
     * x = 65536 * hi + lo exactly, so summing x (wrapping) and x >> 16
     * (arithmetic) gives the sums of hi and of
     * lo = sum(x) - 65536 * sum(hi) - 32768 * n (lo is stored biased, as
     * unsigned: wstore()), exact modulo 2^32 and small.
     * Three vector operations per eight weights, with no widening.  The
     * vector types may alias the int16 rows they read. */
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    typedef uint32_t vu_t __attribute__((vector_size(16), may_alias));
    typedef int32_t v4_t __attribute__((vector_size(16), may_alias));
    vu_t x0 = { 0 }, x1 = x0;
    v4_t h0 = { 0 }, h1 = h0;
    int32_t a16 = 0;
    for (size_t k = 0; k < n; k++) {
        const v4_t *r = (const v4_t *)rows[k];
        v4_t r0 = r[0], r1 = r[1];
        x0 += (vu_t)r0, x1 += (vu_t)r1;
        h0 += r0 >> 16, h1 += r1 >> 16;
        a16 += ((const int16_t *)r)[16];
    }
    uint32_t bias = (uint32_t)n * 32768u;
    vu_t l0 = x0 - ((vu_t)h0 << 16) - bias, l1 = x1 - ((vu_t)h1 << 16) - bias;
    /* ACC (NLABELS, any alignment) is added to four at a time as well:
     * the plain loop is not vectorised either. */
    const v4_t s[4] = { (v4_t)l0, (v4_t)l1, h0, h1 };
    for (int l = 0; l < 16; l += 4) {
        v4_t v;
        memcpy(&v, acc + l, 16);
        v += s[l / 4];
        memcpy(acc + l, &v, 16);
    }
    acc[16] += a16;
#else
    int32_t sum[NLABELS] = { 0 };
    for (size_t k = 0; k < n; k++) {
        const int16_t *r = rows[k];
        for (unsigned l = 0; l < NLABELS; l++)
            sum[l] += wread(r, l);
    }
    for (int l = 0; l < NLABELS; l++)
        acc[l] += sum[l];
#endif
}

/* The rows of one token's features on their way to the cache while the
 * previous token's are summed: the first pass and the document pass go
 * through a sentence piece token by token with one (see find_rows()). */
typedef struct {
    const int16_t *rows[2][MAX_FEATS];
    size_t n[2];
} row_pipe_t;

/* Finds token I's N rows of the features F and asks the cache for them. */
static inline void pipe_fetch(row_pipe_t *p, const na_ner_model_t *m, size_t i, const uint64_t *f, size_t n)
{
    p->n[i & 1] = n;
    find_rows(m, f, n, p->rows[i & 1]);
}

/* Adds token I's rows, fetched before, to ACC. */
static inline void pipe_sum(const row_pipe_t *p, size_t i, int32_t *acc) { sum_rows(p->rows[i & 1], p->n[i & 1], acc); }

/* Adds the rows of the N features F to ACC. */
static inline void add_rows(const na_ner_model_t *m, const uint64_t *f, size_t n, int32_t *acc)
{
    const int16_t *rows[MAX_FEATS];
    for (size_t k = 0; k < n; k++)
        rows[k] = row_or_zero(m, f[k]);
    sum_rows(rows, n, acc);
}

/* OUT[l] = BASE[l] + ACC[l] for the NLABELS labels (OUT may be BASE).
 * Four at a time where the compiler has vectors: each lane converts and
 * adds in single precision as the plain loop does, so the sums are the
 * same to the bit. */
static inline void add_scores(float *out, const float *base, const int32_t *acc)
{
    int l = 0;
#if defined(__GNUC__)
    typedef int32_t v4i_t __attribute__((vector_size(16)));
    typedef float v4f_t __attribute__((vector_size(16)));
    for (; l + 4 <= NLABELS; l += 4) {
        v4i_t a;
        v4f_t b;
        memcpy(&a, acc + l, 16);
        memcpy(&b, base + l, 16);
        b += __builtin_convertvector(a, v4f_t);
        memcpy(out + l, &b, 16);
    }
#endif
    for (; l < NLABELS; l++)
        out[l] = base[l] + (float)acc[l];
}

/* OUT[l] = ACC[l] for the NLABELS labels, as add_scores() converts. */
static inline void to_scores(float *out, const int32_t *acc)
{
    int l = 0;
#if defined(__GNUC__)
    typedef int32_t v4i_t __attribute__((vector_size(16)));
    typedef float v4f_t __attribute__((vector_size(16)));
    for (; l + 4 <= NLABELS; l += 4) {
        v4i_t a;
        memcpy(&a, acc + l, 16);
        v4f_t b = __builtin_convertvector(a, v4f_t);
        memcpy(out + l, &b, 16);
    }
#endif
    for (; l < NLABELS; l++)
        out[l] = (float)acc[l];
}

/* Fills M's table of the previous-tag feature's weights. */
static void model_transitions(na_ner_model_t *m)
{
    for (int p = 0; p <= NLABELS; p++) {
        uint64_t f = f1(T_T1, (uint64_t)p);
        memset(m->trans[p], 0, sizeof m->trans[p]);
        add_rows(m, &f, 1, m->trans[p]);
    }
}

/* The tagger's previous-tag features, for decode(). */
typedef struct {
    const na_ner_model_t *m;
    const ptok_t *p;     /* the sentence's tokens */
    const unsigned *hv;  /* their history values */
} tagdyn_t;

static void tag_dyn(void *ud, size_t i, int prev, float *score)
{
    const tagdyn_t *t = ud;
    uint64_t f[2];
    int32_t acc[NLABELS];
    memcpy(acc, t->m->trans[prev], sizeof acc);
    add_rows(t->m, f, prev_word_feats(&t->p[i], prev, f), acc);
    add_scores(score, score, acc);
}

/* End of the chunk of whole sentence pieces that starts at token A. */
static size_t chunk_end(const na_token_t *toks, size_t ntoks, size_t a)
{
    size_t b = a;
    while (b < ntoks && b - a < MAX_CHUNK)
        b = sentence_end(toks, ntoks, b);
    return b;
}

/* Scratch for one chunk of a document, indexed from the chunk's first
 * token: what the first pass leaves for the document pass. */
typedef struct {
    float (*sscore)[NLABELS];   /* static scores, in the model's units */
    uint8_t *lab, *lab1;        /* tags; the first pass's, kept by the second */
    float *margin;
    ptok_t *p;
    docmap_t cnt, hist;         /* first-pass tags of each word; second-pass history */
} chunk_t;

static void chunk_init(chunk_t *k, size_t cap)
{
    memset(k, 0, sizeof *k);
    cap = cap ? cap : 1;
    k->sscore = na_xmalloc(cap * sizeof *k->sscore);
    k->lab = na_xmalloc(cap);
    k->lab1 = na_xmalloc(cap);
    k->margin = na_xmalloc(cap * sizeof *k->margin);
    k->p = na_xmalloc(cap * sizeof *k->p);
}

static void chunk_release(chunk_t *k)
{
    free(k->sscore);
    free(k->lab);
    free(k->lab1);
    free(k->margin);
    free(k->p);
    free(k->cnt.e);
    free(k->hist.e);
}

/* Tags the N tokens of K from O, a sentence piece whose static scores
 * (with whatever the caller added) are STAT (scratch: the history's
 * features are added to it), with the history HIST of the decisions
 * before it, which it then extends. */
static void tag_sentence(const na_ner_model_t *model, docmap_t *hist, chunk_t *k, size_t o, size_t n,
                         float *stat, dec_t *d)
{
    uint64_t f[2];
    for (size_t i = 0; i < n; i++) {
        unsigned hv = hist_value(hist, &k->p[o + i]);
        int32_t acc[NLABELS] = { 0 };
        add_rows(model, f, hist_feats(&k->p[o + i], hv, f), acc);
        add_scores(stat + i * NLABELS, stat + i * NLABELS, acc);
    }
    tagdyn_t ud = { model, k->p + o, NULL };
    decode(n, stat, tag_dyn, &ud, NER_PRUNE / model->scale, d, k->lab + o, k->margin + o);
    for (size_t i = 0; i < n; i++) {
        k->margin[o + i] *= model->scale;
        hist_record(hist, &k->p[o + i], k->lab[o + i]);
    }
}

/* The first pass over the tokens [CA, CB) (whole sentence pieces) into K:
 * static scores, tags and margins, and each token's summary. */
static void first_pass(const na_ner_model_t *model, ctx_t *c, const unsigned char *s, const na_token_t *toks,
                       size_t ca, size_t cb, chunk_t *k)
{
    uint64_t f[MAX_FEATS];
    row_pipe_t pipe;
    doc_prepass(c, s, toks + ca, cb - ca);
    for (size_t a = ca; a < cb;) {
        size_t b = ca + sentence_end(toks + ca, cb - ca, a - ca);
        size_t n = b - a, o = a - ca;
        sentence_prepare(c, c->an + o, n);
        pipe_fetch(&pipe, model, 0, f, static_feats(c, 0, f, NULL));
        for (size_t i = 0; i < n; i++) {
            if (i + 1 < n)
                pipe_fetch(&pipe, model, i + 1, f, static_feats(c, i + 1, f, NULL));
            int32_t acc[NLABELS] = { 0 };
            pipe_sum(&pipe, i, acc);
            to_scores(k->sscore[o + i], acc);
            k->p[o + i] = ptok_of(c->ti + PAD + i, i == 0, c->caps);
        }
        memcpy(c->dec.stat, k->sscore[o], n * sizeof *k->sscore);
        tag_sentence(model, &c->map, k, o, n, c->dec.stat, &c->dec);
        a = b;
    }
}

/* Counts the first-pass tags of each word of the N tokens of K, and keeps
 * them in k->lab1. */
static void count_first_tags(chunk_t *k, size_t n)
{
    docmap_reset(&k->cnt, n);
    for (size_t i = 0; i < n; i++) {
        const ptok_t *p = &k->p[i];
        if (!(p->caseb & CB_UPPER))
            continue;
        hist_record(&k->cnt, p, k->lab[i]);
        dent_t *d = docmap_get(&k->cnt, p->hl);
        unsigned t = (unsigned)(label_type(k->lab[i]) + 1), b = margin_bucket(k->margin[i]) + 1u;
        if (d->conf[t] < b)
            d->conf[t] = (uint8_t)b;
    }
    memcpy(k->lab1, k->lab, n);
}

/* End of the sentence piece of the N tokens of K that starts at A. */
static size_t piece_end(const chunk_t *k, size_t n, size_t a)
{
    size_t b = a + 1;
    while (b < n && !k->p[b].start)
        b++;
    return b;
}

/* The document pass over the N tokens of K after the first: each
 * sentence is tagged again from its static scores, the decisions before
 * it, and the first pass's tags of the same word anywhere in the chunk. */
static void doc_pass(const na_ner_model_t *model, chunk_t *k, size_t n, dec_t *d)
{
    uint64_t f[MAX_FEATS];
    row_pipe_t pipe;
    count_first_tags(k, n);
    docmap_reset(&k->hist, n);
    for (size_t a = 0; a < n;) {
        size_t b = piece_end(k, n, a);
        pipe_fetch(&pipe, model, a, f, doc_feats(&k->cnt, &k->p[a], k->lab1[a], k->margin[a], f));
        for (size_t i = a; i < b; i++) {
            if (i + 1 < b)
                pipe_fetch(&pipe, model, i + 1, f,
                           doc_feats(&k->cnt, &k->p[i + 1], k->lab1[i + 1], k->margin[i + 1], f));
            int32_t acc[NLABELS] = { 0 };
            pipe_sum(&pipe, i, acc);
            add_scores(d->stat + (i - a) * NLABELS, k->sscore[i], acc);
        }
        tag_sentence(model, &k->hist, k, a, b - a, d->stat, d);
        a = b;
    }
}

na_status_t na_ner_tag(const na_ner_model_t *model, const na_gazetteer_t *gaz, const char *text,
                       size_t len, const na_token_t *toks, size_t ntoks, na_ner_spans_t *out,
                       na_error_t *err)
{
    if (!model || !out)
        return na_error_set(err, NA_ERR_INVALID, "no model or span array given");
    out->count = 0;
    if (ntoks && (!toks || !text))
        return na_error_set(err, NA_ERR_INVALID, "no text or tokens given");
    if (ntoks == 0) {
        na_error_clear(err);
        return NA_OK;
    }
    const unsigned char *s = (const unsigned char *)text;
    na_status_t st = NA_OK;
    ctx_t c;
    /* A chunk ends with the sentence piece that reaches MAX_CHUNK. */
    size_t cap = ntoks < MAX_CHUNK + MAX_SENT ? ntoks : MAX_CHUNK + MAX_SENT;
    ctx_init(&c, gaz, ntoks, cap);
    c.clusters &= model->clusters;
    chunk_t k;
    chunk_init(&k, cap);
    for (size_t ca = 0; ca < ntoks;) {
        size_t cb = chunk_end(toks, ntoks, ca);
        /* Checked a chunk at a time, while the tokens are in cache. */
        for (size_t i = ca; i < cb; i++)
            if (toks[i].start >= toks[i].end || toks[i].end > len) {
                st = na_error_set(err, NA_ERR_INVALID, "token %zu lies outside the text", i);
                out->count = 0;
                goto done;
            }
        first_pass(model, &c, s, toks, ca, cb, &k);
        if (model->docpass)
            doc_pass(model, &k, cb - ca, &c.dec);
        for (size_t a = ca; a < cb;) {
            size_t b = ca + sentence_end(toks + ca, cb - ca, a - ca);
            collect_spans(s, toks, a, b, k.lab + (a - ca), k.margin + (a - ca), k.p + (a - ca), out);
            a = b;
        }
        ca = cb;
    }
    na_error_clear(err);
done:
    chunk_release(&k);
    ctx_release(&c);
    return st;
}

/* ---- training ---- */

/* A training document, digested: the static feature rows of each token
 * and what the dynamic features need. */
typedef struct {
    size_t ntok;
    uint32_t *foff;  /* ntok + 1 offsets into feats */
    uint32_t *feats; /* static feature rows, gazetteer ones last */
    uint8_t *ngaz;   /* how many of a token's rows are gazetteer features */
    ptok_t *p;       /* token summaries */
    uint8_t *start;  /* the token starts a sentence piece */
    uint8_t *gold;   /* gold tags */
} tdoc_t;

/* Checks a training document of NTOKS tokens (at most MAX_CHUNK) inside
 * its LEN bytes and its NGOLD gold spans, in order, over them. */
static na_status_t check_training_doc(size_t len, const na_token_t *toks, size_t ntoks, const na_ner_span_t *gold,
                                      size_t ngold, na_error_t *err)
{
    if (ntoks > MAX_CHUNK)
        return na_error_set(err, NA_ERR_INVALID, "a training document has more than %d tokens", MAX_CHUNK);
    for (size_t i = 0; i < ntoks; i++)
        if (toks[i].start >= toks[i].end || toks[i].end > len)
            return na_error_set(err, NA_ERR_INVALID, "token %zu lies outside the text", i);
    size_t prev_end = 0;
    for (size_t i = 0; i < ngold; i++) {
        const na_ner_span_t *g = &gold[i];
        if (g->tok_start < prev_end || g->tok_start >= g->tok_end || g->tok_end > ntoks ||
            (unsigned)g->type >= NA_NER_NTYPES)
            return na_error_set(err, NA_ERR_INVALID, "gold span %zu is out of range or order", i);
        prev_end = g->tok_end;
    }
    return NA_OK;
}

/* The gold label of each of NTOKS tokens.  Caller owns; free with free(). */
static uint8_t *gold_labels(const na_ner_span_t *gold, size_t ngold, size_t ntoks)
{
    uint8_t *lab = na_xcalloc(ntoks ? ntoks : 1, 1);
    for (size_t i = 0; i < ngold; i++)
        for (size_t k = gold[i].tok_start; k < gold[i].tok_end; k++) {
            bool first = k == gold[i].tok_start, last = k + 1 == gold[i].tok_end;
            lab[k] = (uint8_t)label_of(gold[i].type, first && last ? P_U : first ? P_B : last ? P_L : P_I);
        }
    return lab;
}

/* Averaged-perceptron weights, shared by the trainer and the stacker. */
typedef struct {
    float *w;   /* current weights, 2^bits rows of NLABELS */
    double *u;  /* sum of c * update of each weight, for averaging */
    uint64_t c; /* updates so far, plus one */
} perc_t;

static void perc_init(perc_t *p, unsigned bits)
{
    size_t n = ((size_t)1 << bits) * NLABELS;
    p->w = na_xcalloc(n, sizeof *p->w);
    p->u = na_xcalloc(n, sizeof *p->u);
    p->c = 1;
}

static void perc_release(perc_t *p)
{
    free(p->w);
    free(p->u);
}

/* The averaged value of weight I. */
static inline double perc_avg(const perc_t *p, size_t i) { return (double)p->w[i] - p->u[i] / (double)p->c; }

static uint64_t rng_next(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 0x2545f4914f6cdd1dULL;
}

/* The order in which an epoch visits N documents, which depends on SEED
 * and EPOCH only; *RNG is left for the epoch's other draws.  Caller owns;
 * free with free(). */
static size_t *epoch_order(uint64_t seed, unsigned epoch, size_t n, uint64_t *rng)
{
    size_t *order = na_xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    *rng = na_hash64_mix(seed ^ (0x9e3779b97f4a7c15ULL * (epoch + 1))) | 1;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(rng_next(rng) % i);
        size_t x = order[i - 1];
        order[i - 1] = order[j];
        order[j] = x;
    }
    return order;
}

static inline void score_rows(const perc_t *p, const uint32_t *rows, size_t n, float *score)
{
    for (size_t k = 0; k < n; k++) {
        const float *r = p->w + (size_t)rows[k] * NLABELS;
        for (int l = 0; l < NLABELS; l++)
            score[l] += r[l];
    }
}

/* The perceptron update: the rows of the features move towards GOLD and
 * away from PRED; U remembers when, for averaging. */
static void update(perc_t *p, const uint32_t *rows, size_t n, int gold, int pred)
{
    const double c = (double)p->c;
    for (size_t k = 0; k < n; k++) {
        size_t base = (size_t)rows[k] * NLABELS;
        p->w[base + gold] += 1.0f;
        p->u[base + gold] += c;
        p->w[base + pred] -= 1.0f;
        p->u[base + pred] -= c;
    }
}

/* Half an update: the rows of the features move by DELTA for LABEL. */
static void update1(perc_t *p, const uint32_t *rows, size_t n, int label, float delta)
{
    const double c = (double)p->c * delta;
    for (size_t k = 0; k < n; k++) {
        size_t base = (size_t)rows[k] * NLABELS + (size_t)label;
        p->w[base] += delta;
        p->u[base] += c;
    }
}

/* The previous-tag features under training weights, for decode(). */
typedef struct {
    const perc_t *p;
    unsigned bits;
    const ptok_t *t;    /* the sentence's tokens */
    const unsigned *hv; /* their history values */
} trdyn_t;

/* The rows of the previous-tag features of token T after PREV into ROWS. */
static size_t dyn_rows(const ptok_t *t, int prev, unsigned hist, unsigned bits, uint32_t *rows)
{
    uint64_t f[16];
    size_t nd = dynamic_feats(t, prev, hist, f);
    for (size_t k = 0; k < nd; k++)
        rows[k] = bucket(f[k], bits);
    return nd;
}

static void train_dyn(void *ud, size_t i, int prev, float *score)
{
    const trdyn_t *t = ud;
    uint32_t rows[16];
    score_rows(t->p, rows, dyn_rows(&t->t[i], prev, t->hv[i], t->bits, rows), score);
}

struct na_ner_trainer {
    unsigned bits;
    const na_gazetteer_t *gaz;
    uint64_t seed;
    perc_t p;
    tdoc_t *docs;
    size_t ndocs, cap;
};

na_ner_trainer_t *na_ner_trainer_create(unsigned hash_bits, const na_gazetteer_t *gaz, uint64_t seed)
{
    if (hash_bits < 8 || hash_bits > 26)
        return NULL;
    na_ner_trainer_t *tr = na_xcalloc(1, sizeof *tr);
    tr->bits = hash_bits;
    tr->gaz = gaz;
    tr->seed = seed;
    perc_init(&tr->p, hash_bits);
    return tr;
}

void na_ner_trainer_reseed(na_ner_trainer_t *tr, uint64_t seed)
{
    if (!tr)
        return;
    size_t n = ((size_t)1 << tr->bits) * NLABELS;
    memset(tr->p.w, 0, n * sizeof *tr->p.w);
    memset(tr->p.u, 0, n * sizeof *tr->p.u);
    tr->p.c = 1;
    tr->seed = seed;
}

void na_ner_trainer_free(na_ner_trainer_t *tr)
{
    if (!tr)
        return;
    for (size_t i = 0; i < tr->ndocs; i++) {
        tdoc_t *d = &tr->docs[i];
        free(d->foff);
        free(d->feats);
        free(d->ngaz);
        free(d->p);
        free(d->start);
        free(d->gold);
    }
    free(tr->docs);
    perc_release(&tr->p);
    free(tr);
}

na_status_t na_ner_trainer_add(na_ner_trainer_t *tr, const char *text, size_t len, const na_token_t *toks,
                               size_t ntoks, const na_ner_span_t *gold, size_t ngold, na_error_t *err)
{
    if (!tr || (ntoks && (!toks || !text)) || (ngold && !gold))
        return na_error_set(err, NA_ERR_INVALID, "no trainer, text, tokens or spans given");
    na_status_t status = check_training_doc(len, toks, ntoks, gold, ngold, err);
    if (status != NA_OK)
        return status;
    if (tr->ndocs == tr->cap) {
        tr->cap = tr->cap ? tr->cap * 2 : 64;
        tr->docs = na_xrealloc(tr->docs, tr->cap * sizeof *tr->docs);
    }
    tdoc_t *d = &tr->docs[tr->ndocs++];
    size_t nt = ntoks ? ntoks : 1;
    d->ntok = ntoks;
    d->foff = na_xmalloc((ntoks + 1) * sizeof *d->foff);
    d->p = na_xcalloc(nt, sizeof *d->p);
    d->ngaz = na_xcalloc(nt, 1);
    d->start = na_xcalloc(nt, 1);
    d->gold = gold_labels(gold, ngold, ntoks);
    na_buf_t feats = NA_BUF_INIT;
    const unsigned char *s = (const unsigned char *)text;
    ctx_t c;
    ctx_init(&c, tr->gaz, ntoks, ntoks);
    doc_prepass(&c, s, toks, ntoks);
    uint64_t f[MAX_FEATS];
    size_t nf_total = 0;
    for (size_t a = 0; a < ntoks;) {
        size_t b = sentence_end(toks, ntoks, a);
        sentence_prepare(&c, c.an + a, b - a);
        d->start[a] = 1;
        for (size_t i = 0; i < b - a; i++) {
            d->p[a + i] = ptok_of(&c.ti[PAD + i], i == 0, c.caps);
            d->foff[a + i] = (uint32_t)nf_total;
            size_t ng;
            size_t nf = static_feats(&c, i, f, &ng);
            d->ngaz[a + i] = (uint8_t)(ng < 255 ? ng : 255);
            nf -= ng - d->ngaz[a + i];
            for (size_t k = 0; k < nf; k++) {
                uint32_t r = bucket(f[k], tr->bits);
                na_buf_add(&feats, &r, sizeof r);
            }
            nf_total += nf;
        }
        a = b;
    }
    d->foff[ntoks] = (uint32_t)nf_total;
    d->feats = (uint32_t *)na_buf_detach(&feats, NULL);
    ctx_release(&c);
    return NA_OK;
}

size_t na_ner_trainer_epoch(na_ner_trainer_t *tr, unsigned epoch)
{
    if (!tr)
        return 0;
    uint64_t rng;
    size_t *order = epoch_order(tr->seed, epoch, tr->ndocs, &rng);
    docmap_t map = { NULL, 0, 0 };
    size_t errors = 0;
    uint32_t dyn[16];
    dec_t dec;
    dec_init(&dec, MAX_SENT);
    uint8_t *pred = na_xmalloc(MAX_SENT);
    float *marg = na_xmalloc(MAX_SENT * sizeof *marg);
    for (size_t di = 0; di < tr->ndocs; di++) {
        const tdoc_t *d = &tr->docs[order[di]];
        docmap_reset(&map, d->ntok);
        /* Gazetteer dropout: some documents are seen without gazetteer
         * features, so that the model does not lean on them alone and
         * still works when they are missing or changed. */
        bool nogaz = (rng_next(&rng) >> 11) % 1000 < GAZ_DROPOUT_PERMILLE;
        /* The structured perceptron, a sentence piece at a time: decode
         * as tagging does, then move the weights of the features of each
         * token whose tag or previous tag differ from the gold ones. */
        for (size_t a = 0; a < d->ntok;) {
            size_t b = a + 1;
            while (b < d->ntok && !d->start[b])
                b++;
            size_t n = b - a;
            for (size_t i = 0; i < n; i++) {
                float *sc = dec.stat + i * NLABELS;
                memset(sc, 0, NLABELS * sizeof *sc);
                const uint32_t *rows = d->feats + d->foff[a + i];
                size_t nr = d->foff[a + i + 1] - d->foff[a + i] - (nogaz ? d->ngaz[a + i] : 0);
                score_rows(&tr->p, rows, nr, sc);
                dec.hv[i] = hist_value(&map, &d->p[a + i]);
            }
            trdyn_t ud = { &tr->p, tr->bits, d->p + a, dec.hv };
            decode(n, dec.stat, train_dyn, &ud, INFINITY, &dec, pred, marg);
            for (size_t i = 0; i < n; i++) {
                int gold = d->gold[a + i], got = pred[i];
                int gprev = i ? d->gold[a + i - 1] : TAG_START, pprev = i ? pred[i - 1] : TAG_START;
                if (got != gold) {
                    errors++;
                    const uint32_t *rows = d->feats + d->foff[a + i];
                    size_t nr = d->foff[a + i + 1] - d->foff[a + i] - (nogaz ? d->ngaz[a + i] : 0);
                    update(&tr->p, rows, nr, gold, got);
                }
                if (got != gold || gprev != pprev) {
                    update1(&tr->p, dyn, dyn_rows(&d->p[a + i], gprev, dec.hv[i], tr->bits, dyn), gold, 1.0f);
                    update1(&tr->p, dyn, dyn_rows(&d->p[a + i], pprev, dec.hv[i], tr->bits, dyn), got, -1.0f);
                }
                tr->p.c++;
            }
            for (size_t i = 0; i < n; i++)
                hist_record(&map, &d->p[a + i], pred[i]);
            a = b;
        }
    }
    free(pred);
    free(marg);
    dec_release(&dec);
    free(map.e);
    free(order);
    return errors;
}

/* The trainer's averaged weights, those smaller than PRUNE dropped. */
typedef struct {
    const na_ner_trainer_t *tr;
    float prune;
} averaged_t;

static void quantise_averaged(const void *src, size_t r, float scale, int16_t q[NLABELS])
{
    const averaged_t *av = src;
    for (int l = 0; l < NLABELS; l++) {
        double a = perc_avg(&av->tr->p, r * NLABELS + l);
        q[l] = clamp16(fabs(a) < av->prune ? 0 : lrint(a / scale));
    }
}

na_ner_model_t *na_ner_trainer_model(const na_ner_trainer_t *tr, float prune, const char *info)
{
    if (!tr)
        return NULL;
    size_t n = ((size_t)1 << tr->bits) * NLABELS;
    /* Average, drop small weights, quantise to 16 bits with one scale. */
    double maxabs = 0;
    for (size_t i = 0; i < n; i++) {
        double a = fabs(perc_avg(&tr->p, i));
        if (a >= prune && a > maxabs)
            maxabs = a;
    }
    averaged_t av = { tr, prune };
    na_ner_model_t *m = model_pack(tr->bits, maxabs, quantise_averaged, &av);
    const na_gazetteer_t *g = tr->gaz;
    m->ngnames = g ? g->nclasses : 0;
    m->clusters = g && g->cused;
    m->gnames = na_xcalloc(m->ngnames + 1, sizeof *m->gnames);
    for (size_t i = 0; i < m->ngnames; i++)
        m->gnames[i] = na_xstrdup(g->names[i]);
    if (m->clusters)
        m->gnames[m->ngnames++] = na_xstrdup(CLUSTERS_CLASS);
    na_ner_model_set_info(m, info);
    return m;
}

/* ---- training the document pass ---- */

/* A training document as a first-pass model saw it. */
typedef struct {
    const na_ner_model_t *m; /* the first-pass model that tagged it */
    size_t n;
    chunk_t k;               /* static scores, summaries, first-pass tags */
    uint8_t *gold;
} sdoc_t;

struct na_ner_stacker {
    unsigned bits;
    uint64_t seed;
    perc_t p;   /* document-pass weights */
    sdoc_t *docs;
    size_t ndocs, cap;
};

na_ner_stacker_t *na_ner_stacker_create(unsigned hash_bits, uint64_t seed)
{
    if (hash_bits < 8 || hash_bits > 26)
        return NULL;
    na_ner_stacker_t *st = na_xcalloc(1, sizeof *st);
    st->bits = hash_bits;
    st->seed = seed;
    perc_init(&st->p, hash_bits);
    return st;
}

void na_ner_stacker_free(na_ner_stacker_t *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->ndocs; i++) {
        chunk_release(&st->docs[i].k);
        free(st->docs[i].gold);
    }
    free(st->docs);
    perc_release(&st->p);
    free(st);
}

na_status_t na_ner_stacker_add(na_ner_stacker_t *st, const na_ner_model_t *first, const na_gazetteer_t *gaz,
                               const char *text, size_t len, const na_token_t *toks, size_t ntoks,
                               const na_ner_span_t *gold, size_t ngold, na_error_t *err)
{
    if (!st || !first || (ntoks && (!toks || !text)) || (ngold && !gold))
        return na_error_set(err, NA_ERR_INVALID, "no stacker, model, text, tokens or spans given");
    if (first->bits != st->bits)
        return na_error_set(err, NA_ERR_INVALID, "the first-pass model has %u hash bits, not %u", first->bits,
                            st->bits);
    na_status_t status = check_training_doc(len, toks, ntoks, gold, ngold, err);
    if (status != NA_OK)
        return status;
    if (st->ndocs == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 64;
        st->docs = na_xrealloc(st->docs, st->cap * sizeof *st->docs);
    }
    sdoc_t *d = &st->docs[st->ndocs++];
    d->m = first;
    d->n = ntoks;
    d->gold = gold_labels(gold, ngold, ntoks);
    chunk_init(&d->k, ntoks);
    if (ntoks) {
        ctx_t c;
        ctx_init(&c, gaz, ntoks, ntoks);
        c.clusters &= first->clusters;
        first_pass(first, &c, (const unsigned char *)text, toks, 0, ntoks, &d->k);
        ctx_release(&c);
        count_first_tags(&d->k, ntoks);
    }
    return NA_OK;
}

/* The first-pass model's previous-tag features, in weight units, for
 * decode() in the stacker. */
static void stack_dyn(void *ud, size_t i, int prev, float *score)
{
    const tagdyn_t *t = ud;
    uint64_t f[16];
    int32_t acc[NLABELS] = { 0 };
    add_rows(t->m, f, dynamic_feats(&t->p[i], prev, t->hv[i], f), acc);
    for (int l = 0; l < NLABELS; l++)
        score[l] += (float)acc[l] * t->m->scale;
}

size_t na_ner_stacker_epoch(na_ner_stacker_t *st, unsigned epoch)
{
    if (!st)
        return 0;
    uint64_t rng;
    size_t *order = epoch_order(st->seed, epoch, st->ndocs, &rng);
    docmap_t hist = { NULL, 0, 0 };
    size_t errors = 0;
    uint64_t f[MAX_FEATS];
    dec_t dec;
    dec_init(&dec, MAX_SENT);
    uint32_t (*rows)[8] = na_xmalloc(MAX_SENT * sizeof *rows);
    uint8_t *nrows = na_xmalloc(MAX_SENT), *pred = na_xmalloc(MAX_SENT);
    float *marg = na_xmalloc(MAX_SENT * sizeof *marg);
    for (size_t di = 0; di < st->ndocs; di++) {
        sdoc_t *d = &st->docs[order[di]];
        chunk_t *k = &d->k;
        docmap_reset(&hist, d->n);
        for (size_t a = 0; a < d->n;) {
            size_t b = piece_end(k, d->n, a), n = b - a;
            for (size_t i = 0; i < n; i++) {
                const ptok_t *p = &k->p[a + i];
                float *sc = dec.stat + i * NLABELS;
                for (int l = 0; l < NLABELS; l++)
                    sc[l] = k->sscore[a + i][l] * d->m->scale;
                size_t nd = doc_feats(&k->cnt, p, k->lab1[a + i], k->margin[a + i], f);
                for (size_t j = 0; j < nd; j++)
                    rows[i][j] = bucket(f[j], st->bits);
                nrows[i] = (uint8_t)nd;
                score_rows(&st->p, rows[i], nd, sc);
                dec.hv[i] = hist_value(&hist, p);
            }
            tagdyn_t ud = { d->m, k->p + a, dec.hv };
            decode(n, dec.stat, stack_dyn, &ud, INFINITY, &dec, pred, marg);
            for (size_t i = 0; i < n; i++) {
                int gold = d->gold[a + i];
                if (pred[i] != gold) {
                    errors++;
                    update(&st->p, rows[i], nrows[i], gold, pred[i]);
                }
                st->p.c++;
                hist_record(&hist, &k->p[a + i], pred[i]);
            }
            a = b;
        }
    }
    free(rows);
    free(nrows);
    free(pred);
    free(marg);
    dec_release(&dec);
    free(hist.e);
    free(order);
    return errors;
}

na_ner_model_t *na_ner_stacker_model(const na_ner_stacker_t *st, const na_ner_model_t *base)
{
    if (!st || !base || base->bits != st->bits)
        return NULL;
    size_t rows = (size_t)1 << st->bits, n = rows * NLABELS;
    float *sum = na_xcalloc(n, sizeof *sum);
    model_add_dense(base, 1, sum);
    for (size_t i = 0; i < n; i++)
        sum[i] += (float)perc_avg(&st->p, i);
    na_ner_model_t *m = model_from_dense(st->bits, sum);
    free(sum);
    model_copy_classes(m, base);
    if (!m->docpass) {
        m->gnames = na_xrealloc(m->gnames, (m->ngnames + 2) * sizeof *m->gnames);
        m->gnames[m->ngnames++] = na_xstrdup(DOCPASS_CLASS);
        m->docpass = true;
    }
    na_ner_model_set_info(m, na_ner_model_info(base));
    return m;
}
