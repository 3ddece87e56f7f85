// Functions with typed parameters for DWARF-typed uprobe arguments (args.NAME, -lv) and separate debug files.
// Usage: dwarf_args N [LINGER_MS]: calls each function N times with known values, prints "done", and waits
// LINGER_MS milliseconds before exiting (so a tracer can still read its memory maps to name stack frames).
// Built -O0 -g, so every call happens and the debug info names every parameter.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct point {
    int x;
    int y;
};

__attribute__((noinline)) long dwarf_scalars(int n, unsigned char c, short s, long l, unsigned long long u, int neg)
{
    return n + c + s + l + (long)u + neg;
}

__attribute__((noinline)) int dwarf_pointers(const char *name, struct point *p, void *opaque)
{
    return (int)(name[0] + p->x + p->y + (opaque != NULL));
}

__attribute__((noinline)) long dwarf_many(long a, long b, long c, long d, long e, long f, short g, long h)
{
    return a + b + c + d + e + f + g + h;
}

__attribute__((noinline)) void dwarf_none(void)
{
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: dwarf_args N [LINGER_MS]\n");
        return 2;
    }
    int n = atoi(argv[1]);
    struct point p = {3, -4};
    // On the stack, so its page is present when a probe reads it.
    char name[8];
    strcpy(name, "hello");
    long sum = 0;
    for (int i = 0; i < n; i++) {
        sum += dwarf_scalars(i + 7, 200, -300, -5000000000L, 18000000000000000000ULL, -1);
        sum += dwarf_pointers(name, &p, NULL);
        sum += dwarf_many(1, 2, 3, 4, 5, 6, -7, 8);
        dwarf_none();
    }
    printf("done %d\n", sum != 0);
    fflush(stdout);
    if (argc > 2) {
        long ms = atol(argv[2]);
        struct timespec linger = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&linger, NULL);
    }
    return 0;
}
