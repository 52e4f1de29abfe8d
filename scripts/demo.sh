#!/usr/bin/env bash
# The demo: on one machine, no cluster. Builds unibloc, makes a sample image (a Linux guest from this
# machine's kernel and busybox, with a hello app in its own top layer) as an OCI layout, then runs it
# twice with `unibloc run` — cold (pull + build the chain images) and warm (clone only) — and prints
# the timings and disk figures side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
# Loop devices, mounts and apt need root: a newcomer's shell is elevated once, here.
if [ "$(id -u)" -ne 0 ]; then exec sudo -E "$0" "$@"; fi
scripts/install-deps.sh

out="demo-out"
store="$out/store"
mkdir -p "$out"

echo "demo: building unibloc (first time: a few minutes while Maven fetches dependencies)"
./mvnw -B -q -ntp -pl cli,testkit -am install -DskipTests -Dmaven.test.skip=true

echo "demo: making the sample image"
./mvnw -B -q -ntp -o -pl testkit dependency:build-classpath -Dmdep.outputFile="$PWD/$out/testkit.classpath" >/dev/null
java -cp "testkit/target/testkit-0.1.0-SNAPSHOT.jar:$(cat "$out/testkit.classpath")" \
  io.unibloc.testkit.sample.SampleImage "$out/sample-oci" hello

# A fresh store, so that the first run is really cold (the CLI unmounts a loop-backed store when it exits).
rm -rf "$store"

for run in cold warm; do
  echo
  echo "demo: $run run — bin/unibloc --store $store run oci:$out/sample-oci:hello --rm"
  bin/unibloc --store "$store" run "oci:$out/sample-oci:hello" --rm --report "$out/$run.json"
done

field() { sed -n "s/.*\"$2\" *: *\"\{0,1\}\([^\",]*\)\"\{0,1\}.*/\1/p" "$out/$1.json" | head -n 1; }
mib() { echo "$(( $1 / 1048576 )) MiB"; }
echo
printf '%-34s %14s %14s\n' "" "cold" "warm"
printf '%-34s %14s %14s\n' "image (pull + build chain images)" "$(field cold prepareMillis) ms" "$(field warm prepareMillis) ms"
printf '%-34s %14s %14s\n' "volume clone + attach" "$(field cold cloneAttachMillis) ms" "$(field warm cloneAttachMillis) ms"
printf '%-34s %14s %14s\n' "guest: first console line" "$(field cold firstConsoleLineMillis) ms" "$(field warm firstConsoleLineMillis) ms"
printf '%-34s %14s %14s\n' "guest exit status" "$(field cold exitCode)" "$(field warm exitCode)"
printf '%-34s %14s %14s\n' "store on disk (physical)" "$(mib "$(field cold storePhysicalBytes)")" "$(mib "$(field warm storePhysicalBytes)")"
echo
echo "demo: the store stays in $store; inspect it with: bin/unibloc --store $store df"
