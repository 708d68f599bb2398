/* main.c - newsarc-index: read articles from files, directories or
 * standard input and index them.
 *
 * Per-record and per-file outcomes are sorted in one place, the switch
 * in report_outcome(): what each costs (the exit status or nothing) and
 * the one line it prints; a database error stops the run after keeping
 * what was committed (index_input's status switch).  Quiet unless
 * something is wrong, so cron mails only problems. */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "extraction.h"
#include "index.h"
#include "log.h"
#include "normalise.h"
#include "options.h"
#include "parse.h"
#include "progress.h"
#include "shards.h"
#include "sniff.h"
#include "utf8.h"
#include "walk.h"

static volatile sig_atomic_t interrupted;

static void stop_log(void)
{
    na_log_stop();
}

/* The first signal asks the run to stop after the current article (what
 * was added is committed); a second one stops it at once, keeping only
 * what was committed before. */
static void on_signal(int sig)
{
    if (interrupted)
        _exit(128 + sig);
    interrupted = sig;
}

static void install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

typedef struct {
    const na_index_options_t *opts;
    na_shards_t *indexer;
    na_progress_t progress;
    const na_input_t *input;
    size_t record;        /* articles seen in the current input */
    size_t input_rejects; /* records of the current input rejected */
    size_t articles;      /* articles seen in the run */
    size_t bytes_before;  /* input bytes of the files already done */
    bool rejected;        /* some input or record was rejected */
    na_status_t db_status;/* first database error: stops the run */
    na_error_t db_error;
    const na_extractor_t *extractor; /* --extract-only: print, do not index */
    na_extraction_t found;
    char *canonical;      /* the current input's real path; NULL for standard input */
    size_t max_bytes;     /* max_article_bytes: larger inputs are refused unread */
    bool prune;           /* --prune or prune: true */
    na_strlist_t complete_roots; /* canonical paths of the arguments walked completely */
} run_t;

static int status_to_exit(na_status_t st)
{
    switch (st) {
    case NA_OK: return NA_EXIT_OK;
    case NA_ERR_LOCKED: return NA_EXIT_LOCKED;
    case NA_ERR_INVALID:
    case NA_ERR_PARSE: return NA_EXIT_USAGE;
    default: return NA_EXIT_DATABASE;
    }
}

/* What became of a record, a file or an article. */
typedef enum {
    OUTCOME_REJECTED,       /* a record or file not indexed: costs exit status 1 */
    OUTCOME_UNBUILT,        /* an article whose document could not be built: likewise */
    OUTCOME_WARNING,        /* something ignored or guessed; the rest is indexed */
    OUTCOME_UNCHANGED,      /* a file as it was when last read: not opened */
    OUTCOME_PRUNED,         /* an article removed by the prune, no source left */
    OUTCOME_PRUNED_SOURCE,  /* a gone file removed from an article's sources */
} outcome_t;

/* Prints the one line OUTCOME has (if any, at this verbosity) about FILE
 * (and LINE, when known) and records what it costs.  ID and REASON may be
 * NULL where the outcome has none. */
static void report_outcome(run_t *run, outcome_t outcome, const char *file, size_t line, const char *id,
                           const char *reason)
{
    char where[32] = "";
    if (line)
        snprintf(where, sizeof where, ":%zu", line);
    switch (outcome) {
    case OUTCOME_REJECTED:
        na_progress_clear(&run->progress);
        fprintf(stderr, "newsarc-index: %s%s: error: %s\n", file, where, reason);
        run->rejected = true;
        run->input_rejects++;
        break;
    case OUTCOME_UNBUILT:
        /* Possibly reported while a later input is read: it names its own file. */
        na_progress_clear(&run->progress);
        fprintf(stderr, "newsarc-index: %s:%zu: error: article '%s' not indexed: %s\n", file, line, id, reason);
        run->rejected = true;
        break;
    case OUTCOME_WARNING:
        if (run->opts->quiet)
            break;
        na_progress_clear(&run->progress);
        fprintf(stderr, "newsarc-index: %s%s: warning: %s\n", file, where, reason);
        break;
    case OUTCOME_UNCHANGED:
        if (run->opts->verbose > 1)
            fprintf(stderr, "newsarc-index: %s: unchanged, not read\n", file);
        break;
    case OUTCOME_PRUNED:
    case OUTCOME_PRUNED_SOURCE:
        if (!run->opts->verbose)
            break;
        na_progress_clear(&run->progress);
        if (outcome == OUTCOME_PRUNED)
            fprintf(stderr, "newsarc-index: %s: pruned: article '%s' removed, no source left\n", file, id);
        else
            fprintf(stderr, "newsarc-index: %s: pruned: source of article '%s' removed\n", file, id);
        break;
    }
}

