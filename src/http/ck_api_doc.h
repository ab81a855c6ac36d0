/* ck_api_doc: GET /api/v1/openapi.json, the OpenAPI 3.1 description of the
 * JSON API (docs/openapi.json, embedded in the binary by scripts/embed.sh so
 * the server answers it wherever it runs). Public, as docs/api.md is: it
 * describes the routes, never data. tests/test_openapi.c keeps it and the
 * route tables in step; tests/suites/openapi.sh checks real answers
 * against it through Stoplight Prism. */
#ifndef CK_API_DOC_H
#define CK_API_DOC_H
#include "ck_http.h"

#define CK_API_DOC_PATH "docs/openapi.json" /* its path among the embedded files */

void ck_api_doc_openapi(ck_http_req *r);

#endif
