/* shards.c - time shards: routing articles to one indexer per period,
 * keeping each id in one shard, and the archive-wide stub and file table
 * (see shards.h for the layout). */
#include "shards.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "date.h"
#include "docbuild.h"
#include "extraction.h"
#include "schema.h"
#include "strmap.h"
#include "util.h"
#include "xapian-c.h"

#define KIND_FILE "newsarc-shards"
#define FILES_FILE "files"
#define LOCK_FILE "shards.lock"
#define UNDATED "undated"

/* One shard: its writer while open, a read-only handle for lookups. */
typedef struct {
    char *name;
    char *path;
    na_indexer_t *ix;   /* open writer, or NULL */
    na_xdb_t *ro;       /* read-only handle, or NULL */
    bool ro_tried;
    bool written;       /* its writer was finished in this run's first phase */
    bool move_source;   /* holds copies to remove once their new shard is closed */
    bool settling;      /* opened at the run's end to be settled, not written */
    bool forwarded;     /* its writer was told the files the run met */
} shard_t;

/* A file met in the run (see na_indexer_file_check()). */
typedef struct {
    size_t size;
    long long mtime_ns;
    bool read;
} file_t;

/* An article a rebuild or refresh found to belong in another shard. */
typedef struct {
    na_article_t *article;
    char *source;
} carried_t;

/* A copy to remove: the article ID now lives in shard TO. */
typedef struct {
    char *id;
    size_t from, to;
} move_t;

struct na_shards {
    na_shards_options_t opts;
    int kind;               /* NA_SHARD_BY_* of the archive */
    na_indexer_t *single;   /* unsharded: the one indexer */
    shard_t *shards;        /* in name order */
    size_t count, cap;
    na_strmap_t seen;       /* id -> its shard's name (borrowed), for ids met in the run */
    na_strmap_t table;      /* DB/files as read at open: path -> "SIZE MTIME_NS" */
    na_strmap_t present;    /* path -> file_t: files met in the run */
    na_strlist_t done;      /* files read whole */
    na_strlist_t roots;     /* prune roots */
    move_t *moves;
    size_t move_count, move_cap;
    na_extraction_t ex;
    const char *opening;    /* the shard whose writer is being opened (borrowed), or NULL */
    carried_t *carried;     /* articles to add to the shard they now belong in */
    size_t carried_count, carried_cap;
    /* The configuration every shard's writer borrows: a copy whose
     * index_memory is the configured one shared among the writers open. */
    na_config_t cfg;
    size_t last;            /* the shard of the last article added, or SIZE_MAX */
    char *input;
    na_index_counts_t closed; /* counts of writers already closed */
    na_index_counts_t sum;
    /* Articles out of date in the whole archive when it was opened, and
     * what changed (counted read-only, as most shards are not written). */
    size_t out_of_date;
    char out_of_date_why[64];
    bool cancel;
    bool finished;
    na_status_t failed;
};

/* ---- the folder ---- */

static bool is_shard_name(const char *n)
{
    if (strcmp(n, UNDATED) == 0)
        return true;
    size_t len = strlen(n);
    for (size_t i = 0; i < len; i++)
        if (!(i == 4 ? n[i] == '-' : n[i] >= '0' && n[i] <= '9'))
            return false;
    return len == 4 || len == 7;
}

static char *join(const char *dir, const char *name)
{
    return na_xasprintf("%s/%s", dir, name);
}

int na_shards_kind(const char *path)
{
    char *p = join(path, KIND_FILE);
    FILE *f = fopen(p, "r");
    free(p);
    if (!f)
        return NA_SHARD_BY_NONE;
    char line[32] = "";
    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    int kind = NA_SHARD_BY_NONE;
    na_shard_by_from_name(line, &kind);
    return kind;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Shard folders of PATH in name order; with COMPLETE only those whose
 * stub exists (a first build writes it last). */
static void list_shards(const char *path, bool complete, na_strlist_t *names)
{
    DIR *d = opendir(path);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (!is_shard_name(de->d_name))
            continue;
        char *dir = join(path, de->d_name);
        char *stub = join(dir, "XAPIANDB");
        struct stat st;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && (!complete || access(stub, F_OK) == 0))
            na_strlist_add(names, de->d_name);
        free(stub);
        free(dir);
    }
    if (d)
        closedir(d);
    if (names->count)
        qsort(names->items, names->count, sizeof *names->items, cmp_str);
}

void na_shards_list(const char *path, na_strlist_t *names)
{
    list_shards(path, true, names);
}

/* An flock() on DB/shards.lock, held for a few file operations. */
static int lock_archive(const char *db, na_error_t *err)
{
    char *p = join(db, LOCK_FILE);
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    int e = errno;
    free(p);
    if (fd < 0 || flock(fd, LOCK_EX) != 0) {
        e = fd < 0 ? e : errno;
        if (fd >= 0)
            close(fd);
        na_error_set(err, NA_ERR_IO, "cannot lock '%s/%s': %s", db, LOCK_FILE, na_strerror(e));
        return -1;
    }
    return fd;
}

