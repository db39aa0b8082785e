# SPDX-License-Identifier: GPL-2.0-or-later
# rmmod -f of arm_smmu_v3 with devices attached (CONFIG_MODULE_FORCE_UNLOAD,
# as Debian's configs have it): what Linux then does to the devices, their
# groups and their drivers is recorded for core-ref (its spec, SCN-16).
# Runs only when asked (smmuext.hazard=forced-unload): the devices are
# left behind an IOMMU whose driver is gone.
. /etc/testlib.sh
smmu_hazard forced-unload
mod=$smmu_mod
warnings() { kernel_warnings; }
state() {
    for d in /sys/bus/pci/devices/*; do
        drv=-; grp=-
        [ -e "$d/driver" ] && drv=$(basename "$(readlink -f "$d/driver")")
        [ -e "$d/iommu_group" ] &&
            grp=$(basename "$(readlink -f "$d/iommu_group")")
        echo "$1: ${d##*/} driver $drv group $grp"
    done
}
state before
state_dump before
echo "before: refcnt $(cat /sys/module/$mod/refcnt), tainted" \
     "$(cat /proc/sys/kernel/tainted), warnings $(warnings)"
rmmod -f $mod 2>/tmp/rmmod.err; rc=$?
echo "rmmod -f: exit $rc $(cat /tmp/rmmod.err)"
state after
state_dump after
echo "after: module $([ -d /sys/module/$mod ] && echo present || echo gone)," \
     "iommus $(ls /sys/class/iommu | wc -l), groups" \
     "$(ls /sys/kernel/iommu_groups | wc -l), tainted" \
     "$(cat /proc/sys/kernel/tainted), warnings $(warnings)"
dmesg | grep -A3 "WARNING:" | head -n 20
echo "forced unload recorded"
