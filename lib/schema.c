/* schema.c - the table of facetable fields (see schema.h). */
#include "schema.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

const na_field_info_t na_fields[NA_FIELD_COUNT] = {
    [NA_FIELD_PERSON] = { "person", "XPERSON", 100, true, true },
    [NA_FIELD_PLACE] = { "place", "XPLACE", 200, true, true },
    [NA_FIELD_ORG] = { "org", "XORG", 300, true, true },
    [NA_FIELD_TOPIC] = { "topic", "XTOPIC", 400, true, true },
    [NA_FIELD_SOURCE] = { "source", "XSOURCE", 10, false, true },
    [NA_FIELD_YEAR] = { "year", "Y", 11, false, false },
    [NA_FIELD_MONTH] = { "month", "M", 12, false, false }, /* term MYYYYMM, value YYYY-MM */
};

const na_field_info_t *na_field_by_name(const char *name)
{
    for (int i = 0; i < NA_FIELD_COUNT; i++)
        if (strcmp(na_fields[i].name, name) == 0)
            return &na_fields[i];
    return NULL;
}

/* Xapian's limit is 245 bytes per term; a little is left for safety. */
#define MAX_TERM 240

char *na_schema_term(const char *prefix, const char *value)
{
    char *lower = na_x_utf8_lower(value, strlen(value));
    char *term = na_xasprintf("%s%s", prefix, lower);
    free(lower);
    size_t len = strlen(term);
    if (len > MAX_TERM) {
        len = MAX_TERM;
        while (len > 0 && ((unsigned char)term[len] & 0xc0) == 0x80)
            len--; /* do not cut a UTF-8 sequence */
        term[len] = '\0';
    }
    return term;
}
