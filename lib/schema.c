/* schema.c - the facetable fields and how their values become terms.
 *
 * The table below is the one place that says which prefix and value
 * slots a field uses; the indexer writes by it, the query parser and the
 * facet counter read by it, and README's "Database layout" section
 * describes it for users of Xapian's own tools.
 */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "hash.h"
#include "util.h"

/* Multi-valued fields own a range of NA_MAX_FIELD_VALUES slots from
 * their first slot (person 100..163, ...); single-valued ones one slot
 * each, kept apart from those ranges. */
const na_field_info_t na_fields[NA_FIELD_COUNT] = {
    /*                   name      prefix     slot multi aliased */
    [NA_FIELD_PERSON] = { "person", "XPERSON", 100, true, true },
    [NA_FIELD_PLACE] = { "place", "XPLACE", 200, true, true },
    [NA_FIELD_ORG] = { "org", "XORG", 300, true, true },
    [NA_FIELD_TOPIC] = { "topic", "XTOPIC", 400, true, true },
    [NA_FIELD_SOURCE] = { "source", "XSOURCE", 10, false, true },
    [NA_FIELD_YEAR] = { "year", NA_PREFIX_YEAR, 11, false, false },
    [NA_FIELD_MONTH] = { "month", NA_PREFIX_MONTH, 12, false, false },
    [NA_FIELD_MENTIONED] = { "mentioned", "XMENTIONED", 500, true, false },
};

const na_field_info_t *na_field_by_name(const char *name)
{
    for (size_t i = 0; name && i < NA_FIELD_COUNT; i++)
        if (strcmp(na_fields[i].name, name) == 0)
            return &na_fields[i];
    return NULL;
}

/* Xapian refuses terms longer than 245 bytes; cutting a little below
 * that leaves a margin. */
#define MAX_TERM_BYTES 240

char *na_schema_term(const char *prefix, const char *value)
{
    char *lower = na_x_utf8_lower(value, strlen(value));
    char *term = na_xasprintf("%s%s", prefix, lower);
    free(lower);
    size_t len = strlen(term);
    if (len > MAX_TERM_BYTES) {
        len = MAX_TERM_BYTES;
        /* Back up to the first byte of the character that would be cut. */
        while (len > 0 && ((unsigned char)term[len] & 0xc0) == 0x80)
            len--;
        term[len] = '\0';
    }
    return term;
}

/* Room left for "#" and 16 hex digits after a cut id. */
#define ID_KEEP_BYTES 200

char *na_schema_id_term(const char *id)
{
    size_t len = strlen(id);
    if (strlen(NA_PREFIX_ID) + len <= MAX_TERM_BYTES)
        return na_xasprintf("%s%s", NA_PREFIX_ID, id);
    size_t keep = ID_KEEP_BYTES;
    while (keep > 0 && ((unsigned char)id[keep] & 0xc0) == 0x80)
        keep--;
    char hex[17];
    na_hash64_hex(NA_HASH_SEED, id, len, hex);
    return na_xasprintf("%s%.*s#%s", NA_PREFIX_ID, (int)keep, id, hex);
}

char *na_schema_file_term(const char *path)
{
    size_t len = strlen(path);
    if (strlen(NA_PREFIX_FILE) + len <= MAX_TERM_BYTES)
        return na_xasprintf("%s%s", NA_PREFIX_FILE, path);
    char hex[17];
    return na_xasprintf("%s#%s", NA_PREFIX_FILE, na_hash64_hex(NA_HASH_SEED, path, len, hex));
}

char *na_schema_file_meta_key(const char *path)
{
    size_t len = strlen(path);
    if (strlen(NA_META_FILE_PREFIX) + len <= MAX_TERM_BYTES)
        return na_xasprintf("%s%s", NA_META_FILE_PREFIX, path);
    char hex[17];
    return na_xasprintf("%s#%s", NA_META_FILE_PREFIX, na_hash64_hex(NA_HASH_SEED, path, len, hex));
}

char *na_schema_source_file(const char *source, const char *format)
{
    if (strcmp(source, "stdin") == 0)
        return NULL;
    na_format_t f = format ? na_format_from_name(format) : NA_FORMAT_AUTO;
    const char *hash = strrchr(source, '#');
    if (hash && f != NA_FORMAT_TEXT && f != NA_FORMAT_MARKDOWN && hash[1] &&
        strspn(hash + 1, "0123456789") == strlen(hash + 1))
        return na_xstrndup(source, (size_t)(hash - source));
    return na_xstrdup(source);
}

size_t na_schema_date_terms(int year, int month, int day, char terms[3][NA_DATE_TERM_SIZE])
{
    if (year < 1 || year > 9999 || month < 0 || month > 12 || day < 0 || day > 31 || (day && !month))
        return 0;
    snprintf(terms[0], NA_DATE_TERM_SIZE, "%s%04d", NA_PREFIX_YEAR, year);
    if (!month)
        return 1;
    snprintf(terms[1], NA_DATE_TERM_SIZE, "%s%04d%02d", NA_PREFIX_MONTH, year, month);
    if (!day)
        return 2;
    snprintf(terms[2], NA_DATE_TERM_SIZE, "%s%04d%02d%02d", NA_PREFIX_DAY, year, month, day);
    return 3;
}