static void report_reject(run_t *run, size_t line, const char *reason)
{
    report_outcome(run, OUTCOME_REJECTED, run->input->path, line, NULL, reason);
}

static void report_unbuilt(const char *path, size_t line, const char *id, const char *reason, void *ud)
{
    report_outcome(ud, OUTCOME_UNBUILT, path ? path : "-", line, id, reason);
}

/* Something in an input was ignored or guessed; the article is indexed
 * and the exit status stays as it is. */
static void report_warning(run_t *run, size_t line, const char *reason)
{
    report_outcome(run, OUTCOME_WARNING, run->input->path, line, NULL, reason);
}

static void sink_reject(size_t line, const char *reason, void *ud)
{
    report_reject(ud, line, reason);
}

static void sink_warn(size_t line, const char *reason, void *ud)
{
    report_warning(ud, line, reason);
}

/* A JSON string of the LEN bytes at S, made valid UTF-8. */
static json_t *json_text(const char *s, size_t len)
{
    if (!s)
        return json_null();
    if (na_utf8_valid(s, len))
        return json_stringn_nocheck(s, len);
    char *clean = na_utf8_sanitize(s, len);
    json_t *j = json_string_nocheck(clean);
    free(clean);
    return j;
}

static json_t *json_list(const na_strlist_t *list)
{
    json_t *a = json_array();
    for (size_t i = 0; i < list->count; i++)
        json_array_append_new(a, json_text(list->items[i], strlen(list->items[i])));
    return a;
}

/* --extract-only: one line of JSON for the article, on standard output. */
static void print_extraction(run_t *run, const na_article_t *a, const char *id, const char *source)
{
    na_error_t err;
    if (na_extraction_run(run->extractor, a, &run->found, &err) != NA_OK) {
        report_reject(run, a->line, err.message);
        return;
    }
    const na_extraction_t *ex = &run->found;
    char date[20];
    if (ex->date.year)
        na_date_format_iso(&ex->date, date);
    json_t *o = json_object();
    json_object_set_new(o, "id", json_text(id, strlen(id)));
    json_object_set_new(o, "title", a->title ? json_text(a->title, strlen(a->title)) : json_null());
    json_object_set_new(o, "date", ex->date.year ? json_string(date) : json_null());
    json_object_set_new(o, "date_source", json_string(na_date_source_name(ex->date_source)));
    json_object_set_new(o, "people", json_list(&ex->people));
    json_object_set_new(o, "places", json_list(&ex->places));
    json_object_set_new(o, "orgs", json_list(&ex->orgs));
    json_object_set_new(o, "mentioned", json_list(&ex->mentioned));
    json_object_set_new(o, "names", na_extraction_names_json(ex));
    json_t *spans = json_array();
    for (size_t i = 0; i < ex->span_count; i++) {
        const na_extract_span_t *sp = &ex->spans[i];
        bool placed = sp->start != NA_EXTRACTION_NO_OFFSET;
        json_t *j = json_object();
        json_object_set_new(j, "type", json_string(na_entity_name(sp->type)));
        json_object_set_new(j, "start", placed ? json_integer((json_int_t)sp->start) : json_null());
        json_object_set_new(j, "end", placed ? json_integer((json_int_t)sp->end) : json_null());
        json_t *text = json_null();
        if (placed && a->legacy) {
            char *d = na_cp1252_decode((const char *)a->raw + sp->start, sp->end - sp->start);
            text = json_string_nocheck(d);
            free(d);
        } else if (placed) {
            text = json_text((const char *)a->raw + sp->start, sp->end - sp->start);
        }
        json_object_set_new(j, "text", text);
        json_object_set_new(j, "value", json_text(sp->value, strlen(sp->value)));
        if (sp->demonym)
            json_object_set_new(j, "demonym", json_true());
        json_array_append_new(spans, j);
    }
    json_object_set_new(o, "spans", spans);
    json_t *sources = json_array();
    json_array_append_new(sources, json_text(source, strlen(source)));
    json_object_set_new(o, "sources", sources);
    json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(o);
}

