"""The PDF, rendered for real by WeasyPrint: numbers in its text layer, embedded fonts covering
every script, page sizes, and a rendered page that is not blank (PNG kept for a reviewer)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from report_fixture import KEY_FIGURES, NAMES, make_report

from creatorroi.i18n import translator
from creatorroi.report.model import Report
from creatorroi.report.render import render
from creatorroi.report.render.view import formatter, sentence_text

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "report"
LANGS = ("en", "it", "ko", "zh_Hant", "fa")
_cache: dict[tuple[str, str], bytes] = {}


def pdf(lang: str, paper: str = "A4") -> bytes:
    if (lang, paper) not in _cache:
        _cache[(lang, paper)] = render(make_report(lang), "pdf", paper=paper)  # type: ignore[arg-type]
    return _cache[(lang, paper)]


def norm(text: str) -> str:
    """Spaces as extracted: no-break spaces as plain ones, bidi marks (no glyph) dropped."""
    text = re.sub(r"[\u200e\u200f\u061c]", "", text)
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def to_unicode(font: object) -> dict[int, str]:
    """A Type0 font's /ToUnicode CMap: glyph id -> the text it stands for."""
    stream = font["/ToUnicode"].get_object().get_data().decode("latin-1")  # type: ignore[index]
    pairs: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", stream, re.S):
        for gid, uni in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            pairs[int(gid, 16)] = bytes.fromhex(uni).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", stream, re.S):
        for lo, hi, uni in re.findall(r"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            start = int(uni, 16)
            for k, gid in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                pairs[gid] = chr(start + k)
    return pairs


def embedded_fonts(data: bytes) -> dict[str, set[int]]:
    """Each embedded font's name and the code points it draws: its own cmap, plus the
    characters its /ToUnicode gives for real glyphs (Arabic letters are drawn with their
    contextual forms, which the subset's cmap does not list). A character Pango found no glyph
    for is written with a glyph id outside the font (or .notdef, 0): that fails."""
    fonts: dict[str, set[int]] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            name = str(font["/BaseFont"])
            if name in fonts:
                continue
            desc = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font \
                else font
            descriptor = desc["/FontDescriptor"].get_object()
            key = next(k for k in ("/FontFile2", "/FontFile3") if k in descriptor)
            program = TTFont(io.BytesIO(descriptor[key].get_object().get_data()))
            glyphs = to_unicode(font)
            count = len(program.getGlyphOrder())
            bad = {text for gid, text in glyphs.items() if gid == 0 or gid >= count}
            assert not bad, f"{name} has no glyph for {bad!r}"
            fonts[name] = set(program.getBestCmap() or {}) | {
                ord(ch) for text in glyphs.values() for ch in text}
    return fonts


def sample_strings(report: Report) -> list[str]:
    """Text of the language that must have glyphs: names, a sentence, a figure, the title."""
    fmt = formatter(report)
    tr = translator(report.lang, "report")
    first = report.sections[0]
    return [*NAMES, tr(report.title), sentence_text(first.sentences[1], fmt, tr),
            *(fmt.value(f.value, f.kind) for f in first.figures),
            translator(report.lang, "render")("Contents")]


@pytest.mark.parametrize("lang", LANGS)
def test_key_figures_in_text_layer(lang: str) -> None:
    report = make_report(lang)
    fmt = formatter(report)
    text = norm(PdfReader(io.BytesIO(pdf(lang))).pages[1].extract_text())
    for figure in KEY_FIGURES:
        if lang == "fa" and figure.kind == "date":
            continue   # a Persian date is right-to-left text: extracted in visual order
        shown = norm(fmt.value(figure.value, figure.kind))
        # next to a Persian label, pypdf may give a number's characters in visual (reversed)
        # order ("۲۱۲٫۵%" as "۵٫۲۱۲%"); either order proves the digits were drawn
        number = shown.rstrip("%")
        mirrored = number[::-1] + shown[len(number):]
        assert shown in text or (lang == "fa" and mirrored in text), (figure.key, text[:400])


@pytest.mark.parametrize("lang", LANGS)
def test_no_missing_glyphs_and_page_not_blank(lang: str) -> None:
    data = pdf(lang)
    fonts = embedded_fonts(data)
    covered = set().union(*fonts.values())
    for sample in sample_strings(make_report(lang)):
        missing = {ch for ch in sample if not ch.isspace() and ord(ch) not in covered
                   and ch not in "\u200e\u200f"}
        assert not missing, (lang, sample, missing, sorted(fonts))
    names = " ".join(fonts)
    assert "Noto-Sans-CJK" in names          # the Korean and Chinese names, in every language
    assert "Noto-Sans-Arabic" in names or "Noto-Naskh-Arabic" in names
    if lang == "fa":
        assert {0x06F0 + d for d in range(10)} & covered   # Persian digits are drawn

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(data)
    for i in range(min(len(doc), 3)):
        image = doc[i].render(scale=1.0).to_pil().convert("L")
        image.save(ARTIFACTS / f"report-{lang}-page{i + 1}.png")
        if i == 0:
            dark = sum(image.histogram()[:200])
            assert dark / (image.width * image.height) > 0.005, "page 1 is blank"


def test_persian_pdf_title_and_digits() -> None:
    report = make_report("fa")
    reader = PdfReader(io.BytesIO(pdf("fa")))
    first = norm(reader.pages[0].extract_text())
    title = translator("fa", "report")(report.title)
    assert title in first
    contents = translator("fa", "render")("Contents")
    assert contents in first and contents != "Contents"
    # the orders figure is drawn in Persian digits (1,284 -> ۱٬۲۸۴): on the page, not just
    # by the formatter
    assert norm(formatter(report).value(report.figure("orders").value, "count")) == "۱٬۲۸۴"
    second = norm(reader.pages[1].extract_text())
    assert "۱٬۲۸۴" in second and "1,284" not in second


@pytest.mark.parametrize(("paper", "size"), [("A4", (595.28, 841.89)), ("Letter", (612, 792))])
def test_page_size(paper: str, size: tuple[float, float]) -> None:
    reader = PdfReader(io.BytesIO(pdf("en", paper)))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - size[0]) <= 1 and abs(float(box.height) - size[1]) <= 1
    assert "Page 1 / " in norm(reader.pages[0].extract_text())
