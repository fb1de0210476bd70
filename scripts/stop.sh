#!/usr/bin/env bash
# Stops exactly what run.sh started, by the pids it recorded: the services, Kafka, GreenMail, and
# PostgreSQL or Redis only if run.sh had to start them.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set_env dev
bash "$ROOT/scripts/services.sh" stop dev
bash "$ROOT/scripts/infra.sh" down dev --all
log "stopped"
