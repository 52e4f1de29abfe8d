#!/usr/bin/env bash
# The demo: on one machine, no cluster. Builds unibloc, makes a sample image (a Linux guest from this
# machine's kernel and busybox, with a hello app in its own top layer) as an OCI layout, then runs it
# twice with `unibloc run` — cold (pull + build the chain images) and warm (clone only) — and prints
# the timings and disk figures side by side. Then a third run serves HTTP: `-p PORT:8080` forwards
# 127.0.0.1:PORT through passt to the guest's busybox httpd, curl fetches the page, and a request for
# /cgi-bin/stop powers the guest off.
#
# It always ends: every guest boot is bounded by the sandbox's boot watchdog (10 s to the first console
# line under KVM, 60 s under TCG; a host whose KVM cannot run the guest falls back to TCG), and each run as
# a whole by UNIBLOC_DEMO_RUN_TIMEOUT seconds (default 600), after which it is stopped and the demo says so.
set -euo pipefail
cd "$(dirname "$0")/.."
# Loop devices, mounts and apt need root: a newcomer's shell is elevated once, here.
if [ "$(id -u)" -ne 0 ]; then exec sudo -E "$0" "$@"; fi
scripts/install-deps.sh

out="demo-out"
store="$out/store"
mkdir -p "$out"

echo "demo: building unibloc (first time: a few minutes while Maven fetches dependencies)"
# package, not install: nothing lands in the local Maven repository, the reactor links the modules.
./mvnw -B -q -ntp -pl cli,testkit -am package -DskipTests -Dmaven.test.skip=true

echo "demo: making the sample image"
./mvnw -B -q -ntp -o -pl testkit dependency:build-classpath -Dmdep.outputFile="$PWD/$out/testkit.classpath" >/dev/null
java -cp "testkit/target/testkit-0.1.0-SNAPSHOT.jar:$(cat "$out/testkit.classpath")" \
  io.unibloc.testkit.sample.SampleImage "$out/sample-oci" hello

# A fresh store, so that the first run is really cold (the CLI unmounts a loop-backed store when it exits).
rm -rf "$store"

run_timeout="${UNIBLOC_DEMO_RUN_TIMEOUT:-600}"
for run in cold warm; do
  echo
  echo "demo: $run run — bin/unibloc --store $store run oci:$out/sample-oci:hello --rm"
  rm -f "$out/$run.json"
  rc=0
  # SIGINT first: unibloc powers the guest off and releases its volume; SIGKILL only if that hangs too.
  timeout --signal=INT --kill-after=60 "$run_timeout" \
    bin/unibloc --store "$store" run "oci:$out/sample-oci:hello" --rm --report "$out/$run.json" || rc=$?
  if [ ! -s "$out/$run.json" ]; then
    echo "demo: the $run run ended with status $rc before reporting its timings (status 124: the run took" \
      "longer than ${run_timeout} s or the guest printed nothing before its boot deadline; see the lines above)" >&2
    exit 1
  fi
  if [ "$rc" -ne 0 ]; then
    echo "demo: the $run run's guest ended with status $rc (see the lines above); the table shows it" >&2
  fi
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

port="${UNIBLOC_DEMO_PORT:-18080}"
echo
echo "demo: web run — bin/unibloc --store $store run oci:$out/sample-oci:hello --rm -p $port:8080 -e unibloc_httpd=8080"
timeout --signal=INT --kill-after=60 "$run_timeout" \
  bin/unibloc --store "$store" run "oci:$out/sample-oci:hello" --rm -p "$port:8080" -e unibloc_httpd=8080 \
  >"$out/web.log" 2>&1 &
web=$!
answer=""
deadline=$((SECONDS + run_timeout))
while [ -z "$answer" ] && [ $SECONDS -lt $deadline ] && kill -0 "$web" 2>/dev/null; do
  answer="$(curl -s --max-time 5 "http://127.0.0.1:$port/" || true)"
  [ -n "$answer" ] || sleep 1
done
# The guest powers itself off on GET /cgi-bin/stop, and unibloc then ends as after any guest exit.
curl -s --max-time 5 "http://127.0.0.1:$port/cgi-bin/stop" >/dev/null || kill -INT "$web" 2>/dev/null || true
wait "$web" || true
if [ -n "$answer" ]; then
  echo "demo: curl http://127.0.0.1:$port/ answered: $answer"
else
  echo "demo: the guest did not answer HTTP on 127.0.0.1:$port (its output is in $out/web.log)" >&2
fi
echo
echo "demo: the store stays in $store; inspect it with: bin/unibloc --store $store df"
