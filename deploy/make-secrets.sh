#!/bin/bash
# The secrets deploy/docker-compose.yml reads, made once at random under deploy/secrets/ (an existing
# one is kept: the database and the search engine keep the password they first started with).
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
mkdir -p "$dir"
chmod 700 "$dir"  # others on this machine stay out ...
for name in db_password search_password secret_key; do
    [ -s "$dir/$name" ] && continue
    # 32 random bytes; the suffix gives OpenSearch's password rule every class of character it asks for.
    printf '%s-Aa9\n' "$(head -c 32 /dev/urandom | base64 | tr -d '\n=' | tr '+/' 'xy')" > "$dir/$name"
    chmod 644 "$dir/$name"  # ... while the containers' own users, whoever they are, can read them
    echo "made $dir/$name"
done
