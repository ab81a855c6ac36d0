/* ck_assets: static files in memory under a content-hashed path. */
#include "ck_assets.h"
#include "ck_buf.h"
#include "ck_mem.h"
#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ASSET_MAX_FILE ((size_t)4 << 20) /* the largest shipped file is well under 1 MiB */

struct ck_assets {
    ck_asset *items;
    size_t n, cap;
    char version[17];
};

/* Where each served file comes from: one file, or every servable file of a
 * directory under a served prefix. `root` 0 is node_modules, 1 is static/. */
static const struct source {
    int root;
    const char *path;
    const char *served; /* name, or prefix ending in '/' (or "") for a directory */
    bool dir;
} sources[] = {
    {0, "govuk-frontend/dist/govuk/govuk-frontend.min.css", "govuk-frontend.min.css", false},
    {0, "govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk-frontend.min.js", false},
    {0, "govuk-frontend/dist/govuk/assets/manifest.json", "manifest.json", false},
    {0, "govuk-frontend/dist/govuk/assets/fonts", "fonts/", true},
    {0, "govuk-frontend/dist/govuk/assets/images", "images/", true},
    {0, "@ministryofjustice/frontend/moj/moj-frontend.min.css", "moj-frontend.min.css", false},
    {0, "@ministryofjustice/frontend/moj/moj-frontend.min.js", "moj-frontend.min.js", false},
    {0, "@ministryofjustice/frontend/moj/assets/images", "images/", true},
    {1, "", "", true},
};

static const struct {
    const char *ext, *type;
} types[] = {
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/manifest+json"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
};

const char *ck_assets_content_type(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        size_t k = strlen(types[i].ext);
        if (n > k && strcmp(name + n - k, types[i].ext) == 0) return types[i].type;
    }
    return NULL;
}

static bool add_file(ck_assets *a, const char *file, const char *served, char *err, size_t err_len)
{
    const char *type = ck_assets_content_type(served);
    if (!type) return true; /* source maps, READMEs: not served */
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->items[i].name, served) == 0) {
            snprintf(err, err_len, "%s: a second file would be served as \"%s\"", file, served);
            return false;
        }
    FILE *f = fopen(file, "rb");
    if (!f) {
        snprintf(err, err_len, "%s: %s (run npm ci, or scripts/setup.sh)", file, strerror(errno));
        return false;
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || (size_t)sb.st_size > ASSET_MAX_FILE) {
        snprintf(err, err_len, "%s: unreadable or larger than %zu bytes", file, ASSET_MAX_FILE);
        fclose(f);
        return false;
    }
    unsigned char *data = ck_malloc((size_t)sb.st_size + 1);
    size_t got = fread(data, 1, (size_t)sb.st_size, f);
    fclose(f);
    data[got] = '\0';
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        size_t bytes;
        if (!ck_mul(a->cap, sizeof *a->items, &bytes)) abort();
        a->items = ck_realloc(a->items, bytes);
    }
    a->items[a->n++] = (ck_asset){ck_strdup(served), type, data, got};
    return true;
}

static bool add_dir(ck_assets *a, const char *dir, const char *prefix, char *err, size_t err_len)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, err_len, "%s: %s (run npm ci, or scripts/setup.sh)", dir, strerror(errno));
        return false;
    }
    bool ok = true;
    struct dirent *de;
    while (ok && (de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char file[4096], served[512];
        if ((size_t)snprintf(file, sizeof file, "%s/%s", dir, de->d_name) >= sizeof file ||
            (size_t)snprintf(served, sizeof served, "%s%s", prefix, de->d_name) >= sizeof served)
            continue;
        struct stat sb;
        if (stat(file, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
        ok = add_file(a, file, served, err, err_len);
    }
    closedir(d);
    return ok;
}

static int by_name(const void *x, const void *y)
{
    return strcmp(((const ck_asset *)x)->name, ((const ck_asset *)y)->name);
}

/* The stylesheets ask for url(/assets/fonts/...): point them at this version. */
static void rewrite_css(ck_asset *as, const char *version)
{
    static const char from[] = "/assets/";
    ck_buf b = CK_BUF_INIT;
    const char *p = (const char *)as->data, *end = p + as->len;
    for (;;) {
        const char *q = memmem(p, (size_t)(end - p), from, sizeof from - 1);
        if (!q) break;
        bool in_url = q > (const char *)as->data && (q[-1] == '(' || q[-1] == '"' || q[-1] == '\'');
        ck_buf_append(&b, p, (size_t)(q - p) + sizeof from - 1);
        if (in_url) ck_buf_printf(&b, "%s/", version);
        p = q + sizeof from - 1;
    }
    ck_buf_append(&b, p, (size_t)(end - p));
    size_t len = b.len;
    ck_free((void *)as->data);
    as->data = (const unsigned char *)ck_buf_steal(&b);
    as->len = len;
}

ck_assets *ck_assets_load(const char *node_modules, const char *static_dir, char *err, size_t err_len)
{
    ck_assets *a = ck_calloc(1, sizeof *a);
    const char *roots[2] = {node_modules, static_dir};
    for (size_t i = 0; i < sizeof sources / sizeof *sources; i++) {
        const struct source *s = &sources[i];
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s%s%s", roots[s->root], *s->path ? "/" : "", s->path) >= sizeof path) {
            snprintf(err, err_len, "%s: path too long", roots[s->root]);
            ck_assets_free(a);
            return NULL;
        }
        bool ok = s->dir ? add_dir(a, path, s->served, err, err_len) : add_file(a, path, s->served, err, err_len);
        if (!ok) {
            ck_assets_free(a);
            return NULL;
        }
    }
    qsort(a->items, a->n, sizeof *a->items, by_name);
    /* The version covers names and contents in sorted order, so it changes
     * exactly when some served byte does. */
    unsigned char h[8];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    for (size_t i = 0; i < a->n; i++) {
        crypto_generichash_update(&st, (const unsigned char *)a->items[i].name, strlen(a->items[i].name) + 1);
        crypto_generichash_update(&st, a->items[i].data, a->items[i].len);
    }
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(a->version, sizeof a->version, h, sizeof h);
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->items[i].content_type, "text/css; charset=utf-8") == 0) rewrite_css(&a->items[i], a->version);
    return a;
}

void ck_assets_free(ck_assets *a)
{
    if (!a) return;
    for (size_t i = 0; i < a->n; i++) {
        ck_free((void *)a->items[i].name);
        ck_free((void *)a->items[i].data);
    }
    ck_free(a->items);
    ck_free(a);
}

const char *ck_assets_version(const ck_assets *a) { return a->version; }
size_t ck_assets_count(const ck_assets *a) { return a->n; }

const ck_asset *ck_assets_find(const ck_assets *a, const char *name)
{
    ck_asset key = {.name = name};
    return bsearch(&key, a->items, a->n, sizeof *a->items, by_name);
}
