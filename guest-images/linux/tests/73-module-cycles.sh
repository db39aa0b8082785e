# SPDX-License-Identifier: GPL-2.0-or-later
# Load/unload cycles of the SMMU driver module (arm_smmu_v3 or arm_smmu)
# with DMA between them (smmuext.cycles, default 100): each cycle loads
# the driver, brings the devices (back) by a rescan, reads the disk
# through the SMMU, removes the devices and unloads the driver.  Group
# ids, refcnt and the IOMMU list must come back the same every cycle and
# the kernel must not warn; the unreclaimable slab is printed every 10
# cycles (a coarse leak check).  Needs the driver as a module left
# unloaded by /init (smmuext.noload=<module>).
# The driver is loaded before each rescan: see stale-bus-ops.
. /etc/testlib.sh
smmu_module_unloaded
mod=$smmu_mod ko=$smmu_ko
cycles=$(cmdline_param cycles)
[ -n "$cycles" ] || cycles=100
sha=$(disk_list | head -n 1 | cut -d' ' -f2)
[ "$sha" != - ] || skip "no sha256 given for the disk"

kib() { sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo; }
warnings() { kernel_warnings; }

c=1
while [ $c -le "$cycles" ]; do
    insmod "$ko" || fail "cycle $c: insmod failed"
    [ $c = 1 ] || echo 1 > /sys/bus/pci/rescan
    dev=$(disk_dev vda) || fail "cycle $c: no disk after loading $mod"
    state="$(grouped | tr "\n" " ")refcnt $(smmu_refcnt)"
    [ $c = 1 ] && first_state=$state
    [ "$state" = "$first_state" ] ||
        fail "cycle $c: '$state', cycle 1 had '$first_state'"
    sum=$(dd if="$dev" bs=65536 iflag=direct 2>/dev/null | sha256sum |
          cut -d' ' -f1)
    [ "$sum" = "$sha" ] || fail "cycle $c: sha256 $sum, expected $sha"
    for bdf in $(grouped | cut -d' ' -f1); do
        echo 1 > /sys/bus/pci/devices/$bdf/remove
    done
    rmmod $mod || fail "cycle $c: rmmod failed"
    [ -z "$(ls /sys/class/iommu)" ] && [ -z "$(ls /sys/kernel/iommu_groups)" ] ||
        fail "cycle $c: IOMMU or groups left after rmmod"
    [ $c = 1 ] && first_slab=$(kib SUnreclaim)
    [ $((c % 10)) = 0 ] && trend="$trend $(kib SUnreclaim)"
    c=$((c + 1))
done
last_slab=$(kib SUnreclaim)
echo "cycles: $cycles, every cycle: $first_state"
echo "SUnreclaim: after cycle 1 ${first_slab} kB, after cycle $cycles ${last_slab} kB"
echo "SUnreclaim every 10 cycles (kB):$trend"
echo "warnings: $(warnings)"
[ "$(warnings)" = 0 ] || fail "the kernel warned during the cycles"
echo "module cycles: $cycles loads and unloads, DMA checked each time"
