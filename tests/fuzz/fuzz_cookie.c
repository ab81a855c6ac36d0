/* libFuzzer target: Cookie headers (http/ck_form's ck_cookie_get), as the
 * authorize hook reads the session cookie from them. A value is found only
 * when the name occurs exactly once, and is never longer than the header. */
#include "ck_form.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *header = malloc(size + 1);
    memcpy(header, data, size);
    header[size] = '\0';
    ck_arena a;
    ck_arena_init(&a);
    static const char *const names[] = {"ck_session", "__Host-ck_session", "a", ""};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = NULL;
        int n = ck_cookie_get(&a, header, names[i], &v);
        if ((n == 1) != (v != NULL) || n < 0) abort();
        if (v && strlen(v) > strlen(header)) abort();
    }
    ck_arena_free(&a);
    free(header);
    return 0;
}
