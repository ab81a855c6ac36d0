/* libFuzzer target: the small parsers of typed text: dates (base/ck_date),
 * HOST:PORT (http/ck_http_parse_listen), permission lists (core/ck_roles,
 * casekeeper token --scope). A date that parses must format back to itself. */
#include "ck_date.h"
#include "ck_http.h"
#include "ck_roles.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), err[512], host[256], out[CK_DATE_STRLEN];
    memcpy(s, data, size);
    s[size] = '\0';
    ck_date d;
    if (ck_date_parse(s, size, &d) && (strlen(ck_date_fmt(d, out)) != size || memcmp(out, s, size) != 0)) abort();
    uint16_t port;
    ck_http_parse_listen(s, host, sizeof host, &port, err, sizeof err);
    uint32_t bits;
    if (ck_perm_parse_list(s, &bits, err, sizeof err) && bits & ~CK_PERM_ALL) abort();
    free(s);
    return 0;
}
