# SPDX-License-Identifier: GPL-2.0-or-later
# SMMUv2 device links when the supplier goes (scenario 8 of the bring-up
# issue; core-ref spec, device links): arm-smmu links every master it
# probes to its SMMU instance, managed, with DL_FLAG_AUTOREMOVE_SUPPLIER.
# Its driver suppresses the bind attributes, so the instance goes only
# with the module: rmmod -f (CONFIG_MODULE_FORCE_UNLOAD) while masters are
# attached.  The driver core must then unbind every consumer before the
# supplier (device_links_unbind_consumers()); the kernel's "unbind"
# uevents, numbered by SEQNUM, give the order.  Runs only when asked
# (smmuext.hazard=supplier-unbind): the masters are left without drivers.
. /etc/testlib.sh
[ "$(cmdline_param hazard)" = supplier-unbind ] ||
    skip "not asked for (smmuext.hazard=supplier-unbind)"
[ "$EXPECT_IOMMU" = arm-smmu ] || skip "device links are arm-smmu's only"
smmu_hazard supplier-unbind
smmu=$(basename "$(readlink -f /sys/class/iommu/*/device)")
[ -n "$smmu" ] || fail "no SMMU instance registered"

consumers=""
for bdf in $(grouped | cut -d' ' -f1); do
    link=/sys/class/devlink/platform:$smmu--pci:$bdf
    [ -d "$link" ] || fail "no device link platform:$smmu--pci:$bdf"
    echo "before: link $bdf $(cat "$link/status"), driver $(driver_of "$bdf")"
    consumers="$consumers $bdf"
done
[ -n "$consumers" ] || fail "no master attached to $smmu"
echo "before: supplier $smmu driver" \
     "$(basename "$(readlink -f "/sys/bus/platform/devices/$smmu/driver")")," \
     "refcnt $(smmu_refcnt)"

state_dump before

# Every uevent, in kernel order, while the module goes.
: > /tmp/uevents
uevent sh -c 'echo "$SEQNUM $ACTION $DEVPATH" >> /tmp/uevents' &
listener=$!
sleep 1
smmu_forced_unload
sleep 2
kill $listener 2>/dev/null
sort -n /tmp/uevents | grep " unbind " | sed 's/^/uevent: /'

# The supplier's unbind comes after every consumer's.
seq_of() {
    sort -n /tmp/uevents | awk -v p="$1" '$2 == "unbind" && $3 ~ p"$" { print $1; exit }'
}
supplier_seq=$(seq_of "/$smmu")
[ -n "$supplier_seq" ] || fail "no unbind uevent for $smmu"
for bdf in $consumers; do
    s=$(seq_of "/$bdf")
    [ -n "$s" ] || fail "no unbind uevent for consumer $bdf"
    [ "$s" -lt "$supplier_seq" ] ||
        fail "consumer $bdf unbound (seqnum $s) after its supplier ($supplier_seq)"
    links=$(ls -d /sys/class/devlink/*--pci:$bdf 2>/dev/null | wc -l)
    echo "after: $bdf driver $(driver_of "$bdf"), links $links"
done
state_dump after
dmesg | grep -E "arm-smmu|WARNING:" | tail -n 5
echo "consumers unbound before their supplier"
