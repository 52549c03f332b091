#!/bin/sh
# Installs metrics-agent: keeps an existing configuration (a new one only on a first install),
# then starts this version's daemon.
set -eu
. ./lib.sh
echo "installing metrics-agent $MADO_PACKAGE_VERSION${MADO_PACKAGE_PREVIOUS_VERSION:+ (replacing $MADO_PACKAGE_PREVIOUS_VERSION)}"
ensure_config
stop_daemon
start_daemon
