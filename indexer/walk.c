/* walk.c - expanding PATH arguments into files, in a stable order so that
 * runs over the same tree index in the same order.
 *
 * A spool folder holds whatever lands in it, so nothing met in a walk
 * stops it: each entry that cannot be taken is reported on its own and
 * the walk goes on, or every file sorted after a bad entry would be
 * skipped on every run. */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    na_inputs_t *in;
    na_format_t format;
    na_walk_report_fn report;
    void *ud;
    size_t errors;
} walk_t;

static long long stat_mtime_ns(const struct stat *st)
{
    return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

/* REAL is taken over (may be NULL). */
static void add_input(na_inputs_t *in, const char *path, char *real, const char *rel, const struct stat *st,
                      na_format_t format, bool stream)
{
    size_t size = st && S_ISREG(st->st_mode) ? (size_t)st->st_size : 0;
    long long mtime = st ? (long long)st->st_mtime : 0;
    in->items = na_xrealloc(in->items, (in->count + 1) * sizeof *in->items);
    in->items[in->count].path = na_xstrdup(path);
    in->items[in->count].relpath = na_xstrdup(rel);
    in->items[in->count].size = size;
    in->items[in->count].mtime = mtime;
    in->items[in->count].mtime_ns = st ? stat_mtime_ns(st) : 0;
    in->items[in->count].real = real;
    in->items[in->count].format = format;
    in->items[in->count].stream = stream;
    in->count++;
    in->total_bytes += size;
}

typedef struct {
    char *name;
    unsigned char type; /* readdir's d_type */
} entry_t;

static int cmp_entries(const void *a, const void *b)
{
    return strcmp(((const entry_t *)a)->name, ((const entry_t *)b)->name);
}

/* The canonical path of the entry NAME of the folder whose canonical path
 * is REAL_DIR (may be NULL).  realpath() looks at every component of the
 * path, which costs more than the rest of a run over unchanged files, so
 * it is called only for symbolic links and entries of unknown type. */
static char *entry_real(const char *real_dir, const char *path, const char *name, unsigned char type)
{
    if (real_dir && type != DT_LNK && type != DT_UNKNOWN)
        return strcmp(real_dir, "/") == 0 ? na_xasprintf("/%s", name) : na_xasprintf("%s/%s", real_dir, name);
    return realpath(path, NULL);
}

static void report(walk_t *w, const char *path, bool error, const char *reason)
{
    if (error)
        w->errors++;
    if (w->report)
        w->report(path, error, reason, w->ud);
}

/* Reports why PATH, which stat() refused with E, cannot be read; LISTED
 * when a directory listing named it a moment ago. */
static void report_unreadable(walk_t *w, const char *path, int e, bool listed)
{
    struct stat lst;
    if (e == ENOENT && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
        report(w, path, true, "dangling symbolic link");
    else if (e == ENOENT && listed)
        report(w, path, true, "vanished while the folder was read");
    else
        report(w, path, true, na_strerror(e));
}

static const char *special_kind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "fifo";
    if (S_ISSOCK(mode))
        return "socket";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "device";
    return "special file";
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

bool na_walk_is_backup(const char *name)
{
    size_t n = strlen(name);
    if (n == 0)
        return false;
    if (name[n - 1] == '~')
        return true;
    if (n >= 2 && name[0] == '#' && name[n - 1] == '#')
        return true;
    return ends_with(name, n, ".swp") || ends_with(name, n, ".swo") || ends_with(name, n, ".bak");
}

/* Depth of nested directories followed; guards against symlink loops. */
#define MAX_DEPTH 64

static void walk_dir(walk_t *w, const char *dir, const char *real_dir, const char *rel, int depth)
{
    if (depth > MAX_DEPTH) {
        report(w, dir, true, na_strerror(ELOOP));
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        report(w, dir, true, na_strerror(errno));
        return;
    }
    entry_t *names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] != '.' && !na_walk_is_backup(de->d_name)) {
            if (count == cap) {
                cap = cap ? cap * 2 : 64;
                names = na_xrealloc(names, cap * sizeof *names);
            }
            names[count++] = (entry_t){ na_xstrdup(de->d_name), de->d_type };
        }
        errno = 0;
    }
    /* A listing cut short means files were missed: an error, so that a
     * run never counts this folder as read completely. */
    if (errno)
        report(w, dir, true, na_strerror(errno));
    /* stat() by name relative to the folder, so the kernel does not look
     * up the whole path again for each of thousands of files. */
    int dfd = dup(dirfd(d));
    closedir(d);
    if (count)
        qsort(names, count, sizeof *names, cmp_entries);

    for (size_t i = 0; i < count; i++) {
        const char *name = names[i].name;
        char *path = na_xasprintf("%s/%s", dir, name);
        char *child_rel = *rel ? na_xasprintf("%s/%s", rel, name) : na_xstrdup(name);
        struct stat st;
        if ((dfd >= 0 ? fstatat(dfd, name, &st, 0) : stat(path, &st)) != 0)
            report_unreadable(w, path, errno, true);
        else if (S_ISDIR(st.st_mode)) {
            char *real = entry_real(real_dir, path, name, names[i].type);
            walk_dir(w, path, real, child_rel, depth + 1);
            free(real);
        } else if (S_ISREG(st.st_mode))
            add_input(w->in, path, entry_real(real_dir, path, name, names[i].type), child_rel, &st, w->format,
                      false);
        else {
            /* Opening a fifo would block the run until someone writes. */
            char *why = na_xasprintf("%s skipped, not read", special_kind(st.st_mode));
            report(w, path, false, why);
            free(why);
        }
        free(path);
        free(child_rel);
    }
    if (dfd >= 0)
        close(dfd);
    for (size_t i = 0; i < count; i++)
        free(names[i].name);
    free(names);
}

