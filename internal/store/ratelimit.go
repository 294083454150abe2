package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// spendRateBudget adds each client's points to its total of the window and
// returns every client's total in it. The totals of the rows it writes come
// from RETURNING: the final SELECT reads the table as it was before the
// statement, so it takes the other clients only. Ended windows are dropped
// on the way.
const spendRateBudget = `
WITH spent AS (
	INSERT INTO rate_limit_spend AS s (window_start, client, points)
	SELECT $1, d.client, d.points FROM unnest($2::text[], $3::bigint[]) AS d(client, points)
	ON CONFLICT (window_start, client) DO UPDATE SET points = s.points + excluded.points
	RETURNING client, points
), ended AS (
	DELETE FROM rate_limit_spend WHERE window_start < $1
)
SELECT client, points FROM spent
UNION ALL
SELECT client, points FROM rate_limit_spend WHERE window_start = $1 AND client <> ALL($2::text[])`

// SpendRateBudget implements ratelimit.Ledger in one statement, whatever the
// number of clients: clients[i] spent points[i] in the window starting at
// window. It runs on the writer pool, as WriterRole and on the primary: the
// API's pool may only read, and a read replica takes no writes.
func (s *Store) SpendRateBudget(ctx context.Context, window time.Time, clients []string, points []int64) (map[string]int64, error) {
	// A nil array is NULL, and "<> ALL(NULL)" is never true: a flush with
	// nothing spent still reads every total.
	if clients == nil {
		clients, points = []string{}, []int64{}
	}
	rows, err := s.writer.QueryContext(ctx, spendRateBudget, window.UTC(), pq.StringArray(clients), pq.Int64Array(points))
	if err != nil {
		return nil, fmt.Errorf("spend rate-limit budget: %w", unavailable(err))
	}
	defer rows.Close()
	totals := make(map[string]int64)
	for rows.Next() {
		var client string
		var n int64
		if err := rows.Scan(&client, &n); err != nil {
			return nil, fmt.Errorf("read rate-limit totals: %w", err)
		}
		totals[client] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read rate-limit totals: %w", unavailable(err))
	}
	return totals, nil
}
