"""The parser's complaint → the writer's mistake, its line and its fix.

libyaml says where it gave up, in its own terms ("mapping values are not allowed in this
context", "found unexpected end of stream" six lines below an unclosed quote).  The common
mistakes of people who write headlines for a living are few: a colon in a headline, a
quote not closed, a tab, a value that starts with a character YAML reserves.  Each rule
here recognises one from the complaint and the lines around it; what none recognises keeps
the parser's words, at its line.
"""

from __future__ import annotations

import re

import yaml

# A key may hold a colon not followed by a space, as a time does: "2026-01-06 10:00: …".
_KEY_VALUE = re.compile(r"^(?P<lead>[ \t]*(?:-[ \t]+)*)(?P<key>[^\s#:](?:[^:]|:(?!\s))*?)[ \t]*:"
                        r"(?:[ \t]+(?P<value>.*?))?[ \t]*$")
_CLOSED = {'"': re.compile(r'"(?:[^"\\]|\\.)*"'), "'": re.compile(r"'(?:[^']|'')*'")}
_WHY = {
    "*": "a value starting with * is read as an alias (a reference to an &anchor)",
    "&": "a value starting with & is read as an anchor (a name for the value)",
    "!": "a value starting with ! is read as a tag (a type for the value)",
    "|": "a value starting with | starts a block of text on the lines below",
    ">": "a value starting with > starts a block of text on the lines below",
    "[": "a value starting with [ is read as a list, which must end at its ]",
    "{": "a value starting with { is read as a mapping, which must end at its }",
    '"': "a value starting with a quote must end with that quote",
    "'": "a value starting with a quote must end with that quote",
    "?": "a value starting with '? ' is read as a key",
    "-": "a value starting with '- ' is read as a list",
    "#": "YAML reads the rest of this line, from ' #', as a comment and leaves it out: if "
         "it is one, put a space after the #; if not",
}