static int sink_article(na_article_t *article, void *ud)
{
    run_t *run = ud;
    run->record++;
    run->articles++;
    article->mtime = run->input->mtime;
    if (article->legacy && run->opts->verbose)
        report_warning(run, article->line, "not valid UTF-8, read as Windows-1252");
    /* Where the article was read: the file, or its record in a file of
     * several articles, by number; standard input is "stdin". */
    char *source;
    if (!run->canonical)
        source = na_xstrdup("stdin");
    else if (article->format == NA_FORMAT_TEXT || article->format == NA_FORMAT_MARKDOWN)
        source = na_xstrdup(run->canonical);
    else
        source = na_xasprintf("%s#%zu", run->canonical, run->record);
    if (run->extractor) {
        /* Nothing is stored: the id shown is the one indexing would give. */
        char *id = na_index_article_id(article);
        print_extraction(run, article, id, source);
        free(id);
        free(source);
        na_article_free(article);
        return interrupted ? 1 : 0;
    }
    size_t line = article->line;
    char *where = na_xasprintf("%s:%zu", run->input->path, line ? line : 1);
    na_index_source_t src = { source, where };
    const char *dup_of = NULL;
    char *id = article->id && *article->id ? na_xstrdup(article->id) : NULL;
    na_status_t st = na_shards_add(run->indexer, article, &src, &dup_of, &run->db_error);
    if (st == NA_OK && dup_of) {
        char *reason = na_xasprintf("duplicate id '%s' (first at %s); record not indexed", id ? id : "", dup_of);
        report_reject(run, line, reason);
        free(reason);
    }
    free(id);
    free(where);
    free(source);
    if (st != NA_OK) {
        run->db_status = st;
        return 1;
    }
    na_progress_update(&run->progress, run->articles, run->bytes_before);
    return interrupted ? 1 : 0;
}

/* Reads standard input into BUF; *E is EFBIG once it passes MAX bytes. */
static void read_stdin(na_buf_t *buf, size_t max, int *e)
{
    char chunk[65536];
    ssize_t n;
    *e = 0;
    while ((n = read(STDIN_FILENO, chunk, sizeof chunk)) != 0) {
        if (n < 0) {
            if (errno == EINTR && !interrupted)
                continue;
            *e = errno;
            return;
        }
        if ((size_t)n > max - buf->len) {
            *e = EFBIG;
            return;
        }
        na_buf_add(buf, chunk, (size_t)n);
    }
}

