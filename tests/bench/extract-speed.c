/* extract-speed.c - how fast entity and date extraction reads text, and
 * how much memory its model and gazetteers take.
 *
 * Usage: extract-speed [--config FILE] FILE...
 *
 * Parses the files (any input format newsarc-index reads) into articles,
 * then runs extraction over every article as the indexer does
 * (na_extraction_run: title, dateline and body, or a plain text file
 * whole) on one thread, and prints the text bytes read per second of CPU
 * time (steadier than wall time on a shared machine) and of wall time,
 * with the resident memory before and after loading the extractor.
 *
 * A benchmark, not a test: it prints figures and never judges them.
 * Exit status: 0, or 2 for a usage error or a file or configuration that
 * cannot be read.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "extraction.h"
#include "normalise.h"
#include "parse.h"
#include "util.h"

#define ME "extract-speed"

typedef struct {
    na_article_t **items;
    size_t count, cap;
} articles_t;

static int keep(na_article_t *a, void *ud)
{
    articles_t *all = ud;
    if (all->count == all->cap) {
        all->cap = all->cap ? all->cap * 2 : 1024;
        all->items = na_xrealloc(all->items, all->cap * sizeof *all->items);
    }
    all->items[all->count++] = a;
    return 0;
}

static void skip(size_t line, const char *reason, void *ud)
{
    (void)line;
    (void)reason;
    (void)ud;
}

static double seconds(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Resident memory in MB, from /proc (0 where there is none). */
static double rss_mb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (double)resident * 4096.0 / 1e6;
}

/* The bytes extraction reads of A, as na_extraction_run() builds them. */
static size_t text_bytes(const na_article_t *a)
{
    if (a->format == NA_FORMAT_TEXT)
        return a->raw_len;
    return (a->title ? strlen(a->title) + 2 : 0) + (a->dateline ? strlen(a->dateline) + 1 : 0) +
           (a->body ? strlen(a->body) : 0);
}

int main(int argc, char **argv)
{
    const char *config = NULL;
    static const struct option longopts[] = { { "config", required_argument, NULL, 'c' }, { NULL, 0, NULL, 0 } };
    int c;
    while ((c = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
        if (c != 'c') {
            fprintf(stderr, "usage: " ME " [--config FILE] FILE...\n");
            return 2;
        }
        config = optarg;
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: " ME " [--config FILE] FILE...\n");
        return 2;
    }

    na_config_t cfg;
    na_error_t err;
    na_normaliser_t *norm = NULL;
    if (na_config_load(&cfg, config, &err) != NA_OK || na_normaliser_load(&cfg, &norm, &err) != NA_OK) {
        fprintf(stderr, ME ": %s\n", err.message);
        return 2;
    }

    articles_t all = { NULL, 0, 0 };
    na_parse_sink_t sink = { keep, skip, &all, NULL };
    for (int i = optind; i < argc; i++) {
        na_buf_t buf = NA_BUF_INIT;
        int e = na_read_file(argv[i], &buf);
        if (e) {
            fprintf(stderr, ME ": %s: %s\n", argv[i], strerror(e));
            return 2;
        }
        const unsigned char *bytes = (const unsigned char *)buf.data;
        na_format_t format = na_parse_detect(argv[i], bytes, buf.len);
        na_parse_buffer(format, argv[i], bytes, buf.len, &sink, &err);
        na_buf_release(&buf);
    }

    double before = rss_mb();
    na_extractor_t *x = NULL;
    if (na_extraction_load(&cfg, norm, &x, &err) != NA_OK) {
        fprintf(stderr, ME ": %s\n", err.message);
        return 2;
    }
    double loaded = rss_mb();

    na_extraction_t ex;
    na_extraction_init(&ex);
    size_t bytes = 0, people = 0, places = 0, orgs = 0, dates = 0;
    double cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID), wall0 = seconds(CLOCK_MONOTONIC);
    for (size_t i = 0; i < all.count; i++) {
        if (na_extraction_run(x, all.items[i], &ex, &err) != NA_OK)
            continue;
        bytes += text_bytes(all.items[i]);
        people += ex.people.count;
        places += ex.places.count;
        orgs += ex.orgs.count;
        dates += ex.mentioned.count;
    }
    double cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0, wall = seconds(CLOCK_MONOTONIC) - wall0;

    printf("extraction, one thread: %zu articles, %.1f MB of text\n", all.count, (double)bytes / 1e6);
    printf("  speed      %.2f MB/s cpu, %.2f MB/s wall (%.2f s cpu)\n", (double)bytes / 1e6 / cpu,
           (double)bytes / 1e6 / wall, cpu);
    printf("  found      %zu people, %zu places, %zu orgs, %zu mentioned dates\n", people, places, orgs, dates);
    printf("  memory     model and gazetteers %.1f MB resident (%.1f MB before loading, %.1f MB after)\n",
           loaded - before, before, loaded);

    na_extraction_release(&ex);
    na_extractor_free(x);
    for (size_t i = 0; i < all.count; i++)
        na_article_free(all.items[i]);
    free(all.items);
    na_normaliser_free(norm);
    na_config_release(&cfg);
    return 0;
}
