#!/usr/bin/env bash
# Builds this consumer against the installed mnist artifacts (run 'mvn install' in the mnist build first)
# and runs it three ways: on the module path; on the class path without the Vector API's module (scalar
# kernels, with one line saying so); on the class path with --add-modules jdk.incubator.vector. Each run
# must train, save, load and score; the three must agree. Exits non-zero otherwise.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -ntp package
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
lib=target/lib
modules="target/consumer-1.0.jar:$lib"
classes="target/consumer-1.0.jar:$(printf '%s:' "$lib"/*.jar)"

run() { # name, java args...
  local name=$1; shift
  echo "== $name: java $*"
  java "$@" >"$out/$name.out" 2>"$out/$name.err" || { cat "$out/$name.out" "$out/$name.err"; echo "FAILED: $name"; exit 1; }
  cat "$out/$name.out"
  grep -q "of 1000 test digits right" "$out/$name.out" || { cat "$out/$name.err"; echo "FAILED: $name gave no score"; exit 1; }
}
run module-path -p "$modules" -m org.example.consumer/org.example.consumer.Main
run class-path -cp "$classes" org.example.consumer.Main
run class-path-vector --add-modules jdk.incubator.vector -cp "$classes" org.example.consumer.Main

grep -q "mnist kernels: scalar, the module jdk.incubator.vector is not in this JVM" "$out/class-path.err" \
  || { cat "$out/class-path.err"; echo "FAILED: no line saying why the class path runs scalar"; exit 1; }
if grep -q "mnist kernels: scalar" "$out/module-path.err" "$out/class-path-vector.err"; then
  echo "FAILED: scalar kernels although the Vector API is there"; exit 1
fi
# the same model and score whichever kernels ran it
for name in class-path class-path-vector; do
  cmp -s "$out/module-path.out" "$out/$name.out" || { diff "$out/module-path.out" "$out/$name.out"; echo "FAILED: $name differs"; exit 1; }
done
echo "consumer: OK (module path, class path, class path with the Vector API)"
