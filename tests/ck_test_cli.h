/* Running a casekeeper command (ck_cli.h's ck_cmd_*) inside a test (include
 * after ck_test.h). */
#ifndef CK_TEST_CLI_H
#define CK_TEST_CLI_H
#include <unistd.h>

/* Runs cmd with the NULL-terminated args (up to 12), its standard error
 * captured into err (NUL-terminated, cut at err_len - 1); returns its exit
 * status. */
static inline int ck_test_run_cmd(char *err, size_t err_len, int (*cmd)(int, char **), const char *const *args)
{
    char *argv[13];
    int argc = 0;
    for (; args[argc]; argc++) {
        if (argc == 12) fail_msg("%s: more than 12 arguments", args[0]);
        argv[argc] = (char *)args[argc];
    }
    argv[argc] = NULL;
    fflush(stderr);
    int saved = dup(2);
    FILE *tmp = tmpfile();
    if (saved < 0 || !tmp) fail_msg("cannot capture the standard error of %s", args[0]);
    dup2(fileno(tmp), 2);
    int rc = cmd(argc, argv);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t n = fread(err, 1, err_len - 1, tmp);
    err[n] = '\0';
    fclose(tmp);
    return rc;
}

#endif
