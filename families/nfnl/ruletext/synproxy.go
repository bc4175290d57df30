package ruletext

import (
	"fmt"
	"strconv"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// synproxyOptions names what the synproxy statement takes, for errors.
const synproxyOptions = "mss N, wscale N, timestamp, sack-perm"

// synproxyFlags are the TCP options nft names, in the order it lists
// them; nft 1.0.6 lists "mss M wscale W" first whenever either is set.
var synproxyFlags = [...]struct {
	name string
	bit  uint32
}{{"timestamp", expr.SynproxyTimestamp}, {"sack-perm", expr.SynproxySackPerm}}

// synproxy compiles "synproxy [mss N] [wscale N] [timestamp]
// [sack-perm]", its options in any order, as nft reads them: one
// synproxy expression with a flag for each option given and the values
// of those given (0 for the others, as nft sends them). nft keeps the
// last of a value given twice, and takes numbers past the field's
// width cut to it: both are refused, so that the rule is what the text
// says.
func (s *state) synproxy() error {
	x := &expr.Synproxy{}
	s.options = "synproxy (" + synproxyOptions + ")"
	num := func(what string, flag uint32, max uint64) (uint64, error) {
		if x.Flags&flag != 0 {
			return 0, fmt.Errorf("synproxy: %s given twice (nft keeps the last)", what)
		}
		t := s.l.next()
		v, err := strconv.ParseUint(t, 10, 64)
		if err != nil || v > max {
			return 0, fmt.Errorf("synproxy %s: want a number from 0 to %d, got %q", what, max, t)
		}
		x.Flags |= flag
		return v, nil
	}
	for {
		w := s.l.peek()
		switch w {
		case "mss":
			s.l.next()
			v, err := num("mss", expr.SynproxyMSS, 0xffff)
			if err != nil {
				return err
			}
			x.MSS = uint16(v)
			continue
		case "wscale":
			s.l.next()
			v, err := num("wscale", expr.SynproxyWscale, 0xff)
			if err != nil {
				return err
			}
			x.Wscale = uint8(v)
			continue
		}
		known := false
		for _, f := range synproxyFlags {
			if f.name == w {
				s.l.next()
				x.Flags |= f.bit // a flag given twice is the same flag, as in nft
				known = true
			}
		}
		if !known {
			s.emit(x)
			return nil
		}
	}
}

// synproxyText prints a synproxy expression as nft 1.0.6 lists it:
// "synproxy mss 1460 wscale 7 timestamp sack-perm", "synproxy
// sack-perm"; false for what that text would read back as another rule:
// one of mss and wscale flagged without the other (nft lists both, and
// reads both back flagged), a value not flagged (nft does not list it),
// a flag nft has no word for.
func synproxyText(x *expr.Synproxy) (string, bool) {
	const words = expr.SynproxyMSS | expr.SynproxyWscale | expr.SynproxyTimestamp | expr.SynproxySackPerm
	mss, wscale := x.Flags&expr.SynproxyMSS != 0, x.Flags&expr.SynproxyWscale != 0
	if x.Flags&^words != 0 || mss != wscale || (!mss && (x.MSS != 0 || x.Wscale != 0)) {
		return "", false
	}
	w := "synproxy"
	if mss {
		w += " mss " + strconv.Itoa(int(x.MSS)) + " wscale " + strconv.Itoa(int(x.Wscale))
	}
	for _, f := range synproxyFlags {
		if x.Flags&f.bit != 0 {
			w += " " + f.name
		}
	}
	return w, true
}
