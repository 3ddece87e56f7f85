// Calls target_add(i, 1) for i = 0 .. N-1 (N from argv[1]), then prints the sum.
// Kernel tests attach uprobes and uretprobes to target_add; it is noinline and the
// program is built with -O0, so every call really happens and keeps its symbol.
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int target_add(int a, int b)
{
    return a + b;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: uprobe_target N\n");
        return 2;
    }
    int n = atoi(argv[1]);
    long sum = 0;
    for (int i = 0; i < n; i++)
        sum += target_add(i, 1);
    printf("%ld\n", sum);
    return 0;
}
