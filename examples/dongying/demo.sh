#!/bin/sh
# The Dongying demo: validate every file of the data set, then load it into a fresh SQLite
# database through bulk import and show what the database holds.
# Run from anywhere with govservice installed (see README.md).
set -e
here=$(dirname "$0")
config="$here/govservice.yaml"
rm -f "$here/dongying-demo.db" "$here/dongying-demo.db-wal" "$here/dongying-demo.db-shm"

echo "== validating the data set"
govservice validate --kind item "$here/items.json"
govservice validate --kind case "$here/cases.jsonl"
govservice validate --kind station "$here/stations.yaml"
govservice validate --kind intermediary "$here/intermediaries.json"
govservice validate --kind blacklist-entry "$here/blacklist.jsonl"

echo "== loading it into $here/dongying-demo.db"
govservice --config "$config" db init
govservice --config "$config" import item "$here/items.json"
govservice --config "$config" import case "$here/cases.jsonl"
govservice --config "$config" import station "$here/stations.yaml"
govservice --config "$config" import intermediary "$here/intermediaries.json"
govservice --config "$config" import blacklist-entry "$here/blacklist.jsonl"
govservice --config "$config" db status
