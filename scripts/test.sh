#!/usr/bin/env bash
# Runs every test: the modules' tests against real PostgreSQL, Redis, Kafka and SMTP, then the
# end-to-end tests against the five services started as processes. Uses the 'test' environment
# (its own ports, databases and Kafka), so it can run beside ./scripts/run.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set_env test
pick_java
started=$(date +%s)

cleanup() {
  local rc=$?
  bash "$ROOT/scripts/services.sh" stop test || true
  bash "$ROOT/scripts/infra.sh" down test || true
  exit $rc
}
trap cleanup EXIT

# A clean slate each run: fresh test databases, so no earlier run's rows leak in.
bash "$ROOT/scripts/infra.sh" down test
if command -v pg_lsclusters >/dev/null 2>&1 && [ "$(pg_lsclusters -h | awk 'NR==1 {print $4}')" = online ]; then
  port=$(pg_lsclusters -h | awk 'NR==1 {print $3}')
  for db in chat_auth_test chat_messages_test chat_notifications_test; do
    runuser -u postgres -- dropdb -p "$port" --if-exists --force "$db" 2>/dev/null || true
  done
fi

# Each test suite gets a freshly formatted Kafka: the services consume their topics from the
# beginning, and one module's test traffic (thousands of chat.events) must not become the next
# module's backlog.
fresh_kafka() {
  bash "$ROOT/scripts/infra.sh" down test >/dev/null
  rm -rf "$STATE/kafka"
  bash "$ROOT/scripts/infra.sh" up test
  source "$STATE/env.sh"
}

# Runs Maven with the full output in a log file and the test summaries on the console.
maven() {
  local logfile=$1; shift
  set +e
  "$ROOT/mvnw" -B --no-transfer-progress "$@" >"$logfile" 2>&1
  local rc=$?
  set -e
  grep -E "Tests run:|FAIL|BUILD|Reactor Summary|SUCCESS \[|FAILURE \[|SKIPPED" "$logfile" || true
  if [ $rc != 0 ]; then
    echo "---- last 80 lines of $logfile ----"; tail -n 80 "$logfile"
  fi
  return $rc
}

fresh_kafka
log "building every module (./mvnw install -DskipTests)"
maven "$LOGS/maven-build.log" install -DskipTests || die "build failed (full log: $LOGS/maven-build.log)"

for module in auth-service message-service presence-service notification-service chat-gateway load-test; do
  log "module tests: $module"
  fresh_kafka
  maven "$LOGS/test-$module.log" -pl "$module" test || die "$module tests failed (full log: $LOGS/test-$module.log)"
done

fresh_kafka
log "starting the five services for the end-to-end tests"
# a bootstrap admin name fresh for this run (the test databases are new each run; it is granted on registration)
export CHAT_AUTH_BOOTSTRAP_ADMINS="ci_admin_$(openssl rand -hex 4)"
export CHAT_TEST_ADMIN="$CHAT_AUTH_BOOTSTRAP_ADMINS"
bash "$ROOT/scripts/services.sh" start test

log "end-to-end tests"
export CHAT_GATEWAY_URL="http://127.0.0.1:$(service_port chat-gateway)"
export CHAT_GATEWAY2_URL="http://127.0.0.1:$(service_port chat-gateway-2)"
# the drain test stops the second replica itself, by the pid this script recorded
export CHAT_GATEWAY2_PID_FILE="$PIDS/chat-gateway-2.pid"
# the soak test forces a full GC in the first replica (jcmd) to compare its heap before and after
export CHAT_GATEWAY_PID_FILE="$PIDS/chat-gateway.pid"
export CHAT_HEARTBEAT_SECONDS=5 # as services.sh configures the test environment's gateways
maven "$LOGS/maven-e2e.log" -pl e2e-tests -Pe2e test \
  || die "end-to-end tests failed (full log: $LOGS/maven-e2e.log; service logs: $LOGS/)"

log "browser tests (Playwright driving Debian's Chromium)"
if [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi
fi
command -v npm >/dev/null 2>&1 || die "npm is needed for the browser tests: apt-get install npm"
(cd "$ROOT/e2e-tests/browser" && npm ci --no-audit --no-fund --loglevel=error && npm test) \
  || die "browser tests failed (screenshots: e2e-tests/browser/target/screenshots/)"

log "all tests passed in $(( $(date +%s) - started )) s"
