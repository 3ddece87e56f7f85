// Known structs behind pointers, for the pointer and record tests: visit() gets a pointer to a list node, a pointer
// into an int array and a pointer to a pointer to the second node. Built with -O0, visit is noinline, so the call
// really happens with these arguments.
#include <stdio.h>

struct point {
    int x;
    int y;
};

struct node {
    long id;
    struct point pos;
    int values[4];
    struct node *next;
};

__attribute__((noinline)) long visit(struct node *n, int *values, struct node **link)
{
    return n->id + values[0] + (*link)->id;
}

int main(void)
{
    struct node second = { .id = 2, .pos = { 30, 40 }, .values = { 5, 6, 7, 8 }, .next = 0 };
    struct node first = { .id = 1, .pos = { 10, 20 }, .values = { 1, 2, 3, 4 }, .next = &second };
    int values[5] = { 100, 200, 300, 400, 500 };
    struct node *link = &second;
    printf("%ld\n", visit(&first, values, &link));
    return 0;
}
