// Hands show() a struct whose char arrays fill them or not, once: the kernel tests print the whole struct (print(*p),
// a map value, a tuple) and its members, and check that a string filling its array with no NUL ends with the
// str_trunc_trailer, as the newest bpftrace prints it (its DWARF types a char[N] member as string[N]).
// Built -O0 -g, so show() is a real call and the debug info describes struct names.
#include <stdio.h>

struct tag {
    char text[4];
};

struct names {
    int id;
    char full[8];       // eight letters, no NUL
    char fits[8];       // seven letters and the NUL
    char empty[4];
    struct tag tags[2]; // four letters with no NUL, then two and the NUL
    char grid[2][4];    // two strings: four letters with no NUL, then three and the NUL
};

__attribute__((noinline)) int show(struct names *n)
{
    return n->id;
}

int main(void)
{
    struct names n = {
        .id = 1,
        .full = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' },
        .fits = "seven!!",
        .empty = "",
        .tags = { { { 'w', 'x', 'y', 'z' } }, { "xy" } },
        .grid = { { 'p', 'q', 'r', 's' }, "tuv" },
    };
    printf("%d\n", show(&n));
    return 0;
}
