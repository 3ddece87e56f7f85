// Calls add3, weigh, sum8, negate and measure once each, in that order, then prints the first four results.
// Usage: probe_args [NAME] (NAME is weigh's string argument, "probe" by default).
// Kernel tests read the arguments with uprobes (arg0..arg7) and the results with uretprobes (retval).
// The functions are noinline and the program is built with -O0, so every call happens and keeps its symbol.
#include <stdio.h>
#include <string.h>

__attribute__((noinline)) int add3(int a, int b, int c)
{
    return a + b + c;
}

__attribute__((noinline)) long weigh(const char *name, long grams)
{
    return (long)strlen(name) * grams;
}

__attribute__((noinline)) long sum8(long a, long b, long c, long d, long e, long f, long g, long h)
{
    return a + b + c + d + e + f + g + h;
}

__attribute__((noinline)) int negate(int x)
{
    return -x;
}

// A list node for struct casts in uprobes: a script defines the same struct and reads it through arg0.
struct sample {
    int id;
    short delta;
    char label[8];
    unsigned int flags : 3;
    int level : 5;
    long values[3];
    struct sample *next;
};

__attribute__((noinline)) int measure(struct sample *s)
{
    return s->id + s->next->id;
}

int main(int argc, char **argv)
{
    // One call per statement, so the calls happen in this order (argument evaluation order is unspecified).
    const char *name = argc > 1 ? argv[1] : "probe";
    int sum = add3(1, 2, 39);
    long weight = weigh(name, 1000);
    long total = sum8(1, 2, 3, 4, 5, 6, 7, 80);
    int negative = negate(5);
    struct sample second = { .id = 42, .delta = 9, .label = "beta", .flags = 2, .level = 3, .values = { 4, 5, 6 }, .next = 0 };
    struct sample first = { .id = 7, .delta = -3, .label = "alpha", .flags = 5, .level = -6, .values = { 1, -2, 3 }, .next = &second };
    measure(&first);
    printf("%d %ld %ld %d\n", sum, weight, total, negative);
    return 0;
}
