"""Stage 4 of the build: the model → every file of the site."""

from generator.render.plan import Output, file_path, plan_outputs
from generator.render.renderer import RenderProblem, SiteRenderer
from generator.render.site_index import SiteIndex, build_index

__all__ = [
    "Output",
    "RenderProblem",
    "SiteIndex",
    "SiteRenderer",
    "build_index",
    "file_path",
    "plan_outputs",
]
