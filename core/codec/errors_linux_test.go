package codec

import (
	"errors"
	"fmt"
	"testing"

	"golang.org/x/sys/unix"
)

func TestErrorText(t *testing.T) {
	m := firstMessage(t, "newlink_exists.reply.hex")
	a, err := ParseAck(m.Header, m.Data)
	if err != nil {
		t.Fatal(err)
	}
	e := a.Err
	e.Op = "RTM_NEWLINK"
	if got := e.Error(); got != "RTM_NEWLINK: file exists (EEXIST)" {
		t.Errorf("Error() = %q", got)
	}
	e.Msg = "Device already exists"
	if got := e.Error(); got != "RTM_NEWLINK: file exists (EEXIST): Device already exists" {
		t.Errorf("Error() = %q", got)
	}
	wrapped := fmt.Errorf("link add: %w", e)
	if !errors.Is(wrapped, unix.EEXIST) || errors.Is(wrapped, unix.ENOENT) {
		t.Error("errors.Is does not see the errno through a wrap")
	}
	var ne *Error
	if !errors.As(wrapped, &ne) || ne.Msg != "Device already exists" {
		t.Error("errors.As does not find *Error")
	}

	m = firstMessage(t, "newlink_unknown_kind.reply.hex")
	a, _ = ParseAck(m.Header, m.Data)
	testProto.Annotate(a.Err, readGolden(t, "newlink_unknown_kind.req.hex"))
	if got := a.Err.Error(); got != "RTM_NEWLINK: operation not supported (EOPNOTSUPP): Unknown device type" {
		t.Errorf("Error() = %q", got)
	}
}
