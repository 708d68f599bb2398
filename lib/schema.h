/* schema.h - how articles map onto a Xapian database, defined once.
 *
 * Term prefixes and value slots are listed here and nowhere else; README
 * (section "Database layout") documents the same table for people using
 * Xapian's own tools (quest, xapian-delve).  Prefixes follow Xapian's
 * conventions (omega's termprefixes): Q unique id, S title, D/M/Y dates,
 * X... for newsarc's own fields.  Boolean terms are the prefix followed by
 * the canonical value's folded key (na_schema_value_key()), cut to fit
 * Xapian's term length limit; the facet slots hold the same keys (a
 * multi-valued field all of an article's keys packed in its one slot),
 * and the forms facets print are kept apart in metadata (display.h).
 */
#ifndef NA_SCHEMA_H
#define NA_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "xapian-c.h"

#define NA_PREFIX_ID      "Q"    /* Q<id>: one per article, unique */
#define NA_PREFIX_TITLE   "S"    /* free text of the title */
#define NA_PREFIX_DAY     "D"    /* DYYYYMMDD */
#define NA_PREFIX_MONTH   "M"    /* MYYYYMM */
#define NA_PREFIX_YEAR    "Y"    /* YYYYY */
#define NA_PREFIX_FORMAT  "XFORMAT" /* input format name */
#define NA_PREFIX_FILE    "XFILE"   /* XFILE<canonical path>: one per file an article came from */
#define NA_PREFIX_CONF    "XCONF"   /* XCONF<16 hex>: digest of the settings the article was indexed with */
#define NA_PREFIX_MENTIONS "XMENTIONS" /* XMENTIONS<folded key>: every person, place and org the article names */

/* Value slots that are not facets. */
#define NA_SLOT_DATE 0 /* "YYYYMMDDHHMMSS", for sorting and date ranges */
#define NA_SLOT_HASH 1 /* 16 hex digits of the raw bytes' hash: skip unchanged articles */
/* The order of every sort: the 14 digits of NA_SLOT_DATE ("00000000000000"
 * when undated) then the article's id, so that ties in date, and in score
 * (relevance then this, newest first), fall to the id, never to Xapian's
 * docid, and a page is the same however the archive is split.  One stock
 * value, so remote shards (xapian-tcpsrv, no custom KeyMaker) sort alike. */
#define NA_SLOT_SORT 2
#define NA_SORT_UNDATED "00000000000000"

/* Facetable fields.  Order is the order of the na_fields table. */
typedef enum {
    NA_FIELD_PERSON = 0,
    NA_FIELD_PLACE,
    NA_FIELD_ORG,
    NA_FIELD_TOPIC,
    NA_FIELD_SOURCE,
    NA_FIELD_YEAR,
    NA_FIELD_MONTH,
    NA_FIELD_MENTIONED, /* dates the text mentions: YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD */
    NA_FIELD_AUTHOR,    /* the article's authors, normalised like people */
    NA_FIELD_DAY,       /* the day of the date, YYYY-MM-DD: its term is D, its facet counts the
                         * sortable date slot by its first 8 digits (no layout change) */
    NA_FIELD_COUNT
} na_field_t;

typedef struct {
    const char *name;   /* query field ("person:") and facet name */
    const char *prefix; /* boolean term prefix */
    na_slot_t slot;     /* value slot */
    bool multi;         /* several values per article, packed in the one slot */
    bool aliased;       /* values are normalised through alias tables */
} na_field_info_t;

/* A multi-valued field keeps all of an article's keys in its one slot,
 * written by na_xdoc_add_packed_value() (xapian-c.h): distinct, sorted,
 * each preceded by its length, so that the stock value-count spy counts
 * each combination and the facet adds its count to each key in it.  The
 * slot then holds exactly the keys the field's terms do. */

extern const na_field_info_t na_fields[NA_FIELD_COUNT];

/* Writes the fields' names, in table order and separated by ", ", into
 * OUT (SIZE bytes, cut to fit): what messages list as the choices. */
