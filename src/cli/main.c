/* casekeeper: one binary, many subcommands (see ck_cli.h). */
#include "ck_cli.h"
#include <stdio.h>
#include <string.h>

#ifndef CK_VERSION
#define CK_VERSION "dev"
#endif


static void help(FILE *to)
{
    fprintf(to, "Casekeeper %s: probation case management.\n\n"
                "usage: casekeeper COMMAND [OPTIONS]\n\n"
                "Every command that touches the database takes --db sqlite:PATH or\n"
                "--db postgresql://... (default: $CASEKEEPER_DB, else sqlite:casekeeper.db).\n\n"
                "Commands:\n", CK_VERSION);
    for (const ck_command *c = ck_commands; c->name; c++)
        fprintf(to, "  %-60s %s\n", c->usage, c->summary);
    fprintf(to, "\n  casekeeper COMMAND --help   details of one command\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        help(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        help(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("casekeeper %s\n", CK_VERSION);
        return 0;
    }
    for (const ck_command *c = ck_commands; c->name; c++)
        if (strcmp(c->name, argv[1]) == 0) return c->run(argc - 1, argv + 1);
    fprintf(stderr, "casekeeper: unknown command \"%s\" (casekeeper --help lists them)\n", argv[1]);
    return 2;
}
