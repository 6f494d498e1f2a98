#!/usr/bin/env bash
# Run every test program in a directory, then print the closing line
# "N passed, N failed" summed over all of them.  A program that crashes or
# exits non-zero without reporting counts as one failure.
set -u
dir=${1:-build/tests}
passed=0; failed=0
shopt -s nullglob
progs=("$dir"/test_*)
if [ ${#progs[@]} -eq 0 ]; then
    echo "no test programs in $dir" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
for prog in "${progs[@]}"; do
    [ -x "$prog" ] || continue
    name=$(basename "$prog")
    start=$(date +%s)
    out=$("$prog" 2> >(cat >&2)); rc=$?
    line=$(printf '%s\n' "$out" | grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    if [ -n "$line" ]; then
        p=$(printf '%s' "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/')
        f=$(printf '%s' "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/')
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    else
        p=0; f=1
        echo "FAIL $name: exited with status $rc and no summary" >&2
    fi
    passed=$((passed + p)); failed=$((failed + f))
    printf '  %-28s %4d passed, %d failed  (%ds)\n' "$name" "$p" "$f" $(( $(date +%s) - start ))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
