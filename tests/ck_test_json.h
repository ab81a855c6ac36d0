/* JSON helpers for tests (include after ck_test.h). */
#ifndef CK_TEST_JSON_H
#define CK_TEST_JSON_H
#include <jansson.h>

/* The JSON file at path (duplicate keys refused); a bad one fails the test. */
static inline json_t *ck_test_load_json(const char *path)
{
    json_error_t je;
    json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!j) fail_msg("%s: line %d: %s", path, je.line, je.text);
    return j;
}

/* Whether a and b are the same JSON value, numbers compared by value: JSON has
 * one number, so 4 and 4.0 are equal (a proxy in front of the server, as
 * tests/suites/openapi.sh puts there, may write either). */
static inline bool ck_json_same(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) return json_number_value(a) == json_number_value(b);
    if (json_typeof(a) != json_typeof(b) || (!json_is_object(a) && !json_is_array(a))) return json_equal(a, b);
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b)) return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!ck_json_same(json_array_get(a, i), json_array_get(b, i))) return false;
        return true;
    }
    if (json_object_size(a) != json_object_size(b)) return false;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)a, k, v)
        if (!ck_json_same(v, json_object_get(b, k))) return false;
    return true;
}

/* Fails the test, printing both sides compactly, unless got equals want. */
static inline void ck_assert_json_equal(json_t *got, json_t *want)
{
    if (json_equal(got, want)) return;
    char *g = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY), *w = json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY);
    print_error("got:  %s\nwant: %s\n", g ? g : "(null)", w ? w : "(null)");
    free(g);
    free(w);
    fail();
}

#endif
