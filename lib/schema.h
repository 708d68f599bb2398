/* schema.h - how articles map onto a Xapian database, defined once.
 *
 * Term prefixes and value slots are listed here and nowhere else; README
 * (section "Database layout") documents the same table for people using
 * Xapian's own tools (quest, xapian-delve).  Prefixes follow Xapian's
 * conventions (omega's termprefixes): Q unique id, S title, D/M/Y dates,
 * X... for newsarc's own fields.  Boolean terms are the prefix followed by
 * the lower-cased canonical value, cut to fit Xapian's term length limit.
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

/* Value slots that are not facets. */
#define NA_SLOT_DATE 0 /* "YYYYMMDDHHMMSS", for sorting and date ranges */
#define NA_SLOT_HASH 1 /* 16 hex digits of the raw bytes' hash: skip unchanged articles */

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
    NA_FIELD_COUNT
} na_field_t;

typedef struct {
    const char *name;   /* query field ("person:") and facet name */
    const char *prefix; /* boolean term prefix */
    na_slot_t slot;     /* first value slot */
    bool multi;         /* several values per article (slots slot, slot+1, ...) */
    bool aliased;       /* values are normalised through alias tables */
} na_field_info_t;

/* A multi-valued field keeps value i of an article in slot + i, for i below
 * this bound; values past it are still searchable but not counted. */
#define NA_MAX_FIELD_VALUES 64

extern const na_field_info_t na_fields[NA_FIELD_COUNT];

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

/* Metadata keys. */
#define NA_META_SCHEMA       "newsarc:schema"        /* schema version, "1" */
#define NA_META_SLOTS_FMT    "newsarc:slots:%s"      /* per field: slots in use */
#define NA_META_ZDICT_FMT    "newsarc:zdict:%u"      /* dictionary bytes by id */
#define NA_META_ZDICT_LATEST "newsarc:zdict:latest"  /* id of the dictionary to use */
#define NA_META_RAW_BYTES    "newsarc:raw-bytes"
#define NA_META_STORED_BYTES "newsarc:stored-bytes"
#define NA_META_LAYOUT       "newsarc:layout"        /* the indexer's layout version (index.c) */
#define NA_META_FILE_PREFIX  "newsarc:file:"         /* per source file: see na_schema_file_meta_key() */
#define NA_META_DIGEST_FMT   "newsarc:digest:%s"     /* digest of the aliases, gazetteer, model, layout */
#define NA_SCHEMA_VERSION    "1"

#endif
