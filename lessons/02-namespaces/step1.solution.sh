#!/bin/bash
# The student's `… &` in an interactive shell; setsid -f detaches it the same way from this script.
setsid -f unshare --uts sh -c 'hostname red; exec sleep infinity' </dev/null >/dev/null 2>&1
sleep 0.2
