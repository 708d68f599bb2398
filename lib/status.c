/* status.c - status strings and the error buffer. */
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *na_status_str(na_status_t status)
{
    switch (status) {
    case NA_OK: return "success";
    case NA_ERR_NOMEM: return "out of memory";
    case NA_ERR_IO: return "input/output error";
    case NA_ERR_PARSE: return "malformed input";
    case NA_ERR_NOT_FOUND: return "not found";
    case NA_ERR_INVALID: return "invalid argument";
    case NA_ERR_QUERY: return "query syntax error";
    case NA_ERR_DATABASE: return "database error";
    case NA_ERR_LOCKED: return "database locked";
    case NA_ERR_CORRUPT: return "corrupt data";
    case NA_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

na_status_t na_error_set(na_error_t *err, na_status_t code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

void na_error_clear(na_error_t *err)
{
    if (err) {
        err->code = NA_OK;
        err->message[0] = '\0';
    }
}

void na__bug(const char *file, int line, const char *msg)
{
    fprintf(stderr, "newsarc: internal error at %s:%d: %s\n", file, line, msg);
    abort();
}
