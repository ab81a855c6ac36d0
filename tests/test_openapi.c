/* docs/openapi.json against the code: every route of the JSON API's tables
 * is in the document and nothing else is; the case bundle's schemas are
 * exactly what the field descriptors (core/ck_case.c) make the codec read
 * and write; the server serves the embedded copy at /api/v1/openapi.json.
 *
 * `test_openapi --bundle-schemas` prints the bundle schemas this test
 * expects, to paste into components.schemas after a field changes. */
#include "ck_test.h"
#include "ck_test_http.h"
#include "ck_api.h"
#include "ck_api_doc.h"
#include "ck_api_manage.h"
#include "ck_api_notify.h"
#include "ck_case.h"
#include "ck_embedded.h"
#include "ck_web.h"
#include <ctype.h>
#include <jansson.h>

static json_t *DOC; /* the embedded document */

static const char *const METHODS[] = {"get", "put", "post", "delete", "patch", "head", "options", "trace", NULL};

/* ---- The route tables ------------------------------------------------------------ */

/* Every route the document must describe: the API's tables, and the rows of
 * the web table answered by the API's handlers (GOV.UK Notify's receipts). */
static json_t *routes_of_api(void)
{
    json_t *set = json_object();
    const ck_route *const tables[] = {ck_api_routes, ck_api_manage_routes, ck_web_routes, NULL};
    for (size_t t = 0; tables[t]; t++)
        for (const ck_route *r = tables[t]; r->method; r++) {
            if (tables[t] == ck_web_routes && r->handler != ck_api_notify_callback) continue;
            char key[512];
            snprintf(key, sizeof key, "%s %s", r->method, r->pattern);
            for (char *k = key; *k != ' '; k++) *k = (char)tolower((unsigned char)*k);
            json_object_set_new(set, key, json_true());
        }
    return set;
}

static json_t *routes_of_doc(void)
{
    json_t *set = json_object(), *item;
    const char *path;
    json_object_foreach(json_object_get(DOC, "paths"), path, item)
    {
        for (size_t m = 0; METHODS[m]; m++) {
            if (!json_object_get(item, METHODS[m])) continue;
            char key[512];
            snprintf(key, sizeof key, "%s %s", METHODS[m], path);
            json_object_set_new(set, key, json_true());
        }
    }
    return set;
}

static void test_every_route_documented(void **state)
{
    (void)state;
    json_t *api = routes_of_api(), *doc = routes_of_doc(), *v;
    const char *key;
    size_t missing = 0, extra = 0;
    json_object_foreach(api, key, v)
        if (!json_object_get(doc, key)) {
            print_error("in the route table but not in docs/openapi.json: %s\n", key);
            missing++;
        }
    json_object_foreach(doc, key, v)
        if (!json_object_get(api, key)) {
            print_error("in docs/openapi.json but not in the route table: %s\n", key);
            extra++;
        }
    assert_true(json_object_size(api) > 40);
    assert_int_equal(missing, 0);
    assert_int_equal(extra, 0);
    json_decref(api);
    json_decref(doc);
}

/* ---- The case bundle's schemas ----------------------------------------------------- */

/* "registration_decision" -> "RegistrationDecision". */
static void schema_name(const char *entity, char *out, size_t len)
{
    size_t n = 0;
    for (bool up = true; *entity && n + 1 < len; entity++) {
        if (*entity == '_') {
            up = true;
            continue;
        }
        out[n++] = up ? (char)toupper((unsigned char)*entity) : *entity;
        up = false;
    }
    out[n] = '\0';
}

static json_t *ref_to(const ck_entity *e)
{
    char name[64], ref[128];
    schema_name(e->name, name, sizeof name);
    snprintf(ref, sizeof ref, "#/components/schemas/%s", name);
    return json_pack("{s:s}", "$ref", ref);
}

/* A scalar type, with null when the field is optional: the codec reads null
 * as absent for every field that is not required. */
static json_t *typed(const char *type, bool nullable)
{
    return nullable ? json_pack("{s:[s,s]}", "type", type, "null") : json_pack("{s:s}", "type", type);
}

static json_t *field_schema(const ck_field *f)
{
    bool nullable = !f->required;
    switch (f->type) {
    case CK_F_STR: return typed("string", nullable);
    case CK_F_ENUM: {
        json_t *e = json_array();
        for (const char *const *v = f->vocab; *v; v++) json_array_append_new(e, json_string(*v));
        if (nullable) json_array_append_new(e, json_null());
        return json_pack("{s:o}", "enum", e);
    }
    case CK_F_DATE: {
        json_t *s = typed("string", nullable);
        json_object_set_new(s, "format", json_string("date"));
        return s;
    }
    case CK_F_INT: return typed("integer", nullable);
    case CK_F_CENTI: return typed("number", nullable);
    case CK_F_BOOL: return typed("boolean", nullable);
    case CK_F_OBJ: return nullable ? json_pack("{s:[o,{s:s}]}", "anyOf", ref_to(f->sub), "type", "null") : ref_to(f->sub);
    case CK_F_LIST: {
        json_t *s = typed("array", nullable);
        json_object_set_new(s, "items", ref_to(f->sub));
        return s;
    }
    }
    return json_null();
}

