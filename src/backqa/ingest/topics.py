"""Topic facets: label each passage with what it is about.

Topics: cause, treatment, prevention, when-to-see-a-doctor, personal-experience. Three signals,
strongest first:

1. the section heading, where it says it ("Common Causes ...", "How to Treat ...", "When to See a
   Doctor"); a heading without a cue defers to its parent heading. Titles of whole articles
   inside a multi-article page (part titles) are too broad to speak for every paragraph, so
   they are skipped;
2. plain-language cues in the text that a heading would miss: advice to see a doctor or physical
   therapist, and a writer telling their own story (first person);
3. for cause / treatment / prevention, when no heading spoke: the passage embedding's similarity
   to short topic descriptions, measured above the library's mean similarity to each (every
   passage is about back pain, so raw similarity favours one topic for all). The best topic,
   plus a second one within `second_margin`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from backqa.documents import TOPICS

CAUSE, TREATMENT, PREVENTION, DOCTOR, EXPERIENCE = TOPICS

HEADING_CUES: dict[str, re.Pattern[str]] = {
    CAUSE: re.compile(r"\b(?:causes?|culprits?|why|reasons?|risk\s+factors?|triggers?)\b", re.I),
    TREATMENT: re.compile(r"\b(?:treat\w*|relief|reliev\w*|alleviat\w*|remed\w*|manag\w*|"
                          r"rehab\w*|exercises?|stretch\w*|therap\w*|recover\w*)\b", re.I),
    PREVENTION: re.compile(r"\b(?:prevent\w*|avoid\w*|protect\w*)\b", re.I),
    DOCTOR: re.compile(r"\bwhen\s+to\s+(?:see|call|consult|visit)\b|\b(?:see|consult|visit)\w*\s+"
                       r"(?:a|your)\s+(?:doctor|physician|gp)\b|\bred\s+flags?\b|\bwarning\s+"
                       r"signs?\b|\bmedical\s+(?:help|attention|advice)\b", re.I),
}
DOCTOR_TEXT = re.compile(
    r"\b(?:see|seeing|consult\w*|visit\w*|speak\w*\s+to|talk\w*\s+to|go\s+to|seek\w*|call)\s+"
    r"(?:with\s+)?(?:\w+\s+){0,2}(?:doctor|physician|gp|(?:healthcare|health|medical)\s+"
    r"(?:professional|provider)|physical\s+therapist|physiotherapist|physio)\b", re.I)
FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|me|my|mine|myself)\b", re.I)
OWN_STORY = re.compile(r"\b(?:i|my\s+\w+)\s+(?:have\s+|has\s+)?(?:got|had|have|has)\s+(?:had\s+)?"
                       r"(?:the\s+)?(?:same|similar|this)\s+(?:problem|issue|pain|thing)\b|"
                       r"\bi\s+am\s+an?\s+(?:[\w-]+\s+){0,2}runner\b|\bin\s+my\s+experience\b",
                       re.I)

DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    CAUSE: ("what causes back pain in runners and why it happens",
            "weak muscles, poor posture and overuse lead to strain on the back",
            "this factor contributes to lower back pain"),
    TREATMENT: ("how to treat and relieve back pain once it hurts",
                "rest, ice, stretching, massage and therapy help the pain heal",
                "exercises and remedies to alleviate existing back pain"),
    PREVENTION: ("how to prevent back pain before it starts",
                 "warm up, build up mileage gradually and wear good shoes to avoid injury",
                 "habits that reduce the risk of back pain in future"),
}


class TextEncoder(Protocol):
    """Anything that embeds texts like the passages' encoder (topic descriptions)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class PassageInfo:
    """What the labeller looks at: the passage text, its headings and kind."""

    text: str
    heading_path: Sequence[str]
    kind: str = "article"
    part_title: str | None = None


class TopicLabeler:
    """Labels passages with one or more topics."""

    def __init__(self, encoder: TextEncoder | None = None, second_margin: float = 0.0,
                 min_first_person: int = 3, min_library: int = 20) -> None:
        """`encoder` embeds the topic descriptions (once); without it, a passage whose heading
        and text say nothing gets no topic from similarity."""
        self.encoder = encoder
        self.second_margin = second_margin
        self.min_first_person = min_first_person
        self.min_library = min_library
        self._descriptions: tuple[list[str], np.ndarray] | None = None

    def label(self, passages: Sequence[PassageInfo], vectors: np.ndarray | None = None
            ) -> list[list[str]]:
        """Topics for each passage (in `TOPICS` order); `vectors` are the passages' embeddings."""
        similar = self._similar_topics(vectors) if vectors is not None and len(passages) else None
        out: list[list[str]] = []
        for i, passage in enumerate(passages):
            found = self.from_heading(passage)
            if DOCTOR_TEXT.search(passage.text):
                found.add(DOCTOR)
            if self.is_own_story(passage):
                found.add(EXPERIENCE)
            # A heading with a cue decides cause / treatment / prevention; a forum question asks
            # rather than explains, so it gets them from similarity only when it has no topic.
            if similar is not None and not self._section_cue(passage) and (
                    passage.kind != "forum-question" or not found):
                found.update(similar[i])
            out.append([t for t in TOPICS if t in found])
        return out

    def from_heading(self, passage: PassageInfo) -> set[str]:
        """Topics the nearest heading with a cue says (part titles excluded)."""
        cue = self._section_cue(passage)
        return set(cue) if cue else set()

    def _section_cue(self, passage: PassageInfo) -> list[str]:
        for heading in reversed(list(passage.heading_path)):
            if passage.part_title and heading == passage.part_title:
                continue
            topics = [t for t, pattern in HEADING_CUES.items() if pattern.search(heading)]
            if topics:
                return topics
        return []

    def is_own_story(self, passage: PassageInfo) -> bool:
        """The writer tells their own (or someone close's) experience."""
        if OWN_STORY.search(passage.text):
            return True
        return passage.kind.startswith("forum") and \
            len(FIRST_PERSON.findall(passage.text)) >= self.min_first_person

    def _similar_topics(self, vectors: np.ndarray) -> list[list[str]] | None:
        if self.encoder is None:
            return None
        names, matrix = self._description_vectors()
        sims = np.asarray(vectors, dtype=np.float32) @ matrix.T  # passages x descriptions
        topics = list(DESCRIPTIONS)
        per_topic = np.stack([sims[:, [j for j, n in enumerate(names) if n == t]].max(axis=1)
                              for t in topics], axis=1)
        # Every passage here is about back pain, so raw similarity favours whichever description
        # says "back pain" most; what tells topics apart is similarity above the library's mean.
        if per_topic.shape[0] >= self.min_library:
            per_topic = per_topic - per_topic.mean(axis=0, keepdims=True)
        order = np.argsort(-per_topic, axis=1)
        out: list[list[str]] = []
        for i in range(per_topic.shape[0]):
            best, second = int(order[i, 0]), int(order[i, 1])
            chosen = [topics[best]]
            if per_topic[i, best] - per_topic[i, second] <= self.second_margin:
                chosen.append(topics[second])
            out.append(chosen)
        return out

    def _description_vectors(self) -> tuple[list[str], np.ndarray]:
        if self._descriptions is None:
            assert self.encoder is not None
            names = [t for t, texts in DESCRIPTIONS.items() for _ in texts]
            texts = [text for texts in DESCRIPTIONS.values() for text in texts]
            self._descriptions = (names, self.encoder.encode(texts))
        return self._descriptions
