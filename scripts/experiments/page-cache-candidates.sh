#!/bin/bash
# Page-cache candidates for N readers of one image (docs/architecture.md, "Guests of one image share the
# node's page cache"). Root; leaves nothing attached except the experiment store under /var/tmp/density-exp
# (umount it and losetup -d its device when done). Usage: page-cache-candidates.sh buffered|dio VARIANT N
# VARIANT: clone clone-dio hardlink shared stacked-dio qcow2-wb qcow2-none qcow2-mixed
# usage: density-exp.sh STOREMODE(buffered|dio) VARIANT N
set -euo pipefail
W=/var/tmp/density-exp
STOREMODE=$1; VARIANT=$2; N=$3
MB=160
cleanup() {
  for d in $(losetup -a | grep "$W" | grep -v xfs.img | cut -d: -f1); do losetup -d "$d" 2>/dev/null || true; done
  for d in $(losetup -a | grep "/dev/loop" | grep "(/dev/loop" | cut -d: -f1); do losetup -d "$d" 2>/dev/null || true; done
}
setup() {
  mkdir -p $W/mnt
  if ! mountpoint -q $W/mnt; then
    [ -f $W/xfs.img ] || { truncate -s 4G $W/xfs.img; mkfs.xfs -q -m reflink=1 $W/xfs.img; }
    SL=$(losetup --find --show --direct-io=$([ $STOREMODE = dio ] && echo on || echo off) $W/xfs.img)
    mount $SL $W/mnt
  fi
  [ -f $W/mnt/chain.img ] || { dd if=/dev/urandom of=$W/mnt/chain.img bs=1M count=$MB status=none; sync; }
  rm -rf $W/mnt/vols; mkdir -p $W/mnt/vols $W/ov
}
SL=""
setup
SL=$(findmnt -n -o SOURCE $W/mnt)
SLN=$(basename $SL)
snap() { # cached+buffers kB, store-dev read sectors, vda read sectors
  local c b; c=$(awk '/^Cached:/{print $2}' /proc/meminfo); b=$(awk '/^Buffers:/{print $2}' /proc/meminfo)
  echo $((c+b)) $(awk '{print $3}' /sys/block/$SLN/stat) $(awk '$3=="vda"{print $6}' /proc/diskstats)
}
devs=()
case $VARIANT in
  clone|clone-dio)
    for i in $(seq 1 $N); do cp --reflink=always $W/mnt/chain.img $W/mnt/vols/v$i.img
      devs+=($(losetup --find --show $([ $VARIANT = clone-dio ] && echo --direct-io=on) $W/mnt/vols/v$i.img)); done ;;
  hardlink)
    for i in $(seq 1 $N); do ln -f $W/mnt/chain.img $W/mnt/vols/h$i.img
      devs+=($(losetup --find --show --read-only $W/mnt/vols/h$i.img)); done ;;
  shared|stacked-dio|qcow2-wb|qcow2-none|qcow2-mixed)
    S=$(losetup --find --show --read-only $W/mnt/chain.img)
    for i in $(seq 1 $N); do
      case $VARIANT in
        shared) devs+=($S) ;;
        stacked-dio) devs+=($(losetup --find --show --read-only --direct-io=on $S)) ;;
        qcow2*) qemu-img create -q -f qcow2 -F raw -b $S $W/ov/o$i.qcow2; devs+=($W/ov/o$i.qcow2) ;;
      esac; done ;;
esac
sync; echo 3 > /proc/sys/vm/drop_caches; sleep 1
read c0 s0 v0 < <(snap)
t0=$(date +%s%N)
for d in "${devs[@]}"; do
  case $VARIANT in
    qcow2-wb) qemu-io -f qcow2 -t writeback -c "read 0 ${MB}M" $d >/dev/null ;;
    qcow2-none) qemu-io -f qcow2 -t none -c "read 0 ${MB}M" $d >/dev/null ;;
    qcow2-mixed) qemu-io --image-opts -c "read 0 ${MB}M" "driver=qcow2,file.driver=file,file.filename=$d,file.cache.direct=on,backing.driver=raw,backing.file.driver=host_device,backing.file.filename=$S,backing.file.cache.direct=off" >/dev/null ;;
    *) dd if=$d of=/dev/null bs=1M iflag=direct status=none ;;
  esac
done
t1=$(date +%s%N)
read c1 s1 v1 < <(snap)
echo "store=$STOREMODE variant=$VARIANT n=$N cache_mib=$(( (c1-c0)/1024 )) storedev_read_mib=$(( (s1-s0)/2048 )) vda_read_mib=$(( (v1-v0)/2048 )) ms=$(( (t1-t0)/1000000 ))"
cleanup
