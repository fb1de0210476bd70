#!/usr/bin/env bash
# Brings up (or down) the infrastructure without Docker: PostgreSQL and Redis (Debian packages,
# installed and started when missing), Kafka in KRaft mode and the GreenMail SMTP server (both from
# Maven Central jars). Usage: scripts/infra.sh up|down [dev|test]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SHARED="$ROOT/.run/shared"; mkdir -p "$SHARED"

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  log "installing $* with apt"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

postgres_up() {
  command -v pg_lsclusters >/dev/null 2>&1 || apt_install postgresql
  local line ver status
  line=$(pg_lsclusters -h | head -n 1)
  if [ -z "$line" ]; then
    ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    log "creating PostgreSQL $ver cluster"
    as_root pg_createcluster "$ver" main >/dev/null
    line=$(pg_lsclusters -h | head -n 1)
  fi
  ver=$(awk '{print $1}' <<<"$line"); status=$(awk '{print $4}' <<<"$line")
  PG_PORT=$(awk '{print $3}' <<<"$line")
  if [ "$status" != online ]; then
    log "starting PostgreSQL $ver"
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start
    # remember the postmaster so stop.sh stops exactly this one, by pid
    head -n 1 "/var/lib/postgresql/$ver/main/postmaster.pid" >"$SHARED/postgres.pid"
  fi
  wait_for 30 PostgreSQL as_postgres psql -p "$PG_PORT" -tAc 'select 1'
  # The outbox (insert, publish, delete) and rooms.last_seq (one update per message) leave dead rows at the
  # message rate; without autovacuum they pile up and every statement on them slows down (measured: 190,000 dead
  # outbox rows after an hour of benchmarks, PostgreSQL CPU per message up by half). PostgreSQL's default is on;
  # a server found with it off gets it back (a reload, no restart).
  if [ "$(as_postgres psql -p "$PG_PORT" -tAc 'show autovacuum')" != on ]; then
    log "PostgreSQL has autovacuum off: turning it on (ALTER SYSTEM SET autovacuum = on; reload)"
    as_postgres psql -p "$PG_PORT" -q -c 'ALTER SYSTEM SET autovacuum = on' -c 'select pg_reload_conf()' >/dev/null
  fi
  export PG_PORT
}

# One database and one role per service, each with its own generated password (kept in
# .run/<env>/secrets.env, never committed).
postgres_databases() {
  local secrets="$STATE/secrets.env" db var pw
  touch "$secrets"; chmod 600 "$secrets"
  for db in auth messages notifications; do
    var="CHAT_$(tr a-z A-Z <<<"$db")_DB_PASSWORD"
    if ! grep -q "^$var=" "$secrets"; then echo "$var=$(openssl rand -hex 24)" >>"$secrets"; fi
    pw=$(grep "^$var=" "$secrets" | cut -d= -f2)
    local name="chat_${db}${DB_SUFFIX}"
    as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -q <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$name') THEN CREATE ROLE $name LOGIN; END IF;
END \$\$;
ALTER ROLE $name WITH LOGIN PASSWORD '$pw';
SQL
    if [ -z "$(as_postgres psql -p "$PG_PORT" -tAc "select 1 from pg_database where datname='$name'")" ]; then
      as_postgres createdb -p "$PG_PORT" -O "$name" "$name"
    fi
  done
}

redis_up() {
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  if ! redis-cli -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir "$SHARED" --pidfile "$SHARED/redis.pid" --logfile "$SHARED/redis.log"
    wait_for 10 Redis redis-cli -p 6379 ping
  fi
}

tools_fetch() {
  if [ ! -f "$TOOLS/.complete" ]; then
    log "fetching Kafka and GreenMail jars from Maven Central"
    rm -rf "$TOOLS"; mkdir -p "$TOOLS/kafka-libs" "$TOOLS/greenmail"
    mvnw -f "$ROOT/scripts/infra/tools-pom.xml" dependency:copy-dependencies -DoutputDirectory="$TOOLS/kafka-libs"
    mv "$TOOLS"/kafka-libs/greenmail-standalone-*.jar "$TOOLS/greenmail/greenmail-standalone.jar"
    touch "$TOOLS/.complete"
  fi
}

