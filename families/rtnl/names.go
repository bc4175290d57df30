package rtnl

import (
	"strconv"
	"sync"

	"github.com/nlsh/nlsh/core/codec"
)

// rtnetlink message types (RTM_*), from include/uapi/linux/rtnetlink.h.
// Every file of the family uses these; the table below names them.
const (
	rtmNewLink  uint16 = 16
	rtmDelLink  uint16 = 17
	rtmGetLink  uint16 = 18
	rtmSetLink  uint16 = 19
	rtmNewAddr  uint16 = 20
	rtmDelAddr  uint16 = 21
	rtmGetAddr  uint16 = 22
	rtmNewRoute uint16 = 24
	rtmDelRoute uint16 = 25
	rtmGetRoute uint16 = 26
	rtmNewNeigh uint16 = 28
	rtmDelNeigh uint16 = 29
	rtmGetNeigh uint16 = 30
	rtmNewRule  uint16 = 32
	rtmDelRule  uint16 = 33
	rtmGetRule  uint16 = 34
)

// messageNames names the RTM_* types nlsh uses, and says which family of
// NLM_F_* modifiers each takes.
var messageNames = []struct {
	typ  uint16
	name string
	verb codec.Verb
}{
	{rtmNewLink, "RTM_NEWLINK", codec.VerbNew},
	{rtmDelLink, "RTM_DELLINK", codec.VerbDel},
	{rtmGetLink, "RTM_GETLINK", codec.VerbGet},
	{rtmSetLink, "RTM_SETLINK", codec.VerbOther},
	{rtmNewAddr, "RTM_NEWADDR", codec.VerbNew},
	{rtmDelAddr, "RTM_DELADDR", codec.VerbDel},
	{rtmGetAddr, "RTM_GETADDR", codec.VerbGet},
	{rtmNewRoute, "RTM_NEWROUTE", codec.VerbNew},
	{rtmDelRoute, "RTM_DELROUTE", codec.VerbDel},
	{rtmGetRoute, "RTM_GETROUTE", codec.VerbGet},
	{rtmNewNeigh, "RTM_NEWNEIGH", codec.VerbNew},
	{rtmDelNeigh, "RTM_DELNEIGH", codec.VerbDel},
	{rtmGetNeigh, "RTM_GETNEIGH", codec.VerbGet},
	{rtmNewRule, "RTM_NEWRULE", codec.VerbNew},
	{rtmDelRule, "RTM_DELRULE", codec.VerbDel},
	{rtmGetRule, "RTM_GETRULE", codec.VerbGet},
}

// MessageName names an rtnetlink message type, such as "RTM_NEWLINK", or
// "RTM_<n>" for a type nlsh does not know.
func MessageName(typ uint16) string {
	for _, m := range messageNames {
		if m.typ == typ {
			return m.name
		}
	}
	return "RTM_" + strconv.Itoa(int(typ))
}

// messageSchemas lists the message schemas each part of the family
// declares in its own schema_*.go file.
var messageSchemas = []func() []*codec.MessageSchema{
	linkMessageSchemas,
	addrMessageSchemas,
	routeMessageSchemas,
	neighMessageSchemas,
	ruleMessageSchemas,
}

// protocol returns the rtnetlink protocol table, built from the rows above
// on first use (a trace, a dry run or a kernel error to annotate), so a
// run that needs none of them never builds the family's schemas. It is
// never modified once built.
var protocol = sync.OnceValue(buildProtocol)

func buildProtocol() *codec.Protocol {
	have := make(map[uint16]bool)
	var ms []*codec.MessageSchema
	for _, f := range messageSchemas {
		for _, m := range f() {
			have[m.Type] = true
			ms = append(ms, m)
		}
	}
	// Types no part has described yet still get their names.
	for _, n := range messageNames {
		if !have[n.typ] {
			ms = append(ms, &codec.MessageSchema{Name: n.name, Type: n.typ, Verb: n.verb})
		}
	}
	return codec.NewProtocol("rtnetlink", ms...)
}

// Protocol returns the rtnetlink protocol table (message names, family
// headers and attribute schemas), for --trace, dry runs and raw requests.
func Protocol() *codec.Protocol { return protocol() }

// verbOf returns the verb of a message type from messageNames.
func verbOf(typ uint16) codec.Verb {
	for _, m := range messageNames {
		if m.typ == typ {
			return m.verb
		}
	}
	return codec.VerbOther
}
