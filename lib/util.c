/* util.c - allocation that aborts on exhaustion, byte buffers, string lists,
 * whole-file reads and writes. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void die_nomem(size_t size)
{
    fprintf(stderr, "newsarc: fatal: out of memory allocating %zu bytes\n", size);
    abort();
}

void *na_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        die_nomem(size);
    return p;
}

void *na_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        die_nomem(count * size);
    return p;
}

void *na_xaligned_calloc(size_t align, size_t size)
{
    size_t bytes = size ? (size + align - 1) / align * align : align;
    void *p = aligned_alloc(align, bytes);
    if (!p)
        die_nomem(bytes);
    memset(p, 0, bytes);
    return p;
}

void *na_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        die_nomem(size);
    return p;
}

char *na_xstrdup(const char *s)
{
    return s ? na_xstrndup(s, strlen(s)) : NULL;
}

char *na_xstrndup(const char *s, size_t len)
{
    char *p = na_xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *na_xasprintf(const char *fmt, ...)
{
    na_buf_t buf = NA_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    na_buf_vaddf(&buf, fmt, ap);
    va_end(ap);
    return na_buf_detach(&buf, NULL);
}

void na_buf_init(na_buf_t *buf)
{
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

void na_buf_release(na_buf_t *buf)
{
    free(buf->data);
    na_buf_init(buf);
}

void na_buf_reset(na_buf_t *buf)
{
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

void na_buf_grow(na_buf_t *buf, size_t extra)
{
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap)
        return;
    size_t cap = buf->cap ? buf->cap : 64;
    while (cap < need)
        cap *= 2;
    buf->data = na_xrealloc(buf->data, cap);
    buf->cap = cap;
    buf->data[buf->len] = '\0';
}

void na_buf_add(na_buf_t *buf, const void *data, size_t len)
{
    na_buf_grow(buf, len);
    if (len)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}

void na_buf_adds(na_buf_t *buf, const char *s)
{
    na_buf_add(buf, s, strlen(s));
}

void na_buf_addc(na_buf_t *buf, char c)
{
    na_buf_grow(buf, 1);
    buf->data[buf->len++] = c;
    buf->data[buf->len] = '\0';
}

void na_buf_vaddf(na_buf_t *buf, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    na_buf_grow(buf, (size_t)n);
    vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
    buf->len += (size_t)n;
}

void na_buf_addf(na_buf_t *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    na_buf_vaddf(buf, fmt, ap);
    va_end(ap);
}

char *na_buf_detach(na_buf_t *buf, size_t *len)
{
    if (!buf->data)
        na_buf_grow(buf, 0);
    char *p = buf->data;
    if (len)
        *len = buf->len;
    na_buf_init(buf);
    return p;
}

void na_strlist_take(na_strlist_t *list, char *s)
{
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 4;
        list->items = na_xrealloc(list->items, list->cap * sizeof *list->items);
    }
    list->items[list->count++] = s;
}

void na_strlist_add(na_strlist_t *list, const char *s)
{
    na_strlist_take(list, na_xstrdup(s));
}

bool na_strlist_contains(const na_strlist_t *list, const char *s)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->items[i], s) == 0)
            return true;
    return false;
}

bool na_strlist_add_unique(na_strlist_t *list, const char *s)
{
    if (na_strlist_contains(list, s))
        return false;
    na_strlist_add(list, s);
    return true;
}

void na_strlist_clear(na_strlist_t *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}

int na_read_file(const char *path, na_buf_t *buf)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        na_buf_add(buf, chunk, n);
    int e = ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    return e;
}

int na_write_file(const char *path, const void *data, size_t len)
{
    char *tmp = na_xasprintf("%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return e;
    }
    const char *p = data;
    int e = 0;
    for (size_t done = 0; !e && done < len;) {
        ssize_t w = write(fd, p + done, len - done);
        if (w < 0 && errno != EINTR)
            e = errno;
        else if (w > 0)
            done += (size_t)w;
    }
    if (!e && fchmod(fd, 0644) != 0)
        e = errno;
    if (!e && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e) {
        unlink(tmp);
    } else {
        /* The rename itself survives a crash once its folder is synced. */
        char *slash = strrchr(tmp, '/');
        char *dir = slash ? na_xstrndup(tmp, slash == tmp ? 1 : (size_t)(slash - tmp)) : na_xstrdup(".");
        int dfd = open(dir, O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    free(tmp);
    return e;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void na_remove_tree(const char *path)
{
    nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *na_strerror(int errnum)
{
    /* strerror() may share one buffer between threads; the indexer
     * reports from its writer thread too. */
    static _Thread_local char text[160];
    char *msg = strerror_r(errnum, text, sizeof text);
    if (msg != text)
        snprintf(text, sizeof text, "%s", msg);
    /* A capital only starts the message ("Input/output error"), so only
     * the first letter is lowered. */
    text[0] = (char)na_ascii_lower((unsigned char)text[0]);
    return text;
}
