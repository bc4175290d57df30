// Package cni runs an nlsh script as a CNI plugin (spec 0.3.0 to 1.1.0:
// ADD, DEL, CHECK, VERSION, and GC and STATUS from 1.1.0), using the CNI
// project's skel, types and version packages for the protocol.
//
// The network configuration names the script and may carry any other keys
// for it:
//
//	{"cniVersion": "1.0.0", "name": "mynet", "type": "nlsh",
//	 "script": "/etc/nlsh/bridge.lua",     // required, absolute
//	 "allowPaths": ["/var/lib/nlsh"],      // files the script may open
//	 "allowExec": false,                   // keep os.execute / io.popen
//	 "timeout": "10s",                     // default engine.DefaultTimeout
//	 "bridge": "cni0", "subnet": "10.22.0.0/16"}   // anything else
//
// The script gets a `cni` table:
//
//	cni.command       "ADD", "DEL", "CHECK", "GC" or "STATUS"
//	cni.container_id  CNI_CONTAINERID
//	cni.netns         the container's namespace target (opened once at
//	                  start), or nil when CNI_NETNS is empty or gone (DEL)
//	cni.netns_path    CNI_NETNS as given
//	cni.ifname        CNI_IFNAME
//	cni.args          CNI_ARGS as a table (K=V;K2=V2)
//	cni.path          CNI_PATH as a list of directories
//	cni.config        the whole network configuration, parsed
//	cni.version       the configuration's cniVersion
//	cni.prev_result   the previous plugin's result (chaining), or nil
//	cni.error(code, msg [, details])  fail with a CNI error code
//
// On ADD the script returns the result table: interfaces ({name, mac,
// mtu, sandbox}), ips ({address = "10.0.0.2/24", gateway, interface}),
// routes ({dst, gw, mtu, priority, table, scope}) and dns ({nameservers,
// domain, search, options}). An ip's interface is the interface's name or
// its position in interfaces as Lua counts (1 is the first); prev_result
// uses positions too, so a script may return it, changed. A script that
// returns nothing passes prev_result through. nlsh prints the result in
// the configuration's cniVersion.
//
// A failure is printed as CNI error JSON: 7 for a bad configuration, 8 for
// a namespace that cannot be opened, 11 (try again later) when the script
// ran past its deadline, the code given to cni.error, or CodeScript. The
// changes of a failed run are rolled back (see package engine).
package cni
