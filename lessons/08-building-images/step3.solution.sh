#!/bin/bash
set -e
docker tag myapp:2 myapp:latest
docker images myapp
