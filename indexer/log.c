/* log.c - copying standard error into a log file with timestamps.
 *
 * Standard error is pointed at a pipe whose other end a thread reads: each
 * complete line goes on to the original standard error as it was and to
 * the log with the time it was read.  Messages stay plain fprintf(stderr)
 * calls wherever they are made. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
    bool running;
    int log_fd, err_fd, pipe_rd;
    int error; /* first failed write to the log */
    pthread_t thread;
} lg = { false, -1, -1, -1, 0, 0 };

static void write_all(int fd, const char *p, size_t n, bool is_log)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (is_log && !lg.error)
                lg.error = w < 0 ? errno : EIO;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static void emit(const char *line, size_t n)
{
    write_all(lg.err_fd, line, n, false);
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    size_t k = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ ", &tm);
    write_all(lg.log_fd, stamp, k, true);
    write_all(lg.log_fd, line, n, true);
    if (n == 0 || line[n - 1] != '\n')
        write_all(lg.log_fd, "\n", 1, true);
}

static void *reader(void *arg)
{
    (void)arg;
    char buf[8192];
    size_t have = 0;
    for (;;) {
        ssize_t r = read(lg.pipe_rd, buf + have, sizeof buf - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        have += (size_t)r;
        size_t start = 0;
        for (size_t i = 0; i < have; i++)
            if (buf[i] == '\n') {
                emit(buf + start, i + 1 - start);
                start = i + 1;
            }
        if (start == 0 && have == sizeof buf) {
            emit(buf, have); /* a line longer than the buffer: in pieces */
            have = 0;
        } else {
            memmove(buf, buf + start, have - start);
            have -= start;
        }
    }
    if (have)
        emit(buf, have);
    return NULL;
}

int na_log_start(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno;
    int p[2];
    if (pipe(p) != 0) {
        int e = errno;
        close(fd);
        return e;
    }
    fflush(stderr);
    lg.log_fd = fd;
    lg.err_fd = dup(STDERR_FILENO);
    lg.pipe_rd = p[0];
    dup2(p[1], STDERR_FILENO);
    close(p[1]);
    /* Signals are for the main thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int e = pthread_create(&lg.thread, NULL, reader, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (e) {
        dup2(lg.err_fd, STDERR_FILENO);
        close(lg.err_fd);
        close(lg.pipe_rd);
        close(fd);
        return e;
    }
    lg.running = true;
    return 0;
}

int na_log_stop(void)
{
    if (!lg.running)
        return 0;
    fflush(stderr);
    /* The pipe's last writer goes: the reader sees its end. */
    dup2(lg.err_fd, STDERR_FILENO);
    pthread_join(lg.thread, NULL);
    close(lg.pipe_rd);
    close(lg.err_fd);
    if (close(lg.log_fd) != 0 && !lg.error)
        lg.error = errno;
    lg.running = false;
    return lg.error;
}
