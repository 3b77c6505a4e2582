"""QR codes for tracking links: SVG for print and PNG for stories and chat apps.

Error correction is level M (about 15 % of the symbol can be damaged or covered and still
read), with segno's boost on: when the same symbol size has room for a higher level, it is
used, so a code gets sturdier at no cost in size. Pass short links where possible: fewer
modules scan faster from a phone held at arm's length.
"""

from __future__ import annotations

import io

import segno

ERROR_LEVEL = "m"
MAX_QR_BYTES = 2331  # the largest QR code (version 40) at level M, byte mode


def _symbol(url: str) -> segno.QRCode:
    if not url.lower().startswith(("https://", "http://")):
        raise ValueError(f"a QR code here carries an http(s) link, not {url[:60]!r}")
    try:
        return segno.make(url, error=ERROR_LEVEL, boost_error=True, micro=False)
    except segno.DataOverflowError:
        size = len(url.encode("utf-8"))
        raise ValueError(f"the link is {size} bytes; a QR code at error level M holds at most "
                         f"{MAX_QR_BYTES} - use a short link") from None


def qr_svg(url: str, *, scale: int = 4, border: int = 4, dark: str = "#000") -> str:
    """The QR code for ``url`` as a standalone SVG document (with the SVG namespace).

    ``border`` is the quiet zone in modules; readers need 4 around the symbol.
    """
    buffer = io.BytesIO()
    _symbol(url).save(buffer, kind="svg", scale=scale, border=border, dark=dark,
                      xmldecl=False, svgns=True, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def qr_png(url: str, *, scale: int = 8, border: int = 4) -> bytes:
    """The QR code for ``url`` as PNG bytes, ``scale`` pixels per module."""
    buffer = io.BytesIO()
    _symbol(url).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()
