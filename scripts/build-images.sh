#!/usr/bin/env bash
# Builds the unibloc container images from the repository root:
#   unibloc/operator, unibloc/csi-controller, unibloc/csi-node, unibloc/sandbox (src/main/docker/<name>/Dockerfile).
#
# Usage: scripts/build-images.sh [options] [image ...]     (no image names = all of them)
#   --engine docker|podman|buildah  container engine (default: $CONTAINER_ENGINE, else the first one that works)
#   --tag TAG                       image tag (default: 0.1.0, the chart's appVersion)
#   --prefix PREFIX                 repository prefix (default: unibloc/, e.g. registry.example.com/unibloc/)
#   --target DIR                    Maven output folder name, as -Dunibloc.target (default: target)
#   --skip-maven                    use the jars already built instead of running ./mvnw package
#   --jdk-image IMAGE               image with a JDK 17 (jlink, jdeps) for the build stage ($JDK_IMAGE)
#   --base-image IMAGE              base image of every runtime stage ($BASE_IMAGE)
#   --base-from-debian              make the JDK and base images from Debian packages with mmdebstrap (automatic
#                                   when the default eclipse-temurin/debian images cannot be pulled)
#   --debian-sources FILE           apt sources (one-line or deb822) for mmdebstrap, repeatable
#                                   (default: this machine's Debian entries in /etc/apt)
#   --base-cache DIR                where the Debian-made root filesystems are cached
#                                   (default: $UNIBLOC_BASE_CACHE, else /var/cache/unibloc/base-images as root)
#   --engine-flag FLAG              extra flag for every build command, repeatable (e.g. --engine-flag=--network=host)
#   --load containerd|podman        afterwards import the images into containerd's k8s.io namespace
#                                   (ctr -n k8s.io images import) or into podman's store
#   --containerd-address PATH       containerd socket for --load containerd (default: /run/containerd/containerd.sock)
#   --bases-only                    with --base-from-debian: make (or find) the Debian bases and stop; the test
#                                   command runs this before the tests, so no test downloads packages
#   --dry-run                       print the commands instead of running them (no engine needed)
#
# Names: every image is tagged <prefix><name>:<tag>; where the prefix names no registry host (unibloc/), the
# name is written out as docker.io/unibloc/<name> (what the chart's default image.repository resolves to on
# a node) and, with podman and buildah, also as localhost/unibloc/<name>.
# podman and buildah get --ulimit flags within this shell's hard limits (nofile at the limit, nproc at most 4096),
# as they cannot raise them without CAP_SYS_RESOURCE ("error setting rlimit type 7: operation not permitted").
#
# Exit codes: 0 built, 1 build failed, 2 bad usage or no container engine, 3 a module's build output is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
engine="${CONTAINER_ENGINE:-}"
tag="0.1.0"
prefix="unibloc/"
target="target"
skip_maven=false
dry_run=false
bases_only=false
jdk_image="${JDK_IMAGE:-}"
base_image="${BASE_IMAGE:-}"
from_debian=false
debian_sources=()
base_cache="${UNIBLOC_BASE_CACHE:-}"
engine_flags=()
load=""
containerd_address="/run/containerd/containerd.sock"
requested=()
default_jdk_image="eclipse-temurin:17-jdk"
default_base_image="debian:bookworm-slim"

usage() {
    sed -n '2,34p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --engine) engine="${2:?--engine needs a value}"; shift 2 ;;
        --tag) tag="${2:?--tag needs a value}"; shift 2 ;;
        --prefix) prefix="${2:?--prefix needs a value}"; shift 2 ;;
        --target) target="${2:?--target needs a value}"; shift 2 ;;
        --skip-maven) skip_maven=true; shift ;;
        --jdk-image) jdk_image="${2:?--jdk-image needs a value}"; shift 2 ;;
        --base-image) base_image="${2:?--base-image needs a value}"; shift 2 ;;
        --base-from-debian) from_debian=true; shift ;;
        --debian-sources) debian_sources+=("${2:?--debian-sources needs a file}"); shift 2 ;;
        --base-cache) base_cache="${2:?--base-cache needs a value}"; shift 2 ;;
        --engine-flag=*) engine_flags+=("${1#--engine-flag=}"); shift ;;
        --engine-flag) engine_flags+=("${2:?--engine-flag needs a value}"); shift 2 ;;
        --load) load="${2:?--load needs containerd or podman}"; shift 2 ;;
        --containerd-address) containerd_address="${2:?--containerd-address needs a value}"; shift 2 ;;
        --bases-only) bases_only=true; shift ;;
        --dry-run) dry_run=true; shift ;;
        -h|--help) usage ;;
        -*) echo "build-images: unknown option $1" >&2; usage ;;
        *) requested+=("$1"); shift ;;
    esac