static void unlock_archive(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the flock */
}

/* Writes LEN bytes of DATA to DIR/NAME by a temporary file, synced and
 * renamed over the old one, so that readers see one or the other. */
static na_status_t write_atomic(const char *dir, const char *name, const char *data, size_t len, na_error_t *err)
{
    char *path = join(dir, name);
    int e = na_write_file(path, data, len);
    na_status_t st = e ? na_error_set(err, NA_ERR_IO, "cannot write '%s': %s", path, na_strerror(e)) : NA_OK;
    free(path);
    return st;
}

/* The stub listing every complete shard; none is written for an archive
 * of no shards yet. */
static na_status_t write_top_stub(const char *db, na_error_t *err)
{
    na_strlist_t names = NA_STRLIST_INIT;
    list_shards(db, true, &names);
    na_buf_t buf = NA_BUF_INIT;
    for (size_t i = 0; i < names.count; i++) {
        na_buf_adds(&buf, "auto ");
        na_buf_adds(&buf, names.items[i]);
        na_buf_addc(&buf, '\n');
    }
    /* Unchanged, it is left alone: a server watching it need not reopen. */
    char *path = join(db, "XAPIANDB");
    na_buf_t old = NA_BUF_INIT;
    bool same = names.count && na_read_file(path, &old) == 0 && old.len == buf.len &&
                memcmp(old.data, buf.data, buf.len) == 0;
    free(path);
    na_status_t st = names.count && !same ? write_atomic(db, "XAPIANDB", buf.data, buf.len, err) : NA_OK;
    na_buf_release(&old);
    na_buf_release(&buf);
    na_strlist_clear(&names);
    return st;
}

/* Reads DB/files into TABLE: path -> "SIZE MTIME_NS" (malloc()ed). */
static void read_table(const char *db, na_strmap_t *table)
{
    char *p = join(db, FILES_FILE);
    FILE *f = fopen(p, "r");
    free(p);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (f && (n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        char *sp = strchr(line, ' ');
        sp = sp ? strchr(sp + 1, ' ') : NULL;
        if (!sp)
            continue;
        *sp = '\0';
        free(na_strmap_put(table, sp + 1, na_xstrdup(line)));
    }
    free(line);
    if (f)
        fclose(f);
}

static int cmp_line_path(const void *a, const void *b)
{
    const char *x = strchr(strchr(*(char *const *)a, ' ') + 1, ' ');
    const char *y = strchr(strchr(*(char *const *)b, ' ') + 1, ' ');
    return strcmp(x, y);
}

/* ---- shards ---- */

static size_t find_shard(const na_shards_t *s, const char *name, bool *found)
{
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->shards[mid].name, name);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

/* The index of shard NAME, added (in order) when new. */
static size_t shard_index(na_shards_t *s, const char *name)
{
    bool found;
    size_t i = find_shard(s, name, &found);
    if (found)
        return i;
    if (s->count == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->shards = na_xrealloc(s->shards, s->cap * sizeof *s->shards);
    }
    memmove(s->shards + i + 1, s->shards + i, (s->count - i) * sizeof *s->shards);
    s->count++;
    /* Indexes kept past I move up by one. */
    if (s->last != SIZE_MAX && s->last >= i)
        s->last++;
    for (size_t k = 0; k < s->move_count; k++) {
        if (s->moves[k].from >= i)
            s->moves[k].from++;
        if (s->moves[k].to >= i)
            s->moves[k].to++;
    }
    shard_t *sh = &s->shards[i];
    memset(sh, 0, sizeof *sh);
    sh->name = na_xstrdup(name);
    sh->path = join(s->opts.ix.db_path, name);
    return i;
}

/* Each open shard holds about four descriptors: with many open, the soft
 * limit goes up towards the hard one. */
static void raise_nofile(size_t shards)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)(shards * 4 + 64);
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
}

static void add_counts(na_index_counts_t *to, const na_index_counts_t *c)
{
    to->added += c->added;
    to->replaced += c->replaced;
    to->unchanged += c->unchanged;
    to->rejected += c->rejected;
    to->removed += c->removed;
    to->carried += c->carried;
    to->rebuild_lost += c->rebuild_lost;
    to->rebuilt_other_layout |= c->rebuilt_other_layout;
    to->pruned += c->pruned;
    to->pruned_files += c->pruned_files;
    to->prune_refused += c->prune_refused;
    to->deleted += c->deleted;
    to->out_of_date += c->out_of_date;
    if (!to->out_of_date_why[0])
        memcpy(to->out_of_date_why, c->out_of_date_why, sizeof to->out_of_date_why);
    to->refreshed += c->refreshed;
    to->batches += c->batches;
}

