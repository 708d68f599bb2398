/* test-util.c - the allocators, byte buffers, string lists, whole-file
 * reads and writes and the locale-free ASCII helpers of lib/util.c. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "util.h"

static void test_alloc(void)
{
    char *s = na_xstrdup("hello");
    CHECK_STR(s, "hello", "xstrdup copies");
    free(s);
    CHECK(na_xstrdup(NULL) == NULL, "xstrdup(NULL) is NULL");
    s = na_xstrndup("hello world", 5);
    CHECK_STR(s, "hello", "xstrndup copies LEN bytes and terminates");
    free(s);
    s = na_xstrndup("a\0b", 3);
    CHECK(s[0] == 'a' && s[1] == '\0' && s[2] == 'b' && s[3] == '\0', "xstrndup copies NUL bytes too");
    free(s);
    s = na_xasprintf("%s-%03d-%c", "n", 7, 'z');
    CHECK_STR(s, "n-007-z", "xasprintf formats");
    free(s);
    s = na_xasprintf("%s", "");
    CHECK_STR(s, "", "xasprintf of nothing is an empty string");
    free(s);
    int *zeros = na_xcalloc(100, sizeof *zeros);
    int sum = 0;
    for (int i = 0; i < 100; i++)
        sum |= zeros[i];
    CHECK_INT(sum, 0, "xcalloc zeroes");
    zeros = na_xrealloc(zeros, 1000 * sizeof *zeros);
    CHECK_INT(zeros[99], 0, "xrealloc keeps the contents");
    free(zeros);
    void *p = na_xmalloc(0);
    CHECK(p != NULL, "xmalloc(0) gives a pointer that can be freed");
    free(p);
    unsigned char *al = na_xaligned_calloc(64, 100); /* rounded up to 128 */
    CHECK(((uintptr_t)al & 63) == 0, "xaligned_calloc aligns");
    int any = 0;
    for (int i = 0; i < 128; i++)
        any |= al[i];
    CHECK_INT(any, 0, "xaligned_calloc zeroes the rounded-up size");
    free(al);
    al = na_xaligned_calloc(64, 0);
    CHECK(al != NULL && ((uintptr_t)al & 63) == 0, "xaligned_calloc(0) gives an aligned pointer that can be freed");
    free(al);
}

static void test_buf(void)
{
    na_buf_t b = NA_BUF_INIT;
    na_buf_adds(&b, "abc");
    na_buf_addc(&b, '-');
    na_buf_addf(&b, "%d/%s", 42, "x");
    CHECK_STR(b.data, "abc-42/x", "adds, addc and addf append");
    CHECK_INT(b.len, 8, "the length follows");
    na_buf_add(&b, "\0z", 2);
    CHECK_INT(b.len, 10, "binary bytes are kept");
    CHECK(b.data[8] == '\0' && b.data[9] == 'z', "... as they are");
    CHECK(b.data[b.len] == '\0', "always NUL-terminated");
    na_buf_add(&b, NULL, 0);
    CHECK_INT(b.len, 10, "adding nothing changes nothing");

    na_buf_reset(&b);
    CHECK_INT(b.len, 0, "reset empties");
    CHECK_STR(b.data, "", "... leaving an empty string");
    CHECK(b.cap > 0, "... and keeping the memory");

    char big[5000];
    memset(big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    na_buf_addf(&b, "<%s>", big);
    CHECK_INT(b.len, sizeof big + 1, "addf output longer than the buffer grows it");
    CHECK(b.data[0] == '<' && b.data[b.len - 1] == '>' && b.data[b.len] == '\0', "... whole");
    for (int i = 0; i < 10000; i++)
        na_buf_addc(&b, 'x');
    CHECK_INT(b.len, sizeof big + 1 + 10000, "grows past its capacity one byte at a time");
    na_buf_grow(&b, 100000);
    CHECK(b.cap >= b.len + 100001, "grow makes room for EXTRA more bytes and the NUL");

    size_t len;
    char *s = na_buf_detach(&b, &len);
    CHECK_INT(len, sizeof big + 1 + 10000, "detach gives the length");
    CHECK(b.data == NULL && b.len == 0 && b.cap == 0, "detach leaves the buffer empty");
    free(s);
    na_buf_adds(&b, "again");
    CHECK_STR(b.data, "again", "a detached buffer can be used again");
    na_buf_release(&b);
    CHECK(b.data == NULL && b.len == 0 && b.cap == 0, "release frees and empties");
    na_buf_release(&b);
    CHECK(1, "release twice is harmless");

    na_buf_t empty;
    na_buf_init(&empty);
    s = na_buf_detach(&empty, NULL);
    CHECK_STR(s, "", "detaching an empty buffer gives an empty string");
    free(s);
}

static void test_strlist(void)
{
    na_strlist_t l = NA_STRLIST_INIT;
    CHECK(!na_strlist_contains(&l, "a"), "an empty list contains nothing");
    CHECK(na_strlist_add_unique(&l, "a"), "add_unique adds a new value");
    CHECK(!na_strlist_add_unique(&l, "a"), "... but not a duplicate");
    char word[] = "b";
    na_strlist_add(&l, word);
    word[0] = 'X';
    CHECK_STR(l.items[1], "b", "add keeps its own copy");
    char *owned = na_xstrdup("c");
    na_strlist_take(&l, owned);
    CHECK(l.items[2] == owned, "take keeps the string itself");
    CHECK_INT(l.count, 3, "three values");
    CHECK(na_strlist_contains(&l, "c") && !na_strlist_contains(&l, "d"), "contains compares whole strings");
    for (int i = 0; i < 1000; i++) {
        char v[16];
        snprintf(v, sizeof v, "v%d", i);
        na_strlist_add(&l, v);
    }
    CHECK(l.count == 1003 && strcmp(l.items[1002], "v999") == 0, "grows and keeps the order");
    na_strlist_clear(&l);
    CHECK(l.count == 0 && l.items == NULL && l.cap == 0, "clear empties");
    na_strlist_clear(&l);
    na_strlist_add(&l, "after");
    CHECK(l.count == 1, "a cleared list can be used again");
    na_strlist_clear(&l);
}

static void test_read_file(void)
{
    char path[] = "/tmp/newsarc-util.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        CHECK(0, "make a scratch file");
        return;
    }
    /* More than one read's worth, with NUL bytes. */
    size_t size = 200000;
    char *data = na_xmalloc(size);
    for (size_t i = 0; i < size; i++)
        data[i] = (char)(i % 251);
    CHECK(write(fd, data, size) == (ssize_t)size, "write the scratch file");
    close(fd);

    na_buf_t b = NA_BUF_INIT;
    na_buf_adds(&b, "head:");
    CHECK_INT(na_read_file(path, &b), 0, "read_file reads a file");
    CHECK_INT(b.len, 5 + size, "... appending all of it");
    CHECK(memcmp(b.data, "head:", 5) == 0 && memcmp(b.data + 5, data, size) == 0, "... byte for byte");
    CHECK(b.data[b.len] == '\0', "... NUL-terminated");
    na_buf_release(&b);

    CHECK(na_read_file("/nonexistent/file", &b) != 0, "a missing file gives an errno");
    CHECK_INT(b.len, 0, "... and leaves the buffer as it was");
    na_buf_release(&b);
    remove(path);
    free(data);
}

