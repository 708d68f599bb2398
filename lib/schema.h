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
    NA_FIELD_AUTHOR,    /* the article's authors, normalised like people */
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

/* Metadata keys. */
#define NA_META_SCHEMA       "newsarc:schema"        /* schema version, "1" */
#define NA_META_SLOTS_FMT    "newsarc:slots:%s"      /* per field: slots in use */
#define NA_META_ZDICT_FMT    "newsarc:zdict:%u"      /* dictionary bytes by id */
#define NA_META_ZDICT_LATEST "newsarc:zdict:latest"  /* id of the dictionary to use */
#define NA_META_RAW_BYTES    "newsarc:raw-bytes"
#define NA_META_STORED_BYTES "newsarc:stored-bytes"
#define NA_SCHEMA_VERSION    "1"

#endif