/* Puts the shard's name before ERR's message (once), and for a lock
 * says what to do about it. */
static na_status_t shard_error(na_error_t *err, na_status_t st, const char *name)
{
    if (!err || strncmp(err->message, "shard '", 7) == 0)
        return st;
    char msg[sizeof err->message];
    snprintf(msg, sizeof msg, "%s", err->message);
    if (st == NA_ERR_LOCKED)
        return na_error_set(err, st, "shard '%s' is locked by another writer; try again later (or use --wait "
                            "SECONDS)", name);
    return na_error_set(err, st, "shard '%s': %s", name, msg);
}

static void period_of(na_shards_t *s, const na_article_t *a, char out[16]);

/* A rebuild or refresh dates the articles it carries as a fresh run
 * would: one whose date puts it in another shard is kept here for now
 * and queued, to be added to its shard once every shard is open, and
 * then removed from this one as a move (so that no crash loses it). */
static bool carry_elsewhere(const na_article_t *a, void *ud)
{
    na_shards_t *s = ud;
    char name[16];
    period_of(s, a, name);
    return s->opening && strcmp(name, s->opening) != 0;
}

static void carry_take(na_article_t *a, const char *source, void *ud)
{
    na_shards_t *s = ud;
    if (s->carried_count == s->carried_cap) {
        s->carried_cap = s->carried_cap ? 2 * s->carried_cap : 16;
        s->carried = na_xrealloc(s->carried, s->carried_cap * sizeof *s->carried);
    }
    s->carried[s->carried_count++] = (carried_t){ a, source ? na_xstrdup(source) : NULL };
}

/* index_memory is the whole run's: the writers idle while shard ACTIVE
 * is given articles keep at most an equal share of it each (a bigger
 * batch is written out), and ACTIVE may use what they leave.  Splitting
 * it evenly instead held a run over one period at a time, as most are,
 * to batches of a tenth of the memory with ten shards open, each less the
 * process's reserve (index.c): many more partial databases to merge. */
static na_status_t balance(na_shards_t *s, size_t active, na_error_t *err)
{
    size_t writers = 0;
    for (size_t k = 0; k < s->count; k++)
        writers += s->shards[k].ix != NULL || k == active;
    size_t full = s->opts.ix.config->index_memory << 20, idle = 0;
    for (size_t k = 0; k < s->count; k++) {
        na_indexer_t *ix = s->shards[k].ix;
        if (k == active || !ix)
            continue;
        na_status_t st = na_indexer_trim(ix, full / writers, err);
        if (st)
            return shard_error(err, st, s->shards[k].name);
        idle += na_indexer_held(ix);
    }
    size_t left = idle < full ? (full - idle) >> 20 : 0;
    s->cfg.index_memory = left < 32 ? 32 : left;
    return NA_OK;
}

/* Opens shard I's writer.  It waits for the lock only when I sorts after
 * every shard this run holds open, so that runs take locks in name
 * order and never wait for each other. */
static na_status_t open_writer(na_shards_t *s, size_t i, na_error_t *err)
{
    shard_t *sh = &s->shards[i];
    if (sh->ix)
        return NA_OK;
    na_indexer_options_t o = s->opts.ix;
    o.db_path = sh->path;
    o.config = &s->cfg;
    o.carry_elsewhere = carry_elsewhere;
    o.carry_take = carry_take;
    o.carry_ud = s;
    /* Reopened to remove moved copies: rebuilt or refreshed already. */
    if (sh->written)
        o.rebuild = o.refresh = false;
    /* Waiting while holding a later shard could deadlock with a run
     * holding this one and waiting for that.  Releasing what it holds to
     * retake the locks in order is not done either: a writer's state for
     * the end of the run (the ids each file gave it, to settle the files
     * read whole; its dictionary; its docids) would be stale once another
     * run may write the shard meanwhile. */
    const char *later = NULL;
    for (size_t k = i + 1; !later && k < s->count; k++)
        if (s->shards[k].ix)
            later = s->shards[k].name;
    if (later)
        o.lock_wait = 0;
    size_t open = 1;
    for (size_t k = 0; k < s->count; k++)
        open += s->shards[k].ix != NULL || s->shards[k].ro != NULL;
    raise_nofile(open);
    na_status_t st = balance(s, i, err);
    if (st)
        return st;
    s->opening = sh->name;
    st = na_indexer_open(&o, &sh->ix, err);
    s->opening = NULL;
    if (st == NA_ERR_LOCKED && later)
        na_error_set(err, st, "shard '%s' is locked by another writer, and this run holds the later shard '%s', "
                     "so it does not wait (shard locks are taken in name order); try again later", sh->name, later);
    else if (st)
        shard_error(err, st, sh->name);
    if (st == NA_OK && s->input)
        na_indexer_set_input(sh->ix, s->input);
    return st;
}

