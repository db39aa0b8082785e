// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-dma: DMA through the SMMU from user space with VFIO (type 1), the
 * DMA-ownership scenario of the bring-up kit (docs/bringup.md).
 *
 *   vfio-dma GROUP BDF
 *
 * Opens /dev/vfio/GROUP.  When the group is not viable (a member bound to
 * a driver other than vfio-pci), tries VFIO_GROUP_SET_CONTAINER anyway,
 * prints "set-container: error NAME" and exits 3.  Otherwise takes the
 * group, maps a 64 KiB buffer at IOVA 0x10000000 and has the smmu-testdev
 * at BDF (bound to vfio-pci) DMA into and out of it:
 *
 *   - a WRITE job of the seeded pattern, 16 accesses of 4 KiB, checked
 *     here byte by byte;
 *   - a VERIFY job, the device reading the buffer back;
 *   - a READ job at IOVA 0x20000000, which nothing maps: the SMMU must
 *     refuse it (testdev ERROR 6, DMA).
 *
 * Then prints "holding" and keeps the group until a line (or EOF) comes
 * on standard input, so that the caller can try what DMA ownership
 * forbids meanwhile; then unmaps, closes everything, prints "released".
 * One "key: value" line per step; a failed step names itself on
 * standard output and exits 1.  Built static for arm64 by
 * guest-images/linux/build.py (the device's registers come from
 * hw/smmu-testdev.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "smmu-testdev.h"

#define BUF_IOVA      UINT64_C(0x10000000)
#define UNMAPPED_IOVA UINT64_C(0x20000000)
#define BUF_SIZE      (64u * 1024u)
#define ACCESS_LEN    4096u
#define SEED          0x5eed1234u
#define PCI_COMMAND   0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4

static void die(const char *step)
{
    printf("%s: failed: %s\n", step, strerror(errno));
    exit(1);
}

static const char *errno_name(int e)
{
    switch (e) {
    case EPERM: return "EPERM";
    case EBUSY: return "EBUSY";
    case EINVAL: return "EINVAL";
    case ENODEV: return "ENODEV";
    default: return strerror(e);
    }
}

/* A region of the device file: BAR0 or the configuration space. */
typedef struct Region {
    int fd;
    uint64_t offset;
} Region;

static Region region_of(int dev, uint32_t index, const char *what)
{
    struct vfio_region_info info = { .argsz = sizeof(info), .index = index };

    if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &info) < 0) {
        die(what);
    }
    return (Region){ .fd = dev, .offset = info.offset };
}

static void reg_write(Region r, uint32_t off, const void *v, size_t n)
{
    ssize_t done = pwrite(r.fd, v, n, (off_t)(r.offset + off));

    if (done != (ssize_t)n) {
        errno = done < 0 ? errno : EIO;     /* a short write */
        die("register write");
    }
}

static void reg_read(Region r, uint32_t off, void *v, size_t n)
{
    ssize_t done = pread(r.fd, v, n, (off_t)(r.offset + off));

    if (done != (ssize_t)n) {
        errno = done < 0 ? errno : EIO;     /* a short read */
        die("register read");
    }
}

static void w32(Region r, uint32_t off, uint32_t v) { reg_write(r, off, &v, 4); }

static void w64(Region r, uint32_t off, uint64_t v)
{
    w32(r, off, (uint32_t)v);
    w32(r, off + 4, (uint32_t)(v >> 32));
}

static uint32_t r32(Region r, uint32_t off)
{
    uint32_t v;

    reg_read(r, off, &v, 4);
    return v;
}

/* Run one job at @iova; returns the testdev's ERROR code (0: done). */
static uint32_t run_job(Region bar, uint32_t code, uint64_t iova)
{
    uint32_t status;

    w64(bar, code == SMMU_TESTDEV_OP_WRITE ? SMMU_TESTDEV_DST
                                          : SMMU_TESTDEV_SRC, iova);
    w32(bar, SMMU_TESTDEV_LEN, ACCESS_LEN);
    w32(bar, SMMU_TESTDEV_COUNT, BUF_SIZE / ACCESS_LEN);
    w64(bar, SMMU_TESTDEV_STRIDE, ACCESS_LEN);
    w64(bar, SMMU_TESTDEV_WSET, 0);
    w32(bar, SMMU_TESTDEV_PATTERN, SEED);
    w32(bar, SMMU_TESTDEV_OUTSTANDING, 0);   /* untimed: done at once */
    w32(bar, SMMU_TESTDEV_OP, code);         /* pattern SEED: field 0 */
    w32(bar, SMMU_TESTDEV_DOORBELL, SMMU_TESTDEV_DOORBELL_START);
    status = r32(bar, SMMU_TESTDEV_STATUS);
    if (status & SMMU_TESTDEV_STATUS_BUSY) {
        printf("job: still busy (status 0x%x)\n", status);
        exit(1);
    }
    return status & SMMU_TESTDEV_STATUS_ERROR ?
           r32(bar, SMMU_TESTDEV_ERROR) & SMMU_TESTDEV_ERROR_CODE : 0;
}

