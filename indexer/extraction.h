/* extraction.h - entity and date extraction applied to one article: which
 * text is read, which dates it has to go on, and where each finding lies
 * in the article's original bytes.
 *
 * A plain text article is read as its file, so offsets are offsets into
 * the file.  Other formats, and text files that are not UTF-8, are read
 * as their title, a blank line, the dateline and the body as parsed (a
 * text file as its whole text decoded); each finding is then placed in
 * the original bytes by looking for its text, in order, inside the bytes
 * of the field it was read from (the article's raw_title, raw_dateline,
 * raw_body), as Windows-1252 bytes for a legacy article.  A finding that
 * is not found there (character entities, escapes, a field the parser
 * could not locate) has NA_EXTRACTION_NO_OFFSET offsets. */
#ifndef NA_INDEX_EXTRACTION_H
#define NA_INDEX_EXTRACTION_H

#include <jansson.h>
#include <stdint.h>

#include "article.h"
#include "config.h"
#include "extract.h"
#include "record.h"

#define NA_EXTRACTION_NO_OFFSET SIZE_MAX

/* Runs X over article A into EX (see extract.h); span offsets are then
 * offsets into A->raw.  Errors are those of na_extract(). */
na_status_t na_extraction_run(const na_extractor_t *x, const na_article_t *a, na_extraction_t *ex,
                              na_error_t *err);

/* Finds only A's publication date, as na_extraction_run() would, into
 * EX's date and date_source (na_extract_pubdate()). */
na_status_t na_extraction_pubdate(const na_extractor_t *x, const na_article_t *a, na_extraction_t *ex,
                                  na_error_t *err);

/* Returns EX's names (ex->name_count of them) as the record stores them
 * (record.h), strings borrowed from EX while it is unchanged; caller
 * owns the array; free with free(). */
na_record_name_t *na_extraction_record_names(const na_extraction_t *ex);

/* Returns EX's names as a new JSON array (caller owns; json_decref()),
 * written by na_record_names_json(): the list --extract-only prints and
 * the stored metadata keeps under "extracted". */
json_t *na_extraction_names_json(const na_extraction_t *ex);

/* Loads the extractor CFG names (model, gazetteers, city_countries) with
 * the alias tables of NORM (borrowed; must outlive the extractor).  The
 * error message names the file at fault. */
na_status_t na_extraction_load(const na_config_t *cfg, const na_normaliser_t *norm, na_extractor_t **out,
                               na_error_t *err);

#endif
