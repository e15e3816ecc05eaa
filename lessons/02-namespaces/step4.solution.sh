#!/bin/bash
set -e
ip netns del red 2>/dev/null || true
ip netns del blue 2>/dev/null || true
ip netns add red
ip netns add blue
ip link add veth-red type veth peer name veth-blue
ip link set veth-red netns red
ip link set veth-blue netns blue
nsenter --net=/run/netns/red ip addr add 10.0.0.1/24 dev veth-red
nsenter --net=/run/netns/red ip link set veth-red up
nsenter --net=/run/netns/blue ip addr add 10.0.0.2/24 dev veth-blue
nsenter --net=/run/netns/blue ip link set veth-blue up
nsenter --net=/run/netns/red ping -c 1 -W 2 10.0.0.2
