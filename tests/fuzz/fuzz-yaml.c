/* fuzz-yaml.c - libFuzzer harness for the yaml parser:
 * YAML documents, one article each, through libyaml.
 * The input is one file as newsarc-index reads it. */
#include "fuzz-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_parse(NA_FORMAT_YAML, data, size);
    return 0;
}
