/* ck_embedded: data files compiled into the binary (scripts/embed.sh).
 * Paths are as in the source tree: "data/bank-holidays.json",
 * "config/rules.conf", "data/contact-types.csv", "src/db/migrations/NNN_x.sql". */
#ifndef CK_EMBEDDED_H
#define CK_EMBEDDED_H
#include <stddef.h>

typedef struct ck_embedded_file {
    const char *path;
    const char *data; /* NUL-terminated */
    size_t len;
} ck_embedded_file;

extern const ck_embedded_file ck_embedded_files[]; /* ends with a {NULL} entry */

/* The file at `path`, or NULL. */
const ck_embedded_file *ck_embedded_get(const char *path);

#endif
