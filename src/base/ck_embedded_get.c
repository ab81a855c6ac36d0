#include "ck_embedded.h"
#include <string.h>

const ck_embedded_file *ck_embedded_get(const char *path)
{
    for (const ck_embedded_file *f = ck_embedded_files; f->path; f++)
        if (strcmp(f->path, path) == 0) return f;
    return NULL;
}
