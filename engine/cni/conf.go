package cni

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/containernetworking/cni/pkg/types"
	"github.com/containernetworking/cni/pkg/version"
)

// NetConf is the network configuration nlsh reads; every other key is
// passed to the script in cni.config.
type NetConf struct {
	types.PluginConf
	// Script is the absolute path of the Lua script.
	Script string `json:"script"`
	// AllowPaths are directories the script may open files in.
	AllowPaths []string `json:"allowPaths,omitempty"`
	// AllowExec keeps os.execute and io.popen.
	AllowExec bool `json:"allowExec,omitempty"`
	// Timeout is a Go duration ("10s"); empty means the default.
	Timeout string `json:"timeout,omitempty"`

	timeout time.Duration
	raw     map[string]any
}

// ParseConf decodes and checks a network configuration. Errors are CNI
// errors with code 7 (invalid network configuration).
func ParseConf(data []byte) (*NetConf, error) {
	c := &NetConf{}
	if err := json.Unmarshal(data, c); err != nil {
		return nil, types.NewError(types.ErrDecodingFailure, "nlsh: cannot decode the network configuration", err.Error())
	}
	if err := json.Unmarshal(data, &c.raw); err != nil {
		return nil, types.NewError(types.ErrDecodingFailure, "nlsh: cannot decode the network configuration", err.Error())
	}
	bad := func(format string, args ...any) error {
		return types.NewError(types.ErrInvalidNetworkConfig, "nlsh: "+fmt.Sprintf(format, args...), "")
	}
	if c.Script == "" {
		return nil, bad(`the network configuration has no "script" (the Lua file to run)`)
	}
	if !filepath.IsAbs(c.Script) {
		return nil, bad(`"script" %q: want an absolute path`, c.Script)
	}
	for _, p := range c.AllowPaths {
		if !filepath.IsAbs(p) {
			return nil, bad(`"allowPaths": %q: want an absolute directory`, p)
		}
	}
	if c.Timeout != "" {
		d, err := time.ParseDuration(c.Timeout)
		if err != nil || d <= 0 {
			return nil, bad(`"timeout" %q: want a positive duration such as "10s"`, c.Timeout)
		}
		c.timeout = d
	}
	if err := version.ParsePrevResult(&c.PluginConf); err != nil {
		return nil, types.NewError(types.ErrDecodingFailure, "nlsh: prevResult", err.Error())
	}
	return c, nil
}
