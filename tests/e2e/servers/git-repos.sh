#!/usr/bin/env bash
# The git server's repositories: org/private.git, a bare repository with one
# commit.   bash git-repos.sh DIR
set -euo pipefail
dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=dfix-e2e GIT_AUTHOR_EMAIL=e2e@dfix.invalid
export GIT_COMMITTER_NAME=dfix-e2e GIT_COMMITTER_EMAIL=e2e@dfix.invalid
export GIT_AUTHOR_DATE=2024-01-01T00:00:00Z GIT_COMMITTER_DATE=2024-01-01T00:00:00Z
git init -q -b main "$work/private"
echo "private code" > "$work/private/README"
git -C "$work/private" add README
git -C "$work/private" commit -q -m "private code"
mkdir -p "$dir/org"
git clone -q --bare "$work/private" "$dir/org/private.git"
# Smart HTTP needs no update-server-info, but dumb clients would.
git -C "$dir/org/private.git" update-server-info
