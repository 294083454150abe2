package store

import (
	"strconv"
	"testing"
	"time"

	"indicators/internal/dataset"
)

// Unknown hashes are held apart from the keys found: however many invented
// keys fill their part, a partner's key stays held; both are bounded and
// expire, and a key change forgets both.
func TestKeyCacheUnknownApart(t *testing.T) {
	var c keyCache
	now := time.Now()
	partner := hashKey(KeyPrefix + "partner")
	c.put(partner, cachedKey{key: &dataset.APIKey{ID: 1}, fetched: now})
	for i := range keyCacheMax + 1 {
		c.put(hashKey(KeyPrefix+strconv.Itoa(i)), cachedKey{fetched: now})
	}
	if k, ok := c.get(partner, now); !ok || k.key == nil || k.key.ID != 1 {
		t.Fatalf("the partner's key was evicted by invented ones: %+v %v", k, ok)
	}
	if len(c.unknown) > keyCacheMax {
		t.Errorf("%d unknown hashes held, bound %d", len(c.unknown), keyCacheMax)
	}
	last := hashKey(KeyPrefix + strconv.Itoa(keyCacheMax))
	for _, tc := range []struct {
		name string
		at   time.Time
		want bool
	}{
		{"held", now, true},
		{"expired", now.Add(keyCacheTTL), false},
	} {
		if k, ok := c.get(last, tc.at); ok != tc.want || k.key != nil {
			t.Errorf("%s: an unknown hash answered %+v %v, want held %v", tc.name, k, ok, tc.want)
		}
	}
	c.clear()
	if _, ok := c.get(partner, now); ok {
		t.Error("clear kept the partner's key")
	}
	if _, ok := c.get(last, now); ok {
		t.Error("clear kept an unknown hash")
	}
}
