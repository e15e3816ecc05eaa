#!/bin/bash
set -e
peer-info > /root/from-node2.txt
