#!/usr/bin/env bash
# Installs, idempotently and quietly, every Debian/Ubuntu package that unibloc's build, tests and
# demo use. Safe to run again: it only calls apt-get when something is missing.
set -euo pipefail

PACKAGES=(
  openjdk-17-jdk-headless   # the build (the Maven wrapper fetches Maven itself)
  docker-registry           # the real OCI registry the tests push to and pull from
  apache2-utils             # htpasswd, for the registry's basic-auth tests
  qemu-system-x86 qemu-utils # the VMM the sandbox runs guests in (TCG where KVM is unusable)
  e2fsprogs xfsprogs btrfs-progs dosfstools mtools erofs-utils # filesystems of chain images and stores
  util-linux kmod cpio      # losetup, mount, modprobe/modinfo, initramfs for the test guest
  linux-image-amd64         # a kernel for the Linux test guest
  busybox-static            # the userland of the test guest and the demo image
  iproute2 passt curl       # guest networking: ip/tc for the tap data path, passt for the unprivileged one, curl in tests
  skopeo                    # an independent OCI client, to check the registry fixture against
  podman buildah runc       # build the four images and run their smoke tests (runc where crun refuses the cgroups)
  containernetworking-plugins uidmap fuse-overlayfs # podman's networks, user namespaces and storage fallback
  mmdebstrap                # the images' Debian-made JDK and base images where registry bases are unreachable
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: run as root (sudo): tests use loop devices and mounts" >&2
  exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Loop devices and the filesystems the store uses must be available to the kernel.
for m in loop xfs btrfs vfat; do modprobe -q "$m" 2>/dev/null || true; done
[ -e /dev/loop-control ] || { echo "install-deps: /dev/loop-control is missing: the kernel needs loop device support" >&2; exit 1; }
echo "install-deps: all packages present"
