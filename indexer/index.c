/* index.c - the indexing session: one writable database for the run,
 * unchanged articles skipped, the compression dictionary of a new archive
 * trained from its first articles, and documents built on a worker thread
 * (docbuild.c) while this thread writes the finished ones, in order.
 *
 * Two threads because the machine has two cores and the work splits
 * cleanly: term generation and compression need no database, and Xapian's
 * writes need no article text. */
#include "index.h"

#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "docbuild.h"
#include "record.h"
#include "schema.h"
#include "store.h"
#include "utf8.h"
#include "xapian-c.h"

/* Articles sampled to train the compression dictionary of a new archive.
 * Smaller archives are stored with plain zlib until a later run has seen
 * this much. */
#define TRAIN_SAMPLE_BYTES (2u << 20)

/* Bump when the document layout changes, so unchanged articles are
 * reindexed by the next run. */
#define INDEX_LAYOUT_VERSION "newsarc-layout-3"

/* Articles between the two threads: enough to keep both busy. */
#define QUEUE_SIZE 64

typedef enum { JOB_FREE = 0, JOB_TODO, JOB_DONE } job_state_t;

typedef struct {
    job_state_t state;
    na_article_t *article; /* owned */
    char *id;              /* owned */
    char hash[17];
    na_xdoc_t *doc;        /* built by the worker */
    unsigned values[NA_FIELD_COUNT];
    na_status_t status;
    na_error_t err;
} job_t;

struct na_indexer {
    na_indexer_options_t opts;
    na_xwdb_t *db;

    unsigned slots_used[NA_FIELD_COUNT]; /* value slots a multi-valued field uses */
    bool slots_dirty;

    /* Compression: the dictionary in use (id 0 = none yet). */
    unsigned dict_id;
    na_buf_t dict;
    na_zdict_t zdict;
    bool training;        /* holding articles back to train a dictionary */
    job_t *held;          /* articles held, in order */
    size_t held_count, held_cap, held_bytes;

    /* The worker and its queue: jobs[head..head+count) in order. */
    na_docbuild_t *builder; /* used by the worker only, once it runs */
    pthread_t worker;
    bool worker_running;
    pthread_mutex_t lock;
    pthread_cond_t work_ready, job_done;
    job_t jobs[QUEUE_SIZE];
    size_t head, count, next_work;
    bool stopping;
    na_status_t failed; /* the first error: nothing more is written */

    size_t since_commit;
    na_index_counts_t counts;
};

/* ---- small helpers ---- */

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* What decides an article's document: its bytes, its format, the layout
 * and what extraction may add to it. */
static void content_hash(const na_indexer_options_t *opts, const na_article_t *a, char out[17])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv1a(h, INDEX_LAYOUT_VERSION, sizeof INDEX_LAYOUT_VERSION);
    if (opts->extractor)
        h = fnv1a(h, opts->extract, sizeof opts->extract);
    const char *fmt = na_format_name(a->format);
    h = fnv1a(h, fmt, strlen(fmt) + 1);
    h = fnv1a(h, a->raw, a->raw_len);
    snprintf(out, 17, "%016" PRIx64, h);
}

static na_status_t read_meta_uint(na_xwdb_t *db, const char *key, unsigned *out, na_error_t *err)
{
    char *val = NULL;
    size_t len = 0;
    na_status_t st = na_xwdb_get_metadata(db, key, &val, &len, err);
    *out = 0;
    if (st == NA_ERR_NOT_FOUND) {
        na_error_clear(err);
        return NA_OK;
    }
    if (st == NA_OK && val)
        *out = (unsigned)strtoul(val, NULL, 10);
    free(val);
    return st;
}

static na_status_t write_meta_uint(na_xwdb_t *db, const char *key, unsigned v, na_error_t *err)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%u", v);
    return na_xwdb_set_metadata(db, key, buf, (size_t)n, err);
}

static void job_release(job_t *job)
{
    na_article_free(job->article);
    free(job->id);
    na_xdoc_free(job->doc);
    memset(job, 0, sizeof *job);
}

/* ---- the worker ---- */

