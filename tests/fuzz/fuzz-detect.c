/* fuzz-detect.c - libFuzzer harness for format detection: what
 * newsarc-index does with a file whose format nobody named.  The first
 * line of the input (up to 64 bytes) is taken as the file name, the rest
 * as its contents: na_parse_detect() chooses, then the chosen parser
 * reads the contents.  Detection is also tried without a name. */
#include "fuzz-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char name[65];
    size_t n = 0;
    while (n < size && n < sizeof name - 1 && data[n] != '\n' && data[n] != '\0')
        n++;
    memcpy(name, data, n);
    name[n] = '\0';
    const uint8_t *body = n < size ? data + n + 1 : data + n;
    size_t len = size - (size_t)(body - data);

    na_format_t anon = na_parse_detect(NULL, body, len);
    FUZZ_CHECK(anon > NA_FORMAT_AUTO && anon <= NA_FORMAT_REUTERS);
    na_format_t format = na_parse_detect(name, body, len);
    FUZZ_CHECK(format > NA_FORMAT_AUTO && format <= NA_FORMAT_REUTERS);
    fuzz_parse(format, body, len);
    return 0;
}
