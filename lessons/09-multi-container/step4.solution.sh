#!/bin/bash
set -e
getent hosts node2
docker run --rm --add-host node2:$(getent hosts node2 | cut -d" " -f1) redis redis-cli -h node2 set greeting "hello from node1"
