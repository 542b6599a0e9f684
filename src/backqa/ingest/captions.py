"""Captions: a picture's description left in the text where a heading could stand."""

from __future__ import annotations

from backqa.text.sentences import split_sentences
from backqa.text.terms import tokenize

QUESTION_WORDS = frozenset(["how", "why", "what", "when", "where", "which", "who", "should",
                            "can", "is", "are", "do", "does"])
# Words that follow the verb of a scene: "Holding Her ...", "Running On ...", "Lifting A ...".
SCENE_FOLLOWERS = frozenset(["her", "his", "their", "its", "my", "your", "a", "an", "the", "on",
                             "in", "at", "along", "with", "into", "by", "over", "up", "down",
                             "through", "across"])


def looks_like_caption(line: str, following: str) -> bool:
    """A caption or alt text standing where a heading could be: a title-cased scene, a subject
    doing something to or somewhere ("Woman Holding Her Lower Back In Pain", "Runner Stretching
    On A Track"), whose words the first sentence after it does not take up. Headings with an -ing
    word name a topic instead ("Proper Running Form", "Back Strengthening Exercises", "Gradual
    Return to Running") or introduce text that repeats their words."""
    words = line.split()
    if len(words) < 3 or line.endswith(("?", ":")) or words[0].lower().endswith("ing") \
            or words[0].lower() in QUESTION_WORDS:
        return False
    scene = any(len(words[i]) > 4 and words[i].lower().endswith("ing")
                and words[i + 1].lower() in SCENE_FOLLOWERS
                for i in range(1, min(3, len(words) - 1)))
    if not scene:
        return False
    terms = set(tokenize(line))
    sentences = split_sentences(following)
    shared = terms & set(tokenize(sentences[0] if sentences else following))
    return len(shared) <= len(terms) // 3
