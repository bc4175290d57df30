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
// not, as nft reads it; or an object chosen by a map (objrefMap).
func (s *state) objref(words string) error {
	typ := objTypeOf(words)
	if typ == 0 {
		return fmt.Errorf("%s: no such object statement", words)
	}
	t := s.l.next()
	switch {
	case t == "" || t == "{" || t == "}" || t == ",":
		return fmt.Errorf("%s: want the object's name", words)
	case !strings.HasPrefix(t, `"`) && natMapKeyWord(t) && t != "numgen" && t != "jhash" && t != "symhash":
		s.l.pos--
		return s.objrefMap(words, typ)
	case !strings.HasPrefix(t, `"`) && (natMapKeyWord(t) || t == "ct" || strings.HasPrefix(t, "@")):
		return fmt.Errorf("%s %s: want the object's name, or a header field or meta key and a map of names", words, t)
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

// objrefMap compiles the object chosen by a map: "counter name tcp
// dport map @m", "ct helper set udp dport map { 69 : "tftp-69" }": the
// key into register 1 (a concatenation from there on), then the objref
// of the map, named or anonymous, whose values are objects of type typ.
func (s *state) objrefMap(words string, typ uint32) error {
	ms, err := s.concatMembers()
	if err != nil {
		return fmt.Errorf("%s ... map: key: %w", words, err)
	}
	s.loadConcat(ms, 0)
	var key KeyType
	for _, m := range ms {
		key = append(key, m.typ)
	}
	if err := s.l.expect("map"); err != nil {
		return fmt.Errorf("%s %s: %w", words, key, err)
	}
	x := &expr.Objref{SourceRegister: expr.Reg1}
	switch t := s.l.next(); {
	case strings.HasPrefix(t, "@") && len(t) > 1:
		x.SetName = t[1:]
		if s.sets != nil {
			info, err := s.sets(x.SetName)
			if err != nil {
				return fmt.Errorf("@%s: %w", x.SetName, err)
			}
			if info != nil && (info.Obj != typ || info.Key.String() != key.String()) {
				return fmt.Errorf("%s %s map @%s: the map is not of %s to such objects", words, key, x.SetName, key)
			}
		}
	case t == "{":
		s.l.pos--
		set, err := s.anonObjectMap(key, typ)
		if err != nil {
			return fmt.Errorf("%s ... map: %w", words, err)
		}
		s.out.Sets = append(s.out.Sets, set)
		x.SetName, x.SetID = "__objmap%d", uint32(len(s.out.Sets))
	default:
		return fmt.Errorf("%s ... map: want @name or { key : \"name\", ... }, got %q", words, t)
	}
	s.emit(x)
	return nil
}

// anonObjectMap reads "{ k : "name", ... }" of key to the names of
// objects of type typ.
func (s *state) anonObjectMap(key KeyType, typ uint32) (*AnonSet, error) {
	if err := s.l.expect("{"); err != nil {
		return nil, err
	}
	set := &AnonSet{Key: key, Obj: typ}
	apart := true
	for {
		var k []string
		for {
			t := s.l.next()
			switch {
			case t == "":
				return nil, fmt.Errorf("unterminated map")
			case t == "}" && len(k) == 0:
				if len(set.Elements) == 0 {
					return nil, fmt.Errorf("empty map")
				}
				return set, nil
			case t == "," && len(k) == 0:
				if err := elementSep(t, len(set.Elements), &apart); err != nil {
					return nil, err
				}
				continue
			case t == ":":
			case t == "}" || t == ",":
				return nil, fmt.Errorf("map element %s: want key : value", strings.Join(k, " "))
			default:
				k = append(k, t)
				continue
			}
			break
		}
		if err := elementSep(strings.Join(k, " "), len(set.Elements), &apart); err != nil {
			return nil, err
		}
		kb, end, err := parseMapKey(key, strings.Join(k, " "))
		if err != nil {
			return nil, err
		}
		name := unquote(s.l.next())
		if err := checkObjName(name); err != nil {
			return nil, fmt.Errorf("map element %s: %w", strings.Join(k, " "), err)
		}
		set.Interval = set.Interval || end != nil
		set.Elements = append(set.Elements, Element{Key: kb, KeyEnd: end, Object: name})
	}
}

// parseMapKey reads a key of an anonymous map: a value, prefix or range
// of a single type, or a concatenation's (ParseConcat).
func parseMapKey(key KeyType, v string) (k, end []byte, err error) {
	if len(key) > 1 {
		return key.ParseConcat(v)
	}
	e, _, err := ParseElement(key[0], v)
	return e.Key, e.KeyEnd, err
}

// objrefMapText prints an object chosen by a map, the map looked up with
// a key whose text the caller made, loaded into reg: "counter name tcp
// dport map @m", "ct helper set udp dport map { 69 : "tftp-69" }". The
// objects' type comes from the map, which the printer's set lookup tells
// (for a named map too); false when it cannot, or the map's key is
// another.
func (s *pstate) objrefMapText(keyText string, key KeyType, reg uint32, x *expr.Objref) (string, bool) {
	if x.SourceRegister != reg || reg != expr.Reg1 || x.SetName == "" || x.Name != "" || x.Type != 0 || s.sets == nil {
		return "", false
	}
	set := s.sets(x.SetName, x.SetID)
	if set == nil || set.Obj == 0 || set.Key.String() != key.String() {
		return "", false
	}
	words := ""
	for _, o := range objKinds {
		if o.typ == set.Obj {
			words = o.words
		}
	}
	if words == "" {
		return "", false
	}
	v := "@" + x.SetName
	if strings.HasPrefix(x.SetName, "__") {
		for _, e := range set.Elements {
			if checkObjName(e.Object) != nil {
				return "", false
			}
		}
		v = FormatKeyElements(set.Key, set.Elements, set.Interval)
	} else if strings.ContainsAny(x.SetName, " \t\n{},\"") {
		return "", false
	}
	return words + " " + keyText + " map " + v, true
}
