/* extract.c - from tagged mentions to canonical values (extract.h).
 *
 * The work for one article is in passes, each over the mentions the
 * tagger and the date finder made: tidy each mention's words (titles,
 * suffixes, possessives, headline capitals), resolve the places that have
 * one reading, use them as the context for those with several, tie
 * surnames to full names, then rank and collect.  Everything an article
 * needs is in na_extraction_t and its scratch memory, so the extractor
 * itself stays read-only and shared between threads.
 */
#include "extract.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dates.h"
#include "ner.h"
#include "places.h"
#include "strmap.h"
#include "tokenize.h"
#include "utf8.h"

/* ---- string-keyed maps of int32 values ---- */

/* The extractor's maps are lib/strmap tables holding an index or a flag
 * in each value pointer, stored plus one so that the NULL of a key not
 * set yet reads as -1, "none". */
static int32_t map_get(const na_strmap_t *m, const char *key)
{
    return (int32_t)((intptr_t)na_strmap_get(m, key) - 1);
}

static void map_set(na_strmap_t *m, const char *key, int32_t value)
{
    na_strmap_put(m, key, (void *)((intptr_t)value + 1));
}

/* A value slot from na_strmap_ref(), for a read followed by a write with
 * one lookup: a new key's slot reads as -1. */
static int32_t slot_get(void *const *slot) { return (int32_t)((intptr_t)*slot - 1); }
static void slot_set(void **slot, int32_t value) { *slot = (void *)((intptr_t)value + 1); }

/* The folded key of the LEN bytes at S in BUF (see na_normalise_key). */
static const char *fold_into(na_buf_t *buf, const char *s, size_t len, size_t *klen)
{
    na_buf_reset(buf);
    na_buf_grow(buf, len + 1);
    *klen = na_normalise_key(s, len, buf->data);
    return buf->data;
}

/* ---- the extractor ---- */

typedef enum { PLACE_COUNTRY, PLACE_REGION, PLACE_CITY, PLACE_DEMONYM } place_kind_t;

typedef struct {
    const char *name;    /* canonical name (a country's for a demonym) */
    const char *country; /* its country; a country's is itself */
    const char *region;  /* a city's first-level region, or NULL */
    uint32_t population;
    place_kind_t kind;
    int32_t next;        /* next reading of the same key, or -1 */
} place_t;

struct na_extractor {
    na_ner_model_t *model;
    na_gazetteer_t *gaz;
    const na_normaliser_t *norm;
    bool city_countries;
    na_strlist_t files;  /* gazetteer files as read, cut in place */
    place_t *places;
    size_t place_count, place_cap;
    na_strmap_t place_keys;    /* folded name -> first place index */
    na_strmap_t country_names; /* folded country name -> 1 */
    na_strmap_t titles;        /* folded title -> 1 */
    na_strmap_t org_suffixes;  /* folded suffix -> 1 */
    na_strmap_t common;        /* folded word newswire writes in lower case -> 1 */
    na_strmap_t companies;     /* folded name seen before a legal suffix -> 1 */
    na_strmap_t org_words;     /* folded word that marks an organisation ("Bank") -> 1 */
};

const char *na_entity_name(na_entity_t type)
{
    static const char *const names[] = { "person", "place", "org", "date" };
    return type <= NA_ENTITY_DATE ? names[type] : "?";
}

const char *na_date_source_name(na_date_source_t source)
{
    static const char *const names[] = { "none", "source", "dateline", "mtime", "source+dateline" };
    return source <= NA_DATE_SOURCE_SOURCE_DATELINE ? names[source] : "?";
}

static void add_place_key(na_extractor_t *x, const char *name, size_t idx, na_buf_t *tmp)
{
    size_t klen;
    const char *key = fold_into(tmp, name, strlen(name), &klen);
    if (!klen)
        return;
    /* Several readings of one key keep their file order: countries,
     * then regions, then cities by population. */
    void **slot = na_strmap_ref(&x->place_keys, key);
    int32_t first = slot_get(slot);
    int32_t *link = &first;
    while (*link >= 0) {
        if ((size_t)*link == idx)
            return;
        link = &x->places[*link].next;
    }
    *link = (int32_t)idx;
    if (link == &first)
        slot_set(slot, first);
}

static size_t new_place(na_extractor_t *x, place_kind_t kind, const char *name, const char *country,
                        const char *region, uint32_t population)
{
    if (x->place_count == x->place_cap) {
        x->place_cap = x->place_cap ? x->place_cap * 2 : 4096;
        x->places = na_xrealloc(x->places, x->place_cap * sizeof *x->places);
    }
    place_t *p = &x->places[x->place_count];
    *p = (place_t){ name, country, region, population, kind, -1 };
    return x->place_count++;
}

/* Splits the line at LINE (NUL-terminated, cut in place) at tabs into at
 * most MAX fields; returns how many. */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    while (n < max) {
        fields[n++] = line;
        char *tab = strchr(line, '\t');
        if (!tab)
            break;
        *tab = '\0';
        line = tab + 1;
    }
    return n;
}

/* Calls EACH for every line of the file DIR/NAME that is not a comment,
 * cut at tabs.  A missing file is no error: the extractor works with
 * whatever gazetteers there are. */
typedef void line_fn(na_extractor_t *x, char **fields, size_t n, na_buf_t *tmp);

static na_status_t read_table(na_extractor_t *x, const char *dir, const char *name, line_fn *each,
                              na_error_t *err)
{
    char *path = na_xasprintf("%s/%s", dir, name);
    na_buf_t buf = NA_BUF_INIT, tmp = NA_BUF_INIT;
    int rc = na_read_file(path, &buf);
    if (rc != 0) {
        na_buf_release(&buf);
        na_status_t st = NA_OK;
        if (rc != ENOENT)
            st = na_error_set(err, NA_ERR_IO, "%s: %s", path, na_strerror(rc));
        free(path);
        return st;
    }
    free(path);
    na_buf_addc(&buf, '\0');
    char *data = na_buf_detach(&buf, NULL);
    na_strlist_take(&x->files, data);
    char *line = data;
    while (*line) {
        char *nl = strchr(line, '\n');
        char *next = nl ? nl + 1 : line + strlen(line);
        if (nl)
            *nl = '\0';
        if (*line && *line != '#') {
            char *fields[64];
            size_t n = split_tabs(line, fields, 64);
            each(x, fields, n, &tmp);
        }
        line = next;
    }
    na_buf_release(&tmp);
    return NA_OK;
}

/* Takes one entry of the place tables (places.h) into X. */
typedef struct {
    na_extractor_t *x;
    na_buf_t tmp;
} place_load_t;

static void place_entry(const na_place_entry_t *e, void *ud)
{
    place_load_t *l = ud;
    na_extractor_t *x = l->x;
    static const place_kind_t kinds[] = { [NA_PLACE_COUNTRY] = PLACE_COUNTRY, [NA_PLACE_REGION] = PLACE_REGION,
                                          [NA_PLACE_CITY] = PLACE_CITY };
    size_t idx = new_place(x, kinds[e->kind], e->name, e->country, e->region, (uint32_t)e->population);
    if (e->kind == NA_PLACE_COUNTRY) {
        size_t klen;
        const char *key = fold_into(&l->tmp, e->name, strlen(e->name), &klen);
        map_set(&x->country_names, key, (int32_t)idx);
    }
    add_place_key(x, e->name, idx, &l->tmp);
    for (size_t i = 0; i < e->alias_count; i++)
        add_place_key(x, e->aliases[i], idx, &l->tmp);
}

static void demonym_line(na_extractor_t *x, char **f, size_t n, na_buf_t *tmp)
{
    if (n < 2)
        return;
    add_place_key(x, f[0], new_place(x, PLACE_DEMONYM, f[1], f[1], NULL, 0), tmp);
}

static void title_line(na_extractor_t *x, char **f, size_t n, na_buf_t *tmp)
{
    (void)n;
    size_t klen;
    const char *key = fold_into(tmp, f[0], strlen(f[0]), &klen);
    if (klen)
        map_set(&x->titles, key, 1);
}

static void suffix_line(na_extractor_t *x, char **f, size_t n, na_buf_t *tmp)
{
    (void)n;
    size_t klen;
    const char *key = fold_into(tmp, f[0], strlen(f[0]), &klen);
    if (klen)
        map_set(&x->org_suffixes, key, 1);
}

static void common_line(na_extractor_t *x, char **f, size_t n, na_buf_t *tmp)
{
    (void)n;
    size_t klen;
    const char *key = fold_into(tmp, f[0], strlen(f[0]), &klen);
    if (klen)
        map_set(&x->common, key, 1);
}

static void company_line(na_extractor_t *x, char **f, size_t n, na_buf_t *tmp)
{
    (void)n;
    size_t klen;
    const char *key = fold_into(tmp, f[0], strlen(f[0]), &klen);
    if (klen)
        map_set(&x->companies, key, 1);
}

static void org_word_line(na_extractor_t *x, char **f, size_t n, na_buf_t *tmp)
{
    (void)n;
    /* Bodies a one-word name does name: "Congress said". */
    static const char *const named[] = { "Congress", "Senate", "Parliament", "Times", NULL };
    for (const char *const *p = named; *p; p++)
        if (strcmp(*p, f[0]) == 0)
            return;
    size_t klen;
    const char *key = fold_into(tmp, f[0], strlen(f[0]), &klen);
    if (klen)
        map_set(&x->org_words, key, 1);
}

na_status_t na_extractor_new(const na_extractor_options_t *opts, na_extractor_t **out,
                             na_error_t *err)
{
    *out = NULL;
    na_extractor_t *x = na_xcalloc(1, sizeof *x);
    x->norm = opts->norm;
    x->city_countries = opts->city_countries;
    na_status_t st = na_ner_model_load(opts->model_path, &x->model, err);
    if (st == NA_OK && opts->gazetteer_dir) {
        x->gaz = na_gazetteer_create();
        st = na_gazetteer_load_dir(x->gaz, opts->gazetteer_dir, NULL, err);
        /* The place tables through the loader the normaliser uses too,
         * so both read them alike. */
        place_load_t load = { x, NA_BUF_INIT };
        for (int kind = NA_PLACE_COUNTRY; st == NA_OK && kind <= NA_PLACE_CITY; kind++) {
            char *text = NULL;
            st = na_places_read(opts->gazetteer_dir, (na_place_kind_t)kind, place_entry, &load, &text, err);
            if (text)
                na_strlist_take(&x->files, text);
        }
        na_buf_release(&load.tmp);
        static const struct {
            const char *file;
            line_fn *fn;
        } tables[] = {
            { "demonyms.tsv", demonym_line },
            { "titles.txt", title_line },
            { "org-suffixes.txt", suffix_line },
            { "common-words.txt", common_line },
            { "companies.txt", company_line },
            { "org-words.txt", org_word_line },
        };
        for (size_t i = 0; st == NA_OK && i < sizeof tables / sizeof *tables; i++)
            st = read_table(x, opts->gazetteer_dir, tables[i].file, tables[i].fn, err);
    }
    if (st != NA_OK) {
        na_extractor_free(x);
        return st;
    }
    *out = x;
    return NA_OK;
}

void na_extractor_free(na_extractor_t *x)
{
    if (!x)
        return;
    na_ner_model_free(x->model);
    na_gazetteer_free(x->gaz);
    na_strmap_release(&x->place_keys, NULL);
    na_strmap_release(&x->country_names, NULL);
    na_strmap_release(&x->titles, NULL);
    na_strmap_release(&x->org_suffixes, NULL);
    na_strmap_release(&x->common, NULL);
    na_strmap_release(&x->companies, NULL);
    na_strmap_release(&x->org_words, NULL);
    free(x->places);
    na_strlist_clear(&x->files);
    free(x);
}

/* ---- per-article working memory ---- */

