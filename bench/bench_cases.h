/* bench/bench_cases.h: the synthetic London cases the engine benchmarks
 * (bench/engine.c, bench/horizon.c) run on, generated in memory. */
#ifndef BENCH_CASES_H
#define BENCH_CASES_H
#include "ck_gen.h"
#include <stdlib.h>

/* n cases of London (ck_gen, seed 1) at as_of; *g is the generator, to free
 * with ck_gen_free after the cases (ck_case_free each, free the array). */
static inline ck_case **bench_cases(size_t n, ck_date as_of, ck_gen **g)
{
    ck_gen_options o;
    ck_gen_options_init(&o, false);
    o.as_of = as_of;
    o.n_cases = n;
    *g = ck_gen_new(&o);
    ck_case **cases = calloc(n, sizeof *cases);
    if (!cases) abort();
    for (size_t i = 0; i < n; i++) cases[i] = ck_gen_case(*g, i);
    return cases;
}

#endif
