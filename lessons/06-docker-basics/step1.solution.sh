#!/bin/bash
set -e
mkdir -p /root/answers
docker version --format '{{.Client.Version}}' > /root/answers/docker-version
echo container > /root/answers/run-belongs-to
