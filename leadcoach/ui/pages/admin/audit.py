"""Admin: the audit log, filtered by kind of event, person and dates, with a CSV download."""

from datetime import date, timedelta

import streamlit as st

from leadcoach.people import audit
from leadcoach.platform.i18n import _
from leadcoach.reporting import vocabulary
from leadcoach.ui import auth, context, tables
from leadcoach.ui.exports import table_download

viewer = auth.require_viewer()
with context.db() as session, context.stop_on_error():
    action_names = audit.action_names(session=session, viewer=viewer)
    actors = audit.actors(session=session, viewer=viewer)

st.title(_("Audit log"), anchor=False)
st.caption(
    _(
        "Who did what, and when: sign-ins and their failures, lock-outs, accounts, roles, "
        "imports, exports and erasures. Times are in UTC. Events never hold answers or "
        "scores."
    )
)
names = {int(row.person_id): row.name for row in actors.itertuples()}
today = date.today()
left, middle, right = st.columns(3)
action = left.selectbox(
    _("Event"),
    action_names,
    index=None,
    format_func=vocabulary.event,
    placeholder=_("All events"),
    key="audit_action",
)
actor_id = middle.selectbox(
    _("Done by"),
    list(names),
    index=None,
    format_func=lambda person_id: names[person_id],
    placeholder=_("Anyone"),
    key="audit_actor",
)
dates = right.date_input(
    _("Dates"), value=(today - timedelta(days=30), today), max_value=today, key="audit_dates"
)
# While a range is being picked the widget holds its first day only.
since, until = (dates[0], dates[-1]) if dates else (None, None)
limit = 1000

with context.db() as session, context.stop_on_error():
    events = audit.events(
        session=session,
        viewer=viewer,
        action=action,
        actor_id=actor_id,
        since=since,
        until=until,
        limit=limit,
    )

if events.empty:
    st.info(_("No events match these filters."))
    st.stop()
if len(events) == limit:
    st.warning(
        _("Showing the newest {limit} events only; narrow the filters to see older ones.").format(
            limit=limit
        )
    )
tables.grid(events, formats={"at": "%d %b %Y %H:%M:%S"})
table_download(
    _("Download (CSV)"),
    events.assign(
        at=events["at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        action=events["action"].map(vocabulary.event),
    ),
    f"audit-log-{today.isoformat()}.csv",
    key="audit_csv",
)
