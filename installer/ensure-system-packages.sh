#!/usr/bin/env bash
# Install the Debian packages in installer/debian-packages.txt that are missing.
# As root it installs them with apt-get; otherwise it prints the command to run.
# A package marked "test" (second word) only the tests need: as root it is installed with the
# others (CI runs this as root); otherwise a missing one is named, but the app still starts.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
command -v dpkg-query >/dev/null 2>&1 || exit 0   # not Debian: nothing to do here
missing=()
for_tests=()
while read -r pkg use _; do
  case "$pkg" in ''|'#'*) continue ;; esac
  if [ "$pkg" = python3-venv ] && python3 -c "import ensurepip, venv" 2>/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" && continue
  if [ "${use:-}" = test ]; then for_tests+=("$pkg"); else missing+=("$pkg"); fi
done < "$here/debian-packages.txt"
if [ "$(id -u)" -eq 0 ]; then
  missing+=(${for_tests[@]+"${for_tests[@]}"})
  [ ${#missing[@]} -eq 0 ] && exit 0
  echo "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
if [ ${#for_tests[@]} -gt 0 ]; then
  echo "some tests are skipped without: sudo apt-get install -y --no-install-recommends ${for_tests[*]}" >&2
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "missing system packages; please run:" >&2
echo "  sudo apt-get install -y ${missing[*]}" >&2
exit 1
