package nfnl_test

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/core/nltest"
	"github.com/nlsh/nlsh/core/socket"
	"github.com/nlsh/nlsh/families/nfnl"
)

// fuzzKernel is a fake nf_tables whose ruleset is the messages in data
// (netlink messages back to back, as a kernel sends them): a dump of
// GETx is answered with data's NEWx messages, GETGEN with generation 1.
func fuzzKernel(data []byte) nltest.Func {
	msgs, _ := codec.ParseMessages(data) // what parses; the rest is dropped
	return func(req []codec.Message) ([]codec.Message, error) {
		var out []codec.Message
		for _, r := range req {
			if r.Header.Type == nftMsg(16) { // NFT_MSG_GETGEN
				gen := []byte{2, 0, 0, 0, 8, 0, 1, 0, 0, 0, 0, 1}
				out = append(out, nltest.Reply(r, nftMsg(15), gen))
				continue
			}
			for _, m := range msgs {
				if m.Header.Type == r.Header.Type-1 {
					out = append(out, nltest.Reply(r, m.Header.Type, m.Data))
				}
			}
		}
		return out, nil
	}
}

// FuzzRulesetReplies lists a ruleset whose every byte comes from the
// fuzzer, through the whole listing (tables, chains, sets and their
// elements, rules and their text, objects, flowtables): it may fail,
// never panic or hang. As root, the seeds are the replies of a real
// kernel listing the corpus's ruleset.
func FuzzRulesetReplies(f *testing.F) {
	for _, s := range liveRulesetReplies(f) {
		f.Add(s)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		c := nfnl.New(nltest.Dial(fuzzKernel(data), nil), nil)
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rs, err := c.Ruleset(ctx, nfnl.Filter{})
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatal("the listing hung")
		}
		if err == nil && rs == nil {
			t.Fatal("no ruleset and no error")
		}
	})
}

// liveRulesetReplies loads the corpus ruleset into a namespace and
// returns what the kernel answered while nlsh listed it: every NEWx
// message, back to back (nil without root).
func liveRulesetReplies(f *testing.F) [][]byte {
	if os.Geteuid() != 0 {
		return nil
	}
	if w := flag.Lookup("test.fuzzworker"); w != nil && w.Value.String() == "true" {
		return nil // a fuzzing worker is handed its inputs: no namespace each time one starts
	}
	ns, _ := setup(f, nil)
	nftFile(f, ns, testdataNft(f, "skeleton.nft")+testdataNft(f, "corpus_sets.nft"))
	var b strings.Builder
	for _, r := range readCorpus(f)[:60] {
		b.WriteString("add rule " + r.family + " " + r.table + " " + r.chain + " " + r.text + "\n")
	}
	nftFile(f, ns, b.String())
	var got []byte
	cfg := socketIn(ns)
	cfg.WrapTransport = func(tr socket.Transport) socket.Transport { return &recorder{Transport: tr, got: &got} }
	c, err := nfnl.Dial(&nfnl.Options{Socket: cfg})
	if err != nil {
		f.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Ruleset(ctx(f), nfnl.Filter{}); err != nil {
		f.Fatal(err)
	}
	// Small seeds fuzz faster: the tables, chains, sets and objects with
	// a few rules each, and with the sets' elements apart.
	msgs, err := codec.ParseMessages(got)
	if err != nil {
		f.Fatal(err)
	}
	var base, elems, rules []codec.Message
	for _, m := range msgs {
		switch m.Header.Type {
		case nftMsg(nftNewRule):
			rules = append(rules, m)
		case nftMsg(12): // NFT_MSG_NEWSETELEM
			elems = append(elems, m)
		default:
			base = append(base, m)
		}
	}
	if len(rules) == 0 || len(elems) == 0 {
		f.Fatalf("listing the corpus: %d rules, %d element messages", len(rules), len(elems))
	}
	join := func(ms ...[]codec.Message) []byte {
		var b []byte
		for _, x := range ms {
			for _, m := range x {
				b = m.Append(b)
			}
		}
		return b
	}
	seeds := [][]byte{join(base, elems)}
	for i := 0; i < len(rules); i += 3 {
		seeds = append(seeds, join(base, rules[i:min(i+3, len(rules))]))
	}
	return seeds
}

// recorder keeps the nf_tables messages its connection receives.
type recorder struct {
	socket.Transport
	got *[]byte
}

func (r *recorder) Receive(b []byte) ([]byte, uint32, error) {
	d, g, err := r.Transport.Receive(b)
	for off := 0; err == nil && off+16 <= len(d); {
		n := int(binary.NativeEndian.Uint32(d[off:]))
		if n < 16 || off+n > len(d) {
			break
		}
		if binary.NativeEndian.Uint16(d[off+4:])>>8 == 10 {
			*r.got = append(*r.got, d[off:off+n]...)
			*r.got = append(*r.got, make([]byte, (n+3)&^3-n)...) // padding
		}
		off += (n + 3) &^ 3
	}
	return d, g, err
}
