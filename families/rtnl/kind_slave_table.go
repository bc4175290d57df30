package rtnl

// Port (slave) kinds: the options a master kind keeps for each of its
// ports (IFLA_INFO_SLAVE_KIND / IFLA_INFO_SLAVE_DATA), spelled as
// `ip -j -d link show` prints them under linkinfo.info_slave_data. A port
// kind is a table of the same rows as a link kind (see kindOption); adding
// one is a kind_slave_NAME.go file and an entry here.

// newSlaveKind builds a port kind from its option rows.
func newSlaveKind(name string, opts ...kindOption) *linkKind {
	k := newKind(name, 0, opts...)
	k.field = "port"
	return k
}

// slaveKinds is the table of port kinds by IFLA_INFO_SLAVE_KIND (the
// master's kind). It is never modified.
var slaveKinds = kindTable{{"bridge", bridgeSlaveKind}, {"bond", bondSlaveKind}}

// PortKinds lists the master kinds whose port options nlsh knows, sorted.
func PortKinds() []string { return slaveKinds.names() }

// PortOptions lists the settable port options of ports of a master kind
// ("bridge", "bond"), sorted.
func PortOptions(kind string) []string { return slaveKinds.settable(kind) }
