#!/usr/bin/env bash
# A bootable Debian guest for booting PyFleet's VM user-data for real, made from Debian packages only (no cloud image
# is downloaded) and cached outside the repository:
#
#   hack/guest-image.sh [DIR]   build DIR (default $PYFLEET_CACHE_DIR/guest) unless it is up to date; prints DIR
#
# DIR/root.qcow2 (the root filesystem, no partition table, no bootloader), DIR/vmlinuz and DIR/initrd.img (booted
# directly by QEMU). The guest has cloud-init (NoCloud only), python3 with venv and pip (Debian 12: Python 3.11), and
# in /opt/pyfleet/wheels the wheels a pool with `python.source: Image` installs offline (WHEELS below). Boot one by
# hand, on loopback only and with a network that cannot leave this machine:
#
#   qemu-img create -f qcow2 -F qcow2 -b DIR/root.qcow2 vm.qcow2
#   genisoimage -output seed.iso -volid cidata -joliet -rock user-data meta-data    # NoCloud seed
#   qemu-system-x86_64 -accel tcg -m 1024 -nographic -kernel DIR/vmlinuz -initrd DIR/initrd.img \
#     -append "root=/dev/vda rw console=ttyS0" -drive file=vm.qcow2,if=virtio -drive file=seed.iso,if=virtio,readonly=on \
#     -nic user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:18080-:8080
#
# TCG, not KVM: this machine's /dev/kvm cannot run stock kernels. Under TCG with one vCPU the guest takes about two
# and a half minutes from power-on to an app installed from the wheels and serving.
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${PYFLEET_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pyfleet}"
OUT="${1:-$CACHE_DIR/guest}"
DEBIAN_MIRROR="${PYFLEET_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
GUEST_PACKAGES=systemd-sysv,udev,dbus,linux-image-cloud-amd64,cloud-init,python3,python3-venv,python3-pip,netbase,iproute2,ca-certificates,python3-cffi-backend
WHEELS=(gunicorn==23.0.0 flask==3.1.2)
KEY="bookworm $GUEST_PACKAGES ${WHEELS[*]} $(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"

say() { echo "guest-image: $*" >&2; }
fail() { echo "guest-image: $*" >&2; exit 1; }
# shellcheck source=lib.sh
source "$HACK_DIR/lib.sh"

# What booting the guest takes, cached image or not.
install_debian_packages qemu-utils qemu-system-x86 genisoimage
if [[ -f "$OUT/root.qcow2" && "$(cat "$OUT/key" 2>/dev/null)" == "$KEY" ]]; then
  echo "$OUT"
  exit 0
fi
[[ "$(id -u)" == 0 ]] || fail "building the guest needs root (debootstrap, chroot)"
install_debian_packages debootstrap e2fsprogs python3-pip
mkdir -p "$OUT" "$CACHE_DIR/images/debs"
work="$(mktemp -d "$OUT/build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
say "debootstrap (about a minute with the package cache warm)"
debootstrap --variant=minbase --include="$GUEST_PACKAGES" --cache-dir="$CACHE_DIR/images/debs" bookworm "$root" \
  "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 || { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap failed"; }

# DHCP on the virtio NIC; cloud-init reads only the NoCloud seed (no network datasource probing) and keeps the C.UTF-8
# locale a minimal Debian has (its default, en_US.UTF-8, is not generated here, and its locale module would fail).
mkdir -p "$root/etc/systemd/network" "$root/etc/cloud/cloud.cfg.d" "$root/opt/pyfleet/wheels"
printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n' >"$root/etc/systemd/network/10-dhcp.network"
ln -sf /lib/systemd/system/systemd-networkd.service "$root/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
printf 'datasource_list: [NoCloud, None]\nlocale: C.UTF-8\n' >"$root/etc/cloud/cloud.cfg.d/90-pyfleet.cfg"
echo "localhost" >"$root/etc/hostname"

# Wheels for the guest's Python (3.11, x86_64), fetched from PyPI here; the guest never reaches a network.
pip download --quiet --disable-pip-version-check --only-binary=:all: --python-version 3.11 \
  --platform manylinux2014_x86_64 -d "$root/opt/pyfleet/wheels" "${WHEELS[@]}" || fail "pip download failed"

cp "$root"/boot/vmlinuz-* "$work/vmlinuz"
cp "$root"/boot/initrd.img-* "$work/initrd.img"
rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
truncate -s 3G "$work/root.raw"
mkfs.ext4 -q -F -d "$root" "$work/root.raw"
qemu-img convert -O qcow2 "$work/root.raw" "$work/root.qcow2"
mv "$work/vmlinuz" "$work/initrd.img" "$work/root.qcow2" "$OUT/"
echo "$KEY" >"$OUT/key"
say "built $OUT/root.qcow2 ($(du -h "$OUT/root.qcow2" | cut -f1))"
echo "$OUT"
