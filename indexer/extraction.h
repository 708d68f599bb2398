/* extraction.h - entity and date extraction applied to one article: which
 * text is read, which dates it has to go on, and where each finding lies
 * in the article's original bytes.
 *
 * A plain text article is read as its file, so offsets are offsets into
 * the file.  Other formats are read as their title, a blank line, the
 * dateline and the body as parsed; each finding is then placed in the
 * original bytes by looking for its text there, in order (character
 * entities and escapes can keep a finding from being placed: its offsets
 * are then NA_EXTRACTION_NO_OFFSET). */
#ifndef NA_INDEX_EXTRACTION_H
#define NA_INDEX_EXTRACTION_H

#include <stdint.h>

#include "article.h"
#include "config.h"
#include "extract.h"

#define NA_EXTRACTION_NO_OFFSET SIZE_MAX

/* Runs X over article A into EX (see extract.h); span offsets are then
 * offsets into A->raw.  Errors are those of na_extract(). */
na_status_t na_extraction_run(const na_extractor_t *x, const na_article_t *a, na_extraction_t *ex,
                              na_error_t *err);

/* Loads the extractor CFG names (model, gazetteers, city_countries) with
 * the alias tables of NORM (borrowed; must outlive the extractor).  The
 * error message names the file at fault. */
na_status_t na_extraction_load(const na_config_t *cfg, const na_normaliser_t *norm, na_extractor_t **out,
                               na_error_t *err);

#endif
