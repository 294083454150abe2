package dataset

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Revision is one load that changed the dataset: a release loaded for the
// first time, or a corrected file replacing a release. Revisions are
// numbered 1, 2, 3, ... in the order they were loaded, without gaps; a load
// that changes nothing makes none. Every observation carries the revision
// that last changed it.
type Revision struct {
	Number   int64
	LoadedAt time.Time
	Release  string // code of the release it loaded
	Action   RevisionAction
}

// RevisionAction says what a revision did to its release.
type RevisionAction string

// Revision actions.
const (
	RevisionLoaded   RevisionAction = "loaded"   // a release new to the dataset
	RevisionReplaced RevisionAction = "replaced" // a corrected file replaced the release
)

// Version is the dataset's state: its latest revision and when it was
// loaded; zero for an empty dataset.
type Version struct {
	Revision  int64
	UpdatedAt time.Time
}

// String identifies the version in validators (ETags): the number and its
// time, so that two databases that happen to count to the same revision do
// not share tags.
func (v Version) String() string {
	if v.Revision == 0 {
		return "0"
	}
	return strconv.FormatInt(v.Revision, 10) + "@" + strconv.FormatInt(v.UpdatedAt.UnixNano(), 10)
}

// VersionOf is the version the newest of revs (oldest first) makes.
func VersionOf(revs []Revision) Version {
	if len(revs) == 0 {
		return Version{}
	}
	last := revs[len(revs)-1]
	return Version{Revision: last.Number, UpdatedAt: last.LoadedAt}
}

// Vintage names a point in the dataset's history: a revision number, or a
// time, which stands for the last revision loaded at or before it (0, the
// empty dataset, before the first). Exactly one is set.
type Vintage struct {
	Revision *int
	Time     *time.Time
}

// Validate refuses a vintage that names no point, or two; field names it in
// the message.
func (v Vintage) Validate(field string) error {
	switch {
	case (v.Revision == nil) == (v.Time == nil):
		return Errorf(ErrBadInput, "%s: give exactly one of revision (a number) and time (RFC 3339)", field)
	case v.Revision != nil && *v.Revision < 0:
		return Errorf(ErrBadInput, "%s: revision %d is not a revision number (0 or more)", field, *v.Revision)
	case v.Time != nil && (v.Time.UTC().Year() < 1 || v.Time.UTC().Year() > 9999):
		// Years RFC 3339 can write, in UTC too: the database takes no other.
		return Errorf(ErrBadInput, "%s: %s is not a time between the years 1 and 9999 in UTC", field, v.Time.Format(time.RFC3339Nano))
	}
	return nil
}

// UnmarshalText reads a vintage as export parameters write it: a revision
// number ("12") or an RFC 3339 time ("2026-12-01T00:00:00Z").
func (v *Vintage) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 {
			return fmt.Errorf("revision %d is not a revision number (0 or more)", n)
		}
		*v = Vintage{Revision: &n}
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return errors.New("neither a revision number nor an RFC 3339 time such as 2026-12-01T00:00:00Z")
	}
	*v = Vintage{Time: &t}
	return nil
}

// ChangeKind says how a cell's current observation differs between two
// revisions.
type ChangeKind string

// Change kinds.
const (
	// ChangeAdded: the cell had no current observation then and has one now.
	ChangeAdded ChangeKind = "added"
	// ChangeChanged: the figure differs: its value, qualifier or unit.
	ChangeChanged ChangeKind = "changed"
	// ChangeRemoved: the cell had a current observation then and has none now.
	ChangeRemoved ChangeKind = "removed"
	// ChangeRestated: the same figure, now stated by another observation
	// (another release, a corrected source, quote, note, status or agency).
	ChangeRestated ChangeKind = "restated"
)

// ChangeKinds lists every change kind; FigureChanges those that change a
// figure, what ChangeRequest.Kinds defaults to.
var (
	ChangeKinds   = []ChangeKind{ChangeAdded, ChangeChanged, ChangeRemoved, ChangeRestated}
	FigureChanges = []ChangeKind{ChangeAdded, ChangeChanged, ChangeRemoved}
)

// Change is one cell whose current observation differs between a revision
// and now.
type Change struct {
	Kind        ChangeKind
	Indicator   string
	RefArea     string
	Period      Period
	Coordinates []Coordinate
	// Before is the cell's current observation at the earlier revision,
	// After the one now; nil when there was or is none.
	Before, After *Observation
	// Revision is the latest revision that changed the cell.
	Revision int64
}

// ChangeRequest asks for one page of the cells changed since a vintage, in
// key order (indicator, area, period, coordinates).
type ChangeRequest struct {
	Since Vintage
	Kinds []ChangeKind
	First int
	// After is the cursor of the change the page starts after.
	After string
	Count bool
}

// Validate refuses a request the client got wrong.
func (r ChangeRequest) Validate() error {
	if err := r.Since.Validate("since"); err != nil {
		return err
	}
	return oneOf("kinds", r.Kinds, ChangeKinds)
}

// ChangePage is one page of changes.
type ChangePage struct {
	Changes []Change
	// Cursors[i] continues after Changes[i].
	Cursors     []string
	HasNextPage bool
	TotalCount  int // when ChangeRequest.Count
}
