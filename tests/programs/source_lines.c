// Source lines for uprobes by source location (uprobe:BIN@source_lines.c:LINE) and file:line in stacks.
// Usage: source_lines N [LINGER_MS]: calls lines_outer(N), which calls lines_leaf(N + 1), prints the result, and waits
// LINGER_MS milliseconds before exiting (so a tracer can still read its memory maps to name stack frames).
// Built -O0 -g: every line keeps its statements, and the leaf's argument stays in its register (rdi) throughout.
// The kernel tests name the lines below by number: keep them where they are.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

__attribute__((noinline)) int lines_leaf(int value)
{
    int doubled = value * 2;
    int tripled = doubled + value; // line 13: a uprobe here reads value as arg0
    return tripled;
}

__attribute__((noinline)) int lines_outer(int n)
{
    int result = lines_leaf(n + 1); // line 19
    return result - 1;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1;
    printf("%d\n", lines_outer(n)); // line 26
    fflush(stdout);
    int linger = argc > 2 ? atoi(argv[2]) : 0;
    struct timespec pause = { linger / 1000, (linger % 1000) * 1000000L };
    nanosleep(&pause, NULL);
    return 0;
}
