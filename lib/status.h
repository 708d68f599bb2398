/* status.h - one status type and an error buffer shared by every lib/ module.
 *
 * Every fallible function in lib/ returns na_status_t and takes an
 * na_error_t * as its last argument, which may be NULL.  On failure the
 * error receives the same code and a one-line, lower-case message without
 * a trailing full stop, suitable for "program: message" on stderr.
 * The library never prints and never exits; programs decide.
 */
#ifndef NA_STATUS_H
#define NA_STATUS_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    NA_OK = 0,
    NA_ERR_NOMEM,     /* out of memory */
    NA_ERR_IO,        /* a file could not be read or written */
    NA_ERR_PARSE,     /* input (article, config, data file) is malformed */
    NA_ERR_NOT_FOUND, /* the thing asked for does not exist */
    NA_ERR_INVALID,   /* a caller passed a value outside the contract */
    NA_ERR_QUERY,     /* a search query could not be parsed */
    NA_ERR_DATABASE,  /* Xapian reported an error (open, read, write) */
    NA_ERR_LOCKED,    /* the database is locked by another writer */
    NA_ERR_CORRUPT,   /* stored data fails its own checks */
    NA_ERR_INTERNAL   /* an unexpected failure, e.g. an unknown exception */
} na_status_t;

typedef struct {
    na_status_t code;
    char message[1024];
} na_error_t;

/* Returns a static, lower-case description of STATUS ("out of memory"). */
const char *na_status_str(na_status_t status);

/* Records CODE and a printf-style message in ERR (which may be NULL) and
 * returns CODE, so that callers can write "return na_error_set(...)". */
na_status_t na_error_set(na_error_t *err, na_status_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clears ERR to NA_OK and an empty message; ERR may be NULL. */
void na_error_clear(na_error_t *err);

/* Aborts with file and line: for broken invariants, never for bad input. */
#define NA_BUG(msg) na__bug(__FILE__, __LINE__, (msg))
void na__bug(const char *file, int line, const char *msg) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif
