package nfnl

import (
	"encoding/json"
	"strings"
)

// MarshalJSON writes the table as `nft -j` does, flags as names.
func (t *Table) MarshalJSON() ([]byte, error) {
	type plain Table
	return json.Marshal(struct {
		*plain
		Flags []string `json:"flags,omitempty"`
	}{(*plain)(t), t.FlagNames()})
}

// MarshalJSON writes the set as `nft -j` does: a concatenated type as a
// list of names, flags as names.
func (s *Set) MarshalJSON() ([]byte, error) {
	type plain Set
	var typ any = s.Type
	if strings.Contains(s.Type, " . ") {
		typ = strings.Split(s.Type, " . ")
	}
	return json.Marshal(struct {
		*plain
		Type  any      `json:"type"`
		Flags []string `json:"flags,omitempty"`
	}{(*plain)(s), typ, s.FlagNames()})
}

// MarshalJSON writes the chain as `nft -j` does: a regular chain has no
// prio.
func (c *Chain) MarshalJSON() ([]byte, error) {
	type plain Chain
	var prio *int
	if c.IsBase() {
		prio = &c.Prio
	}
	return json.Marshal(struct {
		*plain
		Prio *int `json:"prio,omitempty"`
	}{(*plain)(c), prio})
}
