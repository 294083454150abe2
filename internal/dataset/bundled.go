package dataset

import (
	_ "embed"
)

// BundledName is the file name the bundled dataset is reported under.
const BundledName = "az-2024.yaml"

// bundledFile is the curated dataset of the 2024 report, loaded by `serve`
// into an empty database.
//
//go:embed data/az-2024.yaml
var bundledFile []byte

// BundledReport is the text of the 2024 report the bundled dataset quotes.
//
//go:embed data/az-2024-report.txt
var BundledReport string

// Bundled parses the bundled dataset.
func Bundled() (*Dataset, error) {
	return Parse(BundledName, bundledFile)
}