def explain(exc: yaml.MarkedYAMLError, text: str, first_line: int) -> tuple[str, int]:
    """A writer's message for ``exc`` and the file line it belongs to."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]  # Windows line ends
    for rule in (_tab, _unclosed_quote, _quote_closed_later, _colon_in_value, _apostrophe,
                 _reserved_start, _unclosed_bracket, _missing_colon, _indentation,
                 _second_document):
        found = rule(exc, lines, first_line)
        if found:
            message, index = found
            return message, index + first_line
    where = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "unreadable"
    return (f"YAML could not read this line ({problem}): check its quotes, colons and "
            "indentation", (where.line if where else 0) + first_line)


def quote_hint(line: str, indicator: str) -> str:
    """Why a value starting with ``indicator`` is not text, and the line with it quoted."""
    why = _WHY.get(indicator, f"YAML does not allow a value to start with {indicator}")
    found = _KEY_VALUE.match(line)
    if not found or not found.group("value"):
        return f"{why}: put the value in quotes"
    key, value = found.group("key"), found.group("value")
    return f"{why}: put the value of '{key}' in quotes: {key}: {quoted(value)}"


# Quotes an editor with smart quotes on types for straight ones: around a whole value they
# were meant as YAML's, and kept inside the fix's quotes they would reach the page.
_CURLY_PAIRS = (("\u201c", "\u201d"), ("\u2018", "\u2019"), ("\u201e", "\u201c"))


def item_quote_hint(line: str, start: int, indicator: str, *, flow: bool = True) -> str:
    """Why an item of a list (or of a mapping written on one line, ``flow``: ``[Pop #1,
    Rock]``), starting at ``start``, is not text, and the line with that item alone quoted:
    quoting the whole list would publish "[Pop #1" as a tag."""
    why = _WHY.get(indicator, f"YAML does not allow a value to start with {indicator}")
    end = start if flow else len(line)
    while end < len(line) and line[end] not in ",]}":
        end += 1
    item = line[start:end].rstrip()
    if not item:
        return f"{why}: put the item in quotes"
    fixed = line[:start] + quoted(item) + line[start + len(item):]
    return f"{why}: put the item in quotes: {fixed.strip()}"


def quoted(value: str) -> str:
    """``value`` as one quoted YAML scalar (double quotes, unless it holds only those), its
    own curly quotes around the whole of it dropped."""
    for opening, closing in _CURLY_PAIRS:
        inner = value[1:-1]
        if (len(value) > 2 and value.startswith(opening) and value.endswith(closing)
                and opening not in inner and closing not in inner):
            value = inner  # one pair around the whole: not “Wicked”: … “Defying Gravity”
            break
    style = "'" if '"' in value and "'" not in value else '"'
    dumped = yaml.safe_dump(value, default_style=style, allow_unicode=True,
                            width=float("inf"))
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


# --- the rules: each returns (message, 0-based line within the text) or None ------------
# ``first`` is the file line of the text's first line, for messages that name another line.

Found = tuple[str, int] | None


def _line(lines: list[str], index: int) -> str:
    return lines[index] if 0 <= index < len(lines) else ""


def _tab(exc: yaml.MarkedYAMLError, lines: list[str], first: int) -> Found:
    mark = exc.problem_mark
    if mark is None:
        return None
    line = _line(lines, mark.line)
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in indent:
        return "YAML does not allow tabs for indentation: use spaces", mark.line
    if line[mark.column: mark.column + 1] == "\t" or "tab" in (exc.problem or ""):
        return "YAML does not allow a tab here: use spaces", mark.line
    return None


def _unclosed_quote(exc: yaml.MarkedYAMLError, lines: list[str], first: int) -> Found:
    opened = exc.context_mark
    if opened is None or "quoted scalar" not in (exc.context or ""):
        return None
    quote = _line(lines, opened.line)[opened.column: opened.column + 1] or '"'
    problem = exc.problem or ""
    if "escape" in problem or "hexdecimal" in problem:
        where = exc.problem_mark.line if exc.problem_mark else opened.line
        return ('inside "double quotes" a backslash starts an escape such as \\n: write \\\\ '
                "for a backslash, or use 'single quotes'", where)
    return _never_closed(quote, opened.line, first)


def _never_closed(quote: str, index: int, first: int) -> Found:
    return (f"the quote opened on line {first + index} is never closed: end the value with "
            f"{quote}", index)


def _quote_closed_later(exc: yaml.MarkedYAMLError, lines: list[str], first: int) -> Found:
    """A quote left open swallows the lines below it up to the next quote, and the error
    shows only there: look back for a quoted value that does not end on its own line."""
    mark = exc.problem_mark
    if mark is None:
        return None
    for index in range(min(mark.line, len(lines)) - 1, -1, -1):
        found = _KEY_VALUE.match(lines[index])
        value = found.group("value") if found else None
        if value and value[0] in _CLOSED and not _CLOSED[value[0]].match(value):
            return _never_closed(value[0], index, first)
    return None


def _colon_in_value(exc: yaml.MarkedYAMLError, lines: list[str], first: int) -> Found:
    mark = exc.problem_mark
    if mark is None or "mapping values are not allowed" not in (exc.problem or ""):
        return None
    line = _line(lines, mark.line)
    found = _KEY_VALUE.match(line)
    if not found or not found.group("value") or mark.column < found.start("value"):
        return None
    key, value = found.group("key"), found.group("value")
    colon = '": "' if ": " in value else '":"'
    return (f"the value of '{key}' contains {colon}, which YAML reads as a new key: put it in "
            f"quotes: {key}: {quoted(value)}", mark.line)


def _apostrophe(exc: yaml.MarkedYAMLError, lines: list[str], first: int) -> Found:
    """'Beyoncé's album', "The "Barbie" effect": a quote inside ends the value early."""
    mark = exc.problem_mark
    if mark is None:
        return None
    found = _KEY_VALUE.match(_line(lines, mark.line))
    value = found.group("value") if found else None
    if not found or not value or value[0] not in "'\"":
        return None
    quote = value[0]
    closed = len(value) > 1 and value.endswith(quote)
    inner = value[1:-1] if closed else value[1:]
    unescaped = inner.replace("''", "") if quote == "'" else re.sub(r"\\.", "", inner)
    word = re.search(r"\w+'\w+", unescaped) if quote == "'" else None
    if quote not in unescaped or not (closed or word):
        return None  # "Barbie" wins big: the quotes are part of the text
    what = f"the apostrophe in {word.group()}" if word else f"the {quote} inside the value"
    return (f"{what} ends the quoted value early: quote it like this: {found.group('key')}: "
            f"{quoted(inner)}", mark.line)


