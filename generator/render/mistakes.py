"""A theme's template mistakes in a theme writer's words: where they are, and the fix.

Jinja's own messages name the line where the parser gave up ("Encountered unknown tag
'endblock'" at the end of the file, for an ``{% if %}`` left open forty lines up) and a
recursion's deepest frame.  These find the line the writer has to change and say what to
write there.
"""

from __future__ import annotations

import re
import traceback

import jinja2

from generator.errors import SourceLocation
from generator.textmatch import closest

# Tags that open a block closed by ``end<tag>`` (``set`` only in its block form, no "=").
_BLOCK_TAGS = frozenset({"if", "for", "block", "macro", "call", "filter", "with", "raw",
                         "autoescape", "trans", "set"})
_TAG = re.compile(r"\{%[-+]?\s*(\w+)([^%]*?)[-+]?%\}", re.DOTALL)
_INNERMOST = re.compile(r"The innermost block that needs to be closed is '(\w+)'")
_NO_NAMED = re.compile(r"^No (filter|test) named '([^']+)'")


def syntax_problem(exc: jinja2.TemplateSyntaxError, env: jinja2.Environment
                   ) -> tuple[str, int | None]:
    """The message for a template that does not parse, and the line it is about."""
    source = exc.source or ""
    unclosed = _INNERMOST.search(exc.message or "")
    if unclosed and (opened := _open_block(source, exc.lineno, unclosed.group(1))):
        tag = unclosed.group(1)
        return (f"the {{% {tag} %}} on this line is never closed: add {{% end{tag} %}} where "
                "it ends", opened)
    if named := _NO_NAMED.match(exc.message or ""):
        kind, name = named.groups()
        known = env.filters if kind == "filter" else env.tests
        guess = closest(name, list(known), cutoff=0.6)
        hint = f"did you mean '{guess}'?" if guess else "check the name in Jinja's list of them"
        return f"there is no {kind} named '{name}': {hint}", exc.lineno
    return f"template error: {exc.message}", exc.lineno


def _open_block(source: str, until: int, tag: str) -> int | None:
    """The line of the innermost ``tag`` block still open at line ``until`` of ``source``."""
    stack: list[tuple[str, int]] = []
    for match in _TAG.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        if line > until:
            break
        name, rest = match.groups()
        if name == "set" and "=" in rest:
            continue  # {% set x = … %} closes itself
        if name in _BLOCK_TAGS:
            stack.append((name, line))
        elif name.startswith("end") and stack and stack[-1][0] == name[3:]:
            stack.pop()
    return next((line for name, line in reversed(stack) if name == tag), None)


def endless(exc: Exception) -> str | None:
    """What to tell of a template that would never finish (None: it is another mistake)."""
    if isinstance(exc, OverflowError) and "MAX_RANGE" in str(exc):  # see environment.py
        return ("range() of more than 100,000 numbers: a page that loops that long would "
                "never finish building; loop over the items themselves")
    if isinstance(exc, RecursionError):
        if _including_itself(exc):
            return ("this include leads back to a template already being drawn, so the page "
                    "would never finish: take it out, or include another template")
        return "a macro calls itself without end: give it a case that stops"
    return None


_TOP_LEVEL = ("root", "top-level template code")  # Jinja's name for it, before and after
                                                # it rewrites a traceback


def _including_itself(exc: BaseException) -> bool:
    """Whether a recursion went round through whole templates (include or extends), not
    through one macro: a template's top level entered again and again."""
    return sum(1 for _, top in _template_lines(exc) if top) > 20


def _template_lines(exc: BaseException) -> list[tuple[SourceLocation, bool]]:
    """The template file and line of each frame of the traceback, outermost first, and
    whether the frame is a template's top level.  Each template's compiled code maps its own
    lines to the template's; a traceback Jinja rewrote (an error inside ``render``) names
    them already."""
    found = []
    for frame, line in traceback.walk_tb(exc.__traceback__):
        top = frame.f_code.co_name in _TOP_LEVEL
        template = frame.f_globals.get("__jinja_template__")
        if isinstance(template, jinja2.Template) and template.filename:
            found.append((SourceLocation(template.filename,
                                         template.get_corresponding_lineno(line)), top))
        elif frame.f_code.co_filename.endswith((".html", ".xml", ".j2")):  # rewritten already
            found.append((SourceLocation(frame.f_code.co_filename, line), top))
    return found


def template_frame(exc: BaseException) -> SourceLocation | None:
    """The innermost template file and line in the exception's traceback (not for a macro a
    story's body calls, whose traceback Jinja does not rewrite)."""
    lines = _template_lines(exc)
    return lines[-1][0] if lines else None


def loop_entry(exc: BaseException) -> SourceLocation | None:
    """For templates including each other without end: the include that leads back to a
    template already being drawn (the line just before its top level is entered again)."""
    drawn: set[str] = set()
    before: SourceLocation | None = None
    for where, top in _template_lines(exc):
        if top and where.path in drawn:
            return before
        if top:
            drawn.add(where.path)
        before = where
    return None
