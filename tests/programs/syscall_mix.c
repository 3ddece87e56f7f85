/* Makes a known number of chosen system calls through syscall(2), so a test knows exactly which syscalls
 * tracepoints fire, how often and with which arguments and return values:
 *   getppid x7, uname x3 (sys_enter_newuname), stat("/") x2 (sys_enter_newstat),
 *   kill(2147483647, 0) x5 and getpgid(2147483646) x4 (both fail with ESRCH, -3),
 *   getsid(2147483645) x2 and sched_getscheduler(2147483644) x1 (ESRCH too). */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void)
{
    struct utsname name;
    struct stat st;
    for (int i = 0; i < 7; i++)
        syscall(SYS_getppid);
    for (int i = 0; i < 3; i++)
        syscall(SYS_uname, &name);
    for (int i = 0; i < 2; i++)
        syscall(SYS_stat, "/", &st);
    for (int i = 0; i < 5; i++)
        syscall(SYS_kill, 2147483647, 0);
    for (int i = 0; i < 4; i++)
        syscall(SYS_getpgid, 2147483646);
    for (int i = 0; i < 2; i++)
        syscall(SYS_getsid, 2147483645);
    syscall(SYS_sched_getscheduler, 2147483644);
    return 0;
}
