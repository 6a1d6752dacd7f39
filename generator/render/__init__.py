"""Stage 4 of the build: the model → every file of the site."""

from generator.render.plan import (
    Output,
    Plan,
    PlanKeys,
    file_path,
    plan_outputs,
    redirect_map,
    replan_outputs,
)
from generator.render.renderer import NEWS_WINDOW, RenderProblem, SiteRenderer
from generator.render.site_index import SiteIndex, build_index, reindex

__all__ = [
    "NEWS_WINDOW",
    "Output",
    "Plan",
    "PlanKeys",
    "RenderProblem",
    "SiteIndex",
    "SiteRenderer",
    "build_index",
    "file_path",
    "plan_outputs",
    "redirect_map",
    "reindex",
    "replan_outputs",
]
