/* cli.c - the command-line parts both programs share (cli.h). */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>

#include "ac-config.h"
#include "xapian-c.h"

int na_cli_usage_error(const char *prog, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: error: ", prog);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
    return 2;
}

void na_cli_version(const char *prog)
{
    printf("%s %s (xapian %s)\n", prog, PACKAGE_VERSION, na_x_version());
}
