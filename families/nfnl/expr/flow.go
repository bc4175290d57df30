package expr

import "github.com/nlsh/nlsh/core/codec"

// FlowOffload is the "flow_offload" expression: add the packet's
// connection to a flowtable ("flow add @ft"), whose fast path then
// forwards it.
type FlowOffload struct {
	// name of the flowtable, in the rule's table
	Table string `json:"table,omitempty"`

	has presence
}

// NFTA_FLOW_* attributes.
const attrFlowTableName = 1

// Kind returns "flow_offload".
func (x *FlowOffload) Kind() string { return "flow_offload" }

func (x *FlowOffload) fields() []field {
	return []field{
		{attrFlowTableName, fString, &x.Table, true},
	}
}

// Encode writes the expression's attributes.
func (x *FlowOffload) Encode(e *codec.Encoder) { encodeFields(e, x.has, x.fields()) }

// Decode reads the expression's attributes.
func (x *FlowOffload) Decode(d *codec.Decoder) error { return decodeFields(d, &x.has, x.fields()) }
