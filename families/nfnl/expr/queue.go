package expr

import "github.com/nlsh/nlsh/core/codec"

// Queue is the "queue" expression: queue the packet to userspace.
type Queue struct {
	// first queue number
	Num uint16 `json:"num,omitempty"`
	// number of queues
	Total uint16 `json:"total,omitempty"`
	// 1 bypass, 2 fanout
	Flags uint16 `json:"flags,omitempty"`
	// register with the queue number
	SourceRegisterNum uint32 `json:"source_register_num,omitempty"`

	has presence
}

// NFTA_QUEUE_* attributes.
const (
	attrQueueNum      = 1
	attrQueueTotal    = 2
	attrQueueFlags    = 3
	attrQueueSregQnum = 4
)

// Kind returns "queue".
func (x *Queue) Kind() string { return "queue" }

func (x *Queue) fields() []field {
	// A queue by number always has its number and count, as nft sends
	// them (queue 0 is a queue); one from a register has neither.
	byNum := x.SourceRegisterNum == 0
	return []field{
		{attrQueueNum, fBe16, &x.Num, byNum},
		{attrQueueTotal, fBe16, &x.Total, byNum},
		{attrQueueFlags, fBe16, &x.Flags, false},
		{attrQueueSregQnum, fBe32, &x.SourceRegisterNum, false},
	}
}

// Encode writes the expression's attributes.
func (x *Queue) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *Queue) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
