/* libFuzzer target: organisation.jsonl lines (store/ck_org), as casekeeper
 * import reads them. */
#include "ck_org_codec.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    ck_arena a;
    ck_arena_init(&a);
    ck_org_record r;
    ck_org_parse((const char *)data, size, &a, &r, err, sizeof err);
    ck_arena_free(&a);
    return 0;
}
