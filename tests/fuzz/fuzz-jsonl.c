/* fuzz-jsonl.c - libFuzzer harness for the jsonl parser:
 * JSON Lines, one article object a line, through jansson.
 * The input is one file as newsarc-index reads it. */
#include "fuzz-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_parse(NA_FORMAT_JSONL, data, size);
    return 0;
}
