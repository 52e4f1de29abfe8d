#!/usr/bin/env bash
# The test command: installs what the tests need, then runs every unit test (surefire, *Test) and
# every test with real parts (failsafe, *IT: registry, loop devices, mounts, QEMU guests).
set -euo pipefail
cd "$(dirname "$0")/.."
# Loop devices, mounts and apt need root: a newcomer's shell is elevated once, here.
if [ "$(id -u)" -ne 0 ]; then exec sudo -E "$0" "$@"; fi
scripts/install-deps.sh
./mvnw -B -ntp verify "$@"
