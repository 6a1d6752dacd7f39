"""Where the outputs of a build meet, checked before anything is written: two at one path, a
file where another needs its folder, two that only capitals tell apart, a page in the search
index's folder; and which outputs what stands in the output folder is said of."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence, Set
from pathlib import Path

from generator.errors import Report
from generator.render import Output, Plan


def apart_from(outputs: Sequence[Output], in_the_way: Set[str]) -> list[Output]:
    """``outputs`` but those said to be in another's way, and those inside them: what
    stands in the output folder there follows from that, and is not said again."""
    if not in_the_way:
        return list(outputs)
    return [o for o in outputs if o.path not in in_the_way
            and not any(o.path.startswith(path + "/") for path in in_the_way)]


def check_search_folder(outputs: Sequence[Output], report: Report, site: Path) -> None:
    """A page at /pagefind/, where the search index goes (a story's slug, a section's name):
    an error before anything moves, not search turned off with the old index left."""
    from generator.config import setting_at
    from generator.search_stage import SEARCH_FOLDER

    for output in outputs:
        if output.path.startswith(SEARCH_FOLDER + "/"):
            where = output.origin or setting_at(site, "categories")
            this = "the address set here" if output.origin else "a section named like it"
            report.error(f"/{SEARCH_FOLDER}/ is where the site's search index goes, and {this} "
                         f"would put /{output.path} in it: choose another address (another "
                         "slug:, file name or section name), or set search: false", where)
            return


def carried_neighbours(plan: Plan, previous: Mapping[str, str],
                        output_dir: Path) -> dict[str, Output]:
    """The outputs a plan from the last build's record carries over unplanned (named by path
    alone) that the planned ones would need as a folder, or that sit in a planned file's
    folder: what ``_check_file_in_folders_way`` needs of them.  Only a planned file with a
    folder of its name in the output folder is looked for among the carried paths."""
    planned = {o.path for o in plan.outputs}
    carried = previous.keys() - planned - set(plan.removed)
    found: dict[str, Output] = {}
    for path in planned:
        at = path.find("/")
        while at > 0:
            if path[:at] in carried:
                found[path[:at]] = Output(path[:at], previous[path[:at]])
            at = path.find("/", at + 1)
        if (output_dir / path).is_dir():
            inside = min((p for p in carried if p.startswith(path + "/")), default=None)
            if inside is not None:
                found[inside] = Output(inside, previous[inside])
    return found


def check_collisions(outputs: Sequence[Output], report: Report, site: Path,
                      carried: Mapping[str, Output] | None = None) -> set[str]:
    """Two outputs at one path, or a file where another output needs its folder; ``carried``:
    outputs of the last build planned from its record and not again (see above).  The paths
    of the outputs said to be in another's way (what stands in the output folder there
    follows from it); two at one path are not among them: a file of the writer's there is
    replaced whichever the writer keeps, and is said too."""
    from generator.config import setting_at

    seen: dict[str, Output] = {}
    for output in outputs:
        first = seen.setdefault(output.path, output)
        if first is not output:
            # At the file of the later one if it has one, else of the first: a page Byline
            # makes itself (a section's, the archive) names no file, the writer's page does.
            where, other = (output.origin, first.origin) if output.origin else (first.origin,
                                                                                  None)
            # A file of static/ is copied to its own name: renaming it is the fix.
            copied = (output if output.origin else first).copy_from is not None
            fix = ("rename the file, or move it into a folder of its own" if copied else
                   "choose another address: another slug:, another file name, or take it out "
                   "of the aliases")
            this = "this file" if copied else "the address set here"
            if other:
                report.error(f"{this} and {other} would both be written to /{output.path}: "
                             f"{fix}", where)
            elif where is None:  # two pages Byline makes: a section named like its own page
                report.error(f"two pages Byline makes would both be written to /{output.path}: "
                             "a section is named like one of Byline's own pages (/search/, "
                             "/corrections/, /archive/): rename it in categories: here, and in "
                             "its stories' category:", setting_at(site, "categories"))
            else:
                report.error(f"/{output.path} is a page Byline makes itself (a section's or "
                             f"tag's list, the archive, a feed), and {this} would be written "
                             f"over it: {fix}", where)
    in_the_way = _check_file_in_folders_way({**carried, **seen} if carried else seen, report)
    _warn_one_file_elsewhere(seen, report)
    return in_the_way


def _check_file_in_folders_way(outputs: Mapping[str, Output], report: Report) -> set[str]:
    """An output written as a file where another needs a folder of that name (an alias
    ``/_redirects`` is a page in the folder ``_redirects/``, where Byline writes the host's
    redirect rules): one error per such file, at the writer's file to change.  Found before
    anything is written, as the commit could not place both.  The paths of both of each."""
    said: set[str] = set()
    inside: set[str] = set()
    for path, output in outputs.items():
        at = path.find("/")
        while at > 0:
            file = outputs.get(path[:at])
            if file is not None and file.path not in said:
                said.add(file.path)
                inside.add(path)
                _file_in_folders_way(file, output, report)
                break
            at = path.find("/", at + 1)
    return said | inside


def _file_in_folders_way(file: Output, inside: Output, report: Report) -> None:
    if file.copy_from is not None:  # a file of static/: renaming it is the fix
        made = f" (from {inside.origin})" if inside.origin else ""
        report.error(f"this file would be written to /{file.path}, where Byline writes "
                     f"/{inside.path}{made}, which needs a folder of that name: rename the "
                     "file, or move it into a folder of its own", file.origin)
    elif inside.origin is not None:
        whose = (f"{file.origin} is written as the file /{file.path}" if file.origin
                 else f"Byline writes its own file /{file.path}")
        fix = ("move this file out of that folder" if inside.copy_from is not None else
               "choose another address: another slug:, another file name, or take it out of "
               "the aliases")
        this = "this file is" if inside.copy_from is not None else "the address set here is a page"
        report.error(f"{this} in the folder /{file.path}/, and {whose}: {fix}", inside.origin)
    else:
        report.error(f"/{file.path} and /{inside.path} are both pages Byline makes, and the "
                     "first is in the way of the second's folder", file.origin)


def _warn_one_file_elsewhere(outputs: Mapping[str, Output], report: Report) -> None:
    """Two outputs whose paths differ only in capitals, or in how an accent is encoded (a
    Mac's file names): on a Mac's or Windows's disk, and on hosts that ignore case, they are
    one file, and one overwrites the other.  Said at a writer's file of the two."""
    folded: dict[str, Output] = {}
    for path, output in outputs.items():
        key = path.casefold() if path.isascii() else unicodedata.normalize(
            "NFC", path).casefold()
        first = folded.setdefault(key, output)
        if first is output:
            continue
        here, there = (output, first) if output.origin or not first.origin else (first, output)
        named = f" ({there.origin})" if there.origin else " (a page Byline makes)"
        report.warning(
            f"/{here.path} and /{there.path}{named} differ only in capitals or in how an "
            "accent is written: a Mac's or Windows's disk, and hosts that ignore case, keep "
            "one file for both, so one page would replace the other: choose another address "
            "(another slug, file name or alias)", here.origin)
