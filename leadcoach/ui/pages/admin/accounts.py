"""Admin: accounts; forms to add a person, set a password, change a role, lift a lock-out."""

import pandas as pd
import streamlit as st

from leadcoach.people import accounts
from leadcoach.people.people import accounts_overview, coached_teams
from leadcoach.platform.errors import InvalidInput
from leadcoach.platform.i18n import _, formatted, isolate, ngettext, number
from leadcoach.platform.models import Role
from leadcoach.reporting import vocabulary
from leadcoach.ui import auth, context, tables
from leadcoach.ui.text import md

viewer = auth.require_viewer()
with context.db() as session, context.stop_on_error():
    teams = coached_teams(session=session, viewer=viewer)
    everyone = accounts.account_list(session=session, viewer=viewer)

st.title(_("Accounts"), anchor=False)
ROLES = [r.value for r in Role]
labels = {
    int(row.person_id): (
        _("{name} ({email}, {role})")
        if row.has_account
        else _("{name} ({email}, {role}, no account yet)")
    ).format(name=row.name, email=row.email, role=vocabulary.role(row.role))
    for row in everyone.itertuples()
}


def pick_person(key: str, ids: list[int]) -> int | None:
    return st.selectbox(
        _("Person"),
        ids,
        index=None,
        format_func=lambda person_id: labels.get(person_id, str(person_id)),
        placeholder=_("Choose a person"),
        key=key,
    )


add_tab, password_tab, role_tab, unlock_tab = st.tabs(
    [_("Add a person"), _("Set a password"), _("Change a role"), _("Unlock")]
)

with add_tab:
    with st.form("accounts_new", clear_on_submit=True):
        name = st.text_input(_("Name"), key="accounts_new_name")
        email = st.text_input(_("Email"), key="accounts_new_email")
        role = st.selectbox(_("Role"), ROLES, format_func=vocabulary.role, key="accounts_new_role")
        team = st.selectbox(
            _("Team"),
            [None, *teams["team"]],
            format_func=lambda name: _("(none)") if name is None else name,
            key="accounts_new_team",
        )
        password = st.text_input(
            _("Initial password (at least 12 characters)"), type="password", key="accounts_new_pw"
        )
        add = st.form_submit_button(_("Add person"), type="primary")
    if add:
        team_ids = {n: int(id_) for n, id_ in zip(teams["team"], teams["team_id"], strict=True)}
        with context.shown_errors(), context.db() as session:
            person = accounts.add_person(
                session=session,
                viewer=viewer,
                name=name,
                email=email,
                role=Role(role),
                password=password,
                team_id=team_ids.get(team),
            )
            st.success(
                _("Added {name} ({role}).").format(
                    name=isolate(md(person.name)), role=vocabulary.role(person.role)
                )
            )

with password_tab:
    st.caption(
        _(
            "Sets a new password and lifts any lock-out. People imported from a roster get "
            "their account this way. Tell the person the password in person or by phone, not "
            "by email."
        )
    )
    with st.form("accounts_reset", clear_on_submit=True):
        reset_id = pick_person("accounts_reset_person", list(labels))
        new_password = st.text_input(
            _("New password (at least 12 characters; not a common one, nor their name or email)"),
            type="password",
            key="accounts_reset_pw",
        )
        repeat = st.text_input(_("Repeat the password"), type="password", key="accounts_reset_pw2")
        reset = st.form_submit_button(_("Set password"), type="primary")
    if reset:
        with context.shown_errors():
            if reset_id is None:
                raise InvalidInput(_("Person: choose whose password to set."))
            if new_password != repeat:
                raise InvalidInput(_("Repeat the password: the two passwords differ."))
            had_account = bool(everyone.set_index("person_id").loc[reset_id, "has_account"])
            with context.db() as session:
                person = accounts.reset_password(
                    session=session, viewer=viewer, person_id=reset_id, new_password=new_password
                )
            done = (
                _("Password set for {name}. They can sign in with it now.")
                if had_account
                else _("Account created for {name}. They can sign in with it now.")
            )
            st.success(done.format(name=isolate(md(person.name))))

with role_tab:
    st.caption(
        _(
            "Roles decide what a person sees. A coach who becomes anything else stops "
            "coaching their teams. The last admin keeps the admin role."
        )
    )
    with st.form("accounts_role"):
        role_id = pick_person("accounts_role_person", list(labels))
        new_role = st.selectbox(
            _("New role"), ROLES, format_func=vocabulary.role, key="accounts_role_role"
        )
        change = st.form_submit_button(_("Change role"), type="primary")
    if change:
        with context.shown_errors():
            if role_id is None:
                raise InvalidInput(_("Person: choose whose role to change."))
            with context.db() as session:
                result = accounts.change_role(
                    session=session, viewer=viewer, person_id=role_id, role=new_role
                )
            if result.old_role == result.new_role:
                st.info(
                    _("{name} is {role} already; nothing changed.").format(
                        name=isolate(md(result.name)), role=vocabulary.role(result.new_role.value)
                    )
                )
            else:
                released = (
                    " "
                    + ngettext(
                        "They no longer coach {count} team.",
                        "They no longer coach {count} teams.",
                        result.coached_teams_released,
                    ).format(count=number(result.coached_teams_released))
                    if result.coached_teams_released
                    else ""
                )
                st.success(
                    _("{name} is now {role} (was {old_role}).").format(
                        name=isolate(md(result.name)),
                        role=vocabulary.role(result.new_role.value),
                        old_role=vocabulary.role(result.old_role.value),
                    )
                    + released
                )

with unlock_tab:
    now = pd.Timestamp.now(tz="UTC")
    locked_until = pd.to_datetime(everyone["locked_until"], utc=True)
    locked = [int(i) for i in everyone.loc[locked_until > now, "person_id"]]
    if not locked:
        st.caption(
            _(
                "No account is locked. An account locks for {value} minutes after "
                "{max_failed_attempts} failed sign-ins in a row."
            ).format(
                value=formatted(accounts.LOCK_DURATION.total_seconds() / 60, ".0f"),
                max_failed_attempts=accounts.MAX_FAILED_ATTEMPTS,
            )
        )
    else:
        with st.form("accounts_unlock"):
            unlock_id = pick_person("accounts_unlock_person", locked)
            unlock = st.form_submit_button(_("Unlock"), type="primary")
        if unlock:
            with context.shown_errors():
                if unlock_id is None:
                    raise InvalidInput(_("Person: choose whose account to unlock."))
                with context.db() as session:
                    accounts.unlock(session=session, viewer=viewer, person_id=unlock_id)
                st.success(
                    _("Unlocked: {labels} can sign in again.").format(labels=md(labels[unlock_id]))
                )

with context.db() as session, context.shown_errors():
    table = accounts_overview(session=session, viewer=viewer)
    tables.grid(table, formats={"last_sign_in": "%d %b %Y %H:%M", "locked_until": "%H:%M"})
