#!/bin/bash -eu
# ClusterFuzzLite: the OSS-Fuzz build script, unchanged.
exec "$SRC/autokey-ref/fuzz/oss-fuzz/build.sh"
