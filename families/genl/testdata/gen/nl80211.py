"""nl80211 golden messages, encoded by pyroute2's nl80211cmd.

pyroute2 declares some attributes with classes that decode but cannot
encode (TSF, capability, information elements, signal), or as opaque
"hex" (supported iftypes, 4addr, scan frequencies, rate info). For
encoding, subclasses map them to plain pyroute2 types of the same wire
layout; each BSS message is then decoded with pyroute2's own class to
check that it reads the values we state.

Two pyroute2 traps:
- pyroute2 caches an nla class's compiled attribute map in class
  attributes (_nlmsg_base__compiled_nla, ...) that subclasses inherit:
  once nl80211cmd has been used, a subclass would silently keep the
  parent's map (and encode the information elements as an empty
  elementsBinary, whose SSID then "goes missing"). The subclasses here
  reset the cache so they compile their own map.
- pyroute2's "hex" type writes a str value as its ASCII bytes: MAC-like
  values must be given as bytes.
pyroute2 numbers the entries of arrays from 1; the kernel numbers bands
by enum nl80211_band (0 = 2.4 GHz) and frequencies from 0. nlsh ignores
frequency entry numbers and names bands by number, so the array below
is band 1 ("5ghz").
"""

import struct

from pyroute2.netlink import NLM_F_ACK, NLM_F_DUMP, NLM_F_MULTI, NLM_F_REQUEST, nla
from pyroute2.netlink.nl80211 import nl80211cmd

FAMILY_ID = 0x1D

CMD_GET_WIPHY = 1
CMD_NEW_WIPHY = 3
CMD_GET_INTERFACE = 5
CMD_SET_INTERFACE = 6
CMD_NEW_INTERFACE = 7
CMD_DEL_INTERFACE = 8
CMD_NEW_STATION = 19
CMD_GET_SCAN = 32
CMD_TRIGGER_SCAN = 33
CMD_NEW_SCAN_RESULTS = 34

IFTYPES = ['UNSPECIFIED', 'ADHOC', 'STATION', 'AP', 'AP_VLAN', 'WDS',
           'MONITOR', 'MESH_POINT', 'P2P_CLIENT', 'P2P_GO', 'P2P_DEVICE',
           'OCB', 'NAN']


def fresh(cls):
    """Drop the compiled attribute map a class inherited (see above)."""
    for k in ('_nlmsg_base__compiled_nla', '_nlmsg_base__t_nla_map',
              '_nlmsg_base__r_nla_map'):
        setattr(cls, k, None if k != '_nlmsg_base__compiled_nla' else False)
    return cls


def remap(base, changes):
    return tuple((n, changes.get(n, t)) for n, t in base)


@fresh
class enc_cmd(nl80211cmd):
    nla_map = remap(nl80211cmd.nla_map, {
        'NL80211_ATTR_SUPPORTED_IFTYPES': 'iftypes',
        'NL80211_ATTR_SOFTWARE_IFTYPES': 'iftypes',
        'NL80211_ATTR_4ADDR': 'uint8',
        'NL80211_ATTR_SCAN_FREQUENCIES': '*uint32',
        'NL80211_ATTR_SPLIT_WIPHY_DUMP': 'flag',
        'NL80211_ATTR_WIPHY_FRAG_THRESHOLD': 'uint32',
        'NL80211_ATTR_WIPHY_RTS_THRESHOLD': 'uint32',
        'NL80211_ATTR_SSID': 'cdata',
    })

    @fresh
    class iftypes(nla):
        nla_map = tuple(('NL80211_IFTYPE_' + n, 'flag') for n in IFTYPES)

    @fresh
    class bss(nl80211cmd.bss):
        nla_map = remap(nl80211cmd.bss.nla_map, {
            'NL80211_BSS_BSSID': 'cdata',
            'NL80211_BSS_TSF': 'uint64',
            'NL80211_BSS_CAPABILITY': 'uint16',
            'NL80211_BSS_INFORMATION_ELEMENTS': 'cdata',
            'NL80211_BSS_SIGNAL_MBM': 'int32',
        })

    @fresh
    class STAInfo(nl80211cmd.STAInfo):
        nla_map = remap(nl80211cmd.STAInfo.nla_map, {
            'NL80211_STA_INFO_TX_BITRATE': 'rate',
            'NL80211_STA_INFO_RX_BITRATE': 'rate',
        })

        @fresh
        class rate(nla):
            nla_map = (
                ('__NL80211_RATE_INFO_INVALID', 'hex'),
                ('NL80211_RATE_INFO_BITRATE', 'uint16'),
                ('NL80211_RATE_INFO_MCS', 'uint8'),
                ('NL80211_RATE_INFO_40_MHZ_WIDTH', 'flag'),
                ('NL80211_RATE_INFO_SHORT_GI', 'flag'),
                ('NL80211_RATE_INFO_BITRATE32', 'uint32'),
            )


