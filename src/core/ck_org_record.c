/* ck_org_record: see ck_org_record.h. */
#include "ck_org_record.h"
#include <string.h>

const char *const ck_vocab_grade[] = {"PO", "PQiP", "PSO", "SPO", "VLO", "court_officer", "head_of_pdu", NULL};
/* What a page calls each grade, index for index with ck_vocab_grade; the
 * short forms practitioners use stay in brackets. */
static const char *const grade_labels[] = {"Probation officer (PO)", "Trainee probation officer (PQiP)",
                                           "Probation services officer (PSO)", "Senior probation officer (SPO)",
                                           "Victim liaison officer (VLO)", "Court officer", "Head of PDU", NULL};

const char *ck_grade_label(const char *grade)
{
    if (!grade) return "";
    for (size_t i = 0; ck_vocab_grade[i]; i++)
        if (strcmp(ck_vocab_grade[i], grade) == 0) return grade_labels[i];
    return grade;
}
const char *const ck_vocab_staff_status[] = {"in_post", "long_term_absence", "left", NULL};
const char *const ck_vocab_org_kind[] = {"region", "pdu", "team", "staff", "vacancy", "post", "office", NULL};

const char *ck_org_kind_name(ck_org_kind k) { return ck_vocab_org_kind[k]; }
