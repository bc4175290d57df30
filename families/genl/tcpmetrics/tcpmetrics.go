// Package tcpmetrics is the "tcp_metrics" generic netlink family: the
// per-destination TCP metrics cache the kernel keeps (RTT, RTT variance,
// slow-start threshold, congestion window, reordering, TCP Fast Open
// state), as `ip tcp_metrics` shows and flushes it. It is mostly schema
// data: the typed Entry is read from the decoded attribute tree.
package tcpmetrics

import (
	"sync"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
)

// Family name and version (linux/tcp_metrics.h).
const (
	FamilyName = "tcp_metrics"
	Version    = 1
)

// Commands.
const (
	CmdGet = 1
	CmdDel = 2
)

// Attributes (TCP_METRICS_ATTR_*).
const (
	attrAddrIPv4       = 1
	attrAddrIPv6       = 2
	attrAge            = 3
	attrTWTsval        = 4
	attrTWTsStamp      = 5
	attrVals           = 6
	attrFopenMSS       = 7
	attrFopenSynDrops  = 8
	attrFopenSynDropTS = 9
	attrFopenCookie    = 10
	attrSaddrIPv4      = 11
	attrSaddrIPv6      = 12
)

var (
	// Metric values are nested under TCP_METRIC_* + 1.
	valsSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("tcp-metrics-vals",
			codec.Attr{Name: "rtt_ms", Const: "TCP_METRIC_RTT", Type: 1, Kind: codec.KindU32},
			codec.Attr{Name: "rttvar_ms", Const: "TCP_METRIC_RTTVAR", Type: 2, Kind: codec.KindU32},
			codec.Attr{Name: "ssthresh", Const: "TCP_METRIC_SSTHRESH", Type: 3, Kind: codec.KindU32},
			codec.Attr{Name: "cwnd", Const: "TCP_METRIC_CWND", Type: 4, Kind: codec.KindU32},
			codec.Attr{Name: "reordering", Const: "TCP_METRIC_REORDERING", Type: 5, Kind: codec.KindU32},
			codec.Attr{Name: "rtt", Const: "TCP_METRIC_RTT_US", Type: 6, Kind: codec.KindU32},
			codec.Attr{Name: "rttvar", Const: "TCP_METRIC_RTTVAR_US", Type: 7, Kind: codec.KindU32},
		)
	})
	attrSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("tcp_metrics",
			codec.Attr{Name: "dst4", Const: "TCP_METRICS_ATTR_ADDR_IPV4", Type: attrAddrIPv4, Kind: codec.KindAddr},
			codec.Attr{Name: "dst6", Const: "TCP_METRICS_ATTR_ADDR_IPV6", Type: attrAddrIPv6, Kind: codec.KindAddr},
			codec.Attr{Name: "age_ms", Const: "TCP_METRICS_ATTR_AGE", Type: attrAge, Kind: codec.KindU64},
			codec.Attr{Name: "tw_tsval", Const: "TCP_METRICS_ATTR_TW_TSVAL", Type: attrTWTsval, Kind: codec.KindU32},
			codec.Attr{Name: "tw_ts_stamp", Const: "TCP_METRICS_ATTR_TW_TS_STAMP", Type: attrTWTsStamp, Kind: codec.KindS32},
			codec.Attr{Name: "vals", Const: "TCP_METRICS_ATTR_VALS", Type: attrVals, Kind: codec.KindNested, Nested: valsSchema(), Plain: true},
			codec.Attr{Name: "fopen_mss", Const: "TCP_METRICS_ATTR_FOPEN_MSS", Type: attrFopenMSS, Kind: codec.KindU16},
			codec.Attr{Name: "fopen_syn_drops", Const: "TCP_METRICS_ATTR_FOPEN_SYN_DROPS", Type: attrFopenSynDrops, Kind: codec.KindU16},
			codec.Attr{Name: "fopen_syn_drop_ts", Const: "TCP_METRICS_ATTR_FOPEN_SYN_DROP_TS", Type: attrFopenSynDropTS, Kind: codec.KindU64},
			codec.Attr{Name: "fopen_cookie", Const: "TCP_METRICS_ATTR_FOPEN_COOKIE", Type: attrFopenCookie, Kind: codec.KindBinary},
			codec.Attr{Name: "source4", Const: "TCP_METRICS_ATTR_SADDR_IPV4", Type: attrSaddrIPv4, Kind: codec.KindAddr},
			codec.Attr{Name: "source6", Const: "TCP_METRICS_ATTR_SADDR_IPV6", Type: attrSaddrIPv6, Kind: codec.KindAddr},
		)
	})

	// familySchema is the tcpmetrics family as data (see Schema).
	familySchema = sync.OnceValue(func() *genl.FamilySchema {
		return &genl.FamilySchema{
			Name:    FamilyName,
			Version: Version,
			Attrs:   attrSchema(),
			Commands: []genl.Command{
				{Cmd: CmdGet, Name: "GET"},
				{Cmd: CmdDel, Name: "DEL"},
			},
		}
	})
)

// Schema returns the tcp_metrics family as data.
// It is built on first use and is the same value every time.
func Schema() *genl.FamilySchema { return familySchema() }
