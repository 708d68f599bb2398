/* places.c - reading the place gazetteers (places.h).
 *
 * A table is read whole and cut in place at tabs and newlines, so an
 * entry costs no allocation: the normaliser and the extractor keep the
 * text for as long as they use the names.
 */
#include "places.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

/* The longest line the generator writes has a few dozen columns. */
#define MAX_COLUMNS 256

const char *na_places_file(na_place_kind_t kind)
{
    static const char *const files[] = { "countries.tsv", "regions.tsv", "cities.tsv" };
    return (unsigned)kind <= NA_PLACE_CITY ? files[kind] : "?";
}

static char *column(char *s)
{
    return *s && strcmp(s, "-") != 0 ? s : NULL;
}

na_status_t na_places_read(const char *dir, na_place_kind_t kind, na_place_fn *each, void *ud, char **text,
                           na_error_t *err)
{
    /* Columns before the aliases, and those a line must have. */
    static const size_t fixed[] = { 2, 4, 5 }, needed[] = { 1, 2, 4 };
    *text = NULL;
    if ((unsigned)kind > NA_PLACE_CITY)
        return na_error_set(err, NA_ERR_INVALID, "no such place table");
    char *path = na_xasprintf("%s/%s", dir, na_places_file(kind));
    na_buf_t buf = NA_BUF_INIT;
    int rc = na_read_file(path, &buf);
    if (rc != 0) {
        na_buf_release(&buf);
        na_status_t st = rc == ENOENT ? NA_OK
                                      : na_error_set(err, NA_ERR_IO, "%s: cannot read the gazetteer: %s", path,
                                                     strerror(rc));
        free(path);
        return st;
    }
    na_buf_addc(&buf, '\0');
    size_t len = 0;
    char *data = na_buf_detach(&buf, &len);
    char *fields[MAX_COLUMNS];
    size_t lineno = 1;
    na_status_t st = NA_OK;
    for (char *line = data; *line && st == NA_OK; lineno++) {
        char *nl = strchr(line, '\n');
        char *next = nl ? nl + 1 : line + strlen(line);
        if (nl)
            *nl = '\0';
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r')
            line[--ll] = '\0';
        if (!*line || *line == '#') {
            line = next;
            continue;
        }
        if (!na_utf8_valid(line, ll)) {
            st = na_error_set(err, NA_ERR_PARSE, "%s:%zu: not valid UTF-8 text", path, lineno);
            break;
        }
        size_t n = 0;
        for (char *f = line; n < MAX_COLUMNS;) {
            fields[n++] = f;
            char *tab = strchr(f, '\t');
            if (!tab)
                break;
            *tab = '\0';
            f = tab + 1;
        }
        if (n < needed[kind] || !column(fields[0])) {
            st = na_error_set(err, NA_ERR_PARSE, "%s:%zu: expected %zu tab-separated columns", path, lineno,
                              needed[kind]);
            break;
        }
        /* Aliases move to the front of FIELDS past the fixed columns,
         * skipping the "-" of an empty one. */
        size_t first = fixed[kind] < n ? fixed[kind] : n, count = 0;
        char **aliases = fields + first;
        for (size_t i = first; i < n; i++)
            if (column(fields[i]))
                aliases[count++] = fields[i];
        na_place_entry_t e = { kind, fields[0], fields[0], NULL, 0, aliases, count };
        if (kind != NA_PLACE_COUNTRY && column(fields[1]))
            e.country = fields[1];
        if (kind == NA_PLACE_CITY) {
            e.region = column(fields[2]);
            /* Digits only, as the generator writes it (strtoul() would
             * cost more than the rest of the line). */
            for (const char *d = fields[3]; *d >= '0' && *d <= '9'; d++)
                e.population = e.population * 10 + (unsigned long)(*d - '0');
        }
        each(&e, ud);
        line = next;
    }
    free(path);
    if (st) {
        free(data);
        return st;
    }
    *text = data;
    return NA_OK;
}
