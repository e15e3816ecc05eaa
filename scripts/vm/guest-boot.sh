#!/bin/sh
# Runs in the VM suite's guest as the systemd oneshot unit pier-vm-suite.service: mounts the
# disks the host attached (by label) and hands over to the checkout's guest-run.sh, whose
# output goes to the serial console and the results disk. The unit powers the guest off.
set -u
mkdir -p /opt/pier /run/pier-vm/out
mount -L pierout /run/pier-vm/out || { echo "pier-vm: no results disk"; exit 1; }
if ! mount -o ro -L piersrc /opt/pier; then
  echo "pier-vm: no checkout disk" | tee /run/pier-vm/out/summary
  exit 1
fi
/bin/bash /opt/pier/scripts/vm/guest-run.sh /run/pier-vm/out 2>&1 | tee /run/pier-vm/out/log
rc=$?
sync
umount /run/pier-vm/out
exit $rc