static void *worker_main(void *arg)
{
    na_indexer_t *ix = arg;
    pthread_mutex_lock(&ix->lock);
    for (;;) {
        job_t *job = &ix->jobs[ix->next_work];
        while (!ix->stopping && job->state != JOB_TODO)
            pthread_cond_wait(&ix->work_ready, &ix->lock);
        if (job->state != JOB_TODO)
            break; /* stopping, and nothing left to do */
        ix->next_work = (ix->next_work + 1) % QUEUE_SIZE;
        pthread_mutex_unlock(&ix->lock);
        job->status = na_docbuild_run(ix->builder, job->article, job->id, job->hash, &job->doc, job->values,
                                      &job->err);
        pthread_mutex_lock(&ix->lock);
        job->state = JOB_DONE;
        pthread_cond_signal(&ix->job_done);
    }
    pthread_mutex_unlock(&ix->lock);
    return NULL;
}

static na_status_t start_worker(na_indexer_t *ix, na_error_t *err)
{
    /* Signals are for the main thread, which checks its flag between
     * articles; the worker never sees them. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int e = pthread_create(&ix->worker, NULL, worker_main, ix);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (e)
        return na_error_set(err, NA_ERR_INTERNAL, "cannot start the indexing thread: %s", strerror(e));
    ix->worker_running = true;
    return NA_OK;
}

/* Writes the finished job at the head of the queue (called unlocked: the
 * worker never touches a finished job or the database). */
static na_status_t write_job(na_indexer_t *ix, job_t *job, na_error_t *err)
{
    na_status_t st = job->status;
    if (st) {
        if (err)
            *err = job->err;
        return st;
    }
    char *id_term = na_xasprintf("%s%s", NA_PREFIX_ID, job->id);
    st = na_xwdb_replace(ix->db, id_term, job->doc, err);
    free(id_term);
    if (st)
        return st;
    for (int f = 0; f < NA_FIELD_COUNT; f++)
        if (job->values[f] > ix->slots_used[f]) {
            ix->slots_used[f] = job->values[f];
            ix->slots_dirty = true;
        }
    ix->since_commit++;
    return NA_OK;
}

/* Writes finished jobs from the head of the queue: all of them when
 * ALL, else those already done plus, when the queue is full, the oldest. */
static na_status_t drain(na_indexer_t *ix, bool all, na_error_t *err)
{
    pthread_mutex_lock(&ix->lock);
    while (ix->count > 0) {
        job_t *job = &ix->jobs[ix->head];
        if (job->state != JOB_DONE) {
            if (!all && ix->count < QUEUE_SIZE)
                break;
            pthread_cond_wait(&ix->job_done, &ix->lock);
            continue;
        }
        pthread_mutex_unlock(&ix->lock);
        na_status_t st = ix->failed ? NA_OK : write_job(ix, job, err);
        if (st)
            ix->failed = st;
        job_release(job);
        pthread_mutex_lock(&ix->lock);
        ix->head = (ix->head + 1) % QUEUE_SIZE;
        ix->count--;
    }
    pthread_mutex_unlock(&ix->lock);
    return ix->failed;
}

/* Hands JOB's contents to the worker; the queue takes ownership. */
static na_status_t submit(na_indexer_t *ix, job_t *job, na_error_t *err)
{
    na_status_t st = drain(ix, false, err);
    if (st) {
        job_release(job);
        return st;
    }
    if (!ix->worker_running && (st = start_worker(ix, err)) != NA_OK) {
        job_release(job);
        return st;
    }
    pthread_mutex_lock(&ix->lock);
    size_t slot = (ix->head + ix->count) % QUEUE_SIZE;
    ix->jobs[slot] = *job;
    ix->jobs[slot].state = JOB_TODO;
    ix->count++;
    pthread_cond_signal(&ix->work_ready);
    pthread_mutex_unlock(&ix->lock);
    memset(job, 0, sizeof *job);
    return NA_OK;
}

/* ---- open and close ---- */

na_status_t na_indexer_open(const na_indexer_options_t *opts, na_indexer_t **out, na_error_t *err)
{
    *out = NULL;
    na_indexer_t *ix = na_xcalloc(1, sizeof *ix);
    ix->opts = *opts;
    pthread_mutex_init(&ix->lock, NULL);
    pthread_cond_init(&ix->work_ready, NULL);
    pthread_cond_init(&ix->job_done, NULL);
    na_status_t st = na_docbuild_new(opts->config, opts->extractor, opts->extract, &ix->builder, err);
    if (st == NA_OK)
        st = na_xwdb_open(opts->db_path, true, &ix->db, err);
    char key[64];
    for (int f = 0; f < NA_FIELD_COUNT && st == NA_OK; f++) {
        if (!na_fields[f].multi)
            continue;
        snprintf(key, sizeof key, NA_META_SLOTS_FMT, na_fields[f].name);
        st = read_meta_uint(ix->db, key, &ix->slots_used[f], err);
    }
    if (st == NA_OK)
        st = read_meta_uint(ix->db, NA_META_ZDICT_LATEST, &ix->dict_id, err);
    if (st == NA_OK && ix->dict_id) {
        char *d = NULL;
        size_t dlen = 0;
        snprintf(key, sizeof key, NA_META_ZDICT_FMT, ix->dict_id);
        st = na_xwdb_get_metadata(ix->db, key, &d, &dlen, err);
        if (st == NA_OK) {
            na_buf_add(&ix->dict, d, dlen);
            ix->zdict = (na_zdict_t){ ix->dict_id, (const unsigned char *)ix->dict.data, ix->dict.len, 0 };
            na_docbuild_set_dict(ix->builder, &ix->zdict);
        }
        free(d);
    }
    if (st == NA_OK)
        st = na_xwdb_set_metadata(ix->db, NA_META_SCHEMA, NA_SCHEMA_VERSION, strlen(NA_SCHEMA_VERSION), err);
    if (st) {
        na_indexer_close(ix, NULL);
        return st;
    }
    ix->training = ix->dict_id == 0;
    *out = ix;
    return NA_OK;
}

na_status_t na_indexer_close(na_indexer_t *ix, na_error_t *err)
{
    if (!ix)
        return NA_OK;
    na_status_t st = ix->db ? na_indexer_commit(ix, err) : NA_OK;
    if (ix->worker_running) {
        drain(ix, true, NULL); /* after an error: only to free the jobs */
        pthread_mutex_lock(&ix->lock);
        ix->stopping = true;
        pthread_cond_signal(&ix->work_ready);
        pthread_mutex_unlock(&ix->lock);
        pthread_join(ix->worker, NULL);
    }
    na_status_t st2 = na_xwdb_close(ix->db, st ? NULL : err);
    if (st == NA_OK)
        st = st2;
    for (size_t i = 0; i < ix->held_count; i++)
        job_release(&ix->held[i]);
    free(ix->held);
    na_docbuild_free(ix->builder);
    na_buf_release(&ix->dict);
    pthread_mutex_destroy(&ix->lock);
    pthread_cond_destroy(&ix->work_ready);
    pthread_cond_destroy(&ix->job_done);
    free(ix);
    return st;
}

const na_index_counts_t *na_indexer_counts(const na_indexer_t *ix)
{
    return &ix->counts;
}

/* ---- the dictionary of a new archive ---- */

static na_status_t train_dictionary(na_indexer_t *ix, na_error_t *err)
{
    const unsigned char **samples = na_xmalloc(ix->held_count * sizeof *samples);
    size_t *lens = na_xmalloc(ix->held_count * sizeof *lens);
    for (size_t i = 0; i < ix->held_count; i++) {
        samples[i] = ix->held[i].article->raw;
        lens[i] = ix->held[i].article->raw_len;
    }
    na_buf_reset(&ix->dict);
    na_store_train(samples, lens, ix->held_count, NA_ZDICT_MAX, &ix->dict);
    free(samples);
    free(lens);
    if (ix->dict.len == 0)
        return NA_OK;

    /* The id is the dictionary's checksum, so that shards indexed apart
     * never give two dictionaries one id (search reads any shard's). */
    unsigned id = (unsigned)crc32(0L, (const Bytef *)ix->dict.data, (uInt)ix->dict.len);
    if (id == 0 || id == ix->dict_id)
        id ^= 0x9e3779b9u;
    char key[64];
    snprintf(key, sizeof key, NA_META_ZDICT_FMT, id);
    na_status_t st = na_xwdb_set_metadata(ix->db, key, ix->dict.data, ix->dict.len, err);
    if (st == NA_OK)
        st = write_meta_uint(ix->db, NA_META_ZDICT_LATEST, id, err);
    if (st == NA_OK) {
        ix->dict_id = id;
        ix->zdict = (na_zdict_t){ id, (const unsigned char *)ix->dict.data, ix->dict.len, 0 };
        /* No job is queued yet: the worker has not started. */
        na_docbuild_set_dict(ix->builder, &ix->zdict);
    }
    return st;
}

/* Sends the held articles on, training a dictionary first when enough
 * material was seen. */
static na_status_t flush_held(na_indexer_t *ix, na_error_t *err)
{
    na_status_t st = NA_OK;
    if (ix->training && ix->held_bytes >= TRAIN_SAMPLE_BYTES)
        st = train_dictionary(ix, err);
    ix->training = false;
    for (size_t i = 0; i < ix->held_count; i++) {
        if (st == NA_OK)
            st = submit(ix, &ix->held[i], err);
        else
            job_release(&ix->held[i]);
    }
    ix->held_count = 0;
    ix->held_bytes = 0;
    return st;
}

/* ---- the public calls ---- */

/* Normalises VALUES in place for FIELD, dropping empties and duplicates. */
static void normalise_list(const na_indexer_t *ix, na_field_t field, na_strlist_t *values)
{
    na_strlist_t out = NA_STRLIST_INIT;
    for (size_t i = 0; i < values->count; i++) {
        char *c = na_normalise(ix->opts.norm, field, values->items[i]);
        if (c && !na_strlist_contains(&out, c))
            na_strlist_take(&out, c);
        else
            free(c);
    }
    na_strlist_clear(values);
    *values = out;
}

/* Makes every text field valid UTF-8, whatever the parser left. */
static void sanitize_strings(na_article_t *a)
{
    char **fields[] = { &a->id, &a->title, &a->body, &a->date, &a->source, &a->url, &a->language, &a->dateline };
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        char *s = *fields[i];
        if (s && !na_utf8_valid(s, strlen(s))) {
            *fields[i] = na_utf8_sanitize(s, strlen(s));
            free(s);
        }
    }
    na_strlist_t *lists[] = { &a->authors, &a->people, &a->places, &a->orgs, &a->topics, &a->exchanges };
    for (size_t l = 0; l < sizeof lists / sizeof *lists; l++)
        for (size_t i = 0; i < lists[l]->count; i++) {
            char *s = lists[l]->items[i];
            if (!na_utf8_valid(s, strlen(s))) {
                lists[l]->items[i] = na_utf8_sanitize(s, strlen(s));
                free(s);
            }
        }
}

