/* udp-sink: recvmmsg receiver, the kernel limit the Elara.Fast ingress paths are judged against.
 *
 *   udp-sink --port 9000 [--bind 127.0.0.1] [--expect N] [--idle-ms 1000] [--batch 64] [--rcvbuf BYTES]
 *
 * Receives in recvmmsg batches until --expect datagrams arrived or no datagram arrived for --idle-ms after the
 * first one. Measures from the first datagram: packets/s, loss against --expect, and CPU time (user + system,
 * getrusage) per received datagram. Prints "udp-sink ready" on stderr once bound, then one line on stdout:
 *   udp-sink received=N expected=E loss_pct=L seconds=S pps=P cpu_us=C cpu_us_per_pkt=X
 */
#include "common.h"

#include <unistd.h>

static void usage(void)
{
    fprintf(stderr, "usage: udp-sink --port PORT [--bind ADDR] [--expect N] [--idle-ms MS] [--batch N] [--rcvbuf BYTES]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *bind_address = "127.0.0.1";
    int port = 0;
    long long expect = 0, idle_ms = 1000, batch = BATCH_MAX, rcvbuf = 4 << 20;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) usage();
        const char *name = argv[i], *value = argv[++i];
        if (strcmp(name, "--port") == 0) port = (int)parse_long(name, value, 1, 65535);
        else if (strcmp(name, "--bind") == 0) bind_address = value;
        else if (strcmp(name, "--expect") == 0) expect = parse_long(name, value, 0, (long long)1 << 40);
        else if (strcmp(name, "--idle-ms") == 0) idle_ms = parse_long(name, value, 1, 600000);
        else if (strcmp(name, "--batch") == 0) batch = parse_long(name, value, 1, BATCH_MAX);
        else if (strcmp(name, "--rcvbuf") == 0) rcvbuf = parse_long(name, value, 4096, 1 << 30);
        else usage();
    }
    if (port == 0) usage();

    struct sockaddr_storage address;
    socklen_t address_length = parse_address(bind_address, port, &address);
    int fd = socket(address.ss_family, SOCK_DGRAM, 0);
    if (fd < 0) { perror("socket"); return 1; }
    int buffer_size = (int)rcvbuf;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_size, sizeof(buffer_size));
    if (bind(fd, (struct sockaddr *)&address, address_length) != 0) { perror("bind"); return 1; }
    /* A receive timeout lets the loop notice the idle deadline without a second thread. */
    struct timeval timeout = { 0, 100 * 1000 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    fprintf(stderr, "udp-sink ready\n");

    static unsigned char buffers[BATCH_MAX][2048];
    static struct sockaddr_storage sources[BATCH_MAX];
    struct iovec iov[BATCH_MAX];
    struct mmsghdr messages[BATCH_MAX];
    memset(messages, 0, sizeof(messages));
    for (int i = 0; i < BATCH_MAX; i++) {
        iov[i].iov_base = buffers[i];
        iov[i].iov_len = sizeof(buffers[i]);
        messages[i].msg_hdr.msg_iov = &iov[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        messages[i].msg_hdr.msg_name = &sources[i];
    }

    long long received = 0, bytes = 0;
    double first = 0, last = 0, cpu_first = 0;
    for (;;) {
        for (int i = 0; i < batch; i++) messages[i].msg_hdr.msg_namelen = sizeof(sources[i]);
        int n = recvmmsg(fd, messages, (unsigned int)batch, MSG_WAITFORONE, NULL);
        double now = now_seconds();
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { perror("recvmmsg"); return 1; }
            if (received > 0 && (now - last) * 1000.0 >= (double)idle_ms) break;
            continue;
        }
        if (received == 0) { first = now; cpu_first = cpu_microseconds(); }
        received += n;
        for (int i = 0; i < n; i++) bytes += messages[i].msg_len;
        last = now;
        if (expect > 0 && received >= expect) break;
    }
    /* CPU from the first datagram to the end (the idle tail blocks in the kernel and costs next to nothing). */
    double cpu = cpu_microseconds() - cpu_first;
    double seconds = last - first;
    if (seconds <= 0) seconds = 1e-9;
    double loss = expect > 0 ? 100.0 * (double)(expect - received) / (double)expect : 0.0;
    printf("udp-sink received=%lld expected=%lld loss_pct=%.3f seconds=%.3f pps=%.0f cpu_us=%.0f cpu_us_per_pkt=%.3f bytes=%lld\n",
           received, expect, loss, seconds, (double)received / seconds, cpu, cpu / (double)(received > 0 ? received : 1), bytes);
    close(fd);
    return 0;
}
