"""backqa: semantic question-and-answer search for runners with back pain."""
__version__ = "0.1.0"
