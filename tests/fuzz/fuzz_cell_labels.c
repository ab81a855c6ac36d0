/* libFuzzer target: ck_cell_labels, run on every rendered page.
 * Input: one page's HTML (the templater escapes text and attribute values,
 * but a page is still whatever the templates and data make it). Checks that
 * it never reads or writes out of bounds and only ever adds to the page.
 * Built by `make test-build` (build/fuzz/fuzz_cell_labels); run by
 * tests/suites/fuzz.sh from the seeds in tests/fuzz/corpus/fuzz_cell_labels. */
#include "ck_cell_labels.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ck_buf out;
    ck_buf_init(&out, (size_t)1 << 22);
    bool ok = ck_cell_labels((const char *)data, size, &out);
    if (ok && out.len < size) abort();  /* labels are added, nothing is taken away */
    if (!ok && out.len != 0) abort();   /* refused: nothing appended */
    ck_buf_free(&out);
    return 0;
}