static void index_input(run_t *run, const na_input_t *input)
{
    run->input = input;
    run->record = 0;
    run->input_rejects = 0;
    free(run->canonical);
    if (strcmp(input->path, "-") == 0)
        run->canonical = NULL;
    else if (input->real)
        run->canonical = na_xstrdup(input->real);
    else if (!(run->canonical = realpath(input->path, NULL)))
        run->canonical = na_xstrdup(input->path); /* gone since the walk: read fails below */
    /* A file as it was when last read is not opened, so its diagnostics
     * are not repeated on every run either. */
    bool tracked = run->indexer && input->real && !input->stream;
    if (tracked) {
        bool same = false;
        na_status_t st = na_shards_file_check(run->indexer, input->real, input->size, input->mtime_ns, &same,
                                               &run->db_error);
        if (st) {
            run->db_status = st;
            return;
        }
        if (same) {
            report_outcome(run, OUTCOME_UNCHANGED, input->path, 0, NULL, NULL);
            run->bytes_before += input->size;
            return;
        }
    }
    na_buf_t buf = NA_BUF_INIT;
    int e = 0;
    if (strcmp(input->path, "-") == 0)
        read_stdin(&buf, run->max_bytes, &e);
    else
        e = na_input_read(input, run->max_bytes, &buf);
    if (e == EFBIG) {
        /* Refused by its size, so memory stays bounded whatever the
         * spool holds. */
        char *why = input->size > run->max_bytes
                        ? na_xasprintf("file of %zu bytes is larger than max_article_bytes (%zu); not read",
                                       input->size, run->max_bytes)
                        : na_xasprintf("input larger than max_article_bytes (%zu); not read", run->max_bytes);
        report_reject(run, 0, why);
        free(why);
        na_buf_release(&buf);
        run->bytes_before += input->size;
        return;
    }
    if (e) {
        report_reject(run, 0, na_strerror(e));
        na_buf_release(&buf);
        return;
    }
    if (buf.len == 0) {
        report_reject(run, 0, "empty file");
        if (tracked)
            na_shards_file_read(run->indexer, input->real);
        na_buf_release(&buf);
        return;
    }
    const unsigned char *bytes = (const unsigned char *)buf.data;
    const char *not_text = na_sniff_binary(bytes, buf.len);
    if (not_text) {
        char *why = na_xasprintf("skipped, not text: %s", not_text);
        report_warning(run, 0, why);
        free(why);
        if (tracked)
            na_shards_file_read(run->indexer, input->real);
        na_buf_release(&buf);
        run->bytes_before += input->size;
        return;
    }
    na_format_t format = run->opts->input_format ? run->opts->input_format : input->format;
    if (format == NA_FORMAT_AUTO)
        format = na_parse_detect(input->relpath, bytes, buf.len);

    if (run->indexer)
        na_shards_set_input(run->indexer, input->path);
    na_parse_sink_t sink = { sink_article, sink_reject, run, sink_warn };
    na_error_t err;
    na_error_clear(&err);
    na_status_t st = na_parse_buffer(format, input->path, bytes, buf.len, &sink, &err);
    switch (st) {
    case NA_OK:
        if (run->record == 0 && run->input_rejects == 0 && run->db_status == NA_OK && !interrupted)
            report_reject(run, 0, "no articles found");
        /* Read whole: what the file no longer holds loses it as a source. */
        if (run->indexer && run->canonical && run->db_status == NA_OK && !interrupted)
            na_shards_file_done(run->indexer, run->canonical);
        break;
    case NA_ERR_PARSE:
        /* The message starts with the line when the parser knows it. */
        report_reject(run, 0, err.message);
        break;
    default:
        report_reject(run, 0, err.message[0] ? err.message : na_status_str(st));
        break;
    }
    if (tracked && (st == NA_OK || st == NA_ERR_PARSE) && run->db_status == NA_OK && !interrupted)
        na_shards_file_read(run->indexer, input->real);
    if (run->opts->verbose && run->db_status == NA_OK) {
        na_progress_clear(&run->progress);
        fprintf(stderr, "newsarc-index: %s: %zu articles as %s\n", input->path, run->record,
                na_format_name(format));
    }
    na_buf_release(&buf);
    run->bytes_before += input->size;
}

/* An entry a directory walk did not take: an error costs the exit status,
 * a skipped fifo or device does not. */
static void report_walk(const char *path, bool error, const char *reason, void *ud)
{
    report_outcome(ud, error ? OUTCOME_REJECTED : OUTCOME_WARNING, path, 0, NULL, reason);
}

/* The files to read: the PATH arguments, else the configured sources.
 * Those walked completely, and holding at least one file, are where a
 * prune may look for gone files: an unmounted (empty) or unreadable
 * spool must not empty the archive. */
static void add_inputs(run_t *run, const na_index_options_t *opts, const na_config_t *cfg, na_inputs_t *inputs)
{
    size_t n = opts->path_count ? opts->path_count : cfg->source_count;
    for (size_t i = 0; i < n; i++) {
        const char *arg = opts->path_count ? opts->paths[i] : cfg->sources[i].path;
        size_t before = inputs->count;
        size_t errors = na_inputs_add(inputs, arg, opts->path_count ? NA_FORMAT_AUTO : cfg->sources[i].format,
                                      report_walk, run);
        if (!run->prune || strcmp(arg, "-") == 0)
            continue;
        char *real = realpath(arg, NULL);
        if (errors == 0 && inputs->count > before && real)
            na_strlist_add_unique(&run->complete_roots, real);
        else if (!opts->quiet)
            fprintf(stderr, "newsarc-index: %s: warning: %s; nothing under it is pruned\n", arg,
                    errors ? "not walked completely" : "no files found");
        free(real);
    }
}

