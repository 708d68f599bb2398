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
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "bulk.h"
#include "date.h"
#include "docbuild.h"
#include "hash.h"
#include "parse.h"
#include "record.h"
#include "schema.h"
#include "strmap.h"
#include "store.h"
#include "xapian-c.h"

/* Articles sampled to train the compression dictionary of a new archive.
 * Smaller archives are stored with plain zlib until a later run has seen
 * this much. */
#define TRAIN_SAMPLE_BYTES (2u << 20)

/* Bump when the document layout changes.  It is kept in the metadata key
 * NA_META_LAYOUT: an archive of another layout is rebuilt (see
 * rebuild_load()), never mixed with documents of this one. */
#define INDEX_LAYOUT_VERSION "newsarc-layout-10"

/* An archive of another layout with at most this many articles is
 * rebuilt on open without being asked: it takes seconds. */
#define AUTO_REBUILD_MAX 2000

/* What one article's postings and positions cost Xapian's in-memory
 * build, in bytes, per byte of the original and per document: measured
 * on Reuters-21578 and rounded up, so that the budget of index_memory is
 * an upper bound on what pending documents take (see flush_due()). */
#define COST_PER_BYTE 12
#define COST_PER_DOC 2048

/* Of index_memory, what the rest of the process is left: the tables, the
 * queue; and per id seen in the run, what it keeps of it (id, place,
 * sources) until the run ends. */
#define MEMORY_RESERVE (64u << 20)
#define COST_PER_SEEN 320

/* Articles between the two threads: enough to keep both busy. */
#define QUEUE_SIZE 64

/* What the documents depend on besides the articles, each kept as a
 * digest in the metadata (NA_META_DIGEST_FMT). */
enum { DIGEST_ALIASES, DIGEST_GAZETTEER, DIGEST_MODEL, DIGEST_LAYOUT, NA_DIGEST_KINDS };
static const char *const digest_names[NA_DIGEST_KINDS] = { "aliases", "gazetteer", "model", "layout" };
static const char *const digest_words[NA_DIGEST_KINDS] = { "alias tables", "gazetteer", "model", "layout" };

typedef enum { JOB_FREE = 0, JOB_TODO, JOB_DONE } job_state_t;

typedef struct {
    job_state_t state;
    na_article_t *article; /* owned */
    char *id;              /* owned */
    char *path;            /* owned: the input it came from, or NULL */
    bool exists;           /* replaces an article already stored */
    char hash[17];
    na_strlist_t sources;  /* owned: what the document records */
    na_xdoc_t *doc;        /* built by the worker */
    na_status_t status;
    na_error_t err;
    /* A bulk build swaps the threads' parts: the caller builds the
     * document and the worker writes it, which evens out their work,
     * Xapian's side being the larger (see submit()). */
    bool prebuilt;
    size_t budget;         /* memory_budget() when it was built */
    na_status_t write_status;
    na_error_t write_err;
} job_t;

/* What this run produced under one id. */
typedef struct {
    char *id;
    char hash[17];
    char *where;          /* "FILE:LINE" of the first article with the id */
    na_strlist_t produced; /* its sources read in this run */
    bool reconcile;       /* the stored sources may differ from the final ones */
} seen_t;

/* A file met in this run: what to store of it when it was read. */
typedef struct {
    char *path;
    size_t size;
    long long mtime_ns;
    bool read;
} file_rec_t;

struct na_indexer {
    na_indexer_options_t opts;
    na_xwdb_t *db;
    na_strmap_t seen;       /* seen_t by id */
    na_strmap_t files_done; /* canonical paths of files read whole (no values) */
    na_strmap_t present;    /* file_rec_t by path: files met in this run */
    na_strmap_t gone;       /* canonical paths the prune found gone (no values) */
    na_strlist_t prune_roots; /* roots walked completely */
    int prune_verdict;      /* 0: weigh the prune here; 1: apply it; -1: refuse it (na_indexer_prune_verdict()) */

    /* Rebuilding: the live database stays open (and locked) while the new
     * one is built at new_path, then takes its place on close. */
    na_xwdb_t *live;
    char *live_path, *new_path;
    /* The database as opened: the path given, or for a stub directory
     * (what a rebuild leaves) the generation its stub names, then the
     * stub directory itself (NULL for a plain database), and for a plain
     * database being rebuilt, the stub directory built beside it. */
    char *gen_path, *stub_dir, *new_dir;
    /* No stub yet: gen_path is gen-0, a database of no documents that
     * holds this run's lock while the first generation is built beside
     * it as a rebuild's is (see resolve_path()). */
    bool first_build;
    bool cancel; /* close without moving a rebuilt database in */
    bool finished; /* na_indexer_finish() ran */

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

    /* A first build or a rebuild, invisible until complete, writes its
     * documents as partial databases (bulk.h) and its metadata to ix->db,
     * a database of no documents in the build's folder. */
    na_bulk_t *bulk;

    size_t since_commit, since_commit_bytes;
    size_t pending_cost; /* of documents written since the last commit */
    /* A first build into an empty database (and a rebuild, which readers
     * never see until it is moved in) commits only at the end, so that
     * searches never see it half done. */
    bool one_commit;
    /* The digests of what decides an article's document besides its
     * bytes (see settings_digests()), and the term that marks the
     * articles indexed with them. */
    char digests[NA_DIGEST_KINDS][17];
    char conf_hex[17];
    char *conf_term;
    na_index_counts_t counts;
    char *input_path; /* the input articles are added from, or NULL */
};

/* ---- small helpers ---- */

/* What decides an article's document: its bytes, its format, the layout
 * and what extraction may add to it. */
static void content_hash(const na_indexer_options_t *opts, const char *conf_hex, const na_article_t *a,
                         char out[17])
{
    uint64_t h = na_hash64(NA_HASH_SEED, INDEX_LAYOUT_VERSION, sizeof INDEX_LAYOUT_VERSION);
    h = na_hash64(h, conf_hex, 16);
    if (opts->extractor)
        h = na_hash64(h, opts->extract, sizeof opts->extract);
    const char *fmt = na_format_name(a->format);
    h = na_hash64(h, fmt, strlen(fmt) + 1);
    na_hash64_hex(h, a->raw, a->raw_len, out);
}

/* ---- tables ---- */

static void free_file_rec(void *p)
{
    file_rec_t *r = p;
    free(r->path);
    free(r);
}

static void seen_free(seen_t *e)
{
    free(e->id);
    free(e->where);
    na_strlist_clear(&e->produced);
    free(e);
}

static void free_seen_item(void *p) { seen_free(p); }

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

/* Adds the stopwords of this run to those of earlier ones: they have no
 * stemmed terms in this archive, whatever the search's configuration
 * says, so the search looks for them as written (search/query.c). */
static na_status_t record_stopwords(na_xwdb_t *db, const na_strlist_t *words, na_error_t *err)
{
    char *old = NULL;
    size_t len = 0;
    na_status_t st = na_xwdb_get_metadata(db, NA_META_STOPWORDS, &old, &len, err);
    if (st == NA_ERR_NOT_FOUND) {
        na_error_clear(err);
        st = NA_OK;
    }
    na_buf_t all = NA_BUF_INIT;
    na_buf_adds(&all, "\n");
    if (old)
        na_buf_add(&all, old, len);
    free(old);
    if (all.data[all.len - 1] != '\n')
        na_buf_adds(&all, "\n");
    bool changed = false;
    for (size_t i = 0; st == NA_OK && i < words->count; i++) {
        char *line = na_xasprintf("\n%s\n", words->items[i]);
        if (!strstr(all.data, line)) {
            na_buf_adds(&all, line + 1);
            changed = true;
        }
        free(line);
    }
    if (st == NA_OK && changed)
        st = na_xwdb_set_metadata(db, NA_META_STOPWORDS, all.data + 1, all.len - 1, err);
    na_buf_release(&all);
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
    free(job->path);
    na_strlist_clear(&job->sources);
    na_xdoc_free(job->doc);
    memset(job, 0, sizeof *job);
}

/* ---- the worker ---- */

static size_t doc_cost(const job_t *job);

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
        if (!job->prebuilt)
            job->status = na_docbuild_run(ix->builder, job->article, job->id, job->hash, &job->sources, &job->doc,
                                          &job->err);
        else if (job->status == NA_OK)
            job->write_status = na_bulk_add(ix->bulk, job->doc, doc_cost(job), job->budget, &job->write_err);
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
        return na_error_set(err, NA_ERR_INTERNAL, "cannot start the indexing thread: %s", na_strerror(e));
    ix->worker_running = true;
    return NA_OK;
}

