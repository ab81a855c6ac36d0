/* libFuzzer target: application/x-www-form-urlencoded bodies and query
 * strings (http/ck_form), and the UTF-8 check every request passes. Each
 * parsed pair must be found again by name, and decoding never grows text. */
#include "ck_form.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ck_arena a;
    ck_arena_init(&a);
    ck_form f;
    ck_form_parse(&a, (const char *)data, size, &f);
    for (size_t i = 0; i < f.n; i++) {
        if (strlen(f.names[i]) + strlen(f.values[i]) > size) abort();
        if (!ck_form_get(&f, f.names[i])) abort();
        ck_utf8_valid(f.values[i], strlen(f.values[i]));
    }
    ck_utf8_valid((const char *)data, size);
    ck_arena_free(&a);
    return 0;
}
