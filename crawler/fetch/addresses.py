"""Which IP addresses the crawler may contact: literal hosts and what DNS answers.

:func:`ip_literal` reads the address a host string denotes without DNS (also the forms
only the C resolver accepts: ``167772161``, ``0x0a000001``, ``10.1`` are all 10.0.0.1).
:func:`non_public_address` says why an address must not be fetched: everything that is
not globally routable (private, link-local such as the cloud metadata address
169.254.169.254, multicast, unspecified, shared, reserved, documentation), loopback
excepted (left to the host scope check).

IPv6 addresses that *carry* an IPv4 address are judged by that IPv4 address too, since
the network delivers them to it (:func:`embedded_ipv4`):

* IPv4-mapped ``::ffff:a.b.c.d`` (the socket talks IPv4 to a.b.c.d) and SIIT's
  IPv4-translated ``::ffff:0:a.b.c.d``;
* IPv4-compatible ``::a.b.c.d`` (deprecated, but some stacks still route it);
* NAT64: the well-known prefix ``64:ff9b::/96`` (RFC 6052) and the local-use
  ``64:ff9b:1::/48`` (RFC 8215), in which a network may embed the IPv4 address at any
  RFC 6052 prefix length (48, 56, 64 or 96 bits): every length whose layout fits (the
  reserved octet and the suffix zero) is read, and any non-public reading refuses;
* 6to4 ``2002::/16`` (the IPv4 address in bits 16–47);
* Teredo ``2001::/32`` (the client address, stored bit-inverted in the last 32 bits).

So on a NAT64 network ``64:ff9b::a9fe:a9fe`` is refused as 169.254.169.254. An embedded
*loopback* address is refused as well, except in the mapped forms (which reach this
machine's own loopback, as ``127.0.0.1`` does): through a translator it would reach the
translator's loopback, not ours.
"""

from __future__ import annotations

import ipaddress
import re
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64_WKP = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_SIXTOFOUR = ipaddress.IPv6Network("2002::/16")
_TEREDO = ipaddress.IPv6Network("2001::/32")
_COMPATIBLE = ipaddress.IPv6Network("::/96")
_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
#: RFC 6052 section 2.2: where the 32 IPv4 bits sit for each prefix length (bit offsets
#: from the left; bits 64–71, the "u" octet, are always zero and skipped).
_RFC6052_SPANS = {
    48: ((48, 16), (72, 16)),
    56: ((56, 8), (72, 24)),
    64: ((72, 32),),
    96: ((96, 32),),
}


def ip_literal(host: str) -> IPAddress | None:
    """The address ``host`` denotes without DNS, or None for a host name.

    Besides the usual forms this knows what the C resolver accepts as IPv4 (``167772161``,
    ``0x0a000001``, ``10.1``, ``012.0.0.1``: all 10.0.0.1), and unwraps IPv4-mapped IPv6.
    """
    host = host.strip("[]").rstrip(".")
    try:
        addr: IPAddress = ipaddress.ip_address(host)
    except ValueError:
        if not host or not re.fullmatch(r"[0-9a-fA-FxX.]+", host):
            return None
        try:
            addr = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def _bits(value: int, start: int, length: int) -> int:
    return (value >> (128 - start - length)) & ((1 << length) - 1)


def _rfc6052(addr: ipaddress.IPv6Address, lengths: tuple[int, ...]) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses ``addr`` embeds at each RFC 6052 prefix length whose layout it
    fits: the u octet (bits 64–71) and the suffix after the IPv4 bits are zero."""
    value = int(addr)
    found = []
    for length in lengths:
        spans = _RFC6052_SPANS[length]
        end = spans[-1][0] + spans[-1][1]
        if length < 96 and (_bits(value, 64, 8) or _bits(value, end, 128 - end)):
            continue
        v4 = 0
        for start, size in spans:
            v4 = (v4 << size) | _bits(value, start, size)
        found.append(ipaddress.IPv4Address(v4))
    return found


def embedded_ipv4(addr: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (see the module docstring), or []."""
    if not isinstance(addr, ipaddress.IPv6Address):
        return []
    if addr.ipv4_mapped is not None:
        return [addr.ipv4_mapped]
    if addr in _TRANSLATED:
        return [ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)]
    if addr in _NAT64_WKP:
        return _rfc6052(addr, (96,))
    if addr in _NAT64_LOCAL:
        return _rfc6052(addr, (48, 56, 64, 96))
    if addr in _SIXTOFOUR and addr.sixtofour is not None:
        return [addr.sixtofour]
    if addr in _TEREDO and addr.teredo is not None:
        return [addr.teredo[1]]
    if addr in _COMPATIBLE and int(addr) > 1:  # not :: (unspecified) nor ::1 (loopback)
        return [ipaddress.IPv4Address(int(addr))]
    return []


def _why(addr: IPAddress) -> str | None:
    """Why ``addr`` itself is not globally routable (loopback aside), or None."""
    if addr.is_multicast:
        return f"multicast address {addr}"
    if addr.is_link_local:
        return f"link-local address {addr}"
    if addr.is_unspecified:
        return f"unspecified address {addr}"
    if not addr.is_global:
        return f"private address {addr}" if addr.is_private else f"non-public address {addr}"
    return None


def non_public_address(host: str) -> str | None:
    """Why a literal IP host must not be fetched, or None (a name, loopback, a public IP).

    Refused: private, link-local (cloud metadata 169.254.169.254), multicast, unspecified
    (0.0.0.0 reaches this machine), shared (100.64/10), reserved and documentation ranges:
    everything that is not globally routable, also when an IPv6 address embeds such an
    IPv4 address (NAT64, 6to4, Teredo, IPv4-compatible; see the module docstring).
    Loopback is left to the host scope check.
    """
    addr = ip_literal(host)
    if addr is None:
        return None
    if isinstance(addr, ipaddress.IPv6Address):  # (a mapped one is unwrapped already)
        for v4 in embedded_ipv4(addr):
            why = f"loopback address {v4}" if v4.is_loopback else _why(v4)
            if why:
                return f"{why} (embedded in {addr})"
    if addr.is_loopback:
        return None
    return _why(addr)


__all__ = ["IPAddress", "embedded_ipv4", "ip_literal", "non_public_address"]
