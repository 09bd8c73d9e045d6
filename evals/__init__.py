"""Evaluation harnesses: retrieval and answer quality on the project's questions and on JSQuAD."""
