// Calls test_arrays(&a) once with a struct holding an int array and a uint8_t array (0xaa, 0xbb, 0xcc, 0xdd), the
// shape of the newest bpftrace's testprogs/array_access: its runtime/array "cast int array to int proberead" reads
// the uint8_t array as an int32. test_arrays is noinline and the program is built with -O0, so the call happens.
#include <stdint.h>
#include <stdio.h>

struct A {
    int x[4];
    uint8_t y[4];
};

__attribute__((noinline)) int test_arrays(struct A *a)
{
    return a->x[0] + a->y[0];
}

int main(void)
{
    struct A a = { .x = { 1, 2, 3, 4 }, .y = { 0xaa, 0xbb, 0xcc, 0xdd } };
    printf("%d\n", test_arrays(&a));
    return 0;
}
