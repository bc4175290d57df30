// Package hwsim is the "MAC80211_HWSIM" generic netlink family of the
// mac80211_hwsim module: simulated 802.11 radios made and removed at run
// time (HWSIM_CMD_NEW_RADIO, HWSIM_CMD_DEL_RADIO, HWSIM_CMD_GET_RADIO), as
// hwsim_mgmt and wmediumd's tools do. Tests use it to get radios of their
// own instead of sharing the ones the module made at load time.
//
// A radio is made in the namespace of the client's socket and is seen
// (listed, deleted) only from the namespace its wiphy is in: after
// nl80211's SetWiphyNetns, delete it through a client in that namespace.
// Radios made in the initial namespace share one medium (they hear each
// other from any namespace) and go back to the initial namespace when the
// namespace holding them is destroyed; radios made in another namespace
// share a medium only with that namespace's and are destroyed with it.
//
// The family is mostly schema data (every attribute of
// linux/mac80211_hwsim.h up to HWSIM_ATTR_MLO_SUPPORT, so raw requests and
// --trace decode by name); the typed part is Radio and the three radio
// commands.
package hwsim

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/nlsh/nlsh/core/codec"
	"github.com/nlsh/nlsh/families/genl"
	"golang.org/x/sys/unix"
)

// Family name, version and multicast group (mac80211_hwsim.c).
const (
	FamilyName = "MAC80211_HWSIM"
	Version    = 1
	// GroupConfig carries NEW_RADIO and DEL_RADIO notifications.
	GroupConfig = "config"
)

// Commands (enum hwsim_commands).
const (
	CmdRegister    = 1
	CmdFrame       = 2
	CmdTxInfoFrame = 3
	CmdNewRadio    = 4
	CmdDelRadio    = 5
	CmdGetRadio    = 6
	CmdAddMACAddr  = 7
	CmdDelMACAddr  = 8
	CmdStartPMSR   = 9
	CmdAbortPMSR   = 10
	CmdReportPMSR  = 11
)

// Attributes (enum hwsim_attrs).
const (
	attrAddrReceiver    = 1
	attrAddrTransmitter = 2
	attrFrame           = 3
	attrFlags           = 4
	attrRxRate          = 5
	attrSignal          = 6
	attrTxInfo          = 7
	attrCookie          = 8
	attrChannels        = 9
	attrRadioID         = 10
	attrRegHintAlpha2   = 11
	attrRegCustomReg    = 12
	attrRegStrictReg    = 13
	attrSupportP2P      = 14
	attrUseChanctx      = 15
	attrDestroyOnClose  = 16
	attrRadioName       = 17
	attrNoVIF           = 18
	attrFreq            = 19
	attrTxInfoFlags     = 21 // 20 is HWSIM_ATTR_PAD
	attrPermAddr        = 22
	attrIftypeSupport   = 23
	attrCipherSupport   = 24
	attrMLOSupport      = 25
)

