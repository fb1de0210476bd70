#!/usr/bin/env bash
# Builds and starts or stops the five services as separate processes for one environment.
# Usage: scripts/services.sh build | start [dev|test] | stop [dev|test]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Keys the services need, generated once per environment under .run/<env>/keys (never committed).
generate_keys() {
  local keys="$STATE/keys"; mkdir -p "$keys"; chmod 700 "$keys"
  if [ ! -f "$keys/jwt-signing.pem" ]; then
    log "generating the development token signing key ($CHAT_ENV)"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$keys/jwt-signing.pem" 2>/dev/null
    chmod 600 "$keys/jwt-signing.pem"
  fi
  if [ ! -f "$keys/secrets.env" ]; then
    # Web Push (VAPID) key pair as notification-service reads it: base64url of the 32-byte private
    # scalar and of the 65-byte uncompressed public point, cut from the fixed-layout SEC1 DER of P-256.
    local der b64url='s/+/-/g; s#/#_#g; s/=//g'
    der=$(mktemp)
    openssl ecparam -name prime256v1 -genkey -noout -outform DER -out "$der" 2>/dev/null
    {
      echo "CHAT_NOTIFICATION_KEYS_VAPID_PRIVATE_KEY=$(tail -c +8 "$der" | head -c 32 | base64 -w0 | sed "$b64url")"
      echo "CHAT_NOTIFICATION_KEYS_VAPID_PUBLIC_KEY=$(tail -c 65 "$der" | base64 -w0 | sed "$b64url")"
      echo "CHAT_NOTIFICATION_KEYS_UNSUBSCRIBE_KEY=$(openssl rand -hex 32)"
    } >"$keys/secrets.env"
    rm -f "$der"
    chmod 600 "$keys/secrets.env"
  fi
}

needs_build() {
  local svc jar
  for svc in "${SERVICES[@]}"; do
    jar="$ROOT/$svc/target/quarkus-app/quarkus-run.jar"
    [ -f "$jar" ] || return 0
    [ -n "$(find "$ROOT/$svc/src/main" "$ROOT/chat-contracts/src" "$ROOT/$svc/pom.xml" "$ROOT/pom.xml" -newer "$jar" -type f 2>/dev/null | head -n 1)" ] && return 0
  done
  return 1
}

build() {
  if needs_build; then
    log "building the services (./mvnw install -DskipTests)"
    "$ROOT/mvnw" -B -q --no-transfer-progress install -DskipTests -pl "$(IFS=,; echo "${SERVICES[*]}")" -am \
      || die "build failed"
  fi
}