na_status_t na_indexer_add(na_indexer_t *ix, na_article_t *a, const char *default_id, na_error_t *err)
{
    if (ix->failed) {
        na_article_free(a);
        return ix->failed;
    }
    sanitize_strings(a);
    job_t job;
    memset(&job, 0, sizeof job);
    job.article = a;
    job.id = na_xstrdup(a->id && *a->id ? a->id : default_id);
    content_hash(&ix->opts, a, job.hash);

    normalise_list(ix, NA_FIELD_PERSON, &a->people);
    normalise_list(ix, NA_FIELD_PLACE, &a->places);
    normalise_list(ix, NA_FIELD_ORG, &a->orgs);
    normalise_list(ix, NA_FIELD_TOPIC, &a->topics);
    normalise_list(ix, NA_FIELD_AUTHOR, &a->authors);
    if (a->source) {
        char *s = na_normalise(ix->opts.norm, NA_FIELD_SOURCE, a->source);
        free(a->source);
        a->source = s;
    }

    /* Skip an article whose stored bytes are what we would store again.
     * Articles still in the queue are not in the database yet: an id seen
     * twice in one run is simply replaced. */
    char *id_term = na_xasprintf("%s%s", NA_PREFIX_ID, job.id);
    na_docid_t docid;
    na_status_t st = na_xwdb_find(ix->db, id_term, &docid, err);
    free(id_term);
    bool exists = st == NA_OK;
    if (st == NA_ERR_NOT_FOUND) {
        na_error_clear(err);
        st = NA_OK;
    }
    if (st == NA_OK && exists && !ix->opts.force) {
        char *old = NULL;
        size_t len = 0;
        st = na_xwdb_get_value(ix->db, docid, NA_SLOT_HASH, &old, &len, err);
        bool same = st == NA_OK && len == 16 && memcmp(old, job.hash, 16) == 0;
        free(old);
        if (same) {
            ix->counts.unchanged++;
            job_release(&job);
            return NA_OK;
        }
    }
    if (st) {
        job_release(&job);
        return st;
    }
    if (exists)
        ix->counts.replaced++;
    else
        ix->counts.added++;

    if (ix->training) {
        if (ix->held_count == ix->held_cap) {
            ix->held_cap = ix->held_cap ? ix->held_cap * 2 : 256;
            ix->held = na_xrealloc(ix->held, ix->held_cap * sizeof *ix->held);
        }
        ix->held[ix->held_count++] = job;
        ix->held_bytes += a->raw_len;
        if (ix->held_bytes < TRAIN_SAMPLE_BYTES)
            return NA_OK;
        st = flush_held(ix, err);
    } else {
        st = submit(ix, &job, err);
    }
    if (st == NA_OK && ix->since_commit >= ix->opts.config->commit_every)
        st = na_indexer_commit(ix, err);
    return st;
}

