/* util.h - memory helpers, a growable byte buffer and a string list.
 *
 * Allocation failure is not a recoverable condition for newsarc's programs
 * (as in git's xmalloc and redis' zmalloc): the na_x* allocators print one
 * line and abort instead of returning NULL, so no caller checks for NULL.
 */
#ifndef NA_UTIL_H
#define NA_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

void *na_xmalloc(size_t size);
void *na_xcalloc(size_t count, size_t size);
void *na_xrealloc(void *ptr, size_t size);
/* SIZE zeroed bytes aligned to ALIGN (a power of two; SIZE is rounded up
 * to a multiple of it); free with free(). */
void *na_xaligned_calloc(size_t align, size_t size);
/* Caller owns the copies; free with free().  na_xstrdup(NULL) is NULL. */
char *na_xstrdup(const char *s);
char *na_xstrndup(const char *s, size_t len);
char *na_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Eight bytes at a time: text is mostly ASCII without special bytes,
 * so a scanner reads a word with na_load8() and goes byte by byte only
 * where a test says so.  Each test is non-zero exactly when some byte of
 * W qualifies (the bits it sets are no guide to which byte). */
#define NA_BYTES(b) (UINT64_C(0x0101010101010101) * (uint8_t)(b))
static inline uint64_t na_load8(const void *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}
/* Some byte is not ASCII (0x80 or above). */
static inline uint64_t na_has_high(uint64_t w) { return w & NA_BYTES(0x80); }
/* Some byte below N, for N at most 0x80. */
static inline uint64_t na_has_below(uint64_t w, uint8_t n) { return (w - NA_BYTES(n)) & ~w & NA_BYTES(0x80); }
/* Some byte equal to C. */
static inline uint64_t na_has_byte(uint64_t w, uint8_t c) { return na_has_below(w ^ NA_BYTES(c), 1); }

/* A growable byte buffer that is always NUL-terminated (data[len] == 0).
 * Initialise with NA_BUF_INIT or na_buf_init(); na_buf_release() frees it
 * and leaves it empty and reusable. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} na_buf_t;

#define NA_BUF_INIT { NULL, 0, 0 }

void na_buf_init(na_buf_t *buf);
void na_buf_release(na_buf_t *buf);
/* Empties BUF but keeps its memory. */
void na_buf_reset(na_buf_t *buf);
void na_buf_grow(na_buf_t *buf, size_t extra);
void na_buf_add(na_buf_t *buf, const void *data, size_t len);
void na_buf_adds(na_buf_t *buf, const char *s);
void na_buf_addc(na_buf_t *buf, char c);
void na_buf_addf(na_buf_t *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void na_buf_vaddf(na_buf_t *buf, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Returns the contents (never NULL; caller owns, free with free()) and
 * leaves BUF empty. */
char *na_buf_detach(na_buf_t *buf, size_t *len);

/* An ordered list of owned NUL-terminated strings. */
typedef struct {
    char **items;
    size_t count;
    size_t cap;
} na_strlist_t;

#define NA_STRLIST_INIT { NULL, 0, 0 }

/* Appends a copy of S. */
void na_strlist_add(na_strlist_t *list, const char *s);
/* Appends S itself; the list takes ownership. */
void na_strlist_take(na_strlist_t *list, char *s);
/* Appends a copy of S unless an equal string is already there; returns
 * true when it was added. */
bool na_strlist_add_unique(na_strlist_t *list, const char *s);
bool na_strlist_contains(const na_strlist_t *list, const char *s);
/* Frees every string and the array; the list is empty afterwards. */
void na_strlist_clear(na_strlist_t *list);

/* Reads the whole file at PATH into BUF (appending).  Returns 0, or an
 * errno value on failure. */
int na_read_file(const char *path, na_buf_t *buf);

/* Writes the LEN bytes at DATA to PATH, mode 0644, through a temporary
 * file in its folder, synced and renamed over it (the folder synced
 * too), so that a reader sees the old file or the new one whole, also
 * after a crash.  Returns 0, or an errno value on
 * failure, when PATH is left as it was and the temporary file removed. */
int na_write_file(const char *path, const void *data, size_t len);

/* Removes the file or tree at PATH, as rm -rf: symbolic links are
 * removed, not followed; what cannot be removed is left. */
void na_remove_tree(const char *path);

/* strerror(ERRNUM) as diagnostics print it, lower-case ("permission
 * denied", "no space left on device").  Borrowed; valid until the next
 * call in the same thread. */
const char *na_strerror(int errnum);

/* ASCII-only helpers that ignore the locale. */
static inline bool na_is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static inline int na_ascii_lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

#endif
