"""What an ingest did: sources added, changed, removed; passages embedded or reused; problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from backqa.ingest.readers import Problem


@dataclass
class IngestSummary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    passages: int = 0
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    version: str | None = None  # the published version; None when nothing needed publishing
    problems: list[Problem] = field(default_factory=list)

    def forget(self, source_id: str) -> None:
        """Take a source that turned out unusable out of the added/changed/unchanged lists."""
        for bucket in (self.added, self.changed, self.unchanged):
            if source_id in bucket:
                bucket.remove(source_id)

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.problems if p.skipped)

    def line(self) -> str:
        published = f"published {self.version}" if self.version else "index unchanged"
        skipped = f", {self.skipped} skipped" if self.skipped else ""
        return (f"sources: {len(self.added)} added, {len(self.changed)} changed, "
                f"{len(self.removed)} removed, {len(self.unchanged)} unchanged{skipped}; "
                f"{self.passages} passages ({self.embedded} embedded, {self.reused} cached); "
                f"{self.seconds:.1f}s; {published}")

    def to_dict(self) -> dict[str, object]:
        return {"added": self.added, "changed": self.changed, "removed": self.removed,
                "unchanged": self.unchanged, "passages": self.passages,
                "embedded": self.embedded, "reused": self.reused,
                "seconds": round(self.seconds, 3), "version": self.version,
                "problems": [str(p) for p in self.problems], "skipped": self.skipped}
