/* printer.c - helpers both printers use. */
#include "printer.h"

#include <string.h>

const char *na_meta_str(json_t *meta, const char *key)
{
    const char *s = json_string_value(json_object_get(meta, key));
    return s ? s : "";
}

void na_meta_day(json_t *meta, char out[11])
{
    const char *d = na_meta_str(meta, "date");
    size_t n = strlen(d) < 10 ? strlen(d) : 10;
    memcpy(out, d, n);
    out[n] = '\0';
}
