"""The service finder: search, "more", "the second one", details (issue 6).

    find.py           action_find_services and the answer after the location form
    location_form.py  service_location_form: where she is, asked at most twice
    follow_ups.py     "more" and "the second one" on the list she was shown
    answers.py        the replies: a page of places, nothing-near-you, national lines, details
    location.py       where she is: the conversation's slots or her record
    requests.py       her request read against the directory and merged with the last one
    render.py         the text of listings, for the web chat and for SMS

rasa_sdk imports every module of the `actions` package, so each action is found where it is.
"""
