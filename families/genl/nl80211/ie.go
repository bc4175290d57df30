package nl80211

import (
	"errors"
	"fmt"
)

// ErrBadIE reports information elements whose lengths overrun their
// buffer.
var ErrBadIE = errors.New("malformed information elements")

// IE is one 802.11 information element: an id and its payload.
type IE struct {
	ID   uint8
	Data []byte
}

// ParseIEs splits a buffer of information elements (id, length, payload,
// repeated). The payloads alias b.
func ParseIEs(b []byte) ([]IE, error) {
	var ies []IE
	for len(b) > 0 {
		if len(b) < 2 || int(b[1]) > len(b)-2 {
			return ies, fmt.Errorf("%w: element %d at %d bytes from the end", ErrBadIE, b[0], len(b))
		}
		n := int(b[1])
		ies = append(ies, IE{ID: b[0], Data: b[2 : 2+n]})
		b = b[2+n:]
	}
	return ies, nil
}

// SSIDFromIEs returns the SSID element (id 0) of a buffer of information
// elements; "" when there is none (a hidden network sends it empty).
func SSIDFromIEs(b []byte) (string, error) {
	ies, err := ParseIEs(b)
	if err != nil {
		return "", err
	}
	for _, ie := range ies {
		if ie.ID == 0 {
			return string(ie.Data), nil
		}
	}
	return "", nil
}
