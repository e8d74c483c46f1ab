"""Where the templates are: the site's own templates/ first, then the built-in ones (no Jinja2 needed)."""

from __future__ import annotations

from pathlib import Path


def builtin_templates() -> Path:
    """The built-in templates: inside the installed package, or beside it in a source checkout."""
    packaged = Path(__file__).resolve().parent / "templates"
    return packaged if packaged.is_dir() else packaged.parent.parent / "templates"


def template_dirs(site_dir: Path) -> list[Path]:
    """Where templates are looked up, first match wins."""
    builtin = builtin_templates()
    own = site_dir / "templates"
    return [own, builtin] if own.is_dir() and own.resolve() != builtin.resolve() else [builtin]
