#!/usr/bin/env bash
# Builds (once per recipe) the Debian guest of the VM suite: a systemd host with the
# distribution's default unified cgroup v2 hierarchy and the packages pier's setup installs,
# as an ext4 disk image plus its kernel and initramfs, cached under /var/lib/pier/vm/<hash>.
# Usage: scripts/vm/guest-image.sh [bookworm|trixie]   Prints the cache directory last.
set -euo pipefail
cd "$(dirname "$0")/../.."

suite=${1:-bookworm}
case "$suite" in bookworm | trixie) ;; *) echo "guest-image: unknown suite $suite (bookworm or trixie)" >&2; exit 2 ;; esac

# What pier's scripts/setup.sh installs on a host (chromium aside: the guest runs no
# browser), the guest's own init, kernel and tools, and what node's native modules load.
PACKAGES=(
  runc crun mmdebstrap uidmap nftables iproute2 e2fsprogs mount catatonit util-linux
  golang-github-containers-common busybox-static
  systemd-sysv udev dbus libnss-systemd kmod procps ca-certificates initramfs-tools zstd
  linux-image-amd64 libstdc++6 jq psmisc
  gcc libc6-dev bash-static
)
# Modules the initramfs needs to find the root disk (MODULES=list keeps it small).
INITRD_MODULES=(virtio_pci virtio_blk crc32c_generic ext4)
# Bump when the build below changes in a way the lists above do not show.
RECIPE_VERSION=1

recipe="$suite|${PACKAGES[*]}|${INITRD_MODULES[*]}|$RECIPE_VERSION|$(sha256sum scripts/vm/guest-image.sh scripts/vm/guest-boot.sh | sha256sum)"
hash=$(printf '%s' "$recipe" | sha256sum | cut -c1-12)
dir=/var/lib/pier/vm/$suite-$hash
if [ -f "$dir/ready" ]; then echo "$dir"; exit 0; fi

# The Debian URI of the host's own apt sources (a near or caching mirror), else Debian's CDN.
uri=$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null | head -1 | tr -d ' ' || true)
uri=${uri:-http://deb.debian.org/debian}; uri=${uri%/}
security=${uri%/debian}/debian-security
sources="deb $uri $suite main
deb $uri $suite-updates main
deb $security $suite-security main"

start=$(date +%s)
echo "guest-image: building Debian $suite guest ($hash) from $uri" >&2
rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
tree=$dir.tmp/tree
mmdebstrap --mode=root --variant=minbase --quiet \
  --include="$(IFS=,; echo "${PACKAGES[*]}")" \
  --setup-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d"' \
  --setup-hook="echo MODULES=list > \"\$1/etc/initramfs-tools/conf.d/pier.conf\"" \
  --setup-hook="printf '%s\n' ${INITRD_MODULES[*]} > \"\$1/usr/share/initramfs-tools/modules.d/pier\"" \
  --customize-hook="cp scripts/vm/guest-boot.sh \"\$1/usr/local/sbin/pier-vm-boot\"" \
  --customize-hook='chroot "$1" /bin/sh -c "
    chmod 755 /usr/local/sbin/pier-vm-boot
    echo pier-vm > /etc/hostname
    printf \"LABEL=pierroot / ext4 rw,relatime 0 1\n\" > /etc/fstab
    passwd -d root >/dev/null
    # Nothing the suite does not need: no timers, no network waits, no login on the console.
    systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer \
      systemd-timesyncd.service serial-getty@ttyS0.service getty@tty1.service >/dev/null 2>&1 || true
    cat > /etc/systemd/system/pier-vm-suite.service <<UNIT
[Unit]
Description=pier VM suite
After=multi-user.target
SuccessAction=poweroff-force
FailureAction=poweroff-force
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/pier-vm-boot
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity
[Install]
WantedBy=multi-user.target
UNIT
    systemctl enable pier-vm-suite.service >/dev/null 2>&1
    # The guest reaches Debian through QEMU user networking (10.0.2.0/24).
    mkdir -p /etc/systemd/network
    printf \"[Match]\nName=en*\n[Network]\nDHCP=yes\n\" > /etc/systemd/network/10-nic.network
    systemctl enable systemd-networkd.service >/dev/null 2>&1 || true
  "' \
  "$suite" "$tree" - <<<"$sources"
cp -L "$tree"/boot/vmlinuz-* "$dir.tmp/vmlinuz"
cp -L "$tree"/boot/initrd.img-* "$dir.tmp/initrd.img"
rm -rf "$tree"/var/cache/apt/archives/*.deb "$tree"/var/lib/apt/lists/*_Packages
mkfs.ext4 -q -L pierroot -E root_owner=0:0 -d "$tree" "$dir.tmp/root.img" 12G
rm -rf "$tree"
printf '%s\n' "$recipe" > "$dir.tmp/recipe"
echo "$(( $(date +%s) - start ))" > "$dir.tmp/build-seconds"
touch "$dir.tmp/ready"
rm -rf "$dir"; mv "$dir.tmp" "$dir"
echo "guest-image: built in $(cat "$dir/build-seconds") s" >&2
echo "$dir"
