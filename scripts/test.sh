#!/usr/bin/env bash
# The test command: installs what the tests need, then runs every unit test (surefire, *Test) and
# every test with real parts (failsafe, *IT: registry, loop devices, mounts, QEMU guests, container images).
set -euo pipefail
cd "$(dirname "$0")/.."
# Loop devices, mounts and apt need root: a newcomer's shell is elevated once, here.
if [ "$(id -u)" -ne 0 ]; then exec sudo -E "$0" "$@"; fi
scripts/install-deps.sh
# The image smoke tests build on Debian-made base images; the packages for those are fetched here, with the
# other installs, so no test downloads anything (cached under /var/cache/unibloc after the first run).
if command -v podman >/dev/null 2>&1; then
    scripts/build-images.sh --engine podman --base-from-debian --bases-only
fi
# .mvn/jvm.config sets quarkus.bootstrap.blocking-task-runner: Quarkus 3.33's parallel dependency resolution races
# and now and then fails the operator's generate-code-tests with "Failed to resolve artifact io.unibloc:<module>"
# (quarkusio/quarkus#51266); resolving one task at a time costs nothing measurable here.
./mvnw -B -ntp verify "$@"
