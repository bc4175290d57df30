package nfnl

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/nfnl/expr"
	"github.com/nlsh/nlsh/families/nfnl/ruletext"
)

// Tx is a transaction: changes are collected and sent as one
// NFNL_MSG_BATCH_BEGIN ... NFNL_MSG_BATCH_END batch by Commit, which the
// kernel applies entirely or not at all.
//
// The methods record the first error (a bad argument, rule text that does
// not compile); Commit then returns it and sends nothing.
type Tx struct {
	c      *Client
	ops    []txOp
	msgs   []codec.Message
	opOf   []int // message index -> op index
	nextID uint32
	genID  uint32
	pinned bool
	err    error
	// sets are the named sets this transaction made (nil: deleted), which
	// the rules after them are checked against (ruletext.Sets)
	sets map[setKey]*ruletext.SetInfo
	// kernel holds, per family, the named sets the kernel had when a rule
	// first asked for one this transaction did not make (kernelSet);
	// gone are tables this transaction deleted, flushed a flush of the
	// ruleset: their sets are not the kernel's to tell
	kernel  map[string]map[setKey]*ruletext.SetInfo
	gone    map[[2]string]bool
	flushed bool
	ctx     context.Context // SetContext's; nil: context.Background()
}

// SetContext sets the context of what the transaction asks the kernel
// while it is built (the sets a rule names that it did not make, listed
// once per family): a cancelled one cuts that short. Until it is set,
// context.Background(). Commit takes its own.
func (tx *Tx) SetContext(ctx context.Context) { tx.ctx = ctx }

type txOp struct {
	desc string // "add rule inet filter input"
	text string // rule text, if any
}

// OpError is a failed batch: the operation (counted from 1 in the order
// the Tx methods were called) and the kernel's error for it.
type OpError struct {
	Index int
	Op    string
	Text  string
	Err   error
}

// Error reads like
//
//	nftables: operation 10 (add rule inet filter input "jump nowhere"): NFT_MSG_NEWRULE: ...
func (e *OpError) Error() string {
	s := "nftables: operation " + strconv.Itoa(e.Index) + " (" + e.Op
	if e.Text != "" {
		s += " " + strconv.Quote(e.Text)
	}
	return s + "): " + e.Err.Error()
}

// Unwrap returns the kernel's error (a *codec.Error carrying the errno).
func (e *OpError) Unwrap() error { return e.Err }

// ErrGenerationChanged reports that the ruleset changed since the
// transaction pinned its generation (the kernel answered ERESTART).
var ErrGenerationChanged = errors.New("nftables ruleset changed concurrently (generation id mismatch)")

// Begin starts a transaction.
func (c *Client) Begin() *Tx { return &Tx{c: c} }

// PinGeneration reads the current generation id and makes Commit fail
// with ErrGenerationChanged if any other change is committed first.
func (tx *Tx) PinGeneration(ctx context.Context) error {
	g, err := tx.c.Generation(ctx)
	if err != nil {
		return err
	}
	tx.genID, tx.pinned = g, true
	return nil
}

// SetGeneration pins the transaction to a generation id read earlier
// (with Client.Generation), as PinGeneration does.
func (tx *Tx) SetGeneration(id uint32) { tx.genID, tx.pinned = id, true }

// Err returns the first error recorded by the methods.
func (tx *Tx) Err() error { return tx.err }

// Len is the number of operations queued.
func (tx *Tx) Len() int { return len(tx.ops) }

func (tx *Tx) fail(desc string, err error) {
	if tx.err == nil {
		tx.err = fmt.Errorf("nftables: operation %d (%s): %w", len(tx.ops)+1, desc, err)
	}
}

// add queues one operation made of one or more messages.
func (tx *Tx) add(desc, text string, msgs ...codec.Message) {
	tx.ops = append(tx.ops, txOp{desc: desc, text: text})
	for _, m := range msgs {
		// Operations ask for no acknowledgement: the kernel answers a
		// failing one anyway, and Commit asks the last one for an ack so
		// the end of the answers is known.
		m.Header.Flags |= codec.Request
		tx.msgs = append(tx.msgs, m)
		tx.opOf = append(tx.opOf, len(tx.ops)-1)
	}
}

func (tx *Tx) msg(desc, family string, typ uint16, flags uint16, fill func(e *codec.Encoder) error) (codec.Message, bool) {
	if tx.err != nil {
		return codec.Message{}, false
	}
	fam, err := familyNum(family)
	if err != nil {
		tx.fail(desc, err)
		return codec.Message{}, false
	}
	var ferr error
	m, err := message(msgType(typ), flags, fam, 0, func(e *codec.Encoder) { ferr = fill(e) })
	if ferr != nil {
		err = ferr
	}
	if err != nil {
		tx.fail(desc, err)
		return codec.Message{}, false
	}
	return m, true
}

