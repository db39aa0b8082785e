# SPDX-License-Identifier: GPL-2.0-or-later
# Two SMMU instances, one driver module (SCN-5 of the bring-up
# issue): after one insmod both instances register, each device sits in
# a group behind its own instance, and the module holds one reference per
# attached device.  Unregistering one instance (its devices removed, its
# platform device unbound from the driver) takes exactly its own
# footprint: the other instance, its groups and its DMA stay.  Linux
# 6.1's arm-smmu-v3 and arm-smmu suppress the bind attributes (no unbind
# file), so there the instances can only go together, by rmmod once no
# device is left.
# Needs the driver as a module left unloaded by /init and two instances
# (smmuext.disks with two entries).
. /etc/testlib.sh
smmu_module_unloaded
mod=$smmu_mod ko=$smmu_ko
[ "$(disk_list | wc -l)" = 2 ] || skip "needs two disks behind two SMMUs"
insmod "$ko" || fail "insmod $ko failed"
for serial in $(disk_list | cut -d' ' -f1); do
    disk_dev "$serial" >/dev/null || fail "no disk $serial after insmod"
done
grouped instance | sed 's/^/grouped: /'
instances=$(ls /sys/class/iommu | tr '\n' ' ')
attached=$(grouped instance | wc -l)
echo "loaded: instances $instances, grouped devices $attached, refcnt $(cat /sys/module/$mod/refcnt)"
[ "$(ls /sys/class/iommu | wc -l)" = 2 ] || fail "instances: $instances"
[ "$(cat /sys/module/$mod/refcnt)" = "$attached" ] ||
    fail "refcnt $(cat /sys/module/$mod/refcnt), $attached devices attached"
# Every group has the members of one instance only.
for g in $(grouped instance | cut -d' ' -f2 | sort -u); do
    n=$(grouped instance | awk -v g="$g" '$2 == g { print $3 }' | sort -u | wc -l)
    [ "$n" = 1 ] || fail "group $g spans $n instances"
done
state_dump loaded

# The second disk's instance goes: its devices first, then the instance.
dev1=$(disk_dev "$(disk_list | sed -n 2p | cut -d' ' -f1)")
pci1=$(pci_dev_of "/sys/block/${dev1#/dev/}/device")
gone=$(basename "$(readlink -f "$pci1/iommu")")
keep=$(grouped instance | awk -v i="$gone" '$3 != i' | tr '\n' ' ')
# Remove the devices behind @1 (a bridge takes its children along).
remove_behind() {
    for bdf in $(grouped instance | awk -v i="$1" '$3 == i { print $1 }'); do
        [ -e /sys/bus/pci/devices/$bdf ] &&
            echo 1 > /sys/bus/pci/devices/$bdf/remove
    done
}
remove_behind "$gone"
plat=$(basename "$(readlink -f /sys/class/iommu/$gone/device)")
unbind=/sys/bus/platform/drivers/$smmu_drv/unbind
if [ ! -e $unbind ]; then
    echo "no $unbind: the driver suppresses bind attributes"
    remove_behind "$(ls /sys/class/iommu | grep -vx "$gone")"
    rmmod $mod || fail "rmmod $mod failed with no device attached"
    echo "after rmmod: instances $(ls /sys/class/iommu | wc -l)," \
         "groups $(ls /sys/kernel/iommu_groups | wc -l)"
    state_dump after-rmmod
    [ -z "$(ls /sys/class/iommu)" ] || fail "an instance outlived rmmod"
    echo "two instances: one module, own groups, gone together"
    exit 0
fi
echo "$plat" > $unbind || fail "unbinding $plat failed"
left=$(grouped instance | tr '\n' ' ')
echo "after unbinding $plat: instances $(ls /sys/class/iommu | tr '\n' ' ')," \
     "refcnt $(cat /sys/module/$mod/refcnt)"
echo "kept: $left"
state_dump after-unbind
[ -z "$(ls /sys/class/iommu | grep -x "$gone")" ] || fail "$gone still registered"
[ "$(ls /sys/class/iommu | wc -l)" = 1 ] || fail "the other instance went too"
[ "$left" = "$keep" ] || fail "groups of the other instance changed: '$left', was '$keep'"
[ "$(cat /sys/module/$mod/refcnt)" = "$(grouped instance | wc -l)" ] ||
    fail "refcnt $(cat /sys/module/$mod/refcnt) for $(grouped instance | wc -l) devices"
dev0=$(disk_dev "$(disk_list | head -n 1 | cut -d' ' -f1)")
dma_read_one 65536 "$dev0" "$(disk_list | head -n 1 | cut -d' ' -f2)"
echo "two instances: one module, own groups, own footprint"
