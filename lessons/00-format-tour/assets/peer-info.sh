#!/bin/bash
# Copied to /usr/local/bin/peer-info on node2 by the lesson's assets.
echo "node2 says hi from $(hostname)"
