/* extract.h - people, places, organisations and dates found in the text of
 * one article, normalised to canonical names.
 *
 * The statistical tagger (ner.h) marks the names; the rules here turn each
 * mention into a value a facet can count:
 *   - people: titles and honorifics dropped ("Treasury Secretary Scott
 *     Bessent" -> Scott Bessent), a surname alone or after "Mr" tied to the
 *     one full name of the article that ends with it ("Trump" after
 *     "Donald Trump"), headline capitals written as a name, then the people
 *     alias table;
 *   - places: the place alias table ("U.S.", "America" -> United States),
 *     then the gazetteers of countries, regions, cities and demonyms
 *     ("Chinese" -> China); a name several places share ("Georgia") is read
 *     in the light of the article's other places (Tbilisi or Atlanta); the
 *     dateline city of a wire story is a place of the article; a city or
 *     region also counts its country when the extractor is set so;
 *   - organisations: legal-form suffixes dropped ("Samsung Electronics Co
 *     Ltd" -> Samsung Electronics), a leading "the" too, then the
 *     organisation alias table;
 *   - every value then takes the name the normaliser gives it, as
 *     supplied values and queries do (the canton read from "ZURICH" is
 *     Zürich, "DENVER" is Denver);
 *   - dates: the publication date (from the source, else the dateline
 *     with the year of the file's time, else the file's time), and the
 *     dates the text mentions resolved against it (dates.h).
 * An article's places list holds the places it is about: the dateline's,
 * those of the title and the lead, and those named more than once; a
 * place named once in passing is a span but not a value (Reuters tags
 * stories that way, and a facet of every place mentioned is mostly
 * noise).  Every name the article has a span of is in its names list,
 * with how often and where first it is named and whether it is salient
 * (in people, places or orgs), unless every span of it lies in a line of
 * capitals or a table row with nothing (gazetteer, legal suffix, alias
 * table) to vouch for it: a span there is no evidence of a name.
 *
 * Text that is not prose is read as what it is before names are taken:
 * a line of capitals (a headline) or a table row ("Shr 39 cts vs 50
 * cts") gives spans but is no evidence of a name for the salient lists
 * unless the gazetteers, a legal suffix or the alias tables vouch for it;
 * a ticker in angle brackets is no name, a company's name in them is an
 * organisation; the wire's sign-off ("Reuter") is dropped; a dateline
 * given as a field (the Reuters DATELINE) is found in the text and its
 * city is a place, never a person.  Words that are no names alone are
 * dropped: a common word of newswire ("Heavy", "Net"; the list
 * common-words.txt is learned from unlabelled newswire), quantity words
 * ("Thousands"), measures ("GNP"), ratings ("AA"), currencies ("H.K.
 * Dlr"), programmes and laws, an organisation word alone ("the Bank").
 * Organisation names are kept whole before suffixes are dropped: the
 * capitalised words before a legal suffix or "and Co" ("Merrill Lynch
 * and Co", "Standard and Poor's Corp", "Smith Barney, Harris Upham and
 * Co"), a name ending in an organisation word ("Food and Drug
 * Administration") and a known company (companies.txt, names seen
 * before legal suffixes in newswire) are organisations, never people or
 * places.  A place of the gazetteer taken as a person is a place unless a
 * title or a full name of the article says otherwise; a seat of
 * government that speaks ("the White House said") is an organisation.
 *
 * An extractor is read-only once made, so one may serve any number of
 * threads, each with its own na_extraction_t.
 */
#ifndef NA_EXTRACT_H
#define NA_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"
#include "normalise.h"
#include "status.h"
#include "util.h"

typedef struct na_extractor na_extractor_t;

typedef struct {
    const char *model_path;      /* the tagger's model (ner.model) */
    const char *gazetteer_dir;   /* config/gazetteer; NULL: none */
    const na_normaliser_t *norm; /* the normaliser (borrowed, must outlive the extractor; NULL: none) */
    bool city_countries;         /* a city or region also counts its country */
} na_extractor_options_t;

/* Loads the model and gazetteers.  *OUT is the caller's (free with
 * na_extractor_free()).  NA_ERR_IO, NA_ERR_PARSE or NA_ERR_CORRUPT with a
 * message naming the file when one cannot be used. */
na_status_t na_extractor_new(const na_extractor_options_t *opts, na_extractor_t **out,
                             na_error_t *err);
