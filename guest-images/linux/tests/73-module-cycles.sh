# SPDX-License-Identifier: GPL-2.0-or-later
# Load/unload cycles of the SMMU driver module (arm_smmu_v3 or arm_smmu)
# with DMA between them (smmuext.cycles, default 100): each cycle loads
# the driver, brings the devices (back) by a rescan, reads the disk
# through the SMMU, removes the devices and unloads the driver.  Group
# ids, refcnt and the IOMMU list must come back the same every cycle and
# the kernel must not warn.  After every other cycle of 21..50 and of
# 71..100 the bytes held by live objects of the unreclaimable slab caches
# are printed, the leak check (and SUnreclaim every 10 cycles, for
# reference).  Needs the driver as a module left
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

# The unreclaimable slab caches, one name per line.
unreclaimable_caches() {
    for name in $(awk 'NR > 2 { print $1 }' /proc/slabinfo); do
        [ "$(cat /sys/kernel/slab/$name/reclaim_account 2>/dev/null)" = 1 ] ||
            echo "$name"
    done
}

# KiB held by live objects of the caches in /tmp/unreclaimable.
# SUnreclaim counts whole 64 KiB slab pages, which a cache keeps for
# reasons of its own (one live object pins a page), and a CPU's active
# slab counts its free objects as used; shrinking each cache first
# returns the CPU slabs to the lists, so active objects times object
# size is what is allocated.  Other work makes this jump too (eight
# 64 KiB buffers, kernel threads' stacks come and go): the test compares
# lows, not single samples.
live_slab_kib() {
    for name in $(cat /tmp/unreclaimable); do
        echo 1 > /sys/kernel/slab/$name/shrink 2>/dev/null
    done
    awk 'FILENAME == "/tmp/unreclaimable" { keep[$1] = 1; next }
         FNR > 2 && ($1 in keep) { b += $2 * $4 }
         END { printf "%d\n", b / 1024 }' /tmp/unreclaimable /proc/slabinfo
}
unreclaimable_caches > /tmp/unreclaimable

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
    # A sample shrinks every cache: every other cycle of two windows
    if [ $((c % 2)) = 1 ] && [ $c -gt 20 ] && [ $c -lt 50 ]; then
        early="$early $(live_slab_kib)"
    elif [ $((c % 2)) = 1 ] && [ $c -gt 70 ] && [ $c -lt 100 ]; then
        late="$late $(live_slab_kib)"
    fi
    c=$((c + 1))
done
last_slab=$(kib SUnreclaim)
echo "cycles: $cycles, every cycle: $first_state"
echo "SUnreclaim: after cycle 1 ${first_slab} kB, after cycle $cycles ${last_slab} kB"
echo "SUnreclaim every 10 cycles (kB):$trend"
echo "live unreclaimable slab after cycles 21, 23 .. 49 (KiB):$early"
echo "live unreclaimable slab after cycles 71, 73 .. 99 (KiB):$late"
echo "warnings: $(warnings)"
[ "$(warnings)" = 0 ] || fail "the kernel warned during the cycles"
echo "module cycles: $cycles loads and unloads, DMA checked each time"
