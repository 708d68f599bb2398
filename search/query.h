/* query.h - turning a query string and --filter options into a Xapian
 * query, with newsarc's fields and normalisation. */
#ifndef NA_SEARCH_QUERY_H
#define NA_SEARCH_QUERY_H

#include "config.h"
#include "normalise.h"
#include "xapian-c.h"

typedef struct na_query_builder na_query_builder_t;

/* DB and CFG are borrowed and must outlive the builder, which reads the
 * alias tables CFG names when a query first needs them. */
na_status_t na_query_builder_new(na_xdb_t *db, const na_config_t *cfg, na_query_builder_t **out,
                                 na_error_t *err);
void na_query_builder_free(na_query_builder_t *b);

/* Parses TEXT (Xapian syntax plus title: person: place: org: topic:
 * source: id: date:) and applies FILTERS ("name=value" strings: values of
 * one name are ORed, names ANDed).  NA_ERR_QUERY with a message saying
 * what is wrong. */
na_status_t na_query_build(na_query_builder_t *b, const char *text, char *const *filters, size_t filter_count,
                           na_xquery_t **out, na_error_t *err);

/* The query for one value of a field: exact term, normalised; for "date"
 * a day, month, year or A..B range.  Used by the parser and the filters. */
na_status_t na_query_field(na_query_builder_t *b, const char *field, const char *value, na_xquery_t **out,
                           na_error_t *err);

#endif
