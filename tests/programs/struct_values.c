// Calls inspect(&first, 2), inspect(&second, 1), inspect(&first, 3), in that order, then prints the sum of the results.
// Kernel tests read whole structs, unions and arrays through inspect's arguments with uprobes: copied into
// variables and maps, used as map keys, their members and elements read back, indexed by arg1.
// inspect is noinline and the program is built with -O0, so every call happens and keeps its symbol.
#include <stdio.h>

struct point {
    int x;
    int y;
};

union word {
    unsigned int u;
    unsigned short halves[2];
};

struct record {
    int id;
    unsigned int counts[4];
    short samples[4];
    struct point origin;
    struct point corners[2];
    union word tag;
    char name[8];
};

__attribute__((noinline)) int inspect(struct record *r, int index)
{
    return r->samples[index];
}

int main(void)
{
    struct record first = {
        .id = 1, .counts = { 1, 2, 3, 4000000000u }, .samples = { -1, 2, -3, 4 }, .origin = { 3, -4 },
        .corners = { { 1, 2 }, { 5, 6 } }, .tag = { .u = 0x04030201 }, .name = "first",
    };
    struct record second = {
        .id = 2, .counts = { 10, 20, 30, 40 }, .samples = { 7, -8, 9, -10 }, .origin = { -5, 6 },
        .corners = { { 11, 12 }, { 13, 14 } }, .tag = { .u = 0xffffffff }, .name = "second",
    };
    int sum = inspect(&first, 2);
    sum += inspect(&second, 1);
    sum += inspect(&first, 3);
    printf("%d\n", sum);
    return 0;
}
