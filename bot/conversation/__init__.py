"""Reading her answers: rules every feature's questions share (yes/no, form
commands, phone numbers, safe times). Pure functions, no database."""