var (
	attrSchema = sync.OnceValue(func() *codec.Schema {
		return codec.NewSchema("hwsim",
			codec.Attr{Name: "addr_receiver", Const: "HWSIM_ATTR_ADDR_RECEIVER", Type: attrAddrReceiver, Kind: codec.KindHWAddr},
			codec.Attr{Name: "addr_transmitter", Const: "HWSIM_ATTR_ADDR_TRANSMITTER", Type: attrAddrTransmitter, Kind: codec.KindHWAddr},
			codec.Attr{Name: "frame", Const: "HWSIM_ATTR_FRAME", Type: attrFrame, Kind: codec.KindBinary},
			codec.Attr{Name: "flags", Const: "HWSIM_ATTR_FLAGS", Type: attrFlags, Kind: codec.KindU32},
			codec.Attr{Name: "rx_rate", Const: "HWSIM_ATTR_RX_RATE", Type: attrRxRate, Kind: codec.KindU32},
			codec.Attr{Name: "signal", Const: "HWSIM_ATTR_SIGNAL", Type: attrSignal, Kind: codec.KindS32},
			codec.Attr{Name: "tx_info", Const: "HWSIM_ATTR_TX_INFO", Type: attrTxInfo, Kind: codec.KindBinary},
			codec.Attr{Name: "cookie", Const: "HWSIM_ATTR_COOKIE", Type: attrCookie, Kind: codec.KindU64},
			codec.Attr{Name: "channels", Const: "HWSIM_ATTR_CHANNELS", Type: attrChannels, Kind: codec.KindU32},
			codec.Attr{Name: "radio_id", Const: "HWSIM_ATTR_RADIO_ID", Type: attrRadioID, Kind: codec.KindU32},
			codec.Attr{Name: "reg_hint_alpha2", Const: "HWSIM_ATTR_REG_HINT_ALPHA2", Type: attrRegHintAlpha2, Kind: codec.KindString},
			codec.Attr{Name: "reg_custom_reg", Const: "HWSIM_ATTR_REG_CUSTOM_REG", Type: attrRegCustomReg, Kind: codec.KindU32},
			codec.Attr{Name: "reg_strict_reg", Const: "HWSIM_ATTR_REG_STRICT_REG", Type: attrRegStrictReg, Kind: codec.KindFlag},
			codec.Attr{Name: "support_p2p_device", Const: "HWSIM_ATTR_SUPPORT_P2P_DEVICE", Type: attrSupportP2P, Kind: codec.KindFlag},
			codec.Attr{Name: "use_chanctx", Const: "HWSIM_ATTR_USE_CHANCTX", Type: attrUseChanctx, Kind: codec.KindFlag},
			codec.Attr{Name: "destroy_radio_on_close", Const: "HWSIM_ATTR_DESTROY_RADIO_ON_CLOSE", Type: attrDestroyOnClose, Kind: codec.KindFlag},
			// The kernel sends the name without a NUL; requests may carry one.
			codec.Attr{Name: "radio_name", Const: "HWSIM_ATTR_RADIO_NAME", Type: attrRadioName, Kind: codec.KindString},
			codec.Attr{Name: "no_vif", Const: "HWSIM_ATTR_NO_VIF", Type: attrNoVIF, Kind: codec.KindFlag},
			codec.Attr{Name: "freq", Const: "HWSIM_ATTR_FREQ", Type: attrFreq, Kind: codec.KindU32},
			codec.Attr{Name: "tx_info_flags", Const: "HWSIM_ATTR_TX_INFO_FLAGS", Type: attrTxInfoFlags, Kind: codec.KindBinary},
			codec.Attr{Name: "perm_addr", Const: "HWSIM_ATTR_PERM_ADDR", Type: attrPermAddr, Kind: codec.KindHWAddr},
			codec.Attr{Name: "iftype_support", Const: "HWSIM_ATTR_IFTYPE_SUPPORT", Type: attrIftypeSupport, Kind: codec.KindU32},
			codec.Attr{Name: "cipher_support", Const: "HWSIM_ATTR_CIPHER_SUPPORT", Type: attrCipherSupport, Kind: codec.KindBinary},
			codec.Attr{Name: "mlo_support", Const: "HWSIM_ATTR_MLO_SUPPORT", Type: attrMLOSupport, Kind: codec.KindFlag},
		)
	})

	// familySchema is the hwsim family as data (see Schema).
	familySchema = sync.OnceValue(func() *genl.FamilySchema {
		return &genl.FamilySchema{
			Name:    FamilyName,
			Version: Version,
			Attrs:   attrSchema(),
			Commands: []genl.Command{
				{Cmd: CmdRegister, Name: "REGISTER"},
				{Cmd: CmdFrame, Name: "FRAME"},
				{Cmd: CmdTxInfoFrame, Name: "TX_INFO_FRAME"},
				{Cmd: CmdNewRadio, Name: "NEW_RADIO"},
				{Cmd: CmdDelRadio, Name: "DEL_RADIO"},
				{Cmd: CmdGetRadio, Name: "GET_RADIO"},
				{Cmd: CmdAddMACAddr, Name: "ADD_MAC_ADDR"},
				{Cmd: CmdDelMACAddr, Name: "DEL_MAC_ADDR"},
				{Cmd: CmdStartPMSR, Name: "START_PMSR"},
				{Cmd: CmdAbortPMSR, Name: "ABORT_PMSR"},
				{Cmd: CmdReportPMSR, Name: "REPORT_PMSR"},
			},
		}
	})
)

// Radio is one simulated radio as GET_RADIO reports it.
type Radio struct {
	// ID is the radio's number in the module (HWSIM_ATTR_RADIO_ID), not
	// its wiphy index; its permanent address is 02:00:00:ID>>8:ID&0xff:00.
	ID uint32 `json:"id"`
	// Name is the radio's wiphy name (`iw phy`, /sys/class/ieee80211).
	Name string `json:"name"`
	// Channels is how many channels it can use at once.
	Channels   uint32 `json:"channels,omitempty"`
	UseChanctx bool   `json:"use_chanctx,omitempty"`
	P2PDevice  bool   `json:"support_p2p_device,omitempty"`
	// Alpha2 is the regulatory hint it was made with ("" for none).
	Alpha2 string `json:"reg_hint_alpha2,omitempty"`
}

