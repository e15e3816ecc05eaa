#!/bin/bash
# What the student does, non-interactively: pier lesson test replays it, "Solve" runs it.
set -e
mkdir -p /root/tour
echo "hello pier" > /root/tour/hello.txt
