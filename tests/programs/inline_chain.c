// An inlined function between two others: main -> inline_outer -> inline_middle (static inline) -> inline_leaf.
// Usage: inline_chain N [LINGER_MS]: prints inline_outer(N), then waits LINGER_MS milliseconds (so a tracer can
// still read its memory maps to name stack frames). Tests build it themselves -O2 -g -fno-omit-frame-pointer (some
// with -gsplit-dwarf), not as test.sh's -O0 out/ build: inline_middle is then inlined into inline_outer, and its
// first call's return address lies in inline_middle's code (the second call's argument), so that frame is
// inline_middle inside inline_outer. The volatile array gives inline_leaf a frame (push %rbp), so the kernel's
// frame-pointer walk from its first instruction keeps its caller. The kernel test names lines 18 (the second
// call's argument) and 23 (inline_outer's call) by number: keep them where they are.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

volatile int sink;
__attribute__((noinline)) int inline_leaf(int x) { volatile int scratch[4]; scratch[x & 3] = x; return scratch[x & 3] * 2; }
static inline int inline_middle(int x)
{
    int r = inline_leaf(x + 1);
    r = inline_leaf(r + 100);
    return r + 1;
}
__attribute__((noinline)) int inline_outer(int x)
{
    int r = inline_middle(x + 1);
    sink = r;
    return r - 1;
}

int main(int argc, char **argv)
{
    printf("%d\n", inline_outer(argc));
    fflush(stdout);
    int linger = argc > 2 ? atoi(argv[2]) : 0;
    struct timespec pause = { linger / 1000, (linger % 1000) * 1000000L };
    nanosleep(&pause, NULL);
    return 0;
}
