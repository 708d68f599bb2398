/* enospc.c - an LD_PRELOAD shim that fills the disk: once more than
 * $NEWSARC_ENOSPC_AFTER bytes have been written to files under
 * $NEWSARC_ENOSPC_DIR, write(), pwrite(), writev() and fsync() on such
 * files fail with ENOSPC, as on a full filesystem.  Files elsewhere
 * (standard error redirected to a file, say) are left alone.
 *
 * For the disk-full test where a small filesystem cannot be mounted (no
 * root); built as tests/enospc.so by make check.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static unsigned long long written;

/* True when FD is a regular file under $NEWSARC_ENOSPC_DIR. */
static bool watched(int fd)
{
    const char *dir = getenv("NEWSARC_ENOSPC_DIR");
    struct stat st;
    if (!dir || !*dir || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 0)
        return false;
    path[n] = '\0';
    return strncmp(path, dir, strlen(dir)) == 0;
}

/* Counts LEN more bytes on FD; false when the disk is full. */
static bool room(int fd, size_t len)
{
    if (!watched(fd))
        return true;
    const char *after = getenv("NEWSARC_ENOSPC_AFTER");
    unsigned long long limit = after ? strtoull(after, NULL, 10) : 0;
    if (written + len > limit) {
        written = limit + 1;
        errno = ENOSPC;
        return false;
    }
    written += len;
    return true;
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*writev_fn)(int, const struct iovec *, int);
typedef int (*sync_fn)(int);

/* The C library's NAME, looked up once. */
#define NEXT(name, type)                              \
    static type real_##name;                          \
    if (!real_##name)                                 \
        real_##name = (type)dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buf, size_t len)
{
    NEXT(write, write_fn);
    return room(fd, len) ? real_write(fd, buf, len) : -1;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
    NEXT(pwrite, pwrite_fn);
    return room(fd, len) ? real_pwrite(fd, buf, len, off) : -1;
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
    NEXT(pwrite64, pwrite_fn);
    return room(fd, len) ? real_pwrite64(fd, buf, len, off) : -1;
}

ssize_t writev(int fd, const struct iovec *iov, int count)
{
    NEXT(writev, writev_fn);
    size_t len = 0;
    for (int i = 0; i < count; i++)
        len += iov[i].iov_len;
    return room(fd, len) ? real_writev(fd, iov, count) : -1;
}

int fsync(int fd)
{
    NEXT(fsync, sync_fn);
    return room(fd, 0) ? real_fsync(fd) : -1;
}

int fdatasync(int fd)
{
    NEXT(fdatasync, sync_fn);
    return room(fd, 0) ? real_fdatasync(fd) : -1;
}
