"""Messaging: emails that tell people what is due without their opening the app. The kinds
of email (`kinds`), their texts (`templates.yaml`, filled by `templates`), who is due for
which (`due`), the outbox table's queue, claims and states (`outbox`), people's choices,
organisation switches and unsubscribe links (`preferences`), quiet hours in each person's
time zone (`hours`), sending over SMTP (`mailer`) and the scheduler's pass (`scheduler`).

It reads coaching, programme and assessment data to find who is due, so it sits above
`leadcoach.coaching` and `leadcoach.programmes` and may import every domain below them and
`leadcoach.platform`; it never imports `leadcoach.reporting`, `leadcoach.demo`, the ui or
Streamlit."""
