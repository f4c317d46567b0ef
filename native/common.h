/* Shared helpers of the native UDP baselines: argument parsing, clocks, CPU time, addresses. */
#ifndef ELARA_NATIVE_COMMON_H
#define ELARA_NATIVE_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

/* Up to this many datagrams per sendmmsg/recvmmsg call (the kernel's UIO_MAXIOV is 1024; 64 amortises the
 * syscall without making a batch's latency noticeable). */
#define BATCH_MAX 64
#define DATAGRAM_MAX 65507

static inline double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* User + system CPU time of the whole process, in microseconds (getrusage). */
static inline double cpu_microseconds(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec * 1e6 + (double)usage.ru_utime.tv_usec
         + (double)usage.ru_stime.tv_sec * 1e6 + (double)usage.ru_stime.tv_usec;
}

static inline long long parse_long(const char *name, const char *text, long long min, long long max)
{
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max) {
        fprintf(stderr, "invalid %s: %s (expected %lld..%lld)\n", name, text, min, max);
        exit(2);
    }
    return value;
}

/* Fills an IPv4 or IPv6 socket address from a literal; returns its length or exits. */
static inline socklen_t parse_address(const char *host, int port, struct sockaddr_storage *address)
{
    memset(address, 0, sizeof(*address));
    struct sockaddr_in *v4 = (struct sockaddr_in *)address;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)address;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        return sizeof(*v4);
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        return sizeof(*v6);
    }
    fprintf(stderr, "invalid address: %s\n", host);
    exit(2);
}

#endif
