/* store-ratio.c - how small the article store keeps Reuters-21578, and how
 * fast it packs and unpacks.
 *
 * Usage: store-ratio [--sample BYTES] [--level N] FILE.sgm...
 *
 * Splits the files into articles (each the bytes from "<REUTERS" up to and
 * including "</REUTERS>"), trains a dictionary with na_store_train() from
 * the first articles up to BYTES (default 2 MiB, as newsarc-index does),
 * packs every article as its own blob with a packer, as the indexer does,
 * and unpacks each blob again, comparing it byte for byte.
 *
 * For comparison it also prints what per-article zlib without a
 * dictionary gives, and what the plainest dictionary gives: the last
 * 32 KiB of the same samples.  Throughput is raw article bytes over the
 * time spent in the store's functions, in CPU time (steadier than wall
 * time on a shared machine) and wall time.
 *
 * A benchmark, not a test: it prints figures and never judges them.
 * Exit status: 0 when every article round-trips, 1 when one does not,
 * 2 for a usage error or an unreadable file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "store.h"
#include "util.h"

#define ME "store-ratio"

typedef struct {
    double cpu, wall;
} stamp_t;

static stamp_t stamp(void)
{
    struct timespec c, w;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
    clock_gettime(CLOCK_MONOTONIC, &w);
    return (stamp_t){ (double)c.tv_sec + (double)c.tv_nsec / 1e9, (double)w.tv_sec + (double)w.tv_nsec / 1e9 };
}

static void add_since(stamp_t *sum, stamp_t since)
{
    stamp_t t = stamp();
    sum->cpu += t.cpu - since.cpu;
    sum->wall += t.wall - since.wall;
}

typedef struct {
    const unsigned char **data; /* borrowed from the file buffers */
    size_t *lens;
    size_t count, cap;
    size_t bytes;
} articles_t;

static const unsigned char *find(const unsigned char *p, const unsigned char *end, const char *what)
{
    size_t n = strlen(what);
    for (; (size_t)(end - p) >= n; p++) {
        p = memchr(p, what[0], (size_t)(end - p) - n + 1);
        if (!p)
            return NULL;
        if (memcmp(p, what, n) == 0)
            return p;
    }
    return NULL;
}

static void split(const unsigned char *p, size_t len, articles_t *a)
{
    const unsigned char *end = p + len;
    while ((p = find(p, end, "<REUTERS")) != NULL) {
        const unsigned char *e = find(p, end, "</REUTERS>");
        if (!e)
            break;
        e += strlen("</REUTERS>");
        if (a->count == a->cap) {
            a->cap = a->cap ? 2 * a->cap : 1024;
            a->data = na_xrealloc(a->data, a->cap * sizeof *a->data);
            a->lens = na_xrealloc(a->lens, a->cap * sizeof *a->lens);
        }
        a->data[a->count] = p;
        a->lens[a->count] = (size_t)(e - p);
        a->bytes += a->lens[a->count];
        a->count++;
        p = e;
    }
}

/* Packs every article with PACKER, adding up the blob bytes of all and of
 * those from article FROM on. */
static void pack_all(na_store_packer_t *packer, const articles_t *a, size_t from, size_t *stored, size_t *stored_from)
{
    na_buf_t blob = NA_BUF_INIT;
    *stored = *stored_from = 0;
    for (size_t i = 0; i < a->count; i++) {
        na_buf_reset(&blob);
        na_error_t err;
        if (na_store_packer_pack(packer, a->data[i], a->lens[i], &blob, &err) != NA_OK) {
            fprintf(stderr, ME ": article %zu: error: %s\n", i + 1, err.message);
            exit(1);
        }
        *stored += blob.len;
        if (i >= from)
            *stored_from += blob.len;
    }
    na_buf_release(&blob);
}

static void usage(FILE *to)
{
    fprintf(to, "usage: " ME " [--sample BYTES] [--level N] FILE.sgm...\n"
                "\n"
                "Packs every Reuters-21578 article of FILE.sgm... as its own blob against a\n"
                "dictionary trained from the first articles and prints the stored/raw ratio\n"
                "and the speed of packing and unpacking.\n"
                "\n"
                "  --sample BYTES  train from the first articles up to BYTES (default 2097152)\n"
                "  --level N       zlib level 1..9 (default 9)\n"
                "  -h, --help      this text\n");
}

