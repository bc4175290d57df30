package genl

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/nlsh/nlsh/bindings"
	"github.com/nlsh/nlsh/families/genl/ethtool"
)

// flat is one flat ethtool setting (rings, channels, coalesce, pause):
// read, written by the fields that are set, and described by its struct's
// json names.
type flat struct {
	get      string // "rings"; the setter is "set_rings"
	typ      reflect.Type
	readOnly func(name string) bool
	read     func(ctx context.Context, c *ethtool.Client, dev ethtool.Device) (any, error)
	write    func(ctx context.Context, c *ethtool.Client, dev ethtool.Device, v any) error
}

func maxField(n string) bool { return strings.HasSuffix(n, "_max") }

func flatFuncs() []flat {
	return []flat{
		{get: "rings", typ: reflect.TypeOf(ethtool.Rings{}), readOnly: maxField,
			read: func(ctx context.Context, c *ethtool.Client, d ethtool.Device) (any, error) { return c.Rings(ctx, d) },
			write: func(ctx context.Context, c *ethtool.Client, d ethtool.Device, v any) error {
				return c.SetRings(ctx, d, v.(*ethtool.Rings))
			}},
		{get: "channels", typ: reflect.TypeOf(ethtool.Channels{}), readOnly: maxField,
			read: func(ctx context.Context, c *ethtool.Client, d ethtool.Device) (any, error) { return c.Channels(ctx, d) },
			write: func(ctx context.Context, c *ethtool.Client, d ethtool.Device, v any) error {
				return c.SetChannels(ctx, d, v.(*ethtool.Channels))
			}},
		{get: "coalesce", typ: reflect.TypeOf(ethtool.Coalesce{}), readOnly: func(string) bool { return false },
			read: func(ctx context.Context, c *ethtool.Client, d ethtool.Device) (any, error) { return c.Coalesce(ctx, d) },
			write: func(ctx context.Context, c *ethtool.Client, d ethtool.Device, v any) error {
				return c.SetCoalesce(ctx, d, v.(*ethtool.Coalesce))
			}},
		{get: "pause", typ: reflect.TypeOf(ethtool.Pause{}), readOnly: func(n string) bool { return n == "stats" },
			read: func(ctx context.Context, c *ethtool.Client, d ethtool.Device) (any, error) {
				return c.Pause(ctx, d, true)
			},
			write: func(ctx context.Context, c *ethtool.Client, d ethtool.Device, v any) error {
				return c.SetPause(ctx, d, v.(*ethtool.Pause))
			}},
	}
}

// fields lists the settable fields of f: json name and struct index.
func (f flat) fields() map[string]int {
	out := map[string]int{}
	for i := 0; i < f.typ.NumField(); i++ {
		sf := f.typ.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if sf.Anonymous || name == "" || name == "-" || f.readOnly(name) || sf.Type.Kind() != reflect.Pointer {
			continue
		}
		if k := sf.Type.Elem().Kind(); k == reflect.Struct {
			continue
		}
		out[name] = i
	}
	return out
}

// flatGet is ethtool.rings{dev=} and its siblings.
func (a *api) flatGet(f flat) lua.LGFunction {
	fn := "ethtool." + f.get
	return func(L *lua.LState) int {
		dev := devArg(L, fn, nil)
		v, err := f.read(bindings.Context(L), a.client(L, fn).eth, dev)
		if err != nil {
			raise(L, fn, err)
		}
		L.Push(bindings.ToLua(L, v))
		return 1
	}
}

// flatSet is ethtool.set_rings{dev=, rx=, ...} and its siblings: only the
// fields given are sent; each is checked for its type and range first.
func (a *api) flatSet(f flat) lua.LGFunction {
	fn := "ethtool.set_" + f.get
	fields := f.fields()
	return func(L *lua.LState) int {
		v := reflect.New(f.typ)
		var given []string
		dev := devArg(L, fn, func(args *bindings.Args) {
			for name, i := range fields {
				if !args.Has(name) {
					continue
				}
				given = append(given, name)
				fv := v.Elem().Field(i)
				p := reflect.New(fv.Type().Elem())
				switch p.Elem().Kind() {
				case reflect.Bool:
					p.Elem().SetBool(args.Bool(name, bindings.Required))
				case reflect.Uint8:
					p.Elem().SetUint(uint64(args.Uint8(name, bindings.Required)))
				case reflect.Uint16:
					p.Elem().SetUint(uint64(args.Uint16(name, bindings.Required)))
				default:
					p.Elem().SetUint(uint64(args.Uint32(name, bindings.Required)))
				}
				fv.Set(p)
			}
		})
		if len(given) == 0 {
			bindings.ArgError(L, fn, "nothing to set: give at least one field besides dev")
		}
		ctx := bindings.Context(L)
		cl := a.client(L, fn)
		var prev any
		if a.journalled() {
			var err error
			if prev, err = f.read(ctx, cl.eth, dev); err != nil {
				raise(L, fn, err)
			}
		}
		err := f.write(ctx, cl.eth, dev, v.Interface())
		if prev != nil && bindings.MayHaveApplied(err) {
			old := reflect.New(f.typ)
			for _, name := range given {
				i := fields[name]
				old.Elem().Field(i).Set(reflect.ValueOf(prev).Elem().Field(i))
			}
			push(a.env, a.target(), fmt.Sprintf("ethtool set %s %v of %s", f.get, given, dev.Name), func(ctx context.Context, cl *client) error {
				return f.write(ctx, cl.eth, dev, old.Interface())
			})
		}
		if err != nil {
			raise(L, fn, err)
		}
		return 0
	}
}
