# SPDX-License-Identifier: GPL-2.0-or-later
# The SMMU driver as a module, arm_smmu_v3 or arm_smmu (docs/bringup.md):
# endpoints behind the SMMU wait for it, bind once it is loaded, and hold
# a reference on it each; rmmod is refused while they do; a group's type
# changes only once its device's driver is unbound; unbinding drivers
# keeps the references, removing the devices drops them; then rmmod
# succeeds, and a second load plus a rescan brings everything back with
# the lowest group ids and working DMA.  Needs a kernel with the driver
# as a module, left unloaded by /init (smmuext.noload=<module>).
#
# The second load comes before the rescan: Linux 6.1 to 6.7 never clear
# the bus's iommu_ops, so a device added while no IOMMU module is loaded
# dereferences the unloaded module (core-ref spec, hazard H-1; the guest
# test stale-bus-ops shows it).
. /etc/testlib.sh
smmu_module_unloaded
mod=$smmu_mod ko=$smmu_ko
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
refcnt() { smmu_refcnt; }
iommus() { ls /sys/class/iommu 2>/dev/null | wc -l; }
# Wait (bounded) for the first disk to bind.
disk_bound() {
    disk_dev vda >/dev/null || fail "no disk 10 s after $1"
}

# 1. Before the driver: no IOMMU, the disk deferred, not bound.
[ "$(iommus)" = 0 ] || fail "an IOMMU is registered before $mod is loaded"
[ ! -e /sys/block/vda ] || fail "the disk bound before its IOMMU driver"
deferred=$(grep -c . /sys/kernel/debug/devices_deferred 2>/dev/null)
echo "before load: iommus 0, devices deferred ${deferred:-?}"
state_dump before-load
insmod "$ko" || fail "insmod $ko failed"
disk_bound "loading $mod"
attached=$(grouped | wc -l)
grouped | sed 's/^/grouped: /'
echo "after load: iommus $(iommus), grouped devices $attached, refcnt $(refcnt)"
state_dump loaded
# A group's default-domain type changes only while no driver is bound.
disk_pci=$(pci_dev_of /sys/block/vda/device)
disk_group=$(group_of "${disk_pci##*/}")
type_change "while bound" $disk_group
[ "$attached" -gt 0 ] || fail "no device joined a group"
[ "$(refcnt)" = "$attached" ] ||
    fail "refcnt $(refcnt), but $attached devices attached"

# 2. rmmod while devices are attached: refused, nothing changes.
before=$(grouped)
if rmmod $mod 2>/tmp/rmmod.err; then
    fail "rmmod $mod succeeded with $attached devices attached"
fi
echo "rmmod refused: $(cat /tmp/rmmod.err)"
state_dump rmmod-refused
[ -d /sys/module/$mod ] || fail "$mod is gone after a refused rmmod"
[ "$(grouped)" = "$before" ] || fail "groups changed after a refused rmmod"
[ "$(refcnt)" = "$attached" ] || fail "refcnt $(refcnt) after a refused rmmod"

# 3. Unbinding drivers keeps the references; removing devices drops them.
for d in /sys/bus/pci/devices/*; do
    [ -e "$d/driver" ] && echo "${d##*/}" > "$d/driver/unbind"
done
echo "drivers unbound: refcnt $(refcnt)"
state_dump drivers-unbound
type_change unbound $disk_group
[ "$(refcnt)" = "$attached" ] ||
    fail "unbinding drivers changed refcnt to $(refcnt)"
for bdf in $(grouped | cut -d' ' -f1); do
    [ -e /sys/bus/pci/devices/$bdf ] && echo 1 > /sys/bus/pci/devices/$bdf/remove
done
echo "devices removed: refcnt $(refcnt)"
[ "$(refcnt)" = 0 ] || fail "refcnt $(refcnt) with every device removed"
rmmod $mod || fail "rmmod $mod failed with no device attached"
[ "$(iommus)" = 0 ] || fail "/sys/class/iommu not empty after rmmod"
echo "rmmod done: iommus 0"
state_dump unloaded
insmod "$ko" || fail "second insmod $ko failed"
echo 1 > /sys/bus/pci/rescan
disk_bound "reloading $mod and a rescan"
ids=$(grouped | cut -d' ' -f2 | sort -n | tr '\n' ' ')
want=""
i=0
while [ $i -lt "$attached" ]; do want="$want$i "; i=$((i + 1)); done
echo "reloaded: grouped devices $(grouped | wc -l), group ids $ids, refcnt $(refcnt)"
state_dump reloaded
[ "$ids" = "$want" ] || fail "group ids '$ids' after reload, expected '$want'"
[ "$(refcnt)" = "$attached" ] ||
    fail "refcnt $(refcnt) after reload, expected $attached"
dma_read_check 65536
echo "module lifecycle: deferred, bound, refused, released, reloaded"
