#!/usr/bin/env bash
# Load generator and benchmarks against a running system (started with ./scripts/run.sh).
# Usage: scripts/bench.sh SCENARIO [--option value ...]   (scenarios: connections, chat, sweep, fanout, reconnect, provision)
#        scripts/bench.sh --help
# Results: load-test/target/bench/<scenario>-<timestamp>/{result.json,report.html}; see docs/benchmarks.md.
# Throughput runs need the gateway started with raised rate limits (docs/benchmarks.md gives the command).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
pick_java

if [ $# -eq 0 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  set -- --help
fi

# the options bench.sh itself needs to look at (the Java tool parses them all again)
url="${BENCH_URL:-http://127.0.0.1:8080}"
have_pid=false
have_out=false
profile=false
prev=""""
for a in "$@"; do
  case "$prev" in --url) url="$a" ;; esac
  case "$a" in
    --url=*) url="${a#--url=}" ;;
    --gateway-pid|--gateway-pid=*) have_pid=true ;;
    --out|--out=*) have_out=true ;;
    --profile|--profile=true) profile=true ;;
  esac
  prev="$a"
done
port="${url##*:}"; port="${port%%/*}"
case "$port" in ''|*[!0-9]*) port=80 ;; esac

jar="$ROOT/load-test/target/load-test.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$ROOT/load-test/src/main" "$ROOT/load-test/pom.xml" -newer "$jar" -type f 2>/dev/null | head -n 1)" ]; then
  log "building the load generator (./mvnw -pl load-test package)"
  "$ROOT/mvnw" -B -q --no-transfer-progress -pl load-test package -DskipTests || die "build of load-test failed"
fi

extra=()
if [ "$1" != "--help" ]; then
  curl -fsS -m 5 "$url/q/health/ready" >/dev/null 2>&1 \
    || die "no ready gateway at $url (start the system with ./scripts/run.sh, or pass --url)"
  if ! $have_pid; then
    # the process listening on the gateway's port: its RSS and CPU are read from /proc, a GC is requested with jcmd
    pid=$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 || true)
    if [ -z "$pid" ] && [ -f "$ROOT/.run/dev/pids/chat-gateway.pid" ] && [ "$port" = 8080 ]; then
      pid=$(cat "$ROOT/.run/dev/pids/chat-gateway.pid")
    fi
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      extra+=(--gateway-pid "$pid")
    else
      log "gateway pid not found: resident memory and the forced GC are skipped (pass --gateway-pid)"
    fi
  fi
  $have_out || extra+=(--out "$ROOT/load-test/target/bench")
  if $profile; then
    # async-profiler from Maven Central, the version load-test/pom.xml names; loaded into the JVMs by the tool
    ap_version=$(sed -n 's:.*<async-profiler.version>\(.*\)</async-profiler.version>.*:\1:p' "$ROOT/load-test/pom.xml")
    case "$(uname -m)" in x86_64) ap_arch=linux-x64 ;; aarch64) ap_arch=linux-arm64 ;; *) die "--profile: no async-profiler for $(uname -m)" ;; esac
    ap_dir="$ROOT/.run/tools/async-profiler-$ap_version"
    if [ ! -f "$ap_dir/$ap_arch/libasyncProfiler.so" ]; then
      log "fetching async-profiler $ap_version ($ap_arch) from Maven Central"
      mkdir -p "$ap_dir"
      "$ROOT/mvnw" -B -q --no-transfer-progress dependency:copy -Dartifact="tools.profiler:async-profiler:$ap_version:jar:$ap_arch" \
        -DoutputDirectory="$ap_dir" || die "could not fetch async-profiler"
      (cd "$ap_dir" && "$JAVA_HOME/bin/jar" xf "async-profiler-$ap_version-$ap_arch.jar" "$ap_arch/libasyncProfiler.so") \
        || die "could not unpack async-profiler"
    fi
    extra+=(--profiler-lib "$ap_dir/$ap_arch/libasyncProfiler.so")
  fi
fi

# tens of thousands of sockets need as many file descriptors
ulimit -n 1048576 2>/dev/null || ulimit -n 65536 2>/dev/null || true
[ "$(ulimit -n)" -lt 30000 ] && log "warning: ulimit -n is $(ulimit -n); large connection counts will fail"

if [ -t 2 ]; then export BENCH_TTY=1; fi
cd "$ROOT"
# The tool runs on ZGC: its parallel collector paused it 6-16 times for 140-290 ms per 2,000 msg/s run (16-74 ms
# each on busy cores), and a pause of the tool shows as latency of the system; ZGC's pauses are sub-millisecond here
# at the same CPU (docs/benchmarks.md, thirteenth round).
exec java ${BENCH_JAVA_OPTS:--Xms1g -Xmx2g -XX:+UseZGC -XX:+AlwaysPreTouch} -jar "$jar" "$@" "${extra[@]}"