// AddTable creates a table, or updates its flags if it exists.
func (tx *Tx) AddTable(t *Table) {
	desc := "add table " + t.Family + " " + t.Name
	if m, ok := tx.msg(desc, t.Family, msgNewTable, codec.Create, func(e *codec.Encoder) error { t.encode(e, true); return nil }); ok {
		tx.add(desc, "", m)
	}
}

// DelTable deletes a table and everything in it.
func (tx *Tx) DelTable(t *Table) {
	desc := "delete table " + t.Family + " " + t.Name
	for k := range tx.sets {
		if k.family == t.Family && k.table == t.Name {
			delete(tx.sets, k)
		}
	}
	if tx.gone == nil {
		tx.gone = map[[2]string]bool{}
	}
	tx.gone[[2]string{t.Family, t.Name}] = true
	if m, ok := tx.msg(desc, t.Family, msgDelTable, 0, func(e *codec.Encoder) error { t.encode(e, false); return nil }); ok {
		tx.add(desc, "", m)
	}
}

// FlushRuleset deletes every table of every family.
func (tx *Tx) FlushRuleset() {
	if tx.err != nil {
		return
	}
	m, _ := message(msgType(msgDelTable), 0, 0, 0, nil)
	tx.add("flush ruleset", "", m)
	tx.sets, tx.flushed = nil, true
}

// AddChain creates a chain (a base chain when c.Hook is set).
func (tx *Tx) AddChain(c *Chain) {
	desc := "add chain " + c.Family + " " + c.Table + " " + c.Name
	if m, ok := tx.msg(desc, c.Family, msgNewChain, codec.Create, func(e *codec.Encoder) error { return c.encode(e, true) }); ok {
		tx.add(desc, "", m)
	}
}

// DelChain deletes an empty chain, by name or by Handle.
func (tx *Tx) DelChain(c *Chain) {
	desc := "delete chain " + c.Family + " " + c.Table + " " + c.Name
	if m, ok := tx.msg(desc, c.Family, msgDelChain, 0, func(e *codec.Encoder) error { return c.encode(e, false) }); ok {
		tx.add(desc, "", m)
	}
}

// FlushChain deletes every rule of a chain.
func (tx *Tx) FlushChain(c *Chain) {
	desc := "flush chain " + c.Family + " " + c.Table + " " + c.Name
	if m, ok := tx.msg(desc, c.Family, msgDelRule, 0, func(e *codec.Encoder) error {
		e.String(attrRuleTable, c.Table)
		e.String(attrRuleChain, c.Name)
		return nil
	}); ok {
		tx.add(desc, "", m)
	}
}

// AddRule appends a rule to its chain (after r.Position if set).
func (tx *Tx) AddRule(r *Rule) { tx.rule("add", r, codec.Create|codec.Append) }

// InsertRule inserts a rule at the start of its chain (before r.Position
// if set).
func (tx *Tx) InsertRule(r *Rule) { tx.rule("insert", r, codec.Create) }

// ReplaceRule replaces the rule with r.Handle.
func (tx *Tx) ReplaceRule(r *Rule) {
	if r.Handle == 0 {
		tx.fail("replace rule", errors.New("replace needs the rule's handle"))
		return
	}
	tx.rule("replace", r, codec.Replace)
}

// DelRule deletes the rule with r.Handle.
func (tx *Tx) DelRule(r *Rule) {
	desc := fmt.Sprintf("delete rule %s %s %s handle %d", r.Family, r.Table, r.Chain, r.Handle)
	if r.Handle == 0 {
		tx.fail(desc, errors.New("delete needs the rule's handle"))
		return
	}
	if m, ok := tx.msg(desc, r.Family, msgDelRule, 0, func(e *codec.Encoder) error { r.encode(e, nil, false); return nil }); ok {
		tx.add(desc, "", m)
	}
}

