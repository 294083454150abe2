package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// sample is how many cells of each indicator (and of each of its
// breakdowns) Discover keeps: the first in key order, so at world size a few
// areas' twenty years.
const sample = 100

// Discover reads, through the service's own API, cells the dataset has:
// each indicator's yearly totals and, for each dimension it is broken down
// by, the yearly cells of that breakdown.
func Discover(ctx context.Context, client *http.Client, baseURL string) (*Pools, error) {
	if client == nil {
		client = http.DefaultClient
	}
	type observation struct {
		Period  struct{ Start, End int }
		RefArea struct{ Code string }
	}
	type indicator struct {
		Code       string
		Dimensions []struct{ Code string }
	}
	var indicators []indicator
	var after *string
	for {
		var page struct {
			Indicators struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
				Nodes []indicator
			}
		}
		if err := graphQL(ctx, client, baseURL, `query($after: String) { indicators(first: 100, after: $after) {
			pageInfo { hasNextPage endCursor } nodes { code dimensions { code } } } }`, map[string]any{"after": after}, &page); err != nil {
			return nil, err
		}
		indicators = append(indicators, page.Indicators.Nodes...)
		if !page.Indicators.PageInfo.HasNextPage {
			break
		}
		after = &page.Indicators.PageInfo.EndCursor
	}
	const cells = `query($ind: String!, $by: [String!]!, $n: Int!) {
		observations(filter: {indicators: [$ind], exactlyBy: $by}, first: $n) { nodes { period { start end } refArea { code } } } }`
	p := &Pools{}
	for _, ind := range indicators {
		by := [][]string{{}}
		for _, d := range ind.Dimensions {
			by = append(by, []string{d.Code})
		}
		for _, dims := range by {
			var page struct {
				Observations struct{ Nodes []observation }
			}
			if err := graphQL(ctx, client, baseURL, cells, map[string]any{"ind": ind.Code, "by": dims, "n": sample}, &page); err != nil {
				return nil, err
			}
			seen := map[cell]bool{}
			for _, o := range page.Observations.Nodes {
				if o.Period.Start != o.Period.End {
					continue
				}
				c := cell{indicator: ind.Code, area: o.RefArea.Code, year: o.Period.Start}
				if len(dims) == 0 {
					p.cells = append(p.cells, c)
					continue
				}
				if c.dimension = dims[0]; !seen[c] {
					seen[c] = true
					p.breakdowns = append(p.breakdowns, c)
				}
			}
		}
	}
	if len(p.cells) == 0 || len(p.breakdowns) == 0 {
		return nil, fmt.Errorf("bench: the service at %s has no yearly totals or no yearly breakdowns to ask for (%d, %d)", baseURL, len(p.cells), len(p.breakdowns))
	}
	return p, nil
}

// graphQL posts query and decodes its data into out; an answer with errors
// is an error.
func graphQL(ctx context.Context, client *http.Client, baseURL, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("bench: ask the service: %w", err)
	}
	defer resp.Body.Close()
	var answer struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return fmt.Errorf("bench: ask the service: %s, %w", resp.Status, err)
	}
	if len(answer.Errors) > 0 {
		return fmt.Errorf("bench: ask the service: %s", answer.Errors[0].Message)
	}
	return json.Unmarshal(answer.Data, out)
}
