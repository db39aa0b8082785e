# SPDX-License-Identifier: GPL-2.0-or-later
# DMA ownership with vfio-pci (scenario 7 of the bring-up issue; core-ref
# spec SCN-22, SCN-23, SCN-30).  An smmu-testdev at 00:03.0 and the disk
# at 00:03.1 share one IOMMU group (functions of one device, no ACS).
#  1. With the testdev on vfio-pci and the disk on virtio-pci the group is
#     not viable, and VFIO refuses it to user space (EPERM).
#  2. With both on vfio-pci, user space (tools/vfio-dma.c) owns the group,
#     maps a buffer and makes the testdev DMA into it through the SMMU; an
#     unmapped IOVA faults.
#  3. Meanwhile the disk's DMA-API driver cannot bind into the group
#     (EBUSY).  The group's type cannot change either, but Linux 6.1
#     refuses that for any group of two devices (EINVAL) before it looks
#     at owners or drivers (module-lifecycle checks a single-device group).
#  4. Released, the group is the kernel's again: the disk binds to
#     virtio-pci and reads back its sha256 through the default domain.
# Runs only when asked (smmuext.hazard=dma-ownership): needs that layout.
. /etc/testlib.sh
[ "$(cmdline_param hazard)" = dma-ownership ] ||
    skip "not asked for (smmuext.hazard=dma-ownership)"
td=0000:00:03.0 disk=0000:00:03.1
for f in $td $disk; do
    [ -e /sys/bus/pci/devices/$f ] || fail "no PCI function $f"
done
[ "$(cat /sys/bus/pci/devices/$td/device)" = 0x05e3 ] ||
    fail "$td is not an smmu-testdev"
[ -d /sys/bus/pci/drivers/vfio-pci ] || fail "no vfio-pci driver"
disk_dev vda >/dev/null || fail "no disk vda"
# Bind @1 to driver @2 through driver_override; prints the outcome.
bind_to() {
    echo "$2" > /sys/bus/pci/devices/$1/driver_override
    echo "$1" > /sys/bus/pci/drivers_probe 2>/tmp/bind.err
    echo "bind $1 to $2: driver $(driver_of $1)"
}
unbind() {
    [ -e /sys/bus/pci/devices/$1/driver ] &&
        echo "$1" > /sys/bus/pci/devices/$1/driver/unbind
}

# 1. Not viable while the disk is on virtio-pci.  The testdev has no
# driver until now, so no group either (with device tree, Linux 6.1
# attaches a device to its IOMMU when a driver binds: hazard H-2).
echo "before: $td group $(group_of $td), $disk group $(group_of $disk)"
bind_to $td vfio-pci
[ "$(driver_of $td)" = vfio-pci ] || fail "$td did not bind to vfio-pci"
g=$(group_of $td)
[ "$(group_of $disk)" = "$g" ] || fail "$td and $disk in different groups"
members=$(ls /sys/kernel/iommu_groups/$g/devices | tr '\n' ' ')
echo "group $g: $members type $(cat /sys/kernel/iommu_groups/$g/type)"
[ -e /dev/vfio/$g ] || fail "no /dev/vfio/$g"
vfio-dma $g $td < /dev/null > /tmp/vfio.out; rc=$?
sed 's/^/not viable: /' /tmp/vfio.out
echo "not viable: exit $rc"
[ $rc = 3 ] && grep -qx "set-container: error EPERM" /tmp/vfio.out ||
    fail "VFIO took a group that is not viable"
state_dump not-viable

# 2. Both on vfio-pci: user space owns the group and DMAs.
unbind $disk
bind_to $disk vfio-pci
[ "$(driver_of $disk)" = vfio-pci ] || fail "$disk did not bind to vfio-pci"
mkfifo /tmp/release
: > /tmp/vfio.out
vfio-dma $g $td < /tmp/release > /tmp/vfio.out &
owner=$!
exec 3> /tmp/release
n=0
while ! grep -q '^holding' /tmp/vfio.out && [ $n -lt 100 ]; do
    kill -0 $owner 2>/dev/null || break
    sleep 0.1; n=$((n + 1))
done
sed 's/^/owned: /' /tmp/vfio.out
grep -q '^holding' /tmp/vfio.out || fail "vfio-dma did not take the group"
for want in "dma write: error 0, 0 of 65536 bytes differ from the pattern" \
            "dma verify: error 0" "dma unmapped: error 6"; do
    grep -qx "$want" /tmp/vfio.out || fail "owned: no '$want'"
done
state_dump owned

# 3. While owned: no DMA-API driver into the group, no type change.
type_change "while owned" $g
unbind $disk
echo > /sys/bus/pci/devices/$disk/driver_override
echo $disk > /sys/bus/pci/drivers/virtio-pci/bind 2>/tmp/bind.err
echo "bind $disk to virtio-pci while owned: exit $?" \
     "$(sed 's/.*: //' /tmp/bind.err), driver $(driver_of $disk)"
[ "$(driver_of $disk)" = - ] || fail "virtio-pci bound into an owned group"

# 4. Released: the disk is the kernel's again.
echo >&3
exec 3>&-
wait $owner; rc=$?
echo "owner exit: $rc"
[ $rc = 0 ] || fail "vfio-dma failed releasing the group"
sed -n 's/^released/released: by user space/p' /tmp/vfio.out
echo $disk > /sys/bus/pci/drivers/virtio-pci/bind ||
    fail "binding $disk to virtio-pci failed after the release"
[ "$(driver_of $disk)" = virtio-pci ] ||
    fail "$disk did not bind to virtio-pci after the release"
state_dump released
type_change "while bound" $g
dma_read_check 65536
echo "dma ownership: refused, owned, guarded, released"
