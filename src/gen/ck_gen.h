/* ck_gen: "Synthetic London", deterministic demo data showing what the
 * inspectors found.
 *
 * Generates an organisation (ck_gen_org) and its people on probation as case
 * bundles (core/ck_case), each case valid against the importer. Case i is a
 * pure function of (seed, as_of, scale, parameters, i): cases are generated one
 * at a time, in any order, in bounded memory.
 *
 * Practice is set by the parameters in ck_gen_params, one for each practice
 * indicator of core/ck_practice: each is the rate at which one rulebook
 * obligation is not met, defined exactly as ck_practice_tally_add measures
 * it from the rules engine's output, so that evaluating the generated cases
 * recovers the rates. `--practice good` sets them all to 0: a well-run
 * service where almost nothing is overdue. Every other fact (sentence mix,
 * offences, risk, contact) follows the published figures cited next to each
 * number in ck_gen.c. */
#ifndef CK_GEN_H
#define CK_GEN_H
#include "ck_case.h"
#include "ck_gen_org.h"
#include "ck_practice.h"
#include "ck_rules.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The default of one practice parameter: the table in ck_gen.c is the one
 * place each is defaulted and sourced; ck_practice_defs names and defines
 * it (--param NAME=VALUE takes ck_practice_defs[i].name). */
typedef struct ck_gen_param {
    double inspected;      /* default under --practice inspected (good: 0) */
    const char *source;    /* where the default comes from */
} ck_gen_param;

extern const ck_gen_param ck_gen_params[CK_PRACTICE_N];

typedef struct ck_gen_options {
    uint64_t seed;
    ck_date as_of;
    bool national;   /* 12 regions, CK_GEN_NATIONAL_CASES people */
    size_t n_cases;  /* London's 18 PDUs holding this many people (national false) */
    double rate[CK_PRACTICE_N]; /* by ck_practice_id */
    /* The rules configuration the cases are made for (every deadline the
     * schedule keeps or misses comes from it); NULL: ck_rulecfg_default().
     * Must outlive the generator. */
    const ck_rules_config *rules;
} ck_gen_options;

/* London, seed 1, as_of CK_NODATE (the caller must set it), rates of the
 * practice the inspectors found (good: all 0). */
void ck_gen_options_init(ck_gen_options *o, bool good);
/* "london", "national" or a number of people (1 to 10,000,000). False with a
 * message in err on anything else. */
bool ck_gen_parse_scale(ck_gen_options *o, const char *s, char *err, size_t err_len);
/* "NAME=VALUE" with VALUE a rate from 0 to 1. False with a message naming the
 * parameter (or listing the known ones) in err. */
bool ck_gen_parse_param(ck_gen_options *o, const char *assign, char *err, size_t err_len);

typedef struct ck_gen ck_gen;

/* Builds the organisation; cases are made on demand. Never NULL. */
ck_gen *ck_gen_new(const ck_gen_options *opt);
void ck_gen_free(ck_gen *g);
const ck_gen_org *ck_gen_organisation(const ck_gen *g);
size_t ck_gen_case_count(const ck_gen *g);
/* Case number i (0 <= i < count), new, owned by the caller (ck_case_free).
 * Safe to call from several threads at once. */
ck_case *ck_gen_case(const ck_gen *g, size_t i);

#define CK_GEN_CASES_PER_FILE 5000

/* Writes DIR/organisation.jsonl and DIR/cases-001.jsonl, cases-002.jsonl, ...
 * (CK_GEN_CASES_PER_FILE bundles a file, one a line, canonical form). Creates
 * DIR if needed; overwrites these files. False with a message naming the file
 * in err. */
bool ck_gen_write_dir(const ck_gen *g, const char *dir, char *err, size_t err_len);

#endif
