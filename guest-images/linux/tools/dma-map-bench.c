// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dma-map-bench: one run of Linux's streaming-DMA mapping benchmark
 * (CONFIG_DMA_MAP_BENCHMARK, kernel/dma/map_benchmark.c), printed as one
 * line of key=value pairs for the test guest.
 *
 * The kernel side is a driver, dma_map_benchmark, that a device is bound
 * to (driver_override); it then offers /sys/kernel/debug/dma_map_benchmark,
 * whose one ioctl maps and unmaps a buffer of 'granule' pages in a loop on
 * 'threads' kernel threads for 'seconds' seconds and returns the mean and
 * standard deviation of the time one map and one unmap took, in units of
 * 100 ns of the guest's clock.
 *
 *   dma-map-bench [-s SECONDS] [-t THREADS] [-g PAGES] [-b DMA_BITS]
 *                 [-d bidir|to|from] [-x TRANSFER_NS] [-n NODE] [-f FILE]
 *
 * Output, on success (exit 0):
 *
 *   dma-map-bench: map_avg=M map_sd=S unmap_avg=U unmap_sd=V unit=100ns
 *   threads=1 seconds=1 granule=1 dma_bits=32 dir=bidir transfer_ns=0 node=-1
 *
 * (one line).  On failure a message naming the step on standard error
 * and exit 1; bad options exit 2.
 *
 * Built static for arm64 by guest-images/linux/build.py, only into the
 * guests of kernels built from source (Debian's kernels lack the driver).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/*
 * The request and its answer.  Linux 6.1 declares it in
 * include/linux/map_benchmark.h (later releases moved it to
 * include/uapi/linux/map_benchmark.h): four 64-bit results, seven 32-bit
 * parameters (node signed), then 76 reserved bytes; 136 bytes in all,
 * which the ioctl number encodes.
 */
struct dmab_request {
    uint64_t map_avg_100ns;
    uint64_t map_sd_100ns;
    uint64_t unmap_avg_100ns;
    uint64_t unmap_sd_100ns;
    uint32_t threads;
    uint32_t seconds;
    int32_t node;
    uint32_t dma_bits;
    uint32_t dma_dir;
    uint32_t transfer_ns;
    uint32_t granule;
    uint8_t reserved[76];
};

_Static_assert(sizeof(struct dmab_request) == 136,
               "struct map_benchmark is 136 bytes in Linux");

/* Read-write ioctl 1 of type 'd' carrying the request. */
#define DMAB_IOCTL _IOWR('d', 1, struct dmab_request)

/* Direction codes of the interface (not enum dma_data_direction). */
static const struct {
    const char *name;
    uint32_t code;
} directions[] = {
    { "bidir", 0 },
    { "to", 1 },
    { "from", 2 },
};

#define DEFAULT_FILE "/sys/kernel/debug/dma_map_benchmark"

static void usage(const char *why)
{
    fprintf(stderr, "dma-map-bench: %s\n"
            "usage: dma-map-bench [-s SECONDS] [-t THREADS] [-g PAGES] "
            "[-b DMA_BITS] [-d bidir|to|from] [-x TRANSFER_NS] [-n NODE] "
            "[-f FILE]\n", why);
    exit(2);
}

/* A decimal number in [lo, hi], or usage() naming the option. */
static long number(int opt, const char *text, long lo, long hi)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < lo || v > hi) {
        char msg[96];

        snprintf(msg, sizeof(msg), "-%c: '%s' is not a number in %ld..%ld",
                 opt, text, lo, hi);
        usage(msg);
    }
    return v;
}

int main(int argc, char **argv)
{
    struct dmab_request req;
    const char *file = DEFAULT_FILE;
    const char *dir_name = "bidir";
    size_t i;
    int opt, fd;

    memset(&req, 0, sizeof(req));
    req.threads = 1;
    req.seconds = 1;
    req.node = -1;
    req.dma_bits = 32;
    req.dma_dir = 0;
    req.granule = 1;

    /* The kernel checks every value again; these bounds are its own. */
    while ((opt = getopt(argc, argv, "s:t:g:b:d:x:n:f:")) != -1) {
        switch (opt) {
        case 's':
            req.seconds = number(opt, optarg, 1, 300);
            break;
        case 't':
            req.threads = number(opt, optarg, 1, 1024);
            break;
        case 'g':
            req.granule = number(opt, optarg, 1, 1024);
            break;
        case 'b':
            req.dma_bits = number(opt, optarg, 1, 64);
            break;
        case 'x':
            req.transfer_ns = number(opt, optarg, 0, 10000000);
            break;
        case 'n':
            req.node = number(opt, optarg, -1, 1 << 20);
            break;
        case 'f':
            file = optarg;
            break;
        case 'd':
            for (i = 0; i < sizeof(directions) / sizeof(directions[0]); i++) {
                if (!strcmp(optarg, directions[i].name)) {
                    break;
                }
            }
            if (i == sizeof(directions) / sizeof(directions[0])) {
                usage("-d: direction must be bidir, to or from");
            }
            dir_name = directions[i].name;
            req.dma_dir = directions[i].code;
            break;
        default:
            usage("unknown option");
        }
    }
    if (optind != argc) {
        usage("no arguments expected besides the options");
    }

    fd = open(file, O_RDWR);
    if (fd < 0) {
        fprintf(stderr, "dma-map-bench: open %s: %s (is a device bound to "
                "the dma_map_benchmark driver, debugfs mounted?)\n",
                file, strerror(errno));
        return 1;
    }
    if (ioctl(fd, DMAB_IOCTL, &req) < 0) {
        fprintf(stderr, "dma-map-bench: ioctl on %s: %s (the kernel log "
                "says why)\n", file, strerror(errno));
        close(fd);
        return 1;
    }
    close(fd);

    printf("dma-map-bench: map_avg=%llu map_sd=%llu unmap_avg=%llu "
           "unmap_sd=%llu unit=100ns threads=%u seconds=%u granule=%u "
           "dma_bits=%u dir=%s transfer_ns=%u node=%d\n",
           (unsigned long long)req.map_avg_100ns,
           (unsigned long long)req.map_sd_100ns,
           (unsigned long long)req.unmap_avg_100ns,
           (unsigned long long)req.unmap_sd_100ns,
           req.threads, req.seconds, req.granule, req.dma_bits, dir_name,
           req.transfer_ns, req.node);
    return 0;
}
