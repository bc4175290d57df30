package nfnl

import (
	"context"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// Flowtable is a flowtable: a fast path for established flows between
// Devices.
type Flowtable struct {
	Family string `json:"family"`
	Table  string `json:"table"`
	Name   string `json:"name"`
	Handle uint64 `json:"handle,omitempty"`
	// Hook is always "ingress".
	Hook    string   `json:"hook"`
	Prio    int      `json:"prio"`
	Devices []string `json:"dev,omitempty"`
	Flags   uint32   `json:"-"`
}

// AddFlowtable creates a flowtable.
func (tx *Tx) AddFlowtable(f *Flowtable) {
	desc := "add flowtable " + f.Family + " " + f.Table + " " + f.Name
	if m, ok := tx.msg(desc, f.Family, msgNewFlowtable, codec.Create, func(e *codec.Encoder) error {
		e.String(attrFlowtableTable, f.Table)
		e.String(attrFlowtableName, f.Name)
		e.BeginPlain(attrFlowtableHooks)
		e.Be32(attrFlowtableHookNum, 0)
		e.Be32(attrFlowtableHookPriority, uint32(int32(f.Prio)))
		if len(f.Devices) > 0 {
			e.BeginPlain(attrFlowtableHookDevs)
			for _, d := range f.Devices {
				e.String(attrDeviceName, d)
			}
			e.End()
		}
		e.End()
		e.Be32(attrFlowtableFlags, f.Flags)
		return nil
	}); ok {
		tx.add(desc, "", m)
	}
}

// DelFlowtable deletes a flowtable.
func (tx *Tx) DelFlowtable(f *Flowtable) {
	desc := "delete flowtable " + f.Family + " " + f.Table + " " + f.Name
	if m, ok := tx.msg(desc, f.Family, msgDelFlowtable, 0, func(e *codec.Encoder) error {
		e.String(attrFlowtableTable, f.Table)
		e.String(attrFlowtableName, f.Name)
		return nil
	}); ok {
		tx.add(desc, "", m)
	}
}

// Flowtables lists flowtables.
func (c *Client) Flowtables(ctx context.Context, f Filter) ([]*Flowtable, error) {
	var out []*Flowtable
	err := c.dump(ctx, msgGetFlowtable, f.Family, nil, func(m codec.Message) error {
		ft, err := decodeFlowtable(m)
		if err != nil {
			return err
		}
		if f.Table == "" || ft.Table == f.Table {
			out = append(out, ft)
		}
		return nil
	}, func() { out = out[:0] })
	if err != nil {
		return nil, fmt.Errorf("list flowtables: %w", err)
	}
	return out, nil
}

// decodeFlowtable decodes a NEWFLOWTABLE message.
func decodeFlowtable(m codec.Message) (*Flowtable, error) {
	fam, d, err := body(m)
	if err != nil {
		return nil, err
	}
	ft := &Flowtable{Family: familyName(fam), Hook: "ingress"}
	for d.Next() {
		switch d.Type() {
		case attrFlowtableTable:
			ft.Table = d.String()
		case attrFlowtableName:
			ft.Name = d.String()
		case attrFlowtableHandle:
			ft.Handle = d.Be64()
		case attrFlowtableFlags:
			ft.Flags = d.Be32()
		case attrFlowtableHooks:
			h := d.Nested()
			for h.Next() {
				switch h.Type() {
				case attrFlowtableHookPriority:
					ft.Prio = int(int32(h.Be32()))
				case attrFlowtableHookDevs:
					dv := h.Nested()
					for dv.Next() {
						ft.Devices = append(ft.Devices, dv.String())
					}
					if err := dv.Err(); err != nil {
						return nil, err
					}
				}
			}
			if err := h.Err(); err != nil {
				return nil, err
			}
		}
	}
	return ft, d.Err()
}