na_status_t na_indexer_commit(na_indexer_t *ix, na_error_t *err)
{
    na_status_t st = ix->held_count ? flush_held(ix, err) : NA_OK;
    if (st == NA_OK && ix->worker_running)
        st = drain(ix, true, err);
    if (st == NA_OK && ix->slots_dirty) {
        char key[64];
        for (int f = 0; f < NA_FIELD_COUNT && st == NA_OK; f++) {
            if (!na_fields[f].multi)
                continue;
            snprintf(key, sizeof key, NA_META_SLOTS_FMT, na_fields[f].name);
            st = write_meta_uint(ix->db, key, ix->slots_used[f], err);
        }
        if (st == NA_OK)
            ix->slots_dirty = false;
    }
    if (st == NA_OK)
        st = na_xwdb_commit(ix->db, err);
    ix->since_commit = 0;
    if (st)
        ix->failed = st;
    return st;
}

/* ---- figures ---- */

static size_t dir_bytes(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
    DIR *d = opendir(path);
    if (!d)
        return 0;
    size_t total = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char *child = na_xasprintf("%s/%s", path, de->d_name);
        total += dir_bytes(child);
        free(child);
    }
    closedir(d);
    return total;
}

typedef struct {
    na_xdb_t *db;
    na_index_stats_t *stats;
    na_status_t st;
    na_error_t *err;
} stats_walk_t;