/* An article's copy removed from a time shard it no longer belongs in
 * (its date changed, or a crash left it in two), listed at -v. */
static void report_moved(const char *id, const char *from, const char *to, void *ud)
{
    run_t *run = ud;
    if (!run->opts->verbose)
        return;
    na_progress_clear(&run->progress);
    fprintf(stderr, "newsarc-index: article '%s' removed from shard '%s': it belongs in '%s'\n", id, from, to);
}

/* A source the prune removed, listed at -v. */
static void report_pruned(const char *id, const char *file, bool deleted, void *ud)
{
    report_outcome(ud, deleted ? OUTCOME_PRUNED : OUTCOME_PRUNED_SOURCE, file, 0, id, NULL);
}

/* A sharded archive: each shard's figures, then the total. */
static int print_shard_stats(const char *db, na_out_format_t format)
{
    na_strlist_t names = NA_STRLIST_INIT;
    na_shards_list(db, &names);
    na_index_stats_t total = { 0, 0, 0, 0 };
    json_t *list = json_array();
    if (format != NA_OUT_JSON)
        printf("%-10s %10s %14s %14s %14s\n", "shard", "articles", "raw bytes", "stored bytes", "database");
    for (size_t i = 0; i < names.count; i++) {
        char *path = na_xasprintf("%s/%s", db, names.items[i]);
        na_index_stats_t s;
        na_error_t err;
        na_status_t st = na_index_stats(path, &s, &err);
        free(path);
        if (st) {
            fprintf(stderr, "newsarc-index: error: %s: shard '%s': %s\n", db, names.items[i], err.message);
            json_decref(list);
            na_strlist_clear(&names);
            return status_to_exit(st);
        }
        total.articles += s.articles;
        total.raw_bytes += s.raw_bytes;
        total.stored_bytes += s.stored_bytes;
        total.db_bytes += s.db_bytes;
        if (format == NA_OUT_JSON)
            json_array_append_new(list, json_pack("{s:s, s:I, s:I, s:I, s:I}", "shard", names.items[i], "articles",
                                                  (json_int_t)s.articles, "raw_bytes", (json_int_t)s.raw_bytes,
                                                  "stored_bytes", (json_int_t)s.stored_bytes, "db_bytes",
                                                  (json_int_t)s.db_bytes));
        else
            printf("%-10s %10zu %14zu %14zu %14zu\n", names.items[i], s.articles, s.raw_bytes, s.stored_bytes,
                   s.db_bytes);
    }
    double ratio = total.raw_bytes ? (double)total.stored_bytes / (double)total.raw_bytes : 0.0;
    if (format == NA_OUT_JSON) {
        json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:f, s:o}", "articles", (json_int_t)total.articles,
                              "raw_bytes", (json_int_t)total.raw_bytes, "stored_bytes",
                              (json_int_t)total.stored_bytes, "db_bytes", (json_int_t)total.db_bytes,
                              "stored_ratio", ratio, "shards", list);
        json_dumpf(o, stdout, JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(o);
    } else {
        json_decref(list);
        printf("%-10s %10zu %14zu %14zu %14zu\n", "total", total.articles, total.raw_bytes, total.stored_bytes,
               total.db_bytes);
    }
    na_strlist_clear(&names);
    return NA_EXIT_OK;
}