static na_status_t close_writer(na_shards_t *s, shard_t *sh, na_error_t *err)
{
    if (!sh->ix)
        return NA_OK;
    if (s->cancel)
        na_indexer_cancel(sh->ix);
    na_status_t st = na_indexer_finish(sh->ix, err);
    add_counts(&s->closed, na_indexer_counts(sh->ix));
    na_status_t cst = na_indexer_close(sh->ix, st ? NULL : err);
    sh->ix = NULL;
    if (st == NA_OK)
        st = cst;
    if (st)
        shard_error(err, st, sh->name);
    return st;
}

/* The read-only handle of shard I, or NULL when it has no stub yet. */
static na_status_t reader(na_shards_t *s, size_t i, na_xdb_t **out, na_error_t *err)
{
    shard_t *sh = &s->shards[i];
    if (!sh->ro_tried) {
        sh->ro_tried = true;
        char *stub = join(sh->path, "XAPIANDB");
        bool exists = access(stub, F_OK) == 0;
        free(stub);
        if (exists) {
            const char *spec = sh->path;
            na_status_t st = na_xdb_open(&spec, 1, &sh->ro, err);
            if (st)
                return shard_error(err, st, sh->name);
        }
    }
    *out = sh->ro;
    return NA_OK;
}

static na_status_t has_term(na_shards_t *s, size_t i, const char *term, bool *found, na_error_t *err)
{
    *found = false;
    na_xdb_t *db;
    na_status_t st = reader(s, i, &db, err);
    if (st || !db)
        return st;
    na_docid_t docid;
    st = na_xdb_find(db, term, &docid, err);
    if (st == NA_ERR_NOT_FOUND) {
        na_error_clear(err);
        return NA_OK;
    }
    *found = st == NA_OK;
    return st;
}

/* ---- open ---- */

na_status_t na_shards_open(const na_shards_options_t *opts, na_shards_t **out, na_error_t *err)
{
    *out = NULL;
    const char *db = opts->ix.db_path;
    int kind = na_shards_kind(db);
    if (kind == NA_SHARD_BY_NONE && opts->shard_by != NA_SHARD_BY_NONE) {
        /* Only a new archive (no folder, or an empty one) takes shards. */
        DIR *d = opendir(db);
        bool empty = true;
        struct dirent *de;
        while (d && empty && (de = readdir(d)) != NULL)
            empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
        if (d)
            closedir(d);
        if (!empty || (!d && errno != ENOENT))
            return na_error_set(err, NA_ERR_INVALID,
                                "the archive is one database, not sharded by %s; run without --shard-by (or "
                                "with shard_by: none), or index into a new path",
                                na_shard_by_name(opts->shard_by));
        if (mkdir(db, 0777) != 0 && errno != EEXIST)
            return na_error_set(err, NA_ERR_DATABASE, "cannot create '%s': %s", db, na_strerror(errno));
        char line[16];
        snprintf(line, sizeof line, "%s\n", na_shard_by_name(opts->shard_by));
        na_status_t st = write_atomic(db, KIND_FILE, line, strlen(line), err);
        if (st)
            return st;
        kind = opts->shard_by;
    } else if (kind != opts->shard_by) {
        return na_error_set(err, NA_ERR_INVALID, "the archive is sharded by %s, not %s; run with --shard-by %s "
                            "(or shard_by: %s)", na_shard_by_name(kind), na_shard_by_name(opts->shard_by),
                            na_shard_by_name(kind), na_shard_by_name(kind));
    }
    na_shards_t *s = na_xcalloc(1, sizeof *s);
    s->opts = *opts;
    s->kind = kind;
    s->cfg = *opts->ix.config;
    s->last = SIZE_MAX;
    na_extraction_init(&s->ex);
    na_status_t st = NA_OK;
    if (kind == NA_SHARD_BY_NONE) {
        st = na_indexer_open(&opts->ix, &s->single, err);
    } else {
        read_table(db, &s->table);
        na_strlist_t names = NA_STRLIST_INIT;
        list_shards(db, false, &names);
        for (size_t i = 0; i < names.count; i++)
            shard_index(s, names.items[i]);
        na_strlist_clear(&names);
        raise_nofile(s->count + 1);
        /* The settings' files are read once for all the shards. */
        na_index_settings_t *set =
            opts->ix.rebuild || opts->ix.refresh || !s->count ? NULL : na_index_settings_new(&opts->ix);
        for (size_t i = 0; st == NA_OK && set && i < s->count; i++) {
            na_xdb_t *ro = NULL;
            size_t n = 0;
            char why[sizeof s->out_of_date_why];
            st = reader(s, i, &ro, err);
            if (st == NA_OK && ro)
                st = na_index_out_of_date(set, ro, &n, why, sizeof why, err);
            if (st)
                shard_error(err, st, s->shards[i].name);
            s->out_of_date += n;
            if (n && !s->out_of_date_why[0])
                memcpy(s->out_of_date_why, why, sizeof why);
        }
        na_index_settings_free(set);
        /* Every shard is rewritten: opened now, in name order. */
        for (size_t i = 0; st == NA_OK && (opts->ix.rebuild || opts->ix.refresh) && i < s->count; i++)
            st = open_writer(s, i, err);
        for (size_t k = 0; k < s->carried_count; k++) {
            carried_t *c = &s->carried[k];
            na_index_source_t src = { c->source, c->source ? c->source : "rebuild" };
            if (st == NA_OK)
                st = na_shards_add(s, c->article, &src, NULL, err);
            else
                na_article_free(c->article);
            free(c->source);
        }
        s->carried_count = 0;
    }
    if (st) {
        s->cancel = true;
        s->failed = st;
        na_shards_close(s, NULL);
        return st;
    }
    *out = s;
    return NA_OK;
}