static void test_write_file(void)
{
    char dir[] = "/tmp/newsarc-util.XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "make a scratch folder");
        return;
    }
    char *path = na_xasprintf("%s/out", dir);
    CHECK_INT(na_write_file(path, "old", 3), 0, "write_file writes a new file");
    CHECK_INT(na_write_file(path, "new\0data", 8), 0, "... and replaces it");
    na_buf_t b = NA_BUF_INIT;
    CHECK_INT(na_read_file(path, &b), 0, "... which reads back");
    CHECK(b.len == 8 && memcmp(b.data, "new\0data", 8) == 0, "... byte for byte");
    na_buf_release(&b);
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0644, "... readable by all");
    char *missing = na_xasprintf("%s/none/out", dir);
    CHECK(na_write_file(missing, "x", 1) == ENOENT, "a missing folder gives ENOENT");
    free(missing);
    remove(path);
    CHECK(rmdir(dir) == 0, "no temporary file is left behind");
    free(path);
}

static void test_ascii(void)
{
    static const char blanks[] = " \t\n\r\f\v";
    int ok = 1;
    for (const char *p = blanks; *p; p++)
        ok &= na_is_space(*p);
    CHECK(ok, "is_space: the six ASCII blanks");
    CHECK(!na_is_space('x') && !na_is_space(0) && !na_is_space(0xa0), "... and nothing else");
    CHECK(na_ascii_lower('A') == 'a' && na_ascii_lower('Z') == 'z', "ascii_lower lowers A-Z");
    CHECK(na_ascii_lower('a') == 'a' && na_ascii_lower('@') == '@' && na_ascii_lower('[') == '[' &&
              na_ascii_lower(0xc4) == 0xc4, "... and leaves the rest");
}

/* Diagnostics are lower-case (STYLE): the C library's messages are not. */
static void test_strerror(void)
{
    static const struct {
        int errnum;
        const char *want;
    } cases[] = {
        { ENOENT, "no such file or directory" },
        { EACCES, "permission denied" },
        { ENOSPC, "no space left on device" },
        { EIO, "input/output error" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        CHECK_STR(na_strerror(cases[i].errnum), cases[i].want, cases[i].want);
}

int main(void)
{
    test_strerror();
    test_alloc();
    test_buf();
    test_strlist();
    test_read_file();
    test_write_file();
    test_ascii();
    return unit_done();
}
