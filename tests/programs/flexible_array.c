// A struct ending in a flexible array member, for the zero-length array tests: consume() gets a packet whose
// data[] holds { 7, 8, 9 } past the struct's fixed part. Built with -O0, consume is noinline, so the call really
// happens with this argument.
#include <stdio.h>
#include <stdlib.h>

struct packet {
    int len;
    int data[];
};

__attribute__((noinline)) int consume(struct packet *p)
{
    return p->len + p->data[0];
}

int main(void)
{
    struct packet *p = malloc(sizeof(struct packet) + 3 * sizeof(int));
    if (!p)
        return 1;
    p->len = 3;
    p->data[0] = 7;
    p->data[1] = 8;
    p->data[2] = 9;
    printf("%d\n", consume(p));
    free(p);
    return 0;
}
