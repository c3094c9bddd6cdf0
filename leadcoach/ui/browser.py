"""Small scripts run in the person's browser, for what Streamlit 1.67 has no call for:
where focus and the scroll position land after a step changes, the focus of a form, and the
cookie that keeps a sign-in across a reload (Streamlit reads cookies, `st.context.cookies`,
but has no call to set one).

Each is an `st.html(..., unsafe_allow_javascript=True)` element: Streamlit runs its script
in the page itself (not in an iframe) when the element first appears, and again only when
its text changes (see Streamlit's Html element). No person's text is ever put into one
unescaped: values go in as JSON, with "</" broken up so no value can close the script.
"""

from __future__ import annotations

import json

import streamlit as st


def _value(value: object) -> str:
    """A Python value as a JavaScript literal that is safe inside a <script> element."""
    return json.dumps(value).replace("</", "<\\/")


# Streamlit draws a page's elements one by one as its script runs: the script waits (up to
# ten seconds) for the element it acts on to be drawn, then acts once.
_WHEN_DRAWN = """
const waitFor = (find, act) => {
  const deadline = Date.now() + 10000;
  const tryNow = () => {
    const found = find();
    if (found) { act(found); } else if (Date.now() < deadline) { requestAnimationFrame(tryNow); }
  };
  tryNow();
};
"""

_FOCUS_HEADING = """
waitFor(
  () => [...document.querySelectorAll("[data-testid='stMain'] h1, [data-testid='stMain'] h2")]
    .find(heading => heading.textContent.trim() === TITLE),
  heading => {
    // Every box that scrolls the heading, and the window, back to the top.
    for (let box = heading.parentElement; box; box = box.parentElement) {
      if (box.scrollTop) { box.scrollTop = 0; }
    }
    window.scrollTo(0, 0);
    // Focusable by script only (not a Tab stop), so a screen reader reads the new step.
    heading.setAttribute("tabindex", "-1");
    heading.focus({preventScroll: true});
  },
);
"""


def focus_heading(title: str, visit: int) -> None:
    """Scroll the page to its top and put keyboard focus on the heading with this text.

    `visit` makes each call's element differ from the last, so the script runs again when
    the same heading is shown once more (e.g. a step opened a second time)."""
    _run(f"/* visit {int(visit)} */ const TITLE = {_value(title)};{_WHEN_DRAWN}{_FOCUS_HEADING}")


def _run(script: str) -> None:
    # In a function of its own: every inline script shares the page's global scope, where a
    # second `const` of the same name would be an error.
    st.html(f"<script>(() => {{{script}}})();</script>", unsafe_allow_javascript=True)


_FOCUS_FIELD = """
waitFor(
  () => document.querySelector(
    `[data-testid='stMain'] input[aria-label=${JSON.stringify(LABEL)}]`),
  field => {
    const now = document.activeElement;
    if (!now || now === document.body) { field.focus(); }
  },
);
"""


def focus_field(label: str) -> None:
    """Put keyboard focus on the text field with this label when the page opens, unless the
    person has already put it somewhere else."""
    _run(f"const LABEL = {_value(label)};{_WHEN_DRAWN}{_FOCUS_FIELD}")


def set_cookie(name: str, value: str) -> None:
    """Have the browser keep this cookie until it closes (no expiry date: a session cookie),
    sent only to this site's own pages (SameSite=Strict), and only over HTTPS when the app
    is served over HTTPS. Not HttpOnly: a script cannot set that, and only a script can set
    a cookie here; the value must be useless without the server's own record."""
    _run(
        f"document.cookie = {_value(name)} + '=' + encodeURIComponent({_value(value)})"
        " + '; Path=/; SameSite=Strict' + (location.protocol === 'https:' ? '; Secure' : '');"
    )


def forget_cookie(name: str) -> None:
    """Have the browser delete this cookie."""
    _run(
        f"document.cookie = {_value(name)} + '=; Path=/; Max-Age=0; SameSite=Strict'"
        " + (location.protocol === 'https:' ? '; Secure' : '');"
    )
