#!/usr/bin/env bash
# Builds the unibloc container images from the repository root:
#   unibloc/operator, unibloc/csi-controller, unibloc/csi-node (src/main/docker/<name>/Dockerfile)
#   and unibloc/sandbox when src/main/docker/sandbox/Dockerfile exists.
#
# Usage: scripts/build-images.sh [options] [image ...]     (no image names = all of them)
#   --engine docker|podman|buildah  container engine (default: $CONTAINER_ENGINE, else the first one that works)
#   --tag TAG                       image tag (default: 0.1.0)
#   --prefix PREFIX                 repository prefix (default: unibloc/, e.g. registry.example.com/unibloc/)
#   --target DIR                    Maven output folder name, as -Dunibloc.target (default: target)
#   --skip-maven                    use the jars already built instead of running ./mvnw package
#   --dry-run                       print the commands instead of running them (no engine needed)
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
requested=()

usage() {
    sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --engine) engine="${2:?--engine needs a value}"; shift 2 ;;
        --tag) tag="${2:?--tag needs a value}"; shift 2 ;;
        --prefix) prefix="${2:?--prefix needs a value}"; shift 2 ;;
        --target) target="${2:?--target needs a value}"; shift 2 ;;
        --skip-maven) skip_maven=true; shift ;;
        --dry-run) dry_run=true; shift ;;
        -h|--help) usage ;;
        -*) echo "build-images: unknown option $1" >&2; usage ;;
        *) requested+=("$1"); shift ;;
    esac
done

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
        docker|podman) command -v "$1" >/dev/null 2>&1 && "$1" info >/dev/null 2>&1 ;;
        buildah) command -v buildah >/dev/null 2>&1 && buildah info >/dev/null 2>&1 ;;
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

cd "$root"
export DOCKER_BUILDKIT=1

if ! $skip_maven; then
    modules=""
    for name in "${images[@]}"; do modules="${modules:+$modules,}${module[$name]}"; done
    run ./mvnw -B -q "-Dunibloc.target=$target" -pl "$modules" -am package -DskipTests
fi

for name in "${images[@]}"; do
    if ! $dry_run && [ ! -f "${artifact[$name]}" ]; then
        echo "build-images: ${artifact[$name]} is missing: build module ${module[$name]} first" \
             "(./mvnw -Dunibloc.target=$target -pl ${module[$name]} -am package) or drop --skip-maven" >&2
        exit 3
    fi
    dockerfile="src/main/docker/$name/Dockerfile"
    image="$prefix$name:$tag"
    # The context is the repository root; <Dockerfile>.dockerignore keeps it down to what the image copies.
    # BuildKit finds that file by itself; podman and buildah are given it.
    ignore=()
    [ -f "$dockerfile.dockerignore" ] && ignore=(--ignorefile "$dockerfile.dockerignore")
    echo "build-images: building $image with $engine from $dockerfile" >&2
    case "$engine" in
        docker) run docker build -f "$dockerfile" --build-arg "TARGET=$target" -t "$image" . ;;
        podman) run podman build -f "$dockerfile" "${ignore[@]}" --build-arg "TARGET=$target" -t "$image" . ;;
        buildah) run buildah build -f "$dockerfile" "${ignore[@]}" --build-arg "TARGET=$target" -t "$image" . ;;
    esac || { echo "build-images: building $image failed" >&2; exit 1; }
done
echo "build-images: built ${images[*]} as $prefix<name>:$tag" >&2
