package expr

import (
	"fmt"
	"strings"

	"github.com/nlsh/nlsh/core/codec"
)

// Verdict codes: netfilter's NF_* and nftables' own (negative) ones.
const (
	VerdictDrop     int32 = 0
	VerdictAccept   int32 = 1
	VerdictStolen   int32 = 2
	VerdictQueue    int32 = 3
	VerdictRepeat   int32 = 4
	VerdictStop     int32 = 5
	VerdictContinue int32 = -1
	VerdictBreak    int32 = -2
	VerdictJump     int32 = -3
	VerdictGoto     int32 = -4
	VerdictReturn   int32 = -5
)

// Verdict is a verdict, as immediate loads it or a verdict map holds it.
type Verdict struct {
	Code  int32  `json:"code"`
	Chain string `json:"chain,omitempty"` // for jump and goto
}

var verdictNames = map[int32]string{
	VerdictDrop: "drop", VerdictAccept: "accept", VerdictStolen: "stolen",
	VerdictQueue: "queue", VerdictRepeat: "repeat", VerdictStop: "stop",
	VerdictContinue: "continue", VerdictBreak: "break", VerdictJump: "jump",
	VerdictGoto: "goto", VerdictReturn: "return",
}

// String prints the verdict as nft does: "accept", "jump other".
func (v Verdict) String() string {
	n, ok := verdictNames[v.Code]
	if !ok {
		n = fmt.Sprintf("verdict %d", v.Code)
	}
	if v.Chain != "" {
		return n + " " + v.Chain
	}
	return n
}

// ParseVerdict reads "accept", "drop", "jump CHAIN", "goto CHAIN",
// "return", "continue" or "queue".
func ParseVerdict(s string) (Verdict, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return Verdict{}, fmt.Errorf("empty verdict")
	}
	for code, n := range verdictNames {
		if n != f[0] {
			continue
		}
		if code == VerdictJump || code == VerdictGoto {
			if len(f) != 2 {
				return Verdict{}, fmt.Errorf("verdict %q needs a chain", f[0])
			}
			return Verdict{Code: code, Chain: f[1]}, nil
		}
		if len(f) != 1 {
			return Verdict{}, fmt.Errorf("verdict %q takes no argument", f[0])
		}
		return Verdict{Code: code}, nil
	}
	return Verdict{}, fmt.Errorf("unknown verdict %q", f[0])
}

// encode writes NFTA_DATA_VERDICT into the current nest.
func (v *Verdict) encode(e *codec.Encoder) {
	e.BeginPlain(attrDataVerdict)
	e.Be32(attrVerdictCode, uint32(v.Code))
	if v.Chain != "" {
		e.String(attrVerdictChain, v.Chain)
	}
	e.End()
}

// EncodeData writes v as the contents of an NFTA_DATA nest (for set
// elements of verdict maps).
func (v *Verdict) EncodeData(e *codec.Encoder) { v.encode(e) }

func decodeVerdict(b []byte) (*Verdict, error) {
	v := &Verdict{}
	d := codec.NewDecoder(b)
	for d.Next() {
		switch d.Type() {
		case attrVerdictCode:
			v.Code = int32(d.Be32())
		case attrVerdictChain:
			v.Chain = cString(d)
		}
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("verdict: %w", err)
	}
	return v, nil
}

// DecodeData reads an NFTA_DATA nest's payload: a value or a verdict.
func DecodeData(b []byte) (value []byte, verdict *Verdict, err error) {
	d := codec.NewDecoder(b)
	for d.Next() {
		switch d.Type() {
		case attrDataValue:
			value = append([]byte{}, d.Bytes()...)
		case attrDataVerdict:
			verdict, err = decodeVerdict(d.Bytes())
			if err != nil {
				return nil, nil, err
			}
		}
	}
	return value, verdict, d.Err()
}
