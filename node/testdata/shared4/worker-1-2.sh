#!/bin/sh
# nxcalico: routes of node worker-1-2 (leaf pair rack1) to its leaf peering loopbacks.
# None needed: Calico reaches the leaf loopbacks itself (BGPPeer reachableBy).
set -eu
