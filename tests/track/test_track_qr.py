"""QR codes: decoding needs a camera library, so the images are checked by structure."""

import struct
import xml.etree.ElementTree as ET

import pytest
import segno

from creatorroi.track.qr import qr_png, qr_svg

SHORT = "https://x.it/a"  # 14 bytes: a version 1 symbol, 21 x 21 modules


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_svg_is_a_standalone_svg_document() -> None:
    root = ET.fromstring(qr_svg(SHORT, scale=4, border=4))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == str((21 + 2 * 4) * 4)


def test_png_size_is_modules_plus_quiet_zone_times_scale() -> None:
    assert _png_size(qr_png(SHORT, scale=8, border=4)) == (232, 232)  # (21 + 8) * 8
    long_url = "https://shop.example/collections/spring?utm_source=instagram&utm_medium=x"
    modules = segno.make(long_url, error="m").symbol_size(scale=1, border=0)[0]
    assert modules > 21
    assert _png_size(qr_png(long_url, scale=3, border=2)) == ((modules + 4) * 3,) * 2


def test_different_links_give_different_images() -> None:
    assert qr_png("https://x.it/a") != qr_png("https://x.it/b")
    assert qr_svg("https://x.it/a") != qr_svg("https://x.it/b")
    assert 'stroke="#123456"' in qr_svg(SHORT, dark="#123456")


def test_too_long_or_not_a_link_is_refused() -> None:
    with pytest.raises(ValueError, match="short link"):
        qr_png("https://shop.example/?q=" + "a" * 2980)
    with pytest.raises(ValueError, match="http"):
        qr_svg("javascript:alert(1)")
