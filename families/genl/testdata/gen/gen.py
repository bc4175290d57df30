#!/usr/bin/python3
"""Golden generic netlink messages from an independent implementation.

pyroute2 (Debian's python3-pyroute2) encodes WireGuard and nl80211
messages with its own message classes; this script writes them as hex
(one netlink message per file, header included) next to a JSON file that
states, in nlsh's field names, the values that went in. nlsh's tests
decode the bytes, compare with the JSON, and encode back to the same
bytes.

Run from the repository root with Debian's interpreter (not a pyenv one):

    /usr/bin/python3 families/genl/testdata/gen/gen.py
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GENL = os.path.dirname(os.path.dirname(HERE))

sys.path.insert(0, HERE)
import wg  # noqa: E402
import nl80211  # noqa: E402


def write(pkg, name, msg, expect):
    d = os.path.join(GENL, pkg, 'testdata')
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + '.hex'), 'w') as f:
        f.write(msg.data.hex() + '\n')
    with open(os.path.join(d, name + '.json'), 'w') as f:
        json.dump(expect, f, indent=1, sort_keys=True)
        f.write('\n')


def main():
    for name, msg, expect in wg.cases():
        write('wireguard', name, msg, expect)
    for name, msg, expect in nl80211.cases():
        write('nl80211', name, msg, expect)


if __name__ == '__main__':
    main()
