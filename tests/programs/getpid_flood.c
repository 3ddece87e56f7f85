// Calls getpid COUNT times as fast as it can, after a line on stdin (so a tracer can attach to its pid first),
// then prints how long the calls took, in seconds, on stderr.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long count = argc > 1 ? atol(argv[1]) : 1000000;
    if (argc > 2) {
        char line[16];
        if (!fgets(line, sizeof line, stdin))
            return 1;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < count; i++)
        syscall(SYS_getpid);
    clock_gettime(CLOCK_MONOTONIC, &end);
    fprintf(stderr, "%.3f\n", (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
    return 0;
}
