#!/bin/sh
# Entry point of the unibloc/sandbox image: starts io.unibloc.sandbox.Main (arguments are passed on) with JVM
# settings that make it start fast, as an unprivileged user whenever the devices allow it.
#
#   UNIBLOC_RUN_AS_ROOT=true   keep root (e.g. to debug device permissions)
#   UNIBLOC_JAVA_OPTS          replaces the JVM options below
#   UNIBLOC_HOME               where sandbox.jar, lib/, jvm.options and sandbox.jsa are (default /opt/unibloc/sandbox)
set -eu

home=${UNIBLOC_HOME:-/opt/unibloc/sandbox}
uid=65532
# jvm.options holds the flags the image's AppCDS archive (sandbox.jsa) was made with, so that both always agree.
java_opts=${UNIBLOC_JAVA_OPTS:-"@$home/jvm.options -XX:SharedArchiveFile=$home/sandbox.jsa -Xshare:auto \
-Xlog:cds=off -Xlog:cds+dynamic=off"}

if [ "$(id -u)" = 0 ] && [ "${UNIBLOC_RUN_AS_ROOT:-false}" != true ]; then
    # The devices QEMU opens: /dev/kvm from the device plugin, the volumes the operator maps to /dev/unibloc-*.
    devices=""
    groups=""
    for device in /dev/kvm /dev/net/tun /dev/vhost-net /dev/unibloc-*; do
        [ -e "$device" ] || continue
        devices="$devices $device"
        group=$(stat -c %g "$device")
        case ",$groups," in
            *",$group,"*) ;;
            *) groups="${groups:+$groups,}$group" ;;
        esac
    done
    drop="setpriv --reuid=$uid --regid=$uid --groups=${groups:-$uid} --inh-caps=-all"
    # The tap data path needs CAP_NET_ADMIN (in the Pod's own network namespace only); when the Pod was given it,
    # the unprivileged launcher keeps it as an ambient capability, which ip, tc and QEMU inherit.
    if [ $(( 0x$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status) >> 12 & 1 )) = 1 ]; then
        drop="setpriv --reuid=$uid --regid=$uid --groups=${groups:-$uid} --inh-caps=-all,+net_admin"
        drop="$drop --ambient-caps=+net_admin"
    fi
    # shellcheck disable=SC2086 # $drop and $devices are word lists
    if denied=$($drop sh -c 'for d; do [ -r "$d" ] && [ -w "$d" ] || { echo "$d"; exit 1; }; done' sh $devices 2>&1)
    then
        # shellcheck disable=SC2086
        exec $drop java $java_opts -jar "$home/sandbox.jar" "$@"
    fi
    echo "sandbox-entrypoint: staying root, uid $uid cannot open ${denied:-the devices}" \
        "(device nodes keep the node's owner and mode)" >&2
fi
# shellcheck disable=SC2086
exec java $java_opts -jar "$home/sandbox.jar" "$@"
