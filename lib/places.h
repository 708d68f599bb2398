/* places.h - the place gazetteers (countries, first-level regions and
 * cities of config/gazetteer/), read by one loader for the normaliser,
 * which takes their names and alternate names as place aliases, and for
 * the extractor, which reads place names in text with them.
 *
 * The file formats are described in config/gazetteer/README.md.
 */
#ifndef NA_PLACES_H
#define NA_PLACES_H

#include <stddef.h>

#include "status.h"

typedef enum { NA_PLACE_COUNTRY, NA_PLACE_REGION, NA_PLACE_CITY } na_place_kind_t;

/* One line of a place table.  Strings are borrowed from the file's text
 * (see na_places_read()); a column written "-" is NULL. */
typedef struct {
    na_place_kind_t kind;
    const char *name;     /* canonical name */
    const char *country;  /* its country's canonical name; a country's is itself */
    const char *region;   /* a city's first-level region, else NULL */
    unsigned long population; /* cities only, else 0 */
    char **aliases;       /* alternate names, none "-" */
    size_t alias_count;
} na_place_entry_t;

typedef void na_place_fn(const na_place_entry_t *place, void *ud);

/* The file name of KIND's table: "countries.tsv", "regions.tsv", "cities.tsv". */
const char *na_places_file(na_place_kind_t kind);

/* Reads the table of KIND in the folder DIR and calls EACH for every
 * entry, in file order.  *TEXT gets the file's text, which the entries'
 * strings point into: caller owns; free with free() once they are no
 * longer used.  A missing file is no error: *TEXT is NULL and EACH is
 * never called (a gazetteer folder may hold only some tables).
 * NA_ERR_IO naming the file when it cannot be read; NA_ERR_PARSE with
 * "file:line: reason" for a line that is not valid UTF-8 or lacks a
 * column. */
na_status_t na_places_read(const char *dir, na_place_kind_t kind, na_place_fn *each, void *ud, char **text,
                           na_error_t *err);

#endif
