#!/bin/bash
set -e
docker rm -f host isolated >/dev/null 2>&1 || true
docker run -d --pid host --network host --name host busybox sleep 3600
docker run -d -h isolated --name isolated busybox sleep 3600
docker ps
