/* walk.c - expanding PATH arguments into files, in a stable order so that
 * runs over the same tree index in the same order. */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void add_input(na_inputs_t *in, const char *path, const char *rel, size_t size, long long mtime,
                      na_format_t format)
{
    in->items = na_xrealloc(in->items, (in->count + 1) * sizeof *in->items);
    in->items[in->count].path = na_xstrdup(path);
    in->items[in->count].relpath = na_xstrdup(rel);
    in->items[in->count].size = size;
    in->items[in->count].mtime = mtime;
    in->items[in->count].format = format;
    in->count++;
    in->total_bytes += size;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char failed_path[4096];

static int fail(const char *path, int e, const char **failed)
{
    snprintf(failed_path, sizeof failed_path, "%s", path);
    *failed = failed_path;
    return e;
}

/* Depth of nested directories followed; guards against symlink loops. */
#define MAX_DEPTH 64

static int walk_dir(na_inputs_t *in, const char *dir, const char *rel, int depth, na_format_t format,
                    const char **failed)
{
    if (depth > MAX_DEPTH)
        return fail(dir, ELOOP, failed);
    DIR *d = opendir(dir);
    if (!d)
        return fail(dir, errno, failed);
    na_strlist_t names = NA_STRLIST_INIT;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            na_strlist_add(&names, de->d_name);
    closedir(d);
    qsort(names.items, names.count, sizeof *names.items, cmp_names);

    int rc = 0;
    for (size_t i = 0; i < names.count && rc == 0; i++) {
        char *path = na_xasprintf("%s/%s", dir, names.items[i]);
        char *child_rel = *rel ? na_xasprintf("%s/%s", rel, names.items[i]) : na_xstrdup(names.items[i]);
        struct stat st;
        if (stat(path, &st) != 0)
            rc = fail(path, errno, failed);
        else if (S_ISDIR(st.st_mode))
            rc = walk_dir(in, path, child_rel, depth + 1, format, failed);
        else if (S_ISREG(st.st_mode))
            add_input(in, path, child_rel, (size_t)st.st_size, (long long)st.st_mtime, format);
        free(path);
        free(child_rel);
    }
    na_strlist_clear(&names);
    return rc;
}

int na_inputs_add(na_inputs_t *in, const char *arg, na_format_t format, const char **failed)
{
    if (strcmp(arg, "-") == 0) {
        add_input(in, "-", "stdin", 0, 0, format);
        return 0;
    }
    struct stat st;
    if (stat(arg, &st) != 0)
        return fail(arg, errno, failed);
    if (S_ISDIR(st.st_mode)) {
        /* Drop trailing slashes so paths read "dir/file", not "dir//file". */
        size_t n = strlen(arg);
        while (n > 1 && arg[n - 1] == '/')
            n--;
        char *dir = na_xstrndup(arg, n);
        int rc = walk_dir(in, dir, "", 0, format, failed);
        free(dir);
        return rc;
    }
    const char *base = strrchr(arg, '/');
    add_input(in, arg, base ? base + 1 : arg, (size_t)st.st_size, (long long)st.st_mtime, format);
    return 0;
}

void na_inputs_release(na_inputs_t *in)
{
    for (size_t i = 0; i < in->count; i++) {
        free(in->items[i].path);
        free(in->items[i].relpath);
    }
    free(in->items);
    memset(in, 0, sizeof *in);
}