/* ---- the flush policy ---- */

/* What JOB's document costs Xapian's in-memory build until it is
 * flushed (see COST_PER_BYTE). */
static size_t doc_cost(const job_t *job)
{
    return job->article->raw_len * COST_PER_BYTE + COST_PER_DOC;
}

/* The memory pending documents may take now: index_memory less what the
 * rest of the process needs, which grows with the ids seen, and never
 * less than a quarter of it. */
static size_t memory_budget(const na_indexer_t *ix)
{
    size_t all = ix->opts.config->index_memory << 20;
    size_t rest = MEMORY_RESERVE + ix->seen.count * (size_t)COST_PER_SEEN;
    return all / 4 + rest < all ? all - rest : all / 4;
}

/* Whether the batch since the last commit is complete: commit_every
 * articles, commit_bytes bytes or the memory budget spent, whichever
 * comes first.  Xapian's own flush by document count
 * (XAPIAN_FLUSH_THRESHOLD) is set out of the way at open, so that a
 * commit is the only flush of an ordinary run and the batch lost to a
 * crash is this one.  A bulk build spends its budget per partial database
 * instead (bulk.h) and commits its metadata once, at the merge; a rebuild
 * past the merge commits a generation nobody reads yet; a first build
 * into a plain empty database commits once, at the end. */
static bool flush_due(const na_indexer_t *ix)
{
    if (ix->bulk || (ix->one_commit && !ix->live))
        return false;
    return ix->since_commit >= ix->opts.config->commit_every ||
           ix->since_commit_bytes >= ix->opts.config->commit_bytes || ix->pending_cost >= memory_budget(ix);
}

static void flush_policy_init(void)
{
    /* Read by Xapian when a database is opened for writing; a value the
     * user set wins. */
    setenv("XAPIAN_FLUSH_THRESHOLD", "4000000000", 0);
}

/* Writes the finished job at the head of the queue (called unlocked: the
 * worker never touches a finished job or the database). */
static na_status_t write_job(na_indexer_t *ix, job_t *job, na_error_t *err)
{
    na_status_t st = job->status;
    if (st) {
        /* One article that cannot be built costs that article only, as a
         * record that cannot be parsed does; the database is fine. */
        if (job->exists)
            ix->counts.replaced--;
        else
            ix->counts.added--;
        ix->counts.rejected++;
        if (ix->opts.reject)
            ix->opts.reject(job->path, job->article->line, job->id, job->err.message, ix->opts.reject_ud);
        return NA_OK;
    }
    size_t cost = doc_cost(job);
    if (job->prebuilt) {
        st = job->write_status; /* written by the worker */
        if (st)
            na_error_set(err, st, "%s", job->write_err.message);
    } else {
        na_xdoc_add_boolean_term(job->doc, ix->conf_term);
        char *id_term = na_schema_id_term(job->id);
        st = na_xwdb_replace(ix->db, id_term, job->doc, err);
        free(id_term);
    }
    if (st)
        return st;
    ix->pending_cost += cost;
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
    /* In a bulk build Xapian's writes, with nothing to look up, cost more
     * than building the document: this thread builds it and the worker
     * writes (the worker touches the builder only for jobs it builds). */
    if (ix->bulk) {
        job->status = na_docbuild_run(ix->builder, job->article, job->id, job->hash, &job->sources, &job->doc,
                                      &job->err);
        if (job->status == NA_OK)
            na_xdoc_add_boolean_term(job->doc, ix->conf_term);
        job->prebuilt = true;
        job->budget = memory_budget(ix);
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

/* Calls FN with the full path of every leftover of a rebuild of the
 * database at PATH: PATH.rebuild-PID (a new database never moved in) and
 * PATH.rebuild-PID-old (the old one moved away); OLD: only the latter.
 * Nothing else is touched, whatever its name. */
static void each_leftover(const char *path, bool old, void (*fn)(const char *leftover, void *ud), void *ud)
{
    char *dir = na_xstrdup(path);
    char *slash = strrchr(dir, '/');
    const char *base = slash ? slash + 1 : path;
    if (slash)
        *slash = '\0';
    DIR *d = opendir(slash ? (*dir ? dir : "/") : ".");
    size_t blen = strlen(base);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        const char *n = de->d_name;
        if (strncmp(n, base, blen) != 0 || n[blen] != '.')
            continue;
        const char *rest = n + blen + 1;
        if (strncmp(rest, "rebuild-", 8) != 0)
            continue;
        size_t digits = strspn(rest + 8, "0123456789");
        const char *tail = rest + 8 + digits;
        if (digits == 0 || (strcmp(tail, "-old") != 0 && (old || *tail)))
            continue;
        char *full = slash ? na_xasprintf("%s/%s", *dir ? dir : "", n) : na_xstrdup(n);
        fn(full, ud);
        free(full);
    }
    if (d)
        closedir(d);
    free(dir);
}

static void remove_leftover(const char *leftover, void *ud)
{
    (void)ud;
    na_remove_tree(leftover);
}

/* In a stub directory, removes every generation ("gen-N") but the one
 * the stub names: those of rebuilds since switched away from (kept until
 * now for readers that still had them open) or interrupted, and what
 * builds of a generation left beside it ("gen-N-parts", "gen-N-old"). */
static void remove_stale_generations(const char *stub_dir, const char *current)
{
    DIR *d = opendir(stub_dir);
    const char *cur = strrchr(current, '/');
    cur = cur ? cur + 1 : current;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        const char *n = de->d_name;
        size_t digits = strspn(n + 4, "0123456789");
        const char *tail = n + 4 + digits;
        if (strncmp(n, "gen-", 4) != 0 || digits == 0 ||
            (*tail && strcmp(tail, "-parts") != 0 && strcmp(tail, "-old") != 0) || strcmp(n, cur) == 0)
            continue;
        char *full = na_xasprintf("%s/%s", stub_dir, n);
        na_remove_tree(full);
        free(full);
    }
    if (d)
        closedir(d);
}

/* The name of the next generation of the stub directory DIR, whose
 * current one is CURRENT: gen-N with N one more than CURRENT's, or past
 * any left there. */
static char *next_generation(const char *dir, const char *current)
{
    const char *cur = strrchr(current, '/');
    cur = cur ? cur + 1 : current;
    unsigned long n = strncmp(cur, "gen-", 4) == 0 ? strtoul(cur + 4, NULL, 10) : 0;
    for (;;) {
        char *path = na_xasprintf("%s/gen-%lu", dir, ++n);
        struct stat st;
        if (stat(path, &st) != 0)
            return path;
        free(path);
    }
}

/* Writes a stub in DIR naming the generation GEN (a name inside DIR),
 * by a temporary file renamed over the old stub: readers see the old
 * generation or the new one, never neither. */
static na_status_t write_stub(const char *dir, const char *gen, na_error_t *err)
{
    char *stub = na_xasprintf("%s/XAPIANDB", dir);
    char *line = na_xasprintf("auto %s\n", gen);
    int e = na_write_file(stub, line, strlen(line));
    na_status_t st = e ? na_error_set(err, NA_ERR_IO, "cannot write '%s': %s", stub, na_strerror(e)) : NA_OK;
    free(line);
    free(stub);
    return st;
}

/* A rebuild stopped between moving the old database away and moving the
 * new one in leaves no database at PATH: the old one goes back. */
static void restore_old(const char *leftover, void *ud)
{
    const char *path = ud;
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT)
        rename(leftover, path);
}

/* ---- builds nobody sees until complete ---- */

/* The build folder of a first build or a rebuild: the new generation's
 * path with "-parts", beside it (remove_stale_generations() knows it). */
static char *bulk_dir(const na_indexer_t *ix)
{
    return na_xasprintf("%s-parts", ix->new_path);
}

/* Makes this run's documents go to partial databases (bulk.h), merged
 * into the new generation at new_path by finish_bulk(): for a first build
 * or a rebuild, which nobody sees before the stub names that generation.
 * ix->db is then a database of no documents in the build folder, which
 * takes the metadata. */
static na_status_t start_bulk(na_indexer_t *ix, na_error_t *err)
{
    char *dir = bulk_dir(ix);
    na_remove_tree(dir); /* an interrupted build's, in a folder no stub names */
    na_status_t st = na_bulk_open(dir, &ix->bulk, err);
    if (st == NA_OK) {
        char *meta = na_xasprintf("%s/meta", dir);
        st = na_xwdb_open(meta, NA_XWDB_CREATE, &ix->db, err);
        free(meta);
    }
    free(dir);
    return st;
}

