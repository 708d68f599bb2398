/* printer.c - what every printer shares: choosing one by name, freeing,
 * flushing, and laying out snippets. */
#include "printer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "util.h"

na_printer_t *na_printer_new(na_print_format_t format, FILE *out, const na_printer_options_t *opts)
{
    switch (format) {
    case NA_PRINT_TEXT: return na_printer_text_new(out, opts);
    case NA_PRINT_JSON: return na_printer_json_new(out);
    case NA_PRINT_JSONL: return na_printer_jsonl_new(out);
    }
    NA_BUG("unknown output format");
}

void na_printer_free(na_printer_t *p)
{
    if (p)
        p->destroy(p);
}

bool na_printer_format_from_name(const char *name, na_print_format_t *format)
{
    if (strcmp(name, "text") == 0)
        *format = NA_PRINT_TEXT;
    else if (strcmp(name, "json") == 0)
        *format = NA_PRINT_JSON;
    else if (strcmp(name, "jsonl") == 0)
        *format = NA_PRINT_JSONL;
    else
        return false;
    return true;
}

int na_printer_flush(na_printer_t *p)
{
    errno = 0;
    if (fflush(p->out) != 0 || ferror(p->out))
        return errno ? errno : EIO;
    return 0;
}

char *na_printer_plain_snippet(const char *s, size_t len)
{
    char *out = na_xmalloc(len + 1);
    size_t n = 0;
    bool space = false;
    for (size_t i = 0; i < len && s[i]; i++) {
        if (na_is_space((unsigned char)s[i])) {
            space = true;
            continue;
        }
        if (space && n)
            out[n++] = ' ';
        space = false;
        out[n++] = s[i];
    }
    out[n] = '\0';
    return out;
}

const char *na_printer_day(const char *iso, char out[11])
{
    if (!iso)
        return NULL;
    size_t n = strlen(iso);
    /* "YYYY-MM-DD...", or a date known only to its month or year. */
    if (n >= 10 && iso[4] == '-' && iso[7] == '-')
        n = 10;
    else if (!(n == 7 && iso[4] == '-') && n != 4)
        return NULL;
    memcpy(out, iso, n);
    out[n] = '\0';
    return out;
}
