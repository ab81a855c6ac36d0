/* libFuzzer target: the files serve and obligations take on the command
 * line: a rules configuration (core/ck_rulecfg, key = value lines) and a
 * GOV.UK bank-holidays.json (core/ck_cal). The first byte picks which. */
#include "ck_cal.h"
#include "ck_rulecfg.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    char err[512];
    const char *text = (const char *)data + 1;
    if (data[0] & 1) ck_calendar_free(ck_calendar_parse(text, size - 1, err, sizeof err));
    else ck_rulecfg_free(ck_rulecfg_parse(text, size - 1, err, sizeof err));
    return 0;
}
