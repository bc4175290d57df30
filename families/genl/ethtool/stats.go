package ethtool

import (
	"context"
	"fmt"
	"strconv"

	"github.com/nlsh/nlsh/core/codec"
)

// Statistics attributes (ETHTOOL_A_STATS_* and ETHTOOL_A_STATS_GRP_*).
const (
	statsHeader = 2
	statsGroups = 3
	statsGrp    = 4

	statsGrpID      = 2
	statsGrpSSID    = 3
	statsGrpStat    = 4
	statsGrpHistRx  = 5
	statsGrpHistTx  = 6
	statsGrpHistLow = 7
	statsGrpHistHi  = 8
	statsGrpHistVal = 9
)

// StatsGroupNames are the standard statistics groups by their id
// (ETHTOOL_STATS_*), spelled as the kernel's ETH_SS_STATS_STD string set
// and `ethtool -S DEV --groups` spell them.
var StatsGroupNames = []string{"eth-phy", "eth-mac", "eth-ctrl", "rmon"}

// Stats is ETHTOOL_MSG_STATS_GET: the standard (IEEE 802.3 and RMON)
// counters a driver keeps (`ethtool -S DEV --all-groups`). A driver
// without them answers with no groups.
type Stats struct {
	Header
	Groups []StatsGroup `json:"groups"`
}

// StatsGroup is one group of counters. Counters are named by the kernel's
// string set for the group when it could be read ("SymbolErrorDuringCarrier"),
// else "stat_N".
type StatsGroup struct {
	ID     uint32            `json:"id"`
	Name   string            `json:"name"`
	Stats  map[string]uint64 `json:"stats"`
	HistRx []HistBucket      `json:"hist_rx,omitempty"`
	HistTx []HistBucket      `json:"hist_tx,omitempty"`
}

// HistBucket is one bucket of an RMON packet size histogram: frames of
// Low to High bytes (High 0: no upper bound).
type HistBucket struct {
	Low   uint32 `json:"low"`
	High  uint32 `json:"high"`
	Value uint64 `json:"value"`
}

// EncodeStatsRequest encodes a STATS_GET request for groups (names of
// StatsGroupNames; all of them when empty) as a verbose bitset without a
// mask, as ethtool sends it.
func EncodeStatsRequest(dev Device, groups []string) ([]byte, error) {
	if len(groups) == 0 {
		groups = StatsGroupNames
	}
	bs := Bitset{NoMask: true}
	for _, g := range groups {
		known := false
		for _, n := range StatsGroupNames {
			known = known || n == g
		}
		if !known {
			return nil, fmt.Errorf("ethtool: unknown statistics group %q (groups: %v)", g, StatsGroupNames)
		}
		bs.Bits = append(bs.Bits, Bit{Name: g, On: true})
	}
	e := codec.NewEncoder(nil)
	appendHeader(e, statsHeader, dev, 0)
	appendBitsetVerbose(e, statsGroups, &bs)
	return e.Encode()
}

// Stats reads the standard statistics groups of dev (all of them when
// groups is empty), naming each counter through the group's string set.
func (c *Client) Stats(ctx context.Context, dev Device, groups ...string) (*Stats, error) {
	attrs, err := EncodeStatsRequest(dev, groups)
	if err != nil {
		return nil, err
	}
	msgs, err := c.g.Do(ctx, FamilyName, MsgStatsGet, 0, attrs)
	if err != nil {
		return nil, fmt.Errorf("ethtool: %s statistics: %w", dev.label(), err)
	}
	st := &Stats{Groups: []StatsGroup{}}
	sets := map[uint32][]string{}
	for _, m := range msgs {
		if err := decodeStats(m.Attrs, st, func(id uint32) []string {
			if names, ok := sets[id]; ok {
				return names
			}
			names, _ := c.StringSet(ctx, dev, id) // unnamed counters stay stat_N
			sets[id] = names
			return names
		}); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// DecodeStats decodes a STATS_GET reply; names returns the string set of
// a group's counters by string set id (nil: counters are "stat_N").
func DecodeStats(attrs []byte, names func(ssID uint32) []string) (*Stats, error) {
	st := &Stats{Groups: []StatsGroup{}}
	return st, decodeStats(attrs, st, names)
}

func decodeStats(attrs []byte, st *Stats, names func(uint32) []string) error {
	d := codec.NewDecoder(attrs)
	for d.Next() {
		switch d.Type() {
		case statsHeader:
			st.Header = decodeHeader(d)
		case statsGrp:
			g, err := decodeStatsGroup(d.Bytes(), names)
			if err != nil {
				return err
			}
			st.Groups = append(st.Groups, g)
		}
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("ethtool statistics: %w", err)
	}
	return nil
}

func decodeStatsGroup(b []byte, names func(uint32) []string) (StatsGroup, error) {
	g := StatsGroup{Stats: map[string]uint64{}}
	var ssID uint32
	var raws [][]byte // the kernel sends each counter in a STAT nest of its own
	d := codec.NewDecoder(b)
	for d.Next() {
		switch d.Type() {
		case statsGrpID:
			g.ID = d.Uint32()
		case statsGrpSSID:
			ssID = d.Uint32()
		case statsGrpStat:
			raws = append(raws, d.Bytes())
		case statsGrpHistRx, statsGrpHistTx:
			bk, err := decodeHistBucket(d.Bytes())
			if err != nil {
				return g, err
			}
			if d.Type() == statsGrpHistRx {
				g.HistRx = append(g.HistRx, bk)
			} else {
				g.HistTx = append(g.HistTx, bk)
			}
		}
	}
	if err := d.Err(); err != nil {
		return g, fmt.Errorf("ethtool statistics group: %w", err)
	}
	if int(g.ID) < len(StatsGroupNames) {
		g.Name = StatsGroupNames[g.ID]
	} else {
		g.Name = "group_" + strconv.Itoa(int(g.ID))
	}
	var set []string
	if names != nil && len(raws) > 0 {
		set = names(ssID)
	}
	for _, raw := range raws {
		sd := codec.NewDecoder(raw)
		for sd.Next() {
			i := int(sd.Type())
			name := "stat_" + strconv.Itoa(i)
			if i < len(set) && set[i] != "" {
				name = set[i]
			}
			g.Stats[name] = sd.Uint64()
		}
		if err := sd.Err(); err != nil {
			return g, fmt.Errorf("ethtool statistics group %s: %w", g.Name, err)
		}
	}
	return g, nil
}

func decodeHistBucket(b []byte) (HistBucket, error) {
	var h HistBucket
	d := codec.NewDecoder(b)
	for d.Next() {
		switch d.Type() {
		case statsGrpHistLow:
			h.Low = d.Uint32()
		case statsGrpHistHi:
			h.High = d.Uint32()
		case statsGrpHistVal:
			h.Value = d.Uint64()
		}
	}
	if err := d.Err(); err != nil {
		return h, fmt.Errorf("ethtool statistics histogram: %w", err)
	}
	return h, nil
}
