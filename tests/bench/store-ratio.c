/* store-ratio.c - how well the article store compresses Reuters-21578.
 *
 * Usage: store-ratio [--sample BYTES] reut2-*.sgm
 * Splits the files into articles (<REUTERS ...>...</REUTERS>), trains a
 * dictionary from the first BYTES of articles as newsarc-index does, packs
 * each article on its own and prints the stored/raw ratio beside zlib -9
 * per article without a dictionary, with pack and unpack speed.  Every
 * article is unpacked and compared; a mismatch exits 1.  Prints figures
 * only: nothing here is a pass/fail timing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store.h"
#include "util.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    size_t sample_bytes = 2u << 20;
    int level = getenv("LEVEL") ? atoi(getenv("LEVEL")) : 9;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--sample") == 0) {
        sample_bytes = strtoul(argv[2], NULL, 10);
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: store-ratio [--sample BYTES] FILE.sgm...\n");
        return 2;
    }
    na_buf_t all = NA_BUF_INIT;
    for (int i = first; i < argc; i++)
        if (na_read_file(argv[i], &all)) {
            perror(argv[i]);
            return 2;
        }
    const unsigned char **arts = NULL;
    size_t *lens = NULL, count = 0, raw = 0;
    const char *p = all.data, *end = all.data + all.len;
    while ((p = memmem(p, (size_t)(end - p), "<REUTERS", 8)) != NULL) {
        const char *e = memmem(p, (size_t)(end - p), "</REUTERS>", 10);
        if (!e)
            break;
        arts = na_xrealloc(arts, (count + 1) * sizeof *arts);
        lens = na_xrealloc(lens, (count + 1) * sizeof *lens);
        arts[count] = (const unsigned char *)p;
        lens[count] = (size_t)(e + 10 - p);
        raw += lens[count++];
        p = e + 10;
    }
    size_t train_count = 0, train_bytes = 0;
    while (train_count < count && train_bytes < sample_bytes)
        train_bytes += lens[train_count++];

    double t0 = now();
    na_buf_t dict_buf = NA_BUF_INIT;
    na_store_train(arts, lens, train_count, getenv("DICT") ? strtoul(getenv("DICT"), NULL, 10) : NA_ZDICT_MAX, &dict_buf);
    double t_train = now() - t0;
    na_zdict_t dict = { 1, (const unsigned char *)dict_buf.data, dict_buf.len };
    na_store_packer_t *packer = na_store_packer_new(&dict, level);

    size_t stored = 0, plain = 0;
    na_buf_t blob = NA_BUF_INIT, back = NA_BUF_INIT;
    double t_pack = 0, t_unpack = 0;
    int bad = 0;
    for (size_t i = 0; i < count; i++) {
        na_buf_reset(&blob);
        na_store_pack(arts[i], lens[i], NULL, 9, &blob, NULL);
        plain += blob.len;
        na_buf_reset(&blob);
        t0 = now();
        na_store_packer_pack(packer, arts[i], lens[i], &blob, NULL);
        t_pack += now() - t0;
        stored += blob.len;
        na_buf_reset(&back);
        t0 = now();
        na_error_t err;
        if (na_store_unpack(blob.data, blob.len, &dict, &back, &err) != NA_OK || back.len != lens[i] ||
            memcmp(back.data, arts[i], lens[i]) != 0) {
            fprintf(stderr, "store-ratio: article %zu does not round-trip\n", i + 1);
            bad = 1;
        }
        t_unpack += now() - t0;
    }
    printf("articles                 %zu\n", count);
    printf("raw bytes                %zu\n", raw);
    printf("dictionary               %zu bytes from %zu articles (%zu bytes), trained in %.3f s\n",
           dict_buf.len, train_count, train_bytes, t_train);
    printf("stored, with dictionary  %zu (%.1f%% of raw)\n", stored, 100.0 * (double)stored / (double)raw);
    printf("zlib -9 per article      %zu (%.1f%% of raw)\n", plain, 100.0 * (double)plain / (double)raw);
    printf("pack                     %.1f MB/s\n", (double)raw / t_pack / 1e6);
    printf("unpack                   %.1f MB/s\n", (double)raw / t_unpack / 1e6);
    na_store_packer_free(packer);
    na_buf_release(&blob);
    na_buf_release(&back);
    na_buf_release(&dict_buf);
    na_buf_release(&all);
    free(arts);
    free(lens);
    return bad;
}
