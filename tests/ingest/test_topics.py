"""Topic labels: heading cues, text cues, similarity, and accuracy on the labelled sample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from backqa.ingest.topics import (
    CAUSE,
    DOCTOR,
    EXPERIENCE,
    PREVENTION,
    TOPICS,
    TREATMENT,
    PassageInfo,
    TopicLabeler,
)
from helpers import JUDGED

LABELS = JUDGED / "topic_labels.jsonl"


def test_the_nearest_heading_with_a_cue_decides() -> None:
    labeler = TopicLabeler()
    info = PassageInfo("Tight hip flexors pull on the pelvis.",
                       ["Common Causes of Back Pain After Running", "Tight Hip Flexors"])
    assert labeler.label([info]) == [[CAUSE]]
    info = PassageInfo("Warm up before each run.", ["Preventing Future Back Pain"])
    assert labeler.label([info]) == [[PREVENTION]]
    info = PassageInfo("Consult a doctor if the pain is severe.", ["When to See a Doctor"])
    assert labeler.label([info]) == [[DOCTOR]]


def test_part_titles_do_not_speak_for_every_paragraph() -> None:
    title = "Runners Unite! Tips for Managing and Preventing Back Pain"
    info = PassageInfo("Planks and bridges keep the core strong.", [title], part_title=title)
    assert TopicLabeler().label([info]) == [[]]  # no encoder: nothing else to go on


def test_text_cues_for_doctor_and_own_story() -> None:
    labeler = TopicLabeler()
    doctor, shoes, story, question = labeler.label([
        PassageInfo("If in doubt, visit your doctor to rule out complications.", []),
        PassageInfo("Consult a specialist at a running shoe store.", ["Appropriate Footwear"]),
        PassageInfo("I am a semi-professional runner and have had the same problem.", [],
                    kind="forum-answer"),
        PassageInfo("I jog a mile. My back hurts when I stop. I stretch but my pain stays.", [],
                    kind="forum-question"),
    ])
    assert DOCTOR in doctor
    assert DOCTOR not in shoes
    assert EXPERIENCE in story
    assert question == [EXPERIENCE]  # a question asks; it explains no cause or treatment


def test_similarity_fills_in_where_no_heading_speaks(fake_encoder) -> None:
    texts = ["rest ice stretching massage therapy relieve heal the pain",
             "warm up gradually mileage good shoes avoid injury prevent",
             "weak muscles poor posture overuse cause strain why it happens"] * 8
    vectors = fake_encoder.encode(texts)
    labels = TopicLabeler(fake_encoder).label([PassageInfo(t, []) for t in texts], vectors)
    assert labels[:3] == [[TREATMENT], [PREVENTION], [CAUSE]]
    assert all(labels)  # every passage gets a topic


def test_labelled_sample_accuracy(shipped_index_dir: Path, real_encoder) -> None:
    """Accuracy on the labelled sample (docs/beyond-search.md)."""
    from backqa.index.loaded import load_current

    index = load_current(shipped_index_dir)
    n = index.passage_count
    passages = index.store.passages_by_rows(list(range(n)))
    vectors = index.vectors.reconstruct_n(0, n)
    infos = [PassageInfo(p.text, p.heading_path, p.kind, p.part_title)
             for p in (passages[r] for r in range(n))]
    predicted = TopicLabeler(real_encoder).label(infos, vectors)
    assert all(predicted), "every passage gets at least one topic"
    # What ingest stored is what the labeller says (descriptions embedded through the cache).
    assert [list(passages[r].topics) for r in range(n)] == predicted

    def norm(text: str) -> str:
        return " ".join(text.split())

    gold = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    assert all(set(g["topics"]) <= set(TOPICS) and g["topics"] for g in gold)
    exact, agree, found = 0, 0, 0
    for g in gold:
        rows = [r for r in range(n) if norm(g["snippet"]) in norm(passages[r].text)]
        if not rows:
            continue
        found += 1
        want, got = set(g["topics"]), set(predicted[rows[0]])
        exact += want == got
        agree += sum((t in want) == (t in got) for t in TOPICS)
    assert found >= 60, f"only {found} labelled passages found in the index"
    assert exact / found >= 0.62, exact / found
    assert agree / (found * len(TOPICS)) >= 0.88, agree / (found * len(TOPICS))
    assert np.isfinite(vectors).all()


def test_topics_are_stored_at_ingest_and_filter_search(shipped_searcher) -> None:
    store = shipped_searcher.index.store
    passages = store.passages_by_rows(list(range(shipped_searcher.index.passage_count)))
    assert all(p.topics for p in passages.values())
    doctor = store.rows_with_topic(DOCTOR)
    assert doctor and all(DOCTOR in passages[r].topics for r in doctor)

    question = "how can I stop back pain coming back when I run?"
    everything = shipped_searcher.search(question, k=5)
    counts = everything.topic_counts
    assert counts and set(counts) <= set(TOPICS)
    assert all(r.topics for r in everything.results)
    for topic in (PREVENTION, DOCTOR):
        filtered = shipped_searcher.search(question, k=5, topic=topic)
        assert filtered.results and all(topic in r.topics for r in filtered.results)
        assert filtered.topic_counts == counts  # counts describe the question, not the filter


def test_unknown_topic_is_refused(shipped_searcher) -> None:
    import pytest

    with pytest.raises(ValueError, match="unknown topic"):
        shipped_searcher.search("stretches", topic="gossip")
