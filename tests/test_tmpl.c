#include "ck_test.h"
#include "ck_mem.h"
#include "ck_tmpl.h"
#include <sys/stat.h>
#include <unistd.h>

/* Compiles the (name, text) pairs, links them and renders `page` with data
 * given as JSON text. Returns the output (caller frees) or NULL with err. */
static char *render_set(const char *const *pairs, const char *page, const char *json, char *err, size_t err_len)
{
    ck_tmpl_set *s = ck_tmpl_set_new();
    char *out = NULL;
    for (size_t i = 0; pairs[i]; i += 2)
        if (!ck_tmpl_add(s, pairs[i], NULL, pairs[i + 1], strlen(pairs[i + 1]), err, err_len)) goto done;
    if (!ck_tmpl_link(s, err, err_len)) goto done;
    json_t *data = json ? json_loads(json, 0, NULL) : NULL;
    if (json) assert_non_null(data);
    ck_buf b = CK_BUF_INIT;
    if (ck_tmpl_render(s, page, data, &b, err, err_len)) out = ck_strdup(ck_buf_cstr(&b));
    ck_buf_free(&b);
    json_decref(data);
done:
    ck_tmpl_set_free(s);
    return out;
}

static void expect(const char *text, const char *json, const char *want)
{
    char err[256] = "";
    const char *pairs[] = {"t.html", text, NULL};
    char *got = render_set(pairs, "t.html", json, err, sizeof err);
    if (!got) fail_msg("render failed: %s", err);
    assert_string_equal(got, want);
    ck_free(got);
}

/* The error of a set that must not compile or link. */
static void expect_error(const char *const *pairs, const char *want)
{
    char err[256] = "";
    char *got = render_set(pairs, pairs[0], "{}", err, sizeof err);
    if (got) fail_msg("expected the error \"%s\", rendered \"%s\"", want, got);
    assert_string_equal(err, want);
}

static void expect_error1(const char *text, const char *want)
{
    const char *pairs[] = {"pages/x.html", text, NULL};
    expect_error(pairs, want);
}

static void test_escape_text(void **state)
{
    (void)state;
    expect("<p>{{ x }}</p>", "{\"x\": \"<script>alert('x') & \\\"y\\\"</script>\"}",
           "<p>&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;</p>");
    /* Each dangerous character alone, so none is caught only by a neighbour. */
    expect("{{ a }}|{{ b }}|{{ c }}|{{ d }}|{{ e }}", "{\"a\":\"&\",\"b\":\"<\",\"c\":\">\",\"d\":\"\\\"\",\"e\":\"'\"}",
           "&amp;|&lt;|&gt;|&quot;|&#39;");
    /* Already-escaped text is escaped again: data is never trusted as markup. */
    expect("{{ x }}", "{\"x\": \"&lt;b&gt;\"}", "&amp;lt;b&amp;gt;");
    /* Template syntax inside data stays text. */
    expect("{{ x }}", "{\"x\": \"{{ y }}{% if y %}\", \"y\": \"no\"}", "{{ y }}{% if y %}");
}

static void test_escape_attribute(void **state)
{
    (void)state;
    expect("<input value=\"{{ v }}\" title='{{ v }}'>", "{\"v\": \"x\\\" onfocus='alert(1)' a=\\\"\"}",
           "<input value=\"x&quot; onfocus=&#39;alert(1)&#39; a=&quot;\" "
           "title='x&quot; onfocus=&#39;alert(1)&#39; a=&quot;'>");
    expect("<a href=\"/cases?q={{ q | url }}\">", "{\"q\": \"a b&c=d/\\u00e9\\\"<\"}",
           "<a href=\"/cases?q=a%20b%26c%3Dd%2F%C3%A9%22%3C\">");
}

