// Opens the file named by argv[1] once, then exits.
// Kernel tests trace its openat() call; whether the file exists does not matter,
// the system call is made either way, so the exit code is 0 unless usage is wrong.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: opener PATH\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd >= 0)
        close(fd);
    return 0;
}
