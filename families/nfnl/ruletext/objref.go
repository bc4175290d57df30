package ruletext

import (
	"fmt"
	"strings"

	"github.com/nlsh/nlsh/families/nfnl/expr"
)

// This file holds the statements that name a stateful object of the
// table (an objref expression): "counter name "c1"", "quota name",
// "limit name", "ct helper set "ftp-21"", "ct timeout set", "ct
// expectation set", "meta secmark set" and "synproxy name". nft reads
// and lists each with the words of objKinds before the object's name,
// which it lists quoted.

// objKinds are the stateful objects a rule names (NFT_OBJECT_*), with
// the words before the name, as nft 1.0.6 reads and lists them.
var objKinds = [...]struct {
	typ   uint32
	words string
}{
	{expr.ObjCounter, "counter name"},
	{expr.ObjQuota, "quota name"},
	{expr.ObjCtHelper, "ct helper set"},
	{expr.ObjLimit, "limit name"},
	{expr.ObjCtTimeout, "ct timeout set"},
	{expr.ObjSecmark, "meta secmark set"},
	{expr.ObjCtExpect, "ct expectation set"},
	{expr.ObjSynproxy, "synproxy name"},
}

// objNameMax is the longest object name the kernel takes
// (NFT_OBJ_MAXNAMELEN less its NUL).
const objNameMax = 255

// objTypeOf returns the object type of the words before a name ("ct
// helper set"); 0 for none.
func objTypeOf(words string) uint32 {
	for _, o := range objKinds {
		if o.words == words {
			return o.typ
		}
	}
	return 0
}

// objref compiles the name after words ("counter name", "ct helper
// set", ...): a reference to the named object of the table, quoted or
// not, as nft reads it. nft's other form, an object chosen by a map
// ("ct helper set udp dport map { ... }"), is refused.
func (s *state) objref(words string) error {
	typ := objTypeOf(words)
	if typ == 0 {
		return fmt.Errorf("%s: no such object statement", words)
	}
	t := s.l.next()
	switch {
	case t == "" || t == "{" || t == "}" || t == ",":
		return fmt.Errorf("%s: want the object's name", words)
	case !strings.HasPrefix(t, `"`) && (natMapKeyWord(t) || t == "ct" || strings.HasPrefix(t, "@")):
		return fmt.Errorf("%s %s: want the object's name, not an expression (nlsh reads no object chosen by a map)", words, t)
	}
	name := unquote(t)
	if err := checkObjName(name); err != nil {
		return fmt.Errorf("%s: %w", words, err)
	}
	s.emit(&expr.Objref{Type: typ, Name: name})
	return nil
}

// checkObjName reports a name no object of the kernel has, or rule text
// cannot say: empty, too long, holding a NUL or a quote.
func checkObjName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("want the object's name")
	case len(name) > objNameMax:
		return fmt.Errorf("object name of %d bytes, at most %d", len(name), objNameMax)
	case strings.ContainsAny(name, "\x00\""):
		return fmt.Errorf("object name %q holds a NUL or a quote", name)
	}
	return nil
}

// objrefText prints an objref as nft lists it: "ct helper set "ftp-21"";
// false for a map's objref (nlsh prints no object map), an object type
// nft has no words for, or a name rule text cannot say.
func objrefText(x *expr.Objref) (string, bool) {
	if x.SourceRegister != 0 || x.SetName != "" || x.SetID != 0 || checkObjName(x.Name) != nil {
		return "", false
	}
	for _, o := range objKinds {
		if o.typ == x.Type {
			return o.words + " " + quote(x.Name), true
		}
	}
	return "", false
}