/* An entity as the codec reads it (unknown keys refused, required keys
 * present and not null) and writes it (a subset: canonical form). */
static json_t *entity_schema(const ck_entity *e, bool patch)
{
    json_t *props = json_object(), *req = json_array();
    for (size_t i = 0; i < e->n_fields; i++) {
        const ck_field *f = &e->fields[i];
        json_object_set_new(props, f->key, field_schema(f));
        if (f->required) json_array_append_new(req, json_string(f->key));
    }
    json_t *s = json_pack("{s:s, s:b, s:o}", "type", "object", "additionalProperties", 0, "properties", props);
    /* A patch (merge patch) names only the keys it changes. */
    if (json_array_size(req) && !patch) json_object_set(s, "required", req);
    json_decref(req);
    return s;
}

static void collect(const ck_entity *e, json_t *out)
{
    char name[64];
    schema_name(e->name, name, sizeof name);
    if (json_object_get(out, name)) return;
    json_object_set_new(out, name, entity_schema(e, false));
    for (size_t i = 0; i < e->n_fields; i++)
        if (e->fields[i].sub) collect(e->fields[i].sub, out);
}

/* The entity whose list is `table` ("contacts"), or NULL. */
static const ck_entity *entity_of_table(const ck_entity *e, const char *table, size_t n)
{
    if (e->table && strlen(e->table) == n && strncmp(e->table, table, n) == 0) return e;
    for (size_t i = 0; i < e->n_fields; i++) {
        const ck_entity *found = e->fields[i].sub ? entity_of_table(e->fields[i].sub, table, n) : NULL;
        if (found) return found;
    }
    return NULL;
}

#define CASE_RECORD "/api/v1/cases/{crn}/"

/* Every schema the bundle contributes: its entities, and for each record
 * that can be PATCHed, a "...Patch" schema of the same keys, none required. */
static json_t *bundle_schemas(void)
{
    json_t *out = json_object();
    collect(&ck_entity_case, out);
    for (const ck_route *r = ck_api_routes; r->method; r++) {
        if (strcmp(r->method, "PATCH") != 0 || strncmp(r->pattern, CASE_RECORD, strlen(CASE_RECORD)) != 0) continue;
        const char *list = r->pattern + strlen(CASE_RECORD);
        const ck_entity *e = entity_of_table(&ck_entity_case, list, strcspn(list, "/"));
        assert_non_null(e);
        char name[64];
        schema_name(e->name, name, sizeof name);
        strcat(name, "Patch");
        json_object_set_new(out, name, entity_schema(e, true));
    }
    return out;
}

static void test_bundle_schemas_match_descriptors(void **state)
{
    (void)state;
    json_t *want = bundle_schemas(), *have = json_object_get(json_object_get(DOC, "components"), "schemas"), *s;
    const char *name;
    size_t wrong = 0;
    json_object_foreach(want, name, s)
    {
        if (json_equal(s, json_object_get(have, name))) continue;
        char *text = json_dumps(s, JSON_COMPACT);
        print_error("components.schemas.%s differs from the descriptors; expected %s\n", name, text);
        free(text);
        wrong++;
    }
    assert_int_equal(wrong, 0);
    json_decref(want);
}

/* Each POST .../{crn}/LIST takes and answers that list's record, and each
 * PATCH takes its patch: a row pointing at another list's schema is caught. */
static const char *body_ref(const json_t *op, const char *where)
{
    const json_t *content = strcmp(where, "request") == 0
                                ? json_object_get(json_object_get(op, "requestBody"), "content")
                                : json_object_get(json_object_get(json_object_get(op, "responses"), where), "content");
    return json_string_value(json_object_get(json_object_get(json_object_get(content, "application/json"), "schema"), "$ref"));
}

