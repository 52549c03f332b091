# Shared by install.sh, update.sh and uninstall.sh (sourced, with the package directory as the
# working directory). Where the daemon keeps its files:
#   $SSM_METRICS_AGENT_HOME (an additionalArguments entry) or else $MADO_PACKAGE_DATA_DIR, the
#   directory the agent keeps for this package across versions.
#   metrics-agent.toml   the configuration: written once, never removed by uninstall
#   metrics-agent.pid    the running daemon's process id
#   status.json          what the daemon reports: its version, pid and configuration
#   metrics-agent.log    its output

AGENT_HOME="${SSM_METRICS_AGENT_HOME:-${MADO_PACKAGE_DATA_DIR:?MADO_PACKAGE_DATA_DIR is not set}}"
CONFIG_FILE="$AGENT_HOME/metrics-agent.toml"
PID_FILE="$AGENT_HOME/metrics-agent.pid"
STATUS_FILE="$AGENT_HOME/status.json"
LOG_FILE="$AGENT_HOME/metrics-agent.log"
NODE_BIN="${MADO_NODE:-node}"

# True while process $1 runs (an exited process that was not reaped yet, a zombie, does not).
is_running() {
  kill -0 "$1" 2>/dev/null || return 1
  if [ -r "/proc/$1/stat" ] && grep -q '^[0-9]* (.*) Z ' "/proc/$1/stat" 2>/dev/null; then
    return 1
  fi
  return 0
}

# Stops the running daemon, if any (SIGTERM, then up to 10 s for it to exit).
stop_daemon() {
  if [ -f "$PID_FILE" ]; then
    pid=$(cat "$PID_FILE")
    if is_running "$pid"; then
      kill "$pid"
      i=0
      while is_running "$pid" && [ "$i" -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
      done
      if is_running "$pid"; then
        kill -9 "$pid" 2>/dev/null || true
      fi
      echo "stopped the daemon (pid $pid)"
    fi
    rm -f "$PID_FILE"
  fi
  rm -f "$STATUS_FILE"
}

# Starts this version's daemon in the background, detached from the agent's script, and waits
# (up to 10 s) until it reports this version in status.json.
start_daemon() {
  program="$(pwd)/metrics-agent.mjs"
  if command -v setsid >/dev/null 2>&1; then
    setsid "$NODE_BIN" "$program" "$CONFIG_FILE" "$STATUS_FILE" "$PID_FILE" </dev/null >>"$LOG_FILE" 2>&1 &
  else
    nohup "$NODE_BIN" "$program" "$CONFIG_FILE" "$STATUS_FILE" "$PID_FILE" </dev/null >>"$LOG_FILE" 2>&1 &
  fi
  i=0
  while [ "$i" -lt 100 ]; do
    if [ -f "$STATUS_FILE" ] && grep -q "\"version\": \"$MADO_PACKAGE_VERSION\"" "$STATUS_FILE"; then
      echo "metrics-agent $MADO_PACKAGE_VERSION is running (pid $(cat "$PID_FILE")), configuration $CONFIG_FILE"
      return 0
    fi
    sleep 0.1
    i=$((i + 1))
  done
  echo "metrics-agent $MADO_PACKAGE_VERSION did not start; its log says:" >&2
  tail -n 20 "$LOG_FILE" >&2 || true
  return 1
}

# Writes the default configuration only when there is none: an existing one is the operator's.
ensure_config() {
  mkdir -p "$AGENT_HOME"
  if [ -f "$CONFIG_FILE" ]; then
    echo "keeping the existing configuration $CONFIG_FILE"
  else
    cp default-config.toml "$CONFIG_FILE"
    echo "wrote the default configuration to $CONFIG_FILE"
  fi
}
