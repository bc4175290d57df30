package nfnl

import (
	"fmt"
	"strconv"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/nfnl/ruletext"
)

// Attributes of the conntrack and secmark objects' state.
const (
	attrCtHelperName    = 1 // NFTA_CT_HELPER_NAME
	attrCtHelperL3Proto = 2 // NFTA_CT_HELPER_L3PROTO (be16 NFPROTO_*)
	attrCtHelperL4Proto = 3 // NFTA_CT_HELPER_L4PROTO

	attrCtExpectL3Proto = 1 // NFTA_CT_EXPECT_L3PROTO (be16 NFPROTO_*)
	attrCtExpectL4Proto = 2 // NFTA_CT_EXPECT_L4PROTO
	attrCtExpectDPort   = 3 // NFTA_CT_EXPECT_DPORT
	attrCtExpectTimeout = 4 // NFTA_CT_EXPECT_TIMEOUT (milliseconds)
	attrCtExpectSize    = 5 // NFTA_CT_EXPECT_SIZE

	attrSecmarkCtx = 1 // NFTA_SECMARK_CTX
)

// ctHelperNameMax is the kernel's limit on a helper's name
// (NF_CT_HELPER_NAME_LEN, with its NUL).
const ctHelperNameMax = 15

// l4proto is the number of protocol name p ("tcp", "udp", or a number).
func l4proto(types *ruletext.Types, p string) (uint8, error) {
	b, err := types.ByName("inet_proto").Parse(p)
	if err != nil || len(b) != 1 {
		return 0, fmt.Errorf("protocol %q: not a protocol name or number", p)
	}
	return b[0], nil
}

// l3proto is the NFPROTO_* number of family name f, the table's family
// when f is empty.
func l3proto(f, table string) (uint16, error) {
	if f == "" {
		f = table
	}
	switch f {
	case "ip", "ip6", "inet":
		n, _ := familyNum(f)
		return uint16(n), nil
	}
	return 0, fmt.Errorf("l3proto %q: want ip, ip6 or inet", f)
}

func (h *CtHelper) encode(e *codec.Encoder, family string, types *ruletext.Types) error {
	if h.Type == "" || len(h.Type) > ctHelperNameMax {
		return fmt.Errorf("ct helper type %q: want a helper's name of 1 to %d bytes", h.Type, ctHelperNameMax)
	}
	l4, err := l4proto(types, h.Protocol)
	if err != nil {
		return fmt.Errorf("ct helper: %w", err)
	}
	l3, err := l3proto(h.L3Proto, family)
	if err != nil {
		return fmt.Errorf("ct helper: %w", err)
	}
	e.String(attrCtHelperName, h.Type)
	e.Be16(attrCtHelperL3Proto, l3)
	e.Uint8(attrCtHelperL4Proto, l4)
	return nil
}

func decodeCtHelper(b []byte, types *ruletext.Types) (*CtHelper, error) {
	h := &CtHelper{}
	d := codec.NewDecoder(b)
	for d.Next() {
		switch d.Type() {
		case attrCtHelperName:
			h.Type = d.String()
		case attrCtHelperL3Proto:
			h.L3Proto = l3protoName(d.Be16())
		case attrCtHelperL4Proto:
			h.Protocol = types.ByName("inet_proto").Format([]byte{d.Uint8()})
		}
	}
	return h, d.Err()
}

// l3protoName names NFPROTO_* number n.
func l3protoName(n uint16) string {
	if n > 255 {
		return strconv.Itoa(int(n))
	}
	return familyName(uint8(n))
}

func (x *CtExpectation) encode(e *codec.Encoder, family string, types *ruletext.Types) error {
	l4, err := l4proto(types, x.Protocol)
	if err != nil {
		return fmt.Errorf("ct expectation: %w", err)
	}
	l3, err := l3proto(x.L3Proto, family)
	if err != nil {
		return fmt.Errorf("ct expectation: %w", err)
	}
	e.Be16(attrCtExpectL3Proto, l3)
	e.Uint8(attrCtExpectL4Proto, l4)
	e.Be16(attrCtExpectDPort, x.DPort)
	e.Uint32(attrCtExpectTimeout, x.TimeoutMS)
	e.Uint8(attrCtExpectSize, x.Size)
	return nil
}

func decodeCtExpectation(b []byte, types *ruletext.Types) (*CtExpectation, error) {
	x := &CtExpectation{}
	d := codec.NewDecoder(b)
	for d.Next() {
		switch d.Type() {
		case attrCtExpectL3Proto:
			x.L3Proto = l3protoName(d.Be16())
		case attrCtExpectL4Proto:
			x.Protocol = types.ByName("inet_proto").Format([]byte{d.Uint8()})
		case attrCtExpectDPort:
			x.DPort = d.Be16()
		case attrCtExpectTimeout:
			x.TimeoutMS = d.Uint32()
		case attrCtExpectSize:
			x.Size = d.Uint8()
		}
	}
	return x, d.Err()
}

func decodeSecmark(b []byte) (*Secmark, error) {
	s := &Secmark{}
	d := codec.NewDecoder(b)
	for d.Next() {
		if d.Type() == attrSecmarkCtx {
			s.Context = d.String()
		}
	}
	return s, d.Err()
}
