"""Parsing one source file: bytes in, front matter and body HTML out.

Pure and deterministic, so its result is cached by the file's content hash and computed in
worker processes.  Problems that stop a file from being read at all are returned, not raised,
so one bad file never hides the problems of the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.cache import digest_text
from generator.errors import LocatedError
from generator.frontmatter import FrontMatterError, split_front_matter
from generator.inputfiles import MERGE_CONFLICT, as_written, line_not_utf8, merge_conflict_line
from generator.markup import (
    IMAGE_KINDS,
    MARKUP_VERSION,
    BodySlip,
    RawEmbed,
    RawImage,
    RawUpdate,
    RawVideo,
    RenderedMarkdown,
    render_markdown,
)
from generator.plaindata import (
    ShapeError,
    flag,
    integer,
    items,
    maybe,
    maybe_integer,
    maybe_text,
    text,
    texts,
    value_data,
    value_from,
)
from generator.sourceyaml import Repeat, YamlDocument, YamlSyntaxError


@dataclass(frozen=True, slots=True)
class ParsedSource:
    """Front matter and rendered body, or the one reason the file could not be read."""

    meta: YamlDocument | None = None
    body: RenderedMarkdown | None = None
    problem: str | None = None
    problem_line: int | None = None
    # Keys given twice in the front matter: errors, said with the file's other mistakes
    # (``meta`` holds each key's first value).  Such a parse is never cached.
    repeats: tuple[Repeat, ...] = ()


# Said of a file whose bytes are no longer those the build hashed: saved again meanwhile.
CHANGED_WHILE_BUILDING = "changed while the site was being built: build again"


def parse_key(digest: str) -> str:
    """The cache key of a file's parse, by its content hash: also the ``body_key`` of the
    article or page made from it, whose body HTML is the parse's."""
    return digest_text("parsed", MARKUP_VERSION, digest)


_NOT_UTF8 = "the file is not UTF-8 text: save it as UTF-8 in your editor"


def _utf16_without_mark(data: bytes) -> bool:
    """Whether ``data`` is UTF-16 text with no byte-order mark ("UTF-16 LE" in editors'
    menus): every other byte of its first letters is 0, which UTF-8 allows, so it decoded,
    as a file of NULs the writer never typed."""
    head = data[:200]
    return len(head) >= 8 and (not any(head[1::2]) or not any(head[0::2]))


