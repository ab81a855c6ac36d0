/* ck_org_record: see ck_org_record.h. */
#include "ck_org_record.h"

const char *const ck_vocab_grade[] = {"PO", "PQiP", "PSO", "SPO", "VLO", "court_officer", "head_of_pdu", NULL};
const char *const ck_vocab_staff_status[] = {"in_post", "long_term_absence", "left", NULL};
const char *const ck_vocab_org_kind[] = {"region", "pdu", "team", "staff", "vacancy", "post", NULL};

const char *ck_org_kind_name(ck_org_kind k) { return ck_vocab_org_kind[k]; }
