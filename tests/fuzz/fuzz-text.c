/* fuzz-text.c - libFuzzer harness for the text parser:
 * plain text: a title line, a blank line, a body.
 * The input is one file as newsarc-index reads it. */
#include "fuzz-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_parse(NA_FORMAT_TEXT, data, size);
    return 0;
}
