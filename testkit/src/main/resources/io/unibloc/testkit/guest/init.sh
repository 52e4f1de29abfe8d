#!/bin/busybox sh
# /init of the unibloc test guest (io.unibloc.testkit.guest.TestGuest). Protocol:
#   mounts /dev/vda at /mnt (filesystem detected; ro or rw as the kernel command line says),
#   powers off when the ACPI power button is pressed,
#   runs /app/run of the mounted root in a chroot with init's environment and arguments, or else prints
#   the file named by unibloc_marker (default /marker), then exits: code 0 powers off, any other code is
#   written to the isa-debug-exit port. unibloc_exit=N overrides the code; unibloc_wait=1 waits for the
#   power button instead of exiting.
/bin/busybox mkdir -p /proc /sys /dev /mnt /tmp /bin
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

say() { echo "unibloc-guest: $*"; }

finish() {
  say "exit $1"
  sync
  umount /mnt/dev /mnt/proc 2>/dev/null
  umount /mnt 2>/dev/null
  if [ "$1" != 0 ] && [ -e /dev/port ]; then
    printf "\\$(printf %o "$1")" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
  fi
  poweroff -f
  while :; do sleep 1; done
}

while read -r module; do
  insmod "/lib/modules/$module" || say "insmod $module failed"
done < /lib/modules/load-order

mode=ro
for word in $(cat /proc/cmdline); do
  case "$word" in
    ro) mode=ro ;;
    rw) mode=rw ;;
    --) break ;;
  esac
done

for event in /sys/class/input/event*; do
  [ -r "$event/device/name" ] || continue
  if [ "$(cat "$event/device/name")" = "Power Button" ]; then
    (dd if="/dev/input/${event##*/}" bs=24 count=1 >/dev/null 2>&1; say "power button"; finish 0) &
  fi
done

tries=0
while [ ! -b /dev/vda ] && [ $tries -lt 100 ]; do sleep 0.05; tries=$((tries + 1)); done
if ! mount -o "$mode" /dev/vda /mnt; then
  say "cannot mount /dev/vda $mode"
  finish 99
fi
say "mounted /dev/vda $(awk '$2 == "/mnt" { print $3 " " substr($4, 1, 2) }' /proc/mounts)"

code=0
marker="/mnt${unibloc_marker:-/marker}"
if [ -x /mnt/app/run ]; then
  [ -d /mnt/proc ] && mount -t proc proc /mnt/proc
  [ -d /mnt/dev ] && mount -t devtmpfs devtmpfs /mnt/dev
  say "running /app/run $*"
  chroot /mnt /app/run "$@"
  code=$?
elif [ -f "$marker" ]; then
  say "marker ${unibloc_marker:-/marker}:"
  cat "$marker"
else
  say "nothing to run: no /app/run and no ${unibloc_marker:-/marker}"
  code=2
fi
[ -n "$unibloc_exit" ] && code=$unibloc_exit
if [ "$unibloc_wait" = 1 ]; then
  say "waiting for the power button"
  while :; do sleep 1; done
fi
finish $code
