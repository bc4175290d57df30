// Package expr holds the nftables expressions nlsh knows, one file each,
// and the Registry that maps an expression's kernel name to its Go type.
//
// An expression encodes itself as the payload of NFTA_EXPR_DATA and
// decodes from it. Nests are written without NLA_F_NESTED, exactly as the
// kernel dumps them, so a dumped expression re-encodes to the same bytes.
// An expression whose name the Registry does not know decodes to *Raw,
// which keeps its bytes and writes them back unchanged.
package expr

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nlsh/nlsh/core/codec"
)

// Expr is one nftables expression.
type Expr interface {
	// Kind is the kernel's name of the expression ("payload", "cmp").
	Kind() string
	// Encode writes the attributes inside NFTA_EXPR_DATA.
	Encode(e *codec.Encoder)
	// Decode reads the attributes inside NFTA_EXPR_DATA.
	Decode(d *codec.Decoder) error
}

// Expression list attributes (NFTA_LIST_ELEM, NFTA_EXPR_*).
const (
	attrListElem = 1
	attrExprName = 1
	attrExprData = 2
)

// Registers (enum nft_registers): the verdict register and the four
// 16-byte registers nft uses.
const (
	RegVerdict uint32 = 0
	Reg1       uint32 = 1
	Reg2       uint32 = 2
	Reg3       uint32 = 3
	Reg4       uint32 = 4
)

// Registry maps expression names to constructors. It is built once by
// NewRegistry and read-only afterwards; a test can build one that lacks
// an expression with Without.
type Registry struct {
	ctors map[string]func() Expr
}

// constructors lists every expression nlsh knows. It is a function, not a
// package variable, so no package state can be changed.
func constructors() []func() Expr {
	return []func() Expr{
		func() Expr { return &Payload{} },
		func() Expr { return &Meta{} },
		func() Expr { return &Cmp{} },
		func() Expr { return &Bitwise{} },
		func() Expr { return &Range{} },
		func() Expr { return &Lookup{} },
		func() Expr { return &Immediate{} },
		func() Expr { return &Ct{} },
		func() Expr { return &Counter{} },
		func() Expr { return &Log{} },
		func() Expr { return &Limit{} },
		func() Expr { return &Quota{} },
		func() Expr { return &NAT{} },
		func() Expr { return &Masq{} },
		func() Expr { return &Redir{} },
		func() Expr { return &Reject{} },
		func() Expr { return &Fib{} },
		func() Expr { return &Notrack{} },
		func() Expr { return &Dup{} },
		func() Expr { return &Fwd{} },
		func() Expr { return &Objref{} },
		func() Expr { return &Dynset{} },
		func() Expr { return &Queue{} },
		func() Expr { return &Byteorder{} },
		func() Expr { return &Connlimit{} },
		func() Expr { return &Rt{} },
		func() Expr { return &Exthdr{} },
		func() Expr { return &FlowOffload{} },
		func() Expr { return &Numgen{} },
		func() Expr { return &Hash{} },
		func() Expr { return &Socket{} },
		func() Expr { return &Tproxy{} },
		func() Expr { return &Osf{} },
		func() Expr { return &Synproxy{} },
	}
}

// NewRegistry returns a registry of every expression nlsh knows.
func NewRegistry() *Registry {
	r := &Registry{ctors: map[string]func() Expr{}}
	for _, c := range constructors() {
		r.ctors[c().Kind()] = c
	}
	return r
}

// Without returns a copy of r that does not know the named expressions;
// they then decode as *Raw.
func (r *Registry) Without(names ...string) *Registry {
	n := &Registry{ctors: make(map[string]func() Expr, len(r.ctors))}
	for k, v := range r.ctors {
		n.ctors[k] = v
	}
	for _, name := range names {
		delete(n.ctors, name)
	}
	return n
}

// Names lists the expressions r knows.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.ctors))
	for k := range r.ctors {
		out = append(out, k)
	}
	return out
}

// New returns a zero expression of the named kind, or nil.
func (r *Registry) New(name string) Expr {
	if c, ok := r.ctors[name]; ok {
		return c()
	}
	return nil
}

// DecodeOne decodes one expression from its name and NFTA_EXPR_DATA
// payload (nil when the kernel sent none). An unknown name gives *Raw.
func (r *Registry) DecodeOne(name string, data []byte) (Expr, error) {
	x := r.New(name)
	if x == nil {
		return &Raw{Name: name, Data: append([]byte(nil), data...), HasData: data != nil}, nil
	}
	d := codec.NewDecoder(data)
	if err := x.Decode(d); err != nil {
		if errors.Is(err, errUnknownAttr) {
			// Keep what we cannot fully represent, byte for byte.
			return &Raw{Name: name, Data: append([]byte(nil), data...), HasData: data != nil}, nil
		}
		return nil, fmt.Errorf("expression %s: %w", name, err)
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("expression %s: %w", name, err)
	}
	return x, nil
}

// DecodeList decodes the payload of NFTA_RULE_EXPRESSIONS (a list of
// NFTA_LIST_ELEM nests).
func (r *Registry) DecodeList(b []byte) ([]Expr, error) {
	var out []Expr
	d := codec.NewDecoder(b)
	for d.Next() {
		if d.Type() != attrListElem {
			continue
		}
		var name string
		var data []byte
		n := d.Nested()
		for n.Next() {
			switch n.Type() {
			case attrExprName:
				name = cString(n)
			case attrExprData:
				data = n.Bytes()
				if data == nil {
					data = []byte{}
				}
			}
		}
		if err := n.Err(); err != nil {
			return nil, fmt.Errorf("expression list: %w", err)
		}
		x, err := r.DecodeOne(name, data)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("expression list: %w", err)
	}
	return out, nil
}

// EncodeOne writes one expression as NFTA_EXPR_NAME and NFTA_EXPR_DATA
// into the current nest of e.
func EncodeOne(e *codec.Encoder, x Expr) {
	e.String(attrExprName, x.Kind())
	if r, ok := x.(*Raw); ok {
		if r.HasData || len(r.Data) > 0 {
			e.Bytes(attrExprData, r.Data)
		}
		return
	}
	if _, ok := x.(*Notrack); ok {
		return // the kernel neither needs nor dumps data for notrack
	}
	e.BeginPlain(attrExprData)
	x.Encode(e)
	e.End()
}

// EncodeList writes the payload of NFTA_RULE_EXPRESSIONS.
func EncodeList(e *codec.Encoder, xs []Expr) {
	for _, x := range xs {
		e.BeginPlain(attrListElem)
		EncodeOne(e, x)
		e.End()
	}
}

// Marshal returns the NFTA_EXPR_DATA payload of x.
func Marshal(x Expr) ([]byte, error) {
	if r, ok := x.(*Raw); ok {
		return append([]byte(nil), r.Data...), nil
	}
	e := codec.NewEncoder(nil)
	x.Encode(e)
	return e.Encode()
}

// cString reads a string attribute as the kernel reads a name: up to its
// first NUL. (A NUL inside would make a string the encoder refuses, so a
// decoded rule could not be written back; found by FuzzDecodeOne.)
func cString(d *codec.Decoder) string {
	s := d.String()
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s
}
