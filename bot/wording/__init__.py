"""Every sentence Elpis sends, in one place: the wording catalogue.

Catalogue files live in `bot/wording/<language>/<area>.yml`, one key per text:

    appointments.none_free: "Sorry, nothing is free then."
    reminders.discreet:
      text: "{hi}a reminder: you're booked {on} at {clock}, {address}. {reply}"
      discreet: true          # may reach her phone unasked: names no service, police or abuse
    utter_greet:              # a Rasa response: domain/responses.yml is built from it
      text: "Hi, I'm Elpis..."
      buttons:
        - {title: "Get support", payload: "/self_refer"}

Code asks for a text by its key (`say(key, language, **values)`), never writes a
sentence itself. The knowledge base's answers are not here: admins keep those in
the staff app (bot/knowledge/answers.yml is their first load).
"""

from bot.wording.catalogue import (
    Template,
    buttons,
    languages,
    say,
    template,
)

__all__ = ["Template", "buttons", "languages", "say", "template"]
