// A function with an enum parameter, for enum-typed uprobe arguments (args.NAME printed by its enumerator's name).
// Usage: enum_args: calls set_mode with MODE_BUSY, MODE_DONE and 7 (a value no enumerator has), then prints "done".
// Built -O0 -g, so every call happens and the debug info types the parameter as the enum.
#include <stdio.h>

enum mode { MODE_IDLE = 0, MODE_BUSY = 2, MODE_DONE = 5 };

__attribute__((noinline)) int set_mode(enum mode m, int step)
{
    return (int)m + step;
}

int main(void)
{
    int sum = 0;
    sum += set_mode(MODE_BUSY, 1);
    sum += set_mode(MODE_DONE, 2);
    sum += set_mode((enum mode)7, 3);
    printf("done %d\n", sum);
    return 0;
}
