// Command generate runs gqlgen on gqlgen.yml (go generate ./graph) with one
// change to the code it writes: the fields of an object are resolved in the
// goroutine that marshals the object, not each in a goroutine of its own.
//
// Why: gqlgen dispatches every resolver field of every object concurrently.
// Ours read what the request already holds (the row, the catalog) and return
// at once, so a page of 100 observations with nested code-list objects spent
// more time starting and growing about a thousand goroutines' stacks than
// resolving (27% of the server's CPU in runtime.copystack). Lists still
// marshal their elements concurrently, so the loaders still collect the keys
// of every row of a page into one statement (TestNoNPlusOne); what becomes
// sequential is only the fields of one object, e.g. one indicator's `series`
// and `breakdown` selected side by side.
package main

import (
	"fmt"
	"io"
	"log"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
)

func main() {
	log.SetOutput(io.Discard) // gqlgen logs every field it binds by a resolver
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err == nil {
		err = api.Generate(cfg, api.AddPlugin(inlineFields{}))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gqlgen:", err)
		os.Exit(1)
	}
}

// inlineFields is the gqlgen plugin that turns off per-field concurrency on
// every object but the root ones, whose fields gqlgen runs concurrently by a
// path of their own.
type inlineFields struct{}

func (inlineFields) Name() string { return "inlinefields" }

func (inlineFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if !o.Root {
			o.DisableConcurrency = true
		}
	}
	return nil
}
