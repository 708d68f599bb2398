/* test-util.c - byte buffers and string lists. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util.h"

int main(void)
{
    na_buf_t b = NA_BUF_INIT;
    na_buf_adds(&b, "abc");
    na_buf_addc(&b, '-');
    na_buf_addf(&b, "%d/%s", 42, "x");
    CHECK_STR(b.data, "abc-42/x", "adds, addc and addf append");
    CHECK_INT(b.len, 8, "length follows");
    na_buf_add(&b, "\0z", 2);
    CHECK_INT(b.len, 10, "binary bytes are kept");
    CHECK(b.data[b.len] == '\0', "always NUL-terminated");
    na_buf_reset(&b);
    CHECK_INT(b.len, 0, "reset empties");
    CHECK_STR(b.data, "", "reset leaves an empty string");
    for (int i = 0; i < 10000; i++)
        na_buf_addc(&b, 'x');
    CHECK_INT(b.len, 10000, "grows past its first capacity");
    size_t len;
    char *s = na_buf_detach(&b, &len);
    CHECK_INT(len, 10000, "detach gives the length");
    CHECK(b.data == NULL && b.len == 0, "detach leaves the buffer empty");
    free(s);
    na_buf_t empty = NA_BUF_INIT;
    s = na_buf_detach(&empty, NULL);
    CHECK_STR(s, "", "detaching an empty buffer gives an empty string");
    free(s);

    na_strlist_t l = NA_STRLIST_INIT;
    CHECK(na_strlist_add_unique(&l, "a"), "first value is added");
    CHECK(!na_strlist_add_unique(&l, "a"), "a duplicate is not");
    na_strlist_add(&l, "b");
    na_strlist_take(&l, na_xstrdup("c"));
    CHECK_INT(l.count, 3, "three values");
    CHECK(na_strlist_contains(&l, "c") && !na_strlist_contains(&l, "d"), "contains");
    na_strlist_clear(&l);
    CHECK(l.count == 0 && l.items == NULL, "clear empties");

    s = na_xasprintf("%s-%03d", "n", 7);
    CHECK_STR(s, "n-007", "asprintf formats");
    free(s);
    CHECK(na_xstrdup(NULL) == NULL, "strdup of NULL is NULL");
    na_buf_t f = NA_BUF_INIT;
    CHECK(na_read_file("/nonexistent/file", &f) != 0, "reading a missing file gives errno");
    na_buf_release(&f);
    return unit_done();
}