static double pct(size_t part, size_t whole) { return whole ? 100.0 * (double)part / (double)whole : 0.0; }
static double mbs(size_t bytes, double secs) { return secs > 0 ? (double)bytes / secs / 1e6 : 0.0; }

int main(int argc, char **argv)
{
    static const struct option options[] = {
        { "sample", required_argument, NULL, 's' },
        { "level", required_argument, NULL, 'l' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    size_t sample_bytes = 2u << 20;
    int level = 9;
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        char *end;
        switch (c) {
        case 's':
            errno = 0;
            sample_bytes = strtoull(optarg, &end, 10);
            if (errno || *end || end == optarg) {
                fprintf(stderr, ME ": error: --sample takes a number of bytes, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'l':
            level = (int)strtol(optarg, &end, 10);
            if (*end || end == optarg || level < 1 || level > 9) {
                fprintf(stderr, ME ": error: --level takes 1 to 9, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }

    int nfiles = argc - optind;
    na_buf_t *files = na_xcalloc((size_t)nfiles, sizeof *files);
    articles_t arts = { 0 };
    for (int i = 0; i < nfiles; i++) {
        int e = na_read_file(argv[optind + i], &files[i]);
        if (e) {
            fprintf(stderr, ME ": %s: error: %s\n", argv[optind + i], strerror(e));
            return 2;
        }
        split((const unsigned char *)files[i].data, files[i].len, &arts);
    }
    if (arts.count == 0) {
        fprintf(stderr, ME ": error: no <REUTERS> articles in the files given\n");
        return 2;
    }

    /* The first articles up to the sample size, as the indexer holds them
     * back before it writes anything. */
    size_t train_count = 0, train_bytes = 0;
    while (train_count < arts.count && train_bytes < sample_bytes)
        train_bytes += arts.lens[train_count++];

    stamp_t t_train = { 0, 0 }, t0 = stamp();
    na_buf_t dict_buf = NA_BUF_INIT;
    na_store_train(arts.data, arts.lens, train_count, NA_ZDICT_MAX, &dict_buf);
    add_since(&t_train, t0);
    na_zdict_t dict = { 1, (const unsigned char *)dict_buf.data, dict_buf.len, 0 };

    /* Pack and unpack with the trained dictionary, checking every byte. */
    na_store_packer_t *packer = na_store_packer_new(&dict, level);
    if (!packer) {
        fprintf(stderr, ME ": error: cannot start a packer\n");
        return 1;
    }
    na_buf_t *blobs = na_xcalloc(arts.count, sizeof *blobs);
    stamp_t t_pack = { 0, 0 }, t_unpack = { 0, 0 };
    size_t stored = 0, stored_new = 0, raw_new = 0, methods[4] = { 0, 0, 0, 0 };
    for (size_t i = 0; i < arts.count; i++) {
        na_error_t err;
        t0 = stamp();
        na_status_t st = na_store_packer_pack(packer, arts.data[i], arts.lens[i], &blobs[i], &err);
        add_since(&t_pack, t0);
        if (st != NA_OK) {
            fprintf(stderr, ME ": article %zu: error: %s\n", i + 1, err.message);
            return 1;
        }
        stored += blobs[i].len;
        methods[(unsigned char)blobs[i].data[0] & 3]++;
        if (i >= train_count) {
            stored_new += blobs[i].len;
            raw_new += arts.lens[i];
        }
    }
    na_store_packer_free(packer);

    int bad = 0;
    na_buf_t back = NA_BUF_INIT;
    for (size_t i = 0; i < arts.count; i++) {
        na_error_t err;
        na_buf_reset(&back);
        t0 = stamp();
        na_status_t st = na_store_unpack(blobs[i].data, blobs[i].len, &dict, &back, &err);
        add_since(&t_unpack, t0);
        if (st != NA_OK) {
            fprintf(stderr, ME ": article %zu: error: %s\n", i + 1, err.message);
            bad = 1;
        } else if (back.len != arts.lens[i] || memcmp(back.data, arts.data[i], back.len) != 0) {
            fprintf(stderr, ME ": article %zu: error: unpacks to different bytes\n", i + 1);
            bad = 1;
        }
        na_buf_release(&blobs[i]);
    }
    free(blobs);
    na_buf_release(&back);

    /* The same through na_store_pack(), a new stream per article. */
    stamp_t t_oneshot = { 0, 0 };
    na_buf_t blob = NA_BUF_INIT;
    for (size_t i = 0; i < arts.count; i++) {
        na_buf_reset(&blob);
        t0 = stamp();
        na_store_pack(arts.data[i], arts.lens[i], &dict, level, &blob, NULL);
        add_since(&t_oneshot, t0);
    }

    /* Per-article zlib -9 with no dictionary: the zlib streams alone. */
    size_t plain = 0;
    for (size_t i = 0; i < arts.count; i++) {
        uLongf n = compressBound((uLong)arts.lens[i]);
        na_buf_reset(&blob);
        na_buf_grow(&blob, n);
        if (compress2((Bytef *)blob.data, &n, arts.data[i], (uLong)arts.lens[i], 9) != Z_OK) {
            fprintf(stderr, ME ": article %zu: error: zlib failed\n", i + 1);
            return 1;
        }
        plain += n;
    }
    na_buf_release(&blob);

    /* The plainest dictionary: the last 32 KiB of the samples. */
    na_buf_t tail_buf = NA_BUF_INIT;
    size_t first = train_count, tail_bytes = 0;
    while (first > 0 && tail_bytes < NA_ZDICT_MAX)
        tail_bytes += arts.lens[--first];
    for (size_t i = first; i < train_count; i++)
        na_buf_add(&tail_buf, arts.data[i], arts.lens[i]);
    size_t cut = tail_buf.len > NA_ZDICT_MAX ? tail_buf.len - NA_ZDICT_MAX : 0;
    na_zdict_t tail = { 1, (const unsigned char *)tail_buf.data + cut, tail_buf.len - cut, 0 };
    size_t tail_stored = 0, tail_stored_new = 0;
    packer = na_store_packer_new(&tail, level);
    pack_all(packer, &arts, train_count, &tail_stored, &tail_stored_new);
    na_store_packer_free(packer);
    na_buf_release(&tail_buf);

    printf("articles                  %zu from %d file%s\n", arts.count, nfiles, nfiles == 1 ? "" : "s");
    printf("raw bytes                 %zu\n", arts.bytes);
    printf("dictionary                %zu bytes from the first %zu articles (%zu bytes), trained in %.3f s cpu\n",
           dict_buf.len, train_count, train_bytes, t_train.cpu);
    printf("stored bytes              %zu\n", stored);
    printf("ratio                     %.2f%% (level %d; blobs: %zu deflate+dictionary, %zu zlib, %zu as is)\n",
           pct(stored, arts.bytes), level, methods[3] + methods[2], methods[1], methods[0]);
    printf("  after the samples       %.2f%% (%zu articles not trained on)\n", pct(stored_new, raw_new),
           arts.count - train_count);
    printf("zlib -9 per article       %.2f%% (no dictionary)\n", pct(plain, arts.bytes));
    printf("last 32 KiB as dictionary %.2f%% (after the samples %.2f%%)\n", pct(tail_stored, arts.bytes),
           pct(tail_stored_new, raw_new));
    printf("pack                      %.1f MB/s cpu, %.1f MB/s wall (packer)\n", mbs(arts.bytes, t_pack.cpu),
           mbs(arts.bytes, t_pack.wall));
    printf("pack, stream per article  %.1f MB/s cpu, %.1f MB/s wall (na_store_pack)\n",
           mbs(arts.bytes, t_oneshot.cpu), mbs(arts.bytes, t_oneshot.wall));
    printf("unpack                    %.1f MB/s cpu, %.1f MB/s wall\n", mbs(arts.bytes, t_unpack.cpu),
           mbs(arts.bytes, t_unpack.wall));
    printf("round trip                %s\n", bad ? "FAILED" : "every article byte-exact");

    na_buf_release(&dict_buf);
    for (int i = 0; i < nfiles; i++)
        na_buf_release(&files[i]);
    free(files);
    free(arts.data);
    free(arts.lens);
    return bad;
}
