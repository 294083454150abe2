package dataset

import (
	"context"
	"strconv"
	"time"
)

// Tier is the access a client has: what it may read, and which rate limits
// apply to it (the rate limiter's configuration is keyed by tier).
type Tier string

// Access tiers.
const (
	// TierAnonymous: a client without a key. It reads every public cell;
	// restricted indicators and observations are absent for it.
	TierAnonymous Tier = "anonymous"
	// TierPartner: a client with a valid API key (indicators keys create).
	// It reads restricted cells too, and has the partners' limits.
	TierPartner Tier = "partner"
)

// Viewer is who is reading: the tier of the request and, with a key, the
// key's id. Every read of the dataset decides what the viewer may see from
// the viewer in the request's context (ViewerOf), in the store's one filter:
// GraphQL, every export and SDMX alike. A context without a viewer reads as
// anonymous, so a forgotten viewer hides restricted cells rather than
// showing them. Small-cell suppression is decided from the same value
// (the store masks what a viewer without a key reads, see Suppression.Mask).
type Viewer struct {
	Tier Tier
	// KeyID is the API key's id (indicators keys list), 0 for anonymous.
	KeyID int64
	// KeyLabel is the label given at creation, for logs.
	KeyLabel string
}

// Anonymous is the viewer of a request without a key.
var Anonymous = Viewer{Tier: TierAnonymous}

// SeesRestricted reports whether the viewer may read restricted indicators
// and observations.
func (v Viewer) SeesRestricted() bool { return v.Tier == TierPartner }

// Client identifies the viewer among clients for rate limits and logs:
// "key:ID" for a key, "" for anonymous (identified by address instead).
func (v Viewer) Client() string {
	if v.KeyID == 0 {
		return ""
	}
	return "key:" + strconv.FormatInt(v.KeyID, 10)
}

type viewerKey struct{}

// WithViewer returns ctx carrying v: what the server's authentication does
// once per request.
func WithViewer(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// ViewerOf returns the viewer ctx carries, Anonymous when none.
func ViewerOf(ctx context.Context) Viewer {
	if v, ok := ctx.Value(viewerKey{}).(Viewer); ok {
		return v
	}
	return Anonymous
}

// APIKey is a partner's key as the store keeps it: never the secret itself,
// only its hash, which is not part of this type.
type APIKey struct {
	ID        int64
	Label     string
	Prefix    string // the first characters of the secret, to recognise it
	CreatedAt time.Time
	ExpiresAt *time.Time // nil: never expires
	RevokedAt *time.Time
	LastUsed  *time.Time
}

// State describes the key's state at now: active, expired or revoked.
func (k APIKey) State(now time.Time) string {
	switch {
	case k.RevokedAt != nil:
		return "revoked"
	case k.ExpiresAt != nil && !now.Before(*k.ExpiresAt):
		return "expired"
	default:
		return "active"
	}
}
