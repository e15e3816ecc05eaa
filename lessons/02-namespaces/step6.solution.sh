#!/bin/bash
setsid -f setpriv --reuid=1000 --regid=1000 --clear-groups unshare --user --map-root-user sleep infinity </dev/null >/dev/null 2>&1
sleep 0.2
