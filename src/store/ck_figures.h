/* ck_figures: the service figures managers watch, read for /metrics at
 * scrape time: overdue obligations by PDU and rule, and unallocated cases
 * by PDU. Two grouped queries in one read snapshot, each an index range
 * (obligations_pdu_overdue; cases_staff for "no staff member"), so a scrape
 * every 15 s costs little even at national scale. Codes only: no names. */
#ifndef CK_FIGURES_H
#define CK_FIGURES_H
#include "ck_date.h"
#include "ck_db.h"
#include "ck_mem.h"
#include "ck_rc.h"

typedef struct ck_figure {
    const char *pdu;  /* NULL: held by no known PDU */
    const char *rule; /* NULL for counts of cases */
    int64_t n;
} ck_figure;

typedef struct ck_service_figures {
    ck_arena arena;
    ck_figure *overdue; /* unmet obligations due before as_of, by PDU and rule */
    size_t n_overdue;
    ck_figure *unallocated; /* cases no staff member holds, by PDU (CK_PDU_CASES_MEANING's unallocated) */
    size_t n_unallocated;
} ck_service_figures;

/* Fills out (its arena initialised here; free with ck_service_figures_free,
 * also after a failure). CK_ERR_DB with the reason in err. */
ck_rc ck_service_figures_read(ck_db *db, ck_date as_of, ck_service_figures *out, char *err, size_t err_len);
void ck_service_figures_free(ck_service_figures *f);

#endif
