/* udp-blast: sendmmsg load generator for the Elara.Fast ingress benchmarks.
 *
 *   udp-blast --dest 127.0.0.1 --port 9000 --size 200 --count 1000000 [--rate 0] [--batch 64]
 *
 * Sends --count datagrams of --size bytes to --dest:--port in sendmmsg batches of --batch, paced to --rate
 * datagrams/s (0 = as fast as the sending core allows). Each datagram starts with byte 0x00 (ELARA version 0,
 * suite 0, so the demultiplexer classifies it as an ELARA frame) and carries its sequence number (u64 LE) at
 * offset 8, so a receiver can check order and loss. Prints one line:
 *   udp-blast sent=N seconds=S pps=P cpu_us=C cpu_us_per_pkt=X
 * where CPU is user + system time of this process over the send loop (getrusage).
 */
#include "common.h"

#include <unistd.h>

static void usage(void)
{
    fprintf(stderr, "usage: udp-blast --dest ADDR --port PORT [--size BYTES] [--count N] [--rate PPS] [--batch N]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *dest = "127.0.0.1";
    int port = 0;
    long long size = 200, count = 1000000, rate = 0, batch = BATCH_MAX;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) usage();
        const char *name = argv[i], *value = argv[++i];
        if (strcmp(name, "--dest") == 0) dest = value;
        else if (strcmp(name, "--port") == 0) port = (int)parse_long(name, value, 1, 65535);
        else if (strcmp(name, "--size") == 0) size = parse_long(name, value, 16, DATAGRAM_MAX);
        else if (strcmp(name, "--count") == 0) count = parse_long(name, value, 1, (long long)1 << 40);
        else if (strcmp(name, "--rate") == 0) rate = parse_long(name, value, 0, 1000000000);
        else if (strcmp(name, "--batch") == 0) batch = parse_long(name, value, 1, BATCH_MAX);
        else usage();
    }
    if (port == 0) usage();

    struct sockaddr_storage address;
    socklen_t address_length = parse_address(dest, port, &address);
    int fd = socket(address.ss_family, SOCK_DGRAM, 0);
    if (fd < 0) { perror("socket"); return 1; }
    int sndbuf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));

    static unsigned char buffers[BATCH_MAX][DATAGRAM_MAX < 2048 ? DATAGRAM_MAX : 2048];
    unsigned char *large = NULL;
    struct iovec iov[BATCH_MAX];
    struct mmsghdr messages[BATCH_MAX];
    memset(messages, 0, sizeof(messages));
    if (size > 2048) {
        large = calloc((size_t)BATCH_MAX, (size_t)size);
        if (large == NULL) { perror("calloc"); return 1; }
    }
    for (int i = 0; i < BATCH_MAX; i++) {
        unsigned char *buffer = large ? large + (size_t)i * (size_t)size : buffers[i];
        memset(buffer, 0xA5, (size_t)size);
        buffer[0] = 0x00;
        iov[i].iov_base = buffer;
        iov[i].iov_len = (size_t)size;
        messages[i].msg_hdr.msg_name = &address;
        messages[i].msg_hdr.msg_namelen = address_length;
        messages[i].msg_hdr.msg_iov = &iov[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }

    long long sent = 0, errors = 0;
    double cpu_start = cpu_microseconds();
    double start = now_seconds();
    while (sent < count) {
        int n = (int)(count - sent < batch ? count - sent : batch);
        for (int i = 0; i < n; i++) {
            uint64_t sequence = (uint64_t)(sent + i);
            memcpy((unsigned char *)iov[i].iov_base + 8, &sequence, sizeof(sequence));
        }
        int done = sendmmsg(fd, messages, (unsigned int)n, 0);
        if (done < 0) {
            /* ENOBUFS/ECONNREFUSED (ICMP from a closed port) are counted, never fatal: the receiver may be late. */
            errors++;
            if (errno != ENOBUFS && errno != ECONNREFUSED && errno != EAGAIN) { perror("sendmmsg"); return 1; }
            continue;
        }
        sent += done;
        if (rate > 0) {
            double due = start + (double)sent / (double)rate;
            double wait = due - now_seconds();
            if (wait > 0) {
                struct timespec ts = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
                nanosleep(&ts, NULL);
            }
        }
    }
    double seconds = now_seconds() - start;
    double cpu = cpu_microseconds() - cpu_start;
    printf("udp-blast sent=%lld seconds=%.3f pps=%.0f cpu_us=%.0f cpu_us_per_pkt=%.3f errors=%lld\n",
           sent, seconds, (double)sent / seconds, cpu, cpu / (double)sent, errors);
    free(large);
    close(fd);
    return 0;
}
