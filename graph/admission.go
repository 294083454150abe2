package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"

	"indicators/internal/dataset"
)

// Limits bound what one GraphQL request may ask for. Each refusal has its
// own extensions.code and a message stating the limit.
type Limits struct {
	// Cost is the most a query may cost (see cost.go).
	Cost int
	// Tokens is how many tokens (names, punctuation, values; not comments)
	// the document may hold: it bounds what validation has to do, whose
	// rules are quadratic in places.
	Tokens int
	// Fragments is how many fragments the document may define: validation
	// of a chain of fragments takes time that grows faster than the square
	// of its length.
	Fragments int
	// Depth is the deepest nesting of fields, fragments expanded.
	Depth int
	// Aliases is how many aliased fields the document may hold.
	Aliases int
	// RootFields is how many fields the operation may select at its root,
	// fragments expanded.
	RootFields int
	// Fields is how many fields the operation selects once its fragments
	// are expanded: fragments spreading others twice over cannot multiply
	// a short document into an exponential one.
	Fields int
	// ListLength is the longest list a literal or a variable may hold.
	ListLength int
	// StringLength is the longest string, in bytes, a literal or a variable
	// may hold.
	StringLength int
	// Variables is how many variables an operation may declare or a request
	// send.
	Variables int
	// Directives is how many directives the document may hold.
	Directives int
	// Errors is how many errors one response carries; the rest are counted
	// in a last error.
	Errors int
	// Values is how many field values one response may hold: the budget
	// that stops execution when the cost estimate falls short of the rows
	// the data really has.
	Values int
}

// DefaultLimits are the service's limits: ample for the queries the
// dashboards and integrations send, far below what harms the service.
func DefaultLimits() Limits {
	return Limits{
		Cost:         10000,
		Tokens:       10000,
		Fragments:    100,
		Depth:        20,
		Aliases:      50,
		RootFields:   30,
		Fields:       1000,
		ListLength:   100,
		StringLength: 1000,
		Variables:    50,
		Directives:   20,
		Errors:       20,
		Values:       100000,
	}
}

// WithDefaults fills every limit l leaves zero from DefaultLimits.
func (l Limits) WithDefaults() Limits {
	def := reflect.ValueOf(DefaultLimits())
	v := reflect.ValueOf(&l).Elem()
	for i := range v.NumField() {
		if v.Field(i).Int() <= 0 {
			v.Field(i).Set(def.Field(i))
		}
	}
	return l
}

// Codes of the refusals (extensions.code).
const (
	CodeCostLimit       = "COMPLEXITY_LIMIT_EXCEEDED"
	CodeTokenLimit      = "TOKEN_LIMIT_EXCEEDED"
	CodeFragmentLimit   = "FRAGMENT_LIMIT_EXCEEDED"
	CodeDepthLimit      = "DEPTH_LIMIT_EXCEEDED"
	CodeAliasLimit      = "ALIAS_LIMIT_EXCEEDED"
	CodeRootFieldLimit  = "ROOT_FIELD_LIMIT_EXCEEDED"
	CodeFieldLimit      = "FIELD_LIMIT_EXCEEDED"
	CodeListLimit       = "LIST_LIMIT_EXCEEDED"
	CodeStringLimit     = "STRING_LIMIT_EXCEEDED"
	CodeVariableLimit   = "VARIABLE_LIMIT_EXCEEDED"
	CodeDirectiveLimit  = "DIRECTIVE_LIMIT_EXCEEDED"
	CodeErrorLimit      = "ERROR_LIMIT_EXCEEDED"
	CodeResponseLimit   = "RESPONSE_LIMIT_EXCEEDED"
	CodeIntrospectionOf = "INTROSPECTION_DISABLED"
)

// Admission is the gqlgen extension that decides whether a request runs:
// before validation it checks the document's shape and the variables (so a
// document of ten thousand unused variables is one error, not ten thousand),
// after validation it costs the operation, and while the operation runs it
// holds the response to its value budget and the request's deadline. Every
// response carries the cost in extensions.cost.
type Admission struct {
	Limits Limits
	// Introspection allows __schema and __type.
	Introspection bool
	// Cache is the handler's query cache: a document found there has passed
	// these checks before and is not parsed again.
	Cache graphql.Cache[*ast.QueryDocument]

	schema *ast.Schema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
	graphql.FieldInterceptor
} = (*Admission)(nil)

const costExtension = "cost"

// Cost is what extensions.cost holds: the query's cost and the limit.
type Cost struct {
	Points int `json:"points"`
	Limit  int `json:"limit"`
}

