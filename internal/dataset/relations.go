package dataset

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// RelationCheck is a relation with the figures it names and whether they
// satisfy it.
type RelationCheck struct {
	Relation Relation
	Whole    Observation
	Parts    []Observation
}

// Checkable reports whether a failure would be an inconsistency: bounds
// ("more than 50") need not satisfy a relation written for exact figures.
func (c RelationCheck) Checkable() bool {
	if c.Whole.Qualifier != Exact {
		return false
	}
	for _, p := range c.Parts {
		if p.Qualifier != Exact {
			return false
		}
	}
	return true
}

// Holds reports whether the figures satisfy the relation.
func (c RelationCheck) Holds() bool {
	switch c.Relation.Kind {
	case PartOf:
		for _, p := range c.Parts {
			if p.Value.GreaterThan(c.Whole.Value) {
				return false
			}
		}
		return true
	case SumOf:
		var sum decimal.Decimal
		for _, p := range c.Parts {
			sum = sum.Add(p.Value)
		}
		return sum.Equal(c.Whole.Value)
	}
	return false
}

func (c RelationCheck) String() string {
	parts := make([]string, len(c.Parts))
	for i, p := range c.Parts {
		parts[i] = FormatValue(p.Value)
	}
	op := " each ≤ "
	if c.Relation.Kind == SumOf {
		op = " sum to "
	}
	return fmt.Sprintf("%s: %s%s%s", c.Relation.Name, strings.Join(parts, ", "), op, FormatValue(c.Whole.Value))
}

// CheckRelations resolves every relation of ds to its figures.
func CheckRelations(ds *Dataset) []RelationCheck {
	byKey := make(map[string]Observation, len(ds.Observations))
	for _, o := range ds.Observations {
		if o.Status == Reported {
			byKey[o.Key()] = o
		}
	}
	out := make([]RelationCheck, 0, len(ds.Relations))
	for _, r := range ds.Relations {
		c := RelationCheck{Relation: r, Whole: byKey[r.Whole]}
		for _, k := range r.Parts {
			c.Parts = append(c.Parts, byKey[k])
		}
		out = append(out, c)
	}
	return out
}
