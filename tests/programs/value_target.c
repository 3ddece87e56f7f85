// Passes the number in argv[1] to stamp() (kernel tests format it with strftime, a value they control), sleeps a
// millisecond (do_nanosleep, for ksym of a kernel address), prints one line, then waits until stdin is closed: user
// addresses (usym) are named through /proc/PID/maps when the tracer prints them, so the process must still be alive.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) unsigned long long stamp(unsigned long long ns)
{
    return ns / 2;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: value_target NANOSECONDS\n");
        return 2;
    }
    unsigned long long half = stamp(strtoull(argv[1], NULL, 10));
    struct timespec pause = { 0, 1000000 };
    nanosleep(&pause, NULL);
    printf("%llu\n", half);
    fflush(stdout);
    char buffer[64];
    while (read(0, buffer, sizeof buffer) > 0) {
    }
    return 0;
}
