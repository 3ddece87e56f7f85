// A target for watchpoint tests. Prints the address of its global `watched` and flushes, then waits for a line on
// stdin (the tracer attaches meanwhile), then writes `watched` argv[1] times (3 by default), reads it once, and
// exits 0. Built with -O0, each write is one store and the read one load.
#include <stdio.h>
#include <stdlib.h>

volatile long watched;

int main(int argc, char **argv)
{
    int writes = argc > 1 ? atoi(argv[1]) : 3;
    char line[16];
    printf("%p\n", (void *)&watched);
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin))
        return 2;
    for (int i = 0; i < writes; i++)
        watched = i;
    long value = watched;
    return value == writes - 1 || writes == 0 ? 0 : 1;
}
