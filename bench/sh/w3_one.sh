#!/bin/sh
# W3 with iproute2, one shell process per container (as a hook script would):
#   sh w3_one.sh HOSTNS CONTAINER_NS I
# creates veth hI in HOSTNS with its peer eth0 directly inside CONTAINER_NS,
# sets both up, gives eth0 10.200.0.0/16 + I + 2 and a default route.
set -e
h=$1 c=$2 i=$3
a=$(( (i + 2) >> 8 )).$(( (i + 2) & 255 ))
ip -n "$h" link add "h$i" up type veth peer name eth0 netns "$c"
ip -n "$c" link set eth0 up
ip -n "$c" addr add "10.200.$a/16" dev eth0
ip -n "$c" route add default via 10.200.0.1 dev eth0
