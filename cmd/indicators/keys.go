package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"indicators/internal/dataset"
)

// keys manages partners' API keys: create, list, revoke.
func (c *cli) keys(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, keysUsage)
		return errReported
	}
	switch args[0] {
	case "create":
		return c.keysCreate(ctx, args[1:])
	case "list":
		return c.keysList(ctx, args[1:])
	case "revoke":
		return c.keysRevoke(ctx, args[1:])
	default:
		fmt.Fprintf(c.stderr, "unknown keys command %q\n\n%s", args[0], keysUsage)
		return errReported
	}
}

const keysUsage = `usage: indicators keys COMMAND

  create --label L [--expires DATE|--valid-for DURATION]
                 make a partner's API key; it is printed once and only its hash is kept
  list           list every key: id, label, prefix, created, expires, state, last used
  revoke ID      revoke a key at once, in every running serve
`

func (c *cli) keysCreate(ctx context.Context, args []string) error {
	var label, expires string
	var validFor time.Duration
	if _, err := c.flags("keys create", "--label L [--expires DATE|--valid-for DURATION]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&label, "label", "", "whose the key is (required), e.g. \"UNODC data team\"")
		fs.StringVar(&expires, "expires", "", "when the key stops working: a date (2026-12-31, the start of that day UTC) or an RFC 3339 time")
		fs.DurationVar(&validFor, "valid-for", 0, "how long the key works from now, e.g. 2160h for 90 days")
	}); err != nil {
		return err
	}
	var until *time.Time
	switch {
	case expires != "" && validFor != 0:
		return fmt.Errorf("keys create: give --expires or --valid-for, not both")
	case expires != "":
		t, err := parseExpiry(expires)
		if err != nil {
			return err
		}
		until = &t
	case validFor != 0:
		t := time.Now().Add(validFor)
		until = &t
	}
	db, err := c.openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.close()
	k, secret, err := db.store.CreateKey(ctx, label, until)
	if err != nil {
		return fmt.Errorf("keys create: %s", dataset.MessageOf(err))
	}
	fmt.Fprintf(c.stdout, "key %d (%s) created; expires %s\n%s\n", k.ID, k.Label, orNever(k.ExpiresAt), secret)
	fmt.Fprintln(c.stderr, "Give the key to the partner now: it is not shown again. They send it as `Authorization: Bearer KEY`.")
	return nil
}

func parseExpiry(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("keys create: --expires %q is neither a date (2026-12-31) nor an RFC 3339 time", s)
	}
	return t, nil
}

func orNever(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

func (c *cli) keysList(ctx context.Context, args []string) error {
	if _, err := c.flags("keys list", "", args, nil); err != nil {
		return err
	}
	db, err := c.openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.close()
	keys, err := db.store.Keys(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLABEL\tPREFIX\tCREATED\tEXPIRES\tSTATE\tLAST USED")
	now := time.Now()
	for _, k := range keys {
		lastUsed := "-"
		if k.LastUsed != nil {
			lastUsed = k.LastUsed.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s…\t%s\t%s\t%s\t%s\n", k.ID, k.Label, k.Prefix, k.CreatedAt.UTC().Format(time.RFC3339),
			orNever(k.ExpiresAt), k.State(now), lastUsed)
	}
	return tw.Flush()
}

func (c *cli) keysRevoke(ctx context.Context, args []string) error {
	fs, err := c.flags("keys revoke", "ID", args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errReported
	}
	id, err := strconv.ParseInt(strings.TrimSpace(fs.Arg(0)), 10, 64)
	if err != nil || id < 1 {
		return fmt.Errorf("keys revoke: %q is not a key id (indicators keys list shows them)", fs.Arg(0))
	}
	db, err := c.openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.close()
	k, err := db.store.RevokeKey(ctx, id)
	if err != nil {
		return fmt.Errorf("keys revoke: %s", dataset.MessageOf(err))
	}
	fmt.Fprintf(c.stdout, "key %d (%s) revoked at %s\n", k.ID, k.Label, k.RevokedAt.UTC().Format(time.RFC3339))
	return nil
}
