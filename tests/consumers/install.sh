#!/usr/bin/env bash
# Installs the SDK consumers of tests/it/consumers.rs under target/consumers, with
# their downloads cached there too (npm cache, Go module and build caches, Maven
# repository), so that a second run installs nothing. Needs node/npm, go, java and
# mvn; the Rust consumer is built by `cargo test`, the Python one uses CI's venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$PWD/target/consumers"
mkdir -p "$out/node" "$out/go" "$out/java"

# The AWS SDK for JavaScript v3.
cp tests/consumers/node/package.json tests/consumers/node/index.mjs "$out/node/"
if [ ! -d "$out/node/node_modules/@aws-sdk/client-sts" ]; then
    (cd "$out/node" && npm install --no-audit --no-fund --cache "$out/npm-cache")
fi

# The AWS SDK for Go v2, built once into one binary.
(
    cd tests/consumers/go
    GOMODCACHE="$out/go/mod" GOCACHE="$out/go/cache" GOFLAGS=-mod=mod \
        go build -o "$out/go/consumer" .
)

# The AWS SDK for Java v2: its jars, for `java -cp 'lib/*' Consumer.java`.
if [ ! -d "$out/java/lib" ]; then
    (
        cd tests/consumers/java
        mvn -q -B -Dmaven.repo.local="$out/m2" dependency:copy-dependencies \
            -DoutputDirectory="$out/java/lib.partial" -DincludeScope=runtime
    )
    mv "$out/java/lib.partial" "$out/java/lib"
fi