void na_extractor_free(na_extractor_t *x);

typedef enum { NA_ENTITY_PERSON, NA_ENTITY_PLACE, NA_ENTITY_ORG, NA_ENTITY_DATE } na_entity_t;

/* "person", "place", "org" or "date". */
const char *na_entity_name(na_entity_t type);

typedef struct {
    na_entity_t type;
    size_t start, end; /* bytes [start, end) of the text given */
    char *value;       /* canonical value, valid UTF-8 (owned by the extraction) */
    bool demonym;      /* a place named by its people's word ("German") */
} na_extract_span_t;

/* A person, place or organisation the article names anywhere. */
typedef struct {
    na_entity_t type;  /* NA_ENTITY_PERSON, _PLACE or _ORG */
    char *name;        /* canonical value, as in the spans (owned by the extraction) */
    unsigned count;    /* mentions */
    size_t first;      /* byte offset of the first mention in the text given */
    bool salient;      /* also in people, places or orgs: the article is about it */
} na_extract_name_t;

/* Where the publication date came from. */
typedef enum {
    NA_DATE_SOURCE_NONE = 0, /* no date at all */
    NA_DATE_SOURCE_SOURCE,   /* the source said (front matter, Reuters DATE, ...) */
    NA_DATE_SOURCE_DATELINE, /* the dateline, year from the file's time */
    NA_DATE_SOURCE_MTIME,    /* the file's modification time */
    NA_DATE_SOURCE_SOURCE_DATELINE /* the source's year (and month), the dateline's day */
} na_date_source_t;

/* "none", "source", "dateline", "mtime" or "source+dateline". */
const char *na_date_source_name(na_date_source_t source);

/* The result for one article; reusable.  Initialise with
 * na_extraction_init(), free with na_extraction_release().  Lists hold
 * each value once, most salient first. */
typedef struct {
    na_strlist_t people, places, orgs;
    na_strlist_t mentioned;      /* "YYYY", "YYYY-Qn", "YYYY-MM", "YYYY-MM-DD" */
    na_extract_span_t *spans;    /* in text order */
    size_t span_count, span_cap;
    na_extract_name_t *names;    /* every name of a span (see above), once per type, by first mention */
    size_t name_count, name_cap;
    na_date_t date;              /* publication date (year 0: none) */
    na_date_source_t date_source;
    void *scratch;               /* reused working memory */
} na_extraction_t;

void na_extraction_init(na_extraction_t *ex);
void na_extraction_release(na_extraction_t *ex);

/* What na_extract() reads. */
typedef struct {
    const char *text;            /* the article's text: any bytes */
    size_t len;
    const na_date_t *source_date;/* the source's publication date, or NULL */
    const na_date_t *file_time;  /* the file's modification time, or NULL */
    bool date_unreadable;        /* the source gave a date that did not parse */
    const char *dateline;        /* the source's own dateline field ("LAGOS, March 2"), or NULL:
                                  * read for the date when TEXT opens with none */
} na_extract_input_t;

/* The publication date: a day-precise SOURCE_DATE as it is; a month- or
 * year-precise one completed by a dateline of the same month (or any
 * month, for a year) and never given another year ("2023-03" with
 * "LAGOS, March 2" is 2023-03-02, source "source+dateline"), else kept
 * at its precision; with no source date, the dateline dated against
 * FILE_TIME, then FILE_TIME itself; with DATE_UNREADABLE, none of those
 * guesses: the article is undated.
 *
 * Finds the entities and dates of one article.  Hard-wrapped text (Reuters
 * bodies, e-mail) is recognised and read by paragraph.  OUT is emptied
 * first.  Never fails on any input: NA_ERR_INVALID only for NULL
 * arguments. */
na_status_t na_extract(const na_extractor_t *x, const na_extract_input_t *in, na_extraction_t *out,
                       na_error_t *err);

/* Finds only the publication date of IN (as na_extract() would, into
 * OUT's date and date_source; the rest of OUT is emptied), at a fraction
 * of the cost: the indexer routes articles to time shards by it.
 * NA_ERR_INVALID only for NULL arguments. */
na_status_t na_extract_pubdate(const na_extractor_t *x, const na_extract_input_t *in, na_extraction_t *out,
                               na_error_t *err);

#endif
