// Structs only the program's DWARF describes, for casts and struct names in uprobe probes (the newest bpftrace's
// tests/runtime/dwarf "cast to struct", "struct override", "complex type declaration", whose functions are named so).
// Usage: dwarf_structs: calls each function once with known values and exits.
// Built -O0 -g, so every call happens and the debug info describes every struct.
#include <stdio.h>

struct Foo {
    int a;
    char b[10];
    int c[3];
};

struct Bar {
    int x;
    struct Foo *foos[2];
    struct Foo nested;
};

// A tag the kernel's BTF has too, laid out differently: in a uprobe of this program, the program's wins.
struct thread_info {
    int status;
    int marker;
};

__attribute__((noinline)) struct Foo *uprobeFunction2(struct Foo *foo1, struct Foo *foo2)
{
    return foo1->a > foo2->a ? foo1 : foo2;
}

__attribute__((noinline)) struct Bar *uprobeFunctionBar(struct Bar *bar)
{
    return bar;
}

__attribute__((noinline)) int uprobeFunctionInfo(struct thread_info *info)
{
    return info->status + info->marker;
}

int main(void)
{
    struct Foo foo1 = {.a = 123, .b = "hello", .c = {1, 2, 3}};
    struct Foo foo2 = {.a = 456, .b = "world", .c = {4, 5, 6}};
    struct Bar bar = {.x = 42, .foos = {&foo1, &foo2}, .nested = foo1};
    struct thread_info info = {.status = 7, .marker = 9};
    int sum = uprobeFunction2(&foo1, &foo2)->a + uprobeFunctionBar(&bar)->x + uprobeFunctionInfo(&info);
    printf("done %d\n", sum);
    return 0;
}
