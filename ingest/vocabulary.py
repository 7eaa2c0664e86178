"""The curated vocabulary of the field (names, aliases, types, facts), loaded from JSON data files."""

from __future__ import annotations

import json
import re
import unicodedata
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from ingest.errors import SourceError
from ingest.models import Entity, EntityType


class VocabularyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    type: EntityType
    aliases: list[str] = []
    facts: dict[str, str | float | int] = {}


class VocabularyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entities: list[VocabularyEntry] = []
    stop_names: list[str] = []  # field words that patterns must not turn into entities ("LLM", "GPU")


class Vocabulary(BaseModel):
    model_config = ConfigDict(frozen=True)

    entities: dict[str, Entity]  # by key
    names: dict[str, str]  # every name and alias -> entity key
    stop_names: frozenset[str]


def entity_key(name: str) -> str:
    """A stable URL-safe slug: "LLaMA-2-70B" -> "llama-2-70b", "Mixture of Experts" -> "mixture-of-experts"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.]+", "-", ascii_name.lower()).strip("-.") or "entity"


def default_vocabulary_path() -> Path:
    return Path(str(resources.files("ingest") / "vocabulary" / "entities.json"))


def load_vocabulary(extra: list[Path] | None = None) -> Vocabulary:
    """The shipped vocabulary plus users' files; a later file's entry for a known name adds aliases and facts."""
    entities: dict[str, Entity] = {}
    names: dict[str, str] = {}
    stop: set[str] = set()
    for path in [default_vocabulary_path(), *(extra or [])]:
        parsed = _read_vocabulary_file(path)
        stop.update(parsed.stop_names)
        for entry in parsed.entities:
            key = names.get(entry.name) or entity_key(entry.name)
            entities[key] = _merged(entities.get(key), key, entry)
            for name in [entry.name, *entry.aliases]:
                names.setdefault(name, key)
    return Vocabulary(entities=entities, names=names, stop_names=frozenset(stop))


def _merged(existing: Entity | None, key: str, entry: VocabularyEntry) -> Entity:
    if existing is None:
        return Entity(key=key, name=entry.name, type=entry.type, aliases=entry.aliases, facts=entry.facts)
    aliases = existing.aliases + [a for a in [entry.name, *entry.aliases] if a not in existing.aliases and a != existing.name]
    return existing.model_copy(update={"aliases": aliases, "facts": {**existing.facts, **entry.facts}})


def _read_vocabulary_file(path: Path) -> VocabularyFile:
    try:
        return VocabularyFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as error:
        raise SourceError(path, "vocabulary file not found") from error
    except json.JSONDecodeError as error:
        raise SourceError(path, f"vocabulary is not valid JSON: {error.msg}", error.lineno) from error
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise SourceError(path, f"vocabulary field {field}: {first['msg']}") from error
