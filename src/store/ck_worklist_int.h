/* ck_worklist_int: the one reading of a worklist row, shared by the
 * worklists of ck_cases (one holder's obligations) and ck_caseload (a team's
 * or PDU's obligations of given rules). Nothing outside src/store includes
 * it. */
#ifndef CK_WORKLIST_INT_H
#define CK_WORKLIST_INT_H
#include "ck_cases.h"

/* The first columns of a worklist row, from "obligations" joined to
 * "cases"; a query may select more after them. */
#define CK_WORKLIST_COLS                                                                                  \
    "\"obligations\".\"rule\", \"obligations\".\"subject\", \"obligations\".\"due\", "                    \
    "\"obligations\".\"met_on\", \"obligations\".\"explanation\", \"obligations\".\"staff_code\", "       \
    "\"obligations\".\"team_code\", \"cases\".\"crn\", \"cases\".\"person_forename\", "                   \
    "\"cases\".\"person_surname\""

/* Reads CK_WORKLIST_COLS of st's current row into it, strings copied into a
 * (a known rule's name is the vocabulary's own string). Sets neither
 * it->o.status nor it->o.severity: each worklist knows them its own way. */
void ck_worklist_item_read(ck_stmt *st, ck_arena *a, ck_worklist_item *it);

#endif
