/* The overload suite's client (tests/suites/overload.sh): opens N
 * connections to 127.0.0.1:PORT from the loopback source addresses
 * 127.0.0.FIRST .. 127.0.0.(FIRST+COUNT-1), round robin, and either holds
 * them silent (INTERVAL_MS 0) or sends the start of a request and then one
 * more header line on each every INTERVAL_MS, never the blank line that
 * would end the headers (a slow-header attack). It notices when the server
 * closes one (end of file, reset, a failed send) and prints, one per line:
 *   opened N            connections the kernel accepted
 *   alive_at_check K    still open CHECK_MS after the start
 *   alive_at_end K      still open at TOTAL_MS, when it stops
 * Bounded: at most 4,000 connections and 60 seconds; loopback only.
 * Usage: overload_client PORT FIRST COUNT N INTERVAL_MS CHECK_MS TOTAL_MS */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 4000
#define MAX_MS 60000

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static int fds[MAX_CONNS];

static int open_one(unsigned port, unsigned src)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_in from = {.sin_family = AF_INET, .sin_port = 0};
    from.sin_addr.s_addr = htonl(0x7f000000u | src); /* 127.0.0.src */
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&from, sizeof from) != 0 || connect(fd, (struct sockaddr *)&to, sizeof to) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Closes and forgets the connections the server has closed; returns how many are open. */
static int reap(int n)
{
    int alive = 0;
    for (int i = 0; i < n; i++) {
        if (fds[i] < 0) continue;
        struct pollfd p = {.fd = fds[i], .events = POLLIN | POLLRDHUP};
        char b[256];
        if (poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR) ||
                                   (p.revents & POLLIN && recv(fds[i], b, sizeof b, MSG_DONTWAIT) <= 0))) {
            close(fds[i]);
            fds[i] = -1;
            continue;
        }
        alive++;
    }
    return alive;
}

static void send_all(int n, const char *text)
{
    for (int i = 0; i < n; i++) {
        if (fds[i] < 0) continue;
        if (send(fds[i], text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN) {
            close(fds[i]);
            fds[i] = -1;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: %s PORT FIRST COUNT N INTERVAL_MS CHECK_MS TOTAL_MS\n", argv[0]);
        return 2;
    }
    unsigned port = (unsigned)atoi(argv[1]), first = (unsigned)atoi(argv[2]), count = (unsigned)atoi(argv[3]);
    int n = atoi(argv[4]);
    long interval = atol(argv[5]), check = atol(argv[6]), total = atol(argv[7]);
    if (port == 0 || port > 65535 || first < 1 || count < 1 || first + count > 255 || n < 1 || n > MAX_CONNS ||
        interval < 0 || check < 0 || total < check || total > MAX_MS) {
        fprintf(stderr, "%s: arguments out of range\n", argv[0]);
        return 2;
    }
    long start = now_ms();
    int opened = 0;
    for (int i = 0; i < n; i++) {
        fds[i] = open_one(port, first + (unsigned)i % count);
        if (fds[i] >= 0) opened++;
        static const char start_line[] = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        if (fds[i] >= 0 && interval > 0) send(fds[i], start_line, sizeof start_line - 1, MSG_NOSIGNAL);
    }
    printf("opened %d\n", opened);
    fflush(stdout);
    int line = 0, checked = 0;
    long next_send = now_ms() + interval;
    while (now_ms() - start < total) {
        usleep(20000);
        if (!checked && now_ms() - start >= check) {
            printf("alive_at_check %d\n", reap(n));
            fflush(stdout);
            checked = 1;
        }
        if (interval > 0 && now_ms() >= next_send) {
            char h[48];
            snprintf(h, sizeof h, "X-Slow-%d: 1\r\n", line++);
            send_all(n, h);
            next_send += interval;
        }
        reap(n);
    }
    if (!checked) printf("alive_at_check %d\n", reap(n));
    printf("alive_at_end %d\n", reap(n));
    for (int i = 0; i < n; i++)
        if (fds[i] >= 0) close(fds[i]);
    return 0;
}