def message(cmd, flags, seq, attrs):
    m = enc_cmd()
    m['cmd'] = cmd
    m['version'] = 1
    m['header']['type'] = FAMILY_ID
    m['header']['flags'] = flags
    m['header']['sequence_number'] = seq
    m['header']['pid'] = 0
    m['attrs'] = attrs
    m.encode()
    return m


def pyroute2_reads(m):
    """Decode with pyroute2's own (unpatched) message class."""
    d = nl80211cmd(m.data)
    d.decode()
    return d


def interface():
    attrs = [
        ['NL80211_ATTR_IFINDEX', 4],
        ['NL80211_ATTR_IFNAME', 'wlan0'],
        ['NL80211_ATTR_WIPHY', 0],
        ['NL80211_ATTR_IFTYPE', 2],
        ['NL80211_ATTR_WDEV', 1],
        ['NL80211_ATTR_MAC', '02:00:00:00:00:00'],
        ['NL80211_ATTR_GENERATION', 5],
        ['NL80211_ATTR_4ADDR', 0],
        ['NL80211_ATTR_WIPHY_FREQ', 2437],
        ['NL80211_ATTR_CHANNEL_WIDTH', 1],
        ['NL80211_ATTR_CENTER_FREQ1', 2437],
        ['NL80211_ATTR_WIPHY_TX_POWER_LEVEL', 2000],
        ['NL80211_ATTR_SSID', b'nlsh-net'],
    ]
    m = message(CMD_NEW_INTERFACE, NLM_F_MULTI, 3, attrs)
    d = pyroute2_reads(m)
    assert d.get_attr('NL80211_ATTR_MAC') == '02:00:00:00:00:00'
    assert d.get_attr('NL80211_ATTR_IFNAME') == 'wlan0'
    return m, {'ifindex': 4, 'ifname': 'wlan0', 'wiphy': 0, 'iftype': 'station',
               'wdev': 1, 'mac': '02:00:00:00:00:00', 'generation': 5,
               'frequency': 2437, 'channel': 6, 'channel_width': '20',
               'center_freq1': 2437, 'txpower': 2000, 'ssid': 'nlsh-net'}


def new_interface():
    attrs = [
        ['NL80211_ATTR_WIPHY', 1],
        ['NL80211_ATTR_IFNAME', 'mon0'],
        ['NL80211_ATTR_IFTYPE', 6],
        ['NL80211_ATTR_MAC', '02:00:00:00:01:01'],
        ['NL80211_ATTR_4ADDR', 1],
    ]
    m = message(CMD_NEW_INTERFACE, NLM_F_REQUEST | NLM_F_ACK, 4, attrs)
    return m, {'wiphy': 1, 'ifname': 'mon0', 'iftype': 'monitor',
               'mac': '02:00:00:00:01:01', '4addr': True}


def set_interface():
    attrs = [['NL80211_ATTR_IFINDEX', 4], ['NL80211_ATTR_IFTYPE', 7]]
    m = message(CMD_SET_INTERFACE, NLM_F_REQUEST | NLM_F_ACK, 5, attrs)
    return m, {'ifindex': 4, 'iftype': 'mesh point'}


def del_interface():
    m = message(CMD_DEL_INTERFACE, NLM_F_REQUEST | NLM_F_ACK, 6,
                [['NL80211_ATTR_IFINDEX', 4]])
    return m, {'ifindex': 4}


def trigger_scan():
    attrs = [
        ['NL80211_ATTR_IFINDEX', 4],
        ['NL80211_ATTR_SCAN_SSIDS', ['', 'nlsh-net']],
        ['NL80211_ATTR_SCAN_FREQUENCIES', [2412, 2437]],
    ]
    m = message(CMD_TRIGGER_SCAN, NLM_F_REQUEST | NLM_F_ACK, 7, attrs)
    return m, {'ifindex': 4, 'ssids': ['', 'nlsh-net'], 'frequencies': [2412, 2437]}


def get_scan():
    m = message(CMD_GET_SCAN, NLM_F_REQUEST | NLM_F_DUMP, 8,
                [['NL80211_ATTR_IFINDEX', 4]])
    return m, {'ifindex': 4}


def wiphy_dump():
    m = message(CMD_GET_WIPHY, NLM_F_REQUEST | NLM_F_DUMP, 9,
                [['NL80211_ATTR_SPLIT_WIPHY_DUMP', True]])
    return m, {}