/* ---- routing ---- */

/* The shard of A: the period of the date its document will get. */
static void period_of(na_shards_t *s, const na_article_t *a, char out[16])
{
    na_date_t d = { 0, 0, 0, -1, -1, -1 };
    const na_indexer_options_t *o = &s->opts.ix;
    bool dates = o->extractor && o->extract[NA_EXTRACT_DATES] != NA_EXTRACT_NEVER;
    na_error_t e;
    /* As docbuild.c: extraction's date unless it is the source's own. */
    if (dates && na_extraction_pubdate(o->extractor, a, &s->ex, &e) == NA_OK && s->ex.date.year &&
        s->ex.date_source != NA_DATE_SOURCE_SOURCE)
        d = s->ex.date;
    else if (!a->date || !na_date_parse_iso(a->date, &d))
        d.year = 0;
    if (!d.year || d.year < 0 || d.year > 9999)
        snprintf(out, 16, "%s", UNDATED);
    else if (s->kind == NA_SHARD_BY_MONTH && d.month >= 1 && d.month <= 12)
        snprintf(out, 16, "%04d-%02d", d.year, d.month);
    else if (s->kind == NA_SHARD_BY_MONTH)
        snprintf(out, 16, "%04d-00", d.year); /* a date of its year only */
    else
        snprintf(out, 16, "%04d", d.year);
}

void na_shards_set_input(na_shards_t *s, const char *path)
{
    if (s->single) {
        na_indexer_set_input(s->single, path);
        return;
    }
    free(s->input);
    s->input = path ? na_xstrdup(path) : NULL;
    for (size_t i = 0; i < s->count; i++)
        if (s->shards[i].ix)
            na_indexer_set_input(s->shards[i].ix, path);
}

na_status_t na_shards_add(na_shards_t *s, na_article_t *a, const na_index_source_t *src, const char **dup_of,
                          na_error_t *err)
{
    if (s->single)
        return na_indexer_add(s->single, a, src, dup_of, err);
    if (dup_of)
        *dup_of = NULL;
    if (s->failed) {
        na_article_free(a);
        return s->failed;
    }
    na_docbuild_sanitize(a);
    char *id = na_index_article_id(a);
    na_status_t st = NA_OK;
    size_t at;
    const char *seen = na_strmap_get(&s->seen, id);
    bool found_seen = false;
    if (seen) {
        /* Met before in the run: its shard decides, as one database would. */
        at = find_shard(s, seen, &found_seen);
    } else {
        char name[16];
        period_of(s, a, name);
        at = shard_index(s, name);
        char *term = na_schema_id_term(id);
        for (size_t i = 0; st == NA_OK && i < s->count; i++) {
            bool found = false;
            if (i != at)
                st = has_term(s, i, term, &found, err);
            if (st == NA_OK && found) {
                if (s->move_count == s->move_cap) {
                    s->move_cap = s->move_cap ? 2 * s->move_cap : 16;
                    s->moves = na_xrealloc(s->moves, s->move_cap * sizeof *s->moves);
                }
                s->moves[s->move_count++] = (move_t){ na_xstrdup(id), i, at };
                s->shards[i].move_source = true;
            }
        }
        free(term);
        if (st == NA_OK)
            na_strmap_put(&s->seen, id, s->shards[at].name);
    }
    free(id);
    if (st == NA_OK)
        st = open_writer(s, at, err);
    if (st) {
        na_article_free(a);
        s->failed = st;
        return st;
    }
    /* Leaving a shard for another: the memory goes with the work. */
    if (at != s->last)
        st = balance(s, at, err);
    s->last = at;
    if (st) {
        na_article_free(a);
        s->failed = st;
        return st;
    }
    st = na_indexer_add(s->shards[at].ix, a, src, dup_of, err);
    if (st) {
        s->failed = st;
        shard_error(err, st, s->shards[at].name);
    }
    return st;
}

