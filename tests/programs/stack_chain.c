// Calls outer, which calls middle, which calls inner, once; prints the result; then waits until stdin is closed.
// Kernel tests walk its user stack from a uprobe in inner (frame pointers: built with -fno-omit-frame-pointer) and
// need the process alive afterwards, because user frames are named through /proc/PID/maps when they are printed.
#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) int inner(int x)
{
    return x * 2;
}

__attribute__((noinline)) int middle(int x)
{
    return inner(x + 1) + 1;
}

__attribute__((noinline)) int outer(int x)
{
    return middle(x + 1) + 1;
}

int main(void)
{
    printf("%d\n", outer(1));
    fflush(stdout);
    char buffer[64];
    while (read(0, buffer, sizeof buffer) > 0)
    {
    }
    return 0;
}
