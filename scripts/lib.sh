#!/usr/bin/env bash
# Shared by every script: paths, the JDK choice, the two environments (dev for run.sh,
# test for test.sh, which use separate ports, databases and state so both can run at once).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES=(auth-service message-service presence-service notification-service chat-gateway)

log() { printf '\033[1m[%s]\033[0m %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '\033[31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# Selects a JDK >= 21: JAVA_HOME if it is one, else the default java, else the newest under /usr/lib/jvm.
pick_java() {
  local candidates=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${c%/}"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$c" PATH="$c/bin:$PATH" JAVA_FEATURE="${v%%.*}"
      return 0
    fi
  done
  die "no JDK 21 or newer found (looked at JAVA_HOME, the default java and /usr/lib/jvm/*). Install one, e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+, and run again."
}

# set_env dev|test: ports, names and the state folder of one environment.
set_env() {
  CHAT_ENV="$1"
  case "$CHAT_ENV" in
    dev)  PORT_BASE=8080; KAFKA_PORT=9092;  KAFKA_CONTROLLER_PORT=9093;  SMTP_PORT=3025;  MAIL_API_PORT=8025;  REDIS_DB=0; DB_SUFFIX="" ;;
    test) PORT_BASE=18080; KAFKA_PORT=19092; KAFKA_CONTROLLER_PORT=19093; SMTP_PORT=13025; MAIL_API_PORT=18025; REDIS_DB=1; DB_SUFFIX="_test" ;;
    *) die "unknown environment '$CHAT_ENV' (dev or test)" ;;
  esac
  STATE="$ROOT/.run/$CHAT_ENV"
  LOGS="$STATE/logs"; PIDS="$STATE/pids"
  mkdir -p "$LOGS" "$PIDS"
  TOOLS="$ROOT/.run/tools"
  export CHAT_ENV STATE LOGS PIDS TOOLS PORT_BASE KAFKA_PORT KAFKA_CONTROLLER_PORT SMTP_PORT MAIL_API_PORT REDIS_DB DB_SUFFIX
}

service_port() {
  case "$1" in
    chat-gateway) echo $((PORT_BASE + 0)) ;;
    chat-gateway-2) echo $((PORT_BASE + 10)) ;;
    auth-service) echo $((PORT_BASE + 1)) ;;
    message-service) echo $((PORT_BASE + 2)) ;;
    presence-service) echo $((PORT_BASE + 3)) ;;
    notification-service) echo $((PORT_BASE + 4)) ;;
  esac
}

# A pid file names a process this project started; it counts only while that process lives.
pid_alive() { local f="$PIDS/$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  local i
  for ((i = 0; i < limit * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  die "$what did not come up within ${limit}s (logs: $LOGS)"
}

mvnw() { "$ROOT/mvnw" -B -q "$@"; }
