# binutils-for.sh, sourced: binutils_for OBJECT TOOL... sets triple (the
# target of the ELF OBJECT, from its e_machine: x86-64 or AArch64), prefix
# ("" for the build machine's own, "<triple>-" for another) and, for each TOOL
# (ld, objcopy, ar, readelf), the variable of that name to the command to use:
# the environment's LD, OBJCOPY, AR or READELF, else the GNU binutils tool
# for the target (Debian's binutils-aarch64-linux-gnu for aarch64). Exits
# with the apt-get line when one is missing.
binutils_for() {
  _object=$1
  shift
  # ELF e_machine, a 16-bit word at byte 18: 62 x86-64, 183 AArch64.
  case $(od -An -tu2 -j18 -N2 "$_object" | tr -d ' ') in
  62) triple=x86_64-linux-gnu ;;
  183) triple=aarch64-linux-gnu ;;
  *) echo "$0: $_object is for a machine this script does not know" >&2; exit 1 ;;
  esac
  prefix=
  [ "$triple" = "$(uname -m)-linux-gnu" ] || prefix=$triple-
  for _tool; do
    _upper=$(echo "$_tool" | tr a-z A-Z)
    eval "_cmd=\${$_upper:-$prefix$_tool}"
    # readelf reads any ELF: the build machine's does when no other is there.
    [ "$_tool" = readelf ] && ! command -v "$_cmd" >/dev/null 2>&1 && _cmd=readelf
    command -v "$_cmd" >/dev/null 2>&1 || {
      echo "$0: $_cmd is needed for a library for $triple (Debian: apt-get install binutils${prefix:+-$triple})" >&2
      exit 1
    }
    eval "$_tool=\$_cmd"
  done
}
