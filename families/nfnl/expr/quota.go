package expr

import "github.com/nlsh/nlsh/core/codec"

// Quota is the "quota" expression: match until (or, with QuotaInvert, after) Bytes have been seen.
type Quota struct {
	// the quota
	Bytes uint64 `json:"bytes,omitempty"`
	// bytes used so far
	Consumed uint64 `json:"consumed,omitempty"`
	// QuotaInvert for \"over\"
	Flags uint32 `json:"flags,omitempty"`

	has presence
}

// NFTA_QUOTA_* attributes.
const (
	attrQuotaBytes    = 1
	attrQuotaConsumed = 4
	attrQuotaFlags    = 2
)

// QuotaInvert (NFT_QUOTA_F_INV) matches once the quota is used up.
const QuotaInvert uint32 = 1

// Kind returns "quota".
func (x *Quota) Kind() string { return "quota" }

func (x *Quota) fields() []field {
	return []field{
		{attrQuotaBytes, fBe64, &x.Bytes, true},
		{attrQuotaConsumed, fBe64, &x.Consumed, false},
		{attrQuotaFlags, fBe32, &x.Flags, true},
	}
}

// Encode writes the expression's attributes.
func (x *Quota) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Quota) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