func (tx *Tx) rule(verb string, r *Rule, flags uint16) {
	desc := verb + " rule " + r.Family + " " + r.Table + " " + r.Chain
	if tx.err != nil {
		return
	}
	xs, comment := r.Exprs, r.Comment
	var sets []codec.Message
	if r.Text != "" {
		cr, err := tx.c.compiler.CompileWithSets(r.Family, r.Text, func(name string) (*ruletext.SetInfo, error) {
			return tx.setInfo(setKey{r.Family, r.Table, name}), nil
		})
		if err != nil {
			tx.fail(desc, err)
			return
		}
		xs = cr.Exprs
		if comment == "" {
			comment = cr.Comment
		}
		ids := make([]uint32, len(cr.Sets))
		for i, as := range cr.Sets {
			tx.nextID++
			ids[i] = tx.nextID
			s := &Set{Family: r.Family, Table: r.Table, Name: "__set%d", id: tx.nextID, anon: as,
				Flags: SetAnonymous | SetConstant}
			switch {
			case as.VerdictMap:
				s.Name, s.Map = "__map%d", "verdict"
			case as.Data != nil:
				s.Name, s.Map = "__map%d", as.Data.String()
			case as.Obj != 0:
				s.Name, s.Map = "__objmap%d", objectTypeName(as.Obj)
			}
			if as.Interval {
				s.Flags |= SetInterval
			}
			s.Type = as.Key.String()
			ms, err := tx.setMessages(s, wireElements(as))
			if err != nil {
				tx.fail(desc, err)
				return
			}
			sets = append(sets, ms...)
		}
		for _, x := range xs {
			if lk, ok := x.(*expr.Lookup); ok && lk.SetID > 0 && int(lk.SetID) <= len(ids) && (lk.Set == "__set%d" || lk.Set == "__map%d") {
				lk.SetID = ids[lk.SetID-1]
			}
			if o, ok := x.(*expr.Objref); ok && o.SetID > 0 && int(o.SetID) <= len(ids) && o.SetName == "__objmap%d" {
				o.SetID = ids[o.SetID-1]
			}
		}
	}
	rr := *r
	rr.Comment = comment
	m, ok := tx.msg(desc, r.Family, msgNewRule, flags, func(e *codec.Encoder) error { rr.encode(e, xs, true); return nil })
	if !ok {
		return
	}
	tx.add(desc, r.Text, append(sets, m)...)
}

// setMessages builds NEWSET and, if there are elements, NEWSETELEM.
func (tx *Tx) setMessages(s *Set, ws []wireElement) ([]codec.Message, error) {
	sc, err := newSetCodec(tx.c.types, s)
	if err != nil {
		return nil, err
	}
	fam, err := familyNum(s.Family)
	if err != nil {
		return nil, err
	}
	m, err := message(msgType(msgNewSet), codec.Create, fam, 0, func(e *codec.Encoder) { s.encode(e, sc, true) })
	if err != nil {
		return nil, err
	}
	out := []codec.Message{m}
	if len(ws) > 0 {
		em, err := message(msgType(msgNewSetElem), codec.Create, fam, 0, func(e *codec.Encoder) {
			e.String(attrElemListTable, s.Table)
			e.String(attrElemListSet, s.Name)
			if s.id != 0 {
				e.Be32(attrElemListSetID, s.id)
			}
			encodeElements(e, ws)
		})
		if err != nil {
			return nil, err
		}
		out = append(out, em)
	}
	return out, nil
}

// AddSet creates a named set or map with its elements.
func (tx *Tx) AddSet(s *Set) {
	desc := "add set " + s.Family + " " + s.Table + " " + s.Name
	if tx.err != nil {
		return
	}
	sc, err := newSetCodec(tx.c.types, s)
	if err != nil {
		tx.fail(desc, err)
		return
	}
	ws, err := sc.parseElements(s, s.Elements)
	if err != nil {
		tx.fail(desc, err)
		return
	}
	tx.nextID++
	cp := *s
	cp.id = tx.nextID
	ms, err := tx.setMessages(&cp, ws)
	if err != nil {
		tx.fail(desc, err)
		return
	}
	tx.add(desc, "", ms...)
	if tx.sets == nil {
		tx.sets = map[setKey]*ruletext.SetInfo{}
	}
	tx.sets[setKey{s.Family, s.Table, s.Name}] = sc.info(s)
}

// setInfo is what a rule's compiler is told of set k: the set this
// transaction made, else the kernel's (nil when neither can tell: the
// kernel checks the rule when the batch is sent).
func (tx *Tx) setInfo(k setKey) *ruletext.SetInfo {
	if info, ok := tx.sets[k]; ok {
		return info // made here, or nil: deleted here
	}
	if tx.flushed || tx.gone[[2]string{k.family, k.table}] {
		return nil
	}
	return tx.kernelSet(k)
}

