// Package codec is the family-agnostic netlink wire format: the message
// header, type-length-value attributes, NLMSG_ERROR with extended ack, and
// attribute schemas as data with one generic engine that decodes any
// message into a name->value tree and encodes such a tree back.
//
// The package has no system calls and builds on every OS; everything that
// talks to a kernel lives in core/socket.
package codec
