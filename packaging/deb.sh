#!/bin/sh
# Builds the .deb from a staging root that `make install` filled (make deb):
#   deb.sh ROOT VERSION OUTDIR   ->  OUTDIR/casekeeper_VERSION_ARCH.deb
# Depends are computed by dpkg-shlibdeps from the binary's libraries (the
# shlibs files of the installed -dev packages' runtime libraries), so they
# follow the build machine's Debian release rather than a list kept by hand.
set -eu
root=$1 version=$2 out=$3
arch=$(dpkg --print-architecture)
work=$(dirname "$root")

# dpkg-shlibdeps wants a debian/control to read; a minimal one in a scratch
# directory is enough.
mkdir -p "$work/src/debian" "$root/DEBIAN"
printf 'Source: casekeeper\n\nPackage: casekeeper\nArchitecture: any\n' >"$work/src/debian/control"
bin=$(cd "$root" && pwd)/usr/bin/casekeeper
depends=$(cd "$work/src" && dpkg-shlibdeps -O "$bin" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "deb.sh: dpkg-shlibdeps found no dependencies for $bin" >&2; exit 1; }

size=$(du -sk "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: casekeeper
Version: $version
Architecture: $arch
Maintainer: Casekeeper maintainers <casekeeper@localhost>
Installed-Size: $size
Depends: $depends, systemd
Recommends: nginx-light | nginx, postgresql-client-15
Section: misc
Priority: optional
Description: probation case management
 Casekeeper records each probation case and derives from it every obligation
 with its due date, so that nothing can be overdue without someone seeing it.
 The server (casekeeper serve) runs as the systemd service casekeeper; see
 /usr/share/doc/casekeeper/deploy.md.
CONTROL
# The configuration an operator edits survives upgrades.
find "$root/etc" -type f | sed "s|^$root||" | sort >"$root/DEBIAN/conffiles"
cat >"$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
# Makes the system user casekeeper (sysusers.d/casekeeper.conf) and tells
# systemd about the unit; it is not started until the operator has
# configured it (docs/deploy.md).
set -e
if [ "$1" = configure ]; then
  systemd-sysusers casekeeper.conf
  if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null || true; fi
fi
POSTINST
chmod 755 "$root/DEBIAN/postinst"
mkdir -p "$out"
deb="$out/casekeeper_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