done

case "$load" in
    ""|containerd|podman) ;;
    *) echo "build-images: --load must be containerd or podman, not '$load'" >&2; exit 2 ;;
esac
if $from_debian && { [ -n "$jdk_image" ] || [ -n "$base_image" ]; }; then
    echo "build-images: --base-from-debian makes the JDK and base images itself; drop --jdk-image/--base-image" >&2
    exit 2
fi

# Image name -> Maven module that produces its input, and the file that must exist after `package`.
declare -A module=([operator]=operator [csi-controller]=csi-controller [csi-node]=csi-node [sandbox]=sandbox)
declare -A artifact=(
    [operator]="operator/$target/quarkus-app/quarkus-run.jar"
    [csi-controller]="csi-controller/$target/csi-controller.jar"
    [csi-node]="csi-node/$target/csi-node.jar"
    [sandbox]="sandbox/$target/sandbox.jar"
)

images=()
if [ ${#requested[@]} -eq 0 ]; then
    for name in operator csi-controller csi-node sandbox; do
        [ -f "$root/src/main/docker/$name/Dockerfile" ] && images+=("$name")
    done
else
    for name in "${requested[@]}"; do
        if [ -z "${module[$name]:-}" ]; then
            echo "build-images: unknown image '$name' (known: operator csi-controller csi-node sandbox)" >&2
            exit 2
        fi
        if [ ! -f "$root/src/main/docker/$name/Dockerfile" ]; then
            echo "build-images: src/main/docker/$name/Dockerfile does not exist" >&2
            exit 2
        fi
        images+=("$name")
    done
fi

engine_works() {
    case "$1" in
        docker|podman|buildah) command -v "$1" >/dev/null 2>&1 && "$1" info >/dev/null 2>&1 ;;
        *) return 1 ;;
    esac
}

if [ -n "$engine" ]; then
    case "$engine" in
        docker|podman|buildah) ;;
        *) echo "build-images: --engine must be docker, podman or buildah, not '$engine'" >&2; exit 2 ;;
    esac
    if ! $dry_run && ! engine_works "$engine"; then
        echo "build-images: $engine is not installed or cannot reach its daemon/storage ('$engine info' failed)." >&2
        exit 2
    fi
elif $dry_run; then
    engine=docker
else
    for candidate in docker podman buildah; do
        if engine_works "$candidate"; then engine="$candidate"; break; fi
    done
    if [ -z "$engine" ]; then
        cat >&2 <<EOF
build-images: no container engine found, so no image was built.
  Looked for docker, podman and buildah on PATH and asked each for '<engine> info'; none answered.
  Install one of them (e.g. apt-get install podman, or buildah for daemonless builds), or build elsewhere
  with: scripts/build-images.sh --engine docker
  The Helm chart tests (./mvnw -pl e2e verify) do not need images; the cluster e2e suite does.
EOF
        exit 2
    fi
fi

# Like run, but what the command prints goes away (unless this is a dry run).
run_quiet() {
    if $dry_run; then run "$@"; else "$@" >/dev/null; fi
}

run() {
    if $dry_run; then
        local shown=() arg
        for arg in "$@"; do
            case "$arg" in *[[:space:]]*) shown+=("'$arg'") ;; *) shown+=("$arg") ;; esac
        done
        echo "${shown[*]}"
    else
        "$@"
    fi
}

