package bindings

import (
	lua "github.com/yuin/gopher-lua"
)

// Prepared records: a dump's reader goroutine makes the Go side of each
// record of a LazyRecordMaker (Preparer) while the Lua loop walks the
// records before it, so that what needs no Lua state — checking the
// bytes, and reading the one field nearly every loop reads (a route's
// dst) — costs the loop nothing: the loop's goroutine only makes the
// record's table (Table). A prepared record is a record like any other
// of its maker; the field read ahead reads as it would have.

// Prepared is one record of a LazyRecordMaker before its table: a
// Preparer fills it from the record's bytes, on any goroutine, and the
// maker's Table makes its table on the Lua goroutine. The table's hidden
// slot points at the Prepared's record, so a Prepared must not be copied
// or reused once Table made its table (a batch of them is never reused).
type Prepared struct {
	// rec has no kind while its bytes are not checked: Table decodes
	// them then.
	rec record
}

// Bytes is the bytes the record decodes from.
func (p *Prepared) Bytes() []byte { return p.rec.src }

// Preparer prepares the records of one LazyRecordMaker on a goroutine of
// its own (each goroutine that prepares needs its own Preparer). It uses
// nothing of the Lua state: only the functions given to Fast and
// ReadAhead (never the maker's decode) and strings of its own.
type Preparer struct {
	kind  *recordKind
	check func(b []byte) (ok, sure bool)                  // nil: none
	read  func(dst, b []byte) (out []byte, ok, sure bool) // nil: none
	text  textArena
}

// ReadAhead makes Preparers read field name of each record as they check
// its bytes: read is Fast's check that also, when sure and ok, appends
// to dst the string the field's value is (before DropEmpty), as a raw
// form given to Fast would, for every b decode decodes without an error.
// Reading the field of a prepared record then costs nothing on the Lua
// goroutine. Call it, like Fast, before the first record is made.
func (m *LazyRecordMaker[T]) ReadAhead(name string, read func(dst, b []byte) (out []byte, ok, sure bool)) {
	k := m.kind
	k.ahead = -1
	m.read = nil
	if f := k.shape.field(name); f != nil && k.shape.plan != nil {
		k.ahead, m.read = f.index, read
	}
}

// Preparer returns a Preparer of the maker's records, to be made on the
// Lua goroutine (after Fast and ReadAhead) and then used on another.
func (m *LazyRecordMaker[T]) Preparer() *Preparer {
	p := &Preparer{kind: m.kind}
	if m.kind.shape.plan != nil {
		p.check, p.read = m.check, m.read
	}
	return p
}

// Prepare fills r from b, bytes Load would be given, which must not
// change afterwards. False says b is not to be shown (the check given to
// Fast or ReadAhead is sure that decode's ok is false): r is to be
// dropped. When the check is not sure, Table decodes b (and reports its
// error).
func (p *Preparer) Prepare(r *Prepared, b []byte) bool {
	*r = Prepared{rec: record{src: b}}
	var ok, sure bool
	switch {
	case p.read != nil:
		var out []byte
		out, ok, sure = p.read(p.text.tmp[:0], b)
		if ok && sure {
			p.text.tmp = out[:0]
			r.rec.kind = p.kind
			r.rec.val = r.rec.dropEmpty(lua.LString(p.text.cut(out)))
		}
	case p.check != nil:
		ok, sure = p.check(b)
	}
	switch {
	case !sure:
		return true // no kind: Table decodes b
	case !ok:
		return false
	}
	r.rec.kind = p.kind
	return true
}

// Unchecked fills r from b without checking it, for Table to decode:
// for a caller that only writes the record's JSON, which decodes it
// anyway.
func (p *Preparer) Unchecked(r *Prepared, b []byte) {
	*r = Prepared{rec: record{src: b}}
}

// Table returns the table of prepared record r, decoding its bytes first
// when they were not checked: nil (and decode's error) when decode fails
// or leaves the value out, as Load reports them.
func (m *LazyRecordMaker[T]) Table(L *lua.LState, r *Prepared) (*lua.LTable, error) {
	if r.rec.kind == nil { // not checked
		_, ok, err := m.Load(r.rec.src)
		if err != nil || !ok {
			return nil, err
		}
		if m.kind.shape.plan == nil {
			return NewRecord(L, m.spec, &m.val), nil
		}
		r.rec.kind = m.kind
	}
	return m.kind.table(L, &r.rec), nil
}