static void test_record_routes_name_their_schema(void **state)
{
    (void)state;
    size_t checked = 0;
    for (const ck_route *r = ck_api_routes; r->method; r++) {
        if (strncmp(r->pattern, CASE_RECORD, strlen(CASE_RECORD)) != 0) continue;
        const char *list = r->pattern + strlen(CASE_RECORD);
        bool post = strcmp(r->method, "POST") == 0 && !strchr(list, '/');
        bool patch = strcmp(r->method, "PATCH") == 0;
        if (!post && !patch) continue;
        const ck_entity *e = entity_of_table(&ck_entity_case, list, strcspn(list, "/"));
        assert_non_null(e);
        char name[64], want[128], want_patch[128];
        schema_name(e->name, name, sizeof name);
        snprintf(want, sizeof want, "#/components/schemas/%s", name);
        snprintf(want_patch, sizeof want_patch, "#/components/schemas/%sPatch", name);
        char method[8] = "";
        for (size_t i = 0; r->method[i] && i + 1 < sizeof method; i++) method[i] = (char)tolower((unsigned char)r->method[i]);
        const json_t *op = json_object_get(json_object_get(json_object_get(DOC, "paths"), r->pattern), method);
        const char *req = body_ref(op, "request"), *resp = body_ref(op, post ? "201" : "200");
        if (!req || strcmp(req, post ? want : want_patch) != 0 || !resp || strcmp(resp, want) != 0)
            fail_msg("%s %s: expected request %s and answer %s, got %s and %s", r->method, r->pattern,
                     post ? want : want_patch, want, req ? req : "none", resp ? resp : "none");
        checked++;
    }
    assert_true(checked >= 14);
}

/* ---- Served ---------------------------------------------------------------------- */

static void test_served_from_the_binary(void **state)
{
    (void)state;
    char err[256];
    /* Its own row alone: public, so no caller and no database. */
    static const ck_route only[] = {{"GET", "/api/v1/openapi.json", ck_api_doc_openapi, "public"}, {NULL, NULL, NULL, NULL}};
    ck_http_config cfg = {.port = 0, .threads = 1, .routes = only};
    ck_http_server *srv = ck_http_start(&cfg, err, sizeof err);
    if (!srv) fail_msg("server: %s", err);
    /* The document is larger than th_recv's buffer: read to the close. */
    th_conn c;
    assert_true(th_connect(&c, ck_http_port(srv)));
    assert_true(th_send(&c, "GET", "/api/v1/openapi.json", "Connection: close\r\n", NULL, NULL));
    size_t cap = 1 << 16, n = 0;
    char *got = malloc(cap);
    for (ssize_t k; (k = recv(c.fd, got + n, cap - n - 1, 0)) > 0;) {
        n += (size_t)k;
        if (cap - n < 4096) got = realloc(got, cap *= 2);
    }
    got[n] = '\0';
    th_close(&c);
    const ck_embedded_file *f = ck_embedded_get(CK_API_DOC_PATH);
    const char *body = strstr(got, "\r\n\r\n");
    assert_non_null(body);
    assert_true(strncmp(got, "HTTP/1.1 200", 12) == 0);
    assert_non_null(strcasestr(got, "\r\nContent-Type: application/json\r\n"));
    assert_int_equal(n - (size_t)(body + 4 - got), f->len);
    assert_memory_equal(body + 4, f->data, f->len);
    free(got);
    ck_http_stop(srv);
}

/* The document's version is the release's (the file VERSION). */
static void test_version_is_the_release(void **state)
{
    (void)state;
    const char *v = json_string_value(json_object_get(json_object_get(DOC, "info"), "version"));
    char *release = ck_test_slurp("VERSION", NULL);
    assert_non_null(v);
    assert_non_null(release);
    release[strcspn(release, "\r\n")] = '\0';
    assert_string_equal(v, release);
    free(release);
}

/* The row the real server routes it by is in the API's table, public. */
static void test_route_is_public(void **state)
{
    (void)state;
    for (const ck_route *r = ck_api_routes; r->method; r++)
        if (strcmp(r->pattern, "/api/v1/openapi.json") == 0) {
            assert_ptr_equal(r->handler, ck_api_doc_openapi);
            assert_string_equal(r->permission, "public");
            return;
        }
    fail_msg("GET /api/v1/openapi.json is not in ck_api_routes");
}

static int load_doc(void **state)
{
    (void)state;
    const ck_embedded_file *f = ck_embedded_get(CK_API_DOC_PATH);
    if (!f) return -1;
    json_error_t je;
    DOC = json_loadb(f->data, f->len, 0, &je);
    if (!DOC) fprintf(stderr, "%s: line %d: %s\n", CK_API_DOC_PATH, je.line, je.text);
    return DOC ? 0 : -1;
}

static int free_doc(void **state)
{
    (void)state;
    json_decref(DOC);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--bundle-schemas") == 0) {
        json_t *s = bundle_schemas();
        json_dumpf(s, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(s);
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_route_documented),
        cmocka_unit_test(test_bundle_schemas_match_descriptors),
        cmocka_unit_test(test_record_routes_name_their_schema),
        cmocka_unit_test(test_served_from_the_binary),
        cmocka_unit_test(test_route_is_public),
        cmocka_unit_test(test_version_is_the_release),
    };
    return cmocka_run_group_tests(tests, load_doc, free_doc);
}
