package nfnl

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/nfnl/expr"
	"github.com/nlsh/nlsh/families/nfnl/ruletext"
)

// Set is a named set, a map (Map set) or a verdict map (Map "verdict").
type Set struct {
	Family string `json:"family"`
	Table  string `json:"table"`
	Name   string `json:"name"`
	Handle uint64 `json:"handle,omitempty"`
	// Type is the key type: "ipv4_addr", "inet_service",
	// "ipv4_addr . inet_service", ...
	Type string `json:"type"`
	// Map is the value type of a map ("verdict", "ipv4_addr", ...), or
	// the type of the objects it maps to ("counter", "quota", "ct
	// helper", ...: an object map, whose values are object names).
	Map string `json:"map,omitempty"`
	// Flags holds SetConstant, SetInterval, SetTimeout, SetEval
	// ("dynamic"); SetMap and SetConcat are implied by Map and Type.
	Flags uint32 `json:"-"`
	// Timeout is the default element timeout in seconds.
	Timeout uint64 `json:"timeout,omitempty"`
	// Size is the most elements the set holds (0: no limit given); the
	// kernel gives a set 65535 when a rule first adds to it from the
	// packet path ("add @s { ip saddr }").
	Size uint32 `json:"size,omitempty"`
	// AutoMerge asks nft to merge adjacent intervals when it adds
	// elements (nft's "auto-merge"; recorded in the set's user data).
	AutoMerge bool   `json:"auto-merge,omitempty"`
	Comment   string `json:"comment,omitempty"`
	// Policy is "memory" for a set that prefers low memory use over
	// speed (nft's "policy memory"); "" is the kernel's default,
	// "performance".
	Policy string `json:"policy,omitempty"`
	// GCInterval is how often, in seconds, the kernel collects expired
	// elements (0: its default).
	GCInterval uint32 `json:"gc-interval,omitempty"`
	// Exprs are the statements every element gets (nft's "counter" in a
	// set's block): each element's state starts from them.
	Exprs    []expr.Expr `json:"expr,omitempty"`
	Elements []Element   `json:"elem,omitempty"`

	id   uint32
	anon *ruletext.AnonSet
	// stmtText is Exprs as nft lists them in the set's block.
	stmtText string
	// typeofKey and typeofData are nft's typeof notes as text, when nlsh
	// can name what they describe (typeof.go).
	typeofKey, typeofData string
	// keyLen and dataLen are the sizes the kernel listed, keyOrder and
	// dataOrder the byte orders nft noted, for a key or data type nlsh
	// has no name for (ruletext.OpaqueType).
	keyLen, dataLen     int
	keyOrder, dataOrder ruletext.ByteOrder
	// kept are the records of the set's user data nlsh does not read
	// (nft's typeof descriptions of the key and data, ...), written back
	// as they came, so a set listed and made again lists as before.
	kept udata
}

// Element is a set element in nft's text: Key "10.0.0.1", "10.0.0.0/8",
// "80-443" or "10.0.0.1 . 22"; Value the map value ("accept",
// "jump other", "10.0.0.2").
type Element struct {
	Key     string `json:"key"`
	Value   string `json:"value,omitempty"`
	Timeout uint64 `json:"timeout,omitempty"`
	Comment string `json:"comment,omitempty"`
	// Exprs are the element's own statements and their state (a
	// counter's packets and bytes).
	Exprs []expr.Expr `json:"expr,omitempty"`

	exprText string // Exprs as nft lists them
}