static void test_url_attributes(void **state)
{
    (void)state;
    const char *t = "<a href=\"{{ u }}\">x</a><form action='{{ u }}'><img src = \"{{ u }}\">";
    expect(t, "{\"u\": \"/cases/X123456?tab=risk#top\"}",
           "<a href=\"/cases/X123456?tab=risk#top\">x</a><form action='/cases/X123456?tab=risk#top'>"
           "<img src = \"/cases/X123456?tab=risk#top\">");
    const char *bad[] = {"javascript:alert(1)", "JavaScript:alert(1)", "//evil.example/x",
                         "/\\\\evil.example", "https://evil.example/", "data:text/html,x", " /x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char json[128];
        snprintf(json, sizeof json, "{\"u\": \"%s\"}", bad[i]);
        expect("<a href=\"{{ u }}\">", json, "<a href=\"#invalid-url\">");
    }
    expect("<a href=\"{{ u }}\">", "{\"u\": \"#main\"}", "<a href=\"#main\">");
    /* Only the start of the value is a URL context; later parts are escaped text. */
    expect("<a href=\"/s?q={{ u }}\">", "{\"u\": \"javascript:x\"}", "<a href=\"/s?q=javascript:x\">");
    /* A title attribute is no URL. */
    expect("<a title=\"{{ u }}\">", "{\"u\": \"javascript:x\"}", "<a title=\"javascript:x\">");
    /* A URL attribute whose value starts inside a conditional is still checked. */
    expect("<a href=\"{% if a %}{{ u }}{% end %}\">", "{\"a\": 1, \"u\": \"javascript:x\"}",
           "<a href=\"#invalid-url\">");
    /* Markup in text or comments does not confuse the context. */
    expect("<!-- <a href= -->a=b {{ u }} <p title=\"x > y\">{{ u }}</p>", "{\"u\": \"javascript:x\"}",
           "<!-- <a href= -->a=b javascript:x <p title=\"x > y\">javascript:x</p>");
    expect_error1("<p>\n<a href={{ u }}>", "pages/x.html:2: unquoted attribute value: write =\"{{ ... }}\"");
    expect_error1("<input {{ attrs }}>", "pages/x.html:1: {{ }} inside a tag must be in a quoted attribute value");
    expect_error1("<input\n  {% if c %}checked{% end %} {{ a }}>",
                  "pages/x.html:2: {{ }} inside a tag must be in a quoted attribute value");
    expect_error1("<script>\nvar x = \"{{ x }}\";</script>", "pages/x.html:2: no {{ }} inside <script> or <style>");
    expect_error1("<style>p{}</style><STYLE>{{ x }}", "pages/x.html:1: no {{ }} inside <script> or <style>");
    expect("<script src=\"/a.js\"></script>{{ x }}", "{\"x\": \"<\"}", "<script src=\"/a.js\"></script>&lt;");
}

static void test_values(void **state)
{
    (void)state;
    expect("{{ i }} {{ r }} {{ t }} {{ f }} [{{ n }}] [{{ o }}] [{{ a }}]",
           "{\"i\": -42, \"r\": 2.5, \"t\": true, \"f\": false, \"n\": null, \"o\": {\"k\": 1}, \"a\": [1]}",
           "-42 2.5 true false [] [] []");
    expect("{{ a.b.c }} {{ rows.1.name }}", "{\"a\": {\"b\": {\"c\": \"deep\"}}, \"rows\": [{\"name\": \"x\"}, {\"name\": \"y\"}]}",
           "deep y");
}

static void test_missing(void **state)
{
    (void)state;
    expect("[{{ nope }}][{{ a.nope }}][{{ s.x }}][{{ rows.9 }}][{{ rows.x }}]",
           "{\"a\": {}, \"s\": \"str\", \"rows\": [1]}", "[][][][][]");
    expect("{% if nope %}yes{% else %}no{% end %}", "{}", "no");
    expect("{% for x in nope %}{{ x }}{% else %}empty{% end %}", "{}", "empty");
    expect("{% for x in s %}{{ x }}{% else %}not a list{% end %}", "{\"s\": \"abc\"}", "not a list");
    /* No data at all is an empty object. */
    expect("[{{ x }}]", NULL, "[]");
}

static void test_loops(void **state)
{
    (void)state;
    expect("{% for r in rows %}{{ loop.index }}:{{ r.n }}{% if loop.first %}(first){% end %}"
           "{% if loop.last %}(last){% else %},{% end %}{% end %}",
           "{\"rows\": [{\"n\": \"a\"}, {\"n\": \"b\"}, {\"n\": \"<c>\"}]}", "1:a(first),2:b,3:&lt;c&gt;(last)");
    /* Nested loops see the outer variable; the inner loop's `loop` shadows. */
    expect("{% for g in groups %}{{ g.name }}[{% for i in g.items %}{{ g.name }}{{ i }}{{ loop.index }} {% end %}]{{ loop.index }};{% end %}",
           "{\"groups\": [{\"name\": \"x\", \"items\": [1, 2]}, {\"name\": \"y\", \"items\": []}]}",
           "x[x11 x22 ]1;y[]2;");
    /* A loop variable shadows data of the same name, and only inside the loop. */
    expect("{{ r }}{% for r in rows %}{{ r }}{% end %}{{ r }}", "{\"r\": \"out\", \"rows\": [\"in\"]}", "outinout");
}

