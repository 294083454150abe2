package dataset_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"indicators/internal/dataset"
	"indicators/internal/report"
)

func bundled(t *testing.T) *dataset.Dataset {
	t.Helper()
	ds, err := dataset.Bundled()
	if err != nil {
		t.Fatalf("bundled dataset: %v", err)
	}
	return ds
}

// hasFigure reports whether quote states value (as a plain figure, or as a
// bracketed change when change is set) in any of the forms the report uses.
func hasFigure(quote string, value decimal.Decimal, change bool) bool {
	for _, n := range report.Numbers(quote) {
		if n.Change == change && n.Value.Equal(value) {
			return true
		}
	}
	return false
}

// TestBundledQuotesAreVerbatim keeps every observation traceable: its quote
// occurs in the report (whitespace-normalised) and states its figure.
func TestBundledQuotesAreVerbatim(t *testing.T) {
	ds := bundled(t)
	text := report.Normalize(dataset.BundledReport)
	occurs := func(quote string) bool { return strings.Contains(text, report.Normalize(quote)) }
	for _, o := range ds.Observations {
		if o.Status != dataset.Reported {
			continue
		}
		if !occurs(o.Source.Quote) {
			t.Errorf("line %d: quote %q does not occur in the report", o.Line, o.Source.Quote)
		}
		if !hasFigure(o.Source.Quote, o.Value, false) {
			t.Errorf("line %d: quote %q does not state the value %s", o.Line, o.Source.Quote, dataset.FormatValue(o.Value))
		}
		if o.Change != nil && !hasFigure(o.Source.Quote, *o.Change, true) {
			t.Errorf("line %d: quote %q does not state the change %s", o.Line, o.Source.Quote, dataset.FormatValue(*o.Change))
		}
		for _, also := range o.AlsoStated {
			if !occurs(also.Quote) || !hasFigure(also.Quote, o.Value, false) {
				t.Errorf("line %d: also-stated quote %q does not occur in the report stating %s", o.Line, also.Quote, dataset.FormatValue(o.Value))
			}
		}
	}
	for _, ig := range ds.Ignored {
		if !occurs(ig.Quote) {
			t.Errorf("line %d: ignored quote %q does not occur in the report", ig.Line, ig.Quote)
		}
	}
}

func TestBundledDerivedValues(t *testing.T) {
	ds := bundled(t)
	derived := 0
	for _, o := range ds.Observations {
		if o.Status != dataset.Derived {
			continue
		}
		derived++
		src := ds.Observations[o.DerivedFrom]
		if src.Change == nil || !o.Value.Equal(src.Value.Sub(*src.Change)) || o.Period != src.Period.Previous() {
			t.Errorf("line %d: derived %s = %v does not follow from %v with change %v", o.Line, o.Key(), o.Value, src.Value, src.Change)
		}
	}
	if derived == 0 {
		t.Error("no derived observations: the report's bracketed changes were not captured")
	}
}

// TestDictionaryIsCurrent fails when the data changed but the committed data
// dictionary was not regenerated (go generate ./...).
func TestDictionaryIsCurrent(t *testing.T) {
	var buf bytes.Buffer
	if err := dataset.WriteDictionary(&buf, bundled(t)); err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../../docs/data-dictionary.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), committed) {
		t.Error("docs/data-dictionary.md is stale: run go generate ./...")
	}
}