// DecodeRadio reads one GET_RADIO reply (or NEW_RADIO notification)
// through the schema. A radio without an id or a name is an error.
func DecodeRadio(attrs []byte) (*Radio, error) {
	t, err := attrSchema().Decode(attrs)
	if err != nil {
		return nil, fmt.Errorf("hwsim: %w", err)
	}
	var r Radio
	// An attribute of the wrong size decodes as codec.Raw: the checked
	// assertions leave it out instead of panicking.
	id, hasID := t.Get("radio_id")
	if n, ok := id.(uint64); ok {
		r.ID = uint32(n)
	} else {
		hasID = false
	}
	if v, ok := t.Get("radio_name"); ok {
		r.Name, _ = v.(string)
	}
	if v, ok := t.Get("channels"); ok {
		n, _ := v.(uint64)
		r.Channels = uint32(n)
	}
	if v, ok := t.Get("reg_hint_alpha2"); ok {
		r.Alpha2, _ = v.(string)
	}
	_, r.UseChanctx = t.Get("use_chanctx")
	_, r.P2PDevice = t.Get("support_p2p_device")
	if !hasID || r.Name == "" {
		return nil, fmt.Errorf("hwsim: radio without id or name")
	}
	return &r, nil
}

// Client makes, lists and deletes radios through the MAC80211_HWSIM
// family, in the namespace of its generic netlink client.
type Client struct {
	g *genl.Client
}

// New returns a Client over g and registers the family's schema on g.
func New(g *genl.Client) *Client {
	g.RegisterFunc(FamilyName, Schema)
	return &Client{g: g}
}

// Radios dumps the radios whose wiphy is in the client's namespace.
func (c *Client) Radios(ctx context.Context) ([]Radio, error) {
	var out []Radio
	err := c.g.DumpEach(ctx, FamilyName, CmdGetRadio, nil, func(m genl.Message) error {
		r, err := DecodeRadio(m.Attrs)
		if err != nil {
			return err
		}
		out = append(out, *r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hwsim: list radios: %w", err)
	}
	return out, nil
}

// NewRadio makes a radio whose wiphy is called name, in the client's
// namespace, with the module's defaults (one channel, a station interface
// wlanN), and returns its id. A radio of that name already in the
// namespace is an error matching unix.EEXIST.
//
// The kernel answers NEW_RADIO with the new id in the acknowledgement's
// error field, a positive number (codec.Ack.Value), which the generic
// client's Do does not hand back. NewRadio therefore reads the id back
// from a GET_RADIO dump, by name: name must not be empty, and
// must be free in every namespace (wiphy names are global; for a taken
// name the kernel silently uses phyN instead, which NewRadio reports as
// an error).
func (c *Client) NewRadio(ctx context.Context, name string) (uint32, error) {
	if name == "" {
		return 0, errors.New("hwsim: new radio: a name is required")
	}
	radios, err := c.Radios(ctx)
	if err != nil {
		return 0, fmt.Errorf("hwsim: new radio %q: %w", name, err)
	}
	for _, r := range radios {
		if r.Name == name {
			return 0, fmt.Errorf("hwsim: new radio %q: radio %d has that name: %w", name, r.ID, unix.EEXIST)
		}
	}
	e := codec.NewEncoder(nil)
	e.String(attrRadioName, name)
	attrs, err := e.Encode()
	if err != nil {
		return 0, fmt.Errorf("hwsim: new radio %q: %w", name, err)
	}
	_, err = c.g.Do(ctx, FamilyName, CmdNewRadio, 0, attrs)
	var kerr *codec.Error
	if errors.As(err, &kerr) {
		return 0, fmt.Errorf("hwsim: new radio %q: %w", name, err)
	}
	// Another error may be a failure after the kernel made the radio:
	// the dump tells.
	radios, derr := c.Radios(ctx)
	if derr != nil {
		if err != nil {
			return 0, fmt.Errorf("hwsim: new radio %q: %w", name, err)
		}
		return 0, fmt.Errorf("hwsim: new radio %q: %w", name, derr)
	}
	for _, r := range radios {
		if r.Name == name {
			return r.ID, nil
		}
	}
	if err != nil {
		return 0, fmt.Errorf("hwsim: new radio %q: %w", name, err)
	}
	return 0, fmt.Errorf("hwsim: new radio %q: made, but no radio of that name in this namespace (the name is taken in another namespace and the kernel named the radio phyN)", name)
}

// DelRadio deletes radio id with its interfaces. A radio that does not
// exist, or whose wiphy is in another namespace than the client's, is an
// error matching unix.ENODEV.
func (c *Client) DelRadio(ctx context.Context, id uint32) error {
	e := codec.NewEncoder(nil)
	e.Uint32(attrRadioID, id)
	attrs, err := e.Encode()
	if err != nil {
		return err
	}
	if _, err := c.g.Do(ctx, FamilyName, CmdDelRadio, 0, attrs); err != nil {
		return fmt.Errorf("hwsim: delete radio %d: %w", id, err)
	}
	return nil
}

// Schema returns the MAC80211_HWSIM family as data.
// It is built on first use and is the same value every time.
func Schema() *genl.FamilySchema { return familySchema() }
