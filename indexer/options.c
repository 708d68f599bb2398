/* options.c - newsarc-index's options, from one getopt_long table. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum { OPT_INPUT_FORMAT = NA_CLI_OPT_FIRST, OPT_EXTRACT, OPT_EXTRACT_ONLY, OPT_STATS, OPT_FORCE, OPT_REBUILD,
       OPT_PRUNE, OPT_DELETE, OPT_WAIT, OPT_REFRESH, OPT_LOG, OPT_SHARD_BY };

static const struct option long_options[] = {
    NA_CLI_LONG_OPTIONS,
    { "input-format", required_argument, NULL, OPT_INPUT_FORMAT },
    { "extract", required_argument, NULL, OPT_EXTRACT },
    { "extract-only", no_argument, NULL, OPT_EXTRACT_ONLY },
    { "stats", no_argument, NULL, OPT_STATS },
    { "force", no_argument, NULL, OPT_FORCE },
    { "rebuild", no_argument, NULL, OPT_REBUILD },
    { "prune", no_argument, NULL, OPT_PRUNE },
    { "delete", no_argument, NULL, OPT_DELETE },
    { "wait", required_argument, NULL, OPT_WAIT },
    { "refresh", no_argument, NULL, OPT_REFRESH },
    { "log", required_argument, NULL, OPT_LOG },
    { "shard-by", required_argument, NULL, OPT_SHARD_BY },
    { NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
    fputs("Usage: newsarc-index [OPTION]... PATH...\n"
          "       newsarc-index [OPTION]... --stats\n"
          "       newsarc-index [OPTION]... --extract-only PATH...\n"
          "       newsarc-index [OPTION]... --delete ID...\n"
          "Index news articles into a newsarc database.\n"
          "\n"
          "PATH is a file or a directory (read recursively); - reads standard input.\n"
          "Without PATH, the sources listed in the configuration are read.\n"
          "Articles already indexed are replaced; unchanged ones are skipped.\n"
          "\n"
          "  -d, --db PATH            the database (default: from the configuration)\n"
          "  -c, --config FILE        read this configuration file\n"
          "  -q, --quiet              print nothing unless something failed\n"
          "  -v, --verbose            say what is done with each file, and a summary\n"
          "      --input-format FMT   read every input as FMT: text, markdown, yaml,\n"
          "                           jsonl or reuters (default: by extension or content)\n"
          "      --extract MODE       find people, places, organisations and dates in the\n"
          "                           text: auto (when the source gives none), always, never\n"
          "      --extract-only       print what extraction finds in each article, one JSON\n"
          "                           object a line, and index nothing\n"
          "      --force              read every file and reindex articles even when\n"
          "                           unchanged; let --prune remove more than prune_max\n"
          "      --prune              remove sources whose file is gone under the PATHs\n"
          "                           walked completely, and articles left with none\n"
          "      --delete             remove the articles whose ids are given as arguments\n"
          "      --refresh            reindex the out-of-date stored articles from their\n"
          "                           stored originals (after a change of aliases or model)\n"
          "      --wait SECONDS       wait this long for another writer's lock\n"
          "      --shard-by PERIOD    split a new archive into one database per year or\n"
          "                           month (none: one database); see shard_by\n"
          "      --log FILE           append the messages to FILE, with timestamps\n"
          "      --rebuild            index every stored article again (and PATHs) into a new\n"
          "                           database that then replaces the old one\n"
          "      --stats              print the database's figures\n"
          "      --format FMT         output format for --stats: text or json\n"
          "  -h, --help               show this help and exit\n"
          "  -V, --version            show the version and exit\n"
          "\n"
          "Exit status: 0 all indexed, 1 some inputs rejected, 2 usage or configuration\n"
          "error, 3 database error, 74 output error, 75 database locked by another writer,\n"
          "130 interrupted (SIGINT), 143 terminated (SIGTERM).\n",
          out);
}

#define usage_error(...) na_cli_usage_error("newsarc-index", __VA_ARGS__)

int na_index_options_parse(int argc, char **argv, na_index_options_t *o)
{
    memset(o, 0, sizeof *o);
    o->wait = -1;
    o->shard_by = -1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, NA_CLI_SHORT_OPTIONS, long_options, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'c': o->config = optarg; break;
        case 'q': o->quiet = true; break;
        case 'v': o->verbose++; break;
        case 'h': usage(stdout); return NA_EXIT_OK;
        case 'V':
            na_cli_version("newsarc-index");
            return NA_EXIT_OK;
        case NA_CLI_OPT_FORMAT:
            if (strcmp(optarg, "text") == 0)
                o->format = NA_OUT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                o->format = NA_OUT_JSON;
            else
                return usage_error("unknown output format '%s' (text or json)", optarg);
            break;
        case OPT_INPUT_FORMAT:
            o->input_format = na_format_from_name(optarg);
            if (o->input_format == NA_FORMAT_AUTO && strcmp(optarg, "auto") != 0)
                return usage_error("unknown input format '%s' (text, markdown, yaml, jsonl, reuters)",
                                   optarg);
            break;
        case OPT_EXTRACT:
            o->extract_set = true;
            if (!na_extract_mode_from_name(optarg, &o->extract))
                return usage_error("unknown extraction mode '%s' (auto, always, never)", optarg);
            break;
        case OPT_EXTRACT_ONLY: o->extract_only = true; break;
        case OPT_STATS: o->stats = true; break;
        case OPT_FORCE: o->force = true; break;
        case OPT_REBUILD: o->rebuild = true; break;
        case OPT_PRUNE: o->prune = true; break;
        case OPT_DELETE: o->delete_ids = true; break;
        case OPT_REFRESH: o->refresh = true; break;
        case OPT_LOG: o->log = optarg; break;
        case OPT_SHARD_BY:
            if (!na_shard_by_from_name(optarg, &o->shard_by))
                return usage_error("unknown --shard-by '%s' (none, year, month)", optarg);
            break;
        case OPT_WAIT: {
            char *end;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || v < 0 || v > 86400)
                return usage_error("--wait takes whole seconds from 0 to 86400, not '%s'", optarg);
            o->wait = (int)v;
            break;
        }
        case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (o->delete_ids && (o->rebuild || o->refresh || o->extract_only || o->stats || o->prune))
        return usage_error("--delete goes with no other action");
    if (o->refresh && (o->rebuild || o->extract_only))
        return usage_error("--refresh goes with neither --rebuild nor --extract-only");
    if (o->rebuild && o->extract_only)
        return usage_error("--rebuild and --extract-only do not go together");
    if (o->extract_only && o->stats)
        return usage_error("--extract-only and --stats do not go together");
    if (o->extract_only && o->extract_set && o->extract == NA_EXTRACT_NEVER)
        return usage_error("--extract-only and --extract never do not go together");
    if (o->delete_ids && optind == argc)
        return usage_error("--delete needs the ids of the articles to remove");
    o->paths = argv + optind;
    o->path_count = (size_t)(argc - optind);
    return -1;
}