/* How often and where an article names one value. */
typedef struct {
    const char *value;
    unsigned count;
    size_t first;
    bool headline, lead, dateline;
    bool strong;   /* some mention is evidence enough for a facet value */
    bool known;    /* a place of the gazetteer or alias table */
    unsigned prose;/* mentions in running text */
} tally_t;

/* One name mention on its way to a value. */
typedef struct {
    na_entity_t type;
    size_t start, end;  /* in the text */
    char *text;         /* tidied words (owned) */
    const char *value;  /* resolved value: borrowed from TEXT, the tables or another mention */
    const char *country;/* a place's country, or NULL */
    int32_t place;      /* chosen reading in the extractor's places, or -1 */
    int32_t readings;   /* a place's first reading, or -1 */
    bool headline;      /* in the title or first sentence */
    bool lead;          /* in the first paragraph or so */
    bool dateline;
    bool weak;          /* in a line of capitals or a table: no evidence of a name alone */
    bool titled;        /* after a title or honorific ("Mr", "Minister") */
    bool company;       /* a legal suffix follows, or a known company: an organisation */
} mention_t;

typedef struct {
    na_tokens_t toks;
    na_ner_spans_t ner;
    na_date_mentions_t dates;
    mention_t *mentions;
    size_t count, cap;
    na_buf_t tmp;
    na_strmap_t names;   /* per-article lookups, emptied before each use */
    tally_t *tally;
    size_t tally_cap;
} scratch_t;

void na_extraction_init(na_extraction_t *ex)
{
    memset(ex, 0, sizeof *ex);
}

static void clear_mentions(scratch_t *s)
{
    for (size_t i = 0; i < s->count; i++)
        free(s->mentions[i].text);
    s->count = 0;
}

static void reset_result(na_extraction_t *ex)
{
    na_strlist_clear(&ex->people);
    na_strlist_clear(&ex->places);
    na_strlist_clear(&ex->orgs);
    na_strlist_clear(&ex->mentioned);
    for (size_t i = 0; i < ex->span_count; i++)
        free(ex->spans[i].value);
    ex->span_count = 0;
    for (size_t i = 0; i < ex->name_count; i++)
        free(ex->names[i].name);
    ex->name_count = 0;
    memset(&ex->date, 0, sizeof ex->date);
    ex->date_source = NA_DATE_SOURCE_NONE;
}

void na_extraction_release(na_extraction_t *ex)
{
    if (!ex)
        return;
    reset_result(ex);
    free(ex->spans);
    free(ex->names);
    scratch_t *s = ex->scratch;
    if (s) {
        clear_mentions(s);
        free(s->mentions);
        na_tokens_release(&s->toks);
        na_ner_spans_release(&s->ner);
        na_date_mentions_release(&s->dates);
        na_buf_release(&s->tmp);
        na_strmap_release(&s->names, NULL);
        free(s->tally);
        free(s);
    }
    memset(ex, 0, sizeof *ex);
}

static mention_t *add_mention(scratch_t *s, na_entity_t type, size_t start, size_t end, char *text)
{
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->mentions = na_xrealloc(s->mentions, s->cap * sizeof *s->mentions);
    }
    mention_t *m = &s->mentions[s->count++];
    *m = (mention_t){ .type = type, .start = start, .end = end, .text = text, .place = -1, .readings = -1 };
    return m;
}

/* ---- words ---- */

/* Hard-wrapped text breaks lines inside sentences: a full-width line that
 * ends in a lower-case letter or a comma is followed by more of the
 * paragraph.  Such text is read by paragraph; other text by line, where
 * a line break ends a headline, a sentence or a row of a table. */
static bool hard_wrapped(const char *text, size_t len)
{
    size_t breaks = 0, inside = 0, line_start = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '\n')
            continue;
        size_t j = i;
        while (j > line_start && (text[j - 1] == ' ' || text[j - 1] == '\t' || text[j - 1] == '\r'))
            j--;
        size_t width = j - line_start;
        line_start = i + 1;
        if (width == 0 || i + 1 >= len || text[i + 1] == '\n' || text[i + 1] == '\r')
            continue;
        unsigned char c = (unsigned char)text[j - 1];
        breaks++;
        if (width >= 40 && width <= 100 && ((c >= 'a' && c <= 'z') || c == ','))
            inside++;
    }
    return inside >= 2 && inside * 10 >= breaks * 3;
}

/* The words of TEXT[start..end) with every run of blanks one space:
 * names wrap across lines in hard-wrapped text.  Bytes that are not UTF-8
 * become U+FFFD, as in the indexed text. */
static char *tidy_words(const char *text, size_t start, size_t end)
{
    na_buf_t b = NA_BUF_INIT;
    bool space = false;
    for (size_t i = start; i < end; i++) {
        unsigned char c = (unsigned char)text[i];
        if (na_is_space(c)) {
            space = b.len > 0;
            continue;
        }
        if (space)
            na_buf_addc(&b, ' ');
        space = false;
        na_buf_addc(&b, (char)c);
    }
    na_buf_addc(&b, '\0');
    char *s = na_buf_detach(&b, NULL);
    if (!na_utf8_valid(s, strlen(s))) {
        char *clean = na_utf8_sanitize(s, strlen(s));
        free(s);
        s = clean;
    }
    return s;
}

static bool has_lower(const char *s)
{
    for (size_t i = 0; s[i];) {
        unsigned cp;
        i += na_tok_decode((const unsigned char *)s + i, strlen(s + i), &cp);
        if (na_utf8_is_lower(cp))
            return true;
    }
    return false;
}

/* True when the N bytes at W are one of the words of LIST (NULL-ended),
 * ignoring ASCII case when FOLD.  This runs for every word of every line
 * that might be a table: the first byte is compared before any call. */
static bool word_in(const char *const *list, const char *w, size_t n, bool fold)
{
    unsigned char first_mask = fold ? 0xdf : 0xff; /* 0xdf: 'a' and 'A' alike, and a few pairs more */
    for (const char *const *p = list; n && *p; p++)
        if ((((unsigned char)**p ^ (unsigned char)*w) & first_mask) == 0 &&
            (fold ? strncasecmp(*p, w, n) : strncmp(*p, w, n)) == 0 && (*p)[n] == '\0')
            return true;
    return false;
}

/* Particles that stay lower case inside a name written in capitals. */
static bool is_particle(const char *w, size_t n)
{
    static const char *const particles[] = { "of", "and", "the", "for", "de", "da", "do", "dos",
                                             "das", "del", "della", "di", "du", "la", "le", "van",
                                             "von", "der", "den", "bin", "al", "y", "e", NULL };
    return word_in(particles, w, n, true);
}

/* Rewrites S, a name in capitals ("JAMES BAKER", "BANK OF AMERICA"), as a
 * name is written ("James Baker", "Bank of America"), in place: simple
 * case mapping keeps every character's length in bytes here. */
static void title_case(char *s)
{
    size_t len = strlen(s);
    size_t word = 0;
    bool first_word = true;
    while (word < len) {
        size_t e = word;
        while (e < len && s[e] != ' ' && s[e] != '-')
            e++;
        bool keep_lower = !first_word && is_particle(s + word, e - word);
        bool initial = true;
        for (size_t i = word; i < e;) {
            unsigned cp;
            size_t n = na_tok_decode((const unsigned char *)s + i, e - i, &cp);
            unsigned lower = na_utf8_lower(cp);
            if ((!initial || keep_lower) && lower != cp && cp < NA_TOK_RAW_BYTE) {
                char enc[4];
                if (na_utf8_encode(lower, enc) == n)
                    memcpy(s + i, enc, n);
            }
            /* After an apostrophe a capital may follow (O'NEILL -> O'Neill). */
            initial = s[i] == '\'' || s[i] == '.';
            i += n;
        }
        first_word = false;
        word = e + 1;
    }
}

/* True when the mention is in capitals only because its sentence is:
 * a headline or a dateline.  An acronym in running text (IBM, OPEC)
 * keeps its capitals. */
static bool shouted(const char *text, size_t len, const char *words, size_t start, size_t end)
{
    if (has_lower(words))
        return false;
    size_t letters = 0;
    for (const char *p = words; *p; p++)
        letters += (*p >= 'A' && *p <= 'Z') || (unsigned char)*p >= 0x80;
    if (letters < 2)
        return false;
    /* Look at up to 40 bytes either side on the same line. */
    size_t a = start > 40 ? start - 40 : 0, b = end + 40 < len ? end + 40 : len;
    size_t upper = 0, lower = 0;
    for (size_t i = a; i < b; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n' && i < start)
            upper = lower = 0;
        else if (c == '\n' && i >= end)
            break;
        else if (i >= start && i < end)
            continue;
        else if (c >= 'A' && c <= 'Z')
            upper++;
        else if (c >= 'a' && c <= 'z')
            lower++;
    }
    return upper >= 4 && lower == 0;
}

static const char *last_word(const char *s)
{
    const char *sp = strrchr(s, ' ');
    return sp ? sp + 1 : s;
}

static bool one_word(const char *s)
{
    return !strchr(s, ' ');
}

/* Word boundaries: the number of words of S and where each starts. */
static size_t split_words(const char *s, size_t *starts, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; s[i] && n < max;) {
        starts[n++] = i;
        while (s[i] && s[i] != ' ')
            i++;
        while (s[i] == ' ')
            i++;
    }
    return n;
}

static bool in_set(const na_strmap_t *set, na_buf_t *tmp, const char *s, size_t len)
{
    size_t klen;
    const char *key = fold_into(tmp, s, len, &klen);
    return klen && map_get(set, key) >= 0;
}

/* Drops titles and honorifics from the front of the person name S, in
 * place ("President Joe Biden" -> "Joe Biden").  The tagger seldom takes
 * a title into a name, but it does in headlines and all-caps text. */
static void strip_titles(const na_extractor_t *x, na_buf_t *tmp, char *s)
{
    for (;;) {
        size_t starts[16];
        size_t n = split_words(s, starts, 16);
        if (n < 2)
            return;
        size_t drop = 0;
        for (size_t k = n - 1 < 4 ? n - 1 : 4; k >= 1 && !drop; k--) {
            size_t end = starts[k];
            while (end > 0 && s[end - 1] == ' ')
                end--;
            if (in_set(&x->titles, tmp, s, end))
                drop = starts[k];
        }
        if (!drop)
            return;
        memmove(s, s + drop, strlen(s + drop) + 1);
    }
}

/* Drops a possessive ending ("Trump's", "Jones'"), in place. */
static void strip_possessive(char *s)
{
    size_t n = strlen(s);
    if (n > 2 && (s[n - 1] == 's' || s[n - 1] == 'S') && s[n - 2] == '\'')
        s[n - 2] = '\0';
    else if (n > 4 && (s[n - 1] == 's' || s[n - 1] == 'S') && memcmp(s + n - 4, "\xe2\x80\x99", 3) == 0)
        s[n - 4] = '\0';
    else if (n > 1 && s[n - 1] == '\'')
        s[n - 1] = '\0';
}

/* Drops legal-form suffixes and a leading "the" from the organisation S,
 * in place ("Samsung Electronics Co Ltd" -> "Samsung Electronics"). */
static void strip_org(const na_extractor_t *x, na_buf_t *tmp, char *s)
{
    /* "Kidder, Peabody and Co" is Kidder Peabody; "Cheung Kong
     * (Holdings) Ltd" is Cheung Kong. */
    for (char *c = strstr(s, ", "); c; c = strstr(c, ", "))
        memmove(c, c + 1, strlen(c + 1) + 1);
    for (char *c = strstr(s, " ("); c; c = strstr(c, " (")) {
        char *close = strchr(c, ')');
        if (!close)
            break;
        memmove(c, close + 1, strlen(close + 1) + 1);
    }
    size_t len = strlen(s);
    if (len > 4 && strncasecmp(s, "the ", 4) == 0)
        memmove(s, s + 4, len - 3);
    for (;;) {
        size_t starts[16];
        size_t n = split_words(s, starts, 16);
        if (n < 2)
            break;
        size_t cut = 0;
        for (size_t k = 1; k <= 4 && k < n && !cut; k++) {
            size_t from = starts[n - k];
            if (in_set(&x->org_suffixes, tmp, s + from, strlen(s + from)))
                cut = from;
        }
        if (!cut)
            break;
        s[cut] = '\0';
        len = strlen(s);
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == ','))
            s[--len] = '\0';
        /* "Merrill Lynch and Co" is Merrill Lynch, not "Merrill Lynch and". */
        if (len > 4 && strcmp(s + len - 4, " and") == 0)
            s[len -= 4] = '\0';
        else if (len > 2 && strcmp(s + len - 2, " &") == 0)
            s[len -= 2] = '\0';
    }
}