static void test_conditionals(void **state)
{
    (void)state;
    const char *t = "{% if a %}A{% elif b %}B{% elif c == \"x\" %}C{% else %}E{% end %}";
    expect(t, "{\"a\": 1}", "A");
    expect(t, "{\"a\": 0, \"b\": \"yes\"}", "B");
    expect(t, "{\"c\": \"x\"}", "C");
    expect(t, "{\"c\": \"y\"}", "E");
    const char *falsy[] = {"null", "false", "0", "0.0", "\"\"", "[]", "{}"};
    for (size_t i = 0; i < sizeof falsy / sizeof *falsy; i++) {
        char json[64];
        snprintf(json, sizeof json, "{\"v\": %s}", falsy[i]);
        expect("{% if v %}T{% else %}F{% end %}{% if not v %}n{% end %}", json, "Fn");
    }
    const char *truthy[] = {"true", "1", "-1", "0.5", "\"0\"", "[0]", "{\"k\": 0}"};
    for (size_t i = 0; i < sizeof truthy / sizeof *truthy; i++) {
        char json[64];
        snprintf(json, sizeof json, "{\"v\": %s}", truthy[i]);
        expect("{% if v %}T{% else %}F{% end %}{% if not v %}n{% end %}", json, "T");
    }
    expect("{% if tab == current %}on{% end %}{% if tab != \"risk\" %}not-risk{% end %}",
           "{\"tab\": \"risk\", \"current\": \"risk\"}", "on");
    expect("{% if n == \"3\" %}three{% end %}", "{\"n\": 3}", "three");
    expect("{% if x != \"\" %}set{% else %}unset{% end %}", "{}", "unset");
}

static void test_partials(void **state)
{
    (void)state;
    char err[256] = "";
    const char *pairs[] = {
        "page.html", "<ul>{% for c in cases %}{% include \"partials/row.html\" %}{% end %}</ul>",
        "partials/row.html", "<li>{% include \"partials/tag.html\" %} {{ c.name }}</li>",
        "partials/tag.html", "<strong class=\"govuk-tag\">{{ c.tier }}</strong>", NULL};
    char *got = render_set(pairs, "page.html", "{\"cases\": [{\"name\": \"A&B\", \"tier\": \"B2\"}, {\"name\": \"C\"}]}",
                           err, sizeof err);
    if (!got) fail_msg("%s", err);
    assert_string_equal(got, "<ul><li><strong class=\"govuk-tag\">B2</strong> A&amp;B</li>"
                             "<li><strong class=\"govuk-tag\"></strong> C</li></ul>");
    ck_free(got);

    const char *unknown[] = {"a.html", "x\n{% include \"nope.html\" %}", NULL};
    expect_error(unknown, "a.html:2: include of unknown template \"nope.html\"");
    const char *cycle[] = {"a.html", "{% include \"b.html\" %}", "b.html", "\n\n{% include \"a.html\" %}", NULL};
    char e2[256] = "";
    assert_null(render_set(cycle, "a.html", "{}", e2, sizeof e2));
    assert_true(strstr(e2, "makes a cycle") != NULL);
    assert_true(strncmp(e2, "a.html:1:", 9) == 0 || strncmp(e2, "b.html:3:", 9) == 0);
    const char *self[] = {"a.html", "{% include \"a.html\" %}", NULL};
    expect_error(self, "a.html:1: including \"a.html\" makes a cycle");
}

