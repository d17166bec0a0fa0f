"""Random messages to the running assistant: always 200, a reply, no stack trace (issue 9)."""
from __future__ import annotations

import requests
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.conftest import new_sender

MESSAGES = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40),
    st.sampled_from(["", " ", "/restart", "/affirm", "/delete_my_data", '{"intent":"x"}', "<script>", "💣" * 50,
                     "31/02/2026", "SE15 4QF", "delete", "DELETE", "1", "99", "x" * 3000]),
)


def test_any_message_gets_a_calm_reply(stack):
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    # A few conversations, each fed many messages: states deep in forms get random input too.
    senders = [new_sender() for _ in range(4)]
    starts = ["I want to refer myself", "delete my data", "what do you hold about me", "hi"]
    for sender, start in zip(senders, starts):
        requests.post(url, json={"sender": sender, "message": start}, timeout=60)

    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(senders), MESSAGES)
    def post(sender, message):
        resp = requests.post(url, json={"sender": sender, "message": message}, timeout=60)
        assert resp.status_code == 200, resp.text[:200]
        replies = [m.get("text") or "" for m in resp.json()]
        if message.strip() and not message.startswith("/"):
            # Found by this test (issue 9 report): a blank message and Rasa's "/restart"
            # command get no reply; "/..." is Rasa's button-payload syntax, not her words.
            assert any(r.strip() for r in replies), (message, replies)
        assert not any("Traceback" in r or "Exception" in r for r in replies)

    post()
