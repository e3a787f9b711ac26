# Sourced by the comparison scripts (compare.sh, compare_cnn.sh): sets root, mnist (the runtime
# image's launcher) and python (PYTHON, default /usr/bin/python3), and stops with a clear message
# when the image is not built or that Python cannot import torch and numpy.
root=$(cd "$(dirname "$0")/.." && pwd)
mnist=$root/target/mnist/bin/mnist
[[ -x $mnist ]] || { echo "$0: no $mnist: build it first (mvn -q -ntp package -DskipTests)" >&2; exit 1; }
python=${PYTHON:-/usr/bin/python3}
"$python" -c 'import torch, numpy' 2>/dev/null || {
  echo "$0: $python cannot import torch and numpy (Debian: apt-get install python3-torch libopenblas0-openmp; or set PYTHON)" >&2; exit 1; }
