package store

import (
	"context"
	"fmt"

	"indicators/internal/dataset"
)

// CodeLists reads every code list, in the order the data files declare them.
// They are small (hundreds of rows) and exports need all of them.
func (s *Store) CodeLists(ctx context.Context) (*dataset.CodeLists, error) {
	c := &dataset.CodeLists{}
	if err := s.db.SelectContext(ctx, &c.Units, `SELECT code, name FROM unit ORDER BY id`); err != nil {
		return nil, fmt.Errorf("read units: %w", err)
	}
	var areas []struct {
		Code, Name      string
		ISO2, ISO3, M49 string
	}
	if err := s.db.SelectContext(ctx, &areas, `
		SELECT code, name, COALESCE(iso2, '') AS iso2, COALESCE(iso3, '') AS iso3, COALESCE(m49, '') AS m49
		FROM ref_area ORDER BY id`); err != nil {
		return nil, fmt.Errorf("read reference areas: %w", err)
	}
	for _, a := range areas {
		c.RefAreas = append(c.RefAreas, dataset.RefArea{Code: a.Code, Name: a.Name,
			StandardCodes: dataset.StandardCodes{ISO2: a.ISO2, ISO3: a.ISO3, M49: a.M49}})
	}
	if err := s.db.SelectContext(ctx, &c.Agencies, `
		SELECT a.code, a.name, a.short_name AS shortname, a.kind, COALESCE(p.code, '') AS parent
		FROM agency a LEFT JOIN agency p ON p.id = a.parent_id ORDER BY a.id`); err != nil {
		return nil, fmt.Errorf("read agencies: %w", err)
	}
	var indicators []indicatorRow
	if err := s.db.SelectContext(ctx, &indicators, `
		SELECT `+indicatorColumns+`
		FROM indicator i JOIN unit u ON u.id = i.unit_id WHERE `+visibleIndicator(ctx, "i")+`
		ORDER BY i.sort_order, i.id`); err != nil {
		return nil, fmt.Errorf("read indicators: %w", err)
	}
	for _, r := range indicators {
		c.Indicators = append(c.Indicators, r.domain())
	}
	var members []struct {
		Dimension, DimensionName, DimensionDescription string
		Code, Name, Description                        string
		ISO2, ISO3, M49                                string
	}
	if err := s.db.SelectContext(ctx, &members, `
		SELECT d.code AS dimension, d.name AS dimensionname, d.description AS dimensiondescription,
		       m.code, m.name, m.description,
		       COALESCE(m.iso2, '') AS iso2, COALESCE(m.iso3, '') AS iso3, COALESCE(m.m49, '') AS m49
		FROM dimension d JOIN dimension_member m ON m.dimension_id = d.id
		ORDER BY d.sort_order, d.id, m.sort_order, m.id`); err != nil {
		return nil, fmt.Errorf("read dimensions: %w", err)
	}
	for _, m := range members {
		if n := len(c.Dimensions); n == 0 || c.Dimensions[n-1].Code != m.Dimension {
			c.Dimensions = append(c.Dimensions, dataset.Dimension{Code: m.Dimension, Name: m.DimensionName, Description: m.DimensionDescription})
		}
		d := &c.Dimensions[len(c.Dimensions)-1]
		d.Members = append(d.Members, dataset.Member{Dimension: m.Dimension, Code: m.Code, Name: m.Name, Description: m.Description,
			StandardCodes: dataset.StandardCodes{ISO2: m.ISO2, ISO3: m.ISO3, M49: m.M49}})
	}
	if err := s.readLabels(ctx, c); err != nil {
		return nil, err
	}
	// The catalog is read again after every load: so is what decodes the
	// observations' code-list ids, and the first read after a load pays no
	// statement of its own for the ids it made.
	if _, err := s.refreshCodeIndex(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Releases lists the loaded releases, oldest first.
func (s *Store) Releases(ctx context.Context) ([]dataset.Release, error) {
	var rows []struct {
		Code, Title, Publisher, Published, Source, Checksum, LoadedAt string
		ReferenceYear                                                 int
		Revision                                                      int64
	}
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT r.code, r.title, a.code AS publisher, COALESCE(r.published_on::text, '') AS published,
		       r.source_name AS source, r.checksum, r.reference_year AS referenceyear,
		       to_char(r.loaded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS loadedat,
		       COALESCE((SELECT max(v.id) FROM revision v WHERE v.release_id = r.id), 0) AS revision
		FROM release r JOIN agency a ON a.id = r.publisher_id ORDER BY r.reference_year, r.code`); err != nil {
		return nil, fmt.Errorf("read releases: %w", err)
	}
	out := make([]dataset.Release, len(rows))
	for i, r := range rows {
		out[i] = dataset.Release{Code: r.Code, Title: r.Title, Publisher: r.Publisher, ReferenceYear: r.ReferenceYear,
			Published: r.Published, Source: r.Source, Checksum: r.Checksum, LoadedAt: r.LoadedAt, Revision: r.Revision}
	}
	return out, nil
}
