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
