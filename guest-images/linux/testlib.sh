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

disk_pci_dev() {
    wait_for "$DISK_DEV" || fail "no $DISK_DEV"
    pci_dev_of "/sys/block/${DISK_DEV#/dev/}/device"
}

# Uptime in milliseconds.
now_ms() {
    awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# Read the whole disk with O_DIRECT in blocks of $1 bytes, compare sha256.
dma_read_check() {
    [ -n "$DISK_SHA256" ] || skip "no smmuext.disk_sha256 given"
    wait_for "$DISK_DEV" || fail "no $DISK_DEV"
    t0=$(now_ms)
    sum=$(dd if="$DISK_DEV" bs="$1" iflag=direct 2>/tmp/dd.err |
          sha256sum | cut -d' ' -f1)
    t1=$(now_ms)
    cat /tmp/dd.err
    echo "elapsed_ms: $((t1 - t0))"
    [ "$sum" = "$DISK_SHA256" ] ||
        fail "sha256 mismatch: guest $sum, host $DISK_SHA256"
    echo "sha256 matches ($sum)"
}