void na_schema_field_names(char *out, size_t size);
/* mentions:NAME, a query field with no slot and no facet: its terms are
 * NA_PREFIX_MENTIONS and the folded key of each person, place and
 * organisation an article names anywhere (supplied or found in the
 * text), so that na_schema_field_term(&na_mentions_field, canonical)
 * is the term for a canonical name of any of the three. */
extern const na_field_info_t na_mentions_field;

/* The field called NAME, or NULL. */
const na_field_info_t *na_field_by_name(const char *name);

/* Returns a malloc()ed term: PREFIX then VALUE lower-cased, cut at a
 * UTF-8 boundary to Xapian's limit.  Caller frees. */
char *na_schema_term(const char *prefix, const char *value);

/* Returns the unique term of the article ID (malloc()ed; caller frees):
 * "Q" + ID as written when that fits Xapian's term limit; else "Q", the
 * id's first 200 bytes (cut at a UTF-8 boundary), "#" and the 16 hex
 * digits of na_hash64() of the whole id, so that every long id still
 * has a term of its own and can be found by it. */
char *na_schema_id_term(const char *id);

/* Returns the term of the file at the canonical PATH (malloc()ed; caller
 * frees): "XFILE" + PATH when that fits, else "XFILE#" and the 16 hex
 * digits of na_hash64() of PATH (canonical paths start with "/", so the
 * two forms never meet).  Every article with a source in that file has
 * the term. */
char *na_schema_file_term(const char *path);

/* Returns the metadata key under which the indexer keeps what it last
 * read of the file at the canonical PATH (malloc()ed; caller frees):
 * NA_META_FILE_PREFIX + PATH when that fits Xapian's key limit, else
 * NA_META_FILE_PREFIX "#" and the 16 hex digits of na_hash64() of PATH.
 * The value is "SIZE MTIME_NS PATH" (decimal bytes, decimal nanoseconds
 * since the epoch), so a hashed key still names its file. */
char *na_schema_file_meta_key(const char *path);

/* Returns the canonical path of the file an article's SOURCE names (see
 * record.h: "PATH", "PATH#N" or "stdin") as a malloc()ed string, or NULL
 * for standard input.  "PATH#N" is record N of a file of several
 * articles; the file of a FORMAT "text" or "markdown" article holds one
 * article, so a "#" in its name is part of the name.  Caller frees. */
char *na_schema_source_file(const char *source, const char *format);

/* Room for one date term ("D20230305" and its NUL). */
#define NA_DATE_TERM_SIZE 16

/* Writes the date terms an article dated YEAR-MONTH-DAY has, coarsest
 * first, into TERMS: Y<year>, then M<year><month> when MONTH is known
 * (not 0), then D<year><month><day> when DAY is too.  Returns how many
 * (1 to 3), or 0 when YEAR is not from 1 to 9999 or MONTH or DAY is out
 * of range.  The indexer writes these terms and the query parser asks
 * for them (the last one is the period's own), so both agree on what a
 * date of any precision matches. */
size_t na_schema_date_terms(int year, int month, int day, char terms[3][NA_DATE_TERM_SIZE]);
/* Whether the values of F are names (person, place, org, topic, source,
 * ...), kept as folded keys, rather than dates, which are kept as
 * written. */
bool na_schema_folded(const na_field_info_t *f);

/* Returns the key under which VALUE of F is stored, malloc()ed (caller
 * frees), or NULL when VALUE has none (nothing but dots and blanks).
 * For a folded field it is na_normalise_key() of VALUE (lower case, no
 * dots, one separator, and whatever folding that function does), cut at
 * a UTF-8 boundary so that F's prefix and the key fit Xapian's term
 * limit; for a date field, VALUE as written.  The field's boolean term
 * is the prefix then this key, and its facet slot holds exactly this key,
 * so that a facet value and the filter for it match the same articles. */
char *na_schema_value_key(const na_field_info_t *f, const char *value);