/* ---- places ---- */

static const place_t *place_at(const na_extractor_t *x, int32_t i)
{
    return i >= 0 ? &x->places[i] : NULL;
}

/* The first gazetteer reading of the LEN bytes at NAME, or -1. */
static int32_t place_readings(const na_extractor_t *x, na_buf_t *tmp, const char *name, size_t len)
{
    size_t klen;
    const char *key = fold_into(tmp, name, len, &klen);
    return klen ? map_get(&x->place_keys, key) : -1;
}

/* The first reading of the place NAME (LEN bytes) after the place alias
 * table: "America" is read as "United States".  *ALIAS gets the table's
 * canonical name, or NULL. */
static int32_t place_lookup(const na_extractor_t *x, na_buf_t *tmp, const char *name, size_t len,
                            const char **alias)
{
    /* The alias table only: the gazetteers' readings are all weighed
     * here, and canonical_values() names the one chosen. */
    *alias = na_normalise_find_alias(x->norm, NA_FIELD_PLACE, name, len);
    return *alias ? place_readings(x, tmp, *alias, strlen(*alias)) : place_readings(x, tmp, name, len);
}

/* Whether the N bytes at W are a place's possessive ("Canada's", with a
 * straight or a typographic apostrophe), which opens no company's name. */
static bool place_possessive(const na_extractor_t *x, na_buf_t *tmp, const char *w, size_t n)
{
    size_t base = n > 2 && w[n - 2] == '\'' && w[n - 1] == 's'                       ? n - 2
                : n > 4 && w[n - 1] == 's' && memcmp(w + n - 4, "\xe2\x80\x99", 3) == 0 ? n - 4
                                                                                       : 0;
    const char *alias;
    return base && place_lookup(x, tmp, w, base, &alias) >= 0;
}

/* Context for reading ambiguous place names: the countries and regions
 * that the article's unambiguous places lie in. */
typedef struct {
    const char *countries[64];
    size_t ncountries;
    const char *regions[64];
    size_t nregions;
} context_t;

static void context_add(const char **list, size_t *n, const char *name)
{
    if (!name)
        return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp(list[i], name) == 0)
            return;
    if (*n < 64)
        list[(*n)++] = name;
}