def scan_result():
    ssid = b'nlsh-test'
    ies = (bytes([0, len(ssid)]) + ssid + bytes([1, 4, 0x82, 0x84, 0x8b, 0x96])
           + bytes([3, 1, 6]))
    bss = {'attrs': [
        ['NL80211_BSS_BSSID', bytes.fromhex('020000000100')],
        ['NL80211_BSS_FREQUENCY', 2437],
        ['NL80211_BSS_TSF', 123456789],
        ['NL80211_BSS_BEACON_INTERVAL', 100],
        ['NL80211_BSS_CAPABILITY', 0x0411],
        ['NL80211_BSS_INFORMATION_ELEMENTS', ies],
        ['NL80211_BSS_SIGNAL_MBM', -3000],
        ['NL80211_BSS_STATUS', 1],
        ['NL80211_BSS_SEEN_MS_AGO', 20],
        ['NL80211_BSS_CHAN_WIDTH', 0],
    ]}
    attrs = [
        ['NL80211_ATTR_GENERATION', 9],
        ['NL80211_ATTR_IFINDEX', 4],
        ['NL80211_ATTR_WDEV', 1],
        ['NL80211_ATTR_BSS', bss],
    ]
    m = message(CMD_NEW_SCAN_RESULTS, NLM_F_MULTI, 10, attrs)
    b = pyroute2_reads(m).get_attr('NL80211_ATTR_BSS')
    assert b.get_attr('NL80211_BSS_INFORMATION_ELEMENTS')['SSID'] == ssid, b
    assert b.get_attr('NL80211_BSS_INFORMATION_ELEMENTS')['CHANNEL'] == 6, b
    assert b.get_attr('NL80211_BSS_SIGNAL_MBM')['VALUE'] == -3000
    assert b.get_attr('NL80211_BSS_TSF')['VALUE'] == 123456789
    assert b.get_attr('NL80211_BSS_CAPABILITY')['VALUE'] == 0x0411
    assert b.get_attr('NL80211_BSS_FREQUENCY') == 2437
    assert b.get_attr('NL80211_BSS_BSSID') == '02:00:00:00:01:00'
    return m, {'generation': 9, 'ifindex': 4, 'wdev': 1,
               'bssid': '02:00:00:00:01:00', 'frequency': 2437, 'channel': 6,
               'tsf': 123456789, 'beacon_interval': 100,
               'capability': 0x0411, 'ies': ies.hex(), 'status': 'associated',
               'signal_mbm': -3000, 'seen_ms_ago': 20, 'chan_width': '20_noht',
               'ssid': 'nlsh-test'}


def station():
    info = {'attrs': [
        ['NL80211_STA_INFO_INACTIVE_TIME', 340],
        ['NL80211_STA_INFO_RX_BYTES', 123456],
        ['NL80211_STA_INFO_TX_BYTES', 654321],
        ['NL80211_STA_INFO_RX_BYTES64', 1 << 33],
        ['NL80211_STA_INFO_TX_BYTES64', 654321],
        ['NL80211_STA_INFO_RX_PACKETS', 1000],
        ['NL80211_STA_INFO_TX_PACKETS', 2000],
        ['NL80211_STA_INFO_TX_RETRIES', 3],
        ['NL80211_STA_INFO_TX_FAILED', 1],
        ['NL80211_STA_INFO_SIGNAL', -42],
        ['NL80211_STA_INFO_SIGNAL_AVG', -45],
        ['NL80211_STA_INFO_TX_BITRATE', {'attrs': [
            ['NL80211_RATE_INFO_BITRATE', 540],
            ['NL80211_RATE_INFO_BITRATE32', 540]]}],
        ['NL80211_STA_INFO_RX_BITRATE', {'attrs': [
            ['NL80211_RATE_INFO_BITRATE', 10]]}],
        ['NL80211_STA_INFO_CONNECTED_TIME', 77],
        ['NL80211_STA_INFO_BEACON_LOSS', 2],
    ]}
    attrs = [
        ['NL80211_ATTR_IFINDEX', 4],
        ['NL80211_ATTR_MAC', '02:00:00:00:01:00'],
        ['NL80211_ATTR_GENERATION', 11],
        ['NL80211_ATTR_STA_INFO', info],
    ]
    m = message(CMD_NEW_STATION, NLM_F_MULTI, 11, attrs)
    s = pyroute2_reads(m).get_attr('NL80211_ATTR_STA_INFO')
    assert s.get_attr('NL80211_STA_INFO_SIGNAL') == -42
    assert s.get_attr('NL80211_STA_INFO_RX_BYTES64') == 1 << 33
    return m, {'ifindex': 4, 'mac': '02:00:00:00:01:00', 'generation': 11,
               'inactive_time': 340, 'connected_time': 77,
               'rx_bytes': 1 << 33, 'tx_bytes': 654321,
               'rx_packets': 1000, 'tx_packets': 2000, 'tx_retries': 3,
               'tx_failed': 1, 'beacon_loss': 2, 'signal': -42,
               'signal_avg': -45, 'tx_bitrate': 540, 'rx_bitrate': 10}