/* Returns F's boolean term for VALUE (the prefix then
 * na_schema_value_key(), date fields lower-cased as na_schema_term()
 * does), malloc()ed (caller frees), or NULL when VALUE has no key. */
char *na_schema_field_term(const na_field_info_t *f, const char *value);

/* The mentioned field counts one grain at a time: each grain has its own
 * slot, holding the article's distinct periods at that grain packed as
 * a multi-valued field's keys are (a mention of 1987-03-09 gives
 * 1987-03-09, 1987-03, 1987-Q1 and 1987, each in its grain's slot), so
 * that an article counts once per period, exactly as mentioned:PERIOD
 * finds it.  Indexed by na_grain_t (date.h): year, quarter, month, day.
 * The month's slot is the field's own and the default of --facet
 * mentioned. */
#define NA_MENTIONED_GRAINS 4
typedef struct {
    const char *name; /* "year", "quarter", "month", "day": --facet mentioned:NAME */
    na_slot_t slot;   /* the grain's slot */
} na_grain_info_t;
extern const na_grain_info_t na_mentioned_grains[NA_MENTIONED_GRAINS];
#define NA_MENTIONED_DEFAULT_GRAIN 2 /* month */

/* The field a facet NAME counts: a field's name, or "mentioned:GRAIN"
 * with a grain's name; NULL for anything else.  *GRAIN (may be NULL)
 * gets the grain's index, NA_MENTIONED_DEFAULT_GRAIN when none is
 * named. */
const na_field_info_t *na_schema_facet_parse(const char *name, int *grain);
/* Writes every facet name na_schema_facet_parse() takes, the fields then
 * mentioned:GRAIN for each grain, separated by ", ", into OUT (SIZE
 * bytes, cut to fit): what messages and --help list as the choices. */
void na_schema_facet_names(char *out, size_t size);

/* Display forms.  Slots and terms hold folded keys; the form a facet
 * prints for a key is kept in the metadata entry NA_META_DISPLAY_FMT
 * (field name, then key), or, when that name would be too long for a
 * metadata key, NA_META_DISPLAY_HASH_FMT (field name, then the key's
 * 64-bit FNV-1a hash in 16 hex digits).  Its value is the key, a
 * newline, then lines "COUNT<TAB>SPELLING" most frequent first: the
 * spellings (canonical names when the alias tables know one) the indexer
 * saw for the key and how many articles had each.  The facet prints the
 * most frequent spelling, summed over shards. */
#define NA_META_DISPLAY_FMT      "newsarc:display:%s:%s"
#define NA_META_DISPLAY_HASH_FMT "newsarc:display:%s:#%016llx"
#define NA_META_DISPLAY_MAX_KEY  200 /* longest metadata key written unhashed */

/* Returns the malloc()ed metadata key of the display forms of KEY in F
 * (caller frees), by the rule above. */
char *na_schema_display_meta_key(const na_field_info_t *f, const char *key);

/* Metadata keys. */
#define NA_META_SCHEMA       "newsarc:schema"        /* schema version, NA_SCHEMA_VERSION */
#define NA_META_ZDICT_FMT    "newsarc:zdict:%u"      /* dictionary bytes by id */
#define NA_META_ZDICT_LATEST "newsarc:zdict:latest"  /* id of the dictionary to use */
#define NA_META_RAW_BYTES    "newsarc:raw-bytes"
#define NA_META_STORED_BYTES "newsarc:stored-bytes"
#define NA_META_LAYOUT       "newsarc:layout"        /* the indexer's layout version (index.c) */
#define NA_META_STOPWORDS    "newsarc:stopwords"     /* every run's stopwords, one a line: no stemmed terms */
#define NA_META_FILE_PREFIX  "newsarc:file:"         /* per source file: see na_schema_file_meta_key() */
#define NA_META_DIGEST_FMT   "newsarc:digest:%s"     /* digest of the aliases, gazetteer, model, layout */
/* "2": multi-valued fields packed in one slot; a reader of "1" would
 * take a packed list for one value. */
#define NA_SCHEMA_VERSION    "2"

#endif
