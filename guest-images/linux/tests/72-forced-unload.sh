# SPDX-License-Identifier: GPL-2.0-or-later
# rmmod -f of arm_smmu_v3 with devices attached (CONFIG_MODULE_FORCE_UNLOAD,
# as Debian's configs have it): what Linux then does to the devices, their
# groups and their drivers is recorded for core-ref (its spec, SCN-16).
# Runs only when asked (smmuext.hazard=forced-unload): the devices are
# left behind an IOMMU whose driver is gone.
. /etc/testlib.sh
smmu_hazard forced-unload
state() {
    for d in /sys/bus/pci/devices/*; do
        echo "$1: ${d##*/} driver $(driver_of ${d##*/}) group $(group_of ${d##*/})"
    done
}
state before
state_dump before
echo "before: refcnt $(smmu_refcnt), tainted" \
     "$(cat /proc/sys/kernel/tainted), warnings $(kernel_warnings)"
smmu_forced_unload
state after
state_dump after
dmesg | grep -A3 "WARNING:" | head -n 20
echo "forced unload recorded"
