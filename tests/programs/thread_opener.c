// Starts one thread that renames itself "worker" (prctl PR_SET_NAME), opens the file named by argv[1] and
// exits; the main thread waits for it. Kernel tests trace the thread's openat() call: its comm is "worker",
// its thread group leader is the main thread (the process's pid, comm "thread_opener") and its parent process
// is whoever started the program.
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

static void *work(void *path)
{
    prctl(PR_SET_NAME, "worker", 0, 0, 0);
    int fd = open((const char *)path, O_RDONLY);
    if (fd >= 0)
        close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: thread_opener PATH\n");
        return 2;
    }
    pthread_t thread;
    if (pthread_create(&thread, NULL, work, argv[1]) != 0)
        return 1;
    pthread_join(thread, NULL);
    return 0;
}
