#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tests/build/readme_blocks.sh MARKDOWN OUTDIR - extract every ```c block of
# MARKDOWN into OUTDIR/block-N.c (N from 1, in order), ready to compile with
# -I drivers/nvme. The convention (drivers/nvme/README.md, "Code blocks"):
# a block is a whole translation unit and includes what it uses; a block
# whose first line is `/* fragment */` holds statements only and is wrapped
# in a function that includes nvme_all.h and has c, ns, q, buf, len and rc
# in scope. Prints the number of blocks.
set -eu
md=$1
dir=$2
mkdir -p "$dir"
awk -v dir="$dir" '
	/^```c[ \t]*$/ { n++; f = sprintf("%s/block-%d.c", dir, n); inb = 1; first = 1; frag = 0; next }
	inb && /^```[ \t]*$/ {
		if (frag) print "\t(void)c; (void)ns; (void)q; (void)buf; (void)len; (void)rc;\n}" >> f
		close(f); inb = 0; next
	}
	inb {
		if (first) {
			first = 0
			if ($0 ~ /^\/\* fragment \*\/[ \t]*$/) {
				frag = 1
				print "#include \"nvme_all.h\"" > f
				printf "void readme_fragment_%d(struct nvme_ctrl *c, struct nvme_ns *ns, struct nvme_qpair *q, void *buf, size_t len);\n", n >> f
				printf "void readme_fragment_%d(struct nvme_ctrl *c, struct nvme_ns *ns, struct nvme_qpair *q, void *buf, size_t len)\n{\n\tint rc = 0;\n", n >> f
				next
			}
			print "" > f
		}
		if (frag) print "\t" $0 >> f
		else print >> f
	}
	END { print n + 0 }
' "$md"
