#!/bin/sh
# nxcalico: routes of node worker-3-2 (leaf pair rack3) to its leaf peering loopbacks.
# None needed: Calico reaches the leaf loopbacks itself (BGPPeer reachableBy).
set -eu
