// Package migrations holds the database schema as numbered SQL files that
// golang-migrate applies in order. They are embedded so the binary migrates a
// database without any file beside it.
package migrations

import "embed"

// FS holds every NNNN_name.up.sql / .down.sql file of this directory.
//
//go:embed *.sql
var FS embed.FS
