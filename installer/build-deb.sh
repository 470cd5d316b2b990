#!/usr/bin/env bash
# Package the PyInstaller bundle (dist/huiquan-desk/, from installer/huiquan_desk.spec) as
# dist/huiquan-desk_<version>_amd64.deb:
#   /opt/huiquan-desk/                 the bundle
#   /usr/bin/huiquan-desk              a two-line wrapper that runs it (the command on the PATH)
#   /usr/share/applications/huiquan-desk.desktop   惠泉台账 in the office menu
#   /usr/share/icons/hicolor/<N>x<N>/apps/huiquan-desk.png and scalable/apps/huiquan-desk.svg
# There are no maintainer scripts: installing and removing never run code, so nothing can touch a
# user's data folder (~/.local/share/huiquan_desk/ stays after `dpkg -r` and `dpkg -P`). The menu and
# icon caches are refreshed by the desktop's own dpkg triggers.
# Depends: read off the bundle by dpkg-shlibdeps (the desktop libraries Qt loads from the system,
# which the spec leaves out of the bundle, with the versions the build machine's symbols need).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bundle=${1:-$root/dist/huiquan-desk}
out_dir=${2:-$root/dist}
[ -x "$bundle/huiquan-desk" ] || { echo "no bundle at $bundle: run make package" >&2; exit 1; }
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$root/huiquan_desk/__init__.py")
[ -n "$version" ] || { echo "no __version__ in huiquan_desk/__init__.py" >&2; exit 1; }
arch=$(dpkg --print-architecture)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/pkg
install -d "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/applications" \
  "$pkg/usr/share/icons/hicolor/scalable/apps" "$pkg/usr/share/doc/huiquan-desk"
cp -a "$bundle" "$pkg/opt/huiquan-desk"
chmod -R u=rwX,go=rX "$pkg/opt/huiquan-desk"

cat > "$pkg/usr/bin/huiquan-desk" <<'WRAP'
#!/bin/sh
exec /opt/huiquan-desk/huiquan-desk "$@"
WRAP
chmod 755 "$pkg/usr/bin/huiquan-desk"

cat > "$pkg/usr/share/applications/huiquan-desk.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Version=1.0
Name=惠泉台账
Name[zh_CN]=惠泉台账
GenericName=文明创建工作台账
Comment=社区居委会文明创建工作台账：活动、志愿服务、文明家庭，打印 Excel / PDF 台账
Exec=huiquan-desk
Icon=huiquan-desk
Terminal=false
Categories=Office;
Keywords=台账;文明创建;志愿服务;居委会;ledger;
DESKTOP

for png in "$root"/resources/icons/huiquan_desk-*.png; do
  size=$(basename "$png" .png); size=${size##*-}
  install -D -m 644 "$png" "$pkg/usr/share/icons/hicolor/${size}x${size}/apps/huiquan-desk.png"
done
install -m 644 "$root/resources/icons/huiquan_desk.svg" "$pkg/usr/share/icons/hicolor/scalable/apps/huiquan-desk.svg"
install -m 644 "$root/resources/fonts/Apache-2.0.txt" "$pkg/usr/share/doc/huiquan-desk/copyright"

# What the bundle needs from the system, as Debian packages with minimum versions.
mkdir -p "$stage/debian"
printf 'Source: huiquan-desk\n\nPackage: huiquan-desk\nArchitecture: any\n' > "$stage/debian/control"
internal=$pkg/opt/huiquan-desk/_internal
libpath=$internal:$internal/PySide6/Qt/lib:$internal/PySide6:$internal/shiboken6
elves=()
optional=()
while IFS= read -r file; do
  head -c 4 "$file" | grep -q ELF || continue
  # A plug-in whose system library this machine lacks (Wayland's, say) is loaded by Qt only where the
  # desktop has that library: it is shipped, but the package does not depend on it.
  if LD_LIBRARY_PATH=$libpath ldd "$file" 2>/dev/null | grep -q "not found"; then
    optional+=("${file#"$pkg"}"); continue
  fi
  elves+=("-e$file")
done < <(find "$pkg/opt/huiquan-desk" -type f \( -name '*.so*' -o -name 'huiquan-desk*' \))
changed=1
while [ $changed -eq 1 ]; do  # and what links against such a plug-in's library goes with it
  changed=0
  kept=()
  for flag in "${elves[@]}"; do
    needed=$(readelf -d "${flag#-e}" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    hit=0
    for opt in "${optional[@]}"; do
      grep -qxF "${opt##*/}" <<<"$needed" && { hit=1; break; }
    done
    if [ $hit -eq 1 ]; then optional+=("${flag#-e"$pkg"}"); changed=1; else kept+=("$flag"); fi
  done
  elves=("${kept[@]}")
done
[ ${#optional[@]} -eq 0 ] || echo "optional (not in Depends, used where the system has their libraries): ${optional[*]##*/}" >&2
depends=$(cd "$stage" && dpkg-shlibdeps -O --ignore-missing-info -l"$internal" -l"$internal/PySide6/Qt/lib" \
  -l"$internal/PySide6" -l"$internal/shiboken6" "${elves[@]}" 2>"$stage/shlibdeps.log" \
  | sed -n 's/^shlibs:Depends=//p') || { grep error "$stage/shlibdeps.log" >&2; exit 1; }
[ -n "$depends" ] || { cat "$stage/shlibdeps.log" >&2; echo "dpkg-shlibdeps found no dependencies" >&2; exit 1; }
# Libraries the bundle carries itself (Python's: OpenSSL, SQLite, libffi …) are not dependencies, nor is
# the exact libc6 pin that the bundled libmvec brings; libc6 itself stays, with its minimum version.
carried=$(for lib in "$internal"/lib*.so*; do
  [ -L "$lib" ] && continue
  dpkg -S "*/${lib##*/}" 2>/dev/null | sed -n '1s/:.*//p'
done | grep -vx libc6 | sort -u)
depends=$(tr ',' '\n' <<<"$depends" | sed 's/^ *//' | grep -v -e '(<<' -e '(>>' \
  | awk -v carried="$carried" 'BEGIN { n = split(carried, c, "\n"); for (i = 1; i <= n; i++) skip[c[i]] = 1 }
                               !($1 in skip) && !($1 in seen) { seen[$1] = 1; print }' \
  | paste -sd, - | sed 's/,/, /g')

installed_kb=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: huiquan-desk
Version: $version
Architecture: $arch
Maintainer: 惠泉台账 <huiquan-desk@localhost>
Installed-Size: $installed_kb
Depends: $depends
Section: misc
Priority: optional
Description: 惠泉台账：社区居委会文明创建工作台账
 Offline desktop ledger of a neighbourhood committee's civilization-creation
 work: activities with photos and sign-in sheets, volunteers and service
 hours, civic family campaigns, printed as Excel and PDF ledgers. Data stays
 in each user's own folder (~/.local/share/huiquan_desk), which removing
 this package never touches.
CONTROL

mkdir -p "$out_dir"
deb=$out_dir/huiquan-desk_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz -z"${DEB_XZ_LEVEL:-6}" --build "$pkg" "$deb" >/dev/null
echo "$deb"