/* ---- files ---- */

void na_shards_file_done(na_shards_t *s, const char *path)
{
    if (s->single)
        na_indexer_file_done(s->single, path);
    else if (path)
        na_strlist_add_unique(&s->done, path);
}

na_status_t na_shards_file_check(na_shards_t *s, const char *path, size_t size, long long mtime_ns,
                                 bool *unchanged, na_error_t *err)
{
    if (s->single)
        return na_indexer_file_check(s->single, path, size, mtime_ns, unchanged, err);
    char want[48];
    snprintf(want, sizeof want, "%zu %lld", size, mtime_ns);
    const char *have = na_strmap_get(&s->table, path);
    *unchanged = !s->opts.ix.force && have && strcmp(have, want) == 0;
    if (*unchanged)
        s->closed.files_unchanged++;
    file_t *f = na_strmap_get(&s->present, path);
    if (!f) {
        f = na_xcalloc(1, sizeof *f);
        na_strmap_put(&s->present, path, f);
    }
    f->size = size;
    f->mtime_ns = mtime_ns;
    return NA_OK;
}

void na_shards_file_read(na_shards_t *s, const char *path)
{
    if (s->single) {
        na_indexer_file_read(s->single, path);
        return;
    }
    file_t *f = path ? na_strmap_get(&s->present, path) : NULL;
    if (f)
        f->read = true;
}

void na_shards_prune_root(na_shards_t *s, const char *root)
{
    if (s->single)
        na_indexer_prune_root(s->single, root);
    else if (root)
        na_strlist_add_unique(&s->roots, root);
}

/* Tells shard writer IX what the run met: the files read whole, and for
 * the prune the files present and the roots. */
static na_status_t forward_files(na_shards_t *s, na_indexer_t *ix, na_error_t *err)
{
    for (size_t i = 0; i < s->done.count; i++)
        na_indexer_file_done(ix, s->done.items[i]);
    if (!s->opts.ix.prune || !s->roots.count)
        return NA_OK;
    const char *path;
    void *v;
    for (size_t pos = 0; na_strmap_next(&s->present, &pos, &path, &v);) {
        const file_t *f = v;
        bool same;
        na_status_t st = na_indexer_file_check(ix, path, f->size, f->mtime_ns, &same, err);
        if (st)
            return st;
    }
    for (size_t i = 0; i < s->roots.count; i++)
        na_indexer_prune_root(ix, s->roots.items[i]);
    return NA_OK;
}

typedef struct {
    na_shards_t *s;
    bool gone;
} gone_t;

static bool find_gone(const char *term, size_t len, unsigned freq, void *ud)
{
    (void)freq;
    gone_t *g = ud;
    size_t k = strlen(NA_PREFIX_FILE);
    char *path = na_xstrndup(term + k, len - k);
    if (*path == '/' && na_index_under_roots(&g->s->roots, path) && !na_strmap_contains(&g->s->present, path))
        g->gone = true;
    free(path);
    return !g->gone;
}

/* Whether shard I, not written in the run, has sources to settle: in a
 * file read whole, or in a gone file under a pruned root. */
static na_status_t needs_settling(na_shards_t *s, size_t i, bool *needs, na_error_t *err)
{
    *needs = false;
    na_status_t st = NA_OK;
    for (size_t k = 0; st == NA_OK && !*needs && k < s->done.count; k++) {
        char *term = na_schema_file_term(s->done.items[k]);
        st = has_term(s, i, term, needs, err);
        free(term);
    }
    na_xdb_t *db = NULL;
    if (st == NA_OK && !*needs && s->opts.ix.prune && s->roots.count)
        st = reader(s, i, &db, err);
    if (st == NA_OK && db) {
        gone_t g = { s, false };
        st = na_xdb_each_term(db, NA_PREFIX_FILE, find_gone, &g, err);
        *needs = g.gone;
    }
    return st;
}

/* Rewrites DB/files with what the run read, and without the files the
 * prune found gone, over what other runs wrote meanwhile. */