# podman and buildah raise nofile/nproc to their own defaults unless told; without CAP_SYS_RESOURCE that fails.
if [ "$engine" = podman ] || [ "$engine" = buildah ]; then
    nofile="$(ulimit -Hn)"
    nproc="$(ulimit -Hu)"
    [ "$nofile" = unlimited ] || engine_flags=("--ulimit" "nofile=$nofile:$nofile" "${engine_flags[@]}")
    # nproc: the shell's hard limit is refused as well ("error setting rlimit type 6"); podman's own default of
    # 4096 is accepted, so never ask for more than that.
    if [ "$nproc" = unlimited ] || [ "$nproc" -gt 4096 ]; then nproc=4096; fi
    engine_flags=("--ulimit" "nproc=$nproc:$nproc" "${engine_flags[@]}")
fi
# buildah only reuses cached layers when asked.
[ "$engine" = buildah ] && engine_flags=("--layers" "${engine_flags[@]}")

image_present() {
    case "$engine" in
        docker) docker image inspect "$1" >/dev/null 2>&1 ;;
        podman) podman image exists "$1" ;;
        buildah) buildah inspect --type image "$1" >/dev/null 2>&1 ;;
    esac
}

# Present locally, or pulled within a minute; an unreachable registry must not stall the build for long.
image_available() {
    image_present "$1" && return 0
    echo "build-images: pulling $1" >&2
    timeout 60 "$engine" pull -q "$1" >/dev/null 2>&1
}

# --- Base images made from Debian packages. Each flavour is a root filesystem built by mmdebstrap from this
# machine's apt sources, cached as a tar keyed by everything that goes into it, and imported as
# localhost/unibloc-base/<flavour>:<key>. A re-run with the same packages and sources only imports (or finds) it.
declare -A flavour_packages=(
    [jdk]="openjdk-17-jdk-headless binutils"
    [minimal]=""
    [node]="e2fsprogs xfsprogs btrfs-progs util-linux mount dosfstools mtools qemu-system-x86"
    [sandbox]="passwd qemu-system-x86 qemu-utils e2fsprogs mtools util-linux iproute2 passt"
)
declare -A base_image_of=()
merged_usr_hooks=/usr/share/mmdebstrap/hooks/merged-usr

debian_suite() {
    local codename=""
    [ -r /etc/os-release ] && codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
    echo "${codename:-bookworm}"
}

# The Debian entries of /etc/apt (enabled *.list/*.sources files whose URIs mention debian), as files.
host_debian_sources() {
    local file
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -f "$file" ] || continue
        grep -Eq '^[^#]*(deb |URIs:).*debian' "$file" && echo "$file"
    done
    return 0
}

