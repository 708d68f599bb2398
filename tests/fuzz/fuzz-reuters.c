/* fuzz-reuters.c - libFuzzer harness for the reuters parser:
 * Reuters-21578 SGML with its character references.
 * The input is one file as newsarc-index reads it. */
#include "fuzz-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_parse(NA_FORMAT_REUTERS, data, size);
    return 0;
}
