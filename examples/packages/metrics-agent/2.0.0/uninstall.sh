#!/bin/sh
# Uninstalls metrics-agent: stops the daemon and removes what it wrote at run time. The
# configuration stays where it is, for the next version (or a reinstall) to pick up.
set -eu
. ./lib.sh
echo "uninstalling metrics-agent $MADO_PACKAGE_VERSION${MADO_PACKAGE_TARGET_VERSION:+ (to install $MADO_PACKAGE_TARGET_VERSION next)}"
stop_daemon
if [ -f "$CONFIG_FILE" ]; then
  echo "configuration $CONFIG_FILE left in place"
fi
