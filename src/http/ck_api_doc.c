/* ck_api_doc: see ck_api_doc.h. */
#include "ck_api_doc.h"
#include "ck_embedded.h"

void ck_api_doc_openapi(ck_http_req *r)
{
    const ck_embedded_file *f = ck_embedded_get(CK_API_DOC_PATH);
    if (!f) {
        /* The build embeds it; a binary without it was built wrong. */
        ck_http_error(r, 500, "this build carries no OpenAPI document");
        return;
    }
    ck_buf *out = ck_http_out(r);
    ck_buf_reset(out);
    ck_buf_append(out, f->data, f->len);
    ck_http_status(r, out->overflowed ? 500 : 200);
    ck_http_content_type(r, "application/json");
}
