# SPDX-License-Identifier: GPL-2.0-or-later
# The cost of one DMA map and one unmap as the guest's clock sees it,
# from Linux's own benchmark (CONFIG_DMA_MAP_BENCHMARK): its driver,
# dma_map_benchmark, has no ID table, so it takes a device only through
# driver_override.  The device is smmu-testdev (1234:05e3), which sits
# behind the SMMU, has no Linux driver and does no DMA of its own; once
# bound, it gets its IOMMU group and default domain (DMA in strict mode,
# DMA-FQ in lazy mode), and /bin/dma-map-bench (guest-images/linux/tools)
# runs the benchmark for smmuext.dma_bench=SECONDS on one thread, one page
# per mapping.  Run only when asked; only kernels built from source have
# the driver and only their guests the program.
. /etc/testlib.sh
secs=$(cmdline_param dma_bench)
[ -n "$secs" ] || skip "not asked for (smmuext.dma_bench=SECONDS)"
command -v dma-map-bench >/dev/null ||
    skip "no dma-map-bench in this guest (only guests of kernels built from source have it)"
drv=/sys/bus/pci/drivers/dma_map_benchmark
[ -d $drv ] || skip "no dma_map_benchmark driver in this kernel (CONFIG_DMA_MAP_BENCHMARK)"

dev=""
for d in /sys/bus/pci/devices/*; do
    [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x05e3 ] &&
        { dev=$d; break; }
done
[ -n "$dev" ] || fail "no smmu-testdev (1234:05e3) on the PCI bus"
bdf=${dev##*/}
[ ! -e "$dev/driver" ] ||
    fail "$bdf already has a driver: $(basename "$(readlink -f "$dev/driver")")"
echo dma_map_benchmark > "$dev/driver_override" ||
    fail "cannot set driver_override of $bdf"
echo "$bdf" > /sys/bus/pci/drivers_probe
[ "$(basename "$(readlink -f "$dev/driver")")" = dma_map_benchmark ] ||
    fail "$bdf did not bind to dma_map_benchmark: $(dmesg | tail -n 3)"
[ -e "$dev/iommu_group/type" ] || fail "$bdf bound, but not in an IOMMU group"
type=$(cat "$dev/iommu_group/type")
echo "bound: $bdf, group $(basename "$(readlink -f "$dev/iommu_group")"), domain type $type"
[ -z "$EXPECT_DOMAIN" ] || [ "$type" = "$EXPECT_DOMAIN" ] ||
    fail "domain type $type, expected $EXPECT_DOMAIN"

mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
t0=$(now_ms)
echo "start: uptime $t0 ms"
out=$(dma-map-bench -s "$secs" -t 1 -g 1 -d bidir 2>&1)
rc=$?
t1=$(now_ms)
echo "$out"
echo "elapsed_ms: $((t1 - t0))"
[ $rc = 0 ] || fail "dma-map-bench failed (exit $rc): $(dmesg | grep dma_map_benchmark | tail -n 2)"
echo "$bdf" > $drv/unbind
echo > "$dev/driver_override"
echo "$out" | grep -q "^dma-map-bench: map_avg=" || fail "no result line"
echo "dma-map-bench: done on $bdf ($type)"
