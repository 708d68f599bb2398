/* normalise.h - metadata values to canonical names.
 *
 * This is the one normaliser of names: the indexer passes supplied and
 * extracted values through it and the search program query values and
 * filters, so each entity has one canonical name everywhere.  A value goes
 * through the alias tables, then (places) the gazetteers' names and
 * alternate names (countries, cities, then regions of
 * config/gazetteer/: supplied "Kiev" and extracted "Kyiv" are both
 * "Kyiv"), matched by a key that ignores case and accents.
 *
 * Alias tables map each way of writing a value to one canonical name
 * ("US", "U.S.", "usa", "United States of America" -> "United States").
 * Lookups ignore case, accents ("Zurich" finds "Zürich", "Sao Tome" finds
 * "São Tomé"), dots, and the difference between hyphens, underscores and
 * blanks, so "west-germany" finds "West Germany".  A value
 * with no entry is kept as written, except that a lower-case code such as
 * Reuters writes ("james-baker") becomes a name ("James Baker") in the
 * person, author, place and organisation fields.  Authors are looked up
 * in the people's table.  Topics go by readable names ("Earnings"), the
 * Reuters codes ("earn") being aliases.
 * The indexer and the query parser use the same normaliser, so
 * place:usa, place:US and place:"United States" are one query.  Lookups
 * do not change a normaliser: once loaded it may be shared by threads.
 *
 * Table files: UTF-8 text, one entry per line, the canonical name then its
 * aliases separated by tabs; blank lines and lines starting with # are
 * ignored.
 */
#ifndef NA_NORMALISE_H
#define NA_NORMALISE_H

#include "config.h"
#include "schema.h"
#include "status.h"

typedef struct na_normaliser na_normaliser_t;

/* Loads the alias tables CFG names, then the place gazetteers of its
 * gazetteer folder (na_normaliser_add_gazetteer()).  NA_ERR_IO naming the
 * file when one cannot be read; NA_ERR_PARSE with "file:line: reason" for
 * a bad line.  On success *OUT is caller-owned; free with
 * na_normaliser_free(). */
na_status_t na_normaliser_load(const na_config_t *cfg, na_normaliser_t **out, na_error_t *err);

/* An empty normaliser (no tables; codes still become names). */
na_normaliser_t *na_normaliser_new(void);

/* Adds the table at PATH for FIELD. */
na_status_t na_normaliser_add_file(na_normaliser_t *n, na_field_t field, const char *path,
                                   na_error_t *err);
/* Adds one entry: ALIAS (may equal CANONICAL) maps to CANONICAL. */
void na_normaliser_add(na_normaliser_t *n, na_field_t field, const char *alias,
                       const char *canonical);

/* Adds the names and alternate names of the countries, cities and
 * regions in the gazetteer folder DIR (places.h) to the place table,
 * never replacing what it maps already: countries first, then cities,
 * then regions, each table's names before its alternate names.  Missing
 * files are skipped; errors as na_places_read(). */
na_status_t na_normaliser_add_gazetteer(na_normaliser_t *n, const char *dir, na_error_t *err);

/* ---- the compiled form ----
 *
 * A program that loads the tables for each run (newsarc-search answering
 * one query) maps them compiled instead of parsing the table files: one
 * file holding the tables ready for lookups, and the path, size, stat
 * stamps and content digest of every table file they were made from
 * (the five alias tables and the countries, cities and regions of the
 * gazetteer folder).  A compiled file is used only while those are the
 * files CFG names and are unchanged: equal stamps, or else equal content.
 * Lookups on a mapped normaliser give what the parsed one gives. */

typedef enum {
    NA_TABLES_MAPPED,   /* the compiled file was fresh and is mapped */
    NA_TABLES_COMPILED, /* parsed from the table files, and compiled to the file */
    NA_TABLES_PARSED    /* parsed; the file could not be written */
} na_tables_form_t;

/* Loads CFG's tables (na_normaliser_load()) and writes them compiled to
 * PATH, through a temporary file renamed over it.  Statuses as
 * na_normaliser_load(), and NA_ERR_IO when PATH cannot be written. */
na_status_t na_normaliser_compile(const na_config_t *cfg, const char *path, na_error_t *err);

/* Maps the compiled tables at PATH into *OUT (caller-owned; free with
 * na_normaliser_free(), which unmaps them), after checking them against
 * CFG's table files.  NA_ERR_NOT_FOUND when there is no file, or when it
 * is stale ("stale compiled tables: 'FILE' changed ..."): made from
 * other files or from these with other content; NA_ERR_CORRUPT when it
 * is not compiled tables, is of another version of newsarc, is cut
 * short or fails its check; NA_ERR_IO when it cannot be read.  Only the
 * header and directory are checked on opening; every offset a lookup
 * reads is bounds-checked, so a damaged body gives no answer, never a
 * read outside the file.  A mapped normaliser cannot be added to. */
na_status_t na_normaliser_map(const na_config_t *cfg, const char *path, na_normaliser_t **out, na_error_t *err);

/* The tables of CFG from the compiled file CACHE when it is fresh
 * (na_normaliser_map()), else parsed from the table files and compiled to
 * CACHE for the next run.  *FORM says which; WHY (may be NULL) gets the
 * reason CACHE was not mapped, or could not be written.  Fails only as
 * na_normaliser_load() does. */
na_status_t na_normaliser_open(const na_config_t *cfg, const char *cache, na_normaliser_t **out,
                               na_tables_form_t *form, na_error_t *why, na_error_t *err);

/* Frees N; NULL is allowed. */
void na_normaliser_free(na_normaliser_t *n);

/* Returns the canonical form of VALUE in FIELD, malloc()ed (caller
 * frees), with surrounding blanks trimmed and inner runs of blanks made
 * one space; NULL when VALUE is empty after trimming. */
char *na_normalise(const na_normaliser_t *n, na_field_t field, const char *value);

/* Returns the canonical name the table of FIELD gives the LEN bytes at
 * VALUE, or NULL when it has no entry (borrowed: valid while N lives).
 * No tidying and no code-to-name conversion, unlike na_normalise(). */
const char *na_normalise_find(const na_normaliser_t *n, na_field_t field, const char *value,
                              size_t len);

/* As na_normalise_find(), but only what the alias tables say: NULL for a
 * name only the gazetteers map.  For the extractor, which reads the
 * gazetteers' places itself, with all their readings. */
const char *na_normalise_find_alias(const na_normaliser_t *n, na_field_t field, const char *value,
                                    size_t len);

/* Writes the lookup key of the LEN bytes at S to OUT (room for LEN + 1
 * bytes; OUT may be S) and returns its length: lower case, accents
 * folded (na_utf8_fold_char(): "São Tomé" -> "sao tome", "ß" -> "ss"), no
 * dots, "-", "_" and blanks one separator, none at either end.  Two spellings
 * with the same key are one name to the alias tables. */
size_t na_normalise_key(const char *s, size_t len, char *out);

#endif