make_debian_bases() {
    if [ ${#debian_sources[@]} -eq 0 ]; then
        mapfile -t debian_sources < <(host_debian_sources)
    fi
    if [ ${#debian_sources[@]} -eq 0 ]; then
        echo "build-images: no Debian apt sources found in /etc/apt; pass --debian-sources FILE" >&2
        exit 2
    fi
    if ! $dry_run && ! command -v mmdebstrap >/dev/null 2>&1; then
        echo "build-images: --base-from-debian needs mmdebstrap (apt-get install mmdebstrap, or scripts/install-deps.sh)" >&2
        exit 2
    fi
    if [ -z "$base_cache" ]; then
        if [ "$(id -u)" -eq 0 ]; then base_cache=/var/cache/unibloc/base-images
        else base_cache="${XDG_CACHE_HOME:-$HOME/.cache}/unibloc/base-images"; fi
    fi
    local suite flavour key tarball image sources_text pids=() wanted=() building=()
    suite="$(debian_suite)"
    sources_text="$(cat "${debian_sources[@]}")"
    wanted=(jdk)
    for name in "${images[@]}"; do
        case "$name" in
            operator|csi-controller) wanted+=(minimal) ;;
            csi-node) wanted+=(node) ;;
            sandbox) wanted+=(sandbox) ;;
        esac
    done
    mapfile -t wanted < <(printf '%s\n' "${wanted[@]}" | sort -u)
    $dry_run || mkdir -p "$base_cache"
    for flavour in "${wanted[@]}"; do
        key="$(printf '%s\n' "v3" "$suite" "apt" "${flavour_packages[$flavour]}" "$sources_text" \
               | sha256sum | cut -c1-16)"
        tarball="$base_cache/$flavour-$key.tar"
        image="localhost/unibloc-base/$flavour:$key"
        base_image_of[$flavour]="$image"
        if ! $dry_run && image_present "$image"; then
            echo "build-images: base $flavour is $image (present)" >&2
            continue
        fi
        if $dry_run || [ ! -s "$tarball" ]; then
            echo "build-images: making base $flavour from Debian $suite packages with mmdebstrap" >&2
            if $dry_run; then
                debian_rootfs "$suite" "$flavour" "$tarball.partial"
            else
                # In the background: the flavours download and unpack side by side.
                debian_rootfs "$suite" "$flavour" "$tarball.partial" &
                pids+=($!)
            fi
            building+=("$flavour")
        fi
    done
    local i failed=false
    for i in "${!pids[@]}"; do
        tarball="$base_cache/${building[$i]}-${base_image_of[${building[$i]}]##*:}.tar"
        if wait "${pids[$i]}"; then
            mv "$tarball.partial" "$tarball" # only a complete root filesystem is ever cached
        else
            echo "build-images: mmdebstrap failed for base ${building[$i]} (sources: ${debian_sources[*]})" >&2
            rm -f "$tarball.partial"
            failed=true
        fi
    done
    if $failed; then exit 1; fi
    for flavour in "${wanted[@]}"; do
        image="${base_image_of[$flavour]}"
        $dry_run || ! image_present "$image" || continue
        import_base "$base_cache/$flavour-${image##*:}.tar" "$image"
    done
}

# A Debian root filesystem (tar) with one flavour's packages, without documentation, from the chosen sources.
debian_rootfs() {
    local suite="$1" flavour="$2" output="$3" include=() hooks=()
    [ -z "${flavour_packages[$flavour]}" ] || include=("--include=${flavour_packages[$flavour]// /,}")
    # Merged /usr set up by mmdebstrap's hook: otherwise apt satisfies init-system-helpers with usrmerge, which
    # brings all of perl (35 MB) along.
    [ ! -d "$merged_usr_hooks" ] || hooks=("--hook-dir=$merged_usr_hooks")
    # Variant apt: the Essential packages and apt, like debian:*-slim, without the required-priority extras
    # (perl, usrmerge, tzdata). No documentation except the copyright files, no translations, no iso-codes tables
    # (gstreamer, pulled in by QEMU's spice library, wants them for language names only). The JDK's postinst
    # registers man pages with update-alternatives, which fails where /usr/share/man/man1 does not exist.
    run mmdebstrap --quiet --variant=apt --format=tar "${include[@]}" "${hooks[@]}" \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/iso-codes/*' \
        --dpkgopt='path-exclude=/usr/share/xml/iso-codes/*' \
        --setup-hook='mkdir -p "$1/usr/share/man/man1"' \
        --aptopt='Acquire::Retries "3"' \
        "$suite" "$output" "${debian_sources[@]}"
}

import_base() {
    local tarball="$1" image="$2" path_env="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    echo "build-images: importing $tarball as $image" >&2
    case "$engine" in
        docker) run_quiet docker import --change "ENV $path_env" "$tarball" "$image" ;;
        podman) run_quiet podman import -q --change "ENV $path_env" "$tarball" "$image" ;;
        buildah)
            local container
            container="$(run buildah from scratch)"
            run_quiet buildah add "$container" "$tarball" /
            run buildah config --env "$path_env" "$container"
            run_quiet buildah commit -q "$container" "$image"
            run_quiet buildah rm "$container" ;;
    esac
}

if ! $from_debian && [ -z "$jdk_image" ] && [ -z "$base_image" ] && ! $dry_run; then
    if ! image_available "$default_jdk_image" || ! image_available "$default_base_image"; then
        echo "build-images: cannot pull $default_jdk_image or $default_base_image; making the bases from Debian" \
             "packages instead (--base-from-debian)" >&2
        from_debian=true
    fi
fi
if $bases_only && ! $from_debian; then
    echo "build-images: --bases-only needs --base-from-debian" >&2
    exit 2
fi
if $from_debian; then
    make_debian_bases
fi
if $bases_only; then
    exit 0
fi

# JDK_IMAGE and BASE_IMAGE build arguments of one image.
base_args() {
    local name="$1"
    if $from_debian; then
        local runtime=minimal
        case "$name" in csi-node) runtime=node ;; sandbox) runtime=sandbox ;; esac
        printf '%s\n' --build-arg "JDK_IMAGE=${base_image_of[jdk]}" --build-arg "BASE_IMAGE=${base_image_of[$runtime]}"
        return
    fi
    [ -z "$jdk_image" ] || printf '%s\n' --build-arg "JDK_IMAGE=$jdk_image"
    [ -z "$base_image" ] || printf '%s\n' --build-arg "BASE_IMAGE=$base_image"
}

# Every name an image gets: <prefix><name>:<tag>, spelled out with docker.io/ (and localhost/ for podman and
# buildah) when the prefix names no registry.
names_of() {
    local repository="$prefix$1" first="${prefix%%/*}"
    case "$first" in
        *.*|*:*|localhost) echo "$repository:$tag" ;;
        *)
            echo "docker.io/$repository:$tag"
            [ "$engine" = docker ] || echo "localhost/$repository:$tag" ;;
    esac
}

cd "$root"
export DOCKER_BUILDKIT=1

if ! $skip_maven; then
    modules=""
    for name in "${images[@]}"; do modules="${modules:+$modules,}${module[$name]}"; done
    run ./mvnw -B -q "-Dunibloc.target=$target" -pl "$modules" -am package -DskipTests
fi

built=()
for name in "${images[@]}"; do
    if ! $dry_run && [ ! -f "${artifact[$name]}" ]; then
        echo "build-images: ${artifact[$name]} is missing: build module ${module[$name]} first" \
             "(./mvnw -Dunibloc.target=$target -pl ${module[$name]} -am package) or drop --skip-maven" >&2
        exit 3
    fi
    dockerfile="src/main/docker/$name/Dockerfile"
    mapfile -t names < <(names_of "$name")
    tags=()
    for n in "${names[@]}"; do tags+=(-t "$n"); done
    mapfile -t bases < <(base_args "$name")
    # The context is the repository root; <Dockerfile>.dockerignore keeps it down to what the image copies.
    # BuildKit finds that file by itself; podman and buildah are given it.
    ignore=()
    [ -f "$dockerfile.dockerignore" ] && ignore=(--ignorefile "$dockerfile.dockerignore")
    [ "$engine" = docker ] && ignore=()
    echo "build-images: building ${names[0]} with $engine from $dockerfile" >&2
    started=$SECONDS
    run "$engine" build -f "$dockerfile" "${ignore[@]}" "${engine_flags[@]}" --build-arg "TARGET=$target" \
        "${bases[@]}" "${tags[@]}" . \
        || { echo "build-images: building ${names[0]} failed" >&2; exit 1; }
    $dry_run || echo "build-images: built ${names[0]} in $((SECONDS - started)) s" >&2
    built+=("${names[0]}")
done

# Into the node's containerd (the k8s.io namespace is what the kubelet's CRI uses) or podman's store.
for image in "${built[@]}"; do
    [ -n "$load" ] || break
    if [ "$load" = podman ] && [ "$engine" != docker ]; then
        break # podman and buildah share containers-storage: the image is there already
    fi
    archive="$(mktemp --tmpdir "unibloc-image.XXXXXX.tar")"
    case "$engine" in
        docker) run docker save -o "$archive" "$image" ;;
        podman) rm -f "$archive"; run podman save -q --format docker-archive -o "$archive" "$image" ;;
        buildah) rm -f "$archive"; run buildah push -q "$image" "docker-archive:$archive:$image" ;;
    esac
    case "$load" in
        containerd) run ctr --address "$containerd_address" -n k8s.io images import "$archive" ;;
        podman) run podman load -q -i "$archive" ;;
    esac
    rm -f "$archive"
    echo "build-images: loaded $image into $load" >&2
done
echo "build-images: built ${built[*]}" >&2