// CostOf returns the cost of the operation ctx belongs to, once admitted.
func CostOf(ctx context.Context) (Cost, bool) {
	if !graphql.HasOperationContext(ctx) {
		return Cost{}, false
	}
	c, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(costExtension).(Cost)
	return c, ok
}

func (*Admission) ExtensionName() string { return "Admission" }

func (a *Admission) Validate(es graphql.ExecutableSchema) error {
	a.schema = es.Schema()
	return nil
}

func refusal(code string, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": code}
	return err
}

// MutateOperationParameters runs before parsing and validation.
func (a *Admission) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if n := len(p.Variables); n > a.Limits.Variables {
		return refusal(CodeVariableLimit, "the request sends %d variables; the limit is %d", n, a.Limits.Variables)
	}
	var doc *ast.QueryDocument
	cached := false
	if a.Cache != nil {
		doc, cached = a.Cache.Get(ctx, p.Query)
	}
	if !cached {
		src := &ast.Source{Input: p.Query}
		if n := tokens(src, a.Limits.Tokens); n > a.Limits.Tokens {
			return refusal(CodeTokenLimit, "the document holds more than %d tokens; the limit is %d", a.Limits.Tokens, a.Limits.Tokens)
		}
		var err error
		if doc, err = parser.ParseQuery(src); err != nil {
			// gqlgen parses it again and reports the error as it does.
			return nil
		}
		if err := a.checkShape(doc); err != nil {
			return err
		}
	}
	if op := doc.Operations.ForName(p.OperationName); op != nil {
		return a.checkVariables(op, p.Variables)
	}
	return nil
}

// MutateOperationContext costs the validated operation with its variables.
func (a *Admission) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	cost, costliest, _ := operationCost(a.schema, opCtx.Doc, opCtx.Operation, opCtx.Variables, a.Limits.Cost)
	opCtx.Stats.SetExtension(costExtension, Cost{Points: cost, Limit: a.Limits.Cost})
	if cost > a.Limits.Cost {
		err := refusal(CodeCostLimit,
			"the query costs at least %d points and the limit is %d; %s costs the most: ask for smaller pages (first), fewer nested lists and aliases, or shorter filters",
			cost, a.Limits.Cost, costliest)
		err.Extensions["cost"] = cost
		err.Extensions["limit"] = a.Limits.Cost
		return err
	}
	return nil
}

type budgetKey struct{}

// budget counts the field values of one response against its limit.
type budget struct {
	values atomic.Int64
	limit  int64
}

func (a *Admission) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, budgetKey{}, &budget{limit: int64(a.Limits.Values)}))
}

// InterceptField stops execution once the response holds its budget of
// values or the request's deadline has passed: what has not been resolved
// then is not, and its fields answer null with the error.
func (a *Admission) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	if ctx.Err() != nil {
		// The server sets the deadline with a coded cause (TIMEOUT).
		return nil, context.Cause(ctx)
	}
	if !reserve(ctx, 1) {
		return nil, &dataset.Error{Code: CodeResponseLimit, Message: fmt.Sprintf(
			"the response would hold more than %d values; ask for smaller pages or fewer fields", a.Limits.Values)}
	}
	return next(ctx)
}

// reserve takes n values of the response's budget, or none if it has fewer
// left (a request run without Admission has no budget).
func reserve(ctx context.Context, n int64) bool {
	b, ok := ctx.Value(budgetKey{}).(*budget)
	if !ok {
		return true
	}
	if b.values.Add(n) > b.limit {
		b.values.Add(-n)
		return false
	}
	return true
}

// InterceptResponse reports the cost and caps the errors.
func (a *Admission) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	if n := len(resp.Errors); n > a.Limits.Errors {
		more := refusal(CodeErrorLimit, "%d more errors left out: a response carries at most %d", n-a.Limits.Errors+1, a.Limits.Errors)
		resp.Errors = append(resp.Errors[:a.Limits.Errors-1:a.Limits.Errors-1], more)
	}
	if c, ok := CostOf(ctx); ok {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions[costExtension] = c
	}
	return resp
}

