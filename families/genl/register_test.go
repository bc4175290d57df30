package genl_test

import (
	"testing"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
	"github.com/nlsh/nlsh/families/genl/internal/gtest"
)

// A schema registered with RegisterFunc is built only when the client
// needs it, and then the client hands out what the function returns; a
// later registration of the same name replaces it, as Register does.
func TestRegisterFuncIsLazy(t *testing.T) {
	built := 0
	demo := &genl.FamilySchema{Name: "demo", Version: 1, Attrs: codec.NewSchema("demo",
		codec.Attr{Name: "x", Type: 1, Kind: codec.KindU32})}
	c := genl.New(&gtest.Fake{})
	c.RegisterFunc("demo", func() *genl.FamilySchema { built++; return demo })
	if built != 0 {
		t.Fatalf("RegisterFunc built the schema %d times before any use", built)
	}
	if got := c.Schema("demo"); got != demo || built != 1 {
		t.Fatalf("Schema(demo) = %p after %d builds, want %p", got, built, demo)
	}
	if c.Schema("nosuch") != nil {
		t.Error("Schema(nosuch) is not nil")
	}
	if c.Schema(genl.CtrlName) != genl.CtrlSchema() {
		t.Error("a new client does not know the controller's schema")
	}
	other := &genl.FamilySchema{Name: "demo"}
	c.Register(other)
	if c.Schema("demo") != other {
		t.Error("Register does not replace a schema registered with RegisterFunc")
	}
}
