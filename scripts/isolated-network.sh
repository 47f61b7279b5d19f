#!/bin/sh
# Runs a command inside the network namespace `unshare -n` made: loopback up, and a veth pair with an address and a
# default route, both ends inside this namespace, so nothing leaves it. (Firefox gathers no ICE candidate without
# a default route; Chromium is content with loopback.)
set -e
ip link set lo up
ip link add ctc0 type veth peer name ctc1
ip addr add 10.99.0.1/24 dev ctc0
ip link set ctc0 up
ip link set ctc1 up
ip route add default dev ctc0
exec "$@"
