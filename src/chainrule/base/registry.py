"""The catalog registry: name lookup shared by the activation and loss catalogs.

Every :class:`Catalog` registers itself here under its kind ("activation",
"loss"), so that an entry can be referred to, and found again, by its kind,
name and settings alone: that is how entries pickle (:func:`catalog_entry`)
and how model files name them, never storing code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, Protocol, TypeVar


class CatalogEntry(Protocol):
    """What a catalog holds: a named function with its settings."""

    @property
    def name(self) -> str: ...

    @property
    def params(self) -> dict[str, Any]: ...


Entry = TypeVar("Entry", bound=CatalogEntry)


class Catalog(Generic[Entry]):
    """Functions by name: fixed entries, families with settings, and aliases.

    A family (``leaky_relu``, ``huber``) is a factory taking keyword settings;
    its default member is built once so that looking up the same name twice
    gives the same object.
    """

    def __init__(
        self,
        kind: str,
        entry_type: type[Entry],
        fixed: Mapping[str, Entry],
        families: Mapping[str, Callable[..., Entry]],
        aliases: Mapping[str, str],
        from_text: Callable[[str], Entry] | None = None,
    ) -> None:
        self.kind = kind
        # Parses a string that is no name as a formula (Activation.from_expression …).
        self.from_text = from_text
        self.entry_type = entry_type
        self.fixed = dict(fixed)
        self.families = dict(families)
        self.defaults = {name: factory() for name, factory in families.items()}
        self.aliases = dict(aliases)
        _CATALOGS[kind] = self

    def names(self) -> list[str]:
        """The catalog's names, aliases not included."""
        return sorted([*self.fixed, *self.families])

    def lookup(self, name: str | Entry, **params: Any) -> Entry:
        """The entry called ``name`` (an alias works too); an entry object is returned as is.

        A string that is no name is parsed as a formula by ``from_text`` when the
        catalog has one; a string that is neither gets one error that says both.
        """
        if isinstance(name, self.entry_type):
            if params:
                raise TypeError(f"settings {sorted(params)} given with a {self.kind} object")
            return name
        if not isinstance(name, str):
            raise TypeError(
                f"{self.kind} must be a name or a {self.entry_type.__name__}, "
                f"got {type(name).__name__}"
            )
        key = self.aliases.get(name.lower(), name.lower())
        if key in self.families:
            return self.families[key](**params) if params else self.defaults[key]
        if key in self.fixed:
            if params:
                raise TypeError(f"{self.kind} {key!r} takes no settings, got {sorted(params)}")
            return self.fixed[key]
        known = ", ".join(self.names() + sorted(self.aliases))
        if self.from_text is None or params:
            raise ValueError(f"unknown {self.kind} {name!r}; known: {known}")
        try:
            return self.from_text(name)
        except ValueError as why:
            raise ValueError(
                f"unknown {self.kind} {name!r} and not a valid formula: {why}; known: {known}"
            ) from None

    def reference(self, entry: Entry) -> tuple[str, dict[str, Any]]:
        """The (name, settings) that look ``entry`` up again, or a ValueError for a custom one.

        A fixed entry must be the catalog's own object (a custom function that
        merely shares its name is not); a family member (``leaky_relu``,
        ``huber``) is rebuilt from its settings. Model files and pickles name
        functions this way, never storing code.
        """
        try:
            found = self.lookup(entry.name, **entry.params)
        except (TypeError, ValueError):
            found = None
        if found is None or not (found is entry or (entry.params and found.params == entry.params)):
            raise ValueError(
                f"{entry.name!r} is a custom {self.kind}: only the catalog's {self.kind}s "
                "can be referred to by name and settings"
            )
        return entry.name, dict(entry.params)


_CATALOGS: dict[str, Catalog[Any]] = {}


def reference(entry: CatalogEntry) -> tuple[str, dict[str, Any]]:
    """(name, settings) that find ``entry`` again in the catalog of its kind.

    A ValueError for an entry that no catalog holds (one built from Python
    functions): it cannot be named, so it cannot be pickled or saved.
    """
    for catalog in _CATALOGS.values():
        if isinstance(entry, catalog.entry_type):
            return catalog.reference(entry)
    raise ValueError(f"{entry!r} belongs to no catalog")


def catalog_entry(kind: str, name: str, params: dict[str, Any]) -> Any:
    """The ``kind`` catalog's entry called ``name`` with ``params`` (what pickles call)."""
    if kind not in _CATALOGS:
        raise ValueError(f"no {kind} catalog is loaded")
    return _CATALOGS[kind].lookup(name, **params)
