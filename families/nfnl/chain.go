package nfnl

import (
	"fmt"

	"github.com/nlsh/nlsh/core/codec"
)

// Chain is a regular chain, or a base chain when Hook is set.
type Chain struct {
	Family string `json:"family"`
	Table  string `json:"table"`
	Name   string `json:"name"`
	Handle uint64 `json:"handle,omitempty"`
	// Type is "filter", "nat" or "route" (base chains).
	Type string `json:"type,omitempty"`
	// Hook is "input", "prerouting", "ingress", ... (base chains).
	Hook string `json:"hook,omitempty"`
	// Prio is the priority; when adding, Priority may name it instead
	// ("filter", "srcnat + 10").
	Prio     int    `json:"prio"`
	Priority string `json:"-"`
	// Policy is "accept" or "drop" (base chains; empty: accept).
	Policy string `json:"policy,omitempty"`
	// Dev is the device of a netdev (or inet ingress) chain.
	Dev string `json:"dev,omitempty"`
	// Devices are the devices of one hooked to more than one (nft's
	// "devices = { eth0, eth1 }"), instead of Dev.
	Devices []string `json:"devices,omitempty"`
	Comment string   `json:"comment,omitempty"`
}

// IsBase reports whether the chain is attached to a hook.
func (c *Chain) IsBase() bool { return c.Hook != "" }

func (c *Chain) encode(e *codec.Encoder, full bool) error {
	e.String(attrChainTable, c.Table)
	if c.Handle != 0 && !full {
		e.Be64(attrChainHandle, c.Handle)
		return nil
	}
	e.String(attrChainName, c.Name)
	if !full {
		return nil
	}
	if c.Hook != "" {
		hn, err := hookNum(c.Family, c.Hook)
		if err != nil {
			return err
		}
		prio := c.Prio
		if c.Priority != "" {
			if prio, err = ParsePriority(c.Family, c.Priority); err != nil {
				return err
			}
		}
		e.BeginPlain(attrChainHook)
		e.Be32(attrHookNum, hn)
		e.Be32(attrHookPriority, uint32(int32(prio)))
		switch {
		case len(c.Devices) > 0:
			if c.Dev != "" {
				return fmt.Errorf("chain %s: give Dev or Devices, not both", c.Name)
			}
			e.BeginPlain(attrHookDevs)
			for _, d := range c.Devices {
				e.String(attrDeviceName, d)
			}
			e.End()
		case c.Dev != "":
			e.String(attrHookDev, c.Dev)
		}
		e.End()
		switch c.Policy {
		case "", "accept":
			e.Be32(attrChainPolicy, 1)
		case "drop":
			e.Be32(attrChainPolicy, 0)
		default:
			return fmt.Errorf("chain %s: unknown policy %q", c.Name, c.Policy)
		}
		t := c.Type
		if t == "" {
			t = "filter"
		}
		e.String(attrChainType, t)
	}
	if c.Comment != "" {
		e.Bytes(attrChainUserdata, udata(nil).putString(udataComment, c.Comment))
	}
	return nil
}

func decodeChain(m codec.Message) (*Chain, error) {
	fam, d, err := body(m)
	if err != nil {
		return nil, err
	}
	c := &Chain{Family: familyName(fam)}
	for d.Next() {
		switch d.Type() {
		case attrChainTable:
			c.Table = d.String()
		case attrChainName:
			c.Name = d.String()
		case attrChainHandle:
			c.Handle = d.Be64()
		case attrChainType:
			c.Type = d.String()
		case attrChainPolicy:
			if d.Be32() == 0 {
				c.Policy = "drop"
			} else {
				c.Policy = "accept"
			}
		case attrChainUserdata:
			c.Comment = udata(d.Bytes()).getString(udataComment)
		case attrChainHook:
			h := d.Nested()
			var num uint32
			for h.Next() {
				switch h.Type() {
				case attrHookNum:
					num = h.Be32()
					c.Hook = "set"
				case attrHookPriority:
					c.Prio = int(int32(h.Be32()))
				case attrHookDev:
					c.Dev = h.String()
				case attrHookDevs:
					dv := h.Nested()
					var devs []string
					for dv.Next() {
						devs = append(devs, dv.String())
					}
					if err := dv.Err(); err != nil {
						return nil, fmt.Errorf("chain hook devices: %w", err)
					}
					if len(devs) == 1 {
						c.Dev = devs[0]
					} else if len(devs) > 1 {
						c.Devices = devs
					}
				}
			}
			if err := h.Err(); err != nil {
				return nil, fmt.Errorf("chain hook: %w", err)
			}
			if c.Hook != "" {
				c.Hook = hookName(c.Family, num)
			}
		}
	}
	if err := d.Err(); err != nil {
		return nil, fmt.Errorf("chain: %w", err)
	}
	return c, nil
}
