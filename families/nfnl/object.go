package nfnl

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/nfnl/expr"
	"github.com/nlsh/nlsh/families/nfnl/ruletext"
)

// Object is a named stateful object of a table: a counter, quota or
// limit or synproxy (their state uses the attributes of the expression
// of the same name), a conntrack helper, expectation or timeout policy,
// a secmark, or an object of another type, kept as the kernel holds it
// (Data).
type Object struct {
	Family string `json:"family"`
	Table  string `json:"table"`
	Name   string `json:"name"`
	Handle uint64 `json:"handle,omitempty"`
	// Type is the object's type as nft names it (ObjectTypes); one of a
	// type no nft names lists as "type N".
	Type    string `json:"type"`
	Comment string `json:"comment,omitempty"`
	// The state of the type's own field: the one matching Type is used
	// (nil: zero for counter and quota; the others need theirs).
	Counter       *expr.Counter  `json:"counter,omitempty"`
	Quota         *expr.Quota    `json:"quota,omitempty"`
	Limit         *expr.Limit    `json:"limit,omitempty"`
	CtHelper      *CtHelper      `json:"ct_helper,omitempty"`
	CtExpectation *CtExpectation `json:"ct_expectation,omitempty"`
	CtTimeout     *CtTimeout     `json:"ct_timeout,omitempty"`
	Synproxy      *expr.Synproxy `json:"synproxy,omitempty"`
	Secmark       *Secmark       `json:"secmark,omitempty"`
	// Data is, for a type nlsh has no field for (connlimit, tunnel, ...),
	// the object's state as the kernel lists it
	// (NFTA_OBJ_DATA's attributes): listed, and written back unchanged
	// by AddObject, so a rollback restores such an object as it was.
	Data []byte `json:"data,omitempty"`
}

// CtHelper is a conntrack helper object (nft's `ct helper NAME { type
// "ftp" protocol tcp; l3proto inet; }`), which rules assign with `ct
// helper set "NAME"`.
type CtHelper struct {
	// Type is the kernel helper's name: "ftp", "sip", "tftp", ...
	Type string `json:"type"`
	// Protocol is the layer 4 protocol: "tcp" or "udp".
	Protocol string `json:"protocol"`
	// L3Proto is the family it helps: "ip", "ip6" or "inet" (the
	// table's family when empty).
	L3Proto string `json:"l3proto,omitempty"`
}

// CtExpectation is a conntrack expectation object (nft's `ct
// expectation NAME { protocol tcp; dport 5432; timeout 1h; size 12;
// l3proto ip; }`), which rules set with `ct expectation set "NAME"`.
type CtExpectation struct {
	Protocol string `json:"protocol"`
	DPort    uint16 `json:"dport"`
	// TimeoutMS is how long an expectation lives, in milliseconds.
	TimeoutMS uint32 `json:"timeout_ms"`
	// Size is how many expectations a connection may have.
	Size    uint8  `json:"size"`
	L3Proto string `json:"l3proto,omitempty"`
}

// Secmark is a security mark object: an SELinux context (needs a
// kernel with SELinux).
type Secmark struct {
	Context string `json:"context"`
}

// ObjectTypes are the object types nf_tables has (NFT_OBJECT_*), as nft
// names them.
var ObjectTypes = []string{"counter", "quota", "ct helper", "limit", "connlimit", "tunnel", "ct timeout", "secmark", "ct expectation", "synproxy"}

// objectTypeNum is t's NFT_OBJECT_* number: ObjectTypes' or "type N"'s.
func objectTypeNum(t string) (uint32, error) {
	for i, n := range ObjectTypes {
		if n == t {
			return uint32(i + 1), nil
		}
	}
	if s, ok := strings.CutPrefix(t, "type "); ok {
		if n, err := strconv.ParseUint(s, 10, 32); err == nil && n > 0 {
			return uint32(n), nil
		}
	}
	return 0, fmt.Errorf("unknown object type %q (want one of %s)", t, strings.Join(ObjectTypes, ", "))
}

// objectTypeName names NFT_OBJECT_* number n.
func objectTypeName(n uint32) string {
	if n >= 1 && int(n) <= len(ObjectTypes) {
		return ObjectTypes[n-1]
	}
	return "type " + strconv.FormatUint(uint64(n), 10)
}

