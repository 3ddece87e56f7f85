// Creates one AF_INET socket, two AF_INET6 sockets and three AF_UNIX sockets, then exits.
// Kernel tests trace its socket() calls and count them by address family.
#include <sys/socket.h>
#include <unistd.h>

static void open_socket(int family)
{
    int fd = socket(family, SOCK_DGRAM, 0);
    if (fd >= 0)
        close(fd);
}

int main(void)
{
    open_socket(AF_INET);
    open_socket(AF_INET6);
    open_socket(AF_INET6);
    open_socket(AF_UNIX);
    open_socket(AF_UNIX);
    open_socket(AF_UNIX);
    return 0;
}
