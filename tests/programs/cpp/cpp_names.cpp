// C++ functions for uprobes named by their demangled names (uprobe:BIN:cpp:"shapes::area"): namespaced
// functions, an overload set, a class method and a function in a nested namespace.
// Usage: cpp_names N: calls each function N times with known values and prints "done".
// Built -O0 -g (and once more -gsplit-dwarf, for split DWARF), so every call happens and the debug info names every
// parameter.
#include <cstdio>
#include <cstdlib>

namespace shapes {

struct point {
    int x;
    int y;
};

__attribute__((noinline)) long area(int width, int height)
{
    return (long)width * height;
}

__attribute__((noinline)) long scale(int factor)
{
    return factor * 2L;
}

__attribute__((noinline)) long scale(long factor, short divisor)
{
    return factor / divisor;
}

class counter {
public:
    explicit counter(int start) : value_(start) {}

    __attribute__((noinline)) int add(int step, const point *where)
    {
        value_ += step + where->x + where->y;
        return value_;
    }

private:
    int value_;
};

namespace detail {

__attribute__((noinline)) unsigned check(unsigned code)
{
    return code ^ 1u;
}

} // namespace detail
} // namespace shapes

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: cpp_names N\n");
        return 2;
    }
    int n = std::atoi(argv[1]);
    shapes::point where = {3, -4};
    shapes::counter count(10);
    long sum = 0;
    for (int i = 0; i < n; i++) {
        sum += shapes::area(i + 6, 7);
        sum += shapes::scale(21);
        sum += shapes::scale(-9000000000L, (short)-3);
        sum += count.add(5, &where);
        sum += shapes::detail::check(41u);
    }
    std::printf("done %d\n", sum != 0);
    return 0;
}