/* Ends a bulk build: the metadata committed, the partial databases
 * merged into the new database at new_path, which ix->db then is. */
static na_status_t finish_bulk(na_indexer_t *ix, na_error_t *err)
{
    na_status_t st = na_indexer_commit(ix, err);
    if (st == NA_OK)
        st = na_xwdb_close(ix->db, err);
    else
        na_xwdb_close(ix->db, NULL);
    ix->db = NULL;
    char *dir = bulk_dir(ix);
    char *meta = na_xasprintf("%s/meta", dir);
    ix->counts.batches += na_bulk_batches(ix->bulk);
    if (st == NA_OK)
        st = na_bulk_merge(ix->bulk, meta, ix->new_path, err);
    na_bulk_free(ix->bulk);
    ix->bulk = NULL;
    free(meta);
    free(dir);
    if (st == NA_OK)
        st = na_xwdb_open(ix->new_path, 0, &ix->db, err);
    if (st)
        ix->failed = st;
    return st;
}

/* Reads the state a run continues from: the compression dictionary. */
static na_status_t load_state(na_indexer_t *ix, na_error_t *err)
{
    char key[64];
    na_status_t st = read_meta_uint(ix->db, NA_META_ZDICT_LATEST, &ix->dict_id, err);
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
    return st;
}

/* Whether the open database holds articles of another layout. */
static na_status_t other_layout(na_indexer_t *ix, bool *other, na_error_t *err)
{
    *other = false;
    if (na_xwdb_doccount(ix->db) == 0)
        return NA_OK;
    char *val = NULL;
    size_t len = 0;
    na_status_t st = na_xwdb_get_metadata(ix->db, NA_META_LAYOUT, &val, &len, err);
    if (st == NA_ERR_NOT_FOUND) {
        na_error_clear(err);
        *other = true;
        return NA_OK;
    }
    if (st == NA_OK)
        *other = len != strlen(INDEX_LAYOUT_VERSION) || memcmp(val, INDEX_LAYOUT_VERSION, len) != 0;
    free(val);
    return st;
}

static na_status_t rebuild_load(na_indexer_t *ix, na_error_t *err);
static na_status_t refresh_load(na_indexer_t *ix, na_error_t *err);
static na_status_t set_meta_if_changed(na_xwdb_t *db, const char *key, const char *value, na_error_t *err);

/* Continues H with the name and bytes of the file at PATH ("missing"
 * when it cannot be read, so that its coming back is a change too). */
