"""WireGuard golden messages, encoded by pyroute2's wgmsg."""

from socket import AF_INET, AF_INET6, inet_pton

from pyroute2.netlink import NLM_F_ACK, NLM_F_DUMP, NLM_F_MULTI, NLM_F_REQUEST
from pyroute2.netlink.generic.wireguard import (
    WG_CMD_GET_DEVICE,
    WG_CMD_SET_DEVICE,
    WG_GENL_VERSION,
    WGPEER_F_REMOVE_ME,
    WGPEER_F_REPLACE_ALLOWEDIPS,
    WGPEER_F_UPDATE_ONLY,
    wgmsg,
)

FAMILY_ID = 0x1C  # any dynamic genl id

PRIV = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk='
PUB = 'HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw='
PEER_A = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg='
PEER_B = 'TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0='
PEER_C = 'gN65BkIKy1eCE9pP1wdc8ROUtkHLF2PfAqYdyYBz6EA='
PSK = 'FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE='


def message(cmd, flags, seq, attrs):
    m = wgmsg()
    m['cmd'] = cmd
    m['version'] = WG_GENL_VERSION
    m['header']['type'] = FAMILY_ID
    m['header']['flags'] = flags
    m['header']['sequence_number'] = seq
    m['header']['pid'] = 0
    m['attrs'] = attrs
    m.encode()
    return m


def allowed(prefixes):
    out = []
    for p in prefixes:
        addr, bits = p.split('/')
        fam = AF_INET6 if ':' in addr else AF_INET
        out.append({'attrs': [
            ['WGALLOWEDIP_A_FAMILY', fam],
            ['WGALLOWEDIP_A_IPADDR', inet_pton(fam, addr)],
            ['WGALLOWEDIP_A_CIDR_MASK', int(bits)],
        ]})
    return out


def set_device():
    a_ips = ['10.0.0.0/24', 'fd00::/64']
    b_ips = ['0.0.0.0/0']
    attrs = [
        ['WGDEVICE_A_IFNAME', 'wg0'],
        ['WGDEVICE_A_PRIVATE_KEY', PRIV],
        ['WGDEVICE_A_LISTEN_PORT', 51820],
        ['WGDEVICE_A_FWMARK', 0x1337],
        ['WGDEVICE_A_FLAGS', 1],  # WGDEVICE_F_REPLACE_PEERS
        ['WGDEVICE_A_PEERS', [
            {'attrs': [
                ['WGPEER_A_PUBLIC_KEY', PEER_A],
                ['WGPEER_A_FLAGS', 1 << WGPEER_F_REPLACE_ALLOWEDIPS],
                ['WGPEER_A_PRESHARED_KEY', PSK],
                ['WGPEER_A_ENDPOINT', {'addr': '192.0.2.1', 'port': 51820}],
                ['WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL', 25],
                ['WGPEER_A_ALLOWEDIPS', allowed(a_ips)],
            ]},
            {'attrs': [
                ['WGPEER_A_PUBLIC_KEY', PEER_B],
                ['WGPEER_A_FLAGS', 1 << WGPEER_F_UPDATE_ONLY],
                ['WGPEER_A_ENDPOINT', {'addr': '2001:db8::1', 'port': 51821,
                                       'flowinfo': 0, 'scope_id': 0}],
                ['WGPEER_A_ALLOWEDIPS', allowed(b_ips)],
            ]},
            {'attrs': [
                ['WGPEER_A_PUBLIC_KEY', PEER_C],
                ['WGPEER_A_FLAGS', 1 << WGPEER_F_REMOVE_ME],
            ]},
        ]],
    ]
    expect = {
        'ifname': 'wg0', 'private_key': PRIV, 'listen_port': 51820,
        'fwmark': 0x1337, 'replace_peers': True,
        'peers': [
            {'public_key': PEER_A, 'replace_allowed_ips': True,
             'preshared_key': PSK, 'endpoint': '192.0.2.1:51820',
             'persistent_keepalive': 25, 'allowed_ips': a_ips},
            {'public_key': PEER_B, 'update_only': True,
             'endpoint': '[2001:db8::1]:51821', 'allowed_ips': b_ips},
            {'public_key': PEER_C, 'remove': True},
        ],
    }
    return message(WG_CMD_SET_DEVICE, NLM_F_REQUEST | NLM_F_ACK, 7, attrs), expect


def get_request():
    attrs = [['WGDEVICE_A_IFNAME', 'wg0']]
    return (message(WG_CMD_GET_DEVICE, NLM_F_REQUEST | NLM_F_DUMP, 8, attrs),
            {'ifname': 'wg0'})


def get_reply():
    a_ips = ['10.0.0.0/24', 'fd00::/64']
    b_ips = ['0.0.0.0/0', '::/0']

    def peer(key, psk, ep, keep, sec, nsec, rx, tx, ips):
        attrs = [['WGPEER_A_PUBLIC_KEY', key]]
        if psk:
            attrs.append(['WGPEER_A_PRESHARED_KEY', psk])
        if ep:
            attrs.append(['WGPEER_A_ENDPOINT', ep])
        attrs += [
            ['WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL', keep],
            ['WGPEER_A_LAST_HANDSHAKE_TIME', {'tv_sec': sec, 'tv_nsec': nsec}],
            ['WGPEER_A_RX_BYTES', rx],
            ['WGPEER_A_TX_BYTES', tx],
            ['WGPEER_A_ALLOWEDIPS', allowed(ips)],
            ['WGPEER_A_PROTOCOL_VERSION', 1],
        ]
        return {'attrs': attrs}

    attrs = [
        ['WGDEVICE_A_IFINDEX', 5],
        ['WGDEVICE_A_IFNAME', 'wg0'],
        ['WGDEVICE_A_PRIVATE_KEY', PRIV],
        ['WGDEVICE_A_PUBLIC_KEY', PUB],
        ['WGDEVICE_A_LISTEN_PORT', 51820],
        ['WGDEVICE_A_FWMARK', 0x1337],
        ['WGDEVICE_A_PEERS', [
            peer(PEER_A, PSK, {'addr': '192.0.2.1', 'port': 51820}, 25,
                 1714564800, 500000000, 1 << 40, 12345, a_ips),
            peer(PEER_B, None, {'addr': '2001:db8::1', 'port': 51821,
                                'flowinfo': 0, 'scope_id': 0}, 0,
                 0, 0, 0, 0, b_ips),
        ]],
    ]
    expect = {
        'ifindex': 5, 'ifname': 'wg0', 'private_key': PRIV,
        'public_key': PUB, 'listen_port': 51820, 'fwmark': 0x1337,
        'peers': [
            {'public_key': PEER_A, 'preshared_key': PSK,
             'endpoint': '192.0.2.1:51820', 'persistent_keepalive': 25,
             'latest_handshake': '2024-05-01T12:00:00.5Z',
             'rx_bytes': 1 << 40, 'tx_bytes': 12345, 'protocol_version': 1,
             'allowed_ips': a_ips},
            {'public_key': PEER_B, 'endpoint': '[2001:db8::1]:51821',
             'persistent_keepalive': 0,
             'latest_handshake': '0001-01-01T00:00:00Z',
             'rx_bytes': 0, 'tx_bytes': 0, 'protocol_version': 1,
             'allowed_ips': b_ips},
        ],
    }
    return message(WG_CMD_GET_DEVICE, NLM_F_MULTI, 8, attrs), expect


def cases():
    m, e = set_device()
    yield 'set_device', m, e
    m, e = get_request()
    yield 'get_device_request', m, e
    m, e = get_reply()
    yield 'get_device_reply', m, e
