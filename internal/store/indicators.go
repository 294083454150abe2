package store

import (
	"context"
	"fmt"

	"indicators/internal/dataset"
)

type indicatorRow struct {
	Code        string
	Name        string
	Description string
	Unit        string
	Theme       string
	HeadlineKey string `db:"headline_key"`
	Restricted  bool
}

// indicatorColumns are what indicatorRow reads, from indicator i and unit
// u: the headline cell is the one the newest release declaring one names.
const indicatorColumns = `i.code, i.name, i.description, u.code AS unit, i.theme, i.restricted,
	COALESCE((SELECT h.coordinate_key FROM indicator_headline h JOIN release r ON r.id = h.release_id
	          WHERE h.indicator_id = i.id ORDER BY r.reference_year DESC, r.code DESC LIMIT 1), '') AS headline_key`

func (r indicatorRow) domain() dataset.Indicator {
	return dataset.Indicator{Code: r.Code, Name: r.Name, Description: r.Description, Unit: r.Unit, Theme: dataset.Theme(r.Theme),
		Headline: ParseCoordinateKey(r.HeadlineKey), Restricted: r.Restricted}
}

// Indicators returns up to first indicators whose code sorts after afterCode
// ("" for the first page), of the theme when one is given, and how many
// there are in all.
func (s *Store) Indicators(ctx context.Context, first int, afterCode, theme string) (dataset.IndicatorPage, error) {
	var page dataset.IndicatorPage
	var rows []indicatorRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT `+indicatorColumns+`
		FROM indicator i JOIN unit u ON u.id = i.unit_id
		WHERE i.code > $1 AND ($3 = '' OR i.theme = $3) AND `+visibleIndicator(ctx, "i")+`
		ORDER BY i.code
		LIMIT $2`, afterCode, first+1, theme)
	if err != nil {
		return page, fmt.Errorf("list indicators: %w", err)
	}
	rows, page.HasNextPage = trimPage(rows, first)
	for _, r := range rows {
		page.Indicators = append(page.Indicators, r.domain())
	}
	if err := s.db.GetContext(ctx, &page.TotalCount, `SELECT count(*) FROM indicator i WHERE ($1 = '' OR i.theme = $1) AND `+visibleIndicator(ctx, "i"), theme); err != nil {
		return page, fmt.Errorf("count indicators: %w", err)
	}
	return page, nil
}

// IsEmpty reports whether no release has been loaded yet.
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	var exists bool
	if err := s.db.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM release)`); err != nil {
		return false, fmt.Errorf("check for releases: %w", err)
	}
	return !exists, nil
}

// trimPage cuts the one row more than asked that page queries fetch: its
// presence is how they know another page follows.
func trimPage[T any](rows []T, first int) ([]T, bool) {
	if len(rows) > first {
		return rows[:first], true
	}
	return rows, false
}