static uint64_t hash_file(uint64_t h, const char *path)
{
    h = na_hash64(h, path, strlen(path) + 1);
    FILE *f = fopen(path, "rb");
    if (!f)
        return na_hash64(h, "missing", 7);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        h = na_hash64(h, buf, n);
    fclose(f);
    return h;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Continues H with every file of the folder DIR, in name order. */
static uint64_t hash_dir(uint64_t h, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return na_hash64(h, "missing", 7);
    na_strlist_t names = NA_STRLIST_INIT;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            na_strlist_add(&names, de->d_name);
    closedir(d);
    if (names.count)
        qsort(names.items, names.count, sizeof *names.items, cmp_str);
    for (size_t i = 0; i < names.count; i++) {
        char *path = na_xasprintf("%s/%s", dir, names.items[i]);
        h = hash_file(na_hash64(h, names.items[i], strlen(names.items[i]) + 1), path);
        free(path);
    }
    na_strlist_clear(&names);
    return h;
}

/* The digests of what decides a document besides its article: the alias
 * tables, and when extracting, the gazetteer, the model and the modes;
 * and the layout.  CONF_HEX gets the digest of them all, which every
 * document carries as a term (NA_PREFIX_CONF). */
static void settings_digests(const na_indexer_options_t *o, char digests[NA_DIGEST_KINDS][17], char conf_hex[17])
{
    const na_config_t *cfg = o->config;
    const char *tables[] = { cfg->alias_places, cfg->alias_people, cfg->alias_orgs, cfg->alias_topics,
                             cfg->alias_sources };
    uint64_t h = NA_HASH_SEED;
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
        h = tables[i] && *tables[i] ? hash_file(h, tables[i]) : na_hash64(h, "none", 5);
    uint64_t all[NA_DIGEST_KINDS] = { h, NA_HASH_SEED, NA_HASH_SEED, NA_HASH_SEED };
    if (o->extractor) {
        all[DIGEST_GAZETTEER] = hash_dir(na_hash64(NA_HASH_SEED, o->extract, sizeof o->extract), cfg->gazetteer);
        all[DIGEST_MODEL] = hash_file(NA_HASH_SEED, cfg->ner_model);
    }
    all[DIGEST_LAYOUT] = na_hash64(NA_HASH_SEED, INDEX_LAYOUT_VERSION, strlen(INDEX_LAYOUT_VERSION));
    for (int k = 0; k < NA_DIGEST_KINDS; k++)
        na_hash64_hex(all[k], NULL, 0, digests[k]);
    na_hash64_hex(NA_HASH_SEED, all, sizeof all, conf_hex);
}

/* Reads metadata KEY of DB, a writable or a read-only database. */
typedef na_status_t (*meta_get_fn)(void *db, const char *key, char **out, size_t *len, na_error_t *err);

static na_status_t get_wdb_meta(void *db, const char *key, char **out, size_t *len, na_error_t *err)
{
    return na_xwdb_get_metadata(db, key, out, len, err);
}

static na_status_t get_rdb_meta(void *db, const char *key, char **out, size_t *len, na_error_t *err)
{
    return na_xdb_get_metadata(db, key, out, len, err);
}

/* Names in WHY (ROOM bytes) what changed since DB's digests were stored:
 * those that differ from DIGESTS ("alias tables, model"); "" when none
 * is known to. */
static na_status_t changed_settings(meta_get_fn get, void *db, const char digests[NA_DIGEST_KINDS][17], char *why,
                                    size_t room, na_error_t *err)
{
    *why = '\0';
    na_status_t st = NA_OK;
    for (int k = 0; k < NA_DIGEST_KINDS && st == NA_OK; k++) {
        char key[64], *old = NULL;
        size_t len = 0;
        snprintf(key, sizeof key, NA_META_DIGEST_FMT, digest_names[k]);
        st = get(db, key, &old, &len, err);
        if (st == NA_ERR_NOT_FOUND) {
            na_error_clear(err);
            st = NA_OK;
        } else if (st == NA_OK && (len != 16 || memcmp(old, digests[k], 16) != 0)) {
            size_t used = strlen(why);
            snprintf(why + used, room - used, "%s%s", used ? ", " : "", digest_words[k]);
        }
        free(old);
    }
    return st;
}

/* Counts the articles not indexed with the current settings, and names
 * what changed since the digests were last stored. */
static na_status_t count_out_of_date(na_indexer_t *ix, na_error_t *err)
{
    unsigned docs = na_xwdb_doccount(ix->db);
    if (docs == 0)
        return NA_OK;
    na_docid_t *ids = NULL;
    size_t n = 0;
    na_status_t st = na_xwdb_postings(ix->db, ix->conf_term, &ids, &n, err);
    free(ids);
    if (st)
        return st;
    ix->counts.out_of_date = docs > n ? docs - n : 0;
    ix->counts.out_of_date_why[0] = '\0';
    if (ix->counts.out_of_date)
        st = changed_settings(get_wdb_meta, ix->db, ix->digests, ix->counts.out_of_date_why,
                              sizeof ix->counts.out_of_date_why, err);
    return st;
}

/* The frequency of the one term the walk meets (a full CONF term). */
static bool term_freq(const char *term, size_t len, unsigned freq, void *ud)
{
    (void)term;
    (void)len;
    *(unsigned *)ud = freq;
    return false;
}

struct na_index_settings {
    char digests[NA_DIGEST_KINDS][17];
    char conf_hex[17];
};

na_index_settings_t *na_index_settings_new(const na_indexer_options_t *opts)
{
    na_index_settings_t *set = na_xcalloc(1, sizeof *set);
    settings_digests(opts, set->digests, set->conf_hex);
    return set;
}

void na_index_settings_free(na_index_settings_t *set)
{
    free(set);
}

na_status_t na_index_out_of_date(const na_index_settings_t *set, na_xdb_t *db, size_t *count, char *why,
                                 size_t why_size, na_error_t *err)
{
    *count = 0;
    if (why_size)
        *why = '\0';
    unsigned docs = na_xdb_doccount(db);
    if (docs == 0)
        return NA_OK;
    char *term = na_xasprintf("%s%s", NA_PREFIX_CONF, set->conf_hex);
    /* The term's frequency, not its postings: a cron run over a large
     * archive asks this of every shard. */
    unsigned n = 0;
    na_status_t st = na_xdb_each_term(db, term, term_freq, &n, err);
    free(term);
    if (st)
        return st;
    *count = docs > n ? docs - n : 0;
    if (*count && why_size)
        st = changed_settings(get_rdb_meta, db, set->digests, why, why_size, err);
    return st;
}

static na_status_t store_digests(na_indexer_t *ix, na_error_t *err)
{
    na_status_t st = NA_OK;
    for (int k = 0; k < NA_DIGEST_KINDS && st == NA_OK; k++) {
        char key[64];
        snprintf(key, sizeof key, NA_META_DIGEST_FMT, digest_names[k]);
        st = set_meta_if_changed(ix->db, key, ix->digests[k], err);
    }
    return st;
}

/* Writing a key, even with the value it has, makes the next commit write
 * a new revision: a run that changes nothing must not. */
static na_status_t set_meta_if_changed(na_xwdb_t *db, const char *key, const char *value, na_error_t *err)
{
    char *old = NULL;
    size_t len = 0;
    na_status_t st = na_xwdb_get_metadata(db, key, &old, &len, err);
    bool same = st == NA_OK && len == strlen(value) && memcmp(old, value, len) == 0;
    free(old);
    if (st != NA_OK && st != NA_ERR_NOT_FOUND)
        return st;
    na_error_clear(err);
    return same ? NA_OK : na_xwdb_set_metadata(db, key, value, strlen(value), err);
}

static bool stop_requested(const na_indexer_t *ix)
{
    return ix->opts.stop && *ix->opts.stop;
}

/* Opens the live database, polling for the lock for up to lock_wait
 * seconds in all. */
/* Decides what to open for the path given: the generation its stub
 * names; for a path that does not exist yet (or an empty folder, or one
 * a first build left without a stub), "gen-0" of a new stub directory:
 * it only holds the lock (a second writer finds it taken), while the
 * build writes gen-1 beside it and the stub naming gen-1 comes once that
 * is complete, so that searches never see it half done; else the plain
 * database there. */
static na_status_t resolve_path(na_indexer_t *ix, na_error_t *err)
{
    const char *p = ix->opts.db_path;
    free(ix->gen_path);
    free(ix->stub_dir);
    ix->stub_dir = NULL;
    ix->first_build = false;
    ix->gen_path = na_xdb_stub_target(p);
    if (ix->gen_path) {
        ix->stub_dir = na_xstrdup(p);
        return NA_OK;
    }
    struct stat st;
    bool fresh = stat(p, &st) != 0 && errno == ENOENT;
    if (!fresh && S_ISDIR(st.st_mode)) {
        /* Empty, or holding only generations of an unfinished first build. */
        fresh = true;
        DIR *d = opendir(p);
        struct dirent *de;
        while (d && fresh && (de = readdir(d)) != NULL)
            fresh = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
                    strncmp(de->d_name, "gen-", 4) == 0;
        if (d)
            closedir(d);
        else
            fresh = false;
    }
    if (!fresh) {
        ix->gen_path = na_xstrdup(p);
        return NA_OK;
    }
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
        return na_error_set(err, NA_ERR_DATABASE, "cannot create '%s': %s", p, na_strerror(errno));
    ix->stub_dir = na_xstrdup(p);
    ix->gen_path = na_xasprintf("%s/gen-0", p);
    ix->first_build = true;
    return NA_OK;
}

static na_status_t open_waiting(na_indexer_t *ix, na_error_t *err)
{
    struct timespec start, now;
    na_status_t st;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        st = resolve_path(ix, err);
        if (st)
            return st;
        st = na_xwdb_open(ix->gen_path, NA_XWDB_CREATE, &ix->db, err);
        if (st == NA_OK && ix->stub_dir) {
            /* A rebuild may have switched the stub, or a first build
             * written it, while this run waited for the lock: writing to
             * a generation the stub no longer names would be lost. */
            char *named = na_xdb_stub_target(ix->opts.db_path);
            bool moved = named ? strcmp(named, ix->gen_path) != 0 : !ix->first_build;
            if (named && !moved)
                ix->first_build = false;
            free(named);
            if (moved) {
                na_xwdb_close(ix->db, NULL);
                ix->db = NULL;
                continue;
            }
        }
        if (st != NA_ERR_LOCKED || ix->opts.lock_wait <= 0)
            return st;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double waited = (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
        if (waited >= ix->opts.lock_wait)
            return st;
        if (stop_requested(ix))
            return st; /* the caller knows why it stopped */
        struct timespec pause = { 0, 100 * 1000 * 1000 };
        nanosleep(&pause, NULL);
    }
}

na_status_t na_indexer_open(const na_indexer_options_t *opts, na_indexer_t **out, na_error_t *err)
{
    *out = NULL;
    na_indexer_t *ix = na_xcalloc(1, sizeof *ix);
    ix->opts = *opts;
    settings_digests(opts, ix->digests, ix->conf_hex);
    ix->conf_term = na_xasprintf("%s%s", NA_PREFIX_CONF, ix->conf_hex);
    pthread_mutex_init(&ix->lock, NULL);
    pthread_cond_init(&ix->work_ready, NULL);
    pthread_cond_init(&ix->job_done, NULL);
    flush_policy_init();
    na_status_t st = na_docbuild_new(opts->config, opts->extractor, opts->extract, &ix->builder, err);
    if (st == NA_OK) {
        each_leftover(opts->db_path, true, restore_old, (void *)opts->db_path);
        st = open_waiting(ix, err);
    }
    /* Holding the lock, no other rebuild runs: what one left is stale. */
    if (st == NA_OK)
        each_leftover(opts->db_path, false, remove_leftover, NULL);
    if (st == NA_OK && ix->stub_dir)
        remove_stale_generations(ix->stub_dir, ix->gen_path);
    bool other = false;
    if (st == NA_OK)
        st = other_layout(ix, &other, err);
    if (st == NA_OK && other && !opts->rebuild && na_xwdb_doccount(ix->db) > AUTO_REBUILD_MAX)
        st = na_error_set(err, NA_ERR_INVALID,
                          "the archive was indexed by an older newsarc; run 'newsarc-index --rebuild -d %s' "
                          "to carry its %u articles over", opts->db_path, na_xwdb_doccount(ix->db));
    /* A first build is a rebuild of the empty gen-0, which nobody reads. */
    if (st == NA_OK && (other || opts->rebuild || ix->first_build)) {
        ix->live = ix->db;
        ix->db = NULL;
        ix->live_path = na_xstrdup(ix->gen_path);
        if (ix->stub_dir) {
            ix->new_path = next_generation(ix->stub_dir, ix->gen_path);
        } else {
            /* A plain database becomes a stub directory: built beside it,
             * moved in by two renames once (see swap_in()). */
            ix->new_dir = na_xasprintf("%s.rebuild-%ld", opts->db_path, (long)getpid());
            ix->new_path = na_xasprintf("%s/gen-1", ix->new_dir);
            if (mkdir(ix->new_dir, 0777) != 0)
                st = na_error_set(err, NA_ERR_IO, "cannot create '%s': %s", ix->new_dir, na_strerror(errno));
        }
        ix->counts.rebuilt_other_layout = other;
        if (st == NA_OK)
            st = start_bulk(ix, err);
    }
    if (st == NA_OK)
        st = load_state(ix, err);
    if (st == NA_OK)
        st = set_meta_if_changed(ix->db, NA_META_SCHEMA, NA_SCHEMA_VERSION, err);
    if (st == NA_OK)
        st = set_meta_if_changed(ix->db, NA_META_LAYOUT, INDEX_LAYOUT_VERSION, err);
    if (st == NA_OK)
        st = record_stopwords(ix->db, &opts->config->stopwords, err);
    ix->training = ix->dict_id == 0;
    ix->one_commit = st == NA_OK && (ix->live || ix->first_build || na_xwdb_doccount(ix->db) == 0);
    if (st == NA_OK && !ix->live)
        st = count_out_of_date(ix, err);
    if (st == NA_OK && ix->live && !ix->first_build)
        st = rebuild_load(ix, err);
    else if (st == NA_OK && ix->live)
        ;
    else if (st == NA_OK && opts->refresh && ix->counts.out_of_date)
        st = refresh_load(ix, err);
    /* The PATHs given with a rebuild are looked up in what was carried. */
    if (st == NA_OK && ix->bulk && !ix->first_build)
        st = finish_bulk(ix, err);
    if (st) {
        ix->cancel = true;
        ix->failed = st;
        na_indexer_close(ix, NULL);
        return st;
    }
    *out = ix;
    return NA_OK;
}

bool na_indexer_rebuilding(const na_indexer_t *ix)
{
    return ix->live != NULL && !ix->first_build;
}

void na_indexer_cancel(na_indexer_t *ix)
{
    /* A first build has no old database to go back to: what it did is
     * kept, as an ordinary run's is. */
    if (ix && !ix->first_build)
        ix->cancel = true;
}

static na_status_t finish(na_indexer_t *ix, na_error_t *err);

/* Puts the rebuilt database in the live one's place.  In a stub
 * directory, in one atomic step: the new stub is renamed over the old one
 * (the old generation stays for the readers that have it open, until the
 * next run removes it).  A plain database is moved aside and the new stub
 * directory into its place, so that at every moment one whole database is
 * at the path or beside it (restore_old() undoes a half-done move); later
 * rebuilds of it are atomic. */
static na_status_t swap_in(na_indexer_t *ix, na_error_t *err)
{
    na_status_t st = NA_OK;
    const char *gen = strrchr(ix->new_path, '/') + 1;
    if (ix->stub_dir) {
        st = write_stub(ix->stub_dir, gen, err);
        /* A first build's gen-0 only held the lock: it is moved aside
         * before it is let go, so that a writer waiting for it never opens
         * a database half removed (it makes a new gen-0, finds the stub
         * naming another generation and opens that). */
        char *old = st == NA_OK && ix->first_build ? na_xasprintf("%s-old", ix->live_path) : NULL;
        bool moved = old && rename(ix->live_path, old) == 0;
        na_xwdb_close(ix->live, NULL);
        ix->live = NULL;
        if (moved)
            na_remove_tree(old);
        free(old);
        return st;
    }
    st = write_stub(ix->new_dir, gen, err);
    char *old = na_xasprintf("%s-old", ix->new_dir);
    if (st) {
        /* reported */
    } else if (rename(ix->live_path, old) != 0) {
        st = na_error_set(err, NA_ERR_IO, "cannot move '%s' aside: %s", ix->live_path, na_strerror(errno));
    } else if (rename(ix->new_dir, ix->live_path) != 0) {
        st = na_error_set(err, NA_ERR_IO, "cannot move the rebuilt database to '%s': %s", ix->live_path,
                          na_strerror(errno));
        rename(old, ix->live_path);
    }
    na_xwdb_close(ix->live, NULL);
    ix->live = NULL;
    if (st == NA_OK)
        na_remove_tree(old);
    else
        na_remove_tree(ix->new_dir);
    free(old);
    return st;
}

na_status_t na_indexer_close(na_indexer_t *ix, na_error_t *err)
{
    if (!ix)
        return NA_OK;
    na_status_t st = ix->db && !ix->failed && !ix->finished && !(ix->cancel && ix->live) ? finish(ix, err)
                                                                                          : ix->failed;
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
    na_bulk_free(ix->bulk); /* a build that did not finish */
    if (ix->live) {
        /* An interrupted or failed rebuild leaves the live database as it was. */
        if (st == NA_OK && !ix->cancel) {
            st = swap_in(ix, err);
        } else {
            na_xwdb_close(ix->live, NULL);
            na_remove_tree(ix->new_dir ? ix->new_dir : ix->new_path);
        }
    }
    free(ix->live_path);
    free(ix->new_path);
    free(ix->new_dir);
    free(ix->gen_path);
    free(ix->stub_dir);
    for (size_t i = 0; i < ix->held_count; i++)
        job_release(&ix->held[i]);
    free(ix->held);
    free(ix->input_path);
    free(ix->conf_term);
    na_strmap_release(&ix->seen, free_seen_item);
    na_strmap_release(&ix->files_done, NULL);
    na_strmap_release(&ix->present, free_file_rec);
    na_strmap_release(&ix->gone, NULL);
    na_strlist_clear(&ix->prune_roots);
    na_docbuild_free(ix->builder);
    na_buf_release(&ix->dict);
    pthread_mutex_destroy(&ix->lock);
    pthread_cond_destroy(&ix->work_ready);
    pthread_cond_destroy(&ix->job_done);
    free(ix);
    return st;
}

void na_indexer_set_input(na_indexer_t *ix, const char *path)
{
    free(ix->input_path);
    ix->input_path = path ? na_xstrdup(path) : NULL;
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
static bool stop_requested(const na_indexer_t *ix);

static na_status_t flush_held(na_indexer_t *ix, na_error_t *err)
{
    na_status_t st = NA_OK;
    /* Training takes seconds; a run asked to stop stores what it holds
     * without a dictionary (a later run trains one) and commits. */
    if (ix->training && ix->held_bytes >= TRAIN_SAMPLE_BYTES && !stop_requested(ix))
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

/* An article without an id of its own gets a digest of its bytes alone,
 * so that the same story from a file, from standard input or after a
 * rename is one article. */
char *na_index_article_id(const na_article_t *a)
{
    char hex[17];
    if (a->id && *a->id)
        return na_xstrdup(a->id);
    return na_xasprintf("d-%s", na_hash64_hex(NA_HASH_SEED, a->raw, a->raw_len, hex));
}

static bool same_list(const char *const *a, size_t na, const na_strlist_t *b)
{
    if (na != b->count)
        return false;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b->items[i]) != 0)
            return false;
    return true;
}

/* The stored sources of document DOCID, appended to OUT. */
static na_status_t stored_sources(const char *data, size_t len, na_strlist_t *out, na_error_t *err)
{
    na_record_view_t view;
    na_status_t st = na_record_decode(data, len, &view, err);
    if (st == NA_OK) {
        na_record_meta_t m;
        na_record_meta_load(view.meta, view.meta_len, false, &m);
        for (size_t i = 0; i < m.sources.count; i++)
            na_strlist_add_unique(out, m.sources.items[i]);
        na_record_meta_release(&m);
    }
    return st;
}

na_status_t na_indexer_add(na_indexer_t *ix, na_article_t *a, const na_index_source_t *src, const char **dup_of,
                           na_error_t *err)
{
    if (dup_of)
        *dup_of = NULL;
    if (ix->failed) {
        na_article_free(a);
        return ix->failed;
    }
    na_docbuild_sanitize(a);
    job_t job;
    memset(&job, 0, sizeof job);
    job.article = a;
    job.path = ix->input_path ? na_xstrdup(ix->input_path) : NULL;
    job.id = na_index_article_id(a);
    content_hash(&ix->opts, ix->conf_hex, a, job.hash);
    const char *source = src && src->source ? src->source : NULL;

    /* An id met before in this run: the same article from another place
     * gains that source; other bytes under the id are not indexed. */
    seen_t *e = na_strmap_get(&ix->seen, job.id);
    if (e) {
        if (strcmp(e->hash, job.hash) != 0) {
            if (dup_of)
                *dup_of = e->where;
        } else if (source && !na_strlist_contains(&e->produced, source)) {
            na_strlist_add(&e->produced, source);
            e->reconcile = true;
        }
        job_release(&job);
        return NA_OK;
    }
    e = na_xcalloc(1, sizeof *e);
    e->id = na_xstrdup(job.id);
    memcpy(e->hash, job.hash, sizeof e->hash);
    e->where = na_xstrdup(src && src->where ? src->where : job.id);
    if (source)
        na_strlist_add(&e->produced, source);
    na_strmap_put(&ix->seen, e->id, e);

    na_docbuild_normalise(ix->opts.norm, a);

    /* Skip an article whose stored bytes are what we would store again;
     * its sources are settled when the run ends (finish()). */
    char *id_term = na_schema_id_term(job.id);
    na_docid_t docid;
    na_status_t st = na_xwdb_find(ix->db, id_term, &docid, err);
    free(id_term);
    bool exists = st == NA_OK;
    if (st == NA_ERR_NOT_FOUND) {
        na_error_clear(err);
        st = NA_OK;
    }
    /* The stored sources and content hash, from one fetch of the
     * document. */
    char *old = NULL;
    size_t len = 0;
    if (st == NA_OK && exists) {
        char *data = NULL;
        size_t data_len = 0;
        st = na_xwdb_get_data_value(ix->db, docid, NA_SLOT_HASH, &data, &data_len, &old, &len, err);
        /* The document keeps the sources it had until the run ends, so
         * that a crash in between loses none. */
        if (st == NA_OK)
            st = stored_sources(data, data_len, &job.sources, err);
        free(data);
        if (st == NA_OK && !same_list((const char *const *)e->produced.items, e->produced.count, &job.sources))
            e->reconcile = true;
    }
    if (st == NA_OK && exists && !ix->opts.force) {
        bool same = len == 16 && memcmp(old, job.hash, 16) == 0;
        free(old);
        old = NULL;
        if (same) {
            ix->counts.unchanged++;
            job_release(&job);
            return NA_OK;
        }
    }
    free(old);
    if (st) {
        job_release(&job);
        return st;
    }
    job.exists = exists;
    if (source)
        na_strlist_add_unique(&job.sources, source);
    if (exists)
        ix->counts.replaced++;
    else
        ix->counts.added++;
    /* Counted as added, not as written (the worker may lag), so that the
     * batches are the same on every run. */
    ix->since_commit++;
    ix->since_commit_bytes += a->raw_len;

    if (ix->training) {
        if (ix->held_count == ix->held_cap) {
            ix->held_cap = ix->held_cap ? ix->held_cap * 2 : 256;
            ix->held = na_xrealloc(ix->held, ix->held_cap * sizeof *ix->held);
        }
        ix->held[ix->held_count++] = job;
        ix->held_bytes += a->raw_len;
        if (ix->held_bytes >= TRAIN_SAMPLE_BYTES)
            st = flush_held(ix, err);
    } else {
        st = submit(ix, &job, err);
    }
    /* Held articles count too: a batch is committed (what training held
     * is then stored without a dictionary) rather than lost to a crash. */
    if (st == NA_OK && flush_due(ix))
        st = na_indexer_commit(ix, err);
    return st;
}

na_status_t na_indexer_trim(na_indexer_t *ix, size_t max, na_error_t *err)
{
    if (ix->failed)
        return ix->failed;
    if (!ix->bulk) {
        /* Committing early is what an ordinary run does anyway, but not a
         * run promised one commit. */
        if (ix->one_commit && !ix->live)
            return NA_OK;
        return ix->pending_cost > max ? na_indexer_commit(ix, err) : NA_OK;
    }
    /* The worker writes the batch: idle once drained. */
    na_status_t st = ix->worker_running ? drain(ix, true, err) : NA_OK;
    if (st == NA_OK)
        st = na_bulk_trim(ix->bulk, max, err);
    if (st)
        ix->failed = st;
    return st;
}

size_t na_indexer_held(const na_indexer_t *ix)
{
    size_t batch = ix->bulk ? na_bulk_cost(ix->bulk) : ix->pending_cost;
    return batch + ix->seen.count * (size_t)COST_PER_SEEN;
}

void na_indexer_file_done(na_indexer_t *ix, const char *path)
{
    if (path)
        na_strmap_put(&ix->files_done, path, NULL);
}

na_status_t na_indexer_commit(na_indexer_t *ix, na_error_t *err)
{
    na_status_t st = ix->held_count ? flush_held(ix, err) : NA_OK;
    if (st == NA_OK && ix->worker_running)
        st = drain(ix, true, err);
    /* Drained: the worker is idle, so the builder's display table is ours. */
    if (st == NA_OK && ix->builder)
        st = na_display_flush(na_docbuild_display(ix->builder), ix->db, err);
    if (st == NA_OK)
        st = na_xwdb_commit(ix->db, err);
    ix->since_commit = ix->since_commit_bytes = 0;
    ix->pending_cost = 0;
    if (st)
        ix->failed = st;
    return st;
}

/* ---- sources at the end of a run ---- */

/* Settles the sources of document DOCID: those in files read whole in
 * this run are replaced by what the run read there, those in files the
 * prune found gone are dropped (sources of standard input and of files
 * not read stay); a document left with none is deleted.  With DRY nothing
 * changes and *DELETES (may be NULL otherwise) says whether it would be
 * deleted. */
static na_status_t reconcile_doc(na_indexer_t *ix, na_docid_t docid, bool dry, bool *deletes, na_error_t *err)
{
    if (deletes)
        *deletes = false;
    char *data = NULL;
    size_t len = 0;
    na_record_view_t view;
    na_status_t st = na_xwdb_get_data(ix->db, docid, &data, &len, err);
    if (st == NA_OK)
        st = na_record_decode(data, len, &view, err);
    if (st) {
        free(data);
        return st;
    }
    na_record_meta_t m;
    bool object = na_record_meta_load(view.meta, view.meta_len, false, &m);
    const char *id = m.id;
    const char *format = m.format;
    na_strlist_t was = NA_STRLIST_INIT, now = NA_STRLIST_INIT, lost = NA_STRLIST_INIT;
    for (size_t i = 0; i < m.sources.count; i++) {
        const char *s = m.sources.items[i];
        na_strlist_add(&was, s);
        char *file = na_schema_source_file(s, format);
        if (!file || (!na_strmap_contains(&ix->files_done, file) && !na_strmap_contains(&ix->gone, file)))
            na_strlist_add_unique(&now, s);
        else if (na_strmap_contains(&ix->gone, file))
            na_strlist_add_unique(&lost, file);
        free(file);
    }
    seen_t *e = id ? na_strmap_get(&ix->seen, id) : NULL;
    for (size_t i = 0; e && i < e->produced.count; i++)
        na_strlist_add_unique(&now, e->produced.items[i]);

    bool same = !object || same_list((const char *const *)was.items, was.count, &now);
    if (dry) {
        if (deletes)
            *deletes = !same && now.count == 0;
    } else if (same) {
        /* nothing to change (or metadata this run did not write: left alone) */
    } else if (now.count == 0) {
        st = na_xwdb_delete_docid(ix->db, docid, err);
        if (st == NA_OK && lost.count)
            ix->counts.pruned++;
        else if (st == NA_OK)
            ix->counts.removed++;
    } else {
        na_strlist_t terms = NA_STRLIST_INIT;
        for (size_t i = 0; i < now.count; i++) {
            char *file = na_schema_source_file(now.items[i], format);
            if (file) {
                char *t = na_schema_file_term(file);
                if (!na_strlist_contains(&terms, t))
                    na_strlist_add(&terms, t);
                free(t);
            }
            free(file);
        }
        na_record_list_t sources = { (const char *const *)now.items, now.count };
        char *meta = na_record_meta_with_sources(view.meta, view.meta_len, &sources);
        na_buf_t buf = NA_BUF_INIT;
        na_record_encode(meta, strlen(meta), view.blob, view.blob_len, &buf);
        st = na_xwdb_update(ix->db, docid, NA_PREFIX_FILE, (const char *const *)terms.items, terms.count, buf.data,
                            buf.len, err);
        na_buf_release(&buf);
        free(meta);
        na_strlist_clear(&terms);
    }
    if (!dry && !same && st == NA_OK && ix->opts.pruned)
        for (size_t i = 0; i < lost.count; i++)
            ix->opts.pruned(id ? id : "", lost.items[i], now.count == 0, ix->opts.reject_ud);
    na_strlist_clear(&was);
    na_strlist_clear(&now);
    na_strlist_clear(&lost);
    na_record_meta_release(&m);
    free(data);
    return st;
}

/* ---- files: unchanged ones and gone ones ---- */

static char *file_meta_value(const file_rec_t *r)
{
    return na_xasprintf("%zu %lld %s", r->size, r->mtime_ns, r->path);
}

na_status_t na_indexer_file_check(na_indexer_t *ix, const char *path, size_t size, long long mtime_ns,
                                  bool *unchanged, na_error_t *err)
{
    *unchanged = false;
    file_rec_t rec = { (char *)path, size, mtime_ns, false };
    na_status_t st = NA_OK;
    if (!ix->opts.force) {
        char *key = na_schema_file_meta_key(path);
        char *val = NULL;
        size_t len = 0;
        st = na_xwdb_get_metadata(ix->db, key, &val, &len, err);
        free(key);
        if (st == NA_ERR_NOT_FOUND) {
            na_error_clear(err);
            st = NA_OK;
        } else if (st == NA_OK) {
            char *want = file_meta_value(&rec);
            *unchanged = len == strlen(want) && memcmp(val, want, len) == 0;
            free(want);
        }
        free(val);
    }
    if (st)
        return st;
    if (*unchanged)
        ix->counts.files_unchanged++;
    /* Only the prune asks about unchanged files: not remembering them
     * keeps a run over unchanged files as cheap as the lookups. */
    if (*unchanged && !ix->opts.prune)
        return NA_OK;
    file_rec_t *r = na_strmap_get(&ix->present, path);
    if (!r) {
        r = na_xcalloc(1, sizeof *r);
        r->path = na_xstrdup(path);
        na_strmap_put(&ix->present, r->path, r);
    }
    r->size = size;
    r->mtime_ns = mtime_ns;
    return NA_OK;
}

void na_indexer_file_read(na_indexer_t *ix, const char *path)
{
    file_rec_t *r = path ? na_strmap_get(&ix->present, path) : NULL;
    if (r)
        r->read = true;
}

void na_indexer_prune_root(na_indexer_t *ix, const char *root)
{
    if (root && !na_strlist_contains(&ix->prune_roots, root))
        na_strlist_add(&ix->prune_roots, root);
}

bool na_index_under_roots(const na_strlist_t *roots, const char *path)
{
    for (size_t i = 0; i < roots->count; i++) {
        const char *root = roots->items[i];
        size_t n = strlen(root);
        if (strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/' || (n && root[n - 1] == '/')))
            return true;
    }
    return false;
}

static void consider_gone(na_indexer_t *ix, const char *path)
{
    if (*path == '/' && na_index_under_roots(&ix->prune_roots, path) && !na_strmap_contains(&ix->present, path))
        na_strmap_put(&ix->gone, path, NULL);
}

static bool gone_from_meta(const char *key, const char *value, size_t len, void *ud)
{
    (void)key;
    /* "SIZE MTIME_NS PATH" */
    char *v = na_xstrndup(value, len);
    char *p = strchr(v, ' ');
    p = p ? strchr(p + 1, ' ') : NULL;
    if (p)
        consider_gone(ud, p + 1);
    free(v);
    return true;
}

static bool gone_from_term(const char *term, size_t len, unsigned freq, void *ud)
{
    (void)freq;
    size_t k = strlen(NA_PREFIX_FILE);
    char *path = na_xstrndup(term + k, len - k); /* a hashed "#..." path is not a path: skipped */
    consider_gone(ud, path);
    free(path);
    return true;
}

static int cmp_docid(const void *a, const void *b)
{
    na_docid_t x = *(const na_docid_t *)a, y = *(const na_docid_t *)b;
    return x < y ? -1 : x > y;
}

/* Finds the files stored under the roots walked completely that this run
 * did not meet (into ix->gone), the documents holding them as sources
 * (*OUT, sorted, caller frees) and how many of those would be left with
 * no source (*OUT_DELETES). */
static na_status_t prune_targets(na_indexer_t *ix, na_docid_t **out, size_t *out_count, size_t *out_deletes,
                                 na_error_t *err)
{
    na_status_t st = na_xwdb_each_metadata(ix->db, NA_META_FILE_PREFIX, gone_from_meta, ix, err);
    if (st == NA_OK)
        st = na_xwdb_each_term(ix->db, NA_PREFIX_FILE, gone_from_term, ix, err);
    na_docid_t *all = NULL;
    size_t total = 0;
    const char *path;
    for (size_t pos = 0; st == NA_OK && na_strmap_next(&ix->gone, &pos, &path, NULL);) {
        char *term = na_schema_file_term(path);
        na_docid_t *ids = NULL;
        size_t n = 0;
        st = na_xwdb_postings(ix->db, term, &ids, &n, err);
        free(term);
        all = na_xrealloc(all, (total + n + 1) * sizeof *all);
        memcpy(all + total, ids, n * sizeof *ids);
        total += n;
        free(ids);
    }
    size_t uniq = 0;
    if (total) {
        qsort(all, total, sizeof *all, cmp_docid);
        for (size_t i = 0; i < total; i++)
            if (uniq == 0 || all[uniq - 1] != all[i])
                all[uniq++] = all[i];
    }
    size_t deletes = 0;
    for (size_t i = 0; st == NA_OK && i < uniq; i++) {
        bool d = false;
        st = reconcile_doc(ix, all[i], true, &d, err);
        deletes += d;
    }
    *out = all;
    *out_count = uniq;
    *out_deletes = deletes;
    return st;
}

na_status_t na_indexer_prune_plan(na_indexer_t *ix, size_t *deletes, na_error_t *err)
{
    *deletes = 0;
    if (ix->failed)
        return ix->failed;
    if (!ix->opts.prune || !ix->prune_roots.count)
        return NA_OK;
    na_docid_t *all = NULL;
    size_t uniq = 0;
    na_status_t st = prune_targets(ix, &all, &uniq, deletes, err);
    free(all);
    /* Found again when the prune runs, after the run's last writes. */
    na_strmap_release(&ix->gone, NULL);
    return st;
}

void na_indexer_prune_verdict(na_indexer_t *ix, bool apply)
{
    ix->prune_verdict = apply ? 1 : -1;
}

/* Drops the gone files as sources (see prune_targets()) unless the
 * verdict, or prune_max weighed here, refuses it: then nothing changes
 * and counts.prune_refused is set. */
static na_status_t prune(na_indexer_t *ix, na_error_t *err)
{
    na_docid_t *all = NULL;
    size_t uniq = 0, deletes = 0;
    na_status_t st = prune_targets(ix, &all, &uniq, &deletes, err);
    unsigned docs = na_xwdb_doccount(ix->db);
    bool refuse = ix->prune_verdict ? ix->prune_verdict < 0
                                    : deletes && !ix->opts.prune_force &&
                                          (double)deletes * 100.0 > (double)ix->opts.prune_max * docs;
    if (st == NA_OK && deletes && refuse) {
        ix->counts.prune_refused = deletes;
        na_strmap_release(&ix->gone, NULL);
        free(all);
        return NA_OK;
    }
    for (size_t i = 0; st == NA_OK && i < uniq; i++)
        st = reconcile_doc(ix, all[i], false, NULL, err);
    free(all);
    const char *path;
    for (size_t pos = 0; st == NA_OK && na_strmap_next(&ix->gone, &pos, &path, NULL);) {
        char *key = na_schema_file_meta_key(path);
        st = na_xwdb_set_metadata(ix->db, key, "", 0, err);
        free(key);
        ix->counts.pruned_files++;
    }
    return st;
}

/* Stores the size and mtime of every file read in this run. */
static na_status_t store_file_stats(na_indexer_t *ix, na_error_t *err)
{
    na_status_t st = NA_OK;
    void *v;
    for (size_t pos = 0; st == NA_OK && na_strmap_next(&ix->present, &pos, NULL, &v);) {
        const file_rec_t *r = v;
        if (!r->read)
            continue;
        char *key = na_schema_file_meta_key(r->path);
        char *val = file_meta_value(r);
        st = na_xwdb_set_metadata(ix->db, key, val, strlen(val), err);
        free(key);
        free(val);
    }
    return st;
}

na_status_t na_indexer_delete(na_indexer_t *ix, const char *id, bool *found, na_error_t *err)
{
    *found = false;
    if (ix->failed)
        return ix->failed;
    char *term = na_schema_id_term(id);
    na_docid_t docid;
    na_status_t st = na_xwdb_find(ix->db, term, &docid, err);
    free(term);
    if (st == NA_ERR_NOT_FOUND) {
        na_error_clear(err);
        return NA_OK;
    }
    if (st == NA_OK)
        st = na_xwdb_delete_docid(ix->db, docid, err);
    if (st == NA_OK) {
        *found = true;
        ix->counts.deleted++;
    }
    return st;
}

na_status_t na_indexer_finish(na_indexer_t *ix, na_error_t *err)
{
    if (ix->failed || ix->finished)
        return ix->failed;
    if (ix->cancel && ix->live)
        return NA_OK;
    ix->finished = true;
    return finish(ix, err);
}

/* Writes what is pending, settles the sources of what the run touched and
 * commits. */
static na_status_t finish(na_indexer_t *ix, na_error_t *err)
{
    na_status_t st = ix->held_count ? flush_held(ix, err) : NA_OK;
    if (st == NA_OK && ix->worker_running)
        st = drain(ix, true, err);
    /* A first build's file stats and digests go with its metadata, so
     * that the merged database is its one commit. */
    bool stats_stored = st == NA_OK && ix->bulk && ix->first_build;
    if (stats_stored)
        st = store_file_stats(ix, err);
    if (stats_stored && st == NA_OK && ix->counts.added > 0)
        st = store_digests(ix, err);
    if (st == NA_OK && ix->bulk)
        st = finish_bulk(ix, err);
    if (st == NA_OK && ix->opts.prune && ix->prune_roots.count)
        st = prune(ix, err);
    /* A first build wrote each document with the first source it was read
     * at, and flagged (reconcile) those read at more: the files read hold
     * nothing else to settle. */
    const char *path;
    for (size_t pos = 0; st == NA_OK && !ix->first_build && na_strmap_next(&ix->files_done, &pos, &path, NULL);) {
        char *term = na_schema_file_term(path);
        na_docid_t *ids = NULL;
        size_t n = 0;
        st = na_xwdb_postings(ix->db, term, &ids, &n, err);
        for (size_t k = 0; st == NA_OK && k < n; k++)
            st = reconcile_doc(ix, ids[k], false, NULL, err);
        free(ids);
        free(term);
    }
    void *v;
    for (size_t pos = 0; st == NA_OK && na_strmap_next(&ix->seen, &pos, NULL, &v);) {
        seen_t *e = v;
        if (!e->reconcile)
            continue;
        char *term = na_schema_id_term(e->id);
        na_docid_t docid;
        st = na_xwdb_find(ix->db, term, &docid, err);
        if (st == NA_OK)
            st = reconcile_doc(ix, docid, false, NULL, err);
        else if (st == NA_ERR_NOT_FOUND) {
            na_error_clear(err);
            st = NA_OK;
        }
        free(term);
    }
    if (st == NA_OK && !stats_stored)
        st = store_file_stats(ix, err);
    /* The digests stored are those the whole archive was indexed with,
     * so that the warning keeps naming what changed until a refresh. */
    if (st == NA_OK && na_xwdb_doccount(ix->db) > 0 && (!ix->counts.out_of_date || ix->opts.refresh || ix->live))
        st = store_digests(ix, err);
    if (st)
        ix->failed = st;
    return st == NA_OK ? na_indexer_commit(ix, err) : st;
}

/* ---- rebuilding ---- */

typedef struct {
    na_indexer_t *ix;
    na_xdb_t *old;
    na_record_reader_t *reader;
    na_status_t st;
    na_error_t *err;
    /* Refreshing: articles are read from the database being written, and
     * those indexed with the current settings (docids in CURRENT, sorted)
     * are left alone. */
    bool refresh;
    na_docid_t *current;
    size_t current_count;
} carry_t;

/* Indexes the stored original of one article of the live database again,
 * under each of its sources. */
static bool carry_one(const char *term, size_t len, unsigned freq, void *ud)
{
    (void)freq;
    carry_t *c = ud;
    if (stop_requested(c->ix))
        return false; /* a rebuild is then cancelled; a refresh commits what it did */
    char *t = na_xstrndup(term, len);
    na_docid_t docid;
    char *data = NULL;
    size_t dlen = 0;
    na_record_view_t view;
    na_buf_t raw = NA_BUF_INIT;
    c->st = c->refresh ? na_xwdb_find(c->ix->db, t, &docid, c->err) : na_xdb_find(c->old, t, &docid, c->err);
    if (c->st == NA_OK && c->refresh &&
        bsearch(&docid, c->current, c->current_count, sizeof *c->current, cmp_docid)) {
        free(t);
        return true; /* up to date */
    }
    if (c->st == NA_OK)
        c->st = c->refresh ? na_xwdb_get_data(c->ix->db, docid, &data, &dlen, c->err)
                           : na_xdb_get_data(c->old, docid, &data, &dlen, c->err);
    if (c->st == NA_OK)
        c->st = na_record_decode(data, dlen, &view, c->err);
    if (c->st == NA_OK)
        c->st = na_record_reader_raw(c->reader, &view, &raw, c->err);
    if (c->st == NA_OK) {
        na_record_meta_t m;
        na_record_meta_load(view.meta, view.meta_len, false, &m);
        const char *fname = m.format;
        na_format_t format = fname ? na_format_from_name(fname) : NA_FORMAT_AUTO;
        if (format == NA_FORMAT_AUTO)
            format = na_parse_detect(NULL, (const unsigned char *)raw.data, raw.len);
        size_t n = m.sources.count;
        for (size_t i = 0; c->st == NA_OK && i < (n ? n : 1); i++) {
            na_article_t *a = NULL;
            if (na_parse_one(format, (const unsigned char *)raw.data, raw.len, &a, NULL) != NA_OK) {
                c->ix->counts.rebuild_lost++; /* no longer parses: cannot be carried */
                break;
            }
            /* The date of last resort the article had, as it had it. */
            const char *ds = m.date_source;
            na_date_t d;
            const char *date = m.date;
            if (ds && strcmp(ds, "source") != 0 && date && na_date_parse_iso(date, &d)) {
                struct tm tm = { .tm_year = d.year - 1900, .tm_mon = d.month ? d.month - 1 : 0,
                                 .tm_mday = d.day ? d.day : 1 };
                a->mtime = (long long)timegm(&tm);
            }
            na_index_source_t src = { n ? m.sources.items[i] : NULL, t };
            const na_indexer_options_t *o = &c->ix->opts;
            na_article_t *copy = NULL;
            if (o->carry_elsewhere && o->carry_take && o->carry_elsewhere(a, o->carry_ud) &&
                na_parse_one(format, (const unsigned char *)raw.data, raw.len, &copy, NULL) == NA_OK) {
                copy->mtime = a->mtime;
                o->carry_take(copy, src.source, o->carry_ud);
            }
            const char *dup = NULL;
            c->st = na_indexer_add(c->ix, a, &src, &dup, c->err);
        }
        na_record_meta_release(&m);
    }
    free(t);
    free(data);
    na_buf_release(&raw);
    return c->st == NA_OK;
}

static bool copy_meta(const char *key, const char *value, size_t len, void *ud)
{
    carry_t *c = ud;
    c->st = na_xwdb_set_metadata(c->ix->db, key, value, len, c->err);
    return c->st == NA_OK;
}

/* Indexes again, from its stored original bytes, format and sources,
 * every article whose id term C->refresh finds in the database being
 * written, else in the one at PATH; dictionaries are read through a
 * read-only handle on PATH (they never change).  Commits, then forgets
 * the run's ids so that the paths of this run replace and extend the
 * articles as in any other run. */
static na_status_t carry_articles(na_indexer_t *ix, carry_t *c, const char *path, na_error_t *err)
{
    na_status_t st = na_xdb_open(&path, 1, &c->old, err);
    if (st == NA_OK) {
        c->reader = na_record_reader_new(c->old);
        st = c->refresh ? na_xwdb_each_term(ix->db, NA_PREFIX_ID, carry_one, c, err)
                        : na_xdb_each_term(c->old, NA_PREFIX_ID, carry_one, c, err);
        if (st == NA_OK)
            st = c->st;
        na_record_reader_free(c->reader);
        na_xdb_close(c->old);
    }
    if (st == NA_OK)
        st = na_indexer_commit(ix, err);
    na_strmap_release(&ix->seen, free_seen_item);
    return st;
}

/* Reindexes, in place, every article not indexed with the current
 * settings; the articles are read through the writable handle (they
 * change, batch by batch). */
static na_status_t refresh_load(na_indexer_t *ix, na_error_t *err)
{
    carry_t c = { ix, NULL, NULL, NA_OK, err, true, NULL, 0 };
    na_status_t st = na_xwdb_postings(ix->db, ix->conf_term, &c.current, &c.current_count, err);
    if (st == NA_OK)
        st = carry_articles(ix, &c, ix->opts.db_path, err);
    free(c.current);
    ix->counts.refreshed = ix->counts.replaced;
    ix->counts.added = ix->counts.replaced = ix->counts.unchanged = 0;
    return st;
}

/* Fills the new database with every article of the live one. */
static na_status_t rebuild_load(na_indexer_t *ix, na_error_t *err)
{
    carry_t c = { ix, NULL, NULL, NA_OK, err, false, NULL, 0 };
    /* What was read of each file is carried too: the files stay as
     * unchanged as the articles carried from them. */
    na_status_t st = na_xwdb_each_metadata(ix->live, NA_META_FILE_PREFIX, copy_meta, &c, err);
    if (st == NA_OK)
        st = c.st;
    if (st == NA_OK)
        st = carry_articles(ix, &c, ix->live_path, err);
    ix->counts.carried = ix->counts.added;
    ix->counts.added = ix->counts.replaced = ix->counts.unchanged = 0;
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
