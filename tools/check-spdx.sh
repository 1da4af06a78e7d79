#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tools/check-spdx.sh [DIR] - every text file of the tree must carry
# "SPDX-License-Identifier: BSD-2-Clause" on its first line, or its second
# after a "#!" line. Lists the files in git when DIR is a git work tree (so
# build output is not looked at), else every file below DIR. Binary files
# (fuzz corpus and regression inputs: raw controller bytes) and checksum
# lists are exempt. Prints each offending file and exits 1 if any; prints
# "spdx: N files checked" otherwise.
set -u
dir=${1:-.}
cd "$dir" || exit 2
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	list=$(git ls-files --cached --others --exclude-standard)
else
	list=$(find . -type f ! -path './.git/*' | sed 's|^\./||')
fi
bad=0
n=0
for f in $list; do
	[ -f "$f" ] || continue
	case "$f" in
	tests/fuzz/corpus/* | tests/fuzz/regressions/* | *.sha256 | LICENSE) continue ;;
	esac
	# binary (NUL bytes): not a source file
	if [ "$(head -c 65536 "$f" | tr -d '\000' | wc -c)" -ne "$(head -c 65536 "$f" | wc -c)" ]; then
		continue
	fi
	n=$((n + 1))
	if head -n 1 "$f" | grep -q 'SPDX-License-Identifier: BSD-2-Clause'; then
		continue
	fi
	if head -n 1 "$f" | grep -q '^#!' && sed -n 2p "$f" | grep -q 'SPDX-License-Identifier: BSD-2-Clause'; then
		continue
	fi
	echo "spdx: $f: no 'SPDX-License-Identifier: BSD-2-Clause' on its first line (second after #!)"
	bad=$((bad + 1))
done
if [ "$bad" -gt 0 ]; then
	echo "spdx: $bad of $n files without the license line"
	exit 1
fi
echo "spdx: $n files checked"
