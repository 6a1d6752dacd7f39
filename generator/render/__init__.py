"""Stage 4 of the build: the model → every file of the site."""

from generator.render.carried import Carried
from generator.render.hosting import long_kept_site_files
from generator.render.live import live_state
from generator.render.plan import (
    Output,
    Plan,
    Record,
    file_path,
    nodeless_units,
    plan_outputs,
    record_data,
    record_from,
    redirect_map,
    replan_outputs,
)
from generator.render.reads import NO_READS, Reads, take_reads, theme_reads
from generator.render.renderer import (
    NEWS_WINDOW,
    RenderProblem,
    SiteRenderer,
    template_syntax_problems,
    unused_template_problems,
)
from generator.render.site_index import SiteIndex, build_index, placement, reindex

__all__ = [
    "NEWS_WINDOW",
    "NO_READS",
    "Carried",
    "Output",
    "Plan",
    "Reads",
    "Record",
    "RenderProblem",
    "SiteIndex",
    "SiteRenderer",
    "build_index",
    "file_path",
    "live_state",
    "long_kept_site_files",
    "nodeless_units",
    "placement",
    "plan_outputs",
    "record_data",
    "record_from",
    "redirect_map",
    "reindex",
    "replan_outputs",
    "take_reads",
    "template_syntax_problems",
    "theme_reads",
    "unused_template_problems",
]
