/* cli.c - the command-line parts both programs share (cli.h). */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ac-config.h"
#include "util.h"
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

int na_cli_flush_output(const char *prog)
{
    /* An error in an earlier write leaves the stream's error flag set,
     * with errno long gone: the flush itself usually says why. */
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 0;
    int e = errno ? errno : EIO;
    fprintf(stderr, "%s: error: cannot write the output: %s\n", prog, na_strerror(e));
    return NA_CLI_EXIT_OUTPUT;
}

void na_cli_version(const char *prog)
{
    printf("%s %s (xapian %s)\n", prog, PACKAGE_VERSION, na_x_version());
}