size_t na_inputs_add(na_inputs_t *in, const char *arg, na_format_t format, na_walk_report_fn report_fn,
                     void *ud)
{
    walk_t w = { in, format, report_fn, ud, 0 };
    if (strcmp(arg, "-") == 0) {
        add_input(in, "-", NULL, "stdin", NULL, format, true);
        return 0;
    }
    struct stat st;
    if (stat(arg, &st) != 0) {
        report_unreadable(&w, arg, errno, false);
        return w.errors;
    }
    if (S_ISDIR(st.st_mode)) {
        /* Drop trailing slashes so paths read "dir/file", not "dir//file". */
        size_t n = strlen(arg);
        while (n > 1 && arg[n - 1] == '/')
            n--;
        char *dir = na_xstrndup(arg, n);
        char *real = realpath(dir, NULL);
        walk_dir(&w, dir, real, "", 0);
        free(real);
        free(dir);
        return w.errors;
    }
    /* A pipe named on the command line ("<(feed)") is what the user
     * asked to read, unlike one found in a folder. */
    const char *base = strrchr(arg, '/');
    add_input(in, arg, S_ISREG(st.st_mode) ? realpath(arg, NULL) : NULL, base ? base + 1 : arg, &st, format,
              !S_ISREG(st.st_mode));
    return 0;
}

int na_input_read(const na_input_t *input, size_t max, na_buf_t *buf)
{
    bool is_stdin = strcmp(input->path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(input->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    struct stat st;
    if (!is_stdin && fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return e;
    }
    if (!is_stdin && !input->stream && !S_ISREG(st.st_mode)) {
        close(fd);
        return S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
    }
    if (!is_stdin && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max) {
        close(fd);
        return EFBIG;
    }
    /* The file is known to be regular (or is wanted as a stream): reads
     * may block like any other. */
    if (!is_stdin)
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    char chunk[65536];
    int e = 0;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            e = errno;
            break;
        }
        if ((size_t)n > max - buf->len) {
            e = EFBIG; /* grown since it was measured, or a stream */
            break;
        }
        na_buf_add(buf, chunk, (size_t)n);
    }
    if (!is_stdin)
        close(fd);
    return e;
}

void na_inputs_release(na_inputs_t *in)
{
    for (size_t i = 0; i < in->count; i++) {
        free(in->items[i].path);
        free(in->items[i].relpath);
        free(in->items[i].real);
    }
    free(in->items);
    memset(in, 0, sizeof *in);
}
