/* query.h - newsarc-search's query text and --filter options as one
 * Xapian query.
 *
 * The query text is Xapian's syntax (AND OR NOT, +/-, "phrases",
 * wildcards) with these fields:
 *   title:WORDS              free text of titles (prefix S)
 *   person: place: org:      exact values, normalised to canonical names
 *   topic: source:           through the alias tables, so place:usa,
 *                            place:US and place:"United States" agree
 *   year:YYYY month:YYYY-MM  exact dates (terms Y and M)
 *   author:                  an author, normalised like person:
 *   id:ID                    the article with that id, as written
 *   date:D  date:A..B        D, A and B each YYYY, YYYY-MM or YYYY-MM-DD;
 *                            either end of a range may be empty
 * Free text is accent-folded before Xapian's parser sees it, as the
 * indexer folds the words it indexes, so "grimsson" finds "Grímsson".
 * Filters ("NAME=VALUE", NAME a facetable field of schema.h) restrict the
 * query without changing its ranking: values of one field are ORed,
 * fields are ANDed.
 */
#ifndef NA_SEARCH_QUERY_H
#define NA_SEARCH_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "schema.h"
#include "status.h"
#include "util.h"
#include "xapian-c.h"

/* Splits the filter SPEC "NAME=VALUE" and checks it: *FIELD gets NAME's
 * field, *VALUE points into SPEC after the '='.  NA_ERR_INVALID, with a
 * message naming SPEC, for a missing '=', an unknown name, an empty
 * value, or a year or month not written YYYY or YYYY-MM. */
na_status_t na_query_filter_split(const char *spec, const na_field_info_t **field,
                                  const char **value, na_error_t *err);

/* Builds the query for TEXT (may be empty: every article) restricted by
 * the FILTER_COUNT filter specs in FILTERS, searching DB with CFG's
 * language and stopwords.  Alias tables are loaded from CFG only when a
 * field needs them.  On success *OUT is caller-owned; free with
 * na_xquery_free().
 * Errors: NA_ERR_QUERY when TEXT does not parse or a field value is bad,
 * the message quoting TEXT and saying at which column; NA_ERR_INVALID for
 * a bad filter or an unknown language; NA_ERR_PARSE or NA_ERR_IO when an
 * alias table cannot be read; any status of the Xapian binding. */
na_status_t na_query_build(na_xdb_t *db, const na_config_t *cfg, const char *text,
                           const char *const *filters, size_t filter_count, na_xquery_t **out,
                           na_error_t *err);

/* A wildcard (petrol*) is expanded over every shard's terms into an OR
 * of them, the same query on every layout; one matching more terms than
 * this is NA_ERR_QUERY, the message naming it. */
#define NA_QUERY_MAX_WILDCARD_TERMS 1000

/* As na_query_build(), with the alias tables of NORM (borrowed; NULL:
 * loaded from CFG when needed) rather than loading them for this query. */
struct na_normaliser;
na_status_t na_query_build_with(na_xdb_t *db, const na_config_t *cfg, const struct na_normaliser *norm,
                                const char *text, const char *const *filters, size_t filter_count,
                                na_xquery_t **out, na_error_t *err);

/* How the last na_query_build() of the calling thread got its tables:
 * "mapped compiled tables FILE", "parsed the tables (why not mapped)...",
 * or "" when it needed none or was given them (for -v).  Borrowed: valid
 * until that thread's next build.  The compiled tables live in
 * $NEWSARC_CACHE (empty: none), else in newsarc/ of $XDG_CACHE_HOME or
 * ~/.cache (see normalise.h for when they are used). */
const char *na_query_tables_note(void);

/* True for a byte that belongs to a word of the query or of a snippet's
 * text: ASCII letters and digits, and every byte of a non-ASCII
 * character. */
bool na_query_is_word_byte(unsigned char c);

/* Appends to WORDS the free-text words of the query TEXT, accent-folded
 * and lower-cased (ASCII) and without operators, field values other than title:, excluded
 * words (-word, -(...), and the operand of NOT, which runs to the next
 * operator or closing bracket as Xapian parses it), quotes and wildcard
 * stars: what a snippet should be looked for around, and no word a
 * matching article lacks by the query.  Each word appears once. */
void na_query_words(const char *text, na_strlist_t *words);

#endif
