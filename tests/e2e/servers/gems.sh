#!/usr/bin/env bash
# A gem source for bundler and gem: one gem, acme_private 1.0.0, indexed with
# `gem generate_index` (the full index bundler falls back to when a server
# has no compact index).   bash gems.sh DIR
set -euo pipefail
dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lib" "$dir/gems"
cat > "$work/lib/acme_private.rb" <<'RUBY'
module AcmePrivate
  NAME = "private"
end
RUBY
cat > "$work/acme_private.gemspec" <<'RUBY'
Gem::Specification.new do |s|
  s.name = "acme_private"
  s.version = "1.0.0"
  s.summary = "A private gem for the dfix e2e suite"
  s.authors = ["dfix e2e"]
  s.files = ["lib/acme_private.rb"]
  s.license = "MIT"
end
RUBY
(cd "$work" && SOURCE_DATE_EPOCH=1704067200 gem build --silent acme_private.gemspec)
cp "$work/acme_private-1.0.0.gem" "$dir/gems/"
gem generate_index --silent --directory "$dir"