start_one() {
  local svc=$1 port; port=$(service_port "$svc")
  local module=${svc%-2}  # chat-gateway-2 is a second replica of chat-gateway
  if pid_alive "$svc"; then return 0; fi
  ulimit -n 65536 2>/dev/null || true # the gateway holds tens of thousands of sockets
  port_open "$port" && die "port $port for $svc is taken by a process this project did not start"
  # The gateway's heap starts at 128 MiB: with its tight free ratios (below) and few sockets, a 64 MiB heap left its
  # old generation above G1's adaptive marking threshold, so a concurrent cycle followed nearly every young collection
  # under load (~140-155 pauses per 40 s run instead of ~40). From ~10,000 sockets its heap is larger than this anyway
  # and the RSS at 10,000 and 19,500 sockets is unchanged (docs/benchmarks.md, thirteenth round).
  local heap=384m xms=64m; [ "$module" = chat-gateway ] && heap=1g xms=128m
  # 8-byte object headers (a product option from JDK 25): 8 % less heap per gateway socket (docs/benchmarks.md)
  local headers=""; [ "${JAVA_FEATURE:-21}" -ge 25 ] && headers="-XX:+UseCompactObjectHeaders"
  # the gateway's memory is its idle sockets: keep the committed heap near what they use instead of G1's default
  # (up to 70 % free after a collection): RSS per idle socket 13-14 KiB instead of 16-23 (docs/benchmarks.md)
  # Its old generation is mostly those sockets, which live long: G1's adaptive marking threshold sat below them, so
  # under load with ~10,000 sockets a concurrent cycle ran every 3-4 s and each remark shrank the heap back to 20 %
  # free (gateway CPU 61-70 % instead of 52-55 % at 1,000 msg/s). A fixed threshold of 90 % of the heap marks only
  # when promotions have filled it; when idle, a periodic cycle (none for 60 s) hands back what load grew
  # (docs/benchmarks.md, fourteenth round).
  [ "$module" = chat-gateway ] && headers="$headers -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20
    -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=90 -XX:G1PeriodicGCInterval=60000"
  # The services behind the gateway use the parallel collector, as the container images' launcher does: with G1 their
  # small heaps ran a concurrent cycle every few seconds, and its pauses (up to 160 ms on two shared cores) landed in
  # the message path; parallel young pauses took 3-30 ms (docs/benchmarks.md, seventh round). The gateway keeps G1,
  # which hands the heap of closed sockets back to the system (its memory per idle socket is measured with it).
  local gc=-XX:+UseParallelGC; [ "$module" = chat-gateway ] && gc=-XX:+UseG1GC
  (
    set -a
    source "$STATE/env.sh"
    source "$STATE/keys/secrets.env"
    set +a
    export QUARKUS_HTTP_PORT=$port
    export QUARKUS_LOG_CONSOLE_JSON_ENABLED=false
    export AUTH_JWKS_URL="http://127.0.0.1:$(service_port auth-service)/api/auth/jwks"
    export CHAT_AUTH_SIGNING_KEY_FILE="$STATE/keys/jwt-signing.pem"
    # local runs only: the first account registered as 'admin' becomes an administrator
    export CHAT_AUTH_BOOTSTRAP_ADMINS="${CHAT_AUTH_BOOTSTRAP_ADMINS:-admin}"
    export AUTH_SERVICE_URL="http://127.0.0.1:$(service_port auth-service)"
    export MESSAGE_SERVICE_URL="http://127.0.0.1:$(service_port message-service)"
    export PRESENCE_SERVICE_URL="http://127.0.0.1:$(service_port presence-service)"
    export NOTIFICATION_SERVICE_URL="http://127.0.0.1:$(service_port notification-service)"
    export PUBLIC_BASE_URL="http://localhost:$(service_port chat-gateway)"
    export CHAT_ALLOWED_ORIGINS="http://localhost:$(service_port chat-gateway),http://127.0.0.1:$(service_port chat-gateway),http://localhost:$(service_port chat-gateway-2),http://127.0.0.1:$(service_port chat-gateway-2)"
    # unique per process: presence leases are per gateway id, so a restart must not reuse the old one
    # tests need half-open sockets found in seconds: a shorter ping interval in the test environment
    [ "$CHAT_ENV" = test ] && export CHAT_GATEWAY_HEARTBEAT_INTERVAL=5s
    export GATEWAY_ID="gw-$CHAT_ENV-$(date +%s)-$RANDOM"
    # CHAT_JAVA_GC replaces the collector (the JVM refuses two); CHAT_JAVA_OPTS adds options
    exec java -Xms$xms -Xmx$heap ${CHAT_JAVA_GC:-$gc} $headers --add-opens java.base/java.lang=ALL-UNNAMED \
      ${CHAT_JAVA_OPTS:-} -jar "$ROOT/$module/target/quarkus-app/quarkus-run.jar"
  ) >"$LOGS/$svc.log" 2>&1 &
  echo $! >"$PIDS/$svc.pid"
}

ready() { curl -fsS -m 2 "http://127.0.0.1:$1/q/health/ready" >/dev/null 2>&1; }

# The test environment runs a second gateway replica, so that cross-replica delivery and drain are tested.
replicas() {
  if [ "$CHAT_ENV" = test ]; then echo "${SERVICES[@]} chat-gateway-2"; else echo "${SERVICES[@]}"; fi
}

start_all() {
  pick_java
  [ -f "$STATE/env.sh" ] || die "infrastructure is not up: run scripts/infra.sh up $CHAT_ENV"
  generate_keys
  local svc
  # auth-service first: the others fetch its public keys
  start_one auth-service
  for svc in $(replicas); do [ "$svc" = auth-service ] || start_one "$svc"; done
  for svc in $(replicas); do
    local port; port=$(service_port "$svc")
    local i
    for ((i = 0; i < 240; i++)); do
      ready "$port" && break
      pid_alive "$svc" || die "$svc exited during start-up; see $LOGS/$svc.log"
      sleep 0.5
    done
    ready "$port" || die "$svc is not ready after 120 s; see $LOGS/$svc.log"
  done
  log "all services are ready ($CHAT_ENV): $(replicas)"
}

stop_all() {
  local svc
  # the gateway first, so that it drains its sockets (1001) while the rest still runs
  for svc in chat-gateway chat-gateway-2 auth-service message-service presence-service notification-service; do
    local f="$PIDS/$svc.pid"
    [ -f "$f" ] || continue
    local pid; pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      local i
      for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
}

case "${1:-}" in
  build) pick_java; build ;;
  start) set_env "${2:-dev}"; start_all ;;
  stop) set_env "${2:-dev}"; stop_all ;;
  *) die "usage: scripts/services.sh build | start [dev|test] | stop [dev|test]" ;;
esac
