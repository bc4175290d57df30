package nfnl_test

import (
	"strings"
	"testing"

	"github.com/nlsh/nlsh/families/nfnl"
)

// TestMonitor: a committed batch arrives as add events for its table,
// chain, rule (with its text) and object (with its state), ended by a
// generation event; a delete arrives as a delete event.
func TestMonitor(t *testing.T) {
	_, c := setup(t, nil)
	m, err := c.Monitor()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	collect := func() []string {
		var got []string
		for {
			evs, err := m.Receive(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range evs {
				if ev.Object == "generation" {
					return got
				}
				s := ev.Action + " " + ev.Object
				switch {
				case ev.Table != nil:
					s += " " + ev.Table.Name
				case ev.Chain != nil:
					s += " " + ev.Chain.Name
				case ev.Rule != nil:
					s += " " + ev.Rule.Text
				case ev.Obj != nil:
					s += " " + ev.Obj.Type + " " + ev.Obj.Name
					if h := ev.Obj.CtHelper; h != nil {
						s += " " + h.Type + "/" + h.Protocol
					}
				}
				got = append(got, s)
			}
		}
	}
	tx := c.Begin()
	tx.AddTable(&nfnl.Table{Family: "inet", Name: "mon"})
	tx.AddChain(&nfnl.Chain{Family: "inet", Table: "mon", Name: "c"})
	tx.AddRule(&nfnl.Rule{Family: "inet", Table: "mon", Chain: "c", Text: "tcp dport 22 accept"})
	tx.AddObject(&nfnl.Object{Family: "inet", Table: "mon", Name: "h", Type: "ct helper", CtHelper: &nfnl.CtHelper{Type: "ftp", Protocol: "tcp"}})
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(collect(), "|"); got != "add table mon|add chain c|add rule tcp dport 22 accept|add object ct helper h ftp/tcp" {
		t.Errorf("events %q", got)
	}
	tx = c.Begin()
	tx.DelTable(&nfnl.Table{Family: "inet", Name: "mon"})
	if err := tx.Commit(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := collect(); len(got) == 0 || got[len(got)-1] != "delete table mon" {
		t.Errorf("events after delete %q", got)
	}
}
