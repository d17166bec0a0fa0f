"""The knowledge base: which topics there are (topics.md), their first wording
(answers.yml) and the names the model and the actions share."""

# The retrieval intent of every question about the service: `faq/<topic id>` in data/nlu/knowledge.yml.
RETRIEVAL_INTENT = "faq"
