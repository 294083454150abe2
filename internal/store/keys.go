package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"

	"indicators/internal/dataset"
)

// KeyPrefix starts every API key, so a leaked one is recognisable (secret
// scanners, logs) as this service's.
const KeyPrefix = "ind_"

// keyBytes is the randomness of a key: 256 bits.
const keyBytes = 32

// shownPrefix is how much of a key `keys list` shows to tell keys apart.
const shownPrefix = len(KeyPrefix) + 6

// keyChannel is the notification channel a revoke signals on, so every
// process drops the keys it holds (see keyCache).
const keyChannel = "api_keys_changed"

// keyCacheTTL is how long a looked-up key is trusted without asking the
// database again. A revoke reaches every listening process at once; the TTL
// bounds what a missed notification can cost.
const keyCacheTTL = 30 * time.Second

// keyCacheMax bounds the keys held, and apart the unknown hashes held:
// past it that part starts afresh, so clients presenting random keys
// cannot grow it without end.
const keyCacheMax = 10_000

// hashKey is what the store keeps of a key. Lookups are by the whole hash
// through a unique index, so timing tells nothing of the secret.
func hashKey(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// CreateKey makes a partner's API key with label, expiring at expires (nil:
// never). The secret is returned once and not kept: only its hash is.
func (s *Store) CreateKey(ctx context.Context, label string, expires *time.Time) (dataset.APIKey, string, error) {
	label = strings.TrimSpace(label)
	if label == "" {
		return dataset.APIKey{}, "", dataset.Errorf(dataset.ErrBadInput, "a key needs a label saying whose it is")
	}
	if expires != nil && !expires.After(time.Now()) {
		return dataset.APIKey{}, "", dataset.Errorf(dataset.ErrBadInput, "the expiry %s is not in the future", expires.Format(time.RFC3339))
	}
	b := make([]byte, keyBytes)
	if _, err := rand.Read(b); err != nil {
		return dataset.APIKey{}, "", fmt.Errorf("generate key: %w", err)
	}
	secret := KeyPrefix + base64.RawURLEncoding.EncodeToString(b)
	var row keyRow
	err := s.admin.GetContext(ctx, &row, `
		INSERT INTO api_key (label, prefix, hash, expires_at) VALUES ($1, $2, $3, $4)
		RETURNING `+keyColumns, label, secret[:shownPrefix], hashKey(secret), expires)
	if err != nil {
		return dataset.APIKey{}, "", fmt.Errorf("create key: %w", err)
	}
	return row.domain(), secret, nil
}

const keyColumns = `id, label, prefix, created_at, expires_at, revoked_at, last_used_at`

type keyRow struct {
	ID        int64
	Label     string
	Prefix    string
	CreatedAt time.Time  `db:"created_at"`
	ExpiresAt *time.Time `db:"expires_at"`
	RevokedAt *time.Time `db:"revoked_at"`
	LastUsed  *time.Time `db:"last_used_at"`
}

func (r keyRow) domain() dataset.APIKey {
	return dataset.APIKey{ID: r.ID, Label: r.Label, Prefix: r.Prefix, CreatedAt: r.CreatedAt,
		ExpiresAt: r.ExpiresAt, RevokedAt: r.RevokedAt, LastUsed: r.LastUsed}
}

// Keys lists every API key, oldest first, revoked and expired ones included.
func (s *Store) Keys(ctx context.Context) ([]dataset.APIKey, error) {
	var rows []keyRow
	if err := s.admin.SelectContext(ctx, &rows, `SELECT `+keyColumns+` FROM api_key ORDER BY id`); err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	out := make([]dataset.APIKey, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// RevokeKey revokes the key id at once, in every process serving from the
// database (a notification drops the keys each holds). Revoking a revoked
// key keeps its first revocation time.
func (s *Store) RevokeKey(ctx context.Context, id int64) (dataset.APIKey, error) {
	tx, err := s.admin.BeginTxx(ctx, nil)
	if err != nil {
		return dataset.APIKey{}, fmt.Errorf("begin revoke: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	var row keyRow
	err = tx.GetContext(ctx, &row, `UPDATE api_key SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING `+keyColumns, id)
	if errors.Is(err, sql.ErrNoRows) {
		return dataset.APIKey{}, dataset.Errorf(dataset.ErrNotFound, "no key has id %d (indicators keys list shows them)", id)
	}
	if err != nil {
		return dataset.APIKey{}, fmt.Errorf("revoke key %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_notify($1, '')`, keyChannel); err != nil {
		return dataset.APIKey{}, fmt.Errorf("signal the revoke: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return dataset.APIKey{}, fmt.Errorf("commit revoke: %w", err)
	}
	s.keys.clear()
	return row.domain(), nil
}

// Authenticate finds the viewer a presented key stands for: a partner, or an
// UNAUTHENTICATED error for a key that is unknown, expired or revoked (never
// anonymous: a client sending a key meant to be a partner). Keys are held in
// the process for keyCacheTTL once the store listens for revokes (OnChange),
// so a client's requests do not each cost a statement.
func (s *Store) Authenticate(ctx context.Context, secret string) (dataset.Viewer, error) {
	return s.AuthenticateGated(ctx, secret, nil)
}

// AuthenticateGated is Authenticate asking gate (when not nil) before it
// would look the key up in the database, and returning gate's error
// instead: a key held in the process (known, or known to be unknown) is
// answered whatever gate says, so a client refused more lookups still
// reaches its valid key.
func (s *Store) AuthenticateGated(ctx context.Context, secret string, gate func() error) (dataset.Viewer, error) {
	invalid := dataset.Errorf(dataset.ErrUnauthenticated, "the API key is not valid: send a key made by `indicators keys create`, or none for anonymous access")
	if !strings.HasPrefix(secret, KeyPrefix) || len(secret) > 100 {
		return dataset.Anonymous, invalid // not one of ours: nothing to look up
	}
	hash := hashKey(secret)
	now := time.Now()
	k, ok := s.keys.get(hash, now)
	if !ok {
		if gate != nil {
			if err := gate(); err != nil {
				return dataset.Anonymous, err
			}
		}
		var rows []keyRow
		// On the primary, through the writer pool: a read replica may not
		// have the revoke yet when its notification clears the cache.
		if err := s.writer.SelectContext(ctx, &rows, `SELECT `+keyColumns+` FROM api_key WHERE hash = $1`, hash); err != nil {
			return dataset.Anonymous, fmt.Errorf("look up key: %w", unavailable(err))
		}
		k = cachedKey{fetched: now}
		if len(rows) == 1 {
			key := rows[0].domain()
			k.key = &key
		}
		if s.watchingKeys() {
			s.keys.put(hash, k)
		}
	}
	if k.key == nil {
		return dataset.Anonymous, invalid
	}
	switch k.key.State(now) {
	case "revoked":
		return dataset.Anonymous, dataset.Errorf(dataset.ErrUnauthenticated, "the API key %s… was revoked", k.key.Prefix)
	case "expired":
		return dataset.Anonymous, dataset.Errorf(dataset.ErrUnauthenticated, "the API key %s… expired at %s", k.key.Prefix, k.key.ExpiresAt.UTC().Format(time.RFC3339))
	}
	s.used.note(k.key.ID, now)
	return dataset.Viewer{Tier: dataset.TierPartner, KeyID: k.key.ID, KeyLabel: k.key.Label}, nil
}

// cachedKey is a lookup's answer: the key, or nil for a hash no key has.
type cachedKey struct {
	key     *dataset.APIKey
	fetched time.Time
}

// keyCache holds looked-up keys by hash: the keys found, and apart from
// them the hashes no key has (a repeated bad key then costs no statement),
// each bounded by keyCacheMax on its own, so a flood of invented keys
// restarts only the unknown ones and never evicts a partner's key.
type keyCache struct {
	mu      sync.Mutex
	keys    map[string]cachedKey
	unknown map[string]cachedKey
}

func (c *keyCache) get(hash []byte, now time.Time) (cachedKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.keys[string(hash)]
	if !ok {
		k, ok = c.unknown[string(hash)]
	}
	if !ok || now.Sub(k.fetched) >= keyCacheTTL {
		return cachedKey{}, false
	}
	return k, true
}

func (c *keyCache) put(hash []byte, k cachedKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := &c.keys
	if k.key == nil {
		m = &c.unknown
	}
	if *m == nil || len(*m) >= keyCacheMax {
		*m = make(map[string]cachedKey)
	}
	(*m)[string(hash)] = k
}

func (c *keyCache) clear() {
	c.mu.Lock()
	c.keys, c.unknown = nil, nil
	c.mu.Unlock()
}

// lastUsed collects when each key was last used, for the writer pool to
// record in one statement now and then rather than one per request.
type lastUsed struct {
	mu      sync.Mutex
	pending map[int64]time.Time
}

func (u *lastUsed) note(id int64, at time.Time) {
	u.mu.Lock()
	if u.pending == nil {
		u.pending = make(map[int64]time.Time)
	}
	u.pending[id] = at
	u.mu.Unlock()
}

func (u *lastUsed) take() map[int64]time.Time {
	u.mu.Lock()
	defer u.mu.Unlock()
	p := u.pending
	u.pending = nil
	return p
}

// FlushKeyUse records when the keys used since the last flush were last
// used, through the writer pool: one statement, none when no key was used.
// Serve calls it periodically and when it stops.
func (s *Store) FlushKeyUse(ctx context.Context) error {
	p := s.used.take()
	if len(p) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(p))
	ats := make([]string, 0, len(p))
	for id, at := range p {
		ids, ats = append(ids, id), append(ats, at.UTC().Format(time.RFC3339Nano))
	}
	if _, err := s.writer.ExecContext(ctx, `
		UPDATE api_key k SET last_used_at = GREATEST(k.last_used_at, u.at)
		FROM unnest($1::bigint[], $2::timestamptz[]) AS u(id, at) WHERE k.id = u.id`,
		pq.Array(ids), pq.Array(ats)); err != nil {
		return fmt.Errorf("record key use: %w", err)
	}
	return nil
}
