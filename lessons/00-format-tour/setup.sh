#!/bin/bash
# Runs as root in every node before the student's prompt (fed to bash -s; never stored in
# the node). Keep it quick and idempotent.
set -eu
mkdir -p /root/tour
echo "This node is $(hostname). The tour's files live in /root/tour." > /root/tour/README
