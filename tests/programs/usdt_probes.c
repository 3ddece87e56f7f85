// USDT probes (<sys/sdt.h>) with known arguments, for the usdt: kernel tests and the note and argument-spec unit tests.
// Usage: usdt_probes [ROUNDS] [--wait-for-semaphore]
//   Fires every probe ROUNDS times (1 by default), 100 ms apart, then prints "semaphore N" once per round:
//   the value of the usdt_probes:guarded semaphore as the program saw it. With --wait-for-semaphore it first waits
//   (up to 10 s) until a tracer raises that semaphore, then 200 ms more, so a test can start the program before attaching.
// Probes (provider usdt_probes unless named):
//   sizes      arg0 s8 -5, arg1 u8 250, arg2 s16 -30000, arg3 u16 60000, arg4 s32 -2000000000, arg5 u32 4000000000,
//              arg6 s64 -9000000000000000000, arg7 u64 18000000000000000000 (volatile locals: gcc loads them into registers of each width)
//   memory     the same values as sizes, read from the frame (N@-OFF(%rbp))
//   registers  arg0 s32 -7 in %eax, arg1 u16 65535 in %cx, arg2 s8 -1 in %dl, arg3 u64 in %rsi (0x1122334455667788)
//   constants  arg0 -4@$5-style constants: 5, -3, 1000000
//   indexed    arg0 the third element (-33) of an s32 array, read through a base+index*scale operand, arg1 its index 2
//   string     arg0 a pointer to "usdt string", arg1 11
//   twice      two locations of one probe: arg0 1 at the first, 2 at the second
//   other:twice  another provider's probe of the same name: arg0 3
//   globals    arg0 s32 -12345 and arg1 u64 0x8877665544332211 from globals, read relative to %rip with a symbol
//              (-4@usdt_probes_counter(%rip) 8@8+usdt_probes_pair(%rip), as gcc writes them at -O1)
//   guarded    a probe behind a semaphore: arg0 the round number, fired only while the semaphore is raised
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <time.h>

// The semaphore of usdt_probes:guarded, as `dtrace -G` declares one: tracers add 1 to it while they trace the probe.
unsigned short usdt_probes_guarded_semaphore __attribute__((unused)) __attribute__((section(".probes")));
#define GUARDED_ENABLED() __builtin_expect(usdt_probes_guarded_semaphore, 0)

static void sleep_ms(long ms)
{
    struct timespec delay = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&delay, NULL);
}

__attribute__((noinline)) static void sized(void)
{
    volatile int8_t s8 = -5;
    volatile uint8_t u8 = 250;
    volatile int16_t s16 = -30000;
    volatile uint16_t u16 = 60000;
    volatile int32_t s32 = -2000000000;
    volatile uint32_t u32 = 4000000000u;
    volatile int64_t s64 = -9000000000000000000LL;
    volatile uint64_t u64 = 18000000000000000000ULL;
    DTRACE_PROBE8(usdt_probes, sizes, s8, u8, s16, u16, s32, u32, s64, u64);
}

// Non-volatile locals stay in the frame at -O0: memory operands (N@-OFF(%rbp)) of every size.
__attribute__((noinline)) static void in_memory(void)
{
    int8_t s8 = -5;
    uint8_t u8 = 250;
    int16_t s16 = -30000;
    uint16_t u16 = 60000;
    int32_t s32 = -2000000000;
    uint32_t u32 = 4000000000u;
    int64_t s64 = -9000000000000000000LL;
    uint64_t u64 = 18000000000000000000ULL;
    DTRACE_PROBE8(usdt_probes, memory, s8, u8, s16, u16, s32, u32, s64, u64);
}

__attribute__((noinline)) static void in_registers(void)
{
    register int32_t a asm("eax") = -7;
    register uint16_t b asm("cx") = 65535;
    register int8_t c asm("dl") = -1;
    register uint64_t d asm("rsi") = 0x1122334455667788ULL;
    DTRACE_PROBE4(usdt_probes, registers, a, b, c, d);
}

__attribute__((noinline)) static void constants(void)
{
    DTRACE_PROBE3(usdt_probes, constants, 5, -3, 1000000);
}

// At -O1 gcc passes array[i] as a base+index*scale memory operand (8@(%rax,%rdx,4) and the like).
__attribute__((noinline, optimize("O1"))) static void indexed(volatile int32_t *array, long i)
{
    DTRACE_PROBE2(usdt_probes, indexed, array[i], i);
}

volatile int32_t usdt_probes_counter = -12345;
static volatile uint64_t usdt_probes_pair[2] = {7, 0x8877665544332211ULL};

// At -O1 gcc passes globals as memory operands relative to the instruction pointer, naming the symbol.
__attribute__((noinline, optimize("O1"))) static void globals(void)
{
    DTRACE_PROBE2(usdt_probes, globals, usdt_probes_counter, usdt_probes_pair[1]);
}

__attribute__((noinline)) static void strings(void)
{
    const char *text = "usdt string";
    DTRACE_PROBE2(usdt_probes, string, text, strlen(text));
}

__attribute__((noinline)) static void twice(void)
{
    DTRACE_PROBE1(usdt_probes, twice, 1);
    DTRACE_PROBE1(usdt_probes, twice, 2);
    DTRACE_PROBE1(other, twice, 3);
}

// Only this probe has a semaphore: its note names the semaphore's address where the others have 0 (what sdt.h
// does for every probe when _SDT_HAS_SEMAPHORES is defined before it is included).
#undef _SDT_SEMAPHORE
#define _SDT_SEMAPHORE(p, n) _SDT_ASM_1(_SDT_ASM_ADDR p##_##n##_semaphore)

__attribute__((noinline)) static void guarded(int round)
{
    if (GUARDED_ENABLED())
        DTRACE_PROBE1(usdt_probes, guarded, round);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 1;
    if (argc > 2 && strcmp(argv[2], "--wait-for-semaphore") == 0)
    {
        for (int waited = 0; waited < 1000 && !GUARDED_ENABLED(); waited++)
            sleep_ms(10);
        // The kernel raises the semaphore when the probe's perf event opens, before the tracer sets its program on
        // the event: give it time to, so that the first round is seen.
        sleep_ms(200);
    }
    volatile int32_t array[4] = {-11, -22, -33, -44};
    for (int round = 1; round <= rounds; round++)
    {
        sized();
        in_memory();
        in_registers();
        constants();
        indexed(array, 2);
        strings();
        globals();
        twice();
        guarded(round);
        printf("semaphore %d\n", usdt_probes_guarded_semaphore);
        fflush(stdout);
        if (round < rounds)
            sleep_ms(100);
    }
    return 0;
}
