#!/bin/bash
# Starts the server detached from this script (setsid, no inherited output), then waits
# until it answers so the check right after sees it.
set -e
setsid -f python3 -m http.server 8000 --directory /root/tour >/dev/null 2>&1 </dev/null
for _ in $(seq 50); do
  curl -fsS --max-time 1 -o /dev/null http://127.0.0.1:8000/ 2>/dev/null && exit 0
  sleep 0.1
done
echo "the server did not start" >&2
exit 1