static bool context_has(const char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

/* How well reading P fits the context, and the default preference when
 * nothing does: a country, then a big city, a region, a small city. */
static long reading_score(const place_t *p, const context_t *ctx, bool dateline)
{
    long score = 0;
    if (p->kind == PLACE_COUNTRY || p->kind == PLACE_DEMONYM) {
        if (context_has(ctx->countries, ctx->ncountries, p->name))
            score += 2000;
        score += 300;
    } else {
        if (context_has(ctx->countries, ctx->ncountries, p->country))
            score += 1000;
        if (p->kind == PLACE_REGION && context_has(ctx->regions, ctx->nregions, p->name))
            score += 2000;
        if (p->kind == PLACE_CITY && p->region && context_has(ctx->regions, ctx->nregions, p->region))
            score += 500;
        if (p->kind == PLACE_CITY)
            score += dateline ? 400 : p->population >= 1000000 ? 250 : p->population >= 100000 ? 150 : 50;
        else
            score += 200;
    }
    return score;
}

static int32_t choose_reading(const na_extractor_t *x, int32_t first, const context_t *ctx, bool dateline)
{
    int32_t best = first;
    long best_score = -1;
    for (int32_t i = first; i >= 0; i = x->places[i].next) {
        long s = reading_score(&x->places[i], ctx, dateline);
        /* Between equals, the bigger place: London, England before
         * London, Ontario. */
        if (s > best_score || (s == best_score && x->places[i].population > x->places[best].population)) {
            best = i;
            best_score = s;
        }
    }
    return best;
}

/* The value of a place reading: its name, except that a region or city
 * named like a country says which it is ("Georgia, United States"). */
static const char *reading_value(const na_extractor_t *x, na_buf_t *tmp, const place_t *p,
                                 char **owned)
{
    *owned = NULL;
    if (p->kind == PLACE_COUNTRY || p->kind == PLACE_DEMONYM)
        return p->name;
    size_t klen;
    const char *key = fold_into(tmp, p->name, strlen(p->name), &klen);
    int32_t c = map_get(&x->country_names, key);
    if (c >= 0 && strcmp(x->places[c].name, p->country) != 0) {
        *owned = na_xasprintf("%s, %s", p->name, p->country);
        return *owned;
    }
    return p->name;
}

/* Words that end the name of a place, not a person ("Fulton County"). */
static bool ends_in_place_word(const char *name)
{
    static const char *const words[] = { "County", "City", "Province", "State", "River", "Island",
                                         "Islands", "Valley", "Bay", "Mountains", "Street", "Avenue",
                                         "Square", "Sea", "Ocean", "Lake", "Strait", "Basin", "Peninsula",
                                         "Desert", "Canal", "Coast", "Heights", "Harbour", "Harbor", NULL };
    const char *w = last_word(name);
    for (const char *const *p = words; *p; p++)
        if (strcmp(w, *p) == 0)
            return w != name;
    return false;
}

/* One name is one kind of thing throughout an article: the tagger may
 * call "Nvidia" a place in a headline and an organisation in the text.
 * Each name takes the type most of its mentions have, mentions in running
 * text counting twice those in the headline.  Demonyms and the dateline
 * keep theirs. */
static void agree_types(scratch_t *s)
{
    unsigned (*votes)[3] = na_xcalloc(s->count + 1, sizeof *votes);
    na_strmap_clear(&s->names, NULL);
    size_t names = 0;
    int32_t *name_of = na_xmalloc((s->count + 1) * sizeof *name_of);
    for (size_t i = 0; i < s->count; i++) {
        mention_t *m = &s->mentions[i];
        if (m->type == NA_ENTITY_PERSON && ends_in_place_word(m->text))
            m->type = NA_ENTITY_PLACE;
        size_t klen;
        const char *key = fold_into(&s->tmp, m->text, strlen(m->text), &klen);
        void **slot = na_strmap_ref(&s->names, key);
        int32_t name = slot_get(slot);
        if (name < 0) {
            name = (int32_t)names++;
            slot_set(slot, name);
        }
        name_of[i] = name;
        votes[name][m->type] += m->headline ? 1 : 2;
    }
    for (size_t i = 0; i < s->count; i++) {
        mention_t *m = &s->mentions[i];
        if (m->place >= 0 || m->dateline)
            continue;
        const unsigned *v = votes[name_of[i]];
        for (int t = 0; t < 3; t++)
            if (v[t] > v[m->type])
                m->type = (na_entity_t)t;
    }
    free(name_of);
    free(votes);
}

/* The demonym reading of S, or -1: "German" is also a parish of the Isle
 * of Man, but as a name of no type it is the adjective. */
static int32_t demonym_of(const na_extractor_t *x, na_buf_t *tmp, const char *s)
{
    for (int32_t i = place_readings(x, tmp, s, strlen(s)); i >= 0; i = x->places[i].next)
        if (x->places[i].kind == PLACE_DEMONYM)
            return i;
    return -1;
}

static void resolve_places(const na_extractor_t *x, scratch_t *s)
{
    context_t ctx = { .ncountries = 0 };
    /* Pass 1: the alias table and names with one reading. */
    for (size_t i = 0; i < s->count; i++) {
        mention_t *m = &s->mentions[i];
        if (m->type != NA_ENTITY_PLACE)
            continue;
        if (m->place >= 0) { /* a demonym */
            context_add(ctx.countries, &ctx.ncountries, x->places[m->place].country);
            continue;
        }
        const char *alias;
        int32_t first = place_lookup(x, &s->tmp, m->text, strlen(m->text), &alias);
        if (alias && first < 0) {
            m->value = alias;
            continue;
        }
        m->readings = first;
        if (first >= 0 && x->places[first].next < 0) {
            m->place = first;
            const place_t *p = place_at(x, first);
            context_add(ctx.countries, &ctx.ncountries, p->country);
            context_add(ctx.regions, &ctx.nregions, p->kind == PLACE_REGION ? p->name : p->region);
        }
    }
    /* Pass 2: the others in the light of pass 1. */
    for (size_t i = 0; i < s->count; i++) {
        mention_t *m = &s->mentions[i];
        if (m->type != NA_ENTITY_PLACE || m->value || m->place >= 0)
            continue;
        if (m->readings >= 0)
            m->place = choose_reading(x, m->readings, &ctx, m->dateline);
    }
    for (size_t i = 0; i < s->count; i++) {
        mention_t *m = &s->mentions[i];
        if (m->type != NA_ENTITY_PLACE || m->value)
            continue;
        const place_t *p = place_at(x, m->place);
        if (!p) {
            m->value = m->text;
            continue;
        }
        char *owned;
        m->value = reading_value(x, &s->tmp, p, &owned);
        if (owned) {
            free(m->text);
            m->text = owned;
            m->value = owned;
        }
        if (p->kind != PLACE_COUNTRY && p->kind != PLACE_DEMONYM)
            m->country = p->country;
    }
}

/* ---- people ---- */

/* Records that KEY names mention I, or -2 when it names several. */
static void link_name(scratch_t *s, const char *key, size_t klen, size_t i)
{
    void **slot = na_strmap_ref(&s->names, key);
    int32_t named = slot_get(slot);
    if (named == -1)
        slot_set(slot, (int32_t)i);
    else if (named >= 0 && strcmp(s->mentions[named].text, s->mentions[i].text) != 0)
        slot_set(slot, -2);
}

/* A surname alone is the full name of the article that ends with it, when
 * exactly one does ("Trump" after "Donald Trump"); otherwise it is kept
 * as written. */
static void resolve_people(const na_extractor_t *x, scratch_t *s)
{
    /* Folded last word -> the full name's mention, or -2 when several;
     * also, marked by a leading tab, the folded first word of a name whose
     * given names are hyphenated, family name first ("Lee" of "Lee
     * Jae-yong"). */
    na_strmap_clear(&s->names, NULL);
    for (size_t i = 0; i < s->count; i++) {
        mention_t *m = &s->mentions[i];
        if (m->type != NA_ENTITY_PERSON)
            continue;
        m->value = m->text;
        if (one_word(m->text))
            continue;
        size_t klen;
        const char *w = last_word(m->text);
        const char *key = fold_into(&s->tmp, w, strlen(w), &klen);
        link_name(s, key, klen, i);
        if (strchr(w, '-') && w != m->text) {
            na_buf_t *b = &s->tmp;
            size_t first = (size_t)(strchr(m->text, ' ') - m->text);
            na_buf_reset(b);
            na_buf_grow(b, first + 2);
            b->data[0] = '\t';
            klen = na_normalise_key(m->text, first, b->data + 1) + 1;
            link_name(s, b->data, klen, i);
        }
    }
    for (size_t i = 0; i < s->count; i++) {
        mention_t *m = &s->mentions[i];
        if (m->type != NA_ENTITY_PERSON)
            continue;
        if (one_word(m->text)) {
            size_t klen;
            const char *key = fold_into(&s->tmp, m->text, strlen(m->text), &klen);
            int32_t full = map_get(&s->names, key);
            if (full == -1) {
                na_buf_grow(&s->tmp, klen + 2);
                memmove(s->tmp.data + 1, s->tmp.data, klen + 1);
                s->tmp.data[0] = '\t';
                full = map_get(&s->names, s->tmp.data);
            }
            if (full >= 0)
                m->value = s->mentions[full].text;
        }
        const char *alias = na_normalise_find(x->norm, NA_FIELD_PERSON, m->value, strlen(m->value));
        if (alias)
            m->value = alias;
    }
}

/* Organisations: the alias table, and a one-word name that begins exactly
 * one longer name of the article is that name ("Samsung" beside "Samsung
 * Electronics"). */
static void resolve_orgs(const na_extractor_t *x, scratch_t *s)
{
    na_strmap_clear(&s->names, NULL);
    for (size_t i = 0; i < s->count; i++) {
        mention_t *m = &s->mentions[i];
        if (m->type != NA_ENTITY_ORG)
            continue;
        const char *alias = na_normalise_find(x->norm, NA_FIELD_ORG, m->text, strlen(m->text));
        m->value = alias ? alias : m->text;
        const char *sp = strchr(m->text, ' ');
        if (sp && !alias) {
            size_t klen;
            const char *key = fold_into(&s->tmp, m->text, (size_t)(sp - m->text), &klen);
            link_name(s, key, klen, i);
        }
    }
    for (size_t i = 0; i < s->count; i++) {
        mention_t *m = &s->mentions[i];
        if (m->type != NA_ENTITY_ORG || m->value != m->text || !one_word(m->text))
            continue;
        size_t klen;
        const char *key = fold_into(&s->tmp, m->text, strlen(m->text), &klen);
        int32_t named = map_get(&s->names, key);
        if (named >= 0)
            m->value = s->mentions[named].value;
    }
}

static bool alnum_byte(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\'';
}

/* True when SHORT abbreviates LONG: its letters and digits are found in
 * LONG in order, case aside, the first at the start of LONG's first
 * word ("SPD" of "Social Democratic Party", "Pemex" of "Petroleos
 * Mexicanos"; the test of Schwartz and Hearst, anchored at the name's
 * start since the name's span is known). */
static bool abbreviates(const char *shrt, size_t slen, const char *lng)
{
    size_t l = strlen(lng);
    for (size_t k = slen; k-- > 0;) {
        int c = na_ascii_lower((unsigned char)shrt[k]);
        if (c == '&')
            continue;
        bool first = k == 0;
        while (l > 0 && (na_ascii_lower((unsigned char)lng[l - 1]) != c || (first && l > 1)))
            l--;
        if (l == 0)
            return false;
        l--;
    }
    return l == 0;
}

static bool upper_byte(int c) { return c >= 'A' && c <= 'Z'; }

/* The abbreviation an article defines right after a name, as in "the
 * Rapid Support Forces (RSF)": its start and length in TEXT, or false.
 * A legal suffix may come between ("Taiwan Semiconductor Manufacturing
 * Co (TSMC)").  Letters, digits and '&', an ASCII capital first. */
static bool abbreviation_after(const char *text, size_t len, size_t end, size_t *at, size_t *n)
{
    size_t i = end;
    while (i < len && i < end + 8 && (upper_byte(text[i] & ~32) || text[i] == '.' || text[i] == ' '))
        i++;
    if (i >= len || text[i] != '(' || i == end || text[i - 1] != ' ')
        return false;
    size_t j = ++i;
    while (j < len && j < i + 11 && ((alnum_byte(text[j]) && text[j] != '\'') || text[j] == '&'))
        j++;
    if (j >= len || text[j] != ')' || j - i < 2 || !upper_byte(text[i]))
        return false;
    *at = i;
    *n = j - i;
    return true;
}

/* An abbreviation the article defines names what its long form names:
 * its mentions take the long form's value, and its type, an
 * organisation unless a place ("the United Arab Emirates (UAE)"), since
 * people are not abbreviated so.  After the resolve_*() steps. */
static void expand_abbreviations(const char *text, size_t len, scratch_t *s)
{
    for (size_t i = 0; i < s->count; i++) {
        mention_t *m = &s->mentions[i];
        size_t at, n;
        if (m->type > NA_ENTITY_ORG || !m->value || !*m->value || one_word(m->text) ||
            !abbreviation_after(text, len, m->end, &at, &n) || !abbreviates(text + at, n, m->text))
            continue;
        if (m->type == NA_ENTITY_PERSON)
            m->type = NA_ENTITY_ORG;
        for (size_t j = 0; j < s->count; j++) {
            mention_t *a = &s->mentions[j];
            if (j != i && a->type <= NA_ENTITY_ORG && strlen(a->text) == n && memcmp(a->text, text + at, n) == 0) {
                a->type = m->type;
                a->value = m->value;
                a->country = m->type == NA_ENTITY_PLACE ? m->country : NULL;
            }
        }
    }
}

/* Several spellings of one name in an article ("BANK OF AMERICA" in the
 * headline, "Bank of America" below) take the first one that is not all
 * capitals. */
static void unify_spellings(scratch_t *s)
{
    na_strmap_clear(&s->names, NULL);
    for (size_t i = 0; i < s->count; i++) {
        const mention_t *m = &s->mentions[i];
        if (m->type == NA_ENTITY_DATE || !has_lower(m->text))
            continue;
        size_t klen;
        const char *key = fold_into(&s->tmp, m->text, strlen(m->text), &klen);
        void **slot = na_strmap_ref(&s->names, key);
        if (slot_get(slot) < 0)
            slot_set(slot, (int32_t)i);
    }
    for (size_t i = 0; i < s->count; i++) {
        mention_t *m = &s->mentions[i];
        if (m->type == NA_ENTITY_DATE || m->value != m->text || has_lower(m->text))
            continue;
        size_t klen;
        const char *key = fold_into(&s->tmp, m->text, strlen(m->text), &klen);
        int32_t first = map_get(&s->names, key);
        if (first >= 0 && s->mentions[first].type == m->type)
            m->value = s->mentions[first].value;
    }
}

/* Parts of the world no gazetteer lists as one place ("Latin America",
 * "Middle East"): never people. */
static bool world_region(const char *name)
{
    static const char *const ends[] = { "America", "Asia", "Africa", "Europe", "East", NULL };
    const char *w = last_word(name);
    if (w == name)
        return false;
    for (const char *const *e = ends; *e; e++)
        if (strcmp(w, *e) == 0)
            return true;
    return false;
}

/* Types the rules know better than the tagger: a country named as an
 * organisation is the country ("U.K."); a place of the gazetteer named as
 * a person is the place unless a title comes before it or a full name of
 * the article ends with it ("DENVER", "Sao Paulo"); a name that ends with
 * a person of the article, after words the tagger took into it, is that
 * person ("Exchequer Nigel Lawson").  Companies are left as they are. */
static void retype(const na_extractor_t *x, scratch_t *s)
{
    /* Folded last words of the article's full names of people, and
     * (after a tab) the full names themselves. */
    na_strmap_clear(&s->names, NULL);
    for (size_t i = 0; i < s->count; i++) {
        const mention_t *m = &s->mentions[i];
        if (m->type != NA_ENTITY_PERSON || one_word(m->text))
            continue;
        size_t klen;
        const char *w = last_word(m->text);
        const char *key = fold_into(&s->tmp, w, strlen(w), &klen);
        map_set(&s->names, key, 1);
        na_buf_reset(&s->tmp);
        na_buf_addc(&s->tmp, '\t');
        na_buf_adds(&s->tmp, m->text);
        map_set(&s->names, s->tmp.data, 1);
    }
    /* A word that opens a longer organisation name of the article
     * (after a '\v'): "Chrysler" after "Chrysler Corp", "Salomon" after
     * "Salomon Brothers". */
    for (size_t i = 0; i < s->count; i++) {
        const mention_t *m = &s->mentions[i];
        if (m->type != NA_ENTITY_ORG || one_word(m->text))
            continue;
        size_t starts[2];
        split_words(m->text, starts, 2);
        size_t klen;
        const char *key = fold_into(&s->tmp, m->text, starts[1], &klen);
        while (klen && key[klen - 1] == ' ')
            klen--;
        na_buf_t k = NA_BUF_INIT;
        na_buf_addc(&k, '\v');
        na_buf_add(&k, key, klen);
        na_buf_addc(&k, '\0');
        map_set(&s->names, k.data, 1);
        na_buf_release(&k);
    }
    for (size_t i = 0; i < s->count; i++) {
        mention_t *m = &s->mentions[i];
        if (m->dateline || m->company || m->place >= 0)
            continue;
        /* A one-word person who opens an organisation the article names
         * is that organisation, unless a full name of a person of the
         * article ends with the word or a title goes with it. */
        if (m->type == NA_ENTITY_PERSON && !m->titled && one_word(m->text)) {
            size_t klen;
            const char *key = fold_into(&s->tmp, m->text, strlen(m->text), &klen);
            if (map_get(&s->names, key) < 0) {
                na_buf_t k = NA_BUF_INIT;
                na_buf_addc(&k, '\v');
                na_buf_adds(&k, key);
                bool opens = map_get(&s->names, k.data) >= 0;
                na_buf_release(&k);
                if (opens) {
                    m->type = NA_ENTITY_ORG;
                    continue;
                }
            }
        }
        const char *alias;
        if (m->type == NA_ENTITY_ORG) {
            int32_t r = place_lookup(x, &s->tmp, m->text, strlen(m->text), &alias);
            if (r >= 0 && x->places[r].kind == PLACE_COUNTRY && x->places[r].next < 0)
                m->type = NA_ENTITY_PLACE;
        } else if (m->type == NA_ENTITY_PERSON && !m->titled) {
            if (world_region(m->text)) {
                m->type = NA_ENTITY_PLACE;
                continue;
            }
            int32_t r = place_lookup(x, &s->tmp, m->text, strlen(m->text), &alias);
            if (r < 0 || x->places[r].kind == PLACE_DEMONYM)
                continue;
            size_t klen;
            const char *key = fold_into(&s->tmp, m->text, strlen(m->text), &klen);
            if (!one_word(m->text) || map_get(&s->names, key) < 0)
                m->type = NA_ENTITY_PLACE;
        }
    }
    for (size_t i = 0; i < s->count; i++) {
        mention_t *m = &s->mentions[i];
        if (m->type == NA_ENTITY_PERSON || m->dateline || m->company || one_word(m->text))
            continue;
        /* The person's name is the last two or three words. */
        size_t starts[16];
        size_t n = split_words(m->text, starts, 16);
        for (size_t k = n >= 4 ? n - 3 : 1; k + 1 < n; k++) {
            na_buf_reset(&s->tmp);
            na_buf_addc(&s->tmp, '\t');
            na_buf_adds(&s->tmp, m->text + starts[k]);
            if (map_get(&s->names, s->tmp.data) < 0)
                continue;
            size_t pn = strlen(m->text + starts[k]);
            memmove(m->text, m->text + starts[k], pn + 1);
            m->type = NA_ENTITY_PERSON;
            if (m->end - m->start > pn)
                m->start = m->end - pn;
            break;
        }
    }
}

/* Whether mention M is evidence enough to list its value: a line of
 * capitals or a table row shows no name by its capitals alone, unless the
 * gazetteer, a legal suffix or the alias tables vouch for it; a person
 * needs a full name, a title or an alias (a surname alone that no full
 * name of the article explains and that is named once is mostly a
 * company or a slip). */
static bool strong_evidence(const mention_t *m)
{
    switch (m->type) {
    case NA_ENTITY_PERSON:
        return !m->weak && (!one_word(m->value) || m->titled || m->value != m->text);
    case NA_ENTITY_ORG:
        return !m->weak || m->company || m->value != m->text;
    case NA_ENTITY_PLACE:
        return !m->weak || m->place >= 0 || m->dateline || m->value != m->text;
    default:
        return true;
    }
}

/* ---- collecting ---- */

static void push_span(na_extraction_t *ex, na_entity_t type, size_t start, size_t end, const char *value,
                      bool demonym)
{
    if (ex->span_count == ex->span_cap) {
        ex->span_cap = ex->span_cap ? ex->span_cap * 2 : 32;
        ex->spans = na_xrealloc(ex->spans, ex->span_cap * sizeof *ex->spans);
    }
    ex->spans[ex->span_count++] = (na_extract_span_t){ type, start, end, na_xstrdup(value), demonym };
}

static int tally_cmp(const void *a, const void *b)
{
    const tally_t *x = a, *y = b;
    if (x->dateline != y->dateline)
        return x->dateline ? -1 : 1;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Adds the values of mentions of TYPE to LIST, most salient first; for
 * places only those the article is about. */
static void collect(const na_extractor_t *x, scratch_t *s, na_entity_t type, na_strlist_t *list)
{
    if (s->tally_cap < s->count * 2 + 1) {
        s->tally_cap = s->count * 2 + 1;
        s->tally = na_xrealloc(s->tally, s->tally_cap * sizeof *s->tally);
    }
    tally_t *t = s->tally;
    size_t n = 0;
    na_strmap_clear(&s->names, NULL);
    for (size_t i = 0; i < s->count; i++) {
        const mention_t *m = &s->mentions[i];
        if (m->type != type || !m->value || !*m->value)
            continue;
        for (int pass = 0; pass < 2; pass++) {
            const char *v = pass == 0 ? m->value : x->city_countries ? m->country : NULL;
            if (!v)
                continue;
            void **slot = na_strmap_ref(&s->names, v);
            int32_t k = slot_get(slot);
            if (k < 0) {
                k = (int32_t)n;
                slot_set(slot, k);
                t[n++] = (tally_t){ .value = v, .first = m->start };
            }
            tally_t *e = &t[k];
            e->count++;
            e->strong |= strong_evidence(m);
            e->prose += !m->weak;
            e->known |= m->place >= 0 || m->value != m->text || pass == 1;
            e->headline |= m->headline;
            e->lead |= m->lead;
            e->dateline |= m->dateline;
        }
    }
    qsort(t, n, sizeof *t, tally_cmp);
    for (size_t i = 0; i < n; i++) {
        if (type == NA_ENTITY_PLACE && !(t[i].dateline || t[i].headline || t[i].lead || t[i].count >= 2))
            continue;
        /* A place no gazetteer or alias table knows ("Miyazawa" of a
         * headline) needs the dateline or a second mention. */
        if (type == NA_ENTITY_PLACE && !t[i].known && !t[i].dateline && t[i].count < 2)
            continue;
        /* A surname alone is a person of the article when named twice
         * in its running text ("Smith said ... Smith declined"). */
        if (!t[i].strong && !(type == NA_ENTITY_PERSON && t[i].prose >= 2))
            continue;
        na_strlist_add(list, t[i].value);
    }
}

/* Gives each value the name the normaliser gives it, as supplied values
 * and queries get: the canton read from "ZURICH" and the city "Zürich"
 * are one place, as are a dateline's "DENVER" and "Denver". */
static void canonical_values(const na_extractor_t *x, scratch_t *s)
{
    static const na_field_t fields[] = { [NA_ENTITY_PERSON] = NA_FIELD_PERSON, [NA_ENTITY_PLACE] = NA_FIELD_PLACE,
                                         [NA_ENTITY_ORG] = NA_FIELD_ORG };
    for (size_t i = 0; x->norm && i < s->count; i++) {
        mention_t *m = &s->mentions[i];
        if (m->type > NA_ENTITY_ORG || !m->value || !*m->value)
            continue;
        const char *c = na_normalise_find(x->norm, fields[m->type], m->value, strlen(m->value));
        if (c)
            m->value = c;
        if (m->country && (c = na_normalise_find(x->norm, NA_FIELD_PLACE, m->country, strlen(m->country))))
            m->country = c;
    }
}

/* True when M names its place by its people's word ("German"). */
static bool by_demonym(const na_extractor_t *x, const mention_t *m)
{
    return m->place >= 0 && x->places[m->place].kind == PLACE_DEMONYM;
}

/* Fills EX's names: every value of a person, place or organisation
 * mention once per type, in order of first mention, salient when the
 * salient lists hold it.  After collect(). */
static void collect_names(const na_extractor_t *x, scratch_t *s, na_extraction_t *ex)
{
    na_strmap_clear(&s->names, NULL);
    /* What the salient sets ask of a name's mentions, less aboutness: a
     * name seen only in lines of capitals and table rows, with nothing
     * to vouch for it ("Apr", "COPPER", "Api Says" of a headline), is no
     * name the article gives. */
    size_t first = ex->name_count, cap = s->count ? s->count : 1;
    bool *strong = na_xcalloc(cap, sizeof *strong);
    unsigned *prose = na_xcalloc(cap, sizeof *prose);
    /* "The French forward" names no place: a place met only as its
     * people's word is a name of the article only when salient. */
    bool *named = na_xcalloc(cap, sizeof *named);
    for (size_t i = 0; i < s->count; i++) {
        const mention_t *m = &s->mentions[i];
        if (m->type == NA_ENTITY_DATE || !m->value || !*m->value)
            continue;
        na_buf_reset(&s->tmp);
        na_buf_addc(&s->tmp, (char)('0' + m->type));
        na_buf_adds(&s->tmp, m->value);
        void **slot = na_strmap_ref(&s->names, s->tmp.data);
        int32_t k = slot_get(slot);
        if (k < 0) {
            if (ex->name_count == ex->name_cap) {
                ex->name_cap = ex->name_cap ? ex->name_cap * 2 : 16;
                ex->names = na_xrealloc(ex->names, ex->name_cap * sizeof *ex->names);
            }
            const na_strlist_t *list = m->type == NA_ENTITY_PERSON ? &ex->people :
                                       m->type == NA_ENTITY_PLACE  ? &ex->places : &ex->orgs;
            k = (int32_t)ex->name_count;
            slot_set(slot, k);
            ex->names[ex->name_count++] = (na_extract_name_t){ m->type, na_xstrdup(m->value), 0, m->start,
                                                               na_strlist_contains(list, m->value) };
        }
        na_extract_name_t *n = &ex->names[k];
        n->count++;
        if (m->start < n->first)
            n->first = m->start;
        strong[(size_t)k - first] |= strong_evidence(m);
        prose[(size_t)k - first] += !m->weak;
        named[(size_t)k - first] |= !by_demonym(x, m);
    }
    size_t kept = first;
    for (size_t i = first; i < ex->name_count; i++) {
        na_extract_name_t *n = &ex->names[i];
        bool vouched = strong[i - first] || (n->type == NA_ENTITY_PERSON && prose[i - first] >= 2);
        if (n->salient || (vouched && named[i - first]))
            ex->names[kept++] = *n;
        else
            free(n->name);
    }
    ex->name_count = kept;
    free(strong);
    free(prose);
    free(named);
}

static int name_cmp(const void *a, const void *b)
{
    const na_extract_name_t *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

static int span_cmp(const void *a, const void *b)
{
    const na_extract_span_t *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* ---- the article ---- */

/* The publication date of IN (see na_extract()), TEXT_DL being the
 * dateline opening its text, into EX's date and date_source. */
static void pick_pubdate(na_extraction_t *ex, const na_extract_input_t *in, const na_dateline_t *text_dl)
{
    const na_date_t *src = in->source_date;
    /* A dateline given as a field has no dash after it; with one added it
     * reads like one opening the text. */
    na_dateline_t field_dl;
    const na_dateline_t *dl = text_dl;
    if (!text_dl->found && in->dateline && *in->dateline) {
        char *line = na_xasprintf("%s - ", in->dateline);
        if (na_dateline_find(line, strlen(line), &field_dl))
            dl = &field_dl;
        free(line);
    }
    if (src && src->year) {
        ex->date = *src;
        ex->date_source = NA_DATE_SOURCE_SOURCE;
        /* The dateline may say the day a coarser source date left out,
         * never a different year or month. */
        if (!src->day && dl->found && dl->month && dl->day && (!src->month || src->month == dl->month) &&
            (!dl->year || dl->year == src->year) && na_date_valid(src->year, dl->month, dl->day)) {
            ex->date = (na_date_t){ src->year, dl->month, dl->day, -1, -1, -1 };
            ex->date_source = NA_DATE_SOURCE_SOURCE_DATELINE;
        }
    } else if (in->date_unreadable) {
        /* A date was given and could not be read: guessing another
         * would hide the problem. */
    } else if (dl->found && dl->month && in->file_time && na_dateline_date(dl, in->file_time, &ex->date)) {
        ex->date_source = NA_DATE_SOURCE_DATELINE;
    } else if (in->file_time && in->file_time->year) {
        ex->date = *in->file_time;
        ex->date_source = NA_DATE_SOURCE_MTIME;
    }
}

static void find_dates(na_extraction_t *ex, const na_extract_input_t *in, const na_dateline_t *text_dl)
{
    scratch_t *s = ex->scratch;
    pick_pubdate(ex, in, text_dl);
    if (!ex->date.year)
        return;
    na_dates_find(in->text, in->len, &ex->date, &s->dates);
    for (size_t i = 0; i < s->dates.count; i++) {
        const na_date_mention_t *d = &s->dates.items[i];
        /* The dateline's own date is the publication date, not a mention. */
        if (text_dl->found && d->start < text_dl->end)
            continue;
        push_span(ex, NA_ENTITY_DATE, d->start, d->end, d->value, false);
        na_strlist_add_unique(&ex->mentioned, d->value);
    }
}

/* ---- text that is not prose ---- */

/* The line of TEXT (LEN bytes) that holds byte POS: [*LS, *LE).  Calls
 * for one text come in increasing POS, so the line found last is kept in
 * *LS and *LE and reused, and each byte is looked at about once. */
static void line_at(const char *text, size_t len, size_t pos, size_t *ls, size_t *le)
{
    if (*le > pos && *ls <= pos)
        return;
    size_t from = *le <= pos ? *le : 0;
    const char *nl = pos > from ? memrchr(text + from, '\n', pos - from) : NULL;
    *ls = nl ? (size_t)(nl - text) + 1 : from;
    const char *end = memchr(text + pos, '\n', len - pos);
    *le = end ? (size_t)(end - text) : len;
}

/* A line of capitals (a headline, a shouted dateline): there a capital
 * letter says nothing about a name. */
static bool caps_line(const char *text, size_t ls, size_t le)
{
    size_t upper = 0;
    if (le - ls > 300)
        return false;
    for (size_t i = ls; i < le; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 'a' && c <= 'z')
            return false;
        upper += c >= 'A' && c <= 'Z';
    }
    return upper >= 4;
}

/* A row of a table: a short line of figures and abbreviations ("Shr 39
 * cts vs 50 cts", "Leicester 5 3 1 1"), not a short line of prose (at
 * most three lower-case words other than units). */
static bool table_line(const char *text, size_t ls, size_t le)
{
    static const char *const units[] = { "vs", "vs.", "cts", "mln", "dlrs", "pct", "billion", "stg", "yen",
                                         "avg", "shrs", "mths", "of", "loss", "profit", "net", "revs", "div",
                                         "prior", "qtr", "pay", "payable", "record", "in", NULL };
    while (ls < le && na_is_space((unsigned char)text[ls]))
        ls++;
    while (le > ls && na_is_space((unsigned char)text[le - 1]))
        le--;
    if (le - ls > 64 || le == ls)
        return false;
    size_t numbers = 0, words = 0, prose = 0, vs = 0;
    for (size_t i = ls; i < le;) {
        while (i < le && text[i] == ' ')
            i++;
        size_t w = i;
        while (i < le && text[i] != ' ')
            i++;
        if (i == w)
            break;
        bool digit = false;
        for (size_t k = w; k < i; k++)
            digit |= text[k] >= '0' && text[k] <= '9';
        words++;
        if (digit) {
            numbers++;
            continue;
        }
        bool unit = word_in(units, text + w, i - w, false);
        vs += i - w >= 2 && strncmp(text + w, "vs", 2) == 0 && unit;
        if (!unit && text[w] >= 'a' && text[w] <= 'z')
            prose++;
    }
    if (prose > 3)
        return false;
    return vs > 0 || numbers >= 2 || (numbers == 1 && words <= 4);
}

/* 1 when [START, END) lies inside angle brackets as a ticker ("<GE>",
 * "<RTRS.L>"), 2 when inside them as a company's name ("<Pratt and
 * Whitney>": wire stories bracket unlisted companies), else 0. */
static int in_brackets(const char *text, size_t len, size_t start, size_t end)
{
    size_t i = start, j = end;
    while (i > 0 && start - i < 80 && text[i - 1] != '<' && text[i - 1] != '>')
        i--;
    if (i == 0 || text[i - 1] != '<')
        return 0;
    while (j < len && j - end < 80 && text[j] != '>' && text[j] != '<')
        j++;
    if (j >= len || text[j] != '>')
        return 0;
    for (size_t k = i; k < j; k++)
        if ((text[k] >= 'a' && text[k] <= 'z') || na_is_space((unsigned char)text[k]))
            return 2;
    return 1;
}

/* The length of the legal suffix that follows a name ending at END:
 * " Corp", ", Inc.", " and Co"; 0 when none follows. */
static size_t suffix_after(const na_extractor_t *x, na_buf_t *tmp, const char *text, size_t len, size_t end)
{
    size_t i = end;
    if (i < len && text[i] == ',')
        i++;
    bool org_word = false;
    for (int words = 0; words < 3; words++) {
        size_t sp = i;
        while (i < len && (text[i] == ' ' || (text[i] == '\n' && (i == sp || text[i - 1] != '\n'))))
            i++;
        if (i == sp || i >= len)
            return 0;
        if (text[i] == '(' && words == 0) {
            /* "Cheung Kong (Holdings) Ltd" */
            size_t close = i + 1;
            while (close < len && close - i < 24 && text[close] != ')' && text[close] != '\n')
                close++;
            if (close >= len || text[close] != ')')
                return 0;
            i = close + 1;
            continue;
        }
        size_t w = i;
        while (i < len && (alnum_byte((unsigned char)text[i]) || text[i] == '.' || text[i] == '&'))
            i++;
        size_t n = i - w;
        if (n > 2 && text[w + n - 2] == '\'' && text[w + n - 1] == 's')
            n -= 2; /* "Wells Fargo and Co's" */
        if (n == 0)
            return 0;
        if (words == 0 && ((n == 3 && strncasecmp(text + w, "and", 3) == 0) || (n == 1 && text[w] == '&'))) {
            size_t save = i;
            while (i < len && text[i] == ' ')
                i++;
            if (i + 2 <= len && strncmp(text + i, "Co", 2) == 0 &&
                (i + 2 == len || !alnum_byte((unsigned char)text[i + 2]) || text[i + 2] == 's' ||
                 text[i + 2] == '\'')) {
                i = save;
                continue;
            }
            return 0;
        }
        if (text[w] < 'A' || text[w] > 'Z')
            return 0;
        size_t m = n;
        while (m > 1 && text[w + m - 1] == '.')
            m--;
        if (in_set(&x->org_suffixes, tmp, text + w, n) || in_set(&x->org_suffixes, tmp, text + w, m))
            return w + n - end;
        /* "Jardine Matheson Holdings Ltd": one organisation word, then
         * the suffix. */
        if (words < 2 && !org_word && in_set(&x->org_words, tmp, text + w, n)) {
            org_word = true;
            continue;
        }
        return 0;
    }
    return 0;
}

/* The length of a word after END that makes the name before it a
 * company ("Wells Fargo Bank", "Boyd Jefferies Group" is not a person),
 * or 0.  Words of government ("Administration") are left out: "the
 * Clinton Administration" keeps its person. */
static size_t company_word_after(const char *text, size_t len, size_t end)
{
    static const char *const words[] = { "Bank", "Bancorp", "Group", "Holdings", "Industries", "Securities",
                                         "Trust", "Capital", "Investments", "Insurance", "Financial",
                                         "Brothers", "Partners", "Associates", "Enterprises", "Laboratories",
                                         "Motors", "Airlines", NULL };
    size_t i = end;
    if (i >= len || (text[i] != ' ' && text[i] != '\n'))
        return 0;
    i++;
    for (const char *const *w = words; *w; w++) {
        size_t n = strlen(*w);
        if (i + n <= len && strncmp(text + i, *w, n) == 0 && (i + n == len || !alnum_byte((unsigned char)text[i + n])))
            return i + n - end;
    }
    return 0;
}

/* True when the name [START, END) of two words or more ends with a word
 * that marks an organisation ("Drug Administration", "Swiss Bank"). */
static bool org_final(const na_extractor_t *x, na_buf_t *tmp, const char *text, size_t start, size_t end)
{
    size_t i = end;
    while (i > start && text[i - 1] != ' ' && text[i - 1] != '\n')
        i--;
    return i > start && (in_set(&x->org_words, tmp, text + i, end - i) ||
                         (end - i == 13 && strncmp(text + i, "International", 13) == 0));
}

/* The word before byte START, in *W (LEN *N); false when there is none. */
static bool word_before(const char *text, size_t start, size_t *w, size_t *n)
{
    size_t i = start;
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\n'))
        i--;
    size_t e = i;
    while (i > 0 && (alnum_byte((unsigned char)text[i - 1]) || text[i - 1] == '.' ||
                     (unsigned char)text[i - 1] >= 0x80))
        i--;
    *w = i;
    *n = e - i;
    return e > i;
}

/* Where a person's name starts when the tagger took the last word of a
 * title of several words into it ("Chancellor of the | Exchequer Nigel
 * Lawson", "Secretary of | State George Shultz"): after that word, with
 * *TYPE set to person, when a title of the gazetteer ends there and two
 * words or more are left; otherwise START. */
static size_t after_title_tail(const na_extractor_t *x, na_buf_t *tmp, const char *text, size_t start, size_t end,
                               na_entity_t *type)
{
    size_t first = start;
    while (first < end && !na_is_space((unsigned char)text[first]))
        first++;
    size_t second = first;
    while (second < end && na_is_space((unsigned char)text[second]))
        second++;
    if (second >= end || !memchr(text + second, ' ', end - second))
        return start;
    size_t w, n, from = start;
    for (int k = 0; k < 3 && word_before(text, from, &w, &n); k++) {
        from = w;
        if (!(n == 2 && strncmp(text + w, "of", 2) == 0) && !(n == 3 && strncmp(text + w, "the", 3) == 0))
            break;
    }
    if (from == start)
        return start;
    char *phrase = tidy_words(text, from, first);
    bool title = in_set(&x->titles, tmp, phrase, strlen(phrase));
    free(phrase);
    if (!title)
        return start;
    *type = NA_ENTITY_PERSON;
    return second;
}

/* True when WORDS is one common word ("Heavy", "Trade"), or when every
 * word is a common word or a unit of a table and one is a unit ("Nine
 * Mths", "Class A"): no name at all.  Common words alone may make a name
 * of several words ("White House", "Red Cross"). */
static bool all_common(const na_extractor_t *x, na_buf_t *tmp, const char *words)
{
    bool any_unit = false;
    static const char *const units[] = { "mths", "qtr", "qtly", "shr", "shrs", "revs", "avg", NULL };
    for (const char *w = words; *w;) {
        const char *e = strchr(w, ' ');
        size_t n = e ? (size_t)(e - w) : strlen(w);
        bool unit = (n == 1 && *w >= 'A' && *w <= 'Z') /* "Class A" */ || word_in(units, w, n, true);
        bool lower = false, dot = false;
        for (size_t k = 0; k < n; k++)
            lower |= w[k] >= 'a' && w[k] <= 'z', dot |= w[k] == '.';
        if (!unit && (!lower || dot || !in_set(&x->common, tmp, w, n)))
            return false; /* "US" is no "us" */
        any_unit |= unit;
        w += n;
        while (*w == ' ')
            w++;
    }
    return any_unit || one_word(words);
}

static const char *const instruments[] = { "securities", "bonds", "bills", "notes", "futures", "shares",
                                           "stock", "stocks", "issues", "yields", "paper", NULL };

/* True when a word for what an organisation issues follows byte END
 * ("Treasury bills"). */
static bool instrument_after(const char *text, size_t len, size_t end)
{
    if (end >= len || (text[end] != ' ' && text[end] != '\n'))
        return false;
    for (const char *const *t = instruments; *t; t++) {
        size_t n = strlen(*t);
        if (end + 1 + n <= len && strncmp(text + end + 1, *t, n) == 0 &&
            (end + 1 + n == len || !alnum_byte((unsigned char)text[end + 1 + n])))
            return true;
    }
    return false;
}

/* Cuts words for what an organisation issues from the end of its name
 * ("Treasury securities" -> Treasury), in place; returns the new length
 * of the span, LEN less the bytes cut. */
static size_t drop_instruments(char *words, size_t len)
{
    char *sp = strrchr(words, ' ');
    if (!sp)
        return len;
    for (const char *const *t = instruments; *t; t++)
        if (strcmp(sp + 1, *t) == 0) {
            size_t cut = strlen(sp);
            *sp = '\0';
            return len > cut ? len - cut : len;
        }
    return len;
}

/* Where a known company's name that ends with the span [START, END)
 * starts, up to three words before it on its line and after LAST, the
 * article's last mention ("Standard and | Poor's" where the tagger saw
 * only "Poor"); START when none does.  A possessive after the span
 * belongs to the name when the company's does. */
static size_t known_company(const na_extractor_t *x, na_buf_t *tmp, const char *text, size_t start, size_t end,
                            const mention_t *last)
{
    size_t best = start, from = start;
    size_t e = end;
    if (text[e] == '\'' && text[e + 1] == 's')
        e += 2;
    for (int k = 0; k < 3; k++) {
        size_t w, n;
        if (!word_before(text, from, &w, &n) || (last && last->end > w))
            break;
        for (size_t i = w + n; i < from; i++)
            if (text[i] == '\n' && i + 1 < from && text[i + 1] == '\n')
                return best;
        from = w;
        if (text[w] < 'A' || text[w] > 'Z')
            continue; /* "and", "of" inside a name */
        char *phrase = tidy_words(text, w, e);
        bool known = in_set(&x->companies, tmp, phrase, strlen(phrase));
        if (!known && e > end) {
            phrase[strlen(phrase) - 2] = '\0';
            known = in_set(&x->companies, tmp, phrase, strlen(phrase));
        }
        free(phrase);
        if (known)
            best = w;
    }
    return best;
}

/* True for an organisation's first word that no person's name opens
 * with: banks and companies named in French, Spanish, Italian. */
static bool org_first_word(const char *words)
{
    static const char *const firsts[] = { "Banque", "Banco", "Banca", "Bank", "Credit", "Crédit", "Caisse",
                                          "Societe", "Société", "Compagnie", "Groupe", "Grupo", "Cie", NULL };
    const char *sp = strchr(words, ' ');
    if (!sp)
        return false;
    for (const char *const *f = firsts; *f; f++)
        if (strlen(*f) == (size_t)(sp - words) && strncmp(*f, words, (size_t)(sp - words)) == 0)
            return true;
    return false;
}

/* True for what is written like a name and is none: an amount of money
 * ("H.K. Dlr", "Canadian Dlrs"), a credit rating ("AA", "Baa-1") unless
 * the alias table knows it as an organisation ("CCC"), or a programme,
 * law or agreement ("Export Enhancement Program"). */
static bool not_a_name(const na_extractor_t *x, const char *words)
{
    static const char *const money[] = { "Dlr", "Dlrs", "Stg", "Yen", "Francs", "Marks", NULL };
    static const char *const things[] = { "Program", "Programme", "Act", "Agreement", "Accord", "Plan",
                                          "Treaty", "Index", NULL };
    const char *w = last_word(words);
    for (const char *const *m = money; *m; m++)
        if (strcmp(w, *m) == 0)
            return true;
    for (const char *const *t = things; *t && w != words; t++)
        if (strcmp(w, *t) == 0)
            return true;
    /* Ratings: one letter repeated (A, B or C, "a" after the first), an
     * optional "-1", "+" or "-plus". */
    size_t n = strlen(words), i = 1;
    if (n < 2 || n > 8 || (words[0] != 'A' && words[0] != 'B' && words[0] != 'C'))
        return false;
    while (i < n && (words[i] == words[0] || words[i] == 'a'))
        i++;
    if (i < 2)
        return false;
    if (i < n && (words[i] == '-' || words[i] == '+'))
        i++;
    while (i < n && words[i] >= '0' && words[i] <= '9')
        i++;
    if (i < n)
        return false;
    return !na_normalise_find(x->norm, NA_FIELD_ORG, words, n);
}

/* Quantity words that open a sentence in capitals ("Thousands marched"). */
static bool quantity_word(const char *w)
{
    /* Measures of an economy are written like organisations' letters. */
    static const char *const measures[] = { "GNP", "GDP", "CPI", "PPI", "PSBR", "M-1", "M-2", "M-3", "M1", "M2",
                                            "M3", NULL };
    for (const char *const *p = measures; *p; p++)
        if (strcmp(*p, w) == 0)
            return true;
    /* And adjectives that open many names but are none alone ("Federal
     * funds", "National said"). */
    static const char *const words[] = { "Tens", "Hundreds", "Thousands", "Millions", "Billions", "Dozens",
                                         "Scores", "Some", "Many", "Several", "Federal", "National",
                                         "International", "Central", "General", "Royal", "Standard", NULL };
    for (const char *const *p = words; *p; p++)
        if (strcasecmp(*p, w) == 0)
            return true;
    return false;
}

/* Seats of government named for the government ("the White House
 * said"): organisations, unless a preposition of place comes before
 * ("at the White House"). */
static bool metonym(const char *words, const char *text, size_t start)
{
    static const char *const seats[] = { "White House", "Kremlin", "Pentagon", "Downing Street", "Elysee",
                                         "Elysee Palace", "Élysée", "Élysée Palace", "Whitehall", "Blue House",
                                         "Quai d'Orsay", "Zhongnanhai", NULL };
    bool seat = false;
    for (const char *const *p = seats; *p && !seat; p++)
        seat = strcmp(*p, words) == 0;
    if (!seat)
        return false;
    size_t w, n;
    if (word_before(text, start, &w, &n) && n == 3 && strncasecmp(text + w, "the", 3) == 0)
        word_before(text, w, &w, &n);
    static const char *const preps[] = { "at", "in", "outside", "inside", "near", "into", "to", "from",
                                         "visit", "visited", "of", NULL };
    return !word_in(preps, text + w, n, true);
}

/* True for a name in capitals that opens one of the first lines of TEXT
 * and is followed only by an optional region and a date of digits, the
 * dateline of agency copy such as "NEW YORK 1996-08-22" or "LEEDS,
 * England 1996-08-26", which the date reader does not take for one: its
 * city is a place, never a team or a person. */
static bool iso_dateline_city(const char *text, size_t len, size_t start, size_t end)
{
    if (start > 400 || (start && text[start - 1] != '\n'))
        return false;
    for (size_t i = start; i < end; i++)
        if (text[i] >= 'a' && text[i] <= 'z')
            return false;
    size_t i = end;
    if (i < len && text[i] == ',')
        while (i < len && text[i] != '\n' && !(text[i] >= '0' && text[i] <= '9'))
            i++;
    while (i < len && text[i] == ' ')
        i++;
    static const char shape[] = "dddd-dd-dd";
    for (size_t k = 0; shape[k]; k++, i++) {
        if (i >= len)
            return false;
        bool digit = text[i] >= '0' && text[i] <= '9';
        if (shape[k] == 'd' ? !digit : text[i] != shape[k])
            return false;
    }
    while (i < len && (text[i] == ' ' || text[i] == '\r'))
        i++;
    return i == len || text[i] == '\n';
}

/* True for a name that ends the text, alone on its line or set apart by
 * a run of blanks: a wire story's sign-off ("Reuter"), not a person or
 * organisation of the story. */
static bool sign_off(const char *text, size_t len, size_t start, size_t end)
{
    for (size_t i = end; i < len; i++)
        if ((unsigned char)text[i] > ' ' && text[i] != '.' && text[i] != '-')
            return false;
    size_t blanks = 0;
    for (size_t i = start; i > 0 && text[i - 1] != '\n'; i--, blanks++)
        if ((unsigned char)text[i - 1] > ' ')
            return blanks >= 3;
    return true;
}

/* False for what cannot be a name on its own: no two letters, or only a
 * title or legal suffix ("Corp", "Mr") left of a tagging slip. */
static bool worth_a_name(const na_extractor_t *x, na_buf_t *tmp, const char *words)
{
    size_t letters = 0;
    for (const unsigned char *p = (const unsigned char *)words; *p && letters < 2; p++)
        letters += ((*p | 32) >= 'a' && (*p | 32) <= 'z') || *p >= 0xc0;
    if (letters < 2)
        return false;
    size_t n = strlen(words);
    return !in_set(&x->org_suffixes, tmp, words, n) && !in_set(&x->titles, tmp, words, n);
}

/* End of the lead: the first paragraph after the title, or its first 400
 * bytes in text with no paragraphs. */
static size_t lead_end(const char *text, size_t len, size_t body)
{
    size_t limit = body + 400 < len ? body + 400 : len;
    for (size_t i = body; i + 1 < limit; i++)
        if (text[i] == '\n' && (text[i + 1] == '\n' || (text[i + 1] == '\r' && i + 2 < len && text[i + 2] == '\n')))
            return i > body + 80 ? i : limit;
    return limit;
}

/* The dateline opening TEXT, as na_extract() reads it. */
static void text_dateline(const na_extractor_t *x, scratch_t *s, const char *text, size_t len, na_dateline_t *dl)
{
    const char *alias;
    if (na_dateline_find(text, len, dl) && !dl->month && !dl->region_end &&
        place_lookup(x, &s->tmp, text + dl->city_start, dl->city_end - dl->city_start, &alias) < 0 && !alias)
        memset(dl, 0, sizeof *dl); /* "SOCCER - JAPAN WIN": a headline's topic, not a city */
}

/* Checks the arguments of an extraction and readies EX for its result:
 * emptied, with the scratch space it keeps from call to call. */
static na_status_t begin(const na_extractor_t *x, const na_extract_input_t *in, na_extraction_t *ex,
                         na_error_t *err)
{
    if (!x || !in || !ex || (!in->text && in->len))
        return na_error_set(err, NA_ERR_INVALID, "extract: no extractor, input or output");
    reset_result(ex);
    if (!ex->scratch)
        ex->scratch = na_xcalloc(1, sizeof(scratch_t));
    return NA_OK;
}

na_status_t na_extract_pubdate(const na_extractor_t *x, const na_extract_input_t *in, na_extraction_t *ex,
                               na_error_t *err)
{
    na_status_t st = begin(x, in, ex, err);
    if (st != NA_OK)
        return st;
    na_dateline_t dl;
    text_dateline(x, ex->scratch, in->text, in->len, &dl);
    pick_pubdate(ex, in, &dl);
    return NA_OK;
}

na_status_t na_extract(const na_extractor_t *x, const na_extract_input_t *in, na_extraction_t *ex,
                       na_error_t *err)
{
    na_status_t st = begin(x, in, ex, err);
    if (st != NA_OK)
        return st;
    scratch_t *s = ex->scratch;
    clear_mentions(s);
    const char *text = in->text;
    size_t len = in->len;

    na_dateline_t dl;
    text_dateline(x, s, text, len, &dl);
    find_dates(ex, in, &dl);

    st = na_tokenize(text, len, hard_wrapped(text, len) ? NA_TOKENIZE_PARAGRAPHS : NA_TOKENIZE_LINES, &s->toks,
                     err);
    if (st == NA_OK)
        st = na_ner_tag(x->model, x->gaz, text, len, s->toks.items, s->toks.count, &s->ner, err);
    if (st != NA_OK)
        return st;

    /* The headline is the first sentence; the lead runs to the end of the
     * first paragraph after it. */
    size_t headline_end = len;
    for (size_t i = 1; i < s->toks.count; i++)
        if (s->toks.items[i].flags & NA_TOKEN_SENT_START) {
            headline_end = s->toks.items[i].start;
            break;
        }
    size_t lead = lead_end(text, len, dl.found ? dl.end : headline_end);

    /* A dateline given as a field follows the title: found there, its
     * city is a place of the article and never a person. */
    if (!dl.found && in->dateline && *in->dateline) {
        const char *d = in->dateline;
        while (na_is_space((unsigned char)*d))
            d++;
        size_t dn = strlen(d);
        while (dn && na_is_space((unsigned char)d[dn - 1]))
            dn--;
        const char *hit = dn && len ? memmem(text, len, d, dn) : NULL;
        na_dateline_t fdl;
        if (hit && na_dateline_find(hit, len - (size_t)(hit - text), &fdl)) {
            size_t off = (size_t)(hit - text);
            fdl.city_start += off;
            fdl.city_end += off;
            if (fdl.region_end) {
                fdl.region_start += off;
                fdl.region_end += off;
            }
            fdl.end += off;
            dl = fdl;
        } else if (hit) {
            /* One the date reader does not know ("ST. LOUIS, Feb 26 -"):
             * its city is what comes before the first comma, when that is
             * written in capitals. */
            size_t off = (size_t)(hit - text), c = 0;
            while (c < dn && d[c] != ',')
                c++;
            bool caps = c > 1 && c < dn;
            for (size_t k = 0; k < c && caps; k++)
                caps = !(d[k] >= 'a' && d[k] <= 'z');
            if (caps) {
                memset(&dl, 0, sizeof dl);
                dl.found = true;
                dl.city_start = off;
                dl.city_end = off + c;
                dl.end = off + dn;
            }
        }
    }

    bool dateline_covered = false;
    size_t line_start = 0, line_end = 0;
    for (size_t i = 0; i < s->ner.count; i++) {
        const na_ner_span_t *sp = &s->ner.items[i];
        size_t start = sp->start, end = sp->end;
        bool company = false;
        na_entity_t type;
        if (sp->type == NA_NER_PER)
            type = NA_ENTITY_PERSON;
        else if (sp->type == NA_NER_LOC)
            type = NA_ENTITY_PLACE;
        else if (sp->type == NA_NER_ORG)
            type = NA_ENTITY_ORG;
        else
            type = NA_ENTITY_PLACE; /* MISC: kept only when a demonym */
        /* In a dateline only the city and region are names of the
         * article: "(Reuters)" is the agency, not a subject. */
        bool in_city = dl.found && sp->start >= dl.city_start && sp->start < dl.city_end;
        bool in_region = dl.found && dl.region_end && sp->start >= dl.region_start && sp->start < dl.region_end;
        /* "KOKOMO, Ind., Feb 26 -": a place after the city is its region. */
        in_region |= dl.found && sp->type == NA_NER_LOC && sp->start >= dl.city_end && sp->start < dl.end;
        in_city |= !dl.found && iso_dateline_city(text, len, sp->start, sp->end);
        if (dl.found && sp->start < dl.end && sp->start >= dl.city_start && !in_city && !in_region)
            continue;
        if (in_city || in_region) {
            type = NA_ENTITY_PLACE;
        } else if (sign_off(text, len, sp->start, sp->end)) {
            continue;
        } else {
            int br = in_brackets(text, len, start, end);
            if (br == 1)
                continue; /* a ticker */
            size_t suf = suffix_after(x, &s->tmp, text, len, end);
            size_t lw = end;
            while (lw > start && !na_is_space((unsigned char)text[lw - 1]))
                lw--;
            bool inside = lw > start && in_set(&x->org_suffixes, &s->tmp, text + lw, end - lw);
            if (!suf && !inside && sp->type == NA_NER_PER)
                suf = company_word_after(text, len, end);
            if (br == 2 || suf || inside) {
                type = NA_ENTITY_ORG;
                company = true;
                end += suf;
            }
            /* "Standard and Poor's Corp", "General Electric Co": the whole
             * name before a legal suffix, or a known company's name, is
             * one organisation even where the tagger cut it. */
            /* The tagger's previous span, kept as a mention or not
             * ("Standard" alone is dropped, "Standard and Poor's" is not). */
            const na_ner_span_t *pv = i ? &s->ner.items[i - 1] : NULL;
            if (pv && dl.found && pv->start < dl.end)
                pv = NULL;
            mention_t *pm = s->count ? &s->mentions[s->count - 1] : NULL;
            if (pm && pv && pm->start != pv->start)
                pm = NULL;
            size_t gap = pv && pv->end <= start ? start - pv->end : 99;
            bool joined = pv && gap <= 5 &&
                          (gap == 1 ? na_is_space((unsigned char)text[pv->end]) :
                           (gap == 5 && strncmp(text + pv->end, " and ", 5) == 0) ||
                           (gap == 3 && strncmp(text + pv->end, " & ", 3) == 0));
            if (joined && company && gap > 1) {
                /* "Standard and Poor's Corp" is one firm, but not "Pratt
                 * and Whitney and General Electric Co" nor "GM and
                 * Chrysler Corp": the name after the "and" must be no
                 * company of its own. */
                char *own = tidy_words(text, start, end);
                strip_org(x, &s->tmp, own);
                joined = !in_set(&x->companies, &s->tmp, own, strlen(own)) &&
                         !memchr(text + pv->start, ' ', pv->end - pv->start);
                free(own);
            }
            /* "Smith Barney, Harris Upham and Co" is one firm. */
            bool and_co = company && (memmem(text + start, end - start, " and Co", 7) ||
                                      memmem(text + start, end - start, " And Co", 7) ||
                                      memmem(text + start, end - start, " & Co", 5) ||
                                      memmem(text + start, end - start, "\nand Co", 7));
            joined |= pv && and_co && gap == 2 && text[pv->end] == ',' && na_is_space((unsigned char)text[pv->end + 1]);
            if (joined && !company) {
                char *both = tidy_words(text, pv->start, end);
                joined = in_set(&x->companies, &s->tmp, both, strlen(both));
                if (!joined) {
                    strip_org(x, &s->tmp, both);
                    joined = in_set(&x->companies, &s->tmp, both, strlen(both));
                }
                free(both);
            }
            if (joined) {
                start = pv->start;
                if (pm && pm->start == pv->start) {
                    free(pm->text);
                    s->count--;
                }
                pm = NULL;
                type = NA_ENTITY_ORG;
                company = true;
            }
            if (!company) {
                size_t from = known_company(x, &s->tmp, text, start, end, s->count ? &s->mentions[s->count - 1] : NULL);
                if (from < start) {
                    start = from;
                    type = NA_ENTITY_ORG;
                    company = true;
                    if (end + 2 <= len && text[end] == '\'' && text[end + 1] == 's') {
                        char *with = tidy_words(text, start, end + 2);
                        if (in_set(&x->companies, &s->tmp, with, strlen(with)))
                            end += 2;
                        free(with);
                    }
                }
            }
            if (company || (sp->type != NA_NER_LOC && org_final(x, &s->tmp, text, start, end))) {
                const mention_t *last = s->count ? &s->mentions[s->count - 1] : NULL;
                type = NA_ENTITY_ORG;
                for (int k = 0; k < 3; k++) {
                    size_t w, n;
                    bool via_and = false;
                    if (and_co && k == 0 && start >= 2 && text[start - 1] == ' ' && text[start - 2] == ',' &&
                        word_before(text, start - 2, &w, &n) && text[w] >= 'A' && text[w] <= 'Z' &&
                        !(last && last->end > w)) {
                        start = w; /* "Kidder, Peabody and Co" */
                        continue;
                    }
                    if (!word_before(text, start, &w, &n))
                        break;
                    if ((n == 3 && strncmp(text + w, "and", 3) == 0) || (n == 1 && text[w] == '&')) {
                        via_and = true;
                        size_t w2, n2; /* "Alex. Brown and Sons Inc", "Food and Drug Administration" */
                        if (!word_before(text, w, &w2, &n2) || text[w2] < 'A' || text[w2] > 'Z' ||
                            (last && last->end > w2 && last->start != w2) || (dl.found && w2 < dl.end))
                            break;
                        w = w2, n = n2;
                    }
                    if (place_possessive(x, &s->tmp, text + w, n))
                        break; /* "Canada's Teck Resources Ltd" */
                    if (last && last->end > w && last->start == w && !last->dateline) {
                        /* "Food" of "Food and Drug Administration", the
                         * "American" of a company: part of this name. */
                        free(s->mentions[--s->count].text);
                        last = s->count ? &s->mentions[s->count - 1] : NULL;
                    }
                    if (text[w] < 'A' || text[w] > 'Z' || (last && last->end > w) || (dl.found && w < dl.end) ||
                        (n <= 3 && (strncmp(text + w, "The", n) == 0 || n == 1)))
                        break;
                    size_t b = w;
                    while (b > 0 && (text[b - 1] == ' ' || (text[b - 1] == '\n' && (b < 2 || text[b - 2] != '\n'))))
                        b--;
                    /* A sentence may open with "Standard and Poor's Corp",
                     * seldom with a company's first word alone. */
                    bool opens = b == 0 || text[b - 1] == '.' || text[b - 1] == '\n' || text[b - 1] == '"';
                    if (opens && !via_and)
                        break;
                    start = w;
                    if (opens)
                        break;
                }
            }
        }
        if (!company && !in_city && !in_region) {
            /* "Chancellor of the | Exchequer Nigel | Lawson": the tagger
             * took the title's last word and stopped one word short; a
             * capitalised word right after, which no span holds, ends
             * the name. */
            size_t next = end + 1, next_end = next;
            if (end < len && text[end] == ' ' && next < len && text[next] >= 'A' && text[next] <= 'Z' &&
                !(i + 1 < s->ner.count && s->ner.items[i + 1].start == next)) {
                next_end = next + 1;
                while (next_end < len && text[next_end] >= 'a' && text[next_end] <= 'z')
                    next_end++;
                if (next_end - next < 2 || (next_end < len && !na_is_space((unsigned char)text[next_end]) &&
                                             !strchr(",.;:)'", text[next_end])))
                    next_end = next;
            }
            size_t from = after_title_tail(x, &s->tmp, text, start, end, &type);
            const char *gap = memchr(text + start, ' ', end - start);
            bool two_words = gap && !memchr(gap + 1, ' ', (size_t)(text + end - (gap + 1)));
            if (from == start && next_end > next && two_words) {
                from = after_title_tail(x, &s->tmp, text, start, next_end, &type);
                if (from != start)
                    end = next_end;
            }
            start = from;
        }
        char *words = tidy_words(text, start, end);
        if (!company && !in_city && !in_region &&
            (in_set(&x->companies, &s->tmp, words, strlen(words)) ||
             (type != NA_ENTITY_ORG && na_normalise_find_alias(x->norm, NA_FIELD_ORG, words, strlen(words))) ||
             (!one_word(words) && in_set(&x->org_suffixes, &s->tmp, last_word(words), strlen(last_word(words)))))) {
            type = NA_ENTITY_ORG; /* "Chrysler Corp" is never a person */
            company = true;
        }
        if (type == NA_ENTITY_ORG && end + 15 <= len && (text[end] == ' ' || text[end] == '\n') &&
            strncmp(text + end + 1, "administration", 14) == 0 && (end + 15 == len || !alnum_byte(text[end + 15]))) {
            end += 15; /* "the Reagan administration", not an organisation "Reagan" */
            free(words);
            words = tidy_words(text, start, end);
        }
        int32_t demonym = sp->type == NA_NER_MISC && !in_city && !company ? demonym_of(x, &s->tmp, words) : -1;
        if (sp->type == NA_NER_MISC && !in_city && !company && demonym < 0) {
            free(words);
            continue;
        }
        if (shouted(text, len, words, sp->start, sp->end))
            title_case(words);
        if (!(company && in_set(&x->companies, &s->tmp, words, strlen(words))))
            strip_possessive(words); /* but "Standard and Poor's" */
        if (type == NA_ENTITY_PERSON)
            strip_titles(x, &s->tmp, words);
        else if (type == NA_ENTITY_ORG)
            strip_org(x, &s->tmp, words);
        if (!worth_a_name(x, &s->tmp, words)) {
            free(words);
            continue;
        }
        bool dateline = in_city || in_region;
        if (type == NA_ENTITY_ORG) {
            end = start + drop_instruments(words, end - start);
            if (!company && instrument_after(text, len, end)) {
                free(words); /* "Treasury bills": a kind of paper, not the Treasury */
                continue;
            }
        }
        if (!dateline && type == NA_ENTITY_PERSON && org_first_word(words)) {
            type = NA_ENTITY_ORG; /* "Banque Paribas", "Credit Lyonnais" */
            company = true;
        }
        if (!dateline && demonym < 0 && !company && not_a_name(x, words)) {
            free(words); /* "H.K. Dlr", "AA", "Export Enhancement Program" */
            continue;
        }
        if (!dateline && demonym < 0 && !company &&
            (all_common(x, &s->tmp, words) || (one_word(words) && quantity_word(words)) ||
             (one_word(words) && has_lower(words) && in_set(&x->org_words, &s->tmp, words, strlen(words))))) {
            /* "Heavy rain", "Thousands marched", "Net 1,545 vs 2,188",
             * "Nine Mths", "the Bank said": common words, or an
             * organisation word alone, are no name. */
            free(words);
            continue;
        }
        if (!dateline && metonym(words, text, start))
            type = NA_ENTITY_ORG;
        mention_t *m = add_mention(s, type, start, end, words);
        m->place = demonym;
        m->headline = start < headline_end;
        m->lead = start < lead;
        m->company = company;
        size_t w, n;
        m->titled = word_before(text, start, &w, &n) && in_set(&x->titles, &s->tmp, text + w, n);
        line_at(text, len, start, &line_start, &line_end);
        size_t ls = line_start;
        if (dl.found && dl.end > ls && dl.end <= start)
            ls = dl.end; /* a body glued to its dateline */
        m->weak = !dateline && (caps_line(text, ls, line_end) || table_line(text, ls, line_end));
        if (dateline) {
            m->dateline = true;
            dateline_covered |= in_city;
        }
    }
    if (dl.found && !dateline_covered && dl.city_end > dl.city_start) {
        char *words = tidy_words(text, dl.city_start, dl.city_end);
        if (!has_lower(words))
            title_case(words);
        mention_t *m = add_mention(s, NA_ENTITY_PLACE, dl.city_start, dl.city_end, words);
        m->dateline = m->headline = m->lead = true;
    }

    retype(x, s);
    agree_types(s);
    resolve_places(x, s);
    resolve_people(x, s);
    resolve_orgs(x, s);
    expand_abbreviations(text, len, s);
    unify_spellings(s);
    canonical_values(x, s);

    for (size_t i = 0; i < s->count; i++) {
        const mention_t *m = &s->mentions[i];
        if (m->value && *m->value)
            push_span(ex, m->type, m->start, m->end, m->value, by_demonym(x, m));
    }
    if (ex->span_count > 1)
        qsort(ex->spans, ex->span_count, sizeof *ex->spans, span_cmp);
    collect(x, s, NA_ENTITY_PERSON, &ex->people);
    collect(x, s, NA_ENTITY_PLACE, &ex->places);
    collect(x, s, NA_ENTITY_ORG, &ex->orgs);
    collect_names(x, s, ex);
    if (ex->name_count > 1)
        qsort(ex->names, ex->name_count, sizeof *ex->names, name_cmp);
    return NA_OK;
}
