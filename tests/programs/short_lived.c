// Calls outer, which calls middle, which calls leaf, once, then lives a moment longer (so that a tracer can read
// its mappings) and exits. Kernel tests take its user stack in leaf and print it after it has exited: its frames
// must still be named.
#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) int leaf(int x)
{
    return x * 2;
}

__attribute__((noinline)) int middle(int x)
{
    return leaf(x + 1) + 1;
}

__attribute__((noinline)) int outer(int x)
{
    return middle(x + 1) + 1;
}

int main(void)
{
    printf("%d\n", outer(1));
    fflush(stdout);
    usleep(300 * 1000);
    return 0;
}