static void test_layouts(void **state)
{
    (void)state;
    char err[256] = "";
    const char *pairs[] = {
        "layout.html", "<title>{% block title %}Casekeeper{% end %}</title><main>{% block content %}{% end %}</main>"
                       "{% block footer %}<footer>{{ user }}</footer>{% end %}",
        "page.html", "{# a page #}\n{% extends \"layout.html\" %}\n"
                     "{% block title %}Case {{ crn }}{% end %}\n"
                     "{% block content %}<h1>{{ name }}</h1>{% end %}\n",
        "plain.html", "{% extends \"layout.html\" %}", NULL};
    char *got = render_set(pairs, "page.html", "{\"crn\": \"X1\", \"name\": \"<A>\", \"user\": \"me\"}", err, sizeof err);
    if (!got) fail_msg("%s", err);
    assert_string_equal(got, "<title>Case X1</title><main><h1>&lt;A&gt;</h1></main><footer>me</footer>");
    ck_free(got);
    got = render_set(pairs, "plain.html", "{}", err, sizeof err);
    if (!got) fail_msg("%s", err);
    assert_string_equal(got, "<title>Casekeeper</title><main></main><footer></footer>");
    ck_free(got);

    const char *outside[] = {"p.html", "{% extends \"l.html\" %}\n<p>lost</p>", "l.html", "x", NULL};
    expect_error(outside, "p.html:1: a page that extends a layout may only hold {% block %} sections");
    const char *notinlayout[] = {"p.html", "{% extends \"l.html\" %}\n\n{% block nav %}{% end %}",
                                 "l.html", "{% block content %}{% end %}", NULL};
    expect_error(notinlayout, "p.html:3: block \"nav\" is not in the layout \"l.html\"");
    const char *unknown[] = {"p.html", "{% extends \"l.html\" %}", NULL};
    expect_error(unknown, "p.html:1: extends unknown template \"l.html\"");
    const char *late[] = {"p.html", "x{% extends \"l.html\" %}", NULL};
    expect_error(late, "p.html:1: {% extends %} must be the first tag of the file");
    const char *inc[] = {"a.html", "{% include \"p.html\" %}", "p.html", "{% extends \"l.html\" %}",
                         "l.html", "", NULL};
    expect_error(inc, "a.html:1: \"p.html\" extends a layout and cannot be included");
    const char *twice[] = {"l.html", "{% block a %}{% end %}\n{% block a %}{% end %}", NULL};
    expect_error(twice, "l.html:2: block \"a\" defined twice");
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_error1("line1\n{% if x %}\nbody\n", "pages/x.html:2: {% if %} has no {% end %} (found end of file at line 4)");
    expect_error1("a\nb\n{% end %}", "pages/x.html:3: {% end %} without an opening {% if %}, {% for %} or {% block %}");
    expect_error1("\n{% for x in %}{% end %}", "pages/x.html:2: expected {% for NAME in LIST %}");
    expect_error1("{% for x in y %}{% elif z %}{% end %}",
                  "pages/x.html:1: {% for %} has no {% end %} (found elif at line 1)");
    expect_error1("\n\n\n{{ x ", "pages/x.html:4: {{ opened here is never closed with }}");
    expect_error1("{# never closed", "pages/x.html:1: {# opened here is never closed with #}");
    expect_error1("x\n{% frobnicate %}", "pages/x.html:2: unknown statement \"frobnicate\"");
    expect_error1("{{ a..b }}", "pages/x.html:1: bad variable \"a..b\": expected names joined by dots");
    expect_error1("{{ a | upper }}", "pages/x.html:1: unknown filter: the only filter is | url");
    expect_error1("{{ a b }}", "pages/x.html:1: unexpected text in {{ }}");
    expect_error1("{% if a == %}{% end %}", "pages/x.html:1: expected a variable or a \"string\" after the comparison");
    expect_error1("{% if a == \"x %}{% end %}", "pages/x.html:1: expected a variable or a \"string\" after the comparison");
    expect_error1("{% if not a == b %}{% end %}", "pages/x.html:1: expected == or != or the end of the condition");
    expect_error1("{% include nope %}", "pages/x.html:1: expected {% include \"NAME\" %}");
    expect_error1("{% else %}", "pages/x.html:1: {% else %} without an opening {% if %}, {% for %} or {% block %}");
    expect_error1("{% end x %}", "pages/x.html:1: unexpected text after end");
    expect_error1("{%  %}", "pages/x.html:1: expected a statement (if, elif, else, for, include, extends, block, end)");
    /* A template name used twice. */
    ck_tmpl_set *s = ck_tmpl_set_new();
    char err[256];
    assert_true(ck_tmpl_add(s, "a.html", NULL, "x", 1, err, sizeof err));
    assert_false(ck_tmpl_add(s, "a.html", "dir/a.html", "y", 1, err, sizeof err));
    assert_string_equal(err, "dir/a.html: template \"a.html\" defined twice");
    ck_tmpl_set_free(s);
}