static na_status_t write_table(na_shards_t *s, na_error_t *err)
{
    na_strmap_t table = NA_STRMAP_INIT;
    read_table(s->opts.ix.db_path, &table);
    bool changed = false;
    const char *path;
    void *v;
    for (size_t pos = 0; na_strmap_next(&s->present, &pos, &path, &v);) {
        const file_t *f = v;
        if (!f->read || strchr(path, '\n'))
            continue;
        char *val = na_xasprintf("%zu %lld", f->size, f->mtime_ns);
        const char *old = na_strmap_get(&table, path);
        changed |= !old || strcmp(old, val) != 0;
        free(na_strmap_put(&table, path, val));
    }
    na_strlist_t lines = NA_STRLIST_INIT;
    for (size_t pos = 0; na_strmap_next(&table, &pos, &path, &v);) {
        if (s->opts.ix.prune && na_index_under_roots(&s->roots, path) && !na_strmap_contains(&s->present, path)) {
            changed = true;
            continue;
        }
        na_strlist_take(&lines, na_xasprintf("%s %s\n", (const char *)v, path));
    }
    na_status_t st = NA_OK;
    if (changed) {
        if (lines.count)
            qsort(lines.items, lines.count, sizeof *lines.items, cmp_line_path);
        na_buf_t buf = NA_BUF_INIT;
        for (size_t i = 0; i < lines.count; i++)
            na_buf_adds(&buf, lines.items[i]);
        st = write_atomic(s->opts.ix.db_path, FILES_FILE, buf.data ? buf.data : "", buf.len, err);
        na_buf_release(&buf);
    }
    na_strlist_clear(&lines);
    na_strmap_release(&table, free);
    return st;
}

/* ---- the end of the run ---- */

na_status_t na_shards_delete(na_shards_t *s, const char *id, bool *found, na_error_t *err)
{
    if (s->single)
        return na_indexer_delete(s->single, id, found, err);
    *found = false;
    if (s->failed)
        return s->failed;
    char *term = na_schema_id_term(id);
    na_status_t st = NA_OK;
    for (size_t i = 0; st == NA_OK && i < s->count; i++) {
        bool here = false;
        st = has_term(s, i, term, &here, err);
        if (st == NA_OK && here)
            st = open_writer(s, i, err);
        bool gone = false;
        if (st == NA_OK && here)
            st = na_indexer_delete(s->shards[i].ix, id, &gone, err);
        *found |= gone;
    }
    free(term);
    if (st)
        s->failed = st;
    return st;
}

/* prune_max weighs the whole archive: every shard the prune reaches is
 * opened (the written ones are), told the files met, and asked what it
 * would remove; the sum, against the articles of all the shards, decides
 * for every one of them, so that a refused prune changes no shard. */
static na_status_t prune_verdict(na_shards_t *s, na_error_t *err)
{
    if (!s->opts.ix.prune || !s->roots.count || s->cancel)
        return NA_OK;
    na_status_t st = NA_OK;
    for (size_t i = 0; st == NA_OK && i < s->count; i++) {
        shard_t *sh = &s->shards[i];
        bool settle = false;
        if (!sh->ix && (st = needs_settling(s, i, &settle, err)) == NA_OK && settle) {
            st = open_writer(s, i, err);
            sh->settling = st == NA_OK;
        }
    }
    size_t deletes = 0, articles = 0;
    for (size_t i = 0; st == NA_OK && i < s->count; i++) {
        shard_t *sh = &s->shards[i];
        na_xdb_t *ro = NULL;
        st = reader(s, i, &ro, err);
        if (st == NA_OK && ro)
            articles += na_xdb_doccount(ro);
        if (st || !sh->ix)
            continue;
        size_t n = 0;
        st = forward_files(s, sh->ix, err);
        sh->forwarded = true;
        if (st == NA_OK)
            st = na_indexer_prune_plan(sh->ix, &n, err);
        if (st)
            shard_error(err, st, sh->name);
        deletes += n;
    }
    bool apply = s->opts.ix.prune_force || (double)deletes * 100.0 <= (double)s->opts.ix.prune_max * articles;
    for (size_t i = 0; st == NA_OK && i < s->count; i++)
        if (s->shards[i].ix)
            na_indexer_prune_verdict(s->shards[i].ix, apply);
    return st;
}

