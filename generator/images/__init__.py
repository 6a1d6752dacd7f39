"""The image pipeline: source photos in, responsive WebP/AVIF/JPEG/PNG/GIF files out.

    inspect_image      read a source once: size as displayed, credit, placeholder (cached)
    inspect_images     the same for many, the uncached ones on every core
    plan_image         decide names and sizes of every variant (pure, no I/O)
    plan_social_card   the 1200×630 card cropped around a focus point
    plan_discover_crops the hero in 16:9, 4:3 and 1:1 around the same point (JSON-LD)
    process_images     make the missing variants in cache_dir/images, in parallel

The build stage copies ``ProcessReport.files`` into the output; nothing here writes there.
"""

from typing import TYPE_CHECKING

from generator.lazyimport import lazy_exports

if TYPE_CHECKING:
    from generator.images.plan import (
        ImagePlan,
        Variant,
        is_variant_name,
        plan_discover_crops,
        plan_image,
        plan_social_card,
        smallest_discover_crop,
    )
    from generator.images.problems import ImageProblem
    from generator.images.process import ProcessReport, process_images
    from generator.images.settings import ImageSettings
    from generator.images.source import InspectCache, SourceImage, inspect_image, inspect_images

# Each name's submodule, imported when the name is first used (see lazyimport.py).
__getattr__ = lazy_exports(__name__, {
    "ImagePlan": "plan",
    "ImageProblem": "problems",
    "ImageSettings": "settings",
    "InspectCache": "source",
    "ProcessReport": "process",
    "SourceImage": "source",
    "Variant": "plan",
    "inspect_image": "source",
    "inspect_images": "source",
    "is_variant_name": "plan",
    "plan_discover_crops": "plan",
    "plan_image": "plan",
    "plan_social_card": "plan",
    "process_images": "process",
    "smallest_discover_crop": "plan",
})

__all__ = [
    "ImagePlan",
    "ImageProblem",
    "ImageSettings",
    "InspectCache",
    "ProcessReport",
    "SourceImage",
    "Variant",
    "inspect_image",
    "inspect_images",
    "is_variant_name",
    "plan_discover_crops",
    "plan_image",
    "plan_social_card",
    "process_images",
    "smallest_discover_crop",
]
