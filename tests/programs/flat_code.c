// Runs code from a file that is no ELF file (a flat binary, as a JIT cache or a loader maps one): maps FILE
// executable, calls its first byte as int (*)(int) with N, and prints what it returns.
// Usage: flat_code FILE N
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: flat_code FILE N\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    void *code = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    int (*function)(int) = (int (*)(int))code;
    printf("%d\n", function(atoi(argv[2])));
    munmap(code, 4096);
    close(fd);
    return 0;
}
