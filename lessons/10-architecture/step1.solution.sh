#!/bin/bash
set -e
mkdir -p /run/podman /root/answers
setsid -f podman system service --time=0 unix:///run/podman/podman.sock </dev/null >/dev/null 2>&1
for i in $(seq 50); do curl -s -m 1 --unix-socket /run/podman/podman.sock http://d/_ping >/dev/null 2>&1 && break; sleep 0.1; done
curl -s --unix-socket /run/podman/podman.sock http://d/v1.41/version > /root/answers/api-version.json
