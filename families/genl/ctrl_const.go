package genl

import "sync"

// Generic netlink controller constants (linux/genetlink.h).
const (
	// IDCtrl is the fixed family id of the controller, "nlctrl".
	IDCtrl uint16 = 0x10
	// CtrlName is the controller family's name.
	CtrlName = "nlctrl"

	ctrlCmdNewFamily   = 1
	ctrlCmdDelFamily   = 2
	ctrlCmdGetFamily   = 3
	ctrlCmdNewMcastGrp = 7
	ctrlCmdDelMcastGrp = 8
	ctrlCmdGetPolicy   = 10

	ctrlAttrFamilyID    = 1
	ctrlAttrFamilyName  = 2
	ctrlAttrVersion     = 3
	ctrlAttrHdrSize     = 4
	ctrlAttrMaxAttr     = 5
	ctrlAttrOps         = 6
	ctrlAttrMcastGroups = 7
	ctrlAttrPolicy      = 8
	ctrlAttrOpPolicy    = 9
	ctrlAttrOp          = 10

	ctrlAttrOpID    = 1
	ctrlAttrOpFlags = 2

	ctrlAttrMcastGrpName = 1
	ctrlAttrMcastGrpID   = 2

	ctrlAttrPolicyDo   = 1
	ctrlAttrPolicyDump = 2
)

// Operation flags (GENL_*), as CTRL_ATTR_OP_FLAGS carries them.
const (
	OpAdminPerm    uint32 = 0x01 // GENL_ADMIN_PERM
	OpCanDo        uint32 = 0x02 // GENL_CMD_CAP_DO
	OpCanDump      uint32 = 0x04 // GENL_CMD_CAP_DUMP
	OpHasPolicy    uint32 = 0x08 // GENL_CMD_CAP_HASPOL
	OpUnsAdminPerm uint32 = 0x10 // GENL_UNS_ADMIN_PERM
)

var opFlagNames = sync.OnceValue(func() map[uint64]string {
	return map[uint64]string{
		uint64(OpAdminPerm): "admin-perm", uint64(OpCanDo): "do", uint64(OpCanDump): "dump",
		uint64(OpHasPolicy): "has-policy", uint64(OpUnsAdminPerm): "uns-admin-perm",
	}
})

// OpFlagNames returns the names of the set bits of op flags, in bit order
// ("do", "dump", "has-policy", ...).
func OpFlagNames(flags uint32) []string {
	var names []string
	for bit := uint32(1); bit != 0 && bit <= flags; bit <<= 1 {
		if flags&bit == 0 {
			continue
		}
		if n, ok := opFlagNames()[uint64(bit)]; ok {
			names = append(names, n)
		} else {
			names = append(names, "0x"+hex32(bit))
		}
	}
	return names
}

func hex32(v uint32) string {
	const digits = "0123456789abcdef"
	if v == 0 {
		return "0"
	}
	var b [8]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = digits[v&0xf]
		v >>= 4
	}
	return string(b[i:])
}