// kernelSet is the kernel's set k, asked for once per family and
// transaction; nil when the kernel has none or cannot be asked (the
// kernel checks the rule when the batch is sent).
func (tx *Tx) kernelSet(k setKey) *ruletext.SetInfo {
	sets, ok := tx.kernel[k.family]
	if !ok {
		ctx := tx.ctx
		if ctx == nil {
			ctx = context.Background()
		}
		sets = map[setKey]*ruletext.SetInfo{}
		err := tx.c.dump(ctx, msgGetSet, k.family, nil, func(m codec.Message) error {
			s, err := decodeSet(m, tx.c.types, tx.c.reg)
			if err != nil || s.Flags&SetAnonymous != 0 {
				return nil // a set nlsh cannot read is the kernel's to check
			}
			if sc, err := newSetCodec(tx.c.types, s); err == nil {
				sets[setKey{s.Family, s.Table, s.Name}] = sc.info(s)
			}
			return nil
		}, func() { clear(sets) })
		if err != nil {
			if ctx.Err() != nil {
				return nil // not remembered: asked again under the next context
			}
			sets = nil
		}
		if tx.kernel == nil {
			tx.kernel = map[string]map[setKey]*ruletext.SetInfo{}
		}
		tx.kernel[k.family] = sets
	}
	return sets[k]
}

// DelSet deletes a set.
func (tx *Tx) DelSet(s *Set) {
	desc := "delete set " + s.Family + " " + s.Table + " " + s.Name
	if tx.sets == nil {
		tx.sets = map[setKey]*ruletext.SetInfo{}
	}
	tx.sets[setKey{s.Family, s.Table, s.Name}] = nil
	if m, ok := tx.msg(desc, s.Family, msgDelSet, 0, func(e *codec.Encoder) error {
		e.String(attrSetTable, s.Table)
		e.String(attrSetName, s.Name)
		return nil
	}); ok {
		tx.add(desc, "", m)
	}
}

// AddElements adds elements to set s (s needs Family, Table, Name,
// Type, Map and Flags as the set was made with).
func (tx *Tx) AddElements(s *Set, es ...Element) {
	tx.elements("add", msgNewSetElem, codec.Create, s, es)
}

// DelElements deletes elements from set s.
func (tx *Tx) DelElements(s *Set, es ...Element) { tx.elements("delete", msgDelSetElem, 0, s, es) }

func (tx *Tx) elements(verb string, typ uint16, flags uint16, s *Set, es []Element) {
	desc := verb + " element " + s.Family + " " + s.Table + " " + s.Name
	if tx.err != nil {
		return
	}
	sc, err := newSetCodec(tx.c.types, s)
	if err != nil {
		tx.fail(desc, err)
		return
	}
	ws, err := sc.parseElements(s, es)
	if err != nil {
		tx.fail(desc, err)
		return
	}
	if m, ok := tx.msg(desc, s.Family, typ, flags, func(e *codec.Encoder) error {
		e.String(attrElemListTable, s.Table)
		e.String(attrElemListSet, s.Name)
		encodeElements(e, ws)
		return nil
	}); ok {
		tx.add(desc, "", m)
	}
}

// Commit sends the transaction as one atomic batch. On failure nothing
// of it is applied, and the error is an *OpError naming the operation the
// kernel refused (errors.Is matches its errno).
func (tx *Tx) Commit(ctx context.Context) error {
	if tx.err != nil {
		return tx.err
	}
	if len(tx.msgs) == 0 {
		return nil
	}
	begin, _ := message(msgBatchBegin, codec.Request, 0, subsysNFTables, func(e *codec.Encoder) {
		if tx.pinned {
			e.Be32(attrBatchGenID, tx.genID)
		}
	})
	// BATCH_END asks for no ack: kernels before 6.10 never send one (the
	// socket layer asks the last operation instead).
	end, _ := message(msgBatchEnd, codec.Request, 0, subsysNFTables, nil)
	msgs := make([]codec.Message, 0, len(tx.msgs)+2)
	msgs = append(msgs, begin)
	msgs = append(msgs, tx.msgs...)
	msgs[len(msgs)-1].Header.Flags |= codec.Acknowledge
	msgs = append(msgs, end)
	errs, err := tx.c.conn.BatchWith(ctx, msgs, socket.BatchOptions{Transaction: true})
	// A kernel error names the operation; errors of the exchange itself
	// (filled in for messages never answered) come after.
	for i, e := range errs {
		var ke *codec.Error
		if e == nil || i == 0 || i == len(msgs)-1 || !errors.As(e, &ke) {
			continue
		}
		op := tx.opOf[i-1]
		return &OpError{Index: op + 1, Op: tx.ops[op].desc, Text: tx.ops[op].text, Err: e}
	}
	if e := errs[0]; e != nil && !errors.Is(e, socket.ErrAborted) {
		if errors.Is(e, errRestart) {
			return fmt.Errorf("%w: %w", ErrGenerationChanged, e)
		}
		return fmt.Errorf("nftables batch: %w", e)
	}
	for _, e := range []error{errs[len(errs)-1], err} {
		if e != nil {
			return fmt.Errorf("nftables batch: %w", e)
		}
	}
	return nil
}