/* Bytes of @buf that differ from the pattern. */
static unsigned pattern_mismatches(const uint8_t *buf)
{
    unsigned n = 0, i;

    for (i = 0; i < BUF_SIZE; i++) {
        n += buf[i] != smmu_testdev_pattern_byte(SEED, i);
    }
    return n;
}

static void enable_bus_master(int dev)
{
    Region cfg = region_of(dev, VFIO_PCI_CONFIG_REGION_INDEX,
                           "config region");
    uint16_t cmd;

    reg_read(cfg, PCI_COMMAND, &cmd, 2);
    cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
    reg_write(cfg, PCI_COMMAND, &cmd, 2);
}

static void dma_through_smmu(int container, int group, const char *bdf)
{
    struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
    struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
    uint8_t *buf;
    Region bar;
    int dev;
    uint32_t err;
    char line[16];

    if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0) {
        die("set-iommu");
    }
    buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) {
        die("buffer");
    }
    memset(buf, 0, BUF_SIZE);
    map.vaddr = (uintptr_t)buf;
    map.iova = BUF_IOVA;
    map.size = BUF_SIZE;
    map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
    if (ioctl(container, VFIO_IOMMU_MAP_DMA, &map) < 0) {
        die("map-dma");
    }
    printf("map-dma: iova 0x%llx size %u\n", (unsigned long long)BUF_IOVA,
           BUF_SIZE);
    dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
    if (dev < 0) {
        die("device-fd");
    }
    enable_bus_master(dev);
    bar = region_of(dev, VFIO_PCI_BAR0_REGION_INDEX, "bar0 region");
    if (r32(bar, SMMU_TESTDEV_ID) != SMMU_TESTDEV_ID_VALUE) {
        printf("device: %s is not an smmu-testdev (ID 0x%x)\n", bdf,
               r32(bar, SMMU_TESTDEV_ID));
        exit(1);
    }

    err = run_job(bar, SMMU_TESTDEV_OP_WRITE, BUF_IOVA);
    printf("dma write: error %u, %u of %u bytes differ from the pattern\n",
           err, pattern_mismatches(buf), BUF_SIZE);
    err = run_job(bar, SMMU_TESTDEV_OP_VERIFY, BUF_IOVA);
    printf("dma verify: error %u\n", err);
    err = run_job(bar, SMMU_TESTDEV_OP_READ, UNMAPPED_IOVA);
    printf("dma unmapped: error %u\n", err);

    printf("holding\n");
    fflush(stdout);
    if (!fgets(line, sizeof(line), stdin)) {
        line[0] = 0;         /* EOF releases too */
    }
    close(dev);
    unmap.iova = BUF_IOVA;
    unmap.size = BUF_SIZE;
    if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap) < 0) {
        die("unmap-dma");
    }
    munmap(buf, BUF_SIZE);
}

int main(int argc, char **argv)
{
    struct vfio_group_status st = { .argsz = sizeof(st) };
    char path[64];
    int container, group;

    if (argc != 3) {
        fprintf(stderr, "usage: vfio-dma GROUP BDF\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    container = open("/dev/vfio/vfio", O_RDWR);
    if (container < 0) {
        die("open /dev/vfio/vfio");
    }
    if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
        !ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU)) {
        printf("container: no VFIO type 1 v2 IOMMU\n");
        return 1;
    }
    snprintf(path, sizeof(path), "/dev/vfio/%s", argv[1]);
    group = open(path, O_RDWR);
    if (group < 0) {
        die(path);
    }
    if (ioctl(group, VFIO_GROUP_GET_STATUS, &st) < 0) {
        die("group-status");
    }
    printf("group %s: viable %d\n", argv[1],
           !!(st.flags & VFIO_GROUP_FLAGS_VIABLE));
    if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) < 0) {
        printf("set-container: error %s\n", errno_name(errno));
        return 3;
    }
    printf("set-container: ok\n");
    dma_through_smmu(container, group, argv[2]);
    ioctl(group, VFIO_GROUP_UNSET_CONTAINER);
    close(group);
    close(container);
    printf("released\n");
    return 0;
}
