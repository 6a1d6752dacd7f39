"""Fuzzing article bodies: whatever Markdown a writer (or a paste) produces, the build gives a
correct site or clear lines, in a few seconds, and never touches the previous output when it
fails (the contract in tests/outcome.py).

Bodies come from a grammar of Markdown's pieces (headings, lists nested at random depth,
emphasis markers, brackets, links, photos, code, quotes and pull quotes, embed URLs, raw
HTML, footnotes, control characters, long runs of one piece) and from raw text.  The "ci"
profile runs a seeded handful of each; a long run by hand:

    timeout 660 env PYTHONPATH=$PWD python3 -m pytest -m fuzz tests/test_fuzz_markdown.py \\
        --hypothesis-profile long -x
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from .conftest import SITE_YAML, photo_bytes, write_files
from .outcome import build_outcome, snapshot

pytestmark = pytest.mark.fuzz

FRONT = "---\ntitle: Fuzzed story\ndate: 2026-11-01 09:30\ncategory: Music\ndek: A dek.\n---\n"
# Each build of a fuzzed body must finish well inside this (it is seconds, not minutes).
SECONDS = 10

words = st.text(alphabet="abcdefghij XYZ éß’", min_size=1, max_size=12)
controls = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85",
                            "\u2028", "\ufeff", "\ufffe", "\uffff", "\r", "\t", "\x02", "\x03",
                            "\ud800"])  # a lone surrogate: the file is then not UTF-8
marks = st.sampled_from(["*", "**", "***", "_", "__", "`", "``", "```", "[", "]", "(", ")",
                         "![", "](", "\\", "&", "&amp;", "&#0;", "&#xD800;", "&bogus;", "<",
                         ">", "<b>", "</b>", "<em>", "<script>alert(1)</script>", "<div>",
                         "</div>", "<!--", "-->", "<![CDATA[", "]]>", "<?x", "?>", "{", "}",
                         "{: .x}", '{credit="Wire"}', "[^1]", "[^x]", "--", "---", "...", '"',
                         "'", "|", "#", "~", "^", ":", "=", "+", "—"])
links = st.sampled_from([
    "[a link](https://example.com/a)", "[js](javascript:alert(1))", "[ref][r]", "[r]",
    "<https://example.com>", "<me@example.com>", "[unclosed](https://x", "[nested [a](b)](c)",
    "[t](https://x 'title')", "[t](<with space>)",
])
photos = st.sampled_from([
    "![Photo](photo.jpg)", '![Photo](photo.jpg "A caption"){credit="Wire"}', "![](photo.jpg)",
    "![Abs](/articles/fuzzed/photo.jpg)", "![Remote](https://example.com/x.jpg)",
])
# Photos the build must refuse, drawn less often so that most bodies get rendered.
bad_photos = st.sampled_from(["![Gone](missing.png)", "![Out](../../../etc/passwd)",
                              "![Dir](.)", "![Self](index.md)"])
# Runs of one piece: short ones mixed with the rest, and now and then a run long enough
# that a scan per piece, or a level of nesting per piece, would show (5,000 "*" nested
# emphasis thousands deep; 30,000 "[" took minutes), yet mostly under the paragraph limit.
# (Not photos: each costs the image and render stages about a millisecond, so thousands in
# one article take seconds, in proportion.)
runs = st.builds(lambda piece, chars: (piece * (chars // len(piece) + 1))[:chars],
                 marks | links, st.integers(2, 600) | st.integers(5_000, 45_000))
photo_runs = st.builds(lambda piece, n: piece * n, photos, st.integers(1, 40))
inline_piece = st.one_of(words, words, marks, links, photos, photo_runs, controls, runs,
                         st.integers(0, 39).flatmap(lambda n: bad_photos if n == 0 else words))
inline = st.lists(inline_piece, min_size=1, max_size=12).map(" ".join)

embeds = st.sampled_from([
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtu.be/abc_DEF-123",
    "https://www.instagram.com/reel/C9xYz123abc/", "https://x.com/someone/status/123456789",
    "https://twitter.com/a/status/1?s=20", "https://www.tiktok.com/@a.b/video/7123456789",
    "<https://youtu.be/x>", "https://www.youtube.com/watch?v=", "https://example.com/video",
])
marker = st.sampled_from(["-", "*", "+", "1.", "2)", "10.", ">", "> -", "- >"])
indent = st.sampled_from(["", " ", "  ", "    ", "\t", "        "])


@st.composite
def nested(draw: st.DrawFn) -> str:
    """A list or quote line nested at a random depth, now and then past the limit of 50."""
    depth = draw(st.integers(45, 60) if draw(st.integers(0, 9)) == 0 else st.integers(1, 8))
    style = draw(st.sampled_from(["indent", "inline", "quote"]))
    text = draw(inline)
    if style == "indent":
        return "\n".join("    " * level + f"- {text}" for level in range(depth))
    if style == "inline":
        return (draw(marker) + " ") * depth + text
    return ">" * depth + " " + text


block = st.one_of(
    inline,
    st.builds(lambda h, t: f"{h} {t}", st.sampled_from(["#", "##", "###", "######", "#######"]),
              inline),
    st.builds(lambda t, u: f"{t}\n{u}", inline, st.sampled_from(["===", "---", "= =", "-"])),
    st.builds(lambda i, m, t: f"{i}{m} {t}", indent, marker, inline),
    nested(),
    st.builds(lambda q, who: f"> {q}\n>\n> {who}", inline,
              st.sampled_from(["— Mara Quell", "-- Mara Quell", "&mdash; Dana", "—", "— "])),
    st.builds(lambda c: f"```\n{c}\n```", inline),
    st.builds(lambda c: f"    {c}", inline),
    st.sampled_from(["***", "---", "___", "* * *", "- - -", "|a|b|\n|-|-|\n|1|2|",
                     "[r]: https://example.com/ref", "[^1]: A footnote.", "[^x]:",
                     "<div>\n*raw*\n</div>", "<table><tr><td>x", "</p></div></body>",
                     "<!-- unclosed comment", "<style>p{}</style>", "<img src=x onerror=y>"]),
    embeds,
    st.builds(lambda e, t: f"{e}\n{t}", embeds, inline),
)
bodies = st.lists(st.tuples(block, st.sampled_from(["\n", "\n\n", "\n\n\n", "\r\n"])),
                  min_size=1, max_size=14).map(lambda parts: "".join(b + s for b, s in parts))


def fuzz_site(root: Path) -> Path:
    """A site with one ordinary story and a bundle whose body each example replaces."""
    site = write_files(root / "site", {
        "site.yaml": SITE_YAML,
        "content/articles/steady.md": FRONT.replace("Fuzzed", "Steady") + "\nA steady story.\n",
        "content/articles/fuzzed/index.md": FRONT + "\nFirst version.\n",
        "content/articles/fuzzed/photo.jpg": photo_bytes((48, 32)),
    })
    run = build_outcome(site, seconds=60)
    assert run.code == 0, run.err
    return site


def build_body(site: Path, body: str | bytes) -> None:
    """Replace the fuzzed story's body and build: the contract of tests/outcome.py holds."""
    data = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
    (site / "content/articles/fuzzed/index.md").write_bytes(FRONT.encode() + b"\n" + data)
    run = build_outcome(site, previous=snapshot(site / "output"), seconds=SECONDS)
    event("built" if run.code == 0 else "refused")  # see --hypothesis-show-statistics


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return fuzz_site(tmp_path)


@given(body=bodies)
def test_markdown_from_a_grammar_builds_or_fails_cleanly(site: Path, body: str) -> None:
    build_body(site, body)


@given(body=st.text(max_size=400) | st.text(alphabet=st.characters(codec="utf-8"),
                                            max_size=2000))
def test_raw_text_bodies_build_or_fail_cleanly(site: Path, body: str) -> None:
    build_body(site, body)


@given(body=st.binary(max_size=300))
def test_raw_bytes_bodies_build_or_fail_cleanly(site: Path, body: bytes) -> None:
    build_body(site, body)
