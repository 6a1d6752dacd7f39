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


def syntax_problem(exc: jinja2.TemplateSyntaxError, env: jinja2.Environment, name: str
                   ) -> tuple[str, SourceLocation]:
    """The message for a template that does not parse, and where (its file, as Jinja found
    it, and the line the writer has to change); ``name``: the template being loaded."""
    message, line = _syntax_message(exc, env)
    return message, SourceLocation(_file_of(exc, env, name), line)


def _syntax_message(exc: jinja2.TemplateSyntaxError, env: jinja2.Environment
                    ) -> tuple[str, int | None]:
    source, said = exc.source or "", exc.message or ""
    tag = _UNKNOWN_TAG.match(said)
    if tag and (found := _unknown_tag(tag.group(1), source, exc.lineno, env)):
        return found, exc.lineno
    unclosed = _INNERMOST.search(said)
    if unclosed and (opened := _open_block(source, exc.lineno, unclosed.group(1))):
        tag_name = unclosed.group(1)
        return (f"the {{% {tag_name} %}} on this line is never closed: add "
                f"{{% end{tag_name} %}} where it ends", opened)
    if named := _NO_NAMED.match(said):
        kind, name = named.groups()
        known = env.filters if kind == "filter" else env.tests
        guess = closest(name, list(known), cutoff=0.6)
        hint = f"did you mean '{guess}'?" if guess else "check the name in Jinja's list of them"
        return f"there is no {kind} named '{name}': {hint}", exc.lineno
    if said == "Expected an expression, got 'end of print statement'":
        return "{{ }} on this line holds nothing to print: write a value in it, or take it out", \
            exc.lineno
    if said.startswith("expected token 'in'"):
        return "a {% for %} on this line has no 'in': write {% for item in items %}", exc.lineno
    if said == "Missing end of comment tag":
        return "the {# on this line is never closed: add #} where the comment ends", exc.lineno
    if said.startswith("unexpected char '\"'") or said.startswith("unexpected char \"'\""):
        return "a quote on this line is never closed: end the text with the same quote", \
            exc.lineno
    if said.startswith("expected token 'end of print statement'") and (
            open_quote := _open_quote_above(source, exc.lineno)):
        return "a quote on this line is never closed: end the text with the same quote", \
            open_quote
    return f"template error: {said}", exc.lineno


_UNKNOWN_TAG = re.compile(r"Encountered unknown tag '(\w+)'")
_INNER_TAGS = {"else": ("if", "for"), "elif": ("if",)}


def _unknown_tag(tag: str, source: str, line: int | None, env: jinja2.Environment
                 ) -> str | None:
    """What to say of ``{% tag %}`` where Jinja expected none of that name: an end or an
    else with no block open for it, or a misspelt tag (None: a block left open above)."""
    until = line or 0
    if tag.startswith("end") and tag[3:] in _BLOCK_TAGS:
        if _open_block(source, until, tag[3:]) is None:
            return (f"this {{% {tag} %}} closes no {{% {tag[3:]} %}}: take it out, or add the "
                    f"{{% {tag[3:]} %}} it ends")
        return None
    if tag in _INNER_TAGS:
        openers = _INNER_TAGS[tag]
        if all(_open_block(source, until, opener) is None for opener in openers):
            return (f"this {{% {tag} %}} is inside no {{% "
                    f"{' %} or {% '.join(openers)} %}}: take it out")
        return None
    known = sorted({*_BLOCK_TAGS, "extends", "include", "import", "from", "print", "do",
                    *(t for ext in env.extensions.values() for t in ext.tags)})
    guess = closest(tag, known, cutoff=0.6)
    hint = f"did you mean {{% {guess} %}}?" if guess else "check its spelling"
    return f"there is no tag {{% {tag} %}} in Jinja: {hint}"


def _open_quote_above(source: str, line: int | None) -> int | None:
    """The line above ``line`` whose ``{{ … }}`` opens a quote it does not close, if any: the
    parser read on to the next quote, and gave up on a later line."""
    lines = source.split("\n")
    for number in range((line or 1) - 1, 0, -1):
        for printed in re.findall(r"\{\{(.*?)(?:\}\}|$)", lines[number - 1]):
            if printed.count('"') % 2 or printed.count("'") % 2:
                return number
    return None


def _file_of(exc: jinja2.TemplateSyntaxError, env: jinja2.Environment, name: str) -> str:
    """The file of the template that does not parse: Jinja names it by its path, but not
    for a slip its lexer finds (an open ``{#``): then by the loader's path for its name."""
    if exc.filename:
        return exc.filename
    try:
        found = env.loader.get_source(env, exc.name or name)[1] if env.loader else None
    except jinja2.TemplateNotFound:
        found = None
    return found or exc.name or name


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
