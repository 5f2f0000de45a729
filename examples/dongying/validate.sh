#!/bin/sh
# Validate every file of the Dongying demo data set against the govservice schemas.
# Run from the repository root with govservice installed (see README.md).
set -e
here=$(dirname "$0")
govservice validate --kind item "$here/items.json"
govservice validate --kind case "$here/cases.jsonl"
govservice validate --kind station "$here/stations.yaml"
govservice validate --kind intermediary "$here/intermediaries.json"
govservice validate --kind blacklist-entry "$here/blacklist.jsonl"
