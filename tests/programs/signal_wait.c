// Waits for SIGUSR1 or SIGUSR2, calling getppid() every 10 ms so that a probe on that system call can send one.
// Prints "got signal N" and exits 0 when one arrives; exits 3 when none came within 20 seconds.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t received;

static void handle(int signal)
{
    received = signal;
}

int main(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handle;
    sigaction(SIGUSR1, &action, NULL);
    sigaction(SIGUSR2, &action, NULL);
    for (int i = 0; i < 2000 && !received; i++) {
        getppid();
        usleep(10000);
    }
    if (!received)
        return 3;
    printf("got signal %d\n", (int)received);
    return 0;
}