static int print_stats(const char *db, na_out_format_t format)
{
    if (na_shards_kind(db) != NA_SHARD_BY_NONE)
        return print_shard_stats(db, format);
    na_index_stats_t s;
    na_error_t err;
    na_status_t st = na_index_stats(db, &s, &err);
    if (st) {
        if (st == NA_ERR_NOT_FOUND)
            fprintf(stderr, "newsarc-index: error: no database at '%s': run 'newsarc-index -d %s PATH...' to create it\n",
                    db, db);
        else
            fprintf(stderr, "newsarc-index: error: %s: %s\n", db, err.message);
        return status_to_exit(st);
    }
    double ratio = s.raw_bytes ? (double)s.stored_bytes / (double)s.raw_bytes : 0.0;
    if (format == NA_OUT_JSON) {
        json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:f}", "articles", (json_int_t)s.articles,
                              "raw_bytes", (json_int_t)s.raw_bytes, "stored_bytes",
                              (json_int_t)s.stored_bytes, "db_bytes", (json_int_t)s.db_bytes,
                              "stored_ratio", ratio);
        json_dumpf(o, stdout, JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(o);
    } else {
        printf("articles      %zu\n", s.articles);
        printf("raw bytes     %zu\n", s.raw_bytes);
        printf("stored bytes  %zu (%.1f%% of raw)\n", s.stored_bytes, 100.0 * ratio);
        printf("database      %zu bytes\n", s.db_bytes);
    }
    return NA_EXIT_OK;
}

