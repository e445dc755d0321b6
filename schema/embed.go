// Package schema ships the JSON Schema of the snapshot document, the contract
// between the collector and the policies.
package schema

import _ "embed"

// Version is the snapshot schema_version this build reads and writes.
const Version = "1"

// Snapshot is the JSON Schema (draft-07) of the snapshot document.
//
//go:embed snapshot.json
var Snapshot []byte

// Organization is the JSON Schema (draft-07) of the organization snapshot
// document (kind "organization"); its accounts' snapshots refer to Snapshot.
//
//go:embed organization.json
var Organization []byte
