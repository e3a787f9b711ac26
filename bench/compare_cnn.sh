#!/usr/bin/env bash
# The CNN recipes against their PyTorch twin (bench/pytorch_cnn.py), at 1 and 2 threads, in one run:
# R rounds, each running every configuration once, one after the other (interleaved, so that a busy
# spell of the machine hits all of them alike), and printing each run's seconds per epoch and test
# accuracy. cnn-fast runs its 2 epochs; cnn runs 2 of its 8 (the second is a steady epoch).
#
#   bench/compare_cnn.sh [-r ROUNDS]      (default 2 rounds; about 4 minutes a round on 2 quiet cores)
#
# Needs the runtime image (mvn -q -ntp package -DskipTests) and a Python 3 with torch and numpy
# (PYTHON=..., default /usr/bin/python3: Debian's python3-torch, best with libopenblas0-openmp; the
# script prints the BLAS torch loaded).
set -euo pipefail

rounds=2
usage() { echo "usage: $0 [-r ROUNDS]" >&2; exit 2; }
while getopts "r:h" opt; do
  case $opt in
    r) rounds=$OPTARG ;;
    *) usage ;;
  esac
done
[[ $rounds =~ ^[0-9]+$ && $rounds -ge 1 ]] || { echo "$0: ROUNDS must be at least 1" >&2; exit 2; }

source "$(dirname "$0")/setup.sh"   # root, mnist, python, checked

for round in $(seq 1 "$rounds"); do
  for recipe in cnn-fast cnn; do
    epochs=()
    [[ $recipe == cnn ]] && epochs=(--epochs 2)
    for t in 1 2; do
      echo "== round $round: $recipe, $t thread(s)"
      "$mnist" train --model "$recipe" "${epochs[@]}" --threads "$t" --progress never 2>&1 \
        | grep -E '^Epoch|^Test accuracy' | sed 's/^/mnist    /'
      "$python" "$root/bench/pytorch_cnn.py" --model "$recipe" "${epochs[@]}" --threads "$t" 2>&1 \
        | grep -E '^torch|^epoch|^test accuracy' | sed 's/^/pytorch  /'
    done
  done
done
