// Hands fill() a struct of a pointer to bytes and arrays of chars, bytes and wider integers: the kernel tests read
// them with buf() from a uprobe (the newest bpftrace's runtime/call "buf" case, on a program of our own).
// fill is noinline and the program is built with -O0, so the call happens and keeps its symbol.
#include <stdint.h>
#include <stdio.h>

struct arrays {
    const char *text;
    char chars[4];
    uint8_t bytes[4];
    int ints[4];
    uint16_t halves[4];
    uint64_t words[4];
};

__attribute__((noinline)) int fill(struct arrays *a)
{
    return a->bytes[0];
}

int main(void)
{
    // On the stack, so that its page is present: a uprobe cannot fault a page in to read it.
    char text[4] = { 9, 8, 7, 6 };
    struct arrays a = {
        .text = text, .chars = { 5, 4, 3, 2 }, .bytes = { 1, 2, 3, 4 }, .ints = { 5, 6, 7, 8 },
        .halves = { 9, 10, 11, 12 }, .words = { 13, 14, 15, 16 },
    };
    printf("%d\n", fill(&a));
    return 0;
}
