# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers shared by the guest tests (installed as /etc/testlib.sh).
# A test prints what it saw; its last line is the verdict's reason.
# Exit 0: pass, 77: skip, anything else: fail.

skip() { echo "$*"; exit 77; }
fail() { echo "$*"; exit 1; }

# Wait (bounded) for a path to appear.
wait_for() {
    n=0
    while [ ! -e "$1" ] && [ $n -lt 100 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    [ -e "$1" ]
}

# The PCI device directory in sysfs behind a block or net device link.
pci_dev_of() {
    d=$(readlink -f "$1")
    while [ -n "$d" ] && [ "$d" != / ]; do
        [ -f "$d/vendor" ] && [ -f "$d/class" ] && { echo "$d"; return 0; }
        d=$(dirname "$d")
    done
    return 1
}

# Uptime in milliseconds.
now_ms() {
    awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# The test disks, one "serial sha256 iommu" line each (smmuext.disks), or
# /dev/vda alone with smmuext.disk_sha256 when no list is given.
disk_list() {
    if [ -n "$DISKS" ]; then
        echo "$DISKS" | tr ';' '\n' | tr '/' ' ' | grep -v '^ *$'
    else
        echo "vda ${DISK_SHA256:--} -"
    fi
}

# /dev node of the disk with virtio serial $1 (bounded wait for it).
disk_dev() {
    n=0
    while [ $n -lt 100 ]; do
        for b in /sys/block/vd*; do
            [ -e "$b" ] || continue
            if [ "${b##*/}" = "$1" ] || [ "$(cat "$b/serial" 2>/dev/null)" = "$1" ]; then
                echo "/dev/${b##*/}"
                return 0
            fi
        done
        sleep 0.1
        n=$((n + 1))
    done
    return 1
}

# Read disk $2 with O_DIRECT in blocks of $1 bytes, compare with sha256 $3.
dma_read_one() {
    t0=$(now_ms)
    sum=$(dd if="$2" bs="$1" iflag=direct 2>/tmp/dd.err |
          sha256sum | cut -d' ' -f1)
    t1=$(now_ms)
    cat /tmp/dd.err
    echo "elapsed_ms: $((t1 - t0))"
    [ "$sum" = "$3" ] || fail "$2: sha256 mismatch: guest $sum, host $3"
    echo "$2: sha256 matches ($sum)"
}

# Read every test disk in blocks of $1 bytes and check its sha256.
dma_read_check() {
    found=0
    for line in $(disk_list | tr ' ' ','); do
        serial=${line%%,*}; rest=${line#*,}; sha=${rest%%,*}
        [ "$sha" != - ] || skip "no sha256 given for disk $serial"
        dev=$(disk_dev "$serial") || fail "no disk with serial $serial"
        dma_read_one "$1" "$dev" "$sha"
        found=1
    done
    [ $found = 1 ] || skip "no test disk"
}

# ---- The SMMU driver as a module (docs/bringup.md) ------------------------

# The driver of the SMMU the guest expects (smmuext.iommu) and its module:
# arm-smmu in arm_smmu, arm-smmu-v3 in arm_smmu_v3 (also the default).
case "$EXPECT_IOMMU" in
arm-smmu) smmu_drv=arm-smmu smmu_mod=arm_smmu ;;
*) smmu_drv=arm-smmu-v3 smmu_mod=arm_smmu_v3 ;;
esac

# Value of the kernel parameter smmuext.$1, empty when absent.
cmdline_param() {
    tr ' ' '\n' < /proc/cmdline | sed -n "s/^smmuext\.$1=//p" | tail -n 1
}

# Set $smmu_ko to the driver's module file, or skip: it is built in.
smmu_module_file() {
    smmu_ko=$(grep "/$smmu_mod.ko\$" /etc/modules.order) ||
        skip "$smmu_mod is not a module in this kernel"
}

# For the lifecycle tests: the module file, left unloaded by /init.
smmu_module_unloaded() {
    smmu_module_file
    [ ! -d /sys/module/$smmu_mod ] ||
        skip "$smmu_mod was loaded at boot (smmuext.noload=$smmu_mod leaves it to this test)"
}

# For the tests that take the guest down: only with smmuext.hazard=$1;
# the module loaded and the first disk bound behind it.
smmu_hazard() {
    [ "$(cmdline_param hazard)" = "$1" ] ||
        skip "not asked for (smmuext.hazard=$1)"
    smmu_module_file
    [ -d /sys/module/$smmu_mod ] || insmod "$smmu_ko" ||
        fail "insmod $smmu_ko failed"
    disk_dev vda >/dev/null || fail "no disk behind $smmu_mod"
}

# PCI functions in an IOMMU group: "bdf group" per line, and the IOMMU
# instance too with "grouped instance".
grouped() {
    for d in /sys/bus/pci/devices/*; do
        [ -e "$d/iommu_group" ] || continue
        line="${d##*/} $(basename "$(readlink -f "$d/iommu_group")")"
        [ "$1" = instance ] &&
            line="$line $(basename "$(readlink -f "$d/iommu")")"
        echo "$line"
    done
}

