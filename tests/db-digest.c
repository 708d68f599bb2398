/* db-digest.c - prints one line per article of a newsarc database: its id
 * term, the length and a digest of its original bytes as stored
 * (decompressed), in id order.  Two databases hold the same articles with
 * the same bytes exactly when their outputs are equal, which is what the
 * crash and fault tests compare against a clean run.
 *
 * Usage: tests/db-digest DB.  Exit status 0, or 3 with one line on
 * standard error when the database or an article cannot be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "record.h"
#include "schema.h"
#include "status.h"
#include "util.h"
#include "xapian-c.h"

typedef struct {
    na_strlist_t terms;
} terms_t;

static bool add_term(const char *term, size_t len, unsigned freq, void *ud)
{
    (void)freq;
    na_strlist_take(&((terms_t *)ud)->terms, na_xstrndup(term, len));
    return true;
}

static int fail(const char *what, const na_error_t *err)
{
    fprintf(stderr, "db-digest: error: %s: %s\n", what, err->message);
    return 3;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: db-digest DB\n");
        return 2;
    }
    na_error_t err;
    na_error_clear(&err);
    na_xdb_t *db = NULL;
    const char *spec = argv[1];
    if (na_xdb_open(&spec, 1, &db, &err) != NA_OK)
        return fail(spec, &err);
    terms_t t = { NA_STRLIST_INIT };
    if (na_xdb_each_term(db, NA_PREFIX_ID, add_term, &t, &err) != NA_OK)
        return fail("listing ids", &err);
    na_record_reader_t *reader = na_record_reader_new(db);
    na_buf_t raw = NA_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < t.terms.count && rc == 0; i++) {
        const char *term = t.terms.items[i];
        na_docid_t docid;
        char *data = NULL;
        size_t len = 0;
        na_record_view_t view;
        na_buf_reset(&raw);
        if (na_xdb_find(db, term, &docid, &err) != NA_OK || na_xdb_get_data(db, docid, &data, &len, &err) != NA_OK ||
            na_record_decode(data, len, &view, &err) != NA_OK ||
            na_record_reader_raw(reader, &view, &raw, &err) != NA_OK) {
            rc = fail(term, &err);
        } else {
            char hex[17];
            printf("%s\t%zu\t%s\n", term, raw.len, na_hash64_hex(NA_HASH_SEED, raw.data, raw.len, hex));
        }
        free(data);
    }
    na_buf_release(&raw);
    na_record_reader_free(reader);
    na_strlist_clear(&t.terms);
    na_xdb_close(db);
    if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "db-digest: error: cannot write the output\n");
        rc = 3;
    }
    return rc;
}
