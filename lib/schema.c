/* schema.c - the facetable fields and how their values become terms.
 *
 * The table below is the one place that says which prefix and value
 * slots a field uses; the indexer writes by it, the query parser and the
 * facet counter read by it, and README's "Database layout" section
 * describes it for users of Xapian's own tools.
 */
#include "schema.h"

#include <stdlib.h>
#include <string.h>

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
    [NA_FIELD_AUTHOR] = { "author", "XAUTHOR", 600, true, true },
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
