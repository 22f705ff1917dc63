"""Email and network addresses as a limit counts them: plain functions, no Django.

- `email_canonical`: the form of an address that providers deliver to the same
  mailbox, so `Jo.Bloggs+x@gmail.com` and `jobloggs@googlemail.com` are one
  person (one pledge signature, one allowance of email).
- `network_of`: the /24 (IPv4) or /64 (IPv6) network an address belongs to, so
  that a visitor who changes address inside their network is still one sender.
"""

from __future__ import annotations

import ipaddress

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def email_canonical(email: str) -> str:
    """Lower case; without a +tag; without dots for Gmail, whose two domains are one."""
    email = email.strip().lower()
    local, at, domain = email.rpartition("@")
    if not at:
        return email
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def network_of(address: str) -> str:
    """'192.0.2.0/24' for 192.0.2.77; '2001:db8:1:2::/64' for an IPv6 address; '' if not an address."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
