"""Her data rights and the service's retention rules.

`identity` checks it is her (a code texted to the number on her record),
`erasure` deletes everything we hold about her, `summary` says in plain words
what we hold, `retention` deletes what is past its time (worker job), and
`trackers` wipes Rasa's record of a conversation. The chat actions
(actions/data_rights) and the staff app call the same functions.
"""
