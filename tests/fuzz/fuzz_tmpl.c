/* libFuzzer target: the template compiler, linker and renderer.
 * Input: one template text. It is compiled as page.html next to a fixed
 * layout and partial it may extend or include, then rendered with data that
 * has strings, numbers and lists, so every construct can execute.
 * Build (from the repo root):
 *   clang -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -Isrc/base -Isrc/web tests/fuzz/fuzz_tmpl.c src/web/ck_tmpl.c \
 *     src/base/ck_buf.c src/base/ck_mem.c -ljansson -o build/fuzz_tmpl
 *   ./build/fuzz_tmpl -max_total_time=60 */
#include "ck_tmpl.h"
#include <stdint.h>
#include <string.h>

static const char layout[] = "<html>{% block title %}t{% end %}{% block content %}{% end %}</html>";
static const char partial[] = "<li title=\"{{ r.n }}\"><a href=\"{{ r.u }}\">{{ r.n }}</a></li>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *vars;
    if (!vars)
        vars = json_pack("{s:s, s:i, s:b, s:[{s:s, s:s}, {s:s, s:s}], s:{s:{s:s}}}", "s", "<'&\">", "i", 7,
                         "b", 1, "rows", "n", "a", "u", "/x", "n", "<b>", "u", "javascript:x", "o", "p", "q",
                         "deep");
    char err[256];
    ck_tmpl_set *s = ck_tmpl_set_new();
    if (ck_tmpl_add(s, "layout.html", NULL, layout, sizeof layout - 1, err, sizeof err) &&
        ck_tmpl_add(s, "row.html", NULL, partial, sizeof partial - 1, err, sizeof err) &&
        ck_tmpl_add(s, "page.html", NULL, (const char *)data, size, err, sizeof err) &&
        ck_tmpl_link(s, err, sizeof err)) {
        ck_buf b;
        ck_buf_init(&b, (size_t)1 << 20);
        ck_tmpl_render(s, "page.html", vars, &b, err, sizeof err);
        ck_buf_free(&b);
    }
    ck_tmpl_set_free(s);
    return 0;
}
