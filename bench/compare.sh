#!/usr/bin/env bash
# mnist train against its PyTorch twin (bench/pytorch_mlp.py), at 1 and 2 threads, in one run:
# R rounds, each running the four configurations one after the other (interleaved, so that a busy
# spell of the machine hits all of them alike), then a table of seconds per epoch; each round also
# times OpenBLAS alone on the step's GEMMs at 1 and 2 threads (bench/openblas_gemm.py), for what a
# second core gives on this machine at the time.
#
#   bench/compare.sh [-e EPOCHS] [-r ROUNDS]      (defaults: 12 epochs, 3 rounds; about a minute a round on 2 quiet cores)
#
# Needs the runtime image (mvn -q -ntp package -DskipTests) and a Python 3 with torch and numpy
# (PYTHON=..., default /usr/bin/python3: Debian's python3-torch, best with libopenblas0-openmp).
# "steady" is the median over the rounds of each run's median epoch time, epochs 2..N (epoch 1 of
# mnist includes the JIT compiling the kernels); [min, max] are over all those epochs of all rounds.
# Both time the same thing per epoch: the shuffle, every batch, the validation pass.
set -euo pipefail

epochs=12
rounds=3
usage() { echo "usage: $0 [-e EPOCHS] [-r ROUNDS]" >&2; exit 2; }
while getopts "e:r:h" opt; do
  case $opt in
    e) epochs=$OPTARG ;;
    r) rounds=$OPTARG ;;
    *) usage ;;
  esac
done
[[ $epochs =~ ^[0-9]+$ && $epochs -ge 2 && $rounds =~ ^[0-9]+$ && $rounds -ge 1 ]] || {
  echo "$0: EPOCHS must be at least 2 (epoch 1 is not steady) and ROUNDS at least 1" >&2; exit 2; }

source "$(dirname "$0")/setup.sh"   # root, mnist, python, checked
# OpenBLAS picks its kernels and block sizes itself unless these say otherwise: let it, for torch.
torch_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(grep -q avx512f /proc/cpuinfo && echo AVX-512 || echo 'no AVX-512')$(grep -q ' avx2' /proc/cpuinfo && echo ', AVX2')"
echo "mnist: $("$mnist" --version 2>/dev/null), JDK $(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$root/target/mnist/release")"
echo "$epochs epochs, $rounds round(s); load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"

configs=(mnist-1 mnist-2 pytorch-1 pytorch-2 openblas-1 openblas-2)
for ((r = 1; r <= rounds; r++)); do
  for c in "${configs[@]}"; do
    threads=${c##*-}
    out=$tmp/$c-$r
    start=$(date +%s%N)
    if [[ $c == openblas-* ]]; then
      # OpenBLAS's own gain from a second thread on the step's GEMMs, in the same round
      env OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" "$python" "$root/bench/openblas_gemm.py" >"$out.log" 2>&1 || {
        echo "$0: openblas_gemm.py failed:" >&2; tail -5 "$out.log" >&2; exit 1; }
    elif [[ $c == mnist-* ]]; then
      "$mnist" train --progress never --threads "$threads" --epochs "$epochs" --metrics-out "$out.json" >"$out.log" 2>&1 || {
        echo "$0: mnist train failed:" >&2; tail -5 "$out.log" >&2; exit 1; }
    else
      "${torch_env[@]}" "$python" "$root/bench/pytorch_mlp.py" --threads "$threads" --epochs "$epochs" >"$out.log" 2>&1 || {
        echo "$0: pytorch_mlp.py failed:" >&2; tail -5 "$out.log" >&2; exit 1; }
    fi
    end=$(date +%s%N)
    echo $(((end - start) / 1000000)) >"$out.wall"
    printf 'round %d/%d  %-9s  %6.1f s\n' "$r" "$rounds" "$c" "$(((end - start) / 1000000))e-3"
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E '^(warning:|torch )' "$tmp/pytorch-1-1.log" | head -2   # the BLAS in use, and a warning if it is the reference one

"$python" - "$tmp" "$rounds" <<'EOF'
import json, re, statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
def epochs(config, r):
    base = f"{tmp}/{config}-{r}"
    if config.startswith("mnist"):
        return json.load(open(base + ".json"))["seconds_per_epoch"]
    return [float(m.group(1)) for m in re.finditer(r"^epoch \d+  loss \S+  seconds (\S+)", open(base + ".log").read(), re.M)]
rows = {}
print()
print(f"{'configuration':<20} {'steady s/epoch':>14} {'[min, max]':>16} {'epoch 1':>8} {'epoch 1 / steady':>17} {'whole command':>14}")
for config in ("mnist-1", "mnist-2", "pytorch-1", "pytorch-2"):
    runs = [epochs(config, r) for r in range(1, rounds + 1)]
    steady = statistics.median(statistics.median(e[1:]) for e in runs)
    every = [s for e in runs for s in e[1:]]
    first = statistics.median(e[0] for e in runs)
    wall = statistics.median(int(open(f"{tmp}/{config}-{r}.wall").read()) / 1000 for r in range(1, rounds + 1))
    rows[config] = steady
    name = config.replace("-1", ", 1 thread").replace("-2", ", 2 threads")
    print(f"{name:<20} {steady:14.3f} {'[%.3f, %.3f]' % (min(every), max(every)):>16} {first:8.3f} {first / steady:16.2f}x {wall:13.1f}s")
best = min(rows["pytorch-1"], rows["pytorch-2"])
print()
print(f"mnist / PyTorch's best ({best:.3f} s): {rows['mnist-1'] / best:.2f} at 1 thread, {rows['mnist-2'] / best:.2f} at 2 threads (below 1: mnist is faster)")
print(f"2 threads / 1 thread speed-up: mnist {rows['mnist-1'] / rows['mnist-2']:.2f}x, PyTorch {rows['pytorch-1'] / rows['pytorch-2']:.2f}x")
print("whole command: mnist includes the JVM start, reading the data and the evaluation; PyTorch its imports and reading the data")
blas = {t: statistics.median(float(open(f"{tmp}/openblas-{t}-{r}.log").read().split()[-1]) for r in range(1, rounds + 1))
        for t in (1, 2)}
gain = blas[1] / blas[2]
ours = rows["mnist-1"] / rows["mnist-2"]
print(f"OpenBLAS alone, the step's GEMMs: {blas[1] * 1e6:.0f} us at 1 thread, {blas[2] * 1e6:.0f} us at 2: {gain:.2f}x; "
      f"mnist's gain from its second thread is {100 * (ours - 1) / (gain - 1):.0f}% of OpenBLAS's" if gain > 1
      else f"OpenBLAS alone, the step's GEMMs: no gain from a second thread ({gain:.2f}x)")
EOF