kafka_up() {
  if pid_alive kafka && port_open "$KAFKA_PORT"; then return 0; fi
  port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by a process this project did not start"
  local dir="$STATE/kafka"; mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=6
offsets.topic.replication.factor=1
offsets.topic.num.partitions=12
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  local cp="$TOOLS/kafka-libs/*"
  # the JVM options of Kafka's own launcher (kafka-run-class.sh), which the container image uses: G1 aiming at 20 ms
  # pauses; with G1's default 200 ms goal its young pauses took 65 ms on average here, twice on every message's path
  local jvm=(-Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Dlog4j2.configurationFile="$ROOT/scripts/infra/log4j2.properties")
  if [ ! -f "$dir/data/meta.properties" ]; then
    log "formatting Kafka storage ($CHAT_ENV)"
    java "${jvm[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)" \
      -c "$dir/server.properties" >"$LOGS/kafka-format.log" 2>&1 || die "Kafka storage format failed: $LOGS/kafka-format.log"
  fi
  log "starting Kafka on 127.0.0.1:$KAFKA_PORT ($CHAT_ENV)"
  nohup java "${jvm[@]}" -cp "$cp" kafka.Kafka "$dir/server.properties" >"$LOGS/kafka.log" 2>&1 &
  echo $! >"$PIDS/kafka.pid"
  wait_for 60 Kafka port_open "$KAFKA_PORT"
  java -cp "$cp" "$ROOT/scripts/infra/CreateTopics.java" "127.0.0.1:$KAFKA_PORT" 6 >>"$LOGS/kafka.log" 2>&1 \
    || die "creating Kafka topics failed: $LOGS/kafka.log"
}

greenmail_up() {
  if pid_alive greenmail && port_open "$SMTP_PORT"; then return 0; fi
  port_open "$SMTP_PORT" && die "port $SMTP_PORT is taken by a process this project did not start"
  log "starting GreenMail SMTP on 127.0.0.1:$SMTP_PORT ($CHAT_ENV)"
  nohup java -Xmx128m -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$SMTP_PORT" \
    -Dgreenmail.auth.disabled -Dgreenmail.api.hostname=127.0.0.1 -Dgreenmail.api.port="$MAIL_API_PORT" \
    -jar "$TOOLS/greenmail/greenmail-standalone.jar" >"$LOGS/greenmail.log" 2>&1 &
  echo $! >"$PIDS/greenmail.pid"
  wait_for 30 GreenMail port_open "$SMTP_PORT"
}

stop_pid() { # stop_pid FILE NAME: TERM, then KILL after a grace period
  local f=$1 name=$2 pid i
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 80; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# Writes what the services and the tests need to reach this environment's infrastructure.
write_env_file() {
  cat >"$STATE/env.sh" <<ENV
# Generated by scripts/infra.sh for the '$CHAT_ENV' environment; source it before running services or tests.
set -a
source "$STATE/secrets.env"
CHAT_ENV=$CHAT_ENV
DB_HOST=127.0.0.1
DB_PORT=$PG_PORT
CHAT_DB_SUFFIX=$DB_SUFFIX
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
REDIS_URL=redis://127.0.0.1:6379/$REDIS_DB
SMTP_HOST=127.0.0.1
SMTP_PORT=$SMTP_PORT
MAIL_API_URL=http://127.0.0.1:$MAIL_API_PORT
set +a
ENV
}

cmd=${1:-up}; set_env "${2:-dev}"
case "$cmd" in
  up)
    pick_java
    postgres_up; postgres_databases; redis_up; tools_fetch; kafka_up; greenmail_up; write_env_file
    log "infrastructure ($CHAT_ENV) is up: PostgreSQL :$PG_PORT, Redis :6379/$REDIS_DB, Kafka :$KAFKA_PORT, SMTP :$SMTP_PORT"
    ;;
  down)
    stop_pid "$PIDS/greenmail.pid" GreenMail
    stop_pid "$PIDS/kafka.pid" Kafka
    if [ "${3:-}" = --all ]; then
      stop_pid "$SHARED/redis.pid" Redis
      stop_pid "$SHARED/postgres.pid" PostgreSQL
    fi
    ;;
  *) die "usage: scripts/infra.sh up|down [dev|test] [--all]" ;;
esac
