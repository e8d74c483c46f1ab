"""feeds: a newsroom publisher. Markdown in; Atom, RSS, JSON Feed, iCalendar and a static site out."""

__version__ = "0.2.0"
