/* casekeeper allocate: one case to a practitioner, or a leaver's whole
 * caseload in one transaction (each case to the first of its ranking, or all
 * to one practitioner). */
#include "ck_access.h"
#include "ck_cli.h"
#include "ck_cli_admin.h"
#include "ck_cli_store.h"
#include "ck_workforce.h"
#include <stdio.h>
#include <string.h>

#define CMD "allocate"

static void help(FILE *to)
{
    ck_cli_usage(CMD, to);
    fprintf(to,
            "\n"
            "  --case CRN --staff CODE      allocate the case to the staff member from --as-of\n"
            "                               (ending the allocation in force), obligations recomputed\n"
            "  --reason TEXT                why, when they would be over 100%% of capacity with the\n"
            "                               case: required then, and kept in the audit record\n"
            "  --reallocate-from STAFF      move every case STAFF holds, in one transaction: to\n"
            "                               --staff CODE when given, else each to the first of its\n"
            "                               ranking (grade rule, capacity, team, office, PDU)\n"
            "  --db URL                     sqlite:PATH or postgresql://... (default: $CASEKEEPER_DB)\n"
            "  --as-of DATE                 the allocation date (default: today)\n"
            "\n"
            "Prints one line per case moved: CRN STAFF.\n"
            "Exit status: 0 done; 1 the database failed; 2 bad options, an unknown case or\n"
            "staff member, an allocation the grade rule or staff status refuses, or one over\n"
            "capacity without --reason.\n");
}

int ck_cmd_allocate(int argc, char **argv)
{
    const char *db_opt = NULL, *as_of_opt = NULL, *crn = NULL, *staff = NULL, *from = NULL, *reason = NULL;
    const ck_cli_optdef opts[] = {{"--db", .val = &db_opt},
                                  {"--as-of", .val = &as_of_opt},
                                  {"--case", .val = &crn},
                                  {"--staff", .val = &staff},
                                  {"--reallocate-from", .val = &from},
                                  {"--reason", .val = &reason}};
    int parsed = ck_cli_opts(CMD, argc, argv, opts, sizeof opts / sizeof *opts, help, CK_CLI_UNEXPECTED);
    if (parsed != CK_CLI_GO) return parsed;
    if (!!crn == !!from || (crn && !staff) || (reason && !crn)) {
        ck_cli_error(CMD, "give --case CRN --staff CODE [--reason TEXT], or --reallocate-from STAFF [--staff CODE]");
        ck_cli_usage(CMD, stderr);
        return 2;
    }
    ck_date as_of = ck_date_today();
    if (as_of_opt && !ck_cli_parse_date(CMD, "--as-of", as_of_opt, &as_of)) return 2;
    ck_db *db = ck_cli_store_open(CMD, ck_cli_db_url(db_opt));
    if (!db) return 1;
    char err[1024];
    ck_engine eng = ck_engine_default();
    ck_manage_cfg mc;
    ck_alloc_moves *m = NULL;
    /* Checked, written and audited as the operator, like the server's. */
    ck_principal by;
    ck_cli_admin_principal(&by);
    ck_rc rc = ck_manage_cfg_load(db, &mc, err, sizeof err);
    if (rc == CK_OK && crn) rc = ck_access_allocate(db, &by, &eng, &mc, crn, staff, reason, as_of, err, sizeof err);
    if (rc == CK_OK && from) rc = ck_access_reallocate(db, &by, &eng, &mc, from, staff, as_of, &m, err, sizeof err);
    ck_db_close(db);
    if (rc != CK_OK) {
        ck_cli_error(CMD, "%s", err);
        return rc == CK_ERR_DB ? 1 : 2;
    }
    if (crn) printf("%s %s\n", crn, staff);
    for (size_t i = 0; m && i < m->n; i++) printf("%s %s\n", m->crn[i], m->staff[i]);
    ck_alloc_moves_free(m);
    return 0;
}
