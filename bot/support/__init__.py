"""Her support beyond the first meetings (issue 24): check-ins she scores by chat, her
progress ("how am I doing?"), the closing survey, and the invitations the worker sends.

    invitations.py  when she is asked, the discreet text, matching her yes or no
    checkin.py      the check-in's questions (the instrument, admin data) and her scores
    survey.py       the closing survey's questions and answers
    progress.py     her readings compared, and the star picture's link
    service.py      the calls the conversation makes: one unit of work each
"""