// FlagNames lists the flags as nft names them, in the order nft lists
// them ("flags dynamic,timeout").
func (s *Set) FlagNames() []string {
	var out []string
	for _, f := range []struct {
		bit  uint32
		name string
	}{{SetConstant, "constant"}, {SetEval, "dynamic"}, {SetInterval, "interval"}, {SetTimeout, "timeout"}} {
		if f.bit == SetTimeout && s.Timeout != 0 && s.Flags&(SetConstant|SetEval|SetInterval) == 0 {
			continue // implied by the timeout, as nft prints it when it is the only flag
		}
		if s.Flags&f.bit != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

// setCodec converts between a set's text form and the wire.
type setCodec struct {
	key     ruletext.KeyType
	data    ruletext.KeyType // nil: not a map, or a verdict map
	verdict bool
	obj     uint32 // NFT_OBJECT_* of an object map; 0: none
}

// info is what a rule's compiler is told of set s.
func (sc *setCodec) info(s *Set) *ruletext.SetInfo {
	return &ruletext.SetInfo{Key: sc.key, Timeout: sc.flags(s)&SetTimeout != 0 || s.Timeout != 0, Verdict: sc.verdict, Data: sc.data, Obj: sc.obj}
}

// NFT_SET_POL_*: what a set's implementation prefers.
const (
	setPolicyPerformance = 0
	setPolicyMemory      = 1
)

func newSetCodec(types *ruletext.Types, s *Set) (*setCodec, error) {
	switch s.Policy {
	case "", "performance", "memory":
	default:
		return nil, fmt.Errorf("set %s: policy %q: want performance or memory", s.Name, s.Policy)
	}
	if s.GCInterval > math.MaxUint32/1000 {
		return nil, fmt.Errorf("set %s: gc-interval of %d seconds: at most %d", s.Name, s.GCInterval, math.MaxUint32/1000)
	}
	k, err := parseSetType(types, s.Type, s.keyLen, s.keyOrder)
	if err != nil {
		return nil, fmt.Errorf("set %s: %w", s.Name, err)
	}
	sc := &setCodec{key: k}
	switch s.Map {
	case "":
	case "verdict":
		sc.verdict = true
	default:
		if slices.Contains(ObjectTypes, s.Map) {
			sc.obj, _ = objectTypeNum(s.Map)
			break
		}
		d, err := parseSetType(types, s.Map, s.dataLen, s.dataOrder)
		if err != nil {
			return nil, fmt.Errorf("set %s: map type: %w", s.Name, err)
		}
		sc.data = d
	}
	return sc, nil
}

// parseSetType reads a set's key or data type: one nlsh names, or, from
// a listing, "type 0x12" of a type it does not (of n bytes, in order).
func parseSetType(types *ruletext.Types, t string, n int, order ruletext.ByteOrder) (ruletext.KeyType, error) {
	k, err := types.ParseKeyType(t)
	if err == nil || n <= 0 {
		return k, err
	}
	h, ok := strings.CutPrefix(t, "type 0x")
	id, perr := strconv.ParseUint(h, 16, 32)
	if !ok || perr != nil || fmt.Sprintf("type %#x", id) != t {
		return nil, err
	}
	if order != ruletext.HostEndian {
		order = ruletext.BigEndian
	}
	return ruletext.KeyType{ruletext.OpaqueType(uint32(id), n, order)}, nil
}

func (sc *setCodec) flags(s *Set) uint32 {
	f := s.Flags
	switch {
	case sc.obj != 0:
		f = f&^SetMap | SetObject
	case s.Map != "":
		f |= SetMap
	}
	if len(sc.key) > 1 {
		f |= SetConcat
	}
	if s.Timeout != 0 {
		f |= SetTimeout
	}
	return f
}

func (s *Set) encode(e *codec.Encoder, sc *setCodec, full bool) {
	e.String(attrSetTable, s.Table)
	e.String(attrSetName, s.Name)
	if !full {
		return
	}
	flags := sc.flags(s)
	e.Be32(attrSetFlags, flags)
	e.Be32(attrSetKeyType, sc.key.ID())
	e.Be32(attrSetKeyLen, uint32(sc.key.Len()))
	switch {
	case sc.verdict:
		e.Be32(attrSetDataType, 0xffffff00)
		e.Be32(attrSetDataLen, 0)
	case sc.data != nil:
		e.Be32(attrSetDataType, sc.data.ID())
		e.Be32(attrSetDataLen, uint32(sc.data.Len()))
	case sc.obj != 0:
		e.Be32(attrSetObjType, sc.obj)
	}
	if s.Timeout != 0 {
		e.Be64(attrSetTimeout, s.Timeout*1000)
	}
	if s.GCInterval != 0 {
		e.Be32(attrSetGCInterval, s.GCInterval*1000)
	}
	switch s.Policy {
	case "memory":
		e.Be32(attrSetPolicy, setPolicyMemory)
	case "performance":
		e.Be32(attrSetPolicy, setPolicyPerformance)
	}
	encodeExprs(e, attrSetExpr, attrSetExpressions, s.Exprs)
	e.Be32(attrSetID, s.id)
	if s.anon != nil || len(sc.key) > 1 || s.Size != 0 {
		e.BeginPlain(attrSetDesc)
		if s.anon != nil {
			e.Be32(attrSetDescSize, uint32(len(wireElements(s.anon))))
		} else if s.Size != 0 {
			e.Be32(attrSetDescSize, s.Size)
		}
		if len(sc.key) > 1 {
			e.BeginPlain(attrSetDescConcat)
			for _, t := range sc.key {
				e.BeginPlain(attrListElem)
				e.Be32(attrSetFieldLen, uint32(t.Len))
				e.End()
			}
			e.End()
		}
		e.End()
	}
	var u udata
	if len(sc.key) == 1 {
		u = u.putU32(udataSetKeyByteOrder, uint32(sc.key[0].Order))
	} else {
		u = u.putU32(udataSetKeyByteOrder, 0)
	}
	if len(sc.data) == 1 {
		u = u.putU32(udataSetDataByteOrder, uint32(sc.data[0].Order))
	} else if sc.data != nil {
		u = u.putU32(udataSetDataByteOrder, 0)
	} else if sc.verdict {
		u = u.putU32(udataSetDataByteOrder, 0)
	}
	if s.AutoMerge {
		u = u.putU32(udataSetMergeElements, 1)
	}
	u = append(u, s.kept...) // nft's order: between those and the comment
	if s.Comment != "" {
		u = u.putString(udataSetComment, s.Comment)
	}
	e.Bytes(attrSetUserdata, u)
}

// wireElement is an element as the kernel holds it.
type wireElement struct {
	key, keyEnd []byte
	end         bool // NFT_SET_ELEM_INTERVAL_END
	data        []byte
	verdict     *expr.Verdict
	timeout     uint64 // ms
	comment     string
	exprs       []expr.Expr
	objref      string // an object map's value: the object's name
}

// wireElements lays out an anonymous set's elements as nft does: for an
// interval set each range [a, b] becomes a and an end marker at b+1, and
// a leading end marker at 0 closes the empty range before the first.
func wireElements(s *ruletext.AnonSet) []wireElement {
	if s.Interval && len(s.Key) > 1 {
		// a concatenation's: each element with its last key, no markers
		out := make([]wireElement, len(s.Elements))
		for i, e := range s.Elements {
			end := e.KeyEnd
			if end == nil {
				end = e.Key
			}
			out[i] = wireElement{key: e.Key, keyEnd: end, verdict: e.Verdict, data: e.Data, objref: e.Object}
		}
		return out
	}
	if !s.Interval {
		out := make([]wireElement, len(s.Elements))
		for i, e := range s.Elements {
			out[i] = wireElement{key: e.Key, verdict: e.Verdict, data: e.Data, objref: e.Object}
		}
		return out
	}
	return intervalElements(s.Elements, func(i int, w *wireElement) {
		w.verdict, w.data, w.objref = s.Elements[i].Verdict, s.Elements[i].Data, s.Elements[i].Object
	})
}

func intervalElements(es []ruletext.Element, mk func(i int, w *wireElement)) []wireElement {
	idx := make([]int, len(es))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return bytes.Compare(es[idx[a]].Key, es[idx[b]].Key) < 0 })
	var out []wireElement
	if len(es) > 0 && !allZero(es[idx[0]].Key) {
		out = append(out, wireElement{key: make([]byte, len(es[idx[0]].Key)), end: true})
	}
	for n, i := range idx {
		e := es[i]
		w := wireElement{key: e.Key}
		if mk != nil {
			mk(i, &w)
		}
		out = append(out, w)
		last := e.KeyEnd
		if last == nil {
			last = e.Key
		}
		next, ok := increment(last)
		if ok && n+1 < len(idx) && bytes.Equal(next, es[idx[n+1]].Key) {
			// the next range starts where this one ends: its start is
			// the end, as nft lays out adjacent ranges ("{ 0-1 : accept,
			// 2-3 : drop }")
			continue
		}
		if ok {
			out = append(out, wireElement{key: next, end: true})
		}
	}
	return out
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// increment returns b+1 as a big-endian number; false on overflow.
func increment(b []byte) ([]byte, bool) {
	n := bytes.Clone(b)
	for i := len(n) - 1; i >= 0; i-- {
		n[i]++
		if n[i] != 0 {
			return n, true
		}
	}
	return nil, false
}

func decrement(b []byte) []byte {
	n := bytes.Clone(b)
	for i := len(n) - 1; i >= 0; i-- {
		n[i]--
		if n[i] != 0xff {
			break
		}
	}
	return n
}

// parseElements turns text elements into wire elements.
func (sc *setCodec) parseElements(s *Set, es []Element) ([]wireElement, error) {
	interval := s.Flags&SetInterval != 0
	var ranges []ruletext.Element
	var out []wireElement
	for _, el := range es {
		key, keyEnd, err := sc.parseKey(el.Key)
		if err != nil {
			return nil, fmt.Errorf("set %s element %q: %w", s.Name, el.Key, err)
		}
		w := wireElement{key: key, timeout: el.Timeout * 1000, comment: el.Comment, exprs: el.Exprs}
		if el.Value != "" {
			if sc.obj != 0 {
				if w.objref, err = objectName(el.Value); err != nil {
					return nil, fmt.Errorf("set %s element %q: %w", s.Name, el.Key, err)
				}
			} else if sc.verdict {
				v, err := expr.ParseVerdict(el.Value)
				if err != nil {
					return nil, fmt.Errorf("set %s element %q: %w", s.Name, el.Key, err)
				}
				w.verdict = &v
			} else if sc.data != nil {
				if w.data, err = sc.data.Parse(el.Value); err != nil {
					return nil, fmt.Errorf("set %s element %q: %w", s.Name, el.Key, err)
				}
			}
		}
		if interval && len(sc.key) == 1 {
			if sc.key.IntervalsInNetworkOrder() {
				key, keyEnd = ruletext.SwapOrder(key), ruletext.SwapOrder(keyEnd)
			}
			ranges = append(ranges, ruletext.Element{Key: key, KeyEnd: keyEnd})
			out = append(out, w)
			continue
		}
		if keyEnd != nil && !interval {
			return nil, fmt.Errorf("set %s element %q: a range needs flags interval", s.Name, el.Key)
		}
		w.keyEnd = keyEnd
		if interval && w.keyEnd == nil {
			w.keyEnd = key // a concatenation's interval set gives every element its end
		}
		out = append(out, w)
	}
	if interval && len(sc.key) == 1 {
		vals := out
		return intervalElements(ranges, func(i int, w *wireElement) {
			w.data, w.verdict, w.timeout = vals[i].data, vals[i].verdict, vals[i].timeout
			w.comment, w.exprs, w.objref = vals[i].comment, vals[i].exprs, vals[i].objref
		}), nil
	}
	return out, nil
}

func (sc *setCodec) parseKey(s string) (key, keyEnd []byte, err error) {
	if len(sc.key) == 1 {
		e, _, err := ruletext.ParseElement(sc.key[0], s)
		return e.Key, e.KeyEnd, err
	}
	return sc.key.ParseConcat(s)
}

// textElements turns dumped wire elements back into text elements,
// joining interval starts and ends into ranges and prefixes.
func (sc *setCodec) textElements(interval bool, ws []wireElement) []Element {
	value := func(w wireElement) string {
		switch {
		case w.objref != "":
			return strconv.Quote(w.objref)
		case w.verdict != nil:
			return w.verdict.String()
		case sc.data != nil && w.data != nil:
			return sc.data.Format(w.data)
		}
		return ""
	}
	if !interval || len(sc.key) != 1 {
		if !interval {
			// nft lists these sorted; an interval set of a
			// concatenation in the kernel's order
			ws = append([]wireElement(nil), ws...)
			sort.SliceStable(ws, func(a, b int) bool {
				if len(sc.key) == 1 {
					return ruletext.LessValue(sc.key[0], ws[a].key, ws[b].key)
				}
				return bytes.Compare(ws[a].key, ws[b].key) < 0
			})
		}
		out := make([]Element, 0, len(ws))
		for _, w := range ws {
			out = append(out, Element{Key: sc.key.FormatConcat(w.key, w.keyEnd), Value: value(w), Timeout: w.timeout / 1000, Comment: w.comment, Exprs: w.exprs})
		}
		return out
	}
	var out []Element
	for _, r := range sc.ranges(ws) {
		e := r.e
		if sc.key.IntervalsInNetworkOrder() {
			e.Key, e.KeyEnd = ruletext.SwapOrder(e.Key), ruletext.SwapOrder(e.KeyEnd)
		}
		out = append(out, Element{Key: ruletext.FormatElement(sc.key[0], e), Value: value(r.w), Timeout: r.w.timeout / 1000,
			Comment: r.w.comment, Exprs: r.w.exprs})
	}
	return out
}

type wrange struct {
	e ruletext.Element
	w wireElement
}

func (sc *setCodec) ranges(ws []wireElement) []wrange {
	sorted := append([]wireElement(nil), ws...)
	sort.SliceStable(sorted, func(a, b int) bool { return bytes.Compare(sorted[a].key, sorted[b].key) < 0 })
	var out []wrange
	for i, w := range sorted {
		if w.end {
			continue
		}
		end := bytes.Repeat([]byte{0xff}, len(w.key))
		if i+1 < len(sorted) {
			// an end marker, or the start of the next range right after
			// this one (adjacent ranges of a map, as nft lays them out)
			end = decrement(sorted[i+1].key)
		}
		out = append(out, wrange{e: ruletext.Element{Key: w.key, KeyEnd: end}, w: w})
	}
	return out
}

// anonFromWire rebuilds an anonymous set's contents for the printer.
func (sc *setCodec) anonFromWire(interval bool, ws []wireElement) *ruletext.AnonSet {
	a := &ruletext.AnonSet{Key: sc.key, Interval: interval, VerdictMap: sc.verdict, Data: sc.data, Obj: sc.obj}
	if interval && len(sc.key) > 1 {
		for _, w := range ws {
			e := ruletext.Element{Key: w.key, Verdict: w.verdict, Data: w.data, Object: w.objref}
			if w.keyEnd != nil && !bytes.Equal(w.keyEnd, w.key) {
				e.KeyEnd = w.keyEnd
			}
			a.Elements = append(a.Elements, e)
		}
		return a
	}
	if interval {
		for _, r := range sc.ranges(ws) {
			e := r.e
			if sc.verdict {
				e.Verdict = r.w.verdict
			}
			if sc.data != nil {
				e.Data = r.w.data
			}
			e.Object = r.w.objref
			a.Elements = append(a.Elements, e)
		}
		return a
	}
	for _, w := range ws {
		e := ruletext.Element{Key: w.key, Object: w.objref}
		if sc.verdict {
			e.Verdict = w.verdict
		}
		if sc.data != nil {
			e.Data = w.data
		}
		a.Elements = append(a.Elements, e)
	}
	return a
}

func encodeElements(e *codec.Encoder, ws []wireElement) {
	e.BeginPlain(attrElemListElements)
	for _, w := range ws {
		e.BeginPlain(attrListElem)
		e.BeginPlain(attrElemKey)
		e.Bytes(1, w.key)
		e.End()
		if w.keyEnd != nil {
			e.BeginPlain(attrElemKeyEnd)
			e.Bytes(1, w.keyEnd)
			e.End()
		}
		if w.end {
			e.Be32(attrElemFlags, elemIntervalEnd)
		}
		if w.timeout != 0 {
			e.Be64(attrElemTimeout, w.timeout)
		}
		encodeExprs(e, attrElemExpr, attrElemExpressions, w.exprs)
		if w.verdict != nil {
			e.BeginPlain(attrElemData)
			w.verdict.EncodeData(e)
			e.End()
		} else if w.data != nil {
			e.BeginPlain(attrElemData)
			e.Bytes(1, w.data)
			e.End()
		}
		if w.objref != "" {
			e.String(attrElemObjref, w.objref)
		}
		if w.comment != "" {
			e.Bytes(attrElemUserdata, udata(nil).putString(udataComment, w.comment))
		}
		e.End()
	}
	e.End()
}

// encodeExprs writes the statements of a set (NFTA_SET_EXPR, or
// NFTA_SET_EXPRESSIONS for more than one, as nft writes them) or of an
// element (NFTA_SET_ELEM_EXPR, NFTA_SET_ELEM_EXPRESSIONS).
func encodeExprs(e *codec.Encoder, one, list uint16, xs []expr.Expr) {
	switch len(xs) {
	case 0:
	case 1:
		e.BeginPlain(one)
		expr.EncodeOne(e, xs[0])
		e.End()
	default:
		e.BeginPlain(list)
		expr.EncodeList(e, xs)
		e.End()
	}
}

// decodeExprs reads what encodeExprs wrote: b of attribute typ.
func decodeExprs(reg *expr.Registry, one uint16, typ uint16, b []byte) ([]expr.Expr, error) {
	if typ == one {
		x, err := reg.DecodeNested(b)
		if err != nil {
			return nil, err
		}
		return []expr.Expr{x}, nil
	}
	return reg.DecodeList(b)
}

func decodeElements(b []byte, reg *expr.Registry) ([]wireElement, error) {
	var out []wireElement
	d := codec.NewDecoder(b)
	for d.Next() {
		var w wireElement
		n := d.Nested()
		for n.Next() {
			switch n.Type() {
			case attrElemKey:
				w.key, _, _ = expr.DecodeData(n.Bytes())
			case attrElemKeyEnd:
				w.keyEnd, _, _ = expr.DecodeData(n.Bytes())
			case attrElemFlags:
				w.end = n.Be32()&elemIntervalEnd != 0
			case attrElemTimeout:
				w.timeout = n.Be64()
			case attrElemData:
				var err error
				if w.data, w.verdict, err = expr.DecodeData(n.Bytes()); err != nil {
					return nil, err
				}
			case attrElemUserdata:
				w.comment = udata(n.Bytes()).getString(udataComment)
			case attrElemObjref:
				w.objref = n.String()
			case attrElemExpr, attrElemExpressions:
				xs, err := decodeExprs(reg, attrElemExpr, n.Type(), n.Bytes())
				if err != nil {
					return nil, fmt.Errorf("element: %w", err)
				}
				w.exprs = append(w.exprs, xs...)
			}
		}
		if err := n.Err(); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, d.Err()
}

// decodeSet reads a NEWSET message; the set's key type is named through
// types.
func decodeSet(m codec.Message, types *ruletext.Types, reg *expr.Registry) (*Set, error) {
	fam, d, err := body(m)
	if err != nil {
		return nil, err
	}
	s := &Set{Family: familyName(fam)}
	var keyType, dataType, objType uint32
	for d.Next() {
		switch d.Type() {
		case attrSetTable:
			s.Table = d.String()
		case attrSetName:
			s.Name = d.String()
		case attrSetHandle:
			s.Handle = d.Be64()
		case attrSetFlags:
			s.Flags = d.Be32()
		case attrSetKeyType:
			keyType = d.Be32()
		case attrSetDataType:
			dataType = d.Be32()
		case attrSetObjType:
			objType = d.Be32()
		case attrSetKeyLen:
			s.keyLen = int(d.Be32())
		case attrSetDataLen:
			s.dataLen = int(d.Be32())
		case attrSetTimeout:
			s.Timeout = d.Be64() / 1000
		case attrSetGCInterval:
			s.GCInterval = d.Be32() / 1000
		case attrSetPolicy:
			if d.Be32() == setPolicyMemory {
				s.Policy = "memory"
			}
		case attrSetExpr, attrSetExpressions:
			xs, err := decodeExprs(reg, attrSetExpr, d.Type(), d.Bytes())
			if err != nil {
				return nil, fmt.Errorf("set statements: %w", err)
			}
			s.Exprs = append(s.Exprs, xs...)
		case attrSetDesc:
			n := d.Nested()
			for n.Next() {
				if n.Type() == attrSetDescSize {
					s.Size = n.Be32()
				}
			}
			if err := n.Err(); err != nil {
				return nil, fmt.Errorf("set desc: %w", err)
			}
		case attrSetID:
			s.id = d.Be32()
		case attrSetUserdata:
			u := udata(d.Bytes())
			s.Comment = u.getString(udataSetComment)
			v, ok := u.getU32(udataSetMergeElements)
			s.AutoMerge = ok && v != 0
			s.kept = u.others(udataSetKeyByteOrder, udataSetDataByteOrder, udataSetMergeElements, udataSetComment)
			if v, ok := u.get(udataSetKeyTypeof); ok {
				s.typeofKey, _ = typeofText(v)
			}
			if v, ok := u.get(udataSetDataTypeof); ok {
				s.typeofData, _ = typeofText(v)
			}
			if v, ok := u.getU32(udataSetKeyByteOrder); ok {
				s.keyOrder = ruletext.ByteOrder(v)
			}
			if v, ok := u.getU32(udataSetDataByteOrder); ok {
				s.dataOrder = ruletext.ByteOrder(v)
			}
		}
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("set: %w", err)
	}
	k, err := types.KeyTypeByID(keyType)
	if err != nil {
		s.Type = fmt.Sprintf("type %#x", keyType)
	} else {
		s.Type = k.String()
	}
	if s.Flags&SetObject != 0 {
		s.Map = objectTypeName(objType)
	} else if s.Flags&SetMap != 0 {
		if dataType == 0xffffff00 {
			s.Map = "verdict"
		} else if t, err := types.KeyTypeByID(dataType); err == nil {
			s.Map = t.String()
		} else {
			s.Map = fmt.Sprintf("type %#x", dataType)
		}
	}
	return s, nil
}

// objectName reads an object map's value: an object's name, quoted as
// nft lists it ("\"c1\"") or not.
func objectName(v string) (string, error) {
	if strings.HasPrefix(v, `"`) {
		u, err := strconv.Unquote(v)
		if err != nil {
			return "", fmt.Errorf("object name %s: %w", v, err)
		}
		v = u
	}
	if v == "" || len(v) > 255 || strings.ContainsRune(v, 0) {
		return "", fmt.Errorf("object name %q: want 1 to 255 bytes, no NUL", v)
	}
	return v, nil
}