static bool stats_visit(const char *term, size_t len, unsigned freq, void *ud)
{
    stats_walk_t *w = ud;
    char *t = na_xstrndup(term, len);
    na_docid_t docid;
    char *data = NULL;
    size_t dlen = 0;
    w->st = na_xdb_find(w->db, t, &docid, w->err);
    free(t);
    if (w->st == NA_OK)
        w->st = na_xdb_get_data(w->db, docid, &data, &dlen, w->err);
    na_record_view_t view;
    size_t raw_len = 0;
    unsigned dict;
    if (w->st == NA_OK)
        w->st = na_record_decode(data, dlen, &view, w->err);
    if (w->st == NA_OK)
        w->st = na_store_blob_info(view.blob, view.blob_len, &raw_len, &dict, w->err);
    if (w->st == NA_OK) {
        w->stats->articles++;
        w->stats->raw_bytes += raw_len;
        w->stats->stored_bytes += view.blob_len;
    }
    free(data);
    return w->st == NA_OK;
}

na_status_t na_index_stats(const char *path, na_index_stats_t *out, na_error_t *err)
{
    memset(out, 0, sizeof *out);
    na_xdb_t *db = NULL;
    na_status_t st = na_xdb_open(&path, 1, &db, err);
    if (st)
        return st;
    stats_walk_t w = { db, out, NA_OK, err };
    st = na_xdb_each_term(db, NA_PREFIX_ID, stats_visit, &w, err);
    if (st == NA_OK)
        st = w.st;
    na_xdb_close(db);
    out->db_bytes = dir_bytes(path);
    return st;
}
