/* bench/engine: the rules engine's cost per case, alone (no I/O).
 *
 * Generates N synthetic London cases (ck_gen, seed 1) once, then evaluates
 * every one ROUNDS times at the generation date and reports CPU seconds per
 * case (process CPU clock, which load on the shared machine does not
 * inflate the way it does wall time) with the load average. Run through
 * bench/engine.sh, which builds it against the release library. */
#include "bench_cases.h"
#include "ck_cal.h"
#include "ck_gen.h"
#include "ck_rulecfg.h"
#include "ck_rules.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    if (n == 0 || rounds <= 0) {
        fprintf(stderr, "usage: engine [CASES [ROUNDS]]\n");
        return 2;
    }
    ck_date as_of = ck_date_ymd(2025, 6, 2);
    ck_gen *g;
    ck_case **cases = bench_cases(n, as_of, &g);
    const ck_calendar *cal = ck_calendar_default();
    const ck_rules_config *cfg = ck_rulecfg_default();
    size_t obligations = 0;
    double t0 = cpu_seconds();
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < n; i++) {
            ck_result *res = ck_rules_evaluate(cases[i], as_of, cal, cfg);
            obligations += res->n_obligations;
            ck_result_free(res);
        }
    double cpu = cpu_seconds() - t0;
    double load[3] = {0};
    if (getloadavg(load, 3) < 0) load[0] = load[1] = load[2] = -1;
    printf("engine: %zu cases x %d rounds, %zu obligations a round: %.3f s cpu, %.1f us cpu a case; "
           "load average %.2f %.2f %.2f\n",
           n, rounds, obligations / (size_t)rounds, cpu, cpu / ((double)n * rounds) * 1e6, load[0], load[1], load[2]);
    for (size_t i = 0; i < n; i++) ck_case_free(cases[i]);
    free(cases);
    ck_gen_free(g);
    return 0;
}
