#!/bin/bash
set -e
getent hosts node2
docker run --rm redis redis-cli -h node2 set greeting "hello from node1"