def freq(mhz, *flags, power=2000):
    attrs = [['NL80211_FREQUENCY_ATTR_FREQ', mhz]]
    attrs += [['NL80211_FREQUENCY_ATTR_' + f, True] for f in flags]
    attrs.append(['NL80211_FREQUENCY_ATTR_MAX_TX_POWER', power])
    return {'attrs': attrs}


def wiphy_parts():
    """A wiphy in three parts of a split dump: capabilities, then a band
    whose frequencies continue in the third part."""
    head = [['NL80211_ATTR_WIPHY', 1], ['NL80211_ATTR_WIPHY_NAME', 'phy1'],
            ['NL80211_ATTR_GENERATION', 3]]
    p1 = head + [
        ['NL80211_ATTR_MAX_NUM_SCAN_SSIDS', 255],
        ['NL80211_ATTR_MAX_SCAN_IE_LEN', 2048],
        ['NL80211_ATTR_WIPHY_RETRY_SHORT', 7],
        ['NL80211_ATTR_WIPHY_RETRY_LONG', 4],
        ['NL80211_ATTR_WIPHY_FRAG_THRESHOLD', 0xffffffff],
        ['NL80211_ATTR_WIPHY_RTS_THRESHOLD', 0xffffffff],
        ['NL80211_ATTR_SUPPORTED_IFTYPES', {'attrs': [
            ['NL80211_IFTYPE_ADHOC', True], ['NL80211_IFTYPE_STATION', True],
            ['NL80211_IFTYPE_AP', True], ['NL80211_IFTYPE_MONITOR', True],
            ['NL80211_IFTYPE_MESH_POINT', True]]}],
        ['NL80211_ATTR_SOFTWARE_IFTYPES', {'attrs': [
            ['NL80211_IFTYPE_MONITOR', True]]}],
    ]
    p2 = head + [['NL80211_ATTR_WIPHY_BANDS', [{'attrs': [
        ['NL80211_BAND_ATTR_FREQS', [freq(5180), freq(5200, 'NO_IR')]],
        ['NL80211_BAND_ATTR_RATES', [
            {'attrs': [['NL80211_BITRATE_ATTR_RATE', 60]]},
            {'attrs': [['NL80211_BITRATE_ATTR_RATE', 540]]}]],
        ['NL80211_BAND_ATTR_HT_CAPA', 0x1072],
    ]}]]]
    p3 = head + [['NL80211_ATTR_WIPHY_BANDS', [{'attrs': [
        ['NL80211_BAND_ATTR_FREQS', [freq(5260, 'NO_IR', 'RADAR'),
                                     freq(5320, 'DISABLED', power=0)]],
    ]}]]]
    msgs = [message(CMD_NEW_WIPHY, NLM_F_MULTI, 12, p) for p in (p1, p2, p3)]
    band = pyroute2_reads(msgs[1]).get_attr('NL80211_ATTR_WIPHY_BANDS')
    assert band is not None
    expect = {
        'wiphy': 1, 'wiphy_name': 'phy1', 'generation': 3,
        'max_scan_ssids': 255, 'max_scan_ie_len': 2048, 'retry_short': 7,
        'retry_long': 4, 'frag_threshold': 0xffffffff,
        'rts_threshold': 0xffffffff,
        'supported_iftypes': ['adhoc', 'station', 'ap', 'monitor', 'mesh point'],
        'software_iftypes': ['monitor'],
        'bands': [{
            'band': '5ghz', 'ht_capa': 0x1072, 'bitrates': [60, 540],
            'frequencies': [
                {'freq': 5180, 'channel': 36, 'max_tx_power': 2000},
                {'freq': 5200, 'channel': 40, 'no_ir': True, 'max_tx_power': 2000},
                {'freq': 5260, 'channel': 52, 'no_ir': True, 'radar': True,
                 'max_tx_power': 2000},
                {'freq': 5320, 'channel': 64, 'disabled': True},
            ]}],
    }
    return msgs, expect


def cases():
    for name, fn in [('interface', interface), ('new_interface', new_interface),
                     ('set_interface', set_interface),
                     ('del_interface', del_interface),
                     ('trigger_scan', trigger_scan), ('get_scan', get_scan),
                     ('wiphy_dump', wiphy_dump), ('scan_result', scan_result),
                     ('station', station)]:
        m, e = fn()
        yield name, m, e
    msgs, expect = wiphy_parts()
    for i, m in enumerate(msgs):
        yield 'wiphy_part%d' % (i + 1), m, expect if i == 0 else {'see': 'wiphy_part1.json'}
