#!/usr/bin/env bash
# Shows that the unsafe twin gets further than the checked one: replays the
# same inputs through both engine targets with AK_FUZZ_STATES=1 and compares
# how many distinct client flag words and client states each reached
# (docs/fuzzing.md §2).
#
#   compare_twins.sh CHECKED_REPLAY UNSAFE_REPLAY INPUT...
#
# Exit 0 when the unsafe twin reached strictly more distinct states and at
# least as many flag words, 1 otherwise. Only meaningful in a build with AK_FUZZ_UNSAFE_NO_CRYPTO
# (elsewhere both binaries keep every check and reach the same states).
set -euo pipefail
[[ $# -ge 3 ]] || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
checked=$1 unsafe=$2
shift 2

states() {  # prints "<flag words> <states>" and keeps the flag list in $2
  AK_FUZZ_STATES=1 "$1" "${@:3}" 2>"$2" >/dev/null
  sed -nE 's/^states: ([0-9]+) distinct client flag words, ([0-9]+) distinct client states$/\1 \2/p' "$2"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
read -r cf cs < <(states "$checked" "$tmp/checked" "$@")
read -r uf us < <(states "$unsafe" "$tmp/unsafe" "$@")
echo "checked twin: $cf distinct client flag words, $cs distinct client states"
echo "unsafe twin:  $uf distinct client flag words, $us distinct client states"
only=$(comm -13 <(grep '^flags:' "$tmp/checked" | sort) <(grep '^flags:' "$tmp/unsafe" | sort) | sed 's/^flags: //' | tr '\n' ' ')
echo "flag words only the unsafe twin reached: ${only:-none}"
echo "states only the unsafe twin reached:"
comm -13 <(grep '^state:' "$tmp/checked" | sort) <(grep '^state:' "$tmp/unsafe" | sort) | sed 's/^state: /  /'
[[ $uf -ge $cf && $us -gt $cs ]]
