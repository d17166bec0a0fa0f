"""Custom Rasa graph components (NLU and policies), referenced from config.yml;
the embedded tracker store (tracker_store.py, named in endpoints.yml) and the
lock store for several Rasa processes (lock_store.py, endpoints.production.yml).

Importing this package (Rasa does, to load our model) also installs small
fixes to Rasa itself, each tested to behave as Rasa's own code:
- a failed action server call tells her so instead of leaving her in
  silence (action_server_down.py);
- action server answers are checked against a schema validator built once,
  not per answer (action_result_schema.py);
- events are found by name from a table (event_lookup.py);
- the model graph runs in an order worked out once, not by dask every turn
  (graph_runner.py);
- every message is bounded (length, repeated characters, controls) before
  it is stored or understood, so no input costs more than a few
  milliseconds of the model (bounded_input.py, bot/channels/input_bounds.py);
- messages are understood on a thread of their own, so other conversations
  move meanwhile, and those that arrive together are understood in one run
  of the pipeline (parse_thread.py);
- typed words that name a button of the question just asked are that
  button, in any language (button_reply.py);
- the turn's language is set first, from her choice or a message clearly
  in one of our languages, and offered once (language_turn.py);
- distress gets its gentle line before the turn's answer, and the form
  takes nothing from a message that is about her safety (triage_turn.py);
- at training, a token's fingerprint (for Rasa's training cache) is worked
  out once, not after every component (token_fingerprint.py);
- action calls reuse one connection and send the history from her previous
  message on, not the whole conversation (action_calls.py).
Each was a measured share of the Rasa process's CPU or of training time (docs/benchmarks.md).
"""

from bot.rasa_components import (
    action_calls,
    action_result_schema,
    action_server_down,
    bounded_input,
    button_reply,
    event_lookup,
    graph_runner,
    language_turn,
    parse_thread,
    token_fingerprint,
    triage_turn,
)

action_calls.install()
action_result_schema.install()
action_server_down.install()
bounded_input.install()
event_lookup.install()
graph_runner.install()
parse_thread.install()
token_fingerprint.install()
triage_turn.install()
language_turn.install()  # after triage_turn: it wraps it, so the language is set first
button_reply.install()  # outermost: a typed button title is the click, before anything reads it
