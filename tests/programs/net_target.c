// Passes known bytes to buffer_sink (for buf() and %r), then connects a UDP socket to 127.0.0.1:PORT and one to
// [::1]:PORT (PORT from argv[1]) so that sys_enter_connect sees real sockaddrs. UDP connect sends nothing and
// needs no listener. Built with -O0, so buffer_sink keeps its symbol and its call.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

__attribute__((noinline)) int buffer_sink(const unsigned char *data, int len)
{
    return data[0] + len;
}

static int connect_udp(int family, const struct sockaddr *address, socklen_t length)
{
    int fd = socket(family, SOCK_DGRAM, 0);
    if (fd < 0 || connect(fd, address, length) != 0) {
        perror("connect");
        return 1;
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: net_target PORT\n");
        return 2;
    }
    int port = atoi(argv[1]);
    const unsigned char bytes[] = { 'h', 'i', 0, 1, 0x7f, 0xff, '"', '\\', '\n', 'z' };
    buffer_sink(bytes, sizeof bytes);

    struct sockaddr_in v4;
    memset(&v4, 0, sizeof v4);
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct sockaddr_in6 v6;
    memset(&v6, 0, sizeof v6);
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port);
    v6.sin6_addr = in6addr_loopback;
    return connect_udp(AF_INET, (struct sockaddr *)&v4, sizeof v4)
        | connect_udp(AF_INET6, (struct sockaddr *)&v6, sizeof v6);
}
