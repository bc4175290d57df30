package nfnl

import (
	"context"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// Object is a named stateful object: a counter, quota or limit. Its
// state uses the attributes of the expression of the same name.
type Object struct {
	Family string `json:"family"`
	Table  string `json:"table"`
	Name   string `json:"name"`
	Handle uint64 `json:"handle,omitempty"`
	// Type is "counter", "quota" or "limit".
	Type string `json:"type"`
	// Counter, Quota or Limit holds the state; the one matching Type is
	// used (nil: zero).
	Counter *expr.Counter `json:"counter,omitempty"`
	Quota   *expr.Quota   `json:"quota,omitempty"`
	Limit   *expr.Limit   `json:"limit,omitempty"`
}

var objTypes = map[string]uint32{"counter": objCounter, "quota": objQuota, "limit": objLimit}

func (o *Object) data() (expr.Expr, error) {
	switch o.Type {
	case "counter":
		if o.Counter == nil {
			return &expr.Counter{}, nil
		}
		return o.Counter, nil
	case "quota":
		if o.Quota == nil {
			return &expr.Quota{}, nil
		}
		return o.Quota, nil
	case "limit":
		if o.Limit == nil {
			return nil, fmt.Errorf("limit object %s needs Limit", o.Name)
		}
		return o.Limit, nil
	}
	return nil, fmt.Errorf("unknown object type %q", o.Type)
}

// AddObject creates a stateful object.
func (tx *Tx) AddObject(o *Object) {
	desc := "add " + o.Type + " " + o.Family + " " + o.Table + " " + o.Name
	if m, ok := tx.msg(desc, o.Family, msgNewObj, codec.Create, func(e *codec.Encoder) error {
		x, err := o.data()
		if err != nil {
			return err
		}
		e.String(attrObjTable, o.Table)
		e.String(attrObjName, o.Name)
		e.Be32(attrObjType, objTypes[o.Type])
		e.BeginPlain(attrObjData)
		x.Encode(e)
		e.End()
		return nil
	}); ok {
		tx.add(desc, "", m)
	}
}

// DelObject deletes a stateful object.
func (tx *Tx) DelObject(o *Object) {
	desc := "delete " + o.Type + " " + o.Family + " " + o.Table + " " + o.Name
	if m, ok := tx.msg(desc, o.Family, msgDelObj, 0, func(e *codec.Encoder) error {
		t, ok := objTypes[o.Type]
		if !ok {
			return fmt.Errorf("unknown object type %q", o.Type)
		}
		e.String(attrObjTable, o.Table)
		e.String(attrObjName, o.Name)
		e.Be32(attrObjType, t)
		return nil
	}); ok {
		tx.add(desc, "", m)
	}
}

// Objects lists counters, quotas and limits.
func (c *Client) Objects(ctx context.Context, f Filter) ([]*Object, error) {
	var out []*Object
	err := c.dump(ctx, msgGetObj, f.Family, nil, func(m codec.Message) error {
		fam, d, err := body(m)
		if err != nil {
			return err
		}
		o := &Object{Family: familyName(fam)}
		var data []byte
		for d.Next() {
			switch d.Type() {
			case attrObjTable:
				o.Table = d.String()
			case attrObjName:
				o.Name = d.String()
			case attrObjHandle:
				o.Handle = d.Be64()
			case attrObjType:
				for n, t := range objTypes {
					if t == d.Be32() {
						o.Type = n
					}
				}
			case attrObjData:
				data = d.Bytes()
			}
		}
		if err := d.Err(); err != nil {
			return err
		}
		if o.Type == "" || (f.Table != "" && f.Table != o.Table) {
			return nil // types nlsh does not model (ct helper, synproxy, ...)
		}
		x, err := c.reg.DecodeOne(o.Type, data)
		if err != nil {
			return err
		}
		switch v := x.(type) {
		case *expr.Counter:
			o.Counter = v
		case *expr.Quota:
			o.Quota = v
		case *expr.Limit:
			o.Limit = v
		}
		out = append(out, o)
		return nil
	}, func() { out = out[:0] })
	if err != nil {
		return nil, fmt.Errorf("list objects: %w", err)
	}
	return out, nil
}
