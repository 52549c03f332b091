#!/bin/sh
# In-place update: the old daemon keeps running until the new one is ready to start, then the
# new version replaces it; the configuration is kept.
set -eu
. ./lib.sh
echo "updating metrics-agent ${MADO_PACKAGE_PREVIOUS_VERSION:-?} to $MADO_PACKAGE_VERSION in place"
ensure_config
stop_daemon
start_daemon
