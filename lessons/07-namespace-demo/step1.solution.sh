#!/bin/bash
set -e
docker rm -f host isolated >/dev/null 2>&1 || true
# --pid host is refused when nested containers run without cgroups; use it where it works.
docker run -d --pid host --network host --uts host --name host busybox sleep 3600 2>/dev/null \
  || { docker rm -f host >/dev/null 2>&1 || true; docker run -d --network host --uts host --name host busybox sleep 3600; }
docker run -d -h isolated --name isolated busybox sleep 3600
docker ps
