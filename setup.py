"""Package layout that pyproject.toml cannot express: the theme lives outside the package.

The default theme's source folder is the repository's top-level ``themes/`` (where theme
authors expect it), but at run time it must sit inside the package as ``generator/themes``
(see ``generator.theme.builtin_themes_dir``).  ``package_dir`` maps one onto the other; the
same way, ``docs/`` ships as ``generator/docs`` for ``byline help reference``, so the repository
keeps one copy of the reference where readers of the repository look for it.
Packages are found here rather than listed in pyproject.toml, so a new one (say
``generator/serve/``) ships without anyone remembering to add it; folders that only hold data
(the theme, the starter site) are listed too, as setuptools wants.  Everything else about the
package, including which data files ship, is declared in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

NOT_PACKAGES = ["*__pycache__*"]

packages = find_namespace_packages(include=["generator", "generator.*"], exclude=NOT_PACKAGES)
themes = find_namespace_packages(where="themes", exclude=NOT_PACKAGES)

setup(
    packages=[*packages, "generator.themes", *(f"generator.themes.{name}" for name in themes),
              "generator.docs"],
    package_dir={"generator": "generator", "generator.themes": "themes", "generator.docs": "docs"},
)
