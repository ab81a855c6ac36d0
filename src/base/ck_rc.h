/* ck_rc: the outcome every storage and service call returns, with its
 * message in the caller's err buffer. It lives in base, below the database
 * layer that first returns it, so no layer includes a service header (such as
 * ck_cases.h) only to name an error. */
#ifndef CK_RC_H
#define CK_RC_H

typedef enum ck_rc {
    CK_OK = 0,
    CK_ERR_NOTFOUND,  /* no such case / record */
    CK_ERR_EXISTS,    /* create: the CRN exists; add: the record id exists */
    CK_ERR_INVALID,   /* the data breaks the format or a product rule; err names the field */
    CK_ERR_CONFLICT,  /* a product rule refuses the change in this state (err says which) */
    CK_ERR_DB,        /* the database failed; err has its message */
    CK_ERR_DENIED,    /* the reader may not see or change it; err has the message to show */
    CK_ERR_STALE,     /* the writer read an older version of the case (If-Match); err names the current one */
} ck_rc;

#endif
