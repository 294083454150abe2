package store

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"indicators/internal/dataset"
)

// labelRow is one label of table label.
type labelRow struct {
	Kind, Dimension, Code, Field, Lang, Text string
}

// labelled is one entity's translated fields, as label rows.
func labelled(kind, dimension, code string, fields map[string]dataset.Labels) []labelRow {
	var rows []labelRow
	for _, field := range slices.Sorted(maps.Keys(fields)) {
		labels := fields[field]
		for _, lang := range slices.Sorted(maps.Keys(labels)) {
			rows = append(rows, labelRow{kind, dimension, code, field, lang, labels[lang]})
		}
	}
	return rows
}

// writeLabels replaces the labels of every code list entry ds declares with
// the ones it gives: code lists are updated in place, and a translation the
// file no longer has is gone with it.
func writeLabels(ctx context.Context, tx *sqlx.Tx, ds *dataset.Dataset) error {
	var entities, rows []labelRow
	add := func(kind, dimension, code string, fields map[string]dataset.Labels) {
		entities = append(entities, labelRow{Kind: kind, Dimension: dimension, Code: code})
		rows = append(rows, labelled(kind, dimension, code, fields)...)
	}
	for _, u := range ds.Units {
		add("unit", "", u.Code, map[string]dataset.Labels{"name": u.Names})
	}
	for _, a := range ds.RefAreas {
		add("ref_area", "", a.Code, map[string]dataset.Labels{"name": a.Names})
	}
	for _, a := range ds.Agencies {
		add("agency", "", a.Code, map[string]dataset.Labels{"name": a.Names, "short_name": a.ShortNames})
	}
	for _, d := range ds.Dimensions {
		add("dimension", "", d.Code, map[string]dataset.Labels{"name": d.Names, "description": d.Descriptions})
		for _, m := range d.Members {
			add("member", d.Code, m.Code, map[string]dataset.Labels{"name": m.Names, "description": m.Descriptions})
		}
	}
	for _, i := range ds.Indicators {
		add("indicator", "", i.Code, map[string]dataset.Labels{"name": i.Names, "description": i.Descriptions})
	}
	kinds, dims, codes := columns(entities, func(r labelRow) [3]string { return [3]string{r.Kind, r.Dimension, r.Code} })
	if _, err := tx.ExecContext(ctx, `
		DELETE FROM label l USING unnest($1::text[], $2::text[], $3::text[]) AS x(kind, dimension, code)
		WHERE (l.kind, l.dimension, l.code) = (x.kind, x.dimension, x.code)`,
		pq.Array(kinds), pq.Array(dims), pq.Array(codes)); err != nil {
		return fmt.Errorf("clear labels: %w", err)
	}
	if len(rows) == 0 {
		return nil
	}
	kinds, dims, codes = columns(rows, func(r labelRow) [3]string { return [3]string{r.Kind, r.Dimension, r.Code} })
	fields, langs, texts := columns(rows, func(r labelRow) [3]string { return [3]string{r.Field, r.Lang, r.Text} })
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO label (kind, dimension, code, field, lang, text)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
		pq.Array(kinds), pq.Array(dims), pq.Array(codes), pq.Array(fields), pq.Array(langs), pq.Array(texts)); err != nil {
		return fmt.Errorf("write labels: %w", err)
	}
	return nil
}

// columns splits rows into three parallel arrays, for unnest.
func columns(rows []labelRow, pick func(labelRow) [3]string) (a, b, c []string) {
	for _, r := range rows {
		v := pick(r)
		a, b, c = append(a, v[0]), append(b, v[1]), append(c, v[2])
	}
	return a, b, c
}

// readLabels fills the code lists' translations from table label, in one
// statement.
func (s *Store) readLabels(ctx context.Context, c *dataset.CodeLists) error {
	var rows []labelRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT kind, dimension, code, field, lang, text FROM label`); err != nil {
		return fmt.Errorf("read labels: %w", err)
	}
	type key struct{ kind, dimension, code, field string }
	byKey := map[key]dataset.Labels{}
	for _, r := range rows {
		k := key{r.Kind, r.Dimension, r.Code, r.Field}
		if byKey[k] == nil {
			byKey[k] = dataset.Labels{}
		}
		byKey[k][r.Lang] = r.Text
	}
	get := func(kind, dimension, code, field string) dataset.Labels {
		return byKey[key{kind, dimension, code, field}]
	}
	for i := range c.Units {
		c.Units[i].Names = get("unit", "", c.Units[i].Code, "name")
	}
	for i := range c.RefAreas {
		c.RefAreas[i].Names = get("ref_area", "", c.RefAreas[i].Code, "name")
	}
	for i := range c.Agencies {
		a := &c.Agencies[i]
		a.Names, a.ShortNames = get("agency", "", a.Code, "name"), get("agency", "", a.Code, "short_name")
	}
	for i := range c.Dimensions {
		d := &c.Dimensions[i]
		d.Names, d.Descriptions = get("dimension", "", d.Code, "name"), get("dimension", "", d.Code, "description")
		for j := range d.Members {
			m := &d.Members[j]
			m.Names, m.Descriptions = get("member", d.Code, m.Code, "name"), get("member", d.Code, m.Code, "description")
		}
	}
	for i := range c.Indicators {
		ind := &c.Indicators[i]
		ind.Names, ind.Descriptions = get("indicator", "", ind.Code, "name"), get("indicator", "", ind.Code, "description")
	}
	return nil
}