na_status_t na_shards_finish(na_shards_t *s, na_error_t *err)
{
    if (s->single)
        return na_indexer_finish(s->single, err);
    if (s->failed || s->finished)
        return s->failed;
    s->finished = true;
    na_status_t st = prune_verdict(s, err);
    /* First the shards written: every article in its new shard, committed,
     * before any old copy can go.  Those losing copies to others are only
     * committed here and settled below, since settling a file read whole
     * removes a moved copy too: closing a shard that is the old home of
     * one move and the new home of another would otherwise remove the
     * first article before the second shard committed it. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < s->count; i++) {
            shard_t *sh = &s->shards[i];
            if (!sh->ix || sh->settling || sh->move_source != (pass == 1))
                continue;
            /* A rebuild's new generation is seen only once it is closed. */
            bool keep = pass == 1 && !na_indexer_rebuilding(sh->ix);
            if (st == NA_OK && !keep && !sh->forwarded)
                st = forward_files(s, sh->ix, err);
            sh->forwarded = !keep;
            na_status_t cst = keep ? (st ? NA_OK : na_indexer_commit(sh->ix, err))
                                   : close_writer(s, sh, st ? NULL : err);
            if (keep && cst)
                shard_error(err, cst, sh->name);
            if (st == NA_OK)
                st = cst;
            sh->written = true;
        }
    /* Then, one at a time and in name order, the shards holding old
     * copies or sources to settle. */
    for (size_t i = 0; st == NA_OK && !s->cancel && i < s->count; i++) {
        shard_t *sh = &s->shards[i];
        bool copies = false;
        for (size_t k = 0; k < s->move_count; k++)
            copies |= s->moves[k].from == i;
        bool settle = sh->settling;
        if (!sh->written && !settle)
            st = needs_settling(s, i, &settle, err);
        if (st || (!copies && !settle))
            continue;
        st = open_writer(s, i, err);
        size_t moved = 0;
        for (size_t k = 0; st == NA_OK && k < s->move_count; k++) {
            if (s->moves[k].from != i)
                continue;
            bool gone = false;
            st = na_indexer_delete(sh->ix, s->moves[k].id, &gone, err);
            moved += gone;
            s->closed.moved++;
            if (st == NA_OK && s->opts.moved)
                s->opts.moved(s->moves[k].id, sh->name, s->shards[s->moves[k].to].name, s->opts.ix.reject_ud);
        }
        if (st == NA_OK && !sh->forwarded)
            st = forward_files(s, sh->ix, err);
        sh->forwarded = true;
        na_status_t cst = close_writer(s, sh, st ? NULL : err);
        s->closed.deleted -= moved; /* counted by na_indexer_delete(): they are moves */
        if (st == NA_OK)
            st = cst;
    }
    int fd = lock_archive(s->opts.ix.db_path, st ? NULL : err);
    if (fd < 0 && st == NA_OK)
        st = NA_ERR_IO;
    na_status_t tst = fd >= 0 ? write_top_stub(s->opts.ix.db_path, st ? NULL : err) : NA_OK;
    if (st == NA_OK)
        st = tst;
    if (st == NA_OK && !s->cancel)
        st = write_table(s, err);
    unlock_archive(fd);
    if (st)
        s->failed = st;
    return st;
}

bool na_shards_rebuilding(const na_shards_t *s)
{
    if (s->single)
        return na_indexer_rebuilding(s->single);
    for (size_t i = 0; i < s->count; i++)
        if (s->shards[i].ix && na_indexer_rebuilding(s->shards[i].ix))
            return true;
    return false;
}

void na_shards_cancel(na_shards_t *s)
{
    if (!s)
        return;
    if (s->single)
        na_indexer_cancel(s->single);
    s->cancel = true;
}

const na_index_counts_t *na_shards_counts(na_shards_t *s)
{
    if (s->single)
        return na_indexer_counts(s->single);
    s->sum = s->closed;
    for (size_t i = 0; i < s->count; i++)
        if (s->shards[i].ix)
            add_counts(&s->sum, na_indexer_counts(s->shards[i].ix));
    if (!s->opts.ix.rebuild && !s->opts.ix.refresh) {
        /* Each writer counted its own shard at open; the archive's count
         * covers the shards not written too. */
        s->sum.out_of_date = s->out_of_date;
        memcpy(s->sum.out_of_date_why, s->out_of_date_why, sizeof s->sum.out_of_date_why);
    }
    return &s->sum;
}

static void free_value(void *p) { free(p); }

na_status_t na_shards_close(na_shards_t *s, na_error_t *err)
{
    if (!s)
        return NA_OK;
    na_status_t st = NA_OK;
    if (s->single) {
        st = na_indexer_close(s->single, err);
    } else {
        if (!s->finished && !s->failed)
            st = na_shards_finish(s, err);
        for (size_t i = 0; i < s->count; i++) {
            shard_t *sh = &s->shards[i];
            if (sh->ix) {
                /* After a failure: what was committed stays. */
                na_status_t cst = close_writer(s, sh, NULL);
                if (st == NA_OK)
                    st = cst;
            }
            na_xdb_close(sh->ro);
            free(sh->name);
            free(sh->path);
        }
        /* A failed or interrupted run may have completed new shards. */
        int fd = s->finished ? -1 : lock_archive(s->opts.ix.db_path, NULL);
        if (fd >= 0)
            write_top_stub(s->opts.ix.db_path, NULL);
        unlock_archive(fd);
        if (st == NA_OK)
            st = s->failed;
    }
    free(s->shards);
    for (size_t k = 0; k < s->move_count; k++)
        free(s->moves[k].id);
    free(s->moves);
    for (size_t k = 0; k < s->carried_count; k++) {
        na_article_free(s->carried[k].article);
        free(s->carried[k].source);
    }
    free(s->carried);
    na_strmap_release(&s->seen, NULL);
    na_strmap_release(&s->table, free_value);
    na_strmap_release(&s->present, free_value);
    na_strlist_clear(&s->done);
    na_strlist_clear(&s->roots);
    na_extraction_release(&s->ex);
    free(s->input);
    free(s);
    return st;
}