smmu_refcnt() { cat /sys/module/$smmu_mod/refcnt; }

# The IOMMU group of PCI function $1, or "-"; its driver, or "-".
group_of() {
    [ -e /sys/bus/pci/devices/$1/iommu_group ] || { echo -; return; }
    basename "$(readlink -f /sys/bus/pci/devices/$1/iommu_group)"
}
driver_of() {
    [ -e /sys/bus/pci/devices/$1/driver ] || { echo -; return; }
    basename "$(readlink -f /sys/bus/pci/devices/$1/driver)"
}

# Ask group $2 (its number) for the identity type and print
# "type change $1: exit N <error>, type <type after>".
type_change() {
    t=/sys/kernel/iommu_groups/$2/type
    echo identity > $t 2>/tmp/type.err
    echo "type change $1: exit $? $(sed 's/.*: //' /tmp/type.err)," \
         "type $(cat $t)"
}

# rmmod -f of the SMMU module (CONFIG_MODULE_FORCE_UNLOAD), then what is
# left: the module, the instances, the groups, the taint, the warnings.
smmu_forced_unload() {
    rmmod -f $smmu_mod 2>/tmp/rmmod.err; rc=$?
    echo "rmmod -f: exit $rc $(cat /tmp/rmmod.err)"
    echo "after: module $([ -d /sys/module/$smmu_mod ] && echo present || echo gone)," \
         "iommus $(ls /sys/class/iommu | wc -l), groups" \
         "$(ls /sys/kernel/iommu_groups | wc -l), tainted" \
         "$(cat /proc/sys/kernel/tainted), warnings $(kernel_warnings)"
}
kernel_warnings() { dmesg | grep -c "WARNING:"; }

# ---- Canonical state dump (core-ref spec, section 5.3) ---------------------

# The lines of the spec's dump-iommu-state.sh, each prefixed "state $1: " so
# that the host can collect the dump taken at point $1 of a scenario
# (tests/test_bringup.py writes them to build/bringup-state/).  Groups are
# named G0, G1, ... in the order of their smallest member; the numeric id
# stays in id=.  Two deviations from the spec: its device and link filters
# (*smmu*, *pcie*, PCI) also take *iommu*, arm-smmu's node being
# "iommu@...", its device "<addr>.iommu"; and the dump does not wait for
# devices_deferred to stay stable for 2 s: each test dumps where it has
# already waited for the binding it needs.
state_dump() {
    local label=$1 mod=${2:-$smmu_mod}
    mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
    {
        if [ -d /sys/module/$mod ]; then
            h=$(ls /sys/module/$mod/holders 2>/dev/null | sort | paste -sd, -)
            echo "MODULE $mod state=$(cat /sys/module/$mod/initstate)" \
                 "refcnt=$(cat /sys/module/$mod/refcnt) holders=${h:--}"
        else
            echo "MODULE $mod state=unloaded"
        fi
        for i in /sys/class/iommu/*; do
            [ -e "$i" ] || continue
            m=$(ls "$i/devices" 2>/dev/null | sort | paste -sd, -)
            echo "IOMMU ${i##*/} hw=$(basename "$(readlink -f "$i/device")")" \
                 "members=${m:--}"
        done
        for g in /sys/kernel/iommu_groups/*; do
            [ -e "$g" ] || continue
            echo "$(ls "$g/devices" | sort | paste -sd, -) $(cat "$g/type") ${g##*/}"
        done | sort | awk '{ printf "GROUP G%d type=%s members=%s id=%s\n",
                                    NR - 1, $2, $1, $3 }'
        for b in platform pci; do
            for d in /sys/bus/$b/devices/*; do
                [ -e "$d" ] || continue
                n=${d##*/}
                case "$b:$n" in pci:*|*smmu*|*pcie*|*iommu*) ;; *) continue ;; esac
                drv=-; grp=-; iom=-
                [ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
                [ -e "$d/iommu_group" ] &&
                    grp=$(basename "$(readlink "$d/iommu_group")")
                [ -e "$d/iommu" ] && iom=$(basename "$(readlink "$d/iommu")")
                echo "DEV $b:$n driver=$drv group_id=$grp iommu=$iom"
            done
        done
        for l in /sys/class/devlink/*; do
            [ -e "$l" ] || continue
            echo "LINK ${l##*/} status=$(cat "$l/status")" \
                 "auto_remove_on=$(cat "$l/auto_remove_on")" \
                 "runtime_pm=$(cat "$l/runtime_pm")" \
                 "sync_state_only=$(cat "$l/sync_state_only")"
        done | grep -E 'smmu|iommu|pci'
        [ -r /sys/kernel/debug/devices_deferred ] &&
            cut -f1 /sys/kernel/debug/devices_deferred | sort |
            sed 's/^/DEFERRED /'
    } | sed "s/^/state $label: /"
}
