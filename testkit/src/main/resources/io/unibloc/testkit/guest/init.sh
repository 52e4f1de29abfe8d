#!/bin/busybox sh
# /init of the unibloc test guest (io.unibloc.testkit.guest.TestGuest). Protocol:
#   mounts /dev/vda at /mnt (filesystem detected; ro or rw as the kernel command line says),
#   powers off when the ACPI power button is pressed,
#   runs /app/run of the mounted root in a chroot with init's environment and arguments, or else prints
#   the file named by unibloc_marker (default /marker), then exits: code 0 powers off, any other code is
#   written to the isa-debug-exit port. unibloc_exit=N overrides the code; unibloc_wait=1 waits for the
#   power button instead of exiting.
# Network: with a NIC, brings eth0 up from the kernel's ip= parameter (the kernel has no IP autoconfig built in):
#   ip=<addr>::<gw>:<netmask>:<host>:eth0:off[:<dns0>[:<dns1>]] configures it statically, ip=dhcp runs udhcpc;
#   prints "eth0 mac MAC" and "eth0 ADDR/PREFIX". unibloc_httpd=PORT then serves /www over HTTP with busybox httpd
#   (index.html says "hello from the unibloc test guest"; unibloc_httpd_blob_mib=N adds blob, N MiB of zeros; the
#   root volume's /www is copied over it) and waits for the power button or GET /cgi-bin/stop.
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

prefix_of() {
  bits=0
  for octet in $(echo "$1" | tr . ' '); do
    case "$octet" in
      255) bits=$((bits + 8)) ;; 254) bits=$((bits + 7)) ;; 252) bits=$((bits + 6)) ;; 248) bits=$((bits + 5)) ;;
      240) bits=$((bits + 4)) ;; 224) bits=$((bits + 3)) ;; 192) bits=$((bits + 2)) ;; 128) bits=$((bits + 1)) ;;
    esac
  done
  echo $bits
}

net_up() {
  spec="$1"
  tries=0
  while [ ! -e /sys/class/net/eth0 ] && [ $tries -lt 100 ]; do sleep 0.05; tries=$((tries + 1)); done
  if [ ! -e /sys/class/net/eth0 ]; then
    say "no eth0"
    return
  fi
  ip link set lo up
  ip link set eth0 up
  say "eth0 mac $(cat /sys/class/net/eth0/address) mtu $(cat /sys/class/net/eth0/mtu)"
  if [ "$spec" = dhcp ]; then
    mkdir -p /usr/share/udhcpc
    printf '%s\n' '#!/bin/sh' '[ "$1" = bound ] || [ "$1" = renew ] || exit 0' \
      'ip addr flush dev "$interface"' 'ip addr add "$ip/$mask" dev "$interface"' \
      '[ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface" onlink' \
      'for d in $dns; do echo "nameserver $d"; done > /etc/resolv.conf' > /usr/share/udhcpc/default.script
    chmod 755 /usr/share/udhcpc/default.script
    udhcpc -i eth0 -n -q -t 10 >/dev/null 2>&1 || say "dhcp failed"
  else
    old_ifs="$IFS"; IFS=:
    set -- $spec
    IFS="$old_ifs"
    addr="$1"; gw="$3"; mask="$4"; host="$5"
    ip addr add "$addr/$(prefix_of "$mask")" dev eth0
    [ -n "$gw" ] && ip route add default via "$gw" dev eth0 onlink
    [ -n "$host" ] && hostname "$host"
    : > /etc/resolv.conf
    [ -n "$8" ] && echo "nameserver $8" >> /etc/resolv.conf
    [ -n "$9" ] && echo "nameserver $9" >> /etc/resolv.conf
  fi
  say "eth0 $(ip -4 -o addr show dev eth0 | awk '{ print $4 }')"
}

mkdir -p /etc
netspec=""
httpd_port=""
blob_mib=0
for word in $(cat /proc/cmdline); do
  case "$word" in
    ip=*) netspec="${word#ip=}" ;;
    unibloc_httpd=*) httpd_port="${word#unibloc_httpd=}" ;;
    unibloc_httpd_blob_mib=*) blob_mib="${word#unibloc_httpd_blob_mib=}" ;;
    --) break ;;
  esac
done
[ -n "$netspec" ] && net_up "$netspec"

if [ -n "$httpd_port" ]; then
  mkdir -p /www/cgi-bin
  echo "hello from the unibloc test guest" > /www/index.html
  [ "$blob_mib" -gt 0 ] && dd if=/dev/zero of=/www/blob bs=1048576 count="$blob_mib" 2>/dev/null
  # A root volume with /www (the sample image's) adds its files.
  if [ -b /dev/vda ] && mount -o ro /dev/vda /mnt 2>/dev/null && [ -d /mnt/www ]; then cp -r /mnt/www/. /www/; fi
  # GET /cgi-bin/stop powers the guest off, so a client can end it without a signal.
  printf '%s\n' '#!/bin/sh' 'printf "Content-Type: text/plain\r\n\r\npowering off\n"' ': > /tmp/unibloc-stop' \
    > /www/cgi-bin/stop
  chmod 755 /www/cgi-bin/stop
  httpd -p "$httpd_port" -h /www
  say "httpd listening on port $httpd_port"
  say "waiting for the power button"
  while [ ! -e /tmp/unibloc-stop ]; do sleep 0.2; done
  say "stop requested over HTTP"
  finish 0
fi

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
