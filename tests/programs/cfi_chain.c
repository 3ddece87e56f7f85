// Built with -O2 -fomit-frame-pointer (its own line in test.sh): a call chain without frame pointers, for
// dw_ustack. main -> level1 -> level2 -> level3 -> leaf, then main -> sort_values -> qsort (libc, no frame
// pointers) -> compare_ints, then main -> repeated five times from one call site. leaf and the first compare_ints print the return addresses glibc's backtrace()
// finds (it unwinds with .eh_frame too), one "frame N 0xADDR" line each, so a test can compare them with what a
// uprobe on them unwinds; then the program waits until stdin is closed, so its mappings stay readable.
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void print_backtrace(const char *where)
{
    void *frames[64];
    int count = backtrace(frames, 64);
    printf("%s\n", where);
    for (int i = 0; i < count; i++)
        printf("frame %d %p\n", i, frames[i]);
    fflush(stdout);
}

// noipa: no inlining, cloning or interprocedural register tricks, so every function keeps its name and frame.
// The volatile arrays give each function a frame of its own; the work after each call prevents tail calls.
__attribute__((noipa)) int leaf(int x)
{
    volatile int scratch[8];
    scratch[x & 7] = x;
    print_backtrace("leaf");
    return scratch[x & 7] * 2;
}

__attribute__((noipa)) int level3(int x)
{
    volatile int scratch[16];
    scratch[x & 15] = x;
    return leaf(scratch[x & 15] + 1) + 3;
}

__attribute__((noipa)) int level2(int x)
{
    volatile long scratch[5];
    scratch[x % 5] = x;
    return level3((int)scratch[x % 5] + 1) * 5;
}

__attribute__((noipa)) int level1(int x)
{
    volatile char scratch[40];
    scratch[x % 40] = (char)x;
    return level2(scratch[x % 40] + 1) - 7;
}

static int compared;

__attribute__((noipa)) int compare_ints(const void *a, const void *b)
{
    if (compared++ == 0)
        print_backtrace("compare_ints");
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

__attribute__((noipa)) int repeated(int x)
{
    volatile int scratch[4];
    scratch[x & 3] = x;
    return scratch[x & 3] + 1;
}

__attribute__((noipa)) int sort_values(int seed)
{
    int values[32];
    for (int i = 0; i < 32; i++)
        values[i] = (seed * 7919 + i * 104729) % 1000;
    qsort(values, 32, sizeof values[0], compare_ints);
    return values[0] + values[31];
}

int main(int argc, char **argv)
{
    (void)argv;
    int result = level1(argc);
    result += sort_values(argc);
    for (int i = 0; i < 5; i++)
        result += repeated(i);
    printf("result %d\n", result);
    fflush(stdout);
    char buffer[64];
    while (read(0, buffer, sizeof buffer) > 0)
    {
    }
    return 0;
}
