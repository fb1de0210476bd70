#!/usr/bin/env bash
# Starts the whole system: infrastructure, the five services, the web client. Safe to run twice.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set_env dev
pick_java
bash "$ROOT/scripts/infra.sh" up dev
bash "$ROOT/scripts/services.sh" build
bash "$ROOT/scripts/services.sh" start dev
cat <<MSG

  Chat is running.
    Open:      http://localhost:$(service_port chat-gateway)/
    WebSocket: ws://localhost:$(service_port chat-gateway)/ws      REST: http://localhost:$(service_port chat-gateway)/api/...
    Logs:      $LOGS/
    Stop:      ./scripts/stop.sh

MSG
