/* 1,000 functions fn_000 .. fn_999 (each returns its argument plus its number), called once each in order,
 * then fn_000 four more times: a test attaches 1,000+ uprobes and knows every count. */
#include <stdio.h>

#define F(n) __attribute__((noinline)) int fn_##n(int x) { return x + 1##n - 1000; }
#define F10(p) F(p##0) F(p##1) F(p##2) F(p##3) F(p##4) F(p##5) F(p##6) F(p##7) F(p##8) F(p##9)
#define F100(p) F10(p##0) F10(p##1) F10(p##2) F10(p##3) F10(p##4) F10(p##5) F10(p##6) F10(p##7) F10(p##8) F10(p##9)
F100(0) F100(1) F100(2) F100(3) F100(4) F100(5) F100(6) F100(7) F100(8) F100(9)

#define P(n) fn_##n,
#define P10(p) P(p##0) P(p##1) P(p##2) P(p##3) P(p##4) P(p##5) P(p##6) P(p##7) P(p##8) P(p##9)
#define P100(p) P10(p##0) P10(p##1) P10(p##2) P10(p##3) P10(p##4) P10(p##5) P10(p##6) P10(p##7) P10(p##8) P10(p##9)
static int (*const functions[])(int) = { P100(0) P100(1) P100(2) P100(3) P100(4) P100(5) P100(6) P100(7) P100(8) P100(9) };

int main(void)
{
    long sum = 0;
    for (unsigned i = 0; i < sizeof functions / sizeof functions[0]; i++)
        sum += functions[i](0);
    for (int i = 0; i < 4; i++)
        sum += fn_000(0);
    printf("%ld\n", sum);
    return 0;
}
