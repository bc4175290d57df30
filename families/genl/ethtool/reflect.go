package ethtool

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/nlsh/nlsh/core/codec"
)

// The flat messages (link info, link state, rings, channels, coalesce,
// pause) are described once, by their schema; typed structs are filled
// from the decoded tree and turned back into one by their json names, so a
// new attribute is a schema row and a struct field.

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	return name
}

// fill sets the fields of the struct v points to from tree t, matching
// json names to attribute names. Integer and boolean fields are pointers,
// nil when the kernel did not send the attribute.
func fill(t *codec.Tree, v any) error {
	rv := reflect.ValueOf(v).Elem()
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		sf := rt.Field(i)
		if sf.Anonymous && sf.Type == reflect.TypeOf(Header{}) {
			if ht, ok := t.Get("header"); ok {
				if ht, ok := ht.(*codec.Tree); ok {
					h := rv.Field(i).Addr().Interface().(*Header)
					// Checked: a wrongly sized attribute decodes as codec.Raw.
					if x, ok := ht.Get("dev_index"); ok {
						n, _ := x.(uint64)
						h.Ifindex = uint32(n)
					}
					if x, ok := ht.Get("dev_name"); ok {
						h.Ifname, _ = x.(string)
					}
				}
			}
			continue
		}
		name := jsonName(sf)
		if name == "" || name == "-" {
			continue
		}
		x, ok := t.Get(name)
		if !ok {
			continue
		}
		fv := rv.Field(i)
		switch val := x.(type) {
		case uint64:
			if fv.Kind() != reflect.Pointer {
				return fmt.Errorf("field %s: not a pointer", name)
			}
			p := reflect.New(fv.Type().Elem())
			switch p.Elem().Kind() {
			case reflect.Bool:
				p.Elem().SetBool(val != 0)
			case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
				p.Elem().SetUint(val)
			default:
				return fmt.Errorf("field %s: cannot hold an integer", name)
			}
			fv.Set(p)
		case *codec.Tree:
			// Bitsets are decoded by decodeBitset, not from the tree.
			if fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Struct && fv.Type() != reflect.TypeOf(&Bitset{}) {
				p := reflect.New(fv.Type().Elem())
				if err := fill(val, p.Interface()); err != nil {
					return err
				}
				fv.Set(p)
			}
		}
	}
	return nil
}

// toTree turns the set fields of the struct v points to into a tree, in
// the schema's order, with the request header first.
func toTree(s *codec.Schema, dev Device, v any) *codec.Tree {
	t := new(codec.Tree)
	h := new(codec.Tree)
	if dev.Index != 0 {
		h.Add("dev_index", uint64(dev.Index))
	}
	if dev.Name != "" {
		h.Add("dev_name", dev.Name)
	}
	t.Add("header", h)
	rv := reflect.ValueOf(v).Elem()
	byName := map[string]reflect.Value{}
	for i := 0; i < rv.NumField(); i++ {
		if n := jsonName(rv.Type().Field(i)); n != "" {
			byName[n] = rv.Field(i)
		}
	}
	for _, a := range s.Attrs {
		fv, ok := byName[a.Name]
		if !ok || fv.Kind() != reflect.Pointer || fv.IsNil() || fv.Elem().Kind() == reflect.Struct {
			continue
		}
		switch e := fv.Elem(); e.Kind() {
		case reflect.Bool:
			var n uint64
			if e.Bool() {
				n = 1
			}
			t.Add(a.Name, n)
		default:
			t.Add(a.Name, e.Uint())
		}
	}
	return t
}
