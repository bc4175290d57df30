package nfnl

import "syscall"

// nfnetlink subsystem and message types (NFNL_SUBSYS_NFTABLES,
// enum nf_tables_msg_types). A message type on the wire is
// subsys<<8 | msg.
const (
	subsysNFTables = 10

	msgBatchBegin = 0x10 // NFNL_MSG_BATCH_BEGIN
	msgBatchEnd   = 0x11 // NFNL_MSG_BATCH_END

	msgNewTable     = 0
	msgGetTable     = 1
	msgDelTable     = 2
	msgNewChain     = 3
	msgGetChain     = 4
	msgDelChain     = 5
	msgNewRule      = 6
	msgGetRule      = 7
	msgDelRule      = 8
	msgNewSet       = 9
	msgGetSet       = 10
	msgDelSet       = 11
	msgNewSetElem   = 12
	msgGetSetElem   = 13
	msgDelSetElem   = 14
	msgNewGen       = 15
	msgGetGen       = 16
	msgTrace        = 17
	msgNewObj       = 18
	msgGetObj       = 19
	msgDelObj       = 20
	msgGetObjReset  = 21
	msgNewFlowtable = 22
	msgGetFlowtable = 23
	msgDelFlowtable = 24
)

// msgType returns the wire message type of an nf_tables message.
func msgType(m uint16) uint16 { return subsysNFTables<<8 | m }

// NFNLGRP_NFTABLES, the multicast group of ruleset changes.
const groupNFTables = 7

// NFNL_BATCH_GENID: the generation id a batch is valid for.
const attrBatchGenID = 1

// NFTA_TABLE_*.
const (
	attrTableName     = 1
	attrTableFlags    = 2
	attrTableUse      = 3
	attrTableHandle   = 4
	attrTableUserdata = 6
)

// NFTA_CHAIN_*, NFTA_HOOK_*.
const (
	attrChainTable    = 1
	attrChainHandle   = 2
	attrChainName     = 3
	attrChainHook     = 4
	attrChainPolicy   = 5
	attrChainUse      = 6
	attrChainType     = 7
	attrChainCounters = 8
	attrChainFlags    = 10
	attrChainID       = 11
	attrChainUserdata = 12

	attrHookNum      = 1
	attrHookPriority = 2
	attrHookDev      = 3
	attrHookDevs     = 4
)

// NFTA_RULE_*.
const (
	attrRuleTable       = 1
	attrRuleChain       = 2
	attrRuleHandle      = 3
	attrRuleExpressions = 4
	attrRulePosition    = 6
	attrRuleUserdata    = 7
	attrRuleID          = 9
)

// NFTA_SET_*, NFTA_SET_DESC_*, NFTA_SET_ELEM_LIST_*, NFTA_SET_ELEM_*.
const (
	attrSetTable       = 1
	attrSetName        = 2
	attrSetFlags       = 3
	attrSetKeyType     = 4
	attrSetKeyLen      = 5
	attrSetDataType    = 6
	attrSetDataLen     = 7
	attrSetPolicy      = 8
	attrSetDesc        = 9
	attrSetID          = 10
	attrSetTimeout     = 11
	attrSetGCInterval  = 12
	attrSetUserdata    = 13
	attrSetObjType     = 15
	attrSetHandle      = 16
	attrSetExpr        = 17
	attrSetExpressions = 18

	attrSetDescSize   = 1
	attrSetDescConcat = 2
	attrSetFieldLen   = 1

	attrElemListTable    = 1
	attrElemListSet      = 2
	attrElemListElements = 3
	attrElemListSetID    = 4

	attrElemKey         = 1
	attrElemData        = 2
	attrElemFlags       = 3
	attrElemTimeout     = 4
	attrElemExpiration  = 5
	attrElemUserdata    = 6
	attrElemExpr        = 7
	attrElemObjref      = 9
	attrElemKeyEnd      = 10
	attrElemExpressions = 11
)

// Set flags (NFT_SET_*).
const (
	SetAnonymous uint32 = 0x1
	SetConstant  uint32 = 0x2
	SetInterval  uint32 = 0x4
	SetMap       uint32 = 0x8
	SetTimeout   uint32 = 0x10
	SetEval      uint32 = 0x20
	SetObject    uint32 = 0x40
	SetConcat    uint32 = 0x80
)

// elemIntervalEnd is NFT_SET_ELEM_INTERVAL_END.
const elemIntervalEnd = 1

// NFTA_OBJ_*, NFTA_FLOWTABLE_*, NFTA_GEN_*.
const (
	attrObjTable  = 1
	attrObjName   = 2
	attrObjType   = 3
	attrObjData   = 4
	attrObjUse    = 5
	attrObjHandle = 6

	attrFlowtableTable  = 1
	attrFlowtableName   = 2
	attrFlowtableHooks  = 3
	attrFlowtableUse    = 4
	attrFlowtableHandle = 5
	attrFlowtableFlags  = 7

	attrFlowtableHookNum      = 1
	attrFlowtableHookPriority = 2
	attrFlowtableHookDevs     = 3

	attrGenID = 1
)

// Object types (NFT_OBJECT_*).
const (
	objCounter       = 1
	objQuota         = 2
	objCtHelper      = 3
	objLimit         = 4
	objConnlimit     = 5
	objTunnel        = 6
	objCtTimeout     = 7
	objSecmark       = 8
	objCtExpectation = 9
	objSynproxy      = 10
)

// NFTA_OBJ_USERDATA: an object's comment, as for tables.
const attrObjUserdata = 8

// NFTA_LIST_ELEM and NFTA_DEVICE_NAME.
const (
	attrListElem   = 1
	attrDeviceName = 1
)

// errRestart is Linux's ERESTART, the kernel's answer to a batch whose
// generation id is stale.
const errRestart = syscall.Errno(85)
