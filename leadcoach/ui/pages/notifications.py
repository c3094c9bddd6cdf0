"""Notifications: which emails I get, my time zone and hours; HR and admins also switch each
kind on or off for everyone. Opening a one-click stop link lands here."""

from zoneinfo import available_timezones

import streamlit as st

from leadcoach.messaging import hours, preferences
from leadcoach.people.access import Action, allowed
from leadcoach.platform.i18n import _, strftime, zone_name
from leadcoach.ui import auth, context, notifications
from leadcoach.ui.text import md

viewer = auth.require_viewer()
st.title(_("Notifications"), anchor=False)
notifications.apply_stop_link()
configured = context.settings()
with context.db() as session, context.stop_on_error():
    mine = preferences.email_settings(session=session, viewer=viewer, settings=configured)

start, end = f"{configured.quiet_hours_start:%H:%M}", f"{configured.quiet_hours_end:%H:%M}"
st.caption(
    _(
        "LeadCoach emails you at {email} when something is due. Each email says why you get "
        "it and has a link to stop that kind."
    ).format(email=md(mine.email))
)
if mine.refused_email:
    st.warning(
        _(
            "The mail server refused your address {refused_email} on {refused_at}, so "
            "LeadCoach stopped emailing you ({refused_reason})."
        ).format(
            refused_email=md(mine.refused_email),
            refused_at=strftime(mine.refused_at, "%d %B %Y"),
            refused_reason=md(mine.refused_reason),
        )
    )
    if st.button(_("My address works now: try again"), key="notify_retry"):
        with context.db() as session, context.shown_errors():
            preferences.retry_refused_address(session=session, viewer=viewer)
        st.rerun()

with st.form("notify_mine"):
    st.subheader(_("Emails I get"), anchor=False)
    chosen = {}
    for choice in mine.choices:
        chosen[choice.kind] = st.toggle(
            choice.label,
            value=choice.enabled,
            key=f"notify_kind_{choice.kind.value}",
            help=None if choice.organisation_enabled else _("Switched off for everyone for now."),
        )
    st.subheader(_("When"), anchor=False)
    zones = sorted(available_timezones())
    zone = st.selectbox(
        _("My time zone"),
        zones,
        index=zones.index(mine.time_zone) if mine.time_zone in zones else None,
        format_func=zone_name,  # as the reader's language names the zone (CLDR, Babel)
        placeholder=_("Not set: the organisation's ({default_time_zone})").format(
            default_time_zone=zone_name(mine.default_time_zone)
        ),
        key="notify_zone",
    )
    any_hour = st.toggle(
        _("Emails may come at any hour (otherwise only from {end} to {start} my time)").format(
            end=end, start=start
        ),
        value=mine.any_hour,
        key="notify_any_hour",
    )
    save = st.form_submit_button(_("Save my choices"), type="primary")
if save:
    with context.db() as session, context.shown_errors():
        changed = [
            preferences.choose(session=session, viewer=viewer, kind=kind, enabled=on)
            for kind, on in chosen.items()
        ]
        changed.append(preferences.set_time_zone(session=session, viewer=viewer, time_zone=zone))
        changed.append(preferences.set_any_hour(session=session, viewer=viewer, any_hour=any_hour))
        st.success(_("Saved.") if any(changed) else _("Nothing changed."))

if mine.time_zone or zone:
    local = hours.zone(zone or mine.time_zone, mine.default_time_zone)
    st.caption(_("Times are in {local}.").format(local=md(zone_name(str(local)))))

if allowed(viewer, Action.SWITCH_EMAILS):
    st.subheader(_("For everyone"), anchor=False)
    st.caption(
        _(
            "Switch a kind of email off for the whole organisation (people's own choices are "
            "kept for when it is switched on again)."
        )
    )
    with context.db() as session, context.stop_on_error():
        switches = preferences.organisation_switches(session=session, viewer=viewer)
    with st.form("notify_everyone"):
        wanted = {
            kind: st.toggle(label, value=on, key=f"notify_all_{kind.value}")
            for kind, label, on in switches
        }
        switch = st.form_submit_button(_("Save for everyone"))
    if switch:
        with context.db() as session, context.shown_errors():
            changed = [
                preferences.switch(session=session, viewer=viewer, kind=kind, enabled=on)
                for kind, on in wanted.items()
            ]
            st.success(_("Saved for everyone.") if any(changed) else _("Nothing changed."))
