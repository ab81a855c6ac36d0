/* ck_assets: the web app's static files, held in memory and served under a
 * versioned path.
 *
 * Loaded once at start from the npm packages (GOV.UK Frontend's dist/govuk,
 * MoJ Frontend's moj) and the repo's static/ directory. The version is a hash
 * of every file's name and content, so a URL's content never changes and
 * browsers may cache it for a year (Cache-Control: immutable); a new release
 * gets new URLs. The stylesheets refer to their fonts and images as
 * url(/assets/...): those references are rewritten to the versioned path.
 *
 * Served names are a fixed table built at load ("govuk-frontend.min.css",
 * "fonts/bold-...woff2", "images/favicon.svg", "app.mjs"); a request is
 * answered only by an exact match in it, so no request path ever reaches the
 * file system (no traversal). */
#ifndef CK_ASSETS_H
#define CK_ASSETS_H
#include <stdbool.h>
#include <stddef.h>

typedef struct ck_asset {
    const char *name;         /* "images/favicon.svg" */
    const char *content_type; /* "image/svg+xml" */
    const unsigned char *data;
    size_t len;
} ck_asset;

typedef struct ck_assets ck_assets;

/* node_modules: the npm install directory; static_dir: the repo's static/.
 * NULL with a message naming the missing file or directory on failure. */
ck_assets *ck_assets_load(const char *node_modules, const char *static_dir, char *err, size_t err_len);
void ck_assets_free(ck_assets *a); /* NULL-safe */

/* 16 hex digits; the URL prefix is "/assets/" + version + "/". */
const char *ck_assets_version(const ck_assets *a);
/* The asset of that exact name, or NULL. */
const ck_asset *ck_assets_find(const ck_assets *a, const char *name);
size_t ck_assets_count(const ck_assets *a);

/* The content type for a file name's extension; NULL when not one we serve. */
const char *ck_assets_content_type(const char *name);

#endif
