package rtnl

import (
	"errors"
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// ErrInvalidArgument is what every *ArgError matches under errors.Is: an
// argument that cannot be right, refused before anything was sent.
var ErrInvalidArgument = errors.New("invalid argument")

// ArgError is an argument rejected before anything was sent to the
// kernel. Field is spelled as the Lua/JSON field ("ifname",
// "info_data.id", "peer.ifname").
type ArgError struct {
	Field  string
	Value  any // the offending value, nil when not useful
	Reason string
}

func (e *ArgError) Error() string {
	if e.Value == nil {
		return fmt.Sprintf("%s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("%s %q: %s", e.Field, fmt.Sprint(e.Value), e.Reason)
}

// Unwrap makes errors.Is(err, ErrInvalidArgument) true.
func (e *ArgError) Unwrap() error { return ErrInvalidArgument }

func argErr(field string, v any, reason string) *ArgError {
	return &ArgError{Field: field, Value: v, Reason: reason}
}

// prefixed returns err with its field moved under prefix ("peer.").
func prefixed(prefix string, err error) error {
	var ae *ArgError
	if errors.As(err, &ae) {
		c := *ae
		c.Field = prefix + c.Field
		return &c
	}
	return err
}

// kernelErr completes a kernel error with the request it answered: op
// (RTM_NEWLINK), object ("veth0") and the attribute path of the extack
// offset. Other errors are wrapped with op and object.
func kernelErr(err error, req codec.Message, object string) error {
	if err == nil {
		return nil
	}
	var ke *codec.Error
	if errors.As(err, &ke) {
		if ke.Op == "" {
			ke.Op = MessageName(req.Header.Type)
		}
		if ke.Object == "" {
			ke.Object = object
		}
		if ke.HasOffset && ke.AttrPath == "" {
			b, _ := req.MarshalBinary()
			protocol().Annotate(ke, b)
		}
		return err
	}
	if object != "" {
		return fmt.Errorf("%s %s: %w", MessageName(req.Header.Type), object, err)
	}
	return fmt.Errorf("%s: %w", MessageName(req.Header.Type), err)
}
