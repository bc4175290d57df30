package nfnl

import (
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// Table flags (NFT_TABLE_F_*).
const (
	TableDormant uint32 = 1
	TableOwner   uint32 = 2
	TablePersist uint32 = 4
)

// Table is an nftables table.
type Table struct {
	Family string `json:"family"`
	Name   string `json:"name"`
	Handle uint64 `json:"handle,omitempty"`
	// Flags holds TableDormant, TableOwner, TablePersist.
	Flags   uint32 `json:"-"`
	Comment string `json:"comment,omitempty"`
	// Use is how many chains, sets and objects the table holds (dumps).
	Use uint32 `json:"-"`
}

// FlagNames lists the flags as nft -j names them.
func (t *Table) FlagNames() []string {
	var out []string
	for _, f := range []struct {
		bit  uint32
		name string
	}{{TableDormant, "dormant"}, {TableOwner, "owner"}, {TablePersist, "persist"}} {
		if t.Flags&f.bit != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

func (t *Table) encode(e *codec.Encoder, full bool) {
	e.String(attrTableName, t.Name)
	if !full {
		if t.Handle != 0 {
			e.Be64(attrTableHandle, t.Handle)
		}
		return
	}
	e.Be32(attrTableFlags, t.Flags)
	if t.Comment != "" {
		e.Bytes(attrTableUserdata, udata(nil).putString(udataComment, t.Comment))
	}
}

func decodeTable(m codec.Message) (*Table, error) {
	fam, d, err := body(m)
	if err != nil {
		return nil, err
	}
	t := &Table{Family: familyName(fam)}
	for d.Next() {
		switch d.Type() {
		case attrTableName:
			t.Name = d.String()
		case attrTableFlags:
			t.Flags = d.Be32()
		case attrTableHandle:
			t.Handle = d.Be64()
		case attrTableUse:
			t.Use = d.Be32()
		case attrTableUserdata:
			t.Comment = udata(d.Bytes()).getString(udataComment)
		}
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("table: %w", err)
	}
	return t, nil
}

// body splits an nf_tables message into its family and attributes.
func body(m codec.Message) (uint8, *codec.Decoder, error) {
	if len(m.Data) < 4 {
		return 0, nil, fmt.Errorf("nf_tables message of %d bytes: %w", len(m.Data), codec.ErrTruncated)
	}
	return m.Data[0], codec.NewDecoder(m.Data[4:]), nil
}