// encodeData writes the object's state (NFTA_OBJ_DATA's attributes):
// its type's field, else (a type nlsh has none for, or a ct timeout
// policy listed as bytes) Data.
func (o *Object) encodeData(e *codec.Encoder, types *ruletext.Types) error {
	switch {
	case o.Type == "counter":
		c := o.Counter
		if c == nil {
			c = &expr.Counter{}
		}
		c.Encode(e)
		return nil
	case o.Type == "quota":
		q := o.Quota
		if q == nil {
			q = &expr.Quota{}
		}
		q.Encode(e)
		return nil
	case o.Type == "limit":
		if o.Limit == nil {
			return fmt.Errorf("limit object %s needs Limit", o.Name)
		}
		o.Limit.Encode(e)
		return nil
	case o.Type == "ct helper":
		if o.CtHelper == nil {
			return fmt.Errorf("ct helper object %s needs CtHelper", o.Name)
		}
		return o.CtHelper.encode(e, o.Family, types)
	case o.Type == "ct expectation":
		if o.CtExpectation == nil {
			return fmt.Errorf("ct expectation object %s needs CtExpectation", o.Name)
		}
		return o.CtExpectation.encode(e, o.Family, types)
	case o.Type == "synproxy" && o.Synproxy != nil:
		o.Synproxy.Encode(e)
		return nil
	case o.Type == "ct timeout" && o.CtTimeout != nil:
		return o.CtTimeout.encode(e, o.Family)
	case o.Type == "secmark":
		if o.Secmark == nil || o.Secmark.Context == "" {
			return fmt.Errorf("secmark object %s needs a context", o.Name)
		}
		e.String(attrSecmarkCtx, o.Secmark.Context)
		return nil
	case o.Data == nil:
		return fmt.Errorf("%s object %s: needs its state (nlsh writes this type back as listed: Data)", o.Type, o.Name)
	}
	if err := checkAttrs(o.Data); err != nil {
		return fmt.Errorf("%s object %s: Data: %w", o.Type, o.Name, err)
	}
	e.Raw(o.Data)
	return nil
}

// checkAttrs checks that b is netlink attributes, back to back.
func checkAttrs(b []byte) error {
	d := codec.NewDecoder(b)
	for d.Next() {
	}
	return d.Err()
}

// AddObject creates a stateful object.
func (tx *Tx) AddObject(o *Object) {
	desc := "add " + o.Type + " " + o.Family + " " + o.Table + " " + o.Name
	if m, ok := tx.msg(desc, o.Family, msgNewObj, codec.Create, func(e *codec.Encoder) error {
		t, err := objectTypeNum(o.Type)
		if err != nil {
			return err
		}
		e.String(attrObjTable, o.Table)
		e.String(attrObjName, o.Name)
		e.Be32(attrObjType, t)
		e.BeginPlain(attrObjData)
		if err := o.encodeData(e, tx.c.types); err != nil {
			return err
		}
		e.End()
		if o.Comment != "" {
			e.Bytes(attrObjUserdata, udata(nil).putString(udataComment, o.Comment))
		}
		return nil
	}); ok {
		tx.add(desc, "", m)
	}
}

// DelObject deletes a stateful object.
func (tx *Tx) DelObject(o *Object) {
	desc := "delete " + o.Type + " " + o.Family + " " + o.Table + " " + o.Name
	if m, ok := tx.msg(desc, o.Family, msgDelObj, 0, func(e *codec.Encoder) error {
		t, err := objectTypeNum(o.Type)
		if err != nil {
			return err
		}
		e.String(attrObjTable, o.Table)
		e.String(attrObjName, o.Name)
		e.Be32(attrObjType, t)
		return nil
	}); ok {
		tx.add(desc, "", m)
	}
}

// Objects lists the stateful objects, of every type.
func (c *Client) Objects(ctx context.Context, f Filter) ([]*Object, error) {
	var out []*Object
	err := c.dump(ctx, msgGetObj, f.Family, nil, func(m codec.Message) error {
		o, err := c.decodeObject(m)
		if err != nil {
			return err
		}
		if f.Table == "" || f.Table == o.Table {
			out = append(out, o)
		}
		return nil
	}, func() { out = out[:0] })
	if err != nil {
		return nil, fmt.Errorf("list objects: %w", err)
	}
	return out, nil
}

// decodeObject decodes a NEWOBJ message.
func (c *Client) decodeObject(m codec.Message) (*Object, error) {
	fam, d, err := body(m)
	if err != nil {
		return nil, err
	}
	o := &Object{Family: familyName(fam)}
	var (
		data []byte
		typ  uint32
	)
	for d.Next() {
		switch d.Type() {
		case attrObjTable:
			o.Table = d.String()
		case attrObjName:
			o.Name = d.String()
		case attrObjHandle:
			o.Handle = d.Be64()
		case attrObjType:
			typ = d.Be32()
		case attrObjData:
			data = d.Bytes()
		case attrObjUserdata:
			o.Comment = udata(d.Bytes()).getString(udataComment)
		}
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	o.Type = objectTypeName(typ)
	switch typ {
	case objCounter, objQuota, objLimit, objSynproxy:
		x, err := c.reg.DecodeOne(o.Type, data)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", o.Type, o.Name, err)
		}
		switch v := x.(type) {
		case *expr.Counter:
			o.Counter = v
		case *expr.Quota:
			o.Quota = v
		case *expr.Limit:
			o.Limit = v
		case *expr.Synproxy:
			o.Synproxy = v
		}
	case objCtHelper:
		o.CtHelper, err = decodeCtHelper(data, c.types)
	case objCtExpectation:
		o.CtExpectation, err = decodeCtExpectation(data, c.types)
	case objSecmark:
		o.Secmark, err = decodeSecmark(data)
	case objCtTimeout:
		o.CtTimeout, err = decodeCtTimeout(data)
		if o.CtTimeout == nil && err == nil {
			o.Data = append([]byte{}, data...)
		}
	default:
		if err = checkAttrs(data); err == nil {
			o.Data = append([]byte{}, data...)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", o.Type, o.Name, err)
	}
	return o, nil
}
