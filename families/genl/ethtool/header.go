package ethtool

import "github.com/nlsh/nlsh/core/codec"

// Device names the device a request is about: by name, or by index when
// Index is non-zero.
type Device struct {
	Name  string
	Index uint32
}

// appendHeader puts the request header nest of attribute type typ.
func appendHeader(e *codec.Encoder, typ uint16, dev Device, flags uint32) {
	e.Begin(typ)
	if dev.Index != 0 {
		e.Uint32(headerDevIndex, dev.Index)
	}
	if dev.Name != "" {
		e.String(headerDevName, dev.Name)
	}
	if flags != 0 {
		e.Uint32(headerFlags, flags)
	}
	e.End()
}

// Header is the device a reply is about.
type Header struct {
	Ifindex uint32 `json:"ifindex"`
	Ifname  string `json:"ifname"`
}

func decodeHeader(d *codec.Decoder) Header {
	var h Header
	d.NestedFunc(func(hd *codec.Decoder) error {
		for hd.Next() {
			switch hd.Type() {
			case headerDevIndex:
				h.Ifindex = hd.Uint32()
			case headerDevName:
				h.Ifname = hd.String()
			}
		}
		return nil
	})
	return h
}
