"""Admin: the outbox. Every email LeadCoach queued, sent or could not send, with filters;
send a failed one again; copy an email's link (how emails reach people without SMTP)."""

import streamlit as st

from leadcoach.messaging import outbox
from leadcoach.platform.i18n import _, number
from leadcoach.ui import auth, context
from leadcoach.ui.text import md

viewer = auth.require_viewer()
with context.db() as session, context.stop_on_error():
    counts = outbox.state_counts(session=session, viewer=viewer)

st.title(_("Outbox"), anchor=False)
configured = context.settings()
if configured.smtp_configured:
    st.caption(
        _(
            "Emails go out through {smtp_host}:{smtp_port} when `leadcoach send-due` or "
            "`leadcoach worker` runs. Times are in UTC."
        ).format(smtp_host=md(configured.smtp_host), smtp_port=configured.smtp_port)
    )
else:
    st.warning(
        _(
            "No mail server is set (LEADCOACH_SMTP_HOST), so emails wait here unsent. Copy an"
            " email's link below to pass it on yourself."
        )
    )
columns = st.columns(len(outbox.STATE_LABELS))
for column, state in zip(columns, outbox.STATE_LABELS, strict=True):
    label = outbox.state_label(state)
    column.metric(label[:1].upper() + label[1:], number(counts[state]))

kinds = dict(outbox.kind_options())
left, middle, right = st.columns(3)
states = left.multiselect(
    _("State"),
    list(outbox.STATE_LABELS),
    format_func=outbox.state_label,
    placeholder=_("Every state"),
    key="outbox_states",
)
chosen_kinds = middle.multiselect(
    _("Kind"), list(kinds), format_func=kinds.get, placeholder=_("Every kind"), key="outbox_kinds"
)
search = right.text_input(_("Person (name or email)"), key="outbox_search")
with context.db() as session, context.stop_on_error():
    listed = outbox.messages(
        session=session, viewer=viewer, states=states, kinds=chosen_kinds, search=search
    )

if listed.empty:
    st.info(_("No emails match these filters."))
    st.stop()
st.dataframe(
    listed.drop(columns=["link"]),
    hide_index=True,
    column_config={
        "id": st.column_config.NumberColumn(_("No."), format="%d"),
        "recipient": _("To"),
        "email": _("Address"),
        "kind": _("Kind"),
        "state": _("State"),
        "subject": _("Subject"),
        "due_at": st.column_config.DatetimeColumn(_("Due"), format="D MMM YYYY HH:mm"),
        "send_after": st.column_config.DatetimeColumn(_("Not before"), format="D MMM YYYY HH:mm"),
        "sent_at": st.column_config.DatetimeColumn(_("Sent"), format="D MMM YYYY HH:mm"),
        "attempts": _("Tries"),
        "last_error": _("Last problem"),
    },
)

labels = {
    int(row.id): _("No. {number}: {recipient}, {subject}").format(
        number=row.id, recipient=row.recipient, subject=row.subject
    )
    for row in listed.itertuples()
}
link_tab, resend_tab = st.tabs([_("Copy a link"), _("Send a failed email again")])
with link_tab:
    picked = st.selectbox(
        _("Email"), list(labels), format_func=labels.get, index=None, key="outbox_link_pick"
    )
    if picked is not None:
        row = listed.set_index("id").loc[picked]
        st.caption(
            _("The page this email points {recipient} to:").format(recipient=md(str(row.recipient)))
        )
        st.code(row.link, language=None)
with resend_tab:
    failed = [int(i) for i in listed.loc[listed["state"] == outbox.state_label("failed"), "id"]]
    if not failed:
        st.caption(_("No failed email among those listed."))
    else:
        with st.form("outbox_resend"):
            again = st.selectbox(
                _("Failed email"), failed, format_func=labels.get, key="outbox_again"
            )
            resend = st.form_submit_button(_("Send again"), type="primary")
        if resend:
            with context.db() as session, context.shown_errors():
                name = outbox.resend(session=session, viewer=viewer, message_id=again)
                st.success(
                    _("Queued again: the next `leadcoach send-due` tries it for {name}.").format(
                        name=md(name)
                    )
                )