// checkShape checks what the document alone decides, in one pass over it
// (each fragment once).
func (a *Admission) checkShape(doc *ast.QueryDocument) *gqlerror.Error {
	if n := len(doc.Fragments); n > a.Limits.Fragments {
		return refusal(CodeFragmentLimit, "the document defines %d fragments; the limit is %d", n, a.Limits.Fragments)
	}
	s := &shapeWalk{frags: fragmentsByName(doc.Fragments), memo: map[string]shape{}, busy: map[string]bool{}, limits: a.Limits}
	for _, op := range doc.Operations {
		if n := len(op.VariableDefinitions); n > a.Limits.Variables {
			return refusal(CodeVariableLimit, "operation %s declares %d variables; the limit is %d", opName(op), n, a.Limits.Variables)
		}
		s.directives(op.Directives)
		for _, v := range op.VariableDefinitions {
			s.directives(v.Directives)
			s.value(v.DefaultValue)
		}
	}
	for _, f := range doc.Fragments {
		s.directives(f.Directives)
	}
	for _, op := range doc.Operations {
		sh := s.set(op.SelectionSet)
		if s.err != nil {
			return s.err
		}
		switch {
		case sh.width > a.Limits.RootFields:
			return refusal(CodeRootFieldLimit, "operation %s selects %d root fields; the limit is %d: split it into several requests", opName(op), sh.width, a.Limits.RootFields)
		case sh.depth > a.Limits.Depth:
			return refusal(CodeDepthLimit, "operation %s nests fields %d deep; the limit is %d", opName(op), sh.depth, a.Limits.Depth)
		case sh.fields > a.Limits.Fields:
			return refusal(CodeFieldLimit, "operation %s selects %d fields once its fragments are expanded; the limit is %d", opName(op), sh.fields, a.Limits.Fields)
		}
	}
	for _, f := range doc.Fragments {
		// Fragments no operation spreads are refused by validation; their
		// aliases, literals and introspection still count here.
		s.fragment(f.Name)
	}
	switch {
	case s.err != nil:
		return s.err
	case s.aliases > a.Limits.Aliases:
		return refusal(CodeAliasLimit, "the document holds %d aliases; the limit is %d", s.aliases, a.Limits.Aliases)
	case s.directiveCount > a.Limits.Directives:
		return refusal(CodeDirectiveLimit, "the document holds %d directives; the limit is %d", s.directiveCount, a.Limits.Directives)
	case s.introspects && !a.Introspection:
		return refusal(CodeIntrospectionOf, "introspection (__schema, __type) is turned off on this server")
	}
	return nil
}

func opName(op *ast.OperationDefinition) string {
	if op.Name == "" {
		return "(anonymous)"
	}
	return op.Name
}

// shape is what a selection set expands to: its depth, its fields and the
// fields at its first level.
type shape struct{ depth, fields, width int }

type shapeWalk struct {
	frags  map[string]*ast.FragmentDefinition
	memo   map[string]shape
	busy   map[string]bool
	limits Limits

	aliases, directiveCount int
	introspects             bool
	err                     *gqlerror.Error
	visits                  int
}

func (s *shapeWalk) set(ss ast.SelectionSet) shape {
	var out shape
	for _, sel := range ss {
		s.visits++
		var sub shape
		switch f := sel.(type) {
		case *ast.Field:
			if f.Alias != "" && f.Alias != f.Name {
				s.aliases++
			}
			if f.Name == "__schema" || f.Name == "__type" {
				s.introspects = true
			}
			s.directives(f.Directives)
			for _, arg := range f.Arguments {
				s.value(arg.Value)
			}
			child := s.set(f.SelectionSet)
			sub = shape{depth: child.depth + 1, fields: costOf(child.fields, 1, 1), width: 1}
		case *ast.InlineFragment:
			s.directives(f.Directives)
			sub = s.set(f.SelectionSet)
		case *ast.FragmentSpread:
			s.directives(f.Directives)
			sub = s.fragment(f.Name)
		}
		out.depth = max(out.depth, sub.depth)
		out.fields = costOf(out.fields, 1, sub.fields)
		out.width = costOf(out.width, 1, sub.width)
	}
	return out
}

func (s *shapeWalk) fragment(name string) shape {
	if sh, ok := s.memo[name]; ok {
		return sh
	}
	def := s.frags[name]
	if def == nil || s.busy[name] {
		// Validation refuses unknown and cyclic fragments.
		return shape{}
	}
	s.busy[name] = true
	sh := s.set(def.SelectionSet)
	delete(s.busy, name)
	s.memo[name] = sh
	return sh
}

func (s *shapeWalk) directives(ds ast.DirectiveList) {
	s.directiveCount += len(ds)
	for _, d := range ds {
		for _, arg := range d.Arguments {
			s.value(arg.Value)
		}
	}
}

// value checks the lengths of a literal's lists and strings.
func (s *shapeWalk) value(v *ast.Value) {
	if v == nil || s.err != nil {
		return
	}
	switch v.Kind {
	case ast.ListValue:
		if len(v.Children) > s.limits.ListLength {
			s.err = refusal(CodeListLimit, "a list in the query holds %d values; the limit is %d", len(v.Children), s.limits.ListLength)
			return
		}
	case ast.StringValue, ast.BlockValue:
		if len(v.Raw) > s.limits.StringLength {
			s.err = refusal(CodeStringLimit, "a string in the query is %d bytes long; the limit is %d", len(v.Raw), s.limits.StringLength)
			return
		}
	}
	for _, c := range v.Children {
		s.value(c.Value)
	}
}