def parse_source(data: bytes) -> ParsedSource:
    """Decode, split and render one Markdown file."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ParsedSource(problem=_NOT_UTF8, problem_line=line_not_utf8(data, exc))
    if "\0" in text[:400] and _utf16_without_mark(data):
        return ParsedSource(problem=_NOT_UTF8, problem_line=1)
    # Lines end as a text file's read in Python: \r\n (Windows) and a lone \r (files from
    # old Mac editors, some CMS exports) too, so every line number is the editor's.
    text = as_written(text.replace("\r\n", "\n").replace("\r", "\n"))
    conflict = merge_conflict_line(text, markdown=True)
    if conflict is not None:  # else published to readers, markers and both versions
        return ParsedSource(problem=MERGE_CONFLICT, problem_line=conflict)
    try:
        split = split_front_matter(text)
    except (FrontMatterError, YamlSyntaxError) as exc:
        return ParsedSource(problem=str(exc), problem_line=exc.line)
    if not isinstance(split.meta.data, dict):
        first = text.split("\n", 2)[1] if text.count("\n") >= 1 else ""
        problem = "front matter must be key: value lines"
        if " = " in first and ":" not in first.partition(" = ")[0]:  # TOML between ---
            key, _, value = first.partition(" = ")
            problem += (f", not TOML's key = value: write {key.strip()}: {value.strip()} "
                        "(and the same on every line)")
        return ParsedSource(problem=problem, problem_line=2)
    try:
        # A live blog's body is cut into its updates (``live: false`` or none: not live).
        live = split.meta.data.get("live") not in (None, False)
        body = render_markdown(split.body, split.body_line, live=live)
    except LocatedError as exc:  # a body nested or sized beyond what Byline renders
        return ParsedSource(problem=str(exc), problem_line=exc.line)
    return ParsedSource(meta=split.meta, body=body, repeats=split.repeats)


# -- as plain data, for the cache (see generator/plaindata.py) ------------------------------
def parsed_data(parsed: ParsedSource) -> tuple[list[Any], bytes]:
    """A parse as plain data, and its body HTML as the bytes kept beside it."""
    meta, body = parsed.meta, parsed.body
    lines = meta and [[*keys, line] for keys, line in meta.lines.items()]
    words = meta and [[*keys, word] for keys, word in meta.words.items()]
    meta_data = meta and [value_data(meta.data), lines, words]
    body_data = body and [[_raw_image_data(i) for i in body.images], body.has_embeds,
                          body.word_count, body.first_paragraph,
                          [_raw_video_data(v) for v in body.videos],
                          [[e.provider, e.url, e.described, e.line] for e in body.embeds],
                          [[u.heading_html, u.line] for u in body.updates],
                          [[f.message, f.line, f.stops] for f in body.slips]]
    data = [meta_data, body_data, parsed.problem, parsed.problem_line]
    return data, body.html if body else b""


def parsed_from(data: object, html: bytes) -> ParsedSource:
    """The parse ``parsed_data`` wrote."""
    meta, body, problem, problem_line = items(data)
    return ParsedSource(maybe(_document_from, meta), maybe(lambda b: _body_from(b, html), body),
                        maybe_text(problem), maybe_integer(problem_line))


def parsed_body_html(data: object, html: bytes) -> bytes:
    """The body HTML of the parse ``parsed_data`` wrote, without decoding the rest (a parse
    of another shape, or without a body, raises)."""
    _meta, body, _problem, _problem_line = items(data)
    items(body)
    return html


def _document_from(data: object) -> YamlDocument:
    value, lines, words = items(data)
    found: dict[tuple[str, ...], int] = {}
    for entry in items(lines):
        *keys, line = items(entry)
        found[texts(keys)] = integer(line)
    written: dict[tuple[str, ...], str] = {}
    for entry in items(words):
        *keys, word = items(entry)
        written[texts(keys)] = text(word)
    return YamlDocument(value_from(value), found, written)


def _body_from(data: object, html: bytes) -> RenderedMarkdown:
    images, has_embeds, word_count, first_paragraph, videos, embeds, updates, slips = items(data)
    return RenderedMarkdown(html, tuple(_raw_image_from(i) for i in items(images)),
                            flag(has_embeds), integer(word_count), text(first_paragraph),
                            tuple(_raw_video_from(v) for v in items(videos)),
                            tuple(_raw_embed_from(e) for e in items(embeds)),
                            tuple(_raw_update_from(u) for u in items(updates)),
                            tuple(_body_slip_from(f) for f in items(slips)))


def _raw_image_data(image: RawImage) -> list[Any]:
    return [image.src, image.alt, image.caption, image.credit, image.kind, image.line,
            image.linked]


def _raw_image_from(data: object) -> RawImage:
    src, alt, caption, credit, kind, line, linked = items(data)
    if kind not in IMAGE_KINDS:
        raise ShapeError(f"unknown image kind {kind!r}")
    return RawImage(text(src), maybe_text(alt), maybe_text(caption), maybe_text(credit), kind,
                    maybe_integer(line), flag(linked))


def _raw_video_data(video: RawVideo) -> list[Any]:
    v = video
    return [v.src, v.alt, v.caption, v.credit, v.poster, v.width, v.height, v.kind, v.line]


def _raw_video_from(data: object) -> RawVideo:
    src, alt, caption, credit, poster, width, height, kind, line = items(data)
    if kind not in ("figure", "inline"):
        raise ShapeError(f"unknown video kind {kind!r}")
    return RawVideo(text(src), maybe_text(alt), maybe_text(caption), maybe_text(credit),
                    maybe_text(poster), maybe_text(width), maybe_text(height), kind,
                    maybe_integer(line))


def _raw_update_from(data: object) -> RawUpdate:
    heading_html, line = items(data)
    return RawUpdate(text(heading_html), maybe_integer(line))


def _body_slip_from(data: object) -> BodySlip:
    message, line, stops = items(data)
    return BodySlip(text(message), maybe_integer(line), flag(stops))


def _raw_embed_from(data: object) -> RawEmbed:
    provider, url, described, line = items(data)
    return RawEmbed(text(provider), text(url), flag(described), maybe_integer(line))
