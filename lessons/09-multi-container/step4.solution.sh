#!/bin/bash
set -e
getent hosts node2
docker run --rm --network host redis redis-cli -h node2 set greeting "hello from node1"