static void test_standalone_lines(void **state)
{
    (void)state;
    expect("<ul>\n  {% for x in xs %}\n  <li>{{ x }}</li>\n  {% end %}\n</ul>\n", "{\"xs\": [1, 2]}",
           "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n");
    /* A tag sharing its line with text keeps the line. */
    expect("a {% if t %}b{% end %}\nc", "{\"t\": 1}", "a b\nc");
    expect("  {# note #}\nx", "{}", "x");
}

static void test_render_errors(void **state)
{
    (void)state;
    ck_tmpl_set *s = ck_tmpl_set_new();
    char err[256];
    assert_true(ck_tmpl_add(s, "a.html", NULL, "{{ x }}{{ x }}", 14, err, sizeof err));
    ck_buf b = CK_BUF_INIT;
    assert_false(ck_tmpl_render(s, "a.html", NULL, &b, err, sizeof err));
    assert_string_equal(err, "template set not linked");
    assert_true(ck_tmpl_link(s, err, sizeof err));
    assert_false(ck_tmpl_render(s, "b.html", NULL, &b, err, sizeof err));
    assert_string_equal(err, "no template \"b.html\"");
    ck_buf small;
    ck_buf_init(&small, 16);
    json_t *d = json_pack("{s:s}", "x", "0123456789");
    assert_false(ck_tmpl_render(s, "a.html", d, &small, err, sizeof err));
    assert_string_equal(err, "a.html: output larger than its buffer allows");
    assert_true(ck_tmpl_has(s, "a.html"));
    assert_false(ck_tmpl_has(s, "b.html"));
    json_decref(d);
    ck_buf_free(&small);
    ck_buf_free(&b);
    ck_tmpl_set_free(s);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_load_dir(void **state)
{
    (void)state;
    char dir[] = "/tmp/ck-tmpl-XXXXXX", sub[64], p[96];
    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/partials", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(p, sizeof p, "%s/layout.html", dir);
    write_file(p, "<body>{% block content %}{% end %}</body>");
    snprintf(p, sizeof p, "%s/page.html", dir);
    write_file(p, "{% extends \"layout.html\" %}{% block content %}{% include \"partials/x.html\" %}{% end %}");
    snprintf(p, sizeof p, "%s/partials/x.html", dir);
    write_file(p, "<p>{{ v }}</p>");
    snprintf(p, sizeof p, "%s/notes.txt", dir);
    write_file(p, "{% not a template");

    ck_tmpl_set *s = ck_tmpl_set_new();
    char err[512];
    if (!ck_tmpl_load_dir(s, dir, err, sizeof err) || !ck_tmpl_link(s, err, sizeof err)) fail_msg("%s", err);
    ck_buf b = CK_BUF_INIT;
    json_t *d = json_pack("{s:s}", "v", "<v>");
    assert_true(ck_tmpl_render(s, "page.html", d, &b, err, sizeof err));
    assert_string_equal(ck_buf_cstr(&b), "<body><p>&lt;v&gt;</p></body>");
    json_decref(d);
    ck_buf_free(&b);
    ck_tmpl_set_free(s);

    /* A broken file is named by its full path and line. */
    snprintf(p, sizeof p, "%s/partials/bad.html", dir);
    write_file(p, "ok\n{% if %}");
    s = ck_tmpl_set_new();
    assert_false(ck_tmpl_load_dir(s, dir, err, sizeof err));
    char want[256];
    snprintf(want, sizeof want, "%s/partials/bad.html:2: expected a variable in the condition", dir);
    assert_string_equal(err, want);
    ck_tmpl_set_free(s);
    unlink(p);

    s = ck_tmpl_set_new();
    assert_false(ck_tmpl_load_dir(s, "/nonexistent/ck-templates", err, sizeof err));
    assert_string_equal(err, "/nonexistent/ck-templates: cannot read the template directory: No such file or directory");
    ck_tmpl_set_free(s);

    const char *files[] = {"partials/x.html", "page.html", "layout.html", "notes.txt"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(sub);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_text),    cmocka_unit_test(test_escape_attribute),
        cmocka_unit_test(test_url_attributes), cmocka_unit_test(test_values),
        cmocka_unit_test(test_missing),        cmocka_unit_test(test_loops),
        cmocka_unit_test(test_conditionals),   cmocka_unit_test(test_partials),
        cmocka_unit_test(test_layouts),        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_standalone_lines), cmocka_unit_test(test_render_errors),
        cmocka_unit_test(test_load_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
