// A target for uaddr tests: globals of 1, 2, 4 and 8 bytes and a string, with known values. Prints their run-time
// addresses on one line and flushes, then waits for a line on stdin (the tracer attaches meanwhile), then calls
// uaddr_probe once and exits 0. test.sh builds it twice: as a PIE (the default) and with -no-pie.
#include <stdint.h>
#include <stdio.h>

uint8_t global_u8 = 0x12;
uint16_t global_u16 = 0x1234;
int32_t global_i32 = -5;
uint64_t global_u64 = 0x1122334455667788;
char global_text[16] = "uaddr-target";

__attribute__((noinline)) int uaddr_probe(int n)
{
    return n + global_i32;
}

int main(void)
{
    char line[16];
    printf("%p %p %p %p %p\n", (void *)&global_u8, (void *)&global_u16, (void *)&global_i32, (void *)&global_u64,
           (void *)global_text);
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin))
        return 2;
    return uaddr_probe(5) == 0 ? 0 : 1;
}
