/* libFuzzer target: the case bundle codec (bundle/ck_bundle), which parses
 * every case the API and the importer receive. A bundle that parses must
 * validate or be refused cleanly, and write out canonically twice alike. */
#include "ck_bundle.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[1024];
    ck_case *c = ck_bundle_parse((const char *)data, size, err, sizeof err);
    if (!c) return 0;
    ck_case_validate(c, err, sizeof err);
    ck_buf a, b;
    ck_buf_init(&a, (size_t)1 << 24);
    ck_buf_init(&b, (size_t)1 << 24);
    ck_bundle_write(c, CK_BUNDLE_REDACT_VICTIMS, &a);
    ck_bundle_write(c, CK_BUNDLE_REDACT_VICTIMS, &b);
    if (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len) != 0)) abort();
    ck_buf_free(&a);
    ck_buf_free(&b);
    ck_case_free(c);
    return 0;
}
