/* article.c - lifetime of the article model. */
#include "article.h"

#include <stdlib.h>
#include <string.h>

static const char *const format_names[] = {
    [NA_FORMAT_AUTO] = "auto",
    [NA_FORMAT_TEXT] = "text",
    [NA_FORMAT_MARKDOWN] = "markdown",
    [NA_FORMAT_YAML] = "yaml",
    [NA_FORMAT_JSONL] = "jsonl",
    [NA_FORMAT_REUTERS] = "reuters",
};

const char *na_format_name(na_format_t format)
{
    if ((size_t)format < sizeof format_names / sizeof *format_names)
        return format_names[format];
    return "unknown";
}

na_format_t na_format_from_name(const char *name)
{
    for (size_t i = 1; i < sizeof format_names / sizeof *format_names; i++)
        if (strcmp(format_names[i], name) == 0)
            return (na_format_t)i;
    return NA_FORMAT_AUTO;
}

na_article_t *na_article_new(void)
{
    return na_xcalloc(1, sizeof(na_article_t));
}

void na_article_free(na_article_t *a)
{
    if (!a)
        return;
    free(a->id);
    free(a->title);
    free(a->body);
    free(a->date);
    free(a->source);
    free(a->url);
    free(a->language);
    free(a->dateline);
    na_strlist_clear(&a->authors);
    na_strlist_clear(&a->people);
    na_strlist_clear(&a->places);
    na_strlist_clear(&a->orgs);
    na_strlist_clear(&a->topics);
    na_strlist_clear(&a->exchanges);
    for (size_t i = 0; i < a->extra_count; i++) {
        free(a->extra[i].key);
        free(a->extra[i].value);
    }
    free(a->extra);
    free(a->raw);
    free(a);
}

void na_article_add_extra(na_article_t *a, const char *key, const char *value)
{
    a->extra = na_xrealloc(a->extra, (a->extra_count + 1) * sizeof *a->extra);
    a->extra[a->extra_count].key = na_xstrdup(key);
    a->extra[a->extra_count].value = na_xstrdup(value);
    a->extra_count++;
}

void na_article_set_raw(na_article_t *a, const void *data, size_t len)
{
    free(a->raw);
    a->raw = na_xmalloc(len ? len : 1);
    if (len)
        memcpy(a->raw, data, len);
    a->raw_len = len;
}
