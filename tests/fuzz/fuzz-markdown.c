/* fuzz-markdown.c - libFuzzer harness for the markdown parser:
 * a YAML front matter block, through libyaml, then a body.
 * The input is one file as newsarc-index reads it. */
#include "fuzz-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_parse(NA_FORMAT_MARKDOWN, data, size);
    return 0;
}
