"""YAML that remembers where each value came from, and never runs away.

One loader for front matter, author files and ``site.yaml``.  It builds plain Python values
straight from the parser's events (no recursion, so no depth can crash it), keeps a map from
key path to line so a later stage can say ``article.md:7: error: ...``, and refuses what no
writer means: a key given twice, aliases that expand without end, nesting beyond any real
settings file, numbers too long to print.  Timestamps stay strings: our date rules (naive
times in the site's timezone, ``2018-10-26 09:30``) are not YAML's.  When the text is not
YAML at all, ``explain`` turns the parser's complaint into the writer's mistake and its fix.
"""

from generator.sourceyaml.document import (
    KeyPath,
    Repeat,
    RepeatedKeys,
    YamlDocument,
    YamlSyntaxError,
)
from generator.sourceyaml.reading import MAX_DEPTH, MAX_VALUES, parse_yaml
from generator.sourceyaml.writing import yaml_scalar

__all__ = [
    "MAX_DEPTH",
    "MAX_VALUES",
    "KeyPath",
    "Repeat",
    "RepeatedKeys",
    "YamlDocument",
    "YamlSyntaxError",
    "parse_yaml",
    "yaml_scalar",
]
