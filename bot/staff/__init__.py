"""Staff accounts and what the staff app needs outside the web layer:
passwords, sessions, CSRF, lockout, audit, alert notification and escalation,
handoff, cases, listings admin and reports. Web routes: bot/web/staff/."""
