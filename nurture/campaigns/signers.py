"""Who is signing the pledge: plain functions with no Django in them.

- `email_canonical`: the form of an address that providers deliver to the same
  mailbox, so one person cannot sign twice as `Jo.Bloggs+x@gmail.com` and
  `jobloggs@googlemail.com`.
- `name_problem`: why a name cannot go on a public list (a link, or a leading
  spreadsheet formula character), or "".
- `network_of`: the /24 (IPv4) or /64 (IPv6) network an address belongs to,
  which is what the rate limit counts besides the address itself.
- `csv_safe`: a cell that a spreadsheet will not run as a formula.
"""

from __future__ import annotations

import ipaddress
import re

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LINK = re.compile(
    r"(https?:|ftp:|mailto:|www\.|//|<a\b|\[url|"
    r"\b[a-z0-9-]+\.(com|net|org|info|biz|io|co|uk|ru|xyz|top|site|online|link|click|ly|me|app|shop)\b)",
    re.IGNORECASE,
)


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


def name_problem(name: str) -> str:
    if name.startswith(FORMULA_STARTS):
        return "A name cannot start with = + - @ or a tab."
    if LINK.search(name):
        return "A name cannot contain a web address or a link."
    return ""


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


def csv_safe(value: object) -> str:
    """A cell starting with = + - @ (or a tab or CR) gets a leading ' so it is read as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
