#!/bin/bash
set -e
mkdir -p /root/answers
docker exec host ps -ef > /root/answers/ps-host
docker exec isolated ps -ef > /root/answers/ps-isolated
docker exec host hostname > /root/answers/hostname-host
docker exec isolated hostname > /root/answers/hostname-isolated
docker exec host ip addr > /root/answers/ip-host
docker exec isolated ip addr > /root/answers/ip-isolated
