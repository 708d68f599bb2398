/* schema.c - the facetable fields and how their values become terms.
 *
 * The table below is the one place that says which prefix and value
 * slots a field uses; the indexer writes by it, the query parser and the
 * facet counter read by it, and README's "Database layout" section
 * describes it for users of Xapian's own tools.
 */
#include "schema.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "hash.h"
#include "normalise.h"
#include "util.h"

/* One slot a field; a multi-valued field's keys are packed in it.  The
 * numbers are those of the first slots of the ranges that layouts before
 * the packing gave each value of a field. */
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
    [NA_FIELD_DAY] = { "day", NA_PREFIX_DAY, NA_SLOT_DATE, false, false },
};

const na_field_info_t na_mentions_field = { "mentions", NA_PREFIX_MENTIONS, 0, true, true };

/* Slots apart from the fields' own and from one another; a month is the
 * field's own slot. */
const na_grain_info_t na_mentioned_grains[NA_MENTIONED_GRAINS] = {
    { "year", 1000 },
    { "quarter", 1100 },
    { "month", 500 },
    { "day", 1200 },
};

void na_schema_field_names(char *out, size_t size)
{
    size_t n = 0;
    if (size)
        out[0] = '\0';
    for (size_t i = 0; i < NA_FIELD_COUNT && n < size; i++) {
        int w = snprintf(out + n, size - n, "%s%s", i ? ", " : "", na_fields[i].name);
        n += w > 0 ? (size_t)w : 0;
    }
}

const na_field_info_t *na_field_by_name(const char *name)
{
    for (size_t i = 0; name && i < NA_FIELD_COUNT; i++)
        if (strcmp(na_fields[i].name, name) == 0)
            return &na_fields[i];
    return NULL;
}

const na_field_info_t *na_schema_facet_parse(const char *name, int *grain)
{
    const char *colon = name ? strchr(name, ':') : NULL;
    size_t len = colon ? (size_t)(colon - name) : name ? strlen(name) : 0;
    const na_field_info_t *f = NULL;
    for (size_t i = 0; name && i < NA_FIELD_COUNT && !f; i++)
        if (strlen(na_fields[i].name) == len && strncmp(na_fields[i].name, name, len) == 0)
            f = &na_fields[i];
    if (grain)
        *grain = NA_MENTIONED_DEFAULT_GRAIN;
    if (!f || !colon)
        return f;
    if (f != &na_fields[NA_FIELD_MENTIONED])
        return NULL;
    for (int g = 0; g < NA_MENTIONED_GRAINS; g++)
        if (strcmp(colon + 1, na_mentioned_grains[g].name) == 0) {
            if (grain)
                *grain = g;
            return f;
        }
    return NULL;
}

void na_schema_facet_names(char *out, size_t size)
{
    na_schema_field_names(out, size);
    size_t n = strlen(out);
    for (int g = 0; g < NA_MENTIONED_GRAINS && n < size; g++) {
        int w = snprintf(out + n, size - n, ", %s:%s", na_fields[NA_FIELD_MENTIONED].name, na_mentioned_grains[g].name);
        n += w > 0 ? (size_t)w : 0;
    }
}

/* Xapian refuses terms longer than 245 bytes; cutting a little below
 * that leaves a margin. */
#define MAX_TERM_BYTES 240

/* Cuts S to at most MAX bytes, never inside a character. */
static void cut_utf8(char *s, size_t max)
{
    size_t len = strlen(s);
    if (len <= max)
        return;
    len = max;
    /* Back up to the first byte of the character that would be cut. */
    while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
        len--;
    s[len] = '\0';
}

char *na_schema_term(const char *prefix, const char *value)
{
    char *lower = na_x_utf8_lower(value, strlen(value));
    char *term = na_xasprintf("%s%s", prefix, lower);
    free(lower);
    cut_utf8(term, MAX_TERM_BYTES);
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

bool na_schema_folded(const na_field_info_t *f)
{
    return f != &na_fields[NA_FIELD_YEAR] && f != &na_fields[NA_FIELD_MONTH] &&
           f != &na_fields[NA_FIELD_MENTIONED] && f != &na_fields[NA_FIELD_DAY];
}

char *na_schema_value_key(const na_field_info_t *f, const char *value)
{
    size_t len = strlen(value);
    char *key = na_xmalloc(len + 1);
    if (na_schema_folded(f)) {
        len = na_normalise_key(value, len, key);
        key[len] = '\0';
        /* Cut as the term is, so that the slot holds what the term says. */
        size_t room = MAX_TERM_BYTES - strlen(f->prefix);
        cut_utf8(key, room);
    } else {
        memcpy(key, value, len + 1);
    }
    if (!*key) {
        free(key);
        return NULL;
    }
    return key;
}

char *na_schema_field_term(const na_field_info_t *f, const char *value)
{
    if (!na_schema_folded(f))
        return *value ? na_schema_term(f->prefix, value) : NULL;
    char *key = na_schema_value_key(f, value);
    if (!key)
        return NULL;
    char *term = na_xasprintf("%s%s", f->prefix, key);
    free(key);
    return term;
}

char *na_schema_display_meta_key(const na_field_info_t *f, const char *key)
{
    char *mk = na_xasprintf(NA_META_DISPLAY_FMT, f->name, key);
    if (strlen(mk) <= NA_META_DISPLAY_MAX_KEY)
        return mk;
    free(mk);
    uint64_t h = na_hash64(NA_HASH_SEED, key, strlen(key));
    return na_xasprintf(NA_META_DISPLAY_HASH_FMT, f->name, (unsigned long long)h);
}