// tokens counts the significant tokens of src, up to one past limit; a
// document the lexer refuses is left to the parser to report.
func tokens(src *ast.Source, limit int) int {
	lex := lexer.New(src)
	n := 0
	for n <= limit {
		tok, err := lex.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			break
		}
		if tok.Kind != lexer.Comment {
			n++
		}
	}
	return n
}

// fragmentsByName indexes a document's fragments: FragmentDefinitionList's
// ForName is a linear search, which the walks would make quadratic.
func fragmentsByName(list ast.FragmentDefinitionList) map[string]*ast.FragmentDefinition {
	m := make(map[string]*ast.FragmentDefinition, len(list))
	for _, f := range list {
		if _, dup := m[f.Name]; !dup {
			m[f.Name] = f
		}
	}
	return m
}

// checkVariables checks the lengths of the variables' lists and strings and
// coerces their scalars as the GraphQL spec does: an Int is a JSON number
// without a fraction, never a string holding one.
func (a *Admission) checkVariables(op *ast.OperationDefinition, vars map[string]any) *gqlerror.Error {
	for _, def := range op.VariableDefinitions {
		v, ok := vars[def.Variable]
		if !ok {
			continue
		}
		if err := a.checkVariable("$"+def.Variable, def.Type, v); err != nil {
			return err
		}
	}
	return nil
}

func (a *Admission) checkVariable(path string, t *ast.Type, v any) *gqlerror.Error {
	switch v := v.(type) {
	case nil:
		// Nullability is validation's.
		return nil
	case []any:
		if len(v) > a.Limits.ListLength {
			return refusal(CodeListLimit, "variable %s holds a list of %d values; the limit is %d", path, len(v), a.Limits.ListLength)
		}
		if t.Elem == nil {
			return nil
		}
		for i, e := range v {
			if err := a.checkVariable(path+"["+strconv.Itoa(i)+"]", t.Elem, e); err != nil {
				return err
			}
		}
		return nil
	case string:
		if len(v) > a.Limits.StringLength {
			return refusal(CodeStringLimit, "variable %s holds a string of %d bytes; the limit is %d", path, len(v), a.Limits.StringLength)
		}
	}
	if t.Elem != nil {
		// A single value where a list is expected is a list of one.
		return a.checkVariable(path, t.Elem, v)
	}
	def := a.schema.Types[t.NamedType]
	if def == nil {
		return nil
	}
	switch def.Kind {
	case ast.InputObject:
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		for _, f := range def.Fields {
			if fv, ok := m[f.Name]; ok {
				if err := a.checkVariable(path+"."+f.Name, f.Type, fv); err != nil {
					return err
				}
			}
		}
	case ast.Scalar:
		if msg := coerceScalar(def.Name, v); msg != "" {
			return refusal(string(dataset.ErrBadInput), "variable %s: %s", path, msg)
		}
	}
	return nil
}

// coerceScalar says why v cannot be the built-in scalar name, "" if it can.
// Custom scalars coerce themselves.
func coerceScalar(name string, v any) string {
	n, isNumber := v.(json.Number)
	switch name {
	case "Int":
		if !isNumber {
			return fmt.Sprintf("an Int is a JSON number, not %s", jsonKind(v))
		}
		if _, err := strconv.ParseInt(string(n), 10, 64); err != nil {
			var numErr *strconv.NumError
			if errors.As(err, &numErr) && errors.Is(numErr.Err, strconv.ErrRange) {
				return fmt.Sprintf("%s is out of range for an Int", n)
			}
			return fmt.Sprintf("an Int is a whole number written without a fraction or exponent, not %s", n)
		}
	case "Float":
		if !isNumber {
			return fmt.Sprintf("a Float is a JSON number, not %s", jsonKind(v))
		}
	case "String":
		if _, ok := v.(string); !ok {
			return fmt.Sprintf("a String is a JSON string, not %s", jsonKind(v))
		}
	case "Boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Sprintf("a Boolean is true or false, not %s", jsonKind(v))
		}
	case "ID":
		if _, ok := v.(string); ok {
			return ""
		}
		if _, err := strconv.ParseInt(string(n), 10, 64); !isNumber || err != nil {
			return fmt.Sprintf("an ID is a string or a whole number, not %s", jsonKind(v))
		}
	}
	return ""
}

func jsonKind(v any) string {
	switch v := v.(type) {
	case string:
		return "a string"
	case json.Number:
		return "the number " + string(v)
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return "null"
}
