/* ck_rulecfg: the rulebook's local defaults and switches, from one file.
 *
 * config/rules.conf (shipped, embedded in the binary, documented line by line
 * with the source of each value or "local default") is the one place these
 * numbers live; a deployment overrides any of them with --rules-config FILE
 * (same format: `key = value`, `#` comments). Unknown keys and bad values are
 * errors naming the line. The struct is filled by the rules module's owner;
 * other modules treat it as opaque and use ck_rulecfg_default(). */
#ifndef CK_RULECFG_H
#define CK_RULECFG_H
#include "ck_date.h"
#include <stdbool.h>
#include <stddef.h>

typedef struct ck_rules_config ck_rules_config;

/* The shipped configuration (parsed once from the embedded config/rules.conf;
 * thread-safe; never freed). */
const ck_rules_config *ck_rulecfg_default(void);
/* The shipped values overridden by `text` (a file's contents). NULL on error,
 * with "line N: message" in err. Free with ck_rulecfg_free. */
ck_rules_config *ck_rulecfg_parse(const char *text, size_t len, char *err, size_t err_len);
void ck_rulecfg_free(ck_rules_config *cfg);

/* Every key with its value and its documented source, for showing which
 * numbers are local defaults rather than law (web "about these rules" page,
 * `casekeeper rules`). Calls fn once per key; stops when fn returns false. */
void ck_rulecfg_each(const ck_rules_config *cfg,
                     bool (*fn)(void *ctx, const char *key, const char *value, const char *source, bool local_default),
                     void *ctx);

#endif
