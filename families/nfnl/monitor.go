package nfnl

import (
	"context"
	"errors"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/socket"
)

// ErrEventsLost reports that the kernel dropped events (the socket's
// buffer was full): the monitor's view is stale; list the ruleset again.
// It matches socket.ErrEventsLost under errors.Is.
var ErrEventsLost = socket.ErrEventsLost

// Event is one ruleset change, as `nft monitor` reports them. Exactly one
// of the object fields is set, matching Object.
type Event struct {
	// Action is "add" or "delete".
	Action string `json:"action"`
	// Object is "table", "chain", "rule", "set", "element", "object"
	// (Obj), "flowtable" or "generation" (the end of a committed batch).
	Object     string     `json:"object"`
	Table      *Table     `json:"table,omitempty"`
	Chain      *Chain     `json:"chain,omitempty"`
	Rule       *Rule      `json:"rule,omitempty"`
	Set        *Set       `json:"set,omitempty"`
	Generation uint32     `json:"generation,omitempty"`
	Elements   []Element  `json:"elem,omitempty"`
	Flowtable  *Flowtable `json:"flowtable,omitempty"`
	// Obj is the stateful object of an "object" event.
	Obj *Object `json:"obj,omitempty"`
}

// Monitor receives ruleset changes from the nftables multicast group.
type Monitor struct {
	c    *Client
	conn *socket.Conn
}

// Monitor opens a socket in the client's namespace subscribed to
// NFNLGRP_NFTABLES.
func (c *Client) Monitor() (*Monitor, error) {
	cfg := c.cfg
	cfg.DryRun = nil
	conn, err := socket.Dial(netlinkNetfilter, &cfg)
	if err != nil {
		return nil, fmt.Errorf("nftables monitor: %w", err)
	}
	if err := conn.JoinGroup(groupNFTables); err != nil {
		conn.Close()
		return nil, fmt.Errorf("nftables monitor: join group: %w", err)
	}
	return &Monitor{c: c, conn: conn}, nil
}

// Close closes the monitor's socket.
func (m *Monitor) Close() error { return m.conn.Close() }

// Receive waits for the next datagram of events and decodes them.
func (m *Monitor) Receive(ctx context.Context) ([]Event, error) {
	msgs, err := m.conn.Receive(ctx)
	if err != nil {
		if errors.Is(err, socket.ErrEventsLost) {
			m.conn.Discard()
		}
		return nil, fmt.Errorf("nftables monitor: %w", err)
	}
	var out []Event
	for _, msg := range msgs {
		ev, ok, err := m.c.decodeEvent(msg)
		if err != nil {
			return out, fmt.Errorf("nftables monitor: %w", err)
		}
		if ok {
			out = append(out, ev)
		}
	}
	return out, nil
}

func (c *Client) decodeEvent(msg codec.Message) (Event, bool, error) {
	if msg.Header.Type>>8 != subsysNFTables {
		return Event{}, false, nil
	}
	var ev Event
	var err error
	switch msg.Header.Type & 0xff {
	case msgNewTable, msgDelTable:
		ev.Object = "table"
		ev.Table, err = decodeTable(msg)
	case msgNewChain, msgDelChain:
		ev.Object = "chain"
		ev.Chain, err = decodeChain(msg)
	case msgNewRule, msgDelRule:
		ev.Object = "rule"
		if ev.Rule, err = decodeRule(msg, c.reg); err == nil {
			ev.Rule.Text = c.printRule(ev.Rule, nil)
		}
	case msgNewSet, msgDelSet:
		ev.Object = "set"
		ev.Set, err = decodeSet(msg, c.types, c.reg)
	case msgNewSetElem, msgDelSetElem:
		ev.Object = "element"
		ev.Set, ev.Elements, err = c.decodeElemEvent(msg)
	case msgNewObj, msgDelObj:
		ev.Object = "object"
		ev.Obj, err = c.decodeObject(msg)
	case msgNewFlowtable, msgDelFlowtable:
		ev.Object = "flowtable"
		ev.Flowtable, err = decodeFlowtable(msg)
	case msgNewGen:
		ev.Object = "generation"
		_, d, berr := body(msg)
		if berr != nil {
			return ev, false, berr
		}
		for d.Next() {
			if d.Type() == attrGenID {
				ev.Generation = d.Be32()
			}
		}
		err = d.Err()
	default:
		return ev, false, nil
	}
	switch msg.Header.Type & 0xff {
	case msgDelTable, msgDelChain, msgDelRule, msgDelSet, msgDelSetElem, msgDelObj, msgDelFlowtable:
		ev.Action = "delete"
	default:
		ev.Action = "add"
	}
	return ev, true, err
}

// decodeElemEvent names the set of an element event; its elements are
// decoded when the set's type is known from a listing.
func (c *Client) decodeElemEvent(msg codec.Message) (*Set, []Element, error) {
	fam, d, err := body(msg)
	if err != nil {
		return nil, nil, err
	}
	s := &Set{Family: familyName(fam)}
	var ws []wireElement
	for d.Next() {
		switch d.Type() {
		case attrElemListTable:
			s.Table = d.String()
		case attrElemListSet:
			s.Name = d.String()
		case attrElemListElements:
			if ws, err = decodeElements(d.Bytes(), c.reg); err != nil {
				return nil, nil, err
			}
		}
	}
	var es []Element
	for _, w := range ws {
		es = append(es, Element{Key: fmt.Sprintf("%x", w.key)})
	}
	return s, es, d.Err()
}