int main(int argc, char **argv)
{
    na_index_options_t opts;
    int rc = na_index_options_parse(argc, argv, &opts);
    if (rc == NA_EXIT_OK) /* --help, --version */
        return na_cli_flush_output("newsarc-index");
    if (rc >= 0)
        return rc;
    if (opts.log) {
        int e = na_log_start(opts.log);
        if (e) {
            fprintf(stderr, "newsarc-index: error: cannot open the log '%s': %s\n", opts.log, na_strerror(e));
            return NA_EXIT_OUTPUT;
        }
        atexit(stop_log);
    }

    na_config_t cfg;
    na_error_t err;
    na_error_clear(&err);
    if (na_config_load(&cfg, opts.config, &err) != NA_OK) {
        fprintf(stderr, "newsarc-index: error: %s\n", err.message);
        return NA_EXIT_USAGE;
    }
    if (na_config_check(&cfg, &err) != NA_OK) {
        fprintf(stderr, "newsarc-index: error: %s\n", err.message);
        na_config_release(&cfg);
        return NA_EXIT_USAGE;
    }
    const char *db = opts.db ? opts.db : cfg.database;
    if (opts.path_count == 0 && cfg.source_count == 0 && !opts.stats && !opts.rebuild && !opts.refresh) {
        fprintf(stderr, "newsarc-index: error: no PATH given and no sources in the configuration\n"
                        "Try 'newsarc-index --help' for more information.\n");
        na_config_release(&cfg);
        return NA_EXIT_USAGE;
    }
    /* The tables compiled in the cache, as newsarc-search reads them: a
     * run that indexes a few articles does not parse them all. */
    na_normaliser_t *norm = NULL;
    char note[1200];
    na_status_t nst = na_cli_tables_open(&cfg, true, &norm, note, sizeof note, &err);
    if (nst == NA_OK && opts.verbose > 1)
        fprintf(stderr, "newsarc-index: tables: %s\n", note);
    if (nst != NA_OK) {
        fprintf(stderr, "newsarc-index: error: %s\n", err.message);
        na_config_release(&cfg);
        return NA_EXIT_USAGE;
    }

    /* --extract overrides the configuration for every kind. */
    na_extract_mode_t modes[NA_EXTRACT_KINDS];
    bool extracting = opts.extract_only;
    for (int k = 0; k < NA_EXTRACT_KINDS; k++) {
        modes[k] = opts.extract_set ? opts.extract : cfg.extract[k];
        extracting |= modes[k] != NA_EXTRACT_NEVER;
    }
    bool reading = opts.path_count || (cfg.source_count && !opts.stats) || opts.rebuild || opts.refresh;
    na_extractor_t *extractor = NULL;
    if (reading && extracting && na_extraction_load(&cfg, norm, &extractor, &err) != NA_OK) {
        fprintf(stderr, "newsarc-index: error: %s (to index without extraction, use --extract never)\n",
                err.message);
        na_normaliser_free(norm);
        na_config_release(&cfg);
        return NA_EXIT_USAGE;
    }

    run_t run;
    memset(&run, 0, sizeof run);
    run.opts = &opts;
    run.max_bytes = cfg.max_article_bytes;
    rc = NA_EXIT_OK;

    if (reading && opts.extract_only) {
        na_inputs_t inputs = { NULL, 0, 0 };
        run.extractor = extractor;
        na_extraction_init(&run.found);
        install_signal_handlers();
        add_inputs(&run, &opts, &cfg, &inputs);
        for (size_t i = 0; i < inputs.count && !interrupted; i++)
            index_input(&run, &inputs.items[i]);
        if (interrupted) {
            rc = 128 + (int)interrupted;
        } else if (run.rejected) {
            rc = NA_EXIT_REJECTED;
        }
        na_extraction_release(&run.found);
        na_inputs_release(&inputs);
    } else if (reading) {
        na_inputs_t inputs = { NULL, 0, 0 };
        run.prune = opts.prune || cfg.prune;
        if (!opts.delete_ids)
            add_inputs(&run, &opts, &cfg, &inputs);
        na_indexer_options_t io = { db, &cfg, norm, opts.force, extractor, { NA_EXTRACT_NEVER },
                                    report_unbuilt, &run, opts.rebuild, false, 0, false, NULL, 0, NULL, false,
                                    NULL, NULL, NULL };
        memcpy(io.extract, modes, sizeof modes);
        io.prune = run.prune;
        io.prune_max = (unsigned)cfg.prune_max;
        io.prune_force = opts.force;
        io.pruned = report_pruned;
        io.lock_wait = opts.wait >= 0 ? opts.wait : cfg.lock_wait;
        io.stop = &interrupted;
        io.refresh = opts.refresh;
        install_signal_handlers();
        na_shards_options_t so = { io, opts.shard_by >= 0 ? opts.shard_by : cfg.shard_by, report_moved };
        na_status_t st = na_shards_open(&so, &run.indexer, &err);
        if (st) {
            char *folder = na_xstrdup(db);
            char *slash = strrchr(folder, '/');
            if (slash)
                *slash = '\0';
            if (st == NA_ERR_LOCKED && interrupted)
                fprintf(stderr, "newsarc-index: '%s' is locked by another writer; stopped by signal %d while "
                                "waiting\n", db, (int)interrupted);
            else if (st == NA_ERR_LOCKED && io.lock_wait > 0)
                fprintf(stderr, "newsarc-index: error: '%s' is locked by another writer; waited %d s for it, "
                                "try again later\n", db, io.lock_wait);
            else if (st == NA_ERR_LOCKED)
                fprintf(stderr, "newsarc-index: error: '%s' is locked by another writer; try again later "
                                "(or use --wait SECONDS)\n", db);
            else if (!opts.db && slash && slash != folder && access(folder, F_OK) != 0)
                /* Most likely the installed default, before "make install". */
                fprintf(stderr, "newsarc-index: error: %s: no folder '%s' for the database: create it, "
                                "or give -d PATH or 'database' in the configuration\n", db, folder);
            else
                fprintf(stderr, "newsarc-index: error: %s: %s\n", db, err.message);
            free(folder);
            rc = st == NA_ERR_LOCKED && interrupted ? 128 + (int)interrupted : status_to_exit(st);
            na_inputs_release(&inputs);
            na_strlist_clear(&run.complete_roots);
            na_extractor_free(extractor);
            na_normaliser_free(norm);
            na_config_release(&cfg);
            return rc;
        }
        const na_index_counts_t *c = na_shards_counts(run.indexer);
        if (c->rebuilt_other_layout)
            fprintf(stderr, "newsarc-index: %s: indexed by an older newsarc; rebuilding it from its %zu stored "
                            "articles\n", db, c->carried);
        else if (opts.verbose && na_shards_rebuilding(run.indexer))
            fprintf(stderr, "newsarc-index: %s: rebuilding it from its %zu stored articles\n", db, c->carried);
        if (c->rebuild_lost)
            fprintf(stderr, "newsarc-index: %s: warning: %zu stored articles no longer parse and are not carried over\n",
                    db, c->rebuild_lost);
        if (c->out_of_date && !opts.refresh && !na_shards_rebuilding(run.indexer) && !opts.quiet)
            fprintf(stderr, "newsarc-index: %s: warning: %zu articles are out of date%s%s%s; run "
                            "'newsarc-index --refresh -d %s' (or --rebuild) to reindex them\n",
                    db, c->out_of_date, *c->out_of_date_why ? " (the " : "", c->out_of_date_why,
                    *c->out_of_date_why ? " changed)" : "", db);
        if (opts.refresh && opts.verbose)
            fprintf(stderr, "newsarc-index: %s: %zu out-of-date articles reindexed from their stored originals\n",
                    db, c->refreshed);
        for (size_t i = 0; i < run.complete_roots.count; i++)
            na_shards_prune_root(run.indexer, run.complete_roots.items[i]);
        for (size_t i = 0; opts.delete_ids && i < opts.path_count && run.db_status == NA_OK; i++) {
            bool found = false;
            run.db_status = na_shards_delete(run.indexer, opts.paths[i], &found, &run.db_error);
            if (run.db_status == NA_OK && !found) {
                fprintf(stderr, "newsarc-index: error: no article '%s' in '%s'\n", opts.paths[i], db);
                run.rejected = true;
            } else if (run.db_status == NA_OK && opts.verbose) {
                fprintf(stderr, "newsarc-index: article '%s' deleted\n", opts.paths[i]);
            }
        }
        na_progress_init(&run.progress, !opts.quiet, inputs.total_bytes);
        for (size_t i = 0; i < inputs.count && run.db_status == NA_OK && !interrupted; i++)
            index_input(&run, &inputs.items[i]);
        na_progress_finish(&run.progress);

        /* Close commits what was added, also after an interruption, but an
         * interrupted rebuild leaves the live database as it was. */
        if (interrupted)
            na_shards_cancel(run.indexer);
        st = run.db_status ? NA_OK : na_shards_finish(run.indexer, &run.db_error);
        na_index_counts_t counts = *na_shards_counts(run.indexer);
        na_status_t cst = na_shards_close(run.indexer, run.db_status || st ? NULL : &run.db_error);
        if (st == NA_OK)
            st = cst;
        if (counts.prune_refused) {
            fprintf(stderr, "newsarc-index: %s: error: prune refused: it would remove %zu articles, more than "
                            "prune_max (%d%%) of the archive; run again with --force to remove them\n",
                    db, counts.prune_refused, cfg.prune_max);
            run.rejected = true;
        }
        if (opts.verbose && st == NA_OK && run.db_status == NA_OK)
            fprintf(stderr, "newsarc-index: %s: %zu added, %zu replaced, %zu unchanged, %zu removed, %zu pruned, "
                            "%zu deleted; %zu files unchanged and not read\n",
                    db, counts.added, counts.replaced, counts.unchanged, counts.removed, counts.pruned,
                    counts.deleted, counts.files_unchanged);
        if (opts.verbose && st == NA_OK && run.db_status == NA_OK && counts.moved)
            fprintf(stderr, "newsarc-index: %s: %zu articles moved to another shard\n", db, counts.moved);
        if (opts.verbose && st == NA_OK && run.db_status == NA_OK && counts.batches > 1)
            fprintf(stderr, "newsarc-index: %s: written as %zu partial databases, merged\n", db, counts.batches);
        if (run.db_status == NA_OK)
            run.db_status = st;
        if (run.db_status) {
            fprintf(stderr, "newsarc-index: error: %s: %s\n", db, run.db_error.message);
            rc = status_to_exit(run.db_status);
        } else if (interrupted) {
            fprintf(stderr, "newsarc-index: interrupted by signal %d; %zu articles were committed\n",
                    (int)interrupted, run.articles);
            rc = 128 + (int)interrupted;
        } else if (run.rejected) {
            rc = NA_EXIT_REJECTED;
        }
        na_inputs_release(&inputs);
        na_strlist_clear(&run.complete_roots);
    }
    free(run.canonical);
    if (opts.stats && rc != NA_EXIT_DATABASE && rc != NA_EXIT_LOCKED) {
        int src = print_stats(db, opts.format);
        if (src)
            rc = src;
    }
    /* --extract-only and --stats write standard output: output that did
     * not go out is the run's failure, unless something worse stopped it. */
    if (rc == NA_EXIT_OK || rc == NA_EXIT_REJECTED) {
        int out = na_cli_flush_output("newsarc-index");
        if (out)
            rc = NA_EXIT_OUTPUT;
    }
    na_extractor_free(extractor);
    na_normaliser_free(norm);
    na_config_release(&cfg);
    return rc;
}