def _reserved_start(exc: yaml.MarkedYAMLError, lines: list[str], first: int) -> Found:
    """A value starting with @, `, %, *, &, !, |, >, [, {, a quote, '? ' or '- '."""
    if _missing_colon_above(exc):
        return None  # the line above is the mistake, whatever this one's value starts with
    for mark in (exc.problem_mark, exc.context_mark):
        if mark is None:
            continue
        found = _KEY_VALUE.match(_line(lines, mark.line))
        value = found.group("value") if found else None
        if not value or value[0] not in "@`%*&!|>[{\"'?-":
            continue
        if value[0] in "?-" and value[1:2] not in (" ", ""):
            continue
        if value[0] in "[{\"'" and exc.problem_mark and exc.problem_mark.line != mark.line:
            continue  # opened here, trouble later: an unclosed bracket or quote
        if value[0] in "[{" and "flow" in (exc.context or ""):
            continue  # trouble inside the brackets: a list's items, not the whole value
        opened = exc.context_mark
        if "flow" in (exc.context or "") and opened is not None and opened.line < mark.line:
            continue  # a [ left open above swallowed this line: that line is the mistake
        return quote_hint(_line(lines, mark.line), value[0]), mark.line
    return None


def _unclosed_bracket(exc: yaml.MarkedYAMLError, lines: list[str], first: int) -> Found:
    opened, mark = exc.context_mark, exc.problem_mark
    if opened is None or mark is None or "flow" not in (exc.context or ""):
        return None
    bracket = _line(lines, opened.line)[opened.column: opened.column + 1]
    if bracket not in ("[", "{"):
        bracket = "{" if "mapping" in (exc.context or "") else "["
    what, close = ("list", "]") if bracket == "[" else ("mapping", "}")
    if mark.line > opened.line:
        return (f"the {bracket} opened on line {first + opened.line} is never closed: end the "
                f"{what} with {close}", opened.line)
    return (f"inside {bracket} {close} separate the items with commas, and put in quotes an "
            "item that holds quotes, colons or commas", mark.line)


def _missing_colon(exc: yaml.MarkedYAMLError, lines: list[str], first: int) -> Found:
    opened = exc.context_mark
    if opened is None or "could not find expected ':'" not in (exc.problem or ""):
        return None
    line = _line(lines, opened.line).lstrip(" ")
    if line.startswith("-") and line[1:2] not in (" ", ""):
        return f"put a space after the '-' of a list item: - {line[1:]}", opened.line
    whole = _KEY_VALUE.match(line[1:-1]) if line[:1] in _CLOSED and line.endswith(line[0]) \
        else None
    if whole and whole.group("value") and _CLOSED[line[0]].fullmatch(line):
        return (f"this line is in quotes as a whole, so YAML reads it as one word, not as "
                f"'key: value': take the quotes off, or put them around the value only: "
                f"{whole.group('key')}: {quoted(whole.group('value'))}", opened.line)
    return ("this line is not 'key: value': add the ':' after the key, or join the line to "
            "the value above it", opened.line)


def _missing_colon_above(exc: yaml.MarkedYAMLError) -> bool:
    """Whether the parser gave up on a line because the one above it has no ':' (a key
    it was reading runs on to this line)."""
    opened, mark = exc.context_mark, exc.problem_mark
    return (opened is not None and mark is not None and opened.line < mark.line
            and "could not find expected ':'" in (exc.problem or ""))


def _indentation(exc: yaml.MarkedYAMLError, lines: list[str], first: int) -> Found:
    mark = exc.problem_mark
    problem = exc.problem or ""
    if mark is None or not ("did not find expected" in problem or "mapping values" in problem
                            or "expected <block end>" in problem):
        return None
    return ("this line is indented differently from the lines around it: give keys at the "
            "same level the same number of spaces", mark.line)


def _second_document(exc: yaml.MarkedYAMLError, lines: list[str], first: int) -> Found:
    mark = exc.problem_mark
    if mark is None or "document" not in (exc.problem or ""):
        return None
    return ("a second document starts here ('---'): the file holds one set of values, so "
            "delete this line or what follows it", mark.line)
